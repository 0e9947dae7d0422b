// memblocks: MemBlocks from the bundle. fixed32-*: allocBlock() / freeBlock(a),
// the single-block fast path; contig-frag: allocContiguous(n) /
// freeContiguous(a, n) with n = size / 32. The allocator never touches the
// Memory port, but its region must lie inside the port's memory (the
// constructor claims it), so the ArrayMemory covers the region; a bundle
// without ArrayMemory (the board bundles: it is in ramkit-extras) gets
// benchMemBlocksPort, a port that answers only what the constructor asks.
// The adapter layer is chosen per engine so that it costs nothing, as
// flist's does: on Node the allocator itself, its allocBlock/freeBlock
// aliased as alloc/free on this instance (as the onesize adapter aliases
// allocate; V8 does not inline calls through bound functions), under duk the
// bound methods (a bound call is cheap there, an extra JS call is not).

function benchMemBlocksPort(rk, base, size) {
  if (rk.ArrayMemory) return new rk.ArrayMemory(base, size);
  return {
    read8: function () {
      return 0;
    },
    mapped: function (a, len) {
      return a >= base && len >= 0 && a + len <= base + size;
    }
  };
}

function BenchMemBlocksRun(mb) {
  this.m = mb;
}
BenchMemBlocksRun.prototype.alloc = function (size) {
  return this.m.allocContiguous(size >> 5);
};
BenchMemBlocksRun.prototype.free = function (a, size) {
  this.m.freeContiguous(a, size >> 5);
};

BENCH_ADAPTERS.push({
  name: "memblocks",
  workloads: ["fixed32-lifo", "fixed32-fifo", "contig-frag"],
  ref: false,
  nodeOnly: false,
  goals: { "fixed32-lifo": { node: 0.7, duk: 0.4 }, "fixed32-fifo": { node: 0.7, duk: 0.4 } },
  make: function (rk, host) {
    var base = 0x20000000;
    var mb = new rk.MemBlocks(benchMemBlocksPort(rk, base, host.regionBytes), {
      base: base,
      size: host.regionBytes,
      blockSize: host.blockSize
    });
    if (host.workload === "contig-frag") return new BenchMemBlocksRun(mb);
    if (host.engine === "node") {
      mb.alloc = mb.allocBlock;
      mb.free = mb.freeBlock;
      return mb;
    } // this bench instance only
    return { alloc: mb.allocBlock.bind(mb), free: mb.freeBlock.bind(mb) };
  }
});

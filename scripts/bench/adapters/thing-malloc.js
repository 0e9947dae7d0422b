// thing-malloc: @thi.ng/malloc's MemPool (defaults: 8-byte block header,
// 8-byte alignment, compaction and splitting on) over a 64 KiB buffer, the
// JavaScript general-purpose peer and the ref of the mix16-256, -lifo and
// -fifo workloads. Its free searches the used list from the
// newest block, so oldest-first frees cost O(live blocks) (the
// FIFO cliff). Node only: an npm package, loaded through host.require.
function BenchThingMalloc(MemPool, bytes) {
  this.p = new MemPool({ size: bytes });
}
BenchThingMalloc.prototype.alloc = function (size) {
  return this.p.malloc(size);
};
BenchThingMalloc.prototype.free = function (addr, size) {
  this.p.free(addr);
};

BENCH_ADAPTERS.push({
  name: "thing-malloc",
  workloads: ["mix16-256", "mix16-256-lifo", "mix16-256-fifo"],
  ref: true,
  nodeOnly: true,
  make: function (rk, host) {
    return new BenchThingMalloc(host.require("@thi.ng/malloc").MemPool, host.regionBytes);
  }
});

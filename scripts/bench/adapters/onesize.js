// onesize: rk.Onesize over a 64 KiB region of 32-byte blocks. Its free-list
// links live in the blocks themselves, read and written through the port's
// word view (a typed-array access per link, no port call), and every free
// and every pop is checked against the out-of-band state bytes; `flist+ck`
// (flist-checked.js) is the yardstick with comparable checks. On Node the
// ratios to both also show how V8 holds each pool's head: `flist` and
// `flist+ck` keep the double the driver's Float64Array hands them, Onesize
// a small integer (docs/ONESIZE.md, "Performance"). The port is
// the bundle's ArrayMemory where it exports one, else BenchWordMemory below
// (the part of the Memory port Onesize uses: word reads and writes and the
// word view over the same bytes). The pool itself is returned, with `alloc`
// as an alias of `allocate` (no wrapper call); the driver's
// free(address, size) reaches the contract's free(address), which takes no size.
function BenchWordMemory(base, size) {
  this.base = base;
  this.size = size;
  this.w = new Int32Array(size >> 2);
}
BenchWordMemory.prototype.read32 = function (a) {
  return this.w[(a - this.base) >> 2] >>> 0;
};
BenchWordMemory.prototype.write32 = function (a, v) {
  this.w[(a - this.base) >> 2] = v;
};
BenchWordMemory.prototype.mapped = function (a, len) {
  return a >= this.base && len >= 0 && a + len <= this.base + this.size;
};
BenchWordMemory.prototype.wordView = function () {
  return { words: this.w, base: this.base };
};

BENCH_ADAPTERS.push({
  name: "onesize",
  workloads: ["fixed32-lifo", "fixed32-fifo"],
  ref: false,
  nodeOnly: false,
  goals: { "fixed32-lifo": { node: 0.8, duk: 0.6 }, "fixed32-fifo": { node: 0.8, duk: 0.6 } },
  make: function (rk, host) {
    var base = 0x20000000,
      mem = rk.ArrayMemory ? new rk.ArrayMemory(base, host.regionBytes) : new BenchWordMemory(base, host.regionBytes);
    var pool = new rk.Onesize(mem, { base: base, size: host.regionBytes, blockSize: host.blockSize });
    pool.alloc = pool.allocate;
    return pool;
  }
});

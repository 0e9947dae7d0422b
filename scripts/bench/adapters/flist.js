// flist: the hand-written intrusive free list, the ref for fixed32-* (the
// "physical limit" of a fixed-size pool in JS). Words live in
// an Int32Array; the first word of a free block holds the address of the
// next free block (0 ends the list). No checks at all.
function BenchFreeList(base, blockSize, bytes) {
  var n = Math.floor(bytes / blockSize),
    i,
    a;
  this.w = new Int32Array((base + bytes) >> 2);
  this.h = 0;
  for (i = n - 1; i >= 0; i--) {
    a = base + i * blockSize;
    this.w[a >> 2] = this.h;
    this.h = a;
  }
}
BenchFreeList.prototype.alloc = function (size) {
  var a = this.h;
  if (a !== 0) this.h = this.w[a >> 2];
  return a;
};
BenchFreeList.prototype.free = function (a, size) {
  this.w[a >> 2] = this.h;
  this.h = a;
};

BENCH_ADAPTERS.push({
  name: "flist",
  workloads: ["fixed32-lifo", "fixed32-fifo"],
  ref: true,
  nodeOnly: false,
  make: function (rk, host) {
    return new BenchFreeList(64, host.blockSize, host.regionBytes);
  }
});

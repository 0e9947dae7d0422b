// flist+ck: the hand-written intrusive free list of flist.js plus a used-bit
// map, so that free rejects out-of-range, misaligned, double and foreign
// addresses (the "flist+ck" pool). No goal: it shows, in the
// same run, what the checks a safe pool must make cost before any port or
// statistics, which is the fair yardstick for Onesize (see docs/ONESIZE.md).
function BenchCheckedFreeList(base, blockSize, bytes) {
  var n = Math.floor(bytes / blockSize),
    i,
    a,
    sh = 0;
  while (1 << sh < blockSize) sh++;
  this.w = new Int32Array((base + bytes) >> 2);
  this.u = new Int32Array((n + 31) >> 5);
  this.b = base;
  this.n = n;
  this.sh = sh;
  this.m = blockSize - 1;
  this.h = 0;
  this.errors = 0;
  for (i = n - 1; i >= 0; i--) {
    a = base + i * blockSize;
    this.w[a >> 2] = this.h;
    this.h = a;
  }
}
BenchCheckedFreeList.prototype.alloc = function (size) {
  var a = this.h,
    i;
  if (a === 0) return 0;
  this.h = this.w[a >> 2];
  i = (a - this.b) >> this.sh;
  this.u[i >> 5] |= 1 << (i & 31);
  return a;
};
BenchCheckedFreeList.prototype.free = function (a, size) {
  var o = a - this.b,
    i = o >> this.sh,
    m = 1 << (i & 31);
  if (o < 0 || i >= this.n || (o & this.m) !== 0 || (this.u[i >> 5] & m) === 0) {
    this.errors++;
    return;
  }
  this.u[i >> 5] &= ~m;
  this.w[a >> 2] = this.h;
  this.h = a;
};

BENCH_ADAPTERS.push({
  name: "flist+ck",
  workloads: ["fixed32-lifo", "fixed32-fifo"],
  ref: false,
  nodeOnly: false,
  make: function (rk, host) {
    return new BenchCheckedFreeList(64, host.blockSize, host.regionBytes);
  }
});

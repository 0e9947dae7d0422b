// bytemap: the ref for contig-frag, the obvious hand-written run allocator:
// one byte per block (1 = used) in a Uint8Array, first fit found by a plain
// loop from the lowest block that may be free. free(address, size) clears
// size / blockSize bytes. No checks.
function BenchByteMap(base, blockSize, bytes) {
  this.b = base;
  this.s = blockSize;
  this.n = Math.floor(bytes / blockSize);
  this.m = new Uint8Array(this.n);
  this.lo = 0;
}
BenchByteMap.prototype.alloc = function (size) {
  var m = this.m,
    n = this.n,
    k = Math.ceil(size / this.s),
    i = this.lo,
    run = 0,
    j;
  while (i < n && m[i] !== 0) i++;
  this.lo = i;
  for (; i < n; i++) {
    if (m[i] !== 0) {
      run = 0;
      continue;
    }
    if (++run === k) {
      for (j = i - k + 1; j <= i; j++) m[j] = 1;
      return this.b + (i - k + 1) * this.s;
    }
  }
  return 0;
};
BenchByteMap.prototype.free = function (a, size) {
  var i = (a - this.b) / this.s,
    e = i + Math.ceil(size / this.s),
    m = this.m;
  for (var j = i; j < e; j++) m[j] = 0;
  if (i < this.lo) this.lo = i;
};

BENCH_ADAPTERS.push({
  name: "bytemap",
  workloads: ["contig-frag"],
  ref: true,
  nodeOnly: false,
  make: function (rk, host) {
    return new BenchByteMap(64, host.blockSize, host.regionBytes);
  }
});

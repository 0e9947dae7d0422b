// onesize: rk.Onesize over a 64 KiB rk.ArrayMemory region of
// 32-byte blocks. Its free-list link words go through the Memory port
// (read32 on a pop, write32 on a free), and every free is checked against
// the out-of-band state bytes, so the ratio to `flist` is the price of the
// port plus the checks. The pool itself is returned, with `alloc` as an
// alias of `allocate` (no wrapper call): free(address, size) ignores size.
BENCH_ADAPTERS.push({
  name: "onesize", workloads: ["fixed32-lifo", "fixed32-fifo"], ref: false, nodeOnly: false,
  goals: { "fixed32-lifo": { node: 0.8, duk: 0.6 }, "fixed32-fifo": { node: 0.8, duk: 0.6 } },
  make: function (rk, host) {
    var base = 0x20000000, mem = new rk.ArrayMemory(base, host.regionBytes);
    var pool = new rk.Onesize(mem, { base: base, size: host.regionBytes, blockSize: host.blockSize });
    pool.alloc = pool.allocate;
    return pool;
  }
});

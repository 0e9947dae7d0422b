// onesize: rk.Onesize over a 64 KiB rk.ArrayMemory region of 32-byte
// blocks. Its free-list links live in the blocks themselves, read and written
// through the port's word view (ArrayMemory offers one: a typed-array access
// per link, no port call), and every free and every popped link is checked
// against the out-of-band state bytes, so the ratio to `flist` is the price
// of those checks and the statistics; `flist+ck` (flist-checked.js) is the
// yardstick with comparable checks. The pool itself is returned, with
// `alloc` as an alias of `allocate` (no wrapper call); the driver's
// free(address, size) reaches the contract's free(address), which takes no size.
BENCH_ADAPTERS.push({
  name: "onesize",
  workloads: ["fixed32-lifo", "fixed32-fifo"],
  ref: false,
  nodeOnly: false,
  goals: { "fixed32-lifo": { node: 0.8, duk: 0.6 }, "fixed32-fifo": { node: 0.8, duk: 0.6 } },
  make: function (rk, host) {
    var base = 0x20000000,
      mem = new rk.ArrayMemory(base, host.regionBytes);
    var pool = new rk.Onesize(mem, { base: base, size: host.regionBytes, blockSize: host.blockSize });
    pool.alloc = pool.allocate;
    return pool;
  }
});

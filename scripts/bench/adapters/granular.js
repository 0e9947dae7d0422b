// granular: rk.GranularHeap over a 64 KiB rk.ArrayMemory region in 16-byte
// granules, on the random 16..256-byte mix at ~50% occupancy, with frees of a
// random live block, the newest or the oldest. The heap itself is returned,
// with `alloc` as an alias of the contract's `allocate` (no wrapper call);
// the driver's free(addr, size) is the heap's free(address, size), so every
// free also checks the size in granules (the check MemoryManager.deallocate
// relies on). A bundle without ArrayMemory (the board bundles: it is in
// ramkit-extras) gets a port that answers only what the constructor asks
// (the heap never reads or writes the region).
// Goals: at least 4x @thi.ng/malloc (the `thing-malloc` ref) in the same run
// on the mix with random victims, and FIFO within 1.5x of LIFO (checked by
// run.mjs). The newest-first and oldest-first variants are measured against
// the ref too, without a ratio goal: newest-first frees are the best case of
// @thi.ng/malloc's used-list search, oldest-first its worst.
BENCH_ADAPTERS.push({
  name: "granular",
  workloads: ["mix16-256", "mix16-256-lifo", "mix16-256-fifo"],
  ref: false,
  nodeOnly: false,
  goals: { "mix16-256": { node: 4.0 } },
  make: function (rk, host) {
    var base = 0x20000000,
      size = host.regionBytes,
      mem = rk.ArrayMemory
        ? new rk.ArrayMemory(base, size)
        : {
            read8: function () {
              return 0;
            },
            mapped: function (a, len) {
              return a >= base && len >= 0 && a + len <= base + size;
            }
          };
    var heap = new rk.GranularHeap(mem, { base: base, size: host.regionBytes });
    heap.alloc = heap.allocate;
    return heap;
  }
});

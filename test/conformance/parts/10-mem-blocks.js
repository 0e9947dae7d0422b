/*
 * Conformance part 10: MemBlocks, and BitArray and MemBlocksGroup where the
 * bundle has them (the full one). Plain ES5. Members of the debug add-on
 * (owns, resetPeak, unwatch, close, get, isRegionFree, the checkers,
 * listeners) only under DEBUG.
 */
(function () {
  var BASE = 0x20000000;

  /**
   * A Memory port over [base, base + size): the bundle's ArrayMemory, else
   * (the lean MemBlocks bundle ships no port) a stand-in with what MemBlocks
   * asks of one: read8, and mapped() for the claims. MemBlocks never reads
   * or writes the memory it manages.
   */
  function port(base, size) {
    if (rk.ArrayMemory) return new rk.ArrayMemory(base, size);
    return {
      base: base,
      size: size,
      read8: function () {
        return 0;
      },
      mapped: function (a, len) {
        return typeof a === "number" && a >= base && len >= 0 && a + len <= base + size;
      }
    };
  }

  // BitArray is in the full bundle, not in the lean MemBlocks one
  if (rk.BitArray)
    (function () {
      section("bit array");
      var ba = new rk.BitArray(70);
      eq("numWords", ba.numWords, 3);
      eq("allocBit from empty", [ba.allocBit(), ba.allocBit(), ba.allocBit()], [0, 1, 2]);
      eq("alloc run of 40 is first fit", ba.alloc(40), 3);
      eq("word 0 all set", ba.word(0), 0xffffffff);
      eq("word 1 low bits", ba.word(1), 0x7ff);
      eq("popcount", ba.popcountRegion(70, 0), 43);
      eq("free run", ba.free(40, 3), 0);
      eq("free again is -EFAULT", ba.free(40, 3), -rk.EFAULT);
      eq("free past the end is -EINVAL", ba.free(2, 69), -rk.EINVAL);
      eq("test bit 2", ba.test(2), 1);
      eq("test bit 70 is -EINVAL", ba.test(70), -rk.EINVAL);
      eq("testAndSet", [ba.testAndSet(69), ba.testAndSet(69)], [0, 1]);
      eq("findNthSet", ba.findNthSet(4, 70, 0), 69);
      eq("findNthSet not found", ba.findNthSet(5, 70, 0), -rk.ENOENT);
      eq("testAndSetRegion over a set bit", ba.testAndSetRegion(2, 68, true), -rk.EEXIST);
      check("isRegionCleared", ba.isRegionCleared(66, 3));
      eq("setWord/word keep padding hidden", [ba.setWord(2, 0xffffffff), ba.word(2)], [0, 0x3f]);
      eq(
        "setWord refuses NaN, fractions, 2^32",
        [ba.setWord(2, NaN), ba.setWord(2, 1.5), ba.setWord(2, 0x100000000), ba.word(2)],
        [-rk.EINVAL, -rk.EINVAL, -rk.EINVAL, 0x3f]
      );
      var bb = new rk.BitArray(70);
      eq("xor", [bb.xor(ba, 70, 0), bb.popcountRegion(70, 0)], [0, ba.popcountRegion(70, 0)]);
      var bc = new rk.BitArray(100);
      eq("run crossing a word boundary", [bc.setRegion(27, 0), bc.alloc(10), bc.alloc(32), bc.alloc(33)], [0, 27, 37, -rk.ENOSPC]);
      eq("ctz32 of 0x80000000", rk.ctz32(0x80000000), 31);
      eq("clz32 of 1, 0x80000000, 0", [rk.clz32(1), rk.clz32(0x80000000), rk.clz32(0)], [31, 0, 32]);
      eq("popcount32 of -1", rk.popcount32(-1), 32);
      eq("findLsbSet/findMsbSet", [rk.findLsbSet(0x000ff000), rk.findMsbSet(0x000ff000)], [13, 20]);
      throwsCode(
        "BitArray(0) throws EINVAL",
        function () {
          return new rk.BitArray(0);
        },
        "EINVAL"
      );
      if (DEBUG) {
        eq("run search validates", bc.validate(), null);
        eq("bit array validates", ba.validate(), null);
        check("bit array invariants hold", ba.invariantsHold());
      } else {
        check("the lean BitArray has no validate", typeof ba.validate === "undefined");
      }
    })();

  section("memory blocks: the contract");
  var mem = port(BASE, 0x2000);
  var mb = new rk.MemBlocks(mem, { base: BASE, size: 512, blockSize: 64 });
  eq("geometry", [mb.base, mb.size, mb.blockSize, mb.numBlocks, mb.lastError], [BASE, 512, 64, 8, 0]);
  var ev = [];
  var w = {
    onAlloc: function (a, bytes, al) {
      ev.push("a" + (a - BASE) + ":" + bytes + (al === mb ? "" : "?"));
    },
    onFree: function (a, bytes, al) {
      ev.push("f" + (a - BASE) + ":" + bytes + (al === mb ? "" : "?"));
    }
  };
  eq("watch", mb.watch(w), 0);
  eq("watch without functions is -EINVAL", [mb.watch({}), mb.lastError], [-rk.EINVAL, -rk.EINVAL]);
  eq("allocate", [mb.allocate(1), mb.allocate(64, 64), mb.allocate(8, 4, BASE + 300)], [BASE, BASE + 64, BASE + 320]);
  eq(
    "allocate bad size, alignment, hint is 0 with -EINVAL",
    [mb.allocate(65), mb.allocate(0), mb.allocate(8, 3), mb.allocate(8, 128), mb.allocate(8, undefined, -1), mb.lastError],
    [0, 0, 0, 0, 0, -rk.EINVAL]
  );
  eq("free of an interior address is -EFAULT", [mb.free(BASE + 1), mb.lastError], [-rk.EFAULT, -rk.EFAULT]);
  eq("free of a non-number is -EINVAL", [mb.free(String(BASE)), mb.lastError], [-rk.EINVAL, -rk.EINVAL]);
  eq("free(0) is 0", mb.free(0), 0);
  eq("free", [mb.free(BASE + 64), mb.free(BASE + 64)], [0, -rk.EFAULT]);
  var st = mb.stats();
  eq("stats", [st.used, st.free, st.peak, st.count, st.failures], [128, 384, 192, 2, 8]);
  var into = { used: 0, free: 0, peak: 0, count: 0, failures: 0 };
  check("stats into out", mb.stats(into) === into && into.count === 2);
  if (DEBUG) {
    check("owns", mb.owns(BASE) && mb.owns(BASE + 511) && !mb.owns(BASE + 512) && !mb.owns(String(BASE)));
    mb.resetPeak();
    st = mb.stats();
    eq("resetPeak", [st.peak, st.failures, mb.lastError], [128, 0, -rk.EFAULT]);
    eq("close while in use is -EBUSY", [mb.close(), mb.lastError], [-16, -16]); // EBUSY, ENOENT: not exported by the lean MemBlocks bundle
  } else {
    check(
      "the lean MemBlocks has no owns, resetPeak, unwatch, close, get or isRegionFree (the add-on's)",
      typeof mb.owns === "undefined" &&
        typeof mb.resetPeak === "undefined" &&
        typeof mb.unwatch === "undefined" &&
        typeof mb.close === "undefined" &&
        typeof mb.get === "undefined" &&
        typeof mb.isRegionFree === "undefined"
    );
  }
  throwsCode(
    "an overlapping allocator of the same memory throws EBUSY",
    function () {
      return new rk.MemBlocks(mem, { base: BASE + 256, size: 512, blockSize: 64 });
    },
    "EBUSY"
  );
  throwsCode(
    "a region outside the memory throws EINVAL",
    function () {
      return new rk.MemBlocks(mem, { base: BASE + 0x1f00, size: 512, blockSize: 64 });
    },
    "EINVAL"
  );
  throwsCode(
    "size not a whole number of blocks throws EINVAL",
    function () {
      return new rk.MemBlocks(mem, { base: BASE + 0x1000, size: 100, blockSize: 64 });
    },
    "EINVAL"
  );
  throwsCode(
    "misaligned base throws EINVAL",
    function () {
      return new rk.MemBlocks(mem, { base: BASE + 0x1020, size: 512, blockSize: 64 });
    },
    "EINVAL"
  );
  throwsCode(
    "blockSize 2 throws EINVAL",
    function () {
      return new rk.MemBlocks(mem, { base: BASE + 0x1000, size: 16, blockSize: 2 });
    },
    "EINVAL"
  );
  eq("free the rest", [mb.free(BASE), mb.free(BASE + 320)], [0, 0]);
  if (DEBUG) eq("unwatch", [mb.unwatch(w), mb.unwatch(w), mb.lastError], [0, -2, -2]);
  eq("watcher events", ev.join(","), "a0:64,a64:64,a320:64,f64:64,f0:64,f320:64");
  if (DEBUG) {
    eq("validate", mb.validate(), null);
    eq("close", mb.close(), 0);
  } else mem = port(BASE, 0x2000); // the region stays claimed on this port without close()

  section("memory blocks: Zephyr's verbs");
  mb = new rk.MemBlocks(mem, { base: BASE, size: 512, blockSize: 64 });
  var log = [];
  mb.watch({
    onAlloc: function (a, bytes) {
      log.push("a" + (a - BASE) + ":" + bytes);
    },
    onFree: function (a, bytes) {
      log.push("f" + (a - BASE) + ":" + bytes);
    }
  });
  var out = [];
  eq("allocBlocks 3", mb.allocBlocks(3, out), 0);
  eq("allocBlocks addresses", out, [BASE, BASE + 64, BASE + 128]);
  eq("allocBlocks 9 is -ENOMEM", [mb.allocBlocks(9, []), mb.lastError], [-rk.ENOMEM, -rk.ENOMEM]);
  eq("allocBlock", mb.allocBlock(), BASE + 192);
  if (DEBUG) {
    eq("get a taken run is -ENOMEM", mb.get(BASE + 192, 2), -rk.ENOMEM);
    eq("get a free run", mb.get(BASE + 256, 2), 0);
  } else eq("allocContiguous(2) takes blocks 4 and 5", mb.allocContiguous(2), BASE + 256);
  eq("allocContiguous(3) fails on 2 free", [mb.allocContiguous(3), mb.lastError], [0, -rk.ENOMEM]);
  eq("allocContiguous(0) is 0 with -EINVAL", [mb.allocContiguous(0), mb.lastError], [0, -rk.EINVAL]);
  eq("allocContiguous(2)", mb.allocContiguous(2), BASE + 384);
  eq("allocBlock when full", [mb.allocBlock(), mb.lastError], [0, -rk.ENOMEM]);
  st = mb.stats();
  eq("stats after 8 blocks", [st.free, st.used, st.peak, st.count], [0, 512, 512, 8]);
  eq("freeBlocks 3", mb.freeBlocks(3, out), 0);
  eq("double free is -EFAULT", mb.freeBlocks(1, out), -rk.EFAULT);
  eq("freeBlocks one past the end is -EFAULT", mb.freeBlocks(1, [BASE + 512]), -rk.EFAULT);
  eq(
    "freeBlocks of a repeated block is -EFAULT, nothing freed",
    [mb.freeBlocks(2, [BASE + 192, BASE + 200]), mb.stats().count],
    [-rk.EFAULT, 5]
  );
  eq("freeBlocks count 9 is -EINVAL", mb.freeBlocks(9, out), -rk.EINVAL);
  eq("freeBlock of a numeric string is -EINVAL", mb.freeBlock(String(BASE + 192)), -rk.EINVAL);
  eq("freeBlock of an interior address", mb.freeBlock(BASE + 200), 0);
  eq("freeContiguous", mb.freeContiguous(BASE + 256, 4), 0);
  eq(
    "freeContiguous(0, n) and freeBlock(0) do nothing, as free(0)",
    [mb.freeContiguous(0, 2), mb.freeBlock(0), mb.stats().count],
    [0, 0, 0]
  );
  if (DEBUG) check("isRegionFree", mb.isRegionFree(BASE, 8));
  eq("event log", log.join(","), "a0:64,a64:64,a128:64,a192:64,a256:128,a384:128,f0:64,f64:64,f128:64,f192:64,f256:256");
  if (typeof Object.freeze === "function") {
    // ESPRUINO: no Object.freeze (nothing can be frozen there)
    throwsCode(
      "allocBlocks into a frozen array throws EINVAL",
      function () {
        mb.allocBlocks(2, Object.freeze([0, 0]));
      },
      "EINVAL"
    );
    eq("and takes no block", [mb.stats().count, mb.allocBlock()], [0, BASE]);
    eq("free it", mb.freeBlock(BASE), 0);
  }
  throwsCode(
    "allocBlocks without out throws EINVAL",
    function () {
      mb.allocBlocks(1, null);
    },
    "EINVAL"
  );
  if (DEBUG) {
    eq("validate", mb.validate(), null);
    check("invariantsHold", mb.invariantsHold());
    var bs = mb.blockStats();
    eq(
      "blockStats",
      [bs.freeBytes, bs.allocatedBytes, bs.maxAllocatedBytes, bs.usedBlocks, bs.maxUsedBlocks, bs.freeBlocks],
      [512, 0, 512, 0, 8, 8]
    );
    var zl = [],
      zf = function (a, addr, bytes) {
        zl.push((a === mb ? "" : "?") + (addr - BASE) + ":" + bytes);
      };
    eq("onAlloc/onFree", [mb.onAlloc(zf), mb.onFree(zf)], [0, 0]);
    var z = mb.allocContiguous(2);
    eq("listeners heard", [mb.freeContiguous(z, 2), zl.join(",")], [0, "0:128,0:128"]);
    eq("removeListener", [mb.removeListener(zf), mb.removeListener(zf)], [0, -2]);
    check("lastErrorText names the last failure", mb.lastErrorText().indexOf("EINVAL: ") === 0);
  } else {
    check("the lean MemBlocks has no validate or listeners", typeof mb.validate === "undefined" && typeof mb.onAlloc === "undefined");
  }
  // allocBlock/freeBlock compute in arithmetic where they can: the top bit of a word and interior addresses
  var mb3 = new rk.MemBlocks(mem, { base: BASE + 0x1000, size: 256, blockSize: 4 }),
    all = [],
    k;
  for (k = 0; k < 64; k++) all.push(mb3.allocBlock());
  eq("allocBlock fills 64 blocks in order", [all[31] - BASE - 0x1000, all[63] - BASE - 0x1000, mb3.allocBlock()], [124, 252, 0]);
  eq(
    "freeBlock of interior addresses in bit 31 of each word",
    [mb3.freeBlock(BASE + 0x1000 + 254), mb3.freeBlock(BASE + 0x1000 + 125)],
    [0, 0]
  );
  eq(
    "allocBlock takes them back, lowest first",
    [mb3.allocBlock() - BASE - 0x1000, mb3.allocBlock() - BASE - 0x1000, mb3.allocBlock()],
    [124, 252, 0]
  );
  eq(
    "allocate with a hint in bit 31, then the next word",
    [
      mb3.free(BASE + 0x1000 + 124),
      mb3.free(BASE + 0x1000 + 200),
      mb3.allocate(4, 4, BASE + 0x1000 + 124),
      mb3.allocate(4, 4, BASE + 0x1000 + 124)
    ],
    [0, 0, BASE + 0x1000 + 124, BASE + 0x1000 + 200]
  );
  if (DEBUG) eq("64-block allocator validates", mb3.validate(), null);

  // MemBlocksGroup is in the full bundle, not in the lean MemBlocks one
  if (rk.MemBlocksGroup)
    (function () {
      section("memory blocks group");
      var mem2 = port(BASE + 0x4000, 0x2000);
      var mb2 = new rk.MemBlocks(mem2, { base: BASE + 0x5000, size: 128, blockSize: 32 });
      var g = new rk.MemBlocksGroup(function (grp, cfg) {
        return cfg === 1 ? 0 : cfg === 2 ? 1 : -1;
      });
      eq("addAllocator", [g.addAllocator(mb), g.addAllocator(mb2)], [0, 1]);
      eq("MAX_MULTI_ALLOCATORS", rk.MAX_MULTI_ALLOCATORS, 8);
      var info = { blockSize: 0, allocator: null };
      var gout = [];
      eq("bad cfg is -EINVAL", g.allocBlocks(16, 1, gout, info), -rk.EINVAL);
      eq("count 0 is 0", g.allocBlocks(16, 0, gout, info), 0);
      eq("cfg 2", g.allocBlocks(2, 2, gout, info), 0);
      eq("chosen block size", info.blockSize, 32);
      check("chosen allocator", info.allocator === mb2);
      eq("group free routes by address", g.freeBlocks(2, gout), 0);
      eq("group free of a foreign address is -EINVAL", g.freeBlocks(1, [BASE + 0x3000]), -rk.EINVAL);
      check("findAllocator", g.findAllocator(BASE + 0x5004) === mb2 && g.findAllocator(BASE + 0x3000) === null);
      if (DEBUG) eq("group validates", g.validate(), null);
    })();
})();

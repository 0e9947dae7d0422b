/* Conformance part 30: GranularHeap and MemoryManager. Plain ES5. Calls to
   the debug add-on's members (owns, resetPeak, unwatch, close, the checkers,
   the seed's getters) are under `if (DEBUG)`. Runs on the full bundle and on
   ramkit-granular (GranularHeap) and ramkit-memory-manager (MemoryManager),
   which ship no Memory port and none of the core's helpers: the heaps never access memory, so a stand-in port with an extent
   does where the bundle has no ArrayMemory. */
(function () {
  var BASE = 0x20000000;
  var EFAULT = rk.EFAULT,
    EINVAL = rk.EINVAL,
    ENOMEM = rk.ENOMEM,
    EBUSY = rk.EBUSY,
    ENOENT = 2;
  var typed = typeof Int32Array !== "undefined";

  // a Memory port over [base, base + size): the bundle's ArrayMemory, else a stand-in
  function port(base, size) {
    if (rk.ArrayMemory) return new rk.ArrayMemory(base, size);
    return {
      base: base,
      size: size,
      read8: function () {
        return 0;
      },
      mapped: function (a, n) {
        return typeof a === "number" && a >= base && n >= 0 && a + n <= base + size;
      }
    };
  }
  // n zeroed signed 32-bit words (a plain array where the engine has no typed arrays)
  function words(n) {
    var w = typed ? new Int32Array(n) : [],
      i;
    for (i = 0; i < n; i++) w[i] = 0;
    return w;
  }
  var mem = port(BASE, 0x20000);
  var next = BASE;

  // each heap gets its own region of `mem` (regions are claimed per port)
  function heap(size, granule) {
    var h = new rk.GranularHeap(mem, { base: next, size: size, granule: granule });
    next += size + 256 - (size % 256);
    return h;
  }

  if (rk.GranularHeap) {
    section("granular: 16-byte granules");
    var h = heap(256),
      B = h.base;
    eq("geometry", [h.granule, h.blockSize, h.granules, h.size, h.lastError], [16, 16, 16, 256, 0]);
    var a = h.allocate(17);
    eq("17 bytes at the start", a, B);
    eq("charged as 32", h.stats().used, 32);
    eq("next allocation after it", h.allocate(1), B + 32);
    if (DEBUG) eq("allocationSize", h.allocationSize(a), 32);
    eq("free with the requested size", h.free(a, 17), 0);
    eq("double free", h.free(a), -EFAULT);
    eq("lastError", h.lastError, -EFAULT);
    eq("free(NULL)", h.free(0), 0);
    eq("hole reused first", h.allocate(32), B);
    if (DEBUG) {
      eq("owns", [h.owns(B), h.owns(B + 255), h.owns(B + 256), h.owns("x")], [true, true, false, false]);
      eq("validate", h.validate(), null);
      check("invariantsHold", h.invariantsHold());
    }

    section("granular: statistics and fragmentation then merge");
    h = heap(128);
    B = h.base;
    var q = [h.allocate(32), h.allocate(32), h.allocate(32), h.allocate(32)];
    eq("four quarters", q, [B, B + 32, B + 64, B + 96]);
    eq("free 1st", h.free(q[0], 32), 0);
    eq("free 3rd", h.free(q[2], 32), 0);
    eq("no run of 64", h.allocate(64), 0);
    eq("-ENOMEM", h.lastError, -ENOMEM);
    var s = h.stats();
    eq("stats", [s.used, s.free, s.peak, s.count, s.failures], [64, 64, 128, 2, 1]);
    var out = { used: 0, free: 0, peak: 0, count: 0, failures: 0 };
    check("stats into out", h.stats(out) === out && out.used === 64);
    if (DEBUG) {
      s = h.fullStats();
      eq("full stats", [s.largestFree, s.fragmentation, s.failed, s.rejected], [32, 0.5, 1, 0]);
    }
    eq("wrong size refused", h.free(q[1], 16), -EINVAL);
    eq("interior address refused", h.free(q[1] + 16), -EFAULT);
    eq("nothing freed", h.stats().used, 64);
    eq("right size", h.free(q[1], 32), 0);
    eq("merged", h.allocate(96), B);
    if (DEBUG) {
      h.resetPeak();
      s = h.stats();
      eq("resetPeak", [s.peak, s.failures], [128, 0]);
      eq("validate after merge", h.validate(), null);
    }

    section("granular: alignment, hint (at or above), bad arguments");
    h = heap(1024);
    B = h.base;
    eq("aligned 64", h.allocate(16, 64) % 64, 0);
    eq("hint taken", h.allocate(32, undefined, B + 512), B + 512);
    eq("hint taken again: the next run above", h.allocate(16, undefined, B + 512), B + 544);
    eq("nothing above the hint: first fit", h.allocate(16, undefined, B + 1008 + 8), B + 16);
    eq("size 0", h.allocate(0), 0);
    eq("-EINVAL", h.lastError, -EINVAL);
    eq("alignment 3", h.allocate(16, 3), 0);
    eq("size as a string", h.allocate("16"), 0);
    eq("too big", h.allocate(2048), 0);
    eq("-ENOMEM", h.lastError, -ENOMEM);
    eq("failures", h.stats().failures, 4);
    if (DEBUG) eq("rejected and failed", [h.fullStats().rejected, h.fullStats().failed], [3, 1]);
    eq("free outside", h.free(B + 4096), -EFAULT);
    eq("free a string", h.free("x"), -EINVAL);
    if (DEBUG) eq("validate", h.validate(), null);

    section("granular: fit (where allocate would place a request, at or above the hint)");
    // fit ships with the granular and full bundles (a bank manager's question); the memory-manager
    // bundle has it only with the add-on
    check(
      "fit where a bank manager may ask",
      typeof rk.GranularHeap.prototype.fit === "function" || (!DEBUG && !!rk.MemoryManager && !rk.BankManager)
    );
    h = heap(1024);
    B = h.base;
    if (typeof h.fit === "function") {
      eq("an empty heap: the hint's granule", h.fit(16, undefined, B + 100), B + 112);
      eq("no hint: the bottom", h.fit(16), B);
      eq("nothing was allocated", h.stats().used, 0);
      h.allocate(512, undefined, B + 512);
      eq("no run at or above the hint: 0 (allocate would fall back)", h.fit(16, undefined, B + 600), 0);
      eq("aligned", h.fit(16, 256, B + 1), B + 256);
      eq("too big", h.fit(1024), 0);
      h.lastError = 0;
      eq("a bad size", h.fit(0), 0);
      eq("a bad size: -EINVAL", h.lastError, -EINVAL);
      eq("an alignment no address of the region has", h.fit(16, 0x40000000), 0);
      eq("that alignment: -EINVAL", h.lastError, -EINVAL);
      eq("fit counts no failure", h.stats().failures, 0);
    }

    section("granular: spanning words, other granules");
    h = heap(4096 + 48);
    B = h.base;
    var big = h.allocate(16 * 100);
    eq("100 granules", big, B);
    eq("after it", h.allocate(16 * 40), B + 1600);
    eq("free 100 granules", h.free(big, 1600), 0);
    if (DEBUG) {
      eq("largest free", h.largestFree(), 4096 + 48 - 2240);
      eq("validate", h.validate(), null);
    }
    var h4 = heap(64, 4),
      B4 = h4.base;
    eq("granule 4", [h4.allocate(5), h4.allocate(4), h4.stats().used], [B4, B4 + 8, 12]);
    var n = 0,
      g1 = heap(16 * 45);
    while (g1.allocate(1) !== 0) n++;
    eq("45 single granules fill the heap", n, 45);
    if (DEBUG) eq("validate full", g1.validate(), null);

    section("granular: watchers");
    h = heap(256);
    B = h.base;
    var log = [];
    var w = {
      onAlloc: function (x, bytes, al) {
        log.push(x - B, bytes, al === h);
      },
      onFree: function (x, bytes, al) {
        log.push(B - x, -bytes, al === h);
      }
    };
    eq("watch", h.watch(w), 0);
    eq("watch a non-watcher", h.watch({}), -EINVAL);
    a = h.allocate(20);
    h.allocate(0);
    h.free(a);
    eq("events", log, [0, 32, true, 0, -32, true]);
    eq("watch twice: still once", h.watch(w), 0);
    h.free(h.allocate(1));
    eq("events once", log.length, 12);
    if (DEBUG) {
      eq("unwatch", h.unwatch(w), 0);
      eq("unwatch again", h.unwatch(w), -ENOENT);
      h.allocate(16);
      eq("no events after unwatch", log.length, 12);
      h.free(B);
    }

    section("granular: claims and close");
    throwsCode(
      "region outside the port",
      function () {
        return new rk.GranularHeap(mem, { base: BASE + 0x1ff00, size: 0x200 });
      },
      "EINVAL"
    );
    throwsCode(
      "region overlapping another heap's",
      function () {
        return new rk.GranularHeap(mem, { base: B + 64, size: 64 });
      },
      "EBUSY"
    );
    if (DEBUG) {
      a = h.allocate(16);
      eq("close while allocations live", h.close(), -EBUSY);
      eq("free it", h.free(a), 0);
      eq("close", h.close(), 0);
      check("the region can be claimed again", new rk.GranularHeap(mem, { base: B + 64, size: 64 }).size === 64);
    }

    section("granular: configuration errors");
    throwsCode(
      "no memory",
      function () {
        return new rk.GranularHeap(null, { base: BASE, size: 64 });
      },
      "EINVAL"
    );
    throwsCode(
      "base 0",
      function () {
        return new rk.GranularHeap(mem, { base: 0, size: 64 });
      },
      "EINVAL"
    );
    throwsCode(
      "misaligned base",
      function () {
        return new rk.GranularHeap(mem, { base: next + 8, size: 64 });
      },
      "EINVAL"
    );
    throwsCode(
      "size below a granule",
      function () {
        return new rk.GranularHeap(mem, { base: next, size: 8 });
      },
      "EINVAL"
    );
    throwsCode(
      "granule 24",
      function () {
        return new rk.GranularHeap(mem, { base: next, size: 64, granule: 24 });
      },
      "EINVAL"
    );
    throwsCode(
      "enter without exit",
      function () {
        return new rk.GranularHeap(mem, { base: next, size: 64, enter: function () {} });
      },
      "EINVAL"
    );
    throwsCode(
      "short used store",
      function () {
        return new rk.GranularHeap(mem, { base: next, size: 4096, used: words(2) });
      },
      "EINVAL"
    );
    throwsCode(
      "a string as a store",
      function () {
        return new rk.GranularHeap(mem, { base: next, size: 400, used: "12" });
      },
      "EINVAL"
    );
    if (typed)
      throwsCode(
        "a byte store",
        function () {
          return new rk.GranularHeap(mem, { base: next, size: 400, ends: new Uint8Array(64) });
        },
        "EINVAL"
      );
    throwsCode(
      "memory that is not a port",
      function () {
        return new rk.GranularHeap({}, { base: next, size: 64 });
      },
      "EINVAL"
    );

    section("granular: shared stores and hooks");
    // each bitmap needs ceil(floor(size / granule) / 32) words (granularBitmapWords in the full bundle)
    if (rk.granularBitmapWords)
      eq("granularBitmapWords", [rk.granularBitmapWords(512), rk.granularBitmapWords(4096, 64), rk.granularBitmapWords(1000)], [1, 2, 2]);
    eq("GRANULAR_STATE_WORDS", rk.GRANULAR_STATE_WORDS, 40);
    var used = words((Math.floor(512 / 16) + 31) >> 5),
      ends = words(used.length),
      st = words(rk.GRANULAR_STATE_WORDS);
    var depth = 0,
      calls = 0;
    var opts = {
      base: next,
      size: 512,
      used: used,
      ends: ends,
      state: st,
      enter: function () {
        depth++;
        calls++;
      },
      exit: function () {
        depth--;
      }
    };
    var h1 = new rk.GranularHeap(mem, opts);
    B = h1.base;
    var x = h1.allocate(100);
    opts.attach = true;
    var h2 = new rk.GranularHeap(mem, opts);
    eq("attached heap sees it", h2.stats().used, 112);
    eq("attached heap allocates after it", h2.allocate(16), B + 112);
    eq("and frees the first heap's block", h2.free(x, 100), 0);
    eq("first heap sees that", h1.stats().used, 16);
    check("hooks balanced and called", depth === 0 && calls >= 3);
    next += 1024;
  } // GranularHeap

  if (rk.MemoryManager) {
    section("memory manager");
    var NB = next,
      SB = next + 0x2000;
    var m = new rk.MemoryManager();
    check("deallocate is free", rk.MemoryManager.prototype.deallocate === rk.MemoryManager.prototype.free);
    if (rk.GranularHeap) check("one watch function for both classes", rk.MemoryManager.prototype.watch === rk.GranularHeap.prototype.watch);
    // the design note's singleton and initShared are the add-on's (a board program keeps its manager in
    // a variable, and sets the shared region up through the constructor or initNormal(config, true))
    if (DEBUG) check("singleton", rk.MemoryManager.getInstance() === rk.MemoryManager.getInstance());
    check("initShared is initNormal(config, true) on a board", DEBUG || rk.MemoryManager.prototype.initShared === undefined);
    // memoryType is the add-on's: without it, the region is told from the shared heap's and the manager's fields
    var where = function (x) {
      var s = m.sharedHeap;
      if (DEBUG) return m.memoryType(x);
      return typeof x !== "number" || x === 0
        ? "OTHER"
        : s && x >= s.base && x - s.base < s.size
          ? "SHARED"
          : x >= m.base && x - m.base < m.size
            ? "NORMAL"
            : "OTHER";
    };
    check("memoryType is the add-on's", DEBUG || rk.MemoryManager.prototype.memoryType === undefined);
    // memoryType's values: exported as constants by the full bundle (not by the memory-manager bundle)
    if (rk.MEMORY_NORMAL !== undefined)
      eq("constants", [rk.MEMORY_NORMAL, rk.MEMORY_SHARED, rk.MEMORY_OTHER], ["NORMAL", "SHARED", "OTHER"]);
    eq("allocate before init", m.allocate(8), 0);
    eq("-ENOMEM before init", m.lastError, -ENOMEM);
    eq("init size 0", m.initNormal({ memory: mem, base: NB, size: 0 }), -EINVAL);
    if (DEBUG) check("lastErrorText names the size", m.lastErrorText().indexOf("size") >= 0);
    eq("init without memory", m.initNormal({ base: NB, size: 0x1000 }), -EINVAL);
    eq("init with a config that is not an object", m.initNormal(5), -EINVAL);
    eq("init normal", m.initNormal({ memory: mem, base: NB, size: 0x1000 }), 0);
    eq("contract geometry", [m.base, m.size, m.blockSize], [NB, 0x1000, 16]);
    eq("init twice", m.initNormal({ memory: mem, base: NB, size: 0x1000 }), -EBUSY);
    eq("shared empty name", m.initNormal({ memory: mem, base: SB, size: 128, name: "" }, true), -EINVAL);
    eq("shared overlapping normal", m.initNormal({ memory: mem, base: NB + 0x800, size: 128, name: "conformance-x" }, true), -EBUSY);
    eq("shared name not a string", m.initNormal({ memory: mem, base: SB, size: 128, name: 7 }, true), -EINVAL);
    if (DEBUG) eq("initShared: the name is checked", m.initShared({ memory: mem, base: SB, size: 128, name: "" }), -EINVAL);
    eq("init shared", m.initNormal({ memory: mem, base: SB, size: 128, name: "conformance-shm" }, true), 0);
    eq("init shared twice", m.initNormal({ memory: mem, base: SB + 256, size: 64, name: "conformance-shm2" }, true), -EBUSY);
    if (DEBUG) eq("initShared twice", m.initShared({ memory: mem, base: SB + 256, size: 64, name: "conformance-shm2" }), -EBUSY);
    eq(
      "name in use",
      new rk.MemoryManager().initNormal({ memory: mem, base: SB + 256, size: 64, name: "conformance-shm" }, true),
      -rk.EEXIST
    );
    eq(
      "the shared region: sharedName, sharedHeap's base and size",
      [m.sharedName, m.sharedHeap.base, m.sharedHeap.size],
      ["conformance-shm", SB, 128]
    );
    if (DEBUG)
      eq(
        "the seed's getters",
        [m.getMemorySizeBytes(), m.getSharedMemoryStartAddress(), m.getSharedMemoryName()],
        [128, SB, "conformance-shm"]
      );
    eq("bad alignment", m.allocate(16, 3), 0);
    eq("-EINVAL", m.lastError, -EINVAL);
    eq("aligned", m.allocate(16, 64) % 64, 0);
    eq("hint", m.allocate(16, undefined, NB + 0x800), NB + 0x800);
    var sh = m.allocateShared(128);
    eq("shared start", sh, SB);
    eq("type shared", where(sh), "SHARED");
    var sp = m.allocateShared(16);
    eq("full shared spills", where(sp), "NORMAL");
    eq("spills", m.spills, 1);
    eq("type other", where(0x30000000), "OTHER");
    eq("type of a string", where("x"), "OTHER");
    if (DEBUG) eq("owns", [m.owns(NB), m.owns(SB), m.owns(0x30000000), m.owns("x")], [true, true, false, false]);
    s = m.stats();
    eq("stats of both heaps", [s.used, s.free, s.count, s.failures], [176, 0x1000 + 128 - 176, 4, 2]);
    eq("deallocate wrong size", m.deallocate(sh, 16), -EINVAL);
    eq("deallocate", m.deallocate(sh, 128), 0);
    eq("deallocate foreign", m.deallocate(0x30000000, 16), -EFAULT);
    eq("free foreign", m.free(0x30000000), -EFAULT);
    eq("deallocate NULL", m.deallocate(0, 0), 0);
    eq("free a string", m.free("x"), -EINVAL);
    if (DEBUG) eq("validate", m.validate(), null);

    section("memory manager: watchers see both regions, the manager as allocator");
    var mlog = [],
      mw = {
        onAlloc: function (x, bytes, al) {
          mlog.push(where(x), bytes, al === m);
        },
        onFree: function (x, bytes, al) {
          mlog.push(where(x), -bytes, al === m);
        }
      };
    eq("watch", m.watch(mw), 0);
    eq("watch a non-watcher", m.watch({ onAlloc: function () {} }), -EINVAL);
    x = m.allocateShared(100);
    eq("free it", m.free(x), 0);
    eq("events", mlog, ["SHARED", 112, true, "SHARED", -112, true]);
    mlog = [];
    m.free(m.allocate(20));
    eq("normal memory too", mlog, ["NORMAL", 32, true, "NORMAL", -32, true]);
    if (DEBUG) {
      eq("unwatch", m.unwatch(mw), 0);
      eq("unwatch again", m.unwatch(mw), -ENOENT);
      m.free(m.allocate(20));
      eq("no events after unwatch", mlog.length, 6);
      eq("close busy", m.close(), -EBUSY);
      eq("free the rest", [m.free(sp), m.free(NB), m.free(NB + 0x800)], [0, 0, 0]);
      eq("close", m.close(), 0);
    }

    section("memory manager: constructed with options");
    // after close() the regions and the name are free again; without the add-on, other ones
    var mem2 = DEBUG ? mem : port(BASE, 0x20000),
      name2 = DEBUG ? "conformance-shm" : "conformance-shm-lean";
    var m2 = new rk.MemoryManager(mem2, { base: NB, size: 0x1000, shared: { base: SB, size: 128, name: name2 } });
    eq("constructed with options", [m2.size, m2.sharedHeap.size, m2.sharedName], [0x1000, 128, name2]);
    throwsCode(
      "constructor refuses a taken region",
      function () {
        return new rk.MemoryManager(mem2, { base: NB, size: 64 });
      },
      "EBUSY"
    );
    throwsCode(
      "constructor refuses a name in use",
      function () {
        return new rk.MemoryManager(port(BASE, 0x20000), { base: NB, size: 64, shared: { base: SB, size: 64, name: name2 } });
      },
      "EEXIST"
    );
    throwsCode(
      "constructor refuses overlapping regions",
      function () {
        return new rk.MemoryManager(port(BASE, 0x20000), {
          base: NB,
          size: 64,
          shared: { base: NB + 32, size: 64, name: "conformance-x" }
        });
      },
      "EBUSY"
    );
    if (DEBUG) eq("close it", m2.close(), 0);
    if (rk.findRegion) {
      eq("region found", rk.findRegion({ regions: [{ name: "shared", base: SB, size: 64 }] }, "shared").base, SB);
      eq("region missing", rk.findRegion({ regions: [] }, "shared"), null);
      eq("regionConfig", rk.regionConfig(mem, { base: SB, size: 64, name: "n" }).name, "n");
    }
  } // MemoryManager
})();

/* Conformance part 05: the allocator contract (src/alloc/api.ts) on every allocator the bundle exports. Plain ES5. */
(function () {
  var MEM = 0x20000000,
    BASE = 0x20001000,
    SIZE = 0x1000;
  var subjects = [];
  if (rk.MemBlocks)
    subjects.push({
      name: "MemBlocks",
      fixed: true,
      hint: true,
      make: function (m, b, s) {
        return new rk.MemBlocks(m, { base: b, size: s, blockSize: 32 });
      }
    });
  if (rk.Onesize)
    subjects.push({
      name: "Onesize",
      fixed: true,
      hint: false,
      make: function (m, b, s) {
        return new rk.Onesize(m, { base: b, size: s, blockSize: 32 });
      }
    });
  if (rk.GranularHeap)
    subjects.push({
      name: "GranularHeap",
      fixed: false,
      hint: true,
      make: function (m, b, s) {
        return new rk.GranularHeap(m, { base: b, size: s });
      }
    });
  if (rk.MemoryManager)
    subjects.push({
      name: "MemoryManager",
      fixed: false,
      hint: true,
      make: function (m, b, s) {
        return new rk.MemoryManager(m, { base: b, size: s });
      }
    });

  /**
   * The contract's members (src/alloc/api.ts, "Lean board bundles and the
   * debug add-on"): the lean ones every class holds itself, and the ones the
   * add-on may bring (a class may hold them itself too).
   */
  var LEAN = ["allocate", "free", "stats", "watch"];
  var WITH_ADDON = ["owns", "resetPeak", "unwatch", "close", "invariantsHold", "validate"];

  function range(lo, hi) {
    return "[0x" + lo.toString(16) + ", 0x" + hi.toString(16) + ")";
  }
  function statsOf(a) {
    var s = a.stats();
    return [s.used, s.free, s.peak, s.count, s.failures];
  }
  function charged(s, a, n) {
    return s.fixed ? a.blockSize : Math.ceil(n / a.blockSize) * a.blockSize;
  }
  function valid(name, a) {
    if (DEBUG) eq(name + ": validate()", a.validate(), null);
  }
  /** A failed call: its result, lastError, and nothing changed but the failure count. */
  function refused(name, a, call, result, code) {
    var before = statsOf(a);
    a.lastError = 0;
    eq(name, call(), result);
    eq(name + ": lastError", a.lastError, code);
    before[4]++;
    eq(name + ": only the failure count changed", statsOf(a), before);
  }

  function contract(s) {
    var mem = memoryPort(MEM, 0x8000);
    var a = s.make(mem, BASE, SIZE),
      i,
      p,
      q,
      u,
      out,
      all,
      before,
      other;

    section(s.name + ": the contract's members");
    for (i = 0; i < LEAN.length; i++) check(LEAN[i] + "() is in the lean bundle", typeof a[LEAN[i]] === "function");
    if (DEBUG) for (i = 0; i < WITH_ADDON.length; i++) check(WITH_ADDON[i] + "() with the add-on", typeof a[WITH_ADDON[i]] === "function");

    section(s.name + ": construction");
    check("memory", a.memory === mem);
    eq("base, size", [a.base, a.size], [BASE, SIZE]);
    check("blockSize is a power of two", a.blockSize > 0 && (a.blockSize & (a.blockSize - 1)) === 0);
    eq("lastError", a.lastError, 0);
    eq("empty statistics", statsOf(a), [0, SIZE, 0, 0, 0]);
    valid("fresh", a);
    throwsCode(
      "base 0 is EINVAL",
      function () {
        s.make(memoryPort(MEM, 0x8000), 0, SIZE);
      },
      "EINVAL"
    );
    throwsCode(
      "size 0 is EINVAL",
      function () {
        s.make(memoryPort(MEM, 0x8000), BASE, 0);
      },
      "EINVAL"
    );
    check(
      "the message names base",
      messageOf(function () {
        s.make(memoryPort(MEM, 0x8000), -1, SIZE);
      }).indexOf("base") >= 0
    );

    section(s.name + ": claims");
    throwsCode(
      "a region outside the port is EINVAL",
      function () {
        s.make(mem, MEM + 0x7800, SIZE);
      },
      "EINVAL"
    );
    check(
      "EINVAL names both ranges",
      messageOf(function () {
        s.make(mem, MEM + 0x7800, SIZE);
      }).indexOf(range(MEM + 0x7800, MEM + 0x8800)) >= 0 &&
        messageOf(function () {
          s.make(mem, MEM + 0x7800, SIZE);
        }).indexOf(range(MEM, MEM + 0x8000)) >= 0
    );
    throwsCode(
      "an overlapping region is EBUSY",
      function () {
        s.make(mem, BASE + 0x800, SIZE);
      },
      "EBUSY"
    );
    check(
      "EBUSY names both ranges",
      messageOf(function () {
        s.make(mem, BASE + 0x800, SIZE);
      }).indexOf(range(BASE + 0x800, BASE + 0x800 + SIZE)) >= 0 &&
        messageOf(function () {
          s.make(mem, BASE + 0x800, SIZE);
        }).indexOf(range(BASE, BASE + SIZE)) >= 0
    );
    other = s.make(mem, BASE + SIZE, SIZE);
    eq("an adjacent region is fine", other.base, BASE + SIZE);
    if (typeof a.close === "function") {
      // the add-on's where the class has no close() of its own
      p = a.allocate(1);
      before = statsOf(a);
      eq("close() with a live allocation is -EBUSY", a.close(), -16);
      eq("close(): lastError", a.lastError, -16);
      eq("close(): nothing changed", statsOf(a), before);
      eq("free", a.free(p), 0);
      eq("close()", a.close(), 0);
      eq("close() of the neighbour", other.close(), 0);
      a = s.make(mem, BASE + 0x800, SIZE);
      eq("after close() the region can be claimed again", a.base, BASE + 0x800);
      eq("close()", a.close(), 0);
      a = s.make(mem, BASE, SIZE);
    }

    section(s.name + ": allocate");
    u = charged(s, a, 1);
    p = a.allocate(1);
    check("an address in the region", p >= BASE && p < BASE + SIZE);
    eq("aligned to blockSize", (p - BASE) % a.blockSize, 0);
    eq("charged whole units", statsOf(a), [u, SIZE - u, u, 1, 0]);
    q = a.allocate(1, a.blockSize);
    check("size, then alignment", q > 0 && a.stats().used === 2 * u);
    if (s.hint) {
      q = a.allocate(1, undefined, BASE + SIZE / 2);
      check("hint: first fit at or above it", q >= BASE + SIZE / 2);
      check("hint 0 and null mean none", a.allocate(1, undefined, 0) > 0 && a.allocate(1, undefined, null) > 0);
    }
    refused(
      "size 0",
      a,
      function () {
        return a.allocate(0);
      },
      0,
      -22
    );
    refused(
      "size 1.5",
      a,
      function () {
        return a.allocate(1.5);
      },
      0,
      -22
    );
    refused(
      "size NaN",
      a,
      function () {
        return a.allocate(NaN);
      },
      0,
      -22
    );
    refused(
      'size "8"',
      a,
      function () {
        return a.allocate("8");
      },
      0,
      -22
    );
    refused(
      "size 2^32",
      a,
      function () {
        return a.allocate(4294967296);
      },
      0,
      -22
    );
    refused(
      "alignment 0",
      a,
      function () {
        return a.allocate(8, 0);
      },
      0,
      -22
    );
    refused(
      "alignment 3",
      a,
      function () {
        return a.allocate(8, 3);
      },
      0,
      -22
    );
    refused(
      "alignment with no aligned address in the region",
      a,
      function () {
        return a.allocate(8, 0x40000000);
      },
      0,
      -22
    );
    if (s.fixed)
      refused(
        "larger than a block",
        a,
        function () {
          return a.allocate(a.blockSize + 1);
        },
        0,
        -22
      );
    if (s.hint)
      refused(
        'hint "x"',
        a,
        function () {
          return a.allocate(8, undefined, "x");
        },
        0,
        -22
      );
    valid("after bad requests", a);

    section(s.name + ": no room");
    a = s.make(memoryPort(MEM, 0x8000), BASE, SIZE);
    all = [];
    for (i = 0; i < 1000; i++) {
      p = a.allocate(1);
      if (p === 0) break;
      all.push(p);
    }
    eq("no room: lastError", a.lastError, -12);
    eq("no room: one failure", a.stats().failures, 1);
    if (s.fixed) eq("every block was given", all.length, SIZE / a.blockSize);
    eq("free", a.free(all[2]), 0);
    check("allocate", a.allocate(1) > 0);
    eq("a success leaves lastError", a.lastError, -12);
    valid("full", a);

    section(s.name + ": free");
    a = s.make(memoryPort(MEM, 0x8000), BASE, SIZE);
    p = a.allocate(s.fixed ? 1 : 2 * a.blockSize);
    q = a.allocate(1);
    eq("free", a.free(q), 0);
    before = statsOf(a);
    a.lastError = -1;
    eq("free(0) is a no-op", a.free(0), 0);
    eq("free(0) leaves lastError", a.lastError, -1);
    eq("free(0) changes nothing", statsOf(a), before);
    refused(
      "a double free",
      a,
      function () {
        return a.free(q);
      },
      -14,
      -14
    );
    refused(
      "below the region",
      a,
      function () {
        return a.free(BASE - a.blockSize);
      },
      -14,
      -14
    );
    refused(
      "above the region",
      a,
      function () {
        return a.free(BASE + SIZE);
      },
      -14,
      -14
    );
    refused(
      "interior (+1)",
      a,
      function () {
        return a.free(p + 1);
      },
      -14,
      -14
    );
    if (!s.fixed)
      refused(
        "interior (+blockSize)",
        a,
        function () {
          return a.free(p + a.blockSize);
        },
        -14,
        -14
      );
    refused(
      "a string",
      a,
      function () {
        return a.free("0x20001000");
      },
      -22,
      -22
    );
    refused(
      "undefined",
      a,
      function () {
        return a.free(undefined);
      },
      -22,
      -22
    );
    eq("the live allocation is still live", a.free(p), 0);
    valid("after frees", a);

    section(s.name + ": stats, resetPeak, owns");
    a = s.make(memoryPort(MEM, 0x8000), BASE, SIZE);
    out = { used: -1, free: -1, peak: -1, count: -1, failures: -1 };
    check("stats(out) returns out", a.stats(out) === out);
    eq("the shape", Object.keys(a.stats()).sort(), ["count", "failures", "free", "peak", "used"]);
    p = a.allocate(1);
    q = a.allocate(1);
    a.allocate(1);
    a.free(p);
    a.free(q);
    a.allocate(0);
    eq("peak and failures", statsOf(a), [u, SIZE - u, 3 * u, 1, 1]);
    if (typeof a.resetPeak === "function" && typeof a.owns === "function") {
      a.resetPeak();
      eq("resetPeak: peak := used, failures := 0", statsOf(a), [u, SIZE - u, u, 1, 0]);
      eq("owns inside", [a.owns(BASE), a.owns(BASE + SIZE - 1)], [true, true]);
      eq("owns outside", [a.owns(BASE - 1), a.owns(BASE + SIZE), a.owns(NaN), a.owns("0x20001000")], [false, false, false, false]);
    }

    section(s.name + ": watchers");
    a = s.make(memoryPort(MEM, 0x8000), BASE, SIZE);
    var seen = [],
      w = {
        onAlloc: function (addr, bytes, al) {
          seen.push("+" + addr + ":" + bytes + (al === a ? "" : ":other"));
        },
        onFree: function (addr, bytes, al) {
          seen.push("-" + addr + ":" + bytes + (al === a ? "" : ":other"));
        }
      };
    eq("watch", a.watch(w), 0);
    p = a.allocate(5);
    a.allocate(0);
    a.free(p + 1);
    a.free(0);
    eq("free", a.free(p), 0);
    u = charged(s, a, 5);
    eq("one allocation and one free, bytes as charged, the allocator as third argument", seen, ["+" + p + ":" + u, "-" + p + ":" + u]);
    if (typeof a.unwatch === "function") {
      eq("unwatch", a.unwatch(w), 0);
      eq("unwatch again is -ENOENT", a.unwatch(w), -2);
      a.free(a.allocate(1));
      eq("an unwatched watcher sees nothing", seen.length, 2);
    }
    a.lastError = 0;
    eq("watch({}) is -EINVAL", a.watch({}), -22);
    eq("watch({}): lastError", a.lastError, -22);
    eq("watch(null) is -EINVAL", a.watch(null), -22);
    valid("after watching", a);
  }

  for (var k = 0; k < subjects.length; k++) contract(subjects[k]);
})();

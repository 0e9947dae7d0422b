/* Conformance part 20: Onesize fixed-block pool. Plain ES5. Add-on members (owns, resetPeak, unwatch, close, the checkers) under if (DEBUG). */
(function () {
  var BASE = 0x20000000,
    ENOENT = 2;

  /**
   * A Memory port over [base, base + size): the bundle's ArrayMemory, else
   * (the lean Onesize bundle ships no port) a stand-in with what Onesize asks
   * of one, read32 and write32, as a board builds from peek32/poke32, plus
   * mapped() for the claims and fill() for the test below (always the
   * stand-in when `plain`).
   */
  function port(base, size, plain) {
    if (rk.ArrayMemory && !plain) return new rk.ArrayMemory(base, size);
    var w = {}; // words by address (Onesize and this part access whole words only)
    return {
      base: base,
      size: size,
      read32: function (a) {
        return w[a] >>> 0;
      },
      write32: function (a, v) {
        w[a] = v >>> 0;
      },
      fill: function (a, len, v) {
        for (var k = 0; k < len; k += 4) w[a + k] = (v & 0xff) * 0x1010101;
      },
      mapped: function (a, len) {
        return typeof a === "number" && a >= base && len >= 0 && a + len <= base + size;
      }
    };
  }

  function make(size, blockSize, extra, memBase, poolBase) {
    var mem = port(memBase || BASE, size + ((poolBase || BASE) - (memBase || BASE)));
    var o = { base: poolBase || BASE, size: size, blockSize: blockSize },
      k;
    if (extra) for (k in extra) if (Object.prototype.hasOwnProperty.call(extra, k)) o[k] = extra[k];
    return { mem: mem, p: new rk.Onesize(mem, o) };
  }

  section("onesize: amast test.c");
  var t = make(24, 12, { alignment: 4 }),
    p = t.p;
  eq("blockSize", p.blockSize, 12);
  eq("free bytes after init", p.stats().free, 24);
  var a = p.allocate(12),
    b = p.allocate(12);
  eq("bump order", [a, b], [BASE, BASE + 12]);
  eq("count 2", p.stats().count, 2);
  eq("allocateX(0) on empty", p.allocateX(12, 0), 0);
  eq("lastError ENOMEM", p.lastError, -rk.ENOMEM);
  eq("free a", p.free(a), 0);
  eq("free b", p.free(b), 0);
  eq("count 0", p.stats().count, 0);
  eq("LIFO: last freed first", p.allocateX(12, 0), b);
  eq("freeAll", p.freeAll(), 0);
  eq("free bytes after freeAll", p.stats().free, 24);
  eq("peak survives freeAll", p.stats().peak, 24);
  if (DEBUG) {
    eq("nfreeMin survives freeAll", p.counters().nfreeMin, 0);
    eq("nblocks", p.counters().nblocks, 2);
    eq("validate", p.validate(), null);
  }

  section("onesize: configuration errors");
  var mem = port(BASE, 256);
  throwsCode(
    "no memory",
    function () {
      return new rk.Onesize(null, { base: BASE, size: 256, blockSize: 32 });
    },
    "EINVAL"
  );
  throwsCode(
    "base 0",
    function () {
      return new rk.Onesize(mem, { base: 0, size: 256, blockSize: 32 });
    },
    "EINVAL"
  );
  throwsCode(
    "misaligned base",
    function () {
      return new rk.Onesize(mem, { base: BASE + 2, size: 256, blockSize: 32 });
    },
    "EINVAL"
  );
  throwsCode(
    "size too small",
    function () {
      return new rk.Onesize(mem, { base: BASE, size: 16, blockSize: 32 });
    },
    "EINVAL"
  );
  throwsCode(
    "blockSize 0",
    function () {
      return new rk.Onesize(mem, { base: BASE, size: 256, blockSize: 0 });
    },
    "EINVAL"
  );
  throwsCode(
    "alignment 3",
    function () {
      return new rk.Onesize(mem, { base: BASE, size: 256, blockSize: 32, alignment: 3 });
    },
    "EINVAL"
  );
  throwsCode(
    "enter not a function",
    function () {
      return new rk.Onesize(mem, { base: BASE, size: 256, blockSize: 32, enter: 5 });
    },
    "EINVAL"
  );
  throwsCode(
    "outside the port",
    function () {
      return new rk.Onesize(mem, { base: BASE + 128, size: 256, blockSize: 32 });
    },
    "EINVAL"
  );
  var q = new rk.Onesize(mem, { base: BASE, size: 128, blockSize: 5 });
  eq("blockSize rounds up", q.blockSize, 8);
  throwsCode(
    "overlapping a live pool",
    function () {
      return new rk.Onesize(mem, { base: BASE + 64, size: 128, blockSize: 32 });
    },
    "EBUSY"
  );
  if (DEBUG) {
    eq("close", q.close(), 0);
    eq("the region is free again", new rk.Onesize(mem, { base: BASE + 64, size: 128, blockSize: 32 }).base, BASE + 64);
  }

  section("onesize: run-time errors are values");
  t = make(256, 32);
  p = t.p;
  var x = p.allocate(32),
    y = p.allocate(32);
  eq("size > blockSize", p.allocate(33), 0);
  eq("lastError EINVAL", p.lastError, -rk.EINVAL);
  eq("size 0", p.allocate(0), 0);
  eq("size -1", p.allocate(-1), 0);
  eq("size 1.5", p.allocate(1.5), 0);
  eq("alignment beyond the pool's", p.allocate(8, 64), 0);
  eq("alignment 3", p.allocate(8, 3), 0);
  eq("alignment 32", p.allocate(8, 32), BASE + 64);
  eq("bad margin", p.allocateX(8, -1), 0);
  eq("failures counted", p.stats().failures, 7);
  eq("free foreign", p.free(BASE + 4096), -rk.EFAULT);
  eq("lastError EFAULT", p.lastError, -rk.EFAULT);
  eq("free misaligned", p.free(x + 4), -rk.EFAULT);
  eq("free never allocated", p.free(BASE + 160), -rk.EFAULT);
  eq("free far above", p.free(0xffffffe0), -rk.EFAULT);
  eq("free a block index of 2^31", p.free(BASE + 32 * 0x80000000), -rk.EFAULT);
  eq("free a string", p.free(String(x)), -rk.EINVAL);
  eq("free(0)", p.free(0), 0);
  eq("free(0) leaves lastError", p.lastError, -rk.EINVAL);
  eq("free x", p.free(x), 0);
  eq("free y", p.free(y), 0);
  eq("double free of the head", p.free(y), -rk.EFAULT);
  eq("double free of an older block", p.free(x), -rk.EFAULT);
  eq("failures", p.stats().failures, 15);
  eq("release: bad range", p.releaseRange(0, 32), -rk.EINVAL);
  eq("reclaim: bad range", p.reclaimRange(BASE, 0), -rk.EINVAL);
  var st = p.stats();
  eq("stats", [st.used, st.free, st.peak, st.count, st.failures], [32, 224, 96, 1, 15]);
  if (DEBUG) {
    check("owns", p.owns(BASE + 255) && !p.owns(BASE + 256) && !p.owns(BASE - 1));
    p.resetPeak();
    st = p.stats();
    eq("stats after resetPeak", [st.used, st.free, st.peak, st.count, st.failures], [32, 224, 32, 1, 0]);
    var c = p.counters();
    eq("counters", [c.rejected, c.failed, c.badFrees, c.corruptions], [7, 0, 8, 0]);
    check("lastErrorText names the range", p.lastErrorText().indexOf("range") >= 0);
    eq("iterate: bad callback", p.iterateOverAllocated(5), -rk.EINVAL);
    eq(
      "iterate: limit Infinity",
      p.iterateOverAllocated(function () {}, Infinity),
      -rk.EINVAL
    );
    eq("validate after errors", p.validate(), null);
  }

  section("onesize: watchers");
  t = make(256, 32);
  p = t.p;
  var log = [];
  var w = {
    onAlloc: function (ad, n, al) {
      log.push("a" + (ad - BASE) + ":" + n + (al === p ? "" : "?"));
    },
    onFree: function (ad, n, al) {
      log.push("f" + (ad - BASE) + ":" + n + (al === p ? "" : "?"));
    }
  };
  eq("watch bad", p.watch({}), -rk.EINVAL);
  eq("watch", p.watch(w), 0);
  a = p.allocate(4);
  b = p.allocateX(32, 0);
  p.allocate(99);
  p.free(a);
  p.free(a);
  p.allocate(32);
  p.freeAll();
  eq("events", log, ["a0:32", "a32:32", "f0:32", "a0:32", "f0:32", "f32:32"]);
  eq("count after freeAll", p.stats().count, 0);
  if (DEBUG) {
    eq("unwatch", p.unwatch(w), 0);
    eq("unwatch again", p.unwatch(w), -ENOENT);
    p.free(p.allocate(32));
    eq("no events after unwatch", log.length, 6);
  }

  section("onesize: iterate");
  if (DEBUG) {
    var blocks = [],
      i;
    for (i = 0; i < 5; i++) blocks.push(p.allocate(32));
    p.free(blocks[1]);
    var seen = [],
      ords = [];
    eq(
      "visits allocated",
      p.iterateOverAllocated(function (addr, ord, bs) {
        seen.push(addr);
        ords.push(ord);
        check("block size passed", bs === 32);
      }),
      4
    );
    eq("address order", seen, [blocks[0], blocks[2], blocks[3], blocks[4]]);
    eq("ordinals", ords, [0, 1, 2, 3]);
    eq(
      "limit",
      p.iterateOverAllocated(function () {}, 2),
      2
    );
  }

  section("onesize: critical sections");
  var enters = 0,
    exits = 0;
  t = make(256, 32, {
    enter: function () {
      enters++;
    },
    exit: function () {
      exits++;
    }
  });
  p = t.p;
  a = p.allocate(32);
  p.allocate(99);
  p.free(a);
  p.free(a);
  p.freeAll();
  p.releaseRange(BASE + 128, 32);
  p.reclaimRange(BASE + 128, 32);
  eq("arguments pass the lock", p.allocate(8, 32), BASE);
  p.stats();
  eq("one enter per mutating call", enters, 8);
  eq("one exit per mutating call", exits, 8);

  section("onesize: release and reclaim");
  t = make(256, 32);
  p = t.p;
  var bl = [],
    k;
  for (k = 0; k < 8; k++) bl.push(p.allocate(32));
  for (k = 0; k < 8; k++) p.free(bl[k]);
  eq(
    "busy range",
    (function () {
      var r0 = p.allocate(32);
      var r = p.releaseRange(r0, 32);
      p.free(r0);
      return r;
    })(),
    -rk.EBUSY
  );
  eq("lastError EBUSY", p.lastError, -rk.EBUSY);
  eq("release 4 blocks", p.releaseRange(BASE + 64, 128), 4);
  eq("free bytes after release", p.stats().free, 128);
  if (DEBUG) eq("validate after release", p.validate(), null);
  var got = [];
  while ((a = p.allocate(32)) !== 0) got.push(a);
  eq("allocation avoids the released range", got.length, 4);
  for (k = 0; k < got.length; k++) check("outside the range " + k, got[k] < BASE + 64 || got[k] >= BASE + 192);
  for (k = 0; k < got.length; k++) p.free(got[k]);
  eq("reclaim", p.reclaimRange(BASE + 64, 128), 4);
  eq("free bytes after reclaim", p.stats().free, 256);
  if (DEBUG) eq("validate after reclaim", p.validate(), null);

  section("onesize: corruption");
  t = make(256, 32);
  p = t.p;
  a = p.allocate(32);
  b = p.allocate(32);
  p.free(a);
  p.free(b);
  // A pop checks the head and takes its link unchecked: the block holding a
  // corrupt link is handed out, the next allocation refuses the bad head.
  t.mem.write32(b, BASE + 4096);
  eq("the head's block is handed out", p.allocate(32), b);
  eq("the corrupt link it held gives 0 next", p.allocate(32), 0);
  eq("lastError EFAULT", p.lastError, -rk.EFAULT);
  p.freeAll();
  a = p.allocate(32);
  p.free(a);
  t.mem.write32(a, a);
  eq("a block linked to itself is handed out once", p.allocate(32), a);
  eq("then 0", p.allocate(32), 0);
  eq("and again", p.allocate(32), 0);
  eq("nothing else handed out", p.stats().count, 1);
  if (DEBUG) {
    eq("corruptions counted", p.counters().corruptions, 3);
    check("lastErrorText names it", p.lastErrorText().indexOf("corrupt") >= 0);
    check("validate reports it", typeof p.validate() === "string");
  }
  p.freeAll();
  eq("freeAll recovers", p.allocate(32), BASE);
  if (DEBUG) check("invariantsHold", p.invariantsHold());

  section("onesize: memory whose base is not a multiple of 4");
  t = make(64, 16, null, BASE + 2, BASE + 4);
  p = t.p;
  a = p.allocate(16);
  b = p.allocate(16);
  t.mem.fill(a, 16, 0xaa);
  eq("free", p.free(b), 0);
  eq("the neighbour's last word is intact", t.mem.read32(a + 12), 0xaaaaaaaa);
  eq("the link is in the freed block", t.mem.read32(b), 0);
  eq("LIFO", p.allocate(16), b);

  section("onesize: a port without a word view (peek/poke): both free orders, a faulting port changes nothing");
  (function () {
    var q = port(BASE, 256, true),
      fault = false,
      r32 = q.read32,
      w32 = q.write32,
      xs = [],
      got = [],
      threw = 0,
      st,
      p,
      i;
    q.read32 = function (a) {
      if (fault) throw new Error("bus fault");
      return r32(a);
    };
    q.write32 = function (a, v) {
      if (fault) throw new Error("bus fault");
      w32(a, v);
    };
    p = new rk.Onesize(q, { base: BASE, size: 256, blockSize: 32 });
    for (i = 0; i < 8; i++) xs.push(p.allocate(32));
    eq("bump order", xs[7], BASE + 224);
    eq("empty", p.allocate(32), 0);
    for (i = 0; i < 8; i++) eq("free in allocation order " + i, p.free(xs[i]), 0);
    for (i = 0; i < 8; i++) got.push(p.allocate(32));
    eq("the list gives the last freed first", got, [xs[7], xs[6], xs[5], xs[4], xs[3], xs[2], xs[1], xs[0]]);
    for (i = 0; i < 20; i++) {
      // newest first, then oldest first: each free is taken by the next allocation
      eq("LIFO step " + i, p.free(got[7]), 0);
      eq("LIFO step " + i + " pop", p.allocate(32), got[7]);
      eq("FIFO step " + i, p.free(got[i & 7]), 0);
      eq("FIFO step " + i + " pop", p.allocate(32), got[i & 7]);
    }
    eq("count", p.stats().count, 8);
    eq("free last", p.free(got[0]), 0);
    st = JSON.stringify(p.stats()) + p.lastError;
    fault = true;
    try {
      p.allocate(32);
    } catch (_e) {
      threw++;
    }
    try {
      p.free(got[1]);
    } catch (_e) {
      threw++;
    }
    fault = false;
    eq("both faults reach the caller", threw, 2);
    eq("stats and lastError unchanged", JSON.stringify(p.stats()) + p.lastError, st);
    if (DEBUG) eq("validate after the faults", p.validate(), null);
    eq("the pop after the faults", p.allocate(32), got[0]);
    eq("the free after the faults", p.free(got[1]), 0);
    eq("a double free", p.free(got[1]), -rk.EFAULT);
    if (DEBUG) eq("validate", p.validate(), null);
  })();
})();

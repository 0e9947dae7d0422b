/* Conformance part 30: GranularHeap and MemoryManager (issue 5). Plain ES5. */
(function () {
  var BASE = 0x20000000, SBASE = 0x20010000;
  var mem = new rk.ArrayMemory(BASE, 0x20000);
  var EFAULT = rk.EFAULT, EINVAL = rk.EINVAL;

  function heap(size, granule) {
    return new rk.GranularHeap(mem, { base: BASE, size: size, granule: granule });
  }

  section("granular: the seed's 16-byte granules");
  var h = heap(256);
  eq("geometry", [h.granule, h.granules, h.size, h.base], [16, 16, 256, BASE]);
  var a = h.allocate(17);
  eq("17 bytes at the start", a, BASE);
  eq("charged as 32", h.usedBytes(), 32);
  eq("allocationSize", h.allocationSize(a), 32);
  eq("next allocation after it", h.allocate(1), BASE + 32);
  eq("free with the requested size", h.free(a, 17), 0);
  eq("double free", h.free(a), -EFAULT);
  eq("free(NULL)", h.free(0), 0);
  eq("hole reused first", h.allocate(32), BASE);
  eq("validate", h.validate(), null);
  check("invariantsHold", h.invariantsHold());

  section("granular: fragmentation then merge (kitzoo 12)");
  h = heap(128);
  var q = [h.allocate(32), h.allocate(32), h.allocate(32), h.allocate(32)];
  eq("four quarters", q, [BASE, BASE + 32, BASE + 64, BASE + 96]);
  eq("free 1st", h.free(q[0], 32), 0);
  eq("free 3rd", h.free(q[2], 32), 0);
  eq("no run of 64", h.allocate(64), 0);
  var s = h.stats();
  eq("stats", [s.usedBytes, s.freeBytes, s.largestFreeBytes, s.fragmentation, s.failed, s.live], [64, 64, 32, 0.5, 1, 2]);
  eq("wrong size refused", h.free(q[1], 16), -EINVAL);
  eq("interior address refused", h.free(q[1] + 16), -EFAULT);
  eq("nothing freed", h.usedBytes(), 64);
  eq("right size", h.free(q[1], 32), 0);
  eq("merged", h.allocate(96), BASE);
  eq("validate after merge", h.validate(), null);

  section("granular: alignment, hint, bad arguments");
  h = heap(1024);
  eq("aligned 64", h.allocate(16, 64, undefined) % 64, 0);
  eq("hint taken", h.allocate(32, undefined, BASE + 512), BASE + 512);
  eq("hint taken again: first fit", h.allocate(16, undefined, BASE + 512), BASE + 16);
  eq("size 0", h.allocate(0), 0);
  eq("alignment 3", h.allocate(16, 3), 0);
  eq("size as a string", h.allocate("16"), 0);
  eq("too big", h.allocate(2048), 0);
  eq("rejected and failed", [h.stats().rejected, h.stats().failed], [3, 1]);
  eq("free outside", h.free(BASE + 4096), -EFAULT);
  eq("free a string", h.free("x"), -EINVAL);
  eq("validate", h.validate(), null);

  section("granular: spanning words, other granules");
  h = heap(4096 + 48);
  var big = h.allocate(16 * 100);
  eq("100 granules", big, BASE);
  eq("after it", h.allocate(16 * 40), BASE + 1600);
  eq("free 100 granules", h.free(big, 1600), 0);
  eq("largest free", h.largestFreeBytes(), 4096 + 48 - 2240);
  eq("validate", h.validate(), null);
  var h4 = heap(64, 4);
  eq("granule 4", [h4.allocate(5), h4.allocate(4), h4.usedBytes()], [BASE, BASE + 8, 12]);
  var n = 0, g1 = heap(16 * 45);
  while (g1.allocate(1) !== 0) n++;
  eq("45 single granules fill the heap", n, 45);
  eq("validate full", g1.validate(), null);

  section("granular: configuration errors");
  throwsCode("no memory", function () { return new rk.GranularHeap(null, { base: BASE, size: 64 }); }, "EINVAL");
  throwsCode("base 0", function () { return new rk.GranularHeap(mem, { base: 0, size: 64 }); }, "EINVAL");
  throwsCode("misaligned base", function () { return new rk.GranularHeap(mem, { base: BASE + 8, size: 64 }); }, "EINVAL");
  throwsCode("size below a granule", function () { return new rk.GranularHeap(mem, { base: BASE, size: 8 }); }, "EINVAL");
  throwsCode("granule 24", function () { return new rk.GranularHeap(mem, { base: BASE, size: 64, granule: 24 }); }, "EINVAL");
  throwsCode("enter without exit", function () { return new rk.GranularHeap(mem, { base: BASE, size: 64, enter: function () {} }); }, "EINVAL");
  throwsCode("short used store", function () { return new rk.GranularHeap(mem, { base: BASE, size: 4096, used: rk.words(2) }); }, "EINVAL");

  section("granular: shared stores and hooks");
  var used = rk.words(rk.granularBitmapWords(512)), ends = rk.words(used.length), st = rk.words(rk.GRANULAR_STATE_WORDS);
  var depth = 0, calls = 0;
  var opts = { base: BASE, size: 512, used: used, ends: ends, state: st,
    enter: function () { depth++; calls++; }, exit: function () { depth--; } };
  var h1 = new rk.GranularHeap(mem, opts);
  var x = h1.allocate(100);
  opts.attach = true;
  var h2 = new rk.GranularHeap(mem, opts);
  eq("attached heap sees it", h2.usedBytes(), 112);
  eq("attached heap allocates after it", h2.allocate(16), BASE + 112);
  eq("and frees the first heap's block", h2.free(x, 100), 0);
  eq("first heap sees that", h1.usedBytes(), 16);
  check("hooks balanced and called", depth === 0 && calls >= 3);

  section("memory manager");
  var m = new rk.MemoryManager();
  check("singleton", rk.MemoryManager.getInstance() === rk.MemoryManager.getInstance());
  eq("constants", [rk.MEMORY_NORMAL, rk.MEMORY_SHARED, rk.MEMORY_OTHER], ["NORMAL", "SHARED", "OTHER"]);
  eq("allocate before init", m.allocate(8), 0);
  eq("init size 0", m.initNormal({ memory: mem, base: BASE, size: 0 }), -EINVAL);
  eq("init normal", m.initNormal({ memory: mem, base: BASE, size: 0x1000 }), 0);
  eq("init twice", m.initNormal({ memory: mem, base: BASE, size: 0x1000 }), -rk.EBUSY);
  eq("shared empty name", m.initShared({ memory: mem, base: SBASE, size: 128, name: "" }), -EINVAL);
  eq("init shared", m.initShared(rk.regionConfig(mem, { base: SBASE, size: 128, name: "conformance-shm" })), 0);
  eq("name in use", new rk.MemoryManager().initShared({ memory: mem, base: SBASE + 256, size: 64, name: "conformance-shm" }), -rk.EEXIST);
  eq("getters", [m.getMemorySizeBytes(), m.getSharedMemoryStartAddress(), m.getSharedMemoryName()], [128, SBASE, "conformance-shm"]);
  eq("bad alignment", m.allocate(16, undefined, 3), 0);
  var sh = m.allocateShared(128);
  eq("shared start", sh, SBASE);
  eq("type shared", m.memoryType(sh), "SHARED");
  var sp = m.allocateShared(16);
  eq("full shared spills", m.memoryType(sp), "NORMAL");
  eq("spillCount", m.spillCount(), 1);
  eq("type other", m.memoryType(0x30000000), "OTHER");
  eq("deallocate wrong size", m.deallocate(sh, 16), -EINVAL);
  eq("deallocate", m.deallocate(sh, 128), 0);
  eq("deallocate foreign", m.deallocate(0x30000000, 16), -EFAULT);
  eq("deallocate NULL", m.deallocate(0, 0), 0);
  eq("validate", m.validate(), null);
  eq("close busy", m.close(), -rk.EBUSY);
  eq("last spilled block", m.deallocate(sp, 16), 0);
  eq("close", m.close(), 0);
  eq("region found", rk.findRegion({ regions: [{ name: "shared", base: SBASE, size: 64 }] }, "shared").base, SBASE);
  eq("region missing", rk.findRegion({ regions: [] }, "shared"), null);
})();

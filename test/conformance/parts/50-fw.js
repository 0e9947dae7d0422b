/* Conformance part 50: the F´ layer (MemAllocator adapters, SystemAllocator,
   registry, init-phase lock, BufferManager). Plain ES5. Members of the debug
   add-on only under DEBUG. Needs the F´ exports; the
   adapters over MemBlocks and Onesize run where the bundle has them. */
(function () {
  if (typeof rk.BufferManager !== "function") return; // a bundle without the F´ layer
  var BASE = 0x20100000;
  var mem = memoryPort(BASE, 8192);
  var EFAULT = rk.EFAULT,
    EINVAL = rk.EINVAL,
    ENOMEM = rk.ENOMEM,
    EPERM = rk.EPERM,
    EBUSY = rk.EBUSY;
  // a GranularHeap over [BASE, BASE + 4096), made by the SystemAllocator (so no allocator export is needed)
  var heap = new rk.SystemAllocator(mem, { base: BASE, size: 4096 }).allocator;
  var ad = new rk.MemAllocatorAdapter(heap);
  var i,
    b,
    got,
    tlm = [],
    events = [];

  section("fw: MemAllocator adapter");
  var req = { alignment: 64 };
  var a = ad.allocate(5, 100, req);
  check("an address", a !== 0 && a % 64 === 0);
  eq("size granted, not recoverable, no array", [req.size, req.recoverable, req.array], [100, false, null]);
  eq("wrong identifier", ad.deallocate(6, a), -EINVAL);
  eq("foreign address", ad.deallocate(5, a + 16), -EFAULT);
  eq("deallocate", ad.deallocate(5, a), 0);
  eq("twice", ad.deallocate(5, a), -EFAULT);
  eq("deallocate(id, 0)", ad.deallocate(5, 0), 0);
  eq("bad identifier", [ad.allocate(1.5, 8), ad.lastError], [0, -EINVAL]);
  eq("bad size", [ad.allocate(1, 0), ad.lastError], [0, -EINVAL]);
  eq("bad alignment", [ad.allocate(1, 8, { alignment: 3 }), ad.lastError], [0, -EINVAL]);
  eq("too large", [ad.allocate(1, 8192), ad.lastError], [0, -ENOMEM]);
  throwsCode(
    "adapter of nothing",
    function () {
      return new rk.MemAllocatorAdapter(null);
    },
    "EINVAL"
  );

  if (typeof rk.MemBlocks === "function") {
    var blocks = new rk.MemBlocks(mem, { base: BASE + 4096, size: 2048, blockSize: 64 });
    var bad = new rk.MemAllocatorAdapter(blocks);
    var run = bad.allocate(1, 200, req);
    eq("MemBlocks: a run of 4 blocks", [run, req.size, blocks.stats().count], [BASE + 4096, 200, 4]);
    eq("MemBlocks: the run freed whole", [bad.deallocate(1, run), blocks.stats().count], [0, 0]);
  }
  if (typeof rk.Onesize === "function") {
    var pool = new rk.Onesize(mem, { base: BASE + 6144, size: 1024, blockSize: 32 });
    var pad = new rk.MemAllocatorAdapter(pool, { recoverable: true });
    req = {};
    var p = pad.allocate(2, 100, req);
    eq("Onesize: one block granted, less than asked", [p !== 0, req.size, req.recoverable], [true, 32, true]);
    eq("Onesize: without req it fails", [pad.allocate(2, 100), pad.lastError], [0, -EINVAL]);
    eq("Onesize: deallocate", pad.deallocate(2, p), 0);
  }
  if (DEBUG) {
    eq("adapter validates", ad.validate(), null);
    eq("live allocations", ad.live().length, 0);
  }

  section("fw: SystemAllocator (engine heap)");
  var sys = new rk.SystemAllocator();
  req = {};
  var s = sys.allocate(10, 100, req);
  eq("F´ MallocAllocatorTest: size 100, recoverable false", [s !== 0, req.size, req.recoverable], [true, 100, false]);
  check("the bytes are an engine array", req.array !== null && req.array.length === 100);
  req.array[99] = 7;
  eq("writable", req.array[99], 7);
  check("aligned to 8", s % 8 === 0);
  eq("deallocate", sys.deallocate(10, s), 0);
  eq("twice", sys.deallocate(10, s), -EFAULT);
  var sys2 = new rk.SystemAllocator(mem, { base: BASE + 7168, size: 1024 });
  s = sys2.allocate(1, 16);
  check("region mode: inside the region", s >= BASE + 7168 && s < BASE + 8192);
  eq("region mode: deallocate", sys2.deallocate(1, s), 0);

  section("fw: registry");
  var reg = new rk.MemAllocatorRegistry();
  var T = rk.MemoryAllocatorType;
  check("SYSTEM registered automatically", reg.getAllocator(T.SYSTEM) instanceof rk.SystemAllocator);
  throwsCode(
    "getAllocator of an unregistered type",
    function () {
      return reg.getAllocator(T.CUSTOM_1);
    },
    "ENOENT"
  );
  check("getAnAllocator falls back to SYSTEM", reg.getAnAllocator(T.CUSTOM_1) === reg.getAllocator(T.SYSTEM));
  reg.registerAllocator(T.CUSTOM_1, ad);
  check("registered", reg.getAllocator(T.CUSTOM_1) === ad);
  throwsCode(
    "type out of range",
    function () {
      return reg.getAllocator(5);
    },
    "EINVAL"
  );
  throwsCode(
    "not an allocator",
    function () {
      reg.registerAllocator(1, {});
    },
    "EINVAL"
  );
  check("one instance", rk.MemAllocatorRegistry.getInstance() === rk.MemAllocatorRegistry.getInstance());

  section("fw: BufferManager (F´ unit tests: 2 x 10, 4 x 12, 3 x 100; memory id 49, manager id 32)");
  var bm = new rk.BufferManager({
    tlm: function (n, v) {
      tlm.push(n + "=" + v);
    },
    event: function (n, x) {
      events.push(n + ":" + x);
    }
  });
  var bins = [
    { bufferSize: 10, numBuffers: 2 },
    { bufferSize: 12, numBuffers: 4 },
    { bufferSize: 100, numBuffers: 3 }
  ];
  eq("setup", bm.setup(32, 49, reg.getAnAllocator(T.CUSTOM_1), bins), 0);
  var R = rk.BufferManager.RECORD_SIZE;
  eq("one block: 9 records and 368 bytes", [bm.numBuffers, bm.size], [9, 9 * R + 368]);
  eq("record 8's context in memory", mem.read32(bm.base + 8 * R + 8), 32 * 65536 + 8);
  eq("record 8's buffer ends the block", mem.read32(bm.base + 8 * R) + 100, bm.base + bm.size);
  got = [];
  for (i = 0; i < 9; i++) got.push(bm.getBuffer(10));
  eq("size 10 falls through every bin", [got[0].context & 0xffff, got[2].context & 0xffff, got[8].context & 0xffff], [0, 2, 8]);
  eq("trimmed", got[8].size, 10);
  b = bm.getBuffer(12);
  eq("none left", [b.data, b.size, b.context, bm.noBuffs, bm.lastError], [0, 0, 0, 1, -ENOMEM]);
  bm.schedIn();
  eq("telemetry: all five", tlm, ["TotalBuffs=9", "CurrBuffs=9", "HiBuffs=9", "NoBuffs=1", "EmptyBuffs=0"]);
  for (i = 0; i < 9; i++) eq("return " + i, bm.returnBuffer(got[i]), 0);
  eq("second return", bm.returnBuffer(got[3]), -EFAULT);
  eq("another manager's", bm.returnBuffer({ data: got[3].data, size: 1, context: 33 * 65536 + 3 }), -EFAULT);
  eq("empty buffer", bm.returnBuffer({ data: 0, size: 0, context: 0 }), 0);
  eq("events", events, [
    "NoBuffsAvailable:12",
    "BadBufferReturn:" + (32 * 65536 + 3),
    "BadBufferReturn:" + (33 * 65536 + 3),
    "ZeroSizeBuffer:undefined"
  ]);
  tlm = [];
  bm.schedIn();
  eq("telemetry: changed channels only", tlm, ["CurrBuffs=0", "EmptyBuffs=1"]);
  b = bm.getBuffer(12);
  eq("12 skips bin 0", b.context & 0xffff, 2);
  eq("contract: free", bm.free(b.data), 0);
  eq("contract: allocate 100", bm.allocate(100), mem.read32(bm.base + 6 * R));
  eq("contract: larger than every buffer", [bm.allocate(101), bm.lastError], [0, -EINVAL]);
  if (DEBUG) {
    eq("contract: close while out", bm.close(), -EBUSY); // close comes with the add-on
    eq("validate", bm.validate(), null);
    check("invariantsHold", bm.invariantsHold());
    eq("record", bm.record(6).allocated, true);
  } else {
    check("the lean BufferManager has no validate", typeof bm.validate === "undefined");
  }
  throwsCode(
    "setup twice",
    function () {
      bm.setup(32, 49, ad, bins);
    },
    "EBUSY"
  );
  throwsCode(
    "bad bins",
    function () {
      new rk.BufferManager().setup(1, 1, ad, [{ bufferSize: 0, numBuffers: 1 }]);
    },
    "EINVAL"
  );
  eq("cleanup", bm.cleanup(), 0);
  eq("the block is back", heap.stats().count, 0);

  section("fw: init-phase lock");
  bm.setup(32, 49, ad, bins);
  rk.lockAllocations();
  eq("allocation refused", [ad.allocate(1, 8), ad.lastError], [0, -EPERM]);
  eq("setup refused", new rk.BufferManager().setup(1, 1, ad, bins), -EPERM);
  check("run-time buffers go on", bm.getBuffer(10).data !== 0);
  eq("counted", rk.allocationLock.refused, 2);
  eq("unlock returns the count", rk.unlockAllocations(), 2);
  check("allocations again", ad.deallocate(1, ad.allocate(1, 8)) === 0);
  eq("cleanup", bm.cleanup(), 0);
})();

/* Conformance part 20: Onesize fixed-block pool (issue 4). Plain ES5. */
(function () {
  var BASE = 0x20000000;

  function make(size, blockSize, extra) {
    var mem = new rk.ArrayMemory(BASE, size);
    var o = { base: BASE, size: size, blockSize: blockSize }, k;
    if (extra) for (k in extra) if (Object.prototype.hasOwnProperty.call(extra, k)) o[k] = extra[k];
    return { mem: mem, p: new rk.Onesize(mem, o) };
  }

  section("onesize: amast test.c");
  var t = make(24, 12, { alignment: 4 }), p = t.p;
  eq("nfree after init", p.nfree(), 2);
  eq("nblocks", p.nblocks(), 2);
  eq("blockSize", p.blockSize(), 12);
  var a = p.allocate(12), b = p.allocate(12);
  eq("bump order", [a, b], [BASE, BASE + 12]);
  eq("nfree 0", p.nfree(), 0);
  eq("allocateX(0) on empty", p.allocateX(12, 0), 0);
  eq("free a", p.free(a), 0);
  eq("free b", p.free(b), 0);
  eq("nfree 2", p.nfree(), 2);
  eq("LIFO: last freed first", p.allocateX(12, 0), b);
  eq("freeAll", p.freeAll(), 0);
  eq("nfree after freeAll", p.nfree(), 2);
  eq("nfreeMin survives freeAll", p.nfreeMin(), 0);
  eq("validate", p.validate(), null);

  section("onesize: configuration errors");
  var mem = new rk.ArrayMemory(BASE, 256);
  throwsCode("no memory", function () { return new rk.Onesize(null, { base: BASE, size: 256, blockSize: 32 }); }, "EINVAL");
  throwsCode("base 0", function () { return new rk.Onesize(mem, { base: 0, size: 256, blockSize: 32 }); }, "EINVAL");
  throwsCode("misaligned base", function () { return new rk.Onesize(mem, { base: BASE + 2, size: 256, blockSize: 32 }); }, "EINVAL");
  throwsCode("size too small", function () { return new rk.Onesize(mem, { base: BASE, size: 16, blockSize: 32 }); }, "EINVAL");
  throwsCode("blockSize 0", function () { return new rk.Onesize(mem, { base: BASE, size: 256, blockSize: 0 }); }, "EINVAL");
  throwsCode("alignment 3", function () { return new rk.Onesize(mem, { base: BASE, size: 256, blockSize: 32, alignment: 3 }); }, "EINVAL");
  throwsCode("enter not a function", function () { return new rk.Onesize(mem, { base: BASE, size: 256, blockSize: 32, enter: 5 }); }, "EINVAL");
  eq("blockSize rounds up", new rk.Onesize(mem, { base: BASE, size: 256, blockSize: 5 }).blockSize(), 8);

  section("onesize: run-time errors are values");
  t = make(256, 32); p = t.p;
  var x = p.allocate(32), y = p.allocate(32);
  eq("size > blockSize", p.allocate(33), 0);
  eq("size -1", p.allocate(-1), 0);
  eq("size 1.5", p.allocate(1.5), 0);
  eq("bad margin", p.allocateX(8, -1), 0);
  eq("rejected counted", p.stats().rejected, 4);
  eq("free foreign", p.free(BASE + 4096), -rk.EFAULT);
  eq("free misaligned", p.free(x + 4), -rk.EFAULT);
  eq("free never allocated", p.free(BASE + 96), -rk.EFAULT);
  eq("free a string", p.free(String(x)), -rk.EINVAL);
  eq("free x", p.free(x), 0);
  eq("free y", p.free(y), 0);
  eq("double free of the head", p.free(y), -rk.EFAULT);
  eq("double free of an older block", p.free(x), -rk.EFAULT);
  eq("badFrees counted", p.stats().badFrees, 6);
  check("lastError says double free", p.lastError().indexOf("double free") >= 0);
  eq("iterate: bad callback", p.iterateOverAllocated(5), -rk.EINVAL);
  eq("release: bad range", p.releaseRange(0, 32), -rk.EINVAL);
  eq("reclaim: bad range", p.reclaimRange(BASE, 0), -rk.EINVAL);
  eq("validate after errors", p.validate(), null);

  section("onesize: iterate");
  p.freeAll();
  var blocks = [], i;
  for (i = 0; i < 5; i++) blocks.push(p.allocate(32));
  p.free(blocks[1]);
  var seen = [], ords = [];
  eq("visits allocated", p.iterateOverAllocated(function (addr, ord, bs) { seen.push(addr); ords.push(ord); check("block size passed", bs === 32); }), 4);
  eq("address order", seen, [blocks[0], blocks[2], blocks[3], blocks[4]]);
  eq("ordinals", ords, [0, 1, 2, 3]);
  eq("limit", p.iterateOverAllocated(function () {}, 2), 2);

  section("onesize: critical sections");
  var enters = 0, exits = 0;
  t = make(256, 32, { enter: function () { enters++; }, exit: function () { exits++; } }); p = t.p;
  a = p.allocate(32);
  p.allocate(99);
  p.free(a);
  p.free(a);
  p.freeAll();
  p.releaseRange(BASE + 128, 32);
  p.reclaimRange(BASE + 128, 32);
  p.nfree();
  p.validate();
  eq("one enter per mutating call", enters, 7);
  eq("one exit per mutating call", exits, 7);

  section("onesize: release and reclaim");
  t = make(256, 32); p = t.p;
  blocks = [];
  for (i = 0; i < 8; i++) blocks.push(p.allocate(32));
  for (i = 0; i < 8; i++) p.free(blocks[i]);
  eq("busy range", (function () { var q = p.allocate(32); var r = p.releaseRange(q, 32); p.free(q); return r; })(), -rk.EBUSY);
  eq("release 4 blocks", p.releaseRange(BASE + 64, 128), 4);
  eq("nfree after release", p.nfree(), 4);
  eq("validate after release", p.validate(), null);
  var got = [];
  while ((a = p.allocate(32)) !== 0) got.push(a);
  eq("allocation avoids the released range", got.length, 4);
  for (i = 0; i < got.length; i++) check("outside the range " + i, got[i] < BASE + 64 || got[i] >= BASE + 192);
  for (i = 0; i < got.length; i++) p.free(got[i]);
  eq("reclaim", p.reclaimRange(BASE + 64, 128), 4);
  eq("nfree after reclaim", p.nfree(), 8);
  eq("validate after reclaim", p.validate(), null);

  section("onesize: corruption");
  t = make(256, 32); p = t.p;
  a = p.allocate(32); b = p.allocate(32);
  p.free(a); p.free(b);
  t.mem.write32(b, BASE + 4096);
  eq("corrupt link gives 0", p.allocate(32), 0);
  eq("corruption counted", p.stats().corruptions, 1);
  check("lastError names it", p.lastError().indexOf("corrupt") >= 0);
  check("validate reports it", typeof p.validate() === "string");
  p.freeAll();
  eq("freeAll recovers", p.validate(), null);
  check("invariantsHold", p.invariantsHold());
})();

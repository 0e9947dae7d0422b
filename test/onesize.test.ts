// Onesize (issue 4): amast behaviours (seed-systems §3.5), configuration and
// bad inputs of every public call, critical-section hooks, corruption of the
// in-band free list, iteration. Model tests: onesize-model.test.ts; power
// gating in the simulator: onesize-power.test.ts.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Onesize, OnesizeOptions } from "../src/alloc/onesize.js";
import { ArrayMemory } from "../src/hal/array-memory.js";
import type { Memory } from "../src/hal/ports.js";
import { EFAULT, EINVAL, EBUSY } from "../src/core/errors.js";
import { throwsCode } from "./support/memory-contract.js";

const BASE = 0x20000000;

function pool(opts?: Partial<OnesizeOptions>, memSize?: number) {
  const o: OnesizeOptions = { base: BASE, size: 256, blockSize: 32, ...opts };
  const mem = new ArrayMemory(BASE, memSize || Math.max(o.size, 64));
  return { mem, p: new Onesize(mem, o) };
}

/** Everything observable without memory access, to show that a rejected call changed nothing. */
function snapshot(p: Onesize) {
  const live: number[] = [];
  p.iterateOverAllocated((a) => { live.push(a); });
  const s = p.stats();
  return JSON.stringify({ live, nfree: s.nfree, nfreeMin: s.nfreeMin, allocated: s.allocated, released: s.released, head: (p as any)._h, nb: (p as any)._nb });
}

// ---------------------------------------------------------------- amast §3.5

test("amast test.c: two blocks, allocate to empty, free, allocate_x, free_all, nfree_min survives", () => {
  // struct {int; float; pointer} on a 32-bit MCU: 12 bytes, 4-byte aligned; pool of 2 of them.
  const mem = new ArrayMemory(BASE, 24);
  const p = new Onesize(mem, { base: BASE, size: 24, blockSize: 12, alignment: 4 });
  assert.is(p.nfree(), 2);
  assert.is(p.nblocks(), 2);
  assert.is(p.blockSize(), 12);
  const a = p.allocate(12);
  assert.ok(a !== 0); assert.is(p.nfree(), 1);
  const b = p.allocate(12);
  assert.ok(b !== 0 && b !== a); assert.is(p.nfree(), 0);
  assert.is(p.allocateX(12, 0), 0); assert.is(p.nfree(), 0);
  assert.is(p.free(a), 0); assert.is(p.nfree(), 1);
  assert.is(p.free(b), 0); assert.is(p.nfree(), 2);
  assert.ok(p.allocateX(12, 0) !== 0); assert.is(p.nfree(), 1);
  assert.is(p.freeAll(), 0); assert.is(p.nfree(), 2);
  assert.is(p.nfreeMin(), 0);
  assert.is(p.validate(), null);
});

test("amast old API: allocate(size) gives 0 on the third call of a two-block pool", () => {
  const { p } = pool({ size: 64, blockSize: 32 });
  assert.ok(p.allocate(1) !== 0);
  assert.ok(p.allocate(1) !== 0);
  assert.is(p.allocate(1), 0);
  assert.is(p.stats().failed, 1);
  assert.is(p.stats().rejected, 0);
});

test("bump pointer first (address order), then the most recently freed block (LIFO)", () => {
  const { p } = pool();
  const a = [p.allocate(32), p.allocate(32), p.allocate(32)];
  assert.equal(a, [BASE, BASE + 32, BASE + 64]);
  p.free(a[0]); p.free(a[2]);
  assert.is(p.allocate(32), a[2]);
  assert.is(p.allocate(32), a[0]);
  assert.is(p.allocate(32), BASE + 96);
});

test("block size rounds up to the alignment and to at least one link word; tail remainder unused", () => {
  assert.is(pool({ blockSize: 1 }).p.blockSize(), 4);
  assert.is(pool({ blockSize: 5 }).p.blockSize(), 8);
  assert.is(pool({ blockSize: 12, alignment: 8 }).p.blockSize(), 16);
  assert.is(pool({ blockSize: 12, alignment: 4 }).p.blockSize(), 12);
  const { p } = pool({ size: 100, blockSize: 12 });
  assert.is(p.nblocks(), 8);
  assert.is(p.stats().end, BASE + 96);
});

test("allocateX keeps a margin: allocates only while more than margin blocks are free", () => {
  const { p } = pool({ size: 128, blockSize: 32 }); // 4 blocks
  assert.ok(p.allocateX(32, 2) !== 0); // 4 free > 2
  assert.ok(p.allocateX(32, 2) !== 0); // 3 free > 2
  assert.is(p.allocateX(32, 2), 0);    // 2 free, not > 2
  assert.is(p.stats().failed, 1);
  assert.ok(p.allocateX(32, 1) !== 0);
  assert.ok(p.allocateX(32, 0) !== 0);
  assert.is(p.nfree(), 0);
  assert.is(p.allocateX(32, 0), 0);
});

test("size above blockSize gives 0 and is counted as rejected; size 0..blockSize is served", () => {
  const { p } = pool();
  const before = snapshot(p);
  assert.is(p.allocate(33), 0);
  assert.is(p.stats().rejected, 1);
  assert.is(snapshot(p), before);
  assert.ok(p.allocate(0) !== 0);
  assert.ok(p.allocate(32) !== 0);
});

test("freeAll: every block free again, bump restarts, nfreeMin kept, list dropped", () => {
  const { p } = pool();
  for (let i = 0; i < 8; i++) p.allocate(32);
  p.free(BASE + 64);
  assert.is(p.nfreeMin(), 0);
  p.freeAll();
  assert.is(p.nfree(), 8);
  assert.is(p.nfreeMin(), 0);
  assert.is(p.allocate(32), BASE);
  assert.is(p.validate(), null);
});

test("stats() and lastError()", () => {
  const { p } = pool();
  const a = p.allocate(32);
  p.allocate(99);
  p.free(a); p.free(a);
  const s = p.stats();
  assert.equal(s, { base: BASE, end: BASE + 256, blockSize: 32, nblocks: 8, nfree: 8, nfreeMin: 7, allocated: 0,
    released: 0, rejected: 1, failed: 0, badFrees: 1, corruptions: 0 });
  assert.match(p.lastError(), /double free/);
});

// ---------------------------------------------------------------- configuration errors

test("constructor: bad configuration throws EINVAL naming the argument", () => {
  const mem = new ArrayMemory(BASE, 256);
  const ok = { base: BASE, size: 256, blockSize: 32 };
  const cases: [any, any, RegExp][] = [
    [null, ok, /memory/], [{}, ok, /memory/], [{ read32() { return 0; } }, ok, /memory/],
    [mem, null, /options/], [mem, 5, /options/],
    [mem, { ...ok, base: 0 }, /base/], [mem, { ...ok, base: -4 }, /base/], [mem, { ...ok, base: BASE + 0.5 }, /base/],
    [mem, { ...ok, base: "536870912" }, /base/], [mem, { ...ok, base: BASE + 2 }, /base must be a multiple of alignment/],
    [mem, { ...ok, base: BASE + 4, alignment: 8 }, /base must be a multiple/],
    [mem, { ...ok, size: 0 }, /size/], [mem, { ...ok, size: -1 }, /size/], [mem, { ...ok, size: 1.5 }, /size/],
    [mem, { ...ok, size: undefined }, /size/], [mem, { ...ok, size: 16 }, /size must hold at least one block/],
    [mem, { ...ok, base: 0xfffff000, size: 0x2000 }, /size/],
    [mem, { ...ok, blockSize: 0 }, /blockSize/], [mem, { ...ok, blockSize: -32 }, /blockSize/],
    [mem, { ...ok, blockSize: 2.5 }, /blockSize/], [mem, { ...ok, blockSize: "32" }, /blockSize/],
    [mem, { ...ok, blockSize: undefined }, /blockSize/],
    [mem, { ...ok, alignment: 0 }, /alignment/], [mem, { ...ok, alignment: 2 }, /alignment/],
    [mem, { ...ok, alignment: 3 }, /alignment/], [mem, { ...ok, alignment: 12 }, /alignment/],
    [mem, { ...ok, alignment: "4" }, /alignment/],
    [mem, { ...ok, enter: 1 }, /enter/], [mem, { ...ok, exit: "x" }, /exit/],
  ];
  for (const [m, o, re] of cases) throwsCode(() => new Onesize(m, o), "EINVAL", re);
});

test("a port's word view carries the links: same addresses as through read32/write32", () => {
  const direct = new ArrayMemory(BASE, 256);
  const viaPort: Memory = Object.create(new ArrayMemory(BASE, 256));
  viaPort.wordView = () => null;
  const p = new Onesize(direct, { base: BASE, size: 256, blockSize: 32 });
  const q = new Onesize(viaPort, { base: BASE, size: 256, blockSize: 32 });
  const a = [0, 1, 2, 3].map(() => p.allocate(32)), b = [0, 1, 2, 3].map(() => q.allocate(32));
  for (const i of [2, 0, 3]) { p.free(a[i]); q.free(b[i]); }
  assert.is(direct.read32(a[0]), viaPort.read32(b[0]));   // the link written into the block
  assert.equal([p.allocate(32), p.allocate(32), p.allocate(32)], [q.allocate(32), q.allocate(32), q.allocate(32)]);
  assert.is(p.validate(), null);
  assert.throws(() => new Onesize(direct, { base: BASE + 256, size: 64, blockSize: 32 }), (e: any) => e.code === "EINVAL" && /not inside the memory port/.test(e.message));
});

test("constructor touches no memory", () => {
  let touched = 0;
  const mem = new ArrayMemory(BASE, 256);
  const spy: Memory = Object.create(mem);
  for (const k of ["read8", "read16", "read32", "write8", "write16", "write32", "readBlock", "writeBlock", "fill", "copy"]) {
    (spy as any)[k] = function (...args: any[]) { touched++; return (mem as any)[k](...args); };
  }
  spy.wordView = () => null; // a port that watches every access offers no direct view
  const p = new Onesize(spy, { base: BASE, size: 256, blockSize: 32 });
  for (let i = 0; i < 8; i++) p.allocate(32); // bump: no access either
  assert.is(touched, 0);
  p.free(BASE + 32);
  assert.is(touched, 1); // the link write
});

// ---------------------------------------------------------------- bad inputs at run time

test("allocate / allocateX: bad size or margin gives 0, counts as rejected, changes nothing", () => {
  const { p } = pool();
  p.allocate(32);
  const before = snapshot(p);
  let n = 0;
  for (const s of [-1, 1.5, NaN, Infinity, undefined, null, "8", {}, 33, 0x100000000]) {
    assert.is(p.allocate(s as any), 0, "size " + String(s)); n++;
  }
  for (const m of [-1, 0.5, NaN, undefined, null, "1", 0x100000000]) {
    assert.is(p.allocateX(8, m as any), 0, "margin " + String(m)); n++;
  }
  assert.is(p.allocateX(33, 0), 0); n++;
  assert.is(p.stats().rejected, n);
  assert.is(p.stats().failed, 0);
  assert.is(snapshot(p), before);
  assert.is(p.validate(), null);
});

test("free: foreign, misaligned, out-of-range, never-allocated addresses give -EFAULT and change nothing", () => {
  const { p, mem } = pool();
  const a = p.allocate(32), b = p.allocate(32);
  p.free(b);
  const before = snapshot(p), link = mem.read32(b);
  for (const x of [0, BASE - 32, BASE - 1, a + 1, a + 4, a + 31, BASE + 64, BASE + 224, BASE + 256, BASE + 288, 0xffffffe0, 1e12, -BASE, a + 0.5, NaN, Infinity]) {
    assert.is(p.free(x), -EFAULT, "address " + x);
  }
  assert.is(snapshot(p), before);
  assert.is(mem.read32(b), link);
  assert.is(p.stats().badFrees, 16);
  assert.match(p.lastError(), /not a block of the pool/);
  p.free(BASE + 64);
  assert.match(p.lastError(), /never allocated/);
  assert.is(p.validate(), null);
});

test("free: non-numbers give -EINVAL", () => {
  const { p } = pool();
  const a = p.allocate(32);
  for (const x of [String(a), undefined, null, {}, [a], true]) assert.is(p.free(x as any), -EINVAL, "address " + String(x));
  assert.is(p.nfree(), 7);
  assert.is(p.free(a), 0);
});

test("free: EVERY double free is caught, not only the most recent one (amast catches only the head)", () => {
  const { p } = pool();
  const a = [0, 1, 2, 3, 4].map(() => p.allocate(32));
  for (const x of a) assert.is(p.free(x), 0);
  const before = snapshot(p);
  for (const x of a) assert.is(p.free(x), -EFAULT, "double free of " + x.toString(16));
  assert.is(snapshot(p), before);
  assert.match(p.lastError(), /double free/);
  // after re-allocation the block can be freed again once
  const c = p.allocate(32);
  assert.is(p.free(c), 0);
  assert.is(p.free(c), -EFAULT);
  assert.is(p.validate(), null);
});

test("iterateOverAllocated: address order, ordinal and block size, limit, skips free blocks", () => {
  const { p } = pool();
  const a = [0, 1, 2, 3, 4, 5].map(() => p.allocate(32));
  p.free(a[1]); p.free(a[4]);
  p.allocate(32); // takes a[4] back
  const seen: number[][] = [];
  assert.is(p.iterateOverAllocated((addr, i, bs) => { seen.push([addr, i, bs]); }), 5);
  assert.equal(seen, [[a[0], 0, 32], [a[2], 1, 32], [a[3], 2, 32], [a[4], 3, 32], [a[5], 4, 32]]);
  const two: number[] = [];
  assert.is(p.iterateOverAllocated((addr) => { two.push(addr); }, 2), 2);
  assert.equal(two, [a[0], a[2]]);
  assert.is(p.iterateOverAllocated(() => {}, 0), 0);
  assert.is(p.iterateOverAllocated(() => {}, -1), 5);
  assert.is(p.iterateOverAllocated(() => {}, 99), 5);
  // the callback may free the block it is given
  assert.is(p.iterateOverAllocated((addr) => { assert.is(p.free(addr), 0); }), 5);
  assert.is(p.nfree(), 8);
  assert.is(p.validate(), null);
});

test("iterateOverAllocated: bad callback or limit gives -EINVAL", () => {
  const { p } = pool();
  p.allocate(32);
  for (const cb of [undefined, null, 1, "f", {}]) assert.is(p.iterateOverAllocated(cb as any), -EINVAL);
  for (const l of [1.5, NaN, "2", null, {}]) assert.is(p.iterateOverAllocated(() => {}, l as any), -EINVAL);
});

test("releaseRange / reclaimRange: bad ranges give -EINVAL and change nothing", () => {
  const { p } = pool();
  p.allocate(32);
  const before = snapshot(p);
  const bad: any[][] = [[0, 32], [-32, 64], [BASE + 0.5, 32], ["536870912", 32], [undefined, 32], [BASE, 0], [BASE, -32],
    [BASE, 1.5], [BASE, "32"], [BASE, undefined], [0xffffffe0, 64], [NaN, 32]];
  for (const [b, s] of bad) {
    assert.is(p.releaseRange(b, s), -EINVAL, "release " + b + ", " + s);
    assert.is(p.reclaimRange(b, s), -EINVAL, "reclaim " + b + ", " + s);
  }
  assert.is(snapshot(p), before);
  assert.match(p.lastError(), /range/);
});

test("releaseRange: -EBUSY and no change when a block in the range is allocated; ranges outside release nothing", () => {
  const { p } = pool();
  const a = [0, 1, 2, 3].map(() => p.allocate(32));
  p.free(a[0]); p.free(a[2]);
  const before = snapshot(p);
  assert.is(p.releaseRange(BASE + 40, 80), -EBUSY); // blocks 1..3, block 1 and 3 allocated
  assert.match(p.lastError(), /allocated/);
  assert.is(snapshot(p), before);
  assert.is(p.releaseRange(BASE - 4096, 4096), 0);
  assert.is(p.releaseRange(BASE + 256, 4096), 0);
  assert.is(p.reclaimRange(BASE + 256, 4096), 0);
  assert.is(snapshot(p), before);
  assert.is(p.validate(), null);
});

test("releaseRange: a block overlapping the range at all is released; reclaim takes only whole blocks", () => {
  const { p } = pool();
  assert.is(p.releaseRange(BASE + 33, 1), 1);          // one byte of block 1
  assert.is(p.releaseRange(BASE + 95, 2), 2);          // last byte of block 2, first of block 3
  assert.is(p.stats().released, 3);
  assert.is(p.reclaimRange(BASE + 33, 62), 0);         // holds no whole block
  assert.is(p.reclaimRange(BASE + 32, 64), 2);         // blocks 1 and 2
  assert.is(p.reclaimRange(BASE, 256), 1);             // block 3
  assert.is(p.nfree(), 8);
  assert.is(p.validate(), null);
});

test("release and reclaim: free blocks are unlinked and relinked, allocation order of the rest is kept", () => {
  const { p } = pool();
  const a = [0, 1, 2, 3, 4, 5, 6, 7].map(() => p.allocate(32));
  for (const x of [a[0], a[3], a[4], a[1], a[7], a[5]]) p.free(x); // list: 5 7 1 4 3 0
  assert.is(p.releaseRange(a[3], 64), 2);              // blocks 3 and 4 off the list
  assert.is(p.nfree(), 4);
  assert.is(p.nfreeMin(), 0);
  assert.is(p.validate(), null);
  assert.is(p.releaseRange(a[3], 64), 0);              // already released
  assert.is(p.free(a[3]), -EFAULT);
  assert.match(p.lastError(), /released/);
  assert.equal([p.allocate(32), p.allocate(32), p.allocate(32), p.allocate(32)], [a[5], a[7], a[1], a[0]]);
  assert.is(p.allocate(32), 0);
  p.free(a[0]);
  assert.is(p.reclaimRange(a[3], 64), 2);              // pushed lowest first: 3 4 0
  assert.equal([p.allocate(32), p.allocate(32), p.allocate(32)], [a[3], a[4], a[0]]);
  assert.is(p.validate(), null);
});

test("released never-used blocks are skipped by the bump index and never touched", () => {
  const { p } = pool();
  assert.is(p.releaseRange(BASE + 64, 96), 3);         // blocks 2, 3, 4, before any allocation
  const got = [0, 1, 2, 3, 4].map(() => p.allocate(32));
  assert.equal(got, [BASE, BASE + 32, BASE + 160, BASE + 192, BASE + 224]);
  assert.is(p.allocate(32), 0);
  assert.is(p.stats().corruptions, 0);
  assert.is(p.validate(), null);
  assert.is(p.reclaimRange(BASE + 64, 96), 3);         // the bump index passed them: onto the list
  assert.equal([p.allocate(32), p.allocate(32), p.allocate(32)], [BASE + 64, BASE + 96, BASE + 128]);
  // released ahead of the bump index and reclaimed before it gets there: Fresh again
  p.freeAll();
  assert.is(p.releaseRange(BASE + 192, 64), 2);
  assert.is(p.reclaimRange(BASE + 192, 64), 2);
  assert.is(p.validate(), null);
  assert.equal([0, 1, 2, 3, 4, 5, 6, 7].map(() => p.allocate(32)), [0, 1, 2, 3, 4, 5, 6, 7].map((i) => BASE + 32 * i));
});

test("freeAll keeps released blocks released", () => {
  const { p } = pool();
  p.allocate(32);
  p.releaseRange(BASE + 128, 128);
  p.freeAll();
  assert.is(p.nfree(), 4);
  assert.is(p.stats().released, 4);
  assert.equal([0, 1, 2, 3, 4].map(() => p.allocate(32)), [BASE, BASE + 32, BASE + 64, BASE + 96, 0]);
  assert.is(p.validate(), null);
});

// ---------------------------------------------------------------- critical sections

test("enter/exit are called once each around every mutating call, whatever its outcome", () => {
  const log: string[] = [];
  let depth = 0;
  const { p } = pool({ enter: () => { log.push("enter"); depth++; }, exit: () => { log.push("exit"); depth--; } });
  const calls: [string, () => unknown][] = [
    ["allocate", () => p.allocate(32)], ["allocate bad", () => p.allocate(99)], ["allocateX", () => p.allocateX(32, 0)],
    ["allocateX margin", () => p.allocateX(32, 100)], ["free", () => p.free(BASE)], ["free bad", () => p.free(BASE)],
    ["freeAll", () => p.freeAll()], ["releaseRange", () => p.releaseRange(BASE, 32)], ["releaseRange bad", () => p.releaseRange(0, 0)],
    ["reclaimRange", () => p.reclaimRange(BASE, 32)],
  ];
  for (const [name, fn] of calls) {
    log.length = 0;
    fn();
    assert.equal(log, ["enter", "exit"], name);
    assert.is(depth, 0);
  }
  log.length = 0;
  p.nfree(); p.nfreeMin(); p.blockSize(); p.nblocks(); p.stats(); p.lastError(); p.validate(); p.invariantsHold();
  p.iterateOverAllocated(() => {});
  assert.equal(log, [], "read-only calls take no critical section");
});

test("only one hook given: the other is a no-op; a pool without hooks has no locked entry points", () => {
  let n = 0;
  const { p } = pool({ enter: () => { n++; } });
  p.allocate(32); p.free(BASE);
  assert.is(n, 2);
  const plain = pool().p;
  assert.not.ok(Object.prototype.hasOwnProperty.call(plain, "allocate"));
});

test("exit is called even when the port faults, and the pool is unchanged", () => {
  let enters = 0, exits = 0, fault = false;
  const mem = new ArrayMemory(BASE, 256);
  const faulty: Memory = Object.create(mem);
  faulty.read32 = (a: number) => { if (fault) throw Object.assign(new Error("bus fault"), { code: "EFAULT" }); return mem.read32(a); };
  faulty.wordView = () => null;
  const p = new Onesize(faulty, { base: BASE, size: 256, blockSize: 32, enter: () => { enters++; }, exit: () => { exits++; } });
  const a = p.allocate(32);
  p.free(a);
  const before = snapshot(p);
  fault = true;
  throwsCode(() => p.allocate(32), "EFAULT");
  assert.is(enters, 3); assert.is(exits, 3);
  assert.is(snapshot(p), before);
  fault = false;
  assert.is(p.allocate(32), a);
});

// ---------------------------------------------------------------- corruption

function corruptCase(bad: (p: Onesize, a: number[]) => number) {
  const { p, mem } = pool();
  const a = [0, 1, 2, 3, 4, 5].map(() => p.allocate(32));
  p.free(a[1]); p.free(a[3]); p.free(a[5]);   // list: 5 3 1
  mem.write32(a[5], bad(p, a));                 // corrupt the head's link through the port
  return { p, a, mem };
}

test("corrupt link: out of range, misaligned, foreign or to an allocated block gives 0 and a diagnostic", () => {
  const links: [string, (p: Onesize, a: number[]) => number][] = [
    ["outside the pool", () => BASE + 4096], ["below the pool", () => BASE - 32], ["misaligned", (_p, a) => a[3] + 4],
    ["to an allocated block", (_p, a) => a[2]], ["to a never-used block", () => BASE + 224], ["all ones", () => 0xffffffff],
  ];
  for (const [name, link] of links) {
    const { p, a } = corruptCase(link);
    const before = snapshot(p);
    assert.is(p.allocate(32), 0, name);
    assert.is(p.allocate(32), 0, name + " (again)");
    assert.is(p.stats().corruptions, 2, name);
    assert.match(p.lastError(), /free list corrupt/);
    assert.match(p.lastError(), new RegExp(a[5].toString(16)));
    assert.is(snapshot(p), before, name);
    assert.type(p.validate(), "string");
    assert.is(p.releaseRange(a[1], 32), -EFAULT, name);
    assert.is(snapshot(p), before, name);
    p.freeAll();                                  // recovers
    assert.is(p.validate(), null);
    assert.is(p.allocate(32), BASE);
  }
});

test("corrupt link: a list cut short is found when the blocks counted free run out", () => {
  const { p, a } = corruptCase(() => 0);          // list: 5, then nothing; 3 and 1 lost
  const got: number[] = [];
  for (let x; (x = p.allocate(32)) !== 0;) got.push(x);
  assert.equal(got, [a[5], BASE + 192, BASE + 224]); // the head, then the never-used blocks
  assert.is(p.stats().corruptions, 1);
  assert.match(p.lastError(), /ended with 2 blocks/);
  assert.match(p.validate() || "", /list holds 0 blocks, 2 are marked free/);
});

test("corrupt link: a cycle never hands out a block twice, validate() names it", () => {
  const { p, mem, a } = corruptCase((_p, a) => a[3]);
  mem.write32(a[5], a[3]);                        // keep 5 -> 3 -> 1, close the loop 1 -> 5
  mem.write32(a[1], a[5]);
  assert.match(p.validate() || "", /cycle/);
  assert.equal([p.allocate(32), p.allocate(32), p.allocate(32)], [a[5], a[3], 0]);
  assert.is(p.stats().corruptions, 1);
});

test("invariantsHold is cheap and true through normal use", () => {
  const { p } = pool();
  assert.ok(p.invariantsHold());
  const a = p.allocate(32);
  p.free(a);
  p.releaseRange(BASE + 128, 32);
  assert.ok(p.invariantsHold());
  (p as any)._nf = 99;
  assert.not.ok(p.invariantsHold());
  assert.type(p.validate(), "string");
});

test("a pool in the middle of a larger memory leaves the memory around it alone", () => {
  const mem = new ArrayMemory(BASE, 1024);
  mem.fill(BASE, 1024, 0xee);
  const p = new Onesize(mem, { base: BASE + 256, size: 512, blockSize: 64, alignment: 64 });
  const a: number[] = [];
  for (let x; (x = p.allocate(64)) !== 0;) a.push(x);
  assert.is(a.length, 8);
  for (const x of a) p.free(x);
  for (let i = 0; i < 256; i++) { assert.is(mem.read8(BASE + i), 0xee); assert.is(mem.read8(BASE + 768 + i), 0xee); }
  assert.is(p.validate(), null);
});

test.run();

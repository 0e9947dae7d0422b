// Onesize: amast behaviours (adel-mamin/amast libs/onesize test.c),
// configuration and bad inputs of every public call, the allocator contract
// (lastError, stats, watchers, claims, close), critical-section hooks,
// corruption of the in-band free list, the debug add-on. Model tests:
// onesize-model.test.ts; power gating in the simulator: onesize-power.test.ts.
import "../src/debug/host.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Onesize, type OnesizeOptions } from "../src/alloc/onesize.js";
import { debugOnesize } from "../src/debug/onesize.js";
import { ArrayMemory } from "../src/hal/array-memory.js";
import type { Memory } from "../src/hal/ports.js";
import type { Watcher } from "../src/alloc/api.js";
import { EFAULT, EINVAL, EBUSY, ENOMEM, ENOENT } from "../src/core/errors.js";
import { throwsCode } from "./support/memory-contract.js";

const BASE = 0x20000000;

/** Set while a test runs on pools without a word view (see both). */
let portPools = false;

/**
 * A pool over a fresh ArrayMemory; while `portPools` is set, over a port to
 * that memory without a word view (every link through read32/write32, as on
 * a board's peek/poke port or the simulator's MCU).
 */
function pool(opts?: Partial<OnesizeOptions>, memSize?: number) {
  const o: OnesizeOptions = { base: BASE, size: 256, blockSize: 32, ...opts };
  let mem = new ArrayMemory(BASE, memSize || Math.max(o.size, 64));
  if (portPools) {
    mem = Object.create(mem);
    mem.wordView = () => null;
  }
  const p = new Onesize(mem, o);
  // on an engine with shift versions (Node) a pool whose block size is not a power of two has no word view
  assert.is(p._words === null, portPools || ((p.blockSize & (p.blockSize - 1)) !== 0 && !!P._allocateDiv));
  return { mem, p };
}

/**
 * Every test runs twice on an engine with WebAssembly (Node): with the shift
 * versions of allocate and free installed there, and with the division
 * versions that interpreters run (kept reachable as _allocateDiv/_freeDiv,
 * which are then hidden from the constructor, so that a pool whose block
 * size is not a power of two keeps its word view as on an interpreter); and
 * once more with the pools of pool() made without a word view, whose
 * allocate and free are _allocatePort and _freePort on every engine.
 */
const P = Onesize.prototype as any;
function both(name: string, fn: () => void): void {
  test(name, fn);
  test(name + " (no word view)", () => {
    portPools = true;
    try {
      fn();
    } finally {
      portPools = false;
    }
  });
  if (!P._allocateDiv) return;
  test(name + " (division versions)", () => {
    const allocate = P.allocate,
      free = P.free,
      allocateDiv = P._allocateDiv,
      freeDiv = P._freeDiv;
    P.allocate = allocateDiv;
    P.free = freeDiv;
    delete P._allocateDiv;
    delete P._freeDiv;
    try {
      fn();
    } finally {
      P.allocate = allocate;
      P.free = free;
      P._allocateDiv = allocateDiv;
      P._freeDiv = freeDiv;
    }
  });
}

const nfree = (p: Onesize) => p.counters().nfree;

/** Everything observable without memory access, to show that a rejected call changed nothing (failure counts aside). */
function snapshot(p: Onesize) {
  const live: number[] = [];
  p.iterateOverAllocated((a) => {
    live.push(a);
  });
  const c = p.counters();
  return JSON.stringify({
    live,
    nfree: c.nfree,
    nfreeMin: c.nfreeMin,
    allocated: c.allocated,
    released: c.released,
    peak: c.peak,
    head: p._head,
    bump: p._bump,
    used: p.stats().used,
    room: p._room,
    mark: p._mark,
  });
}

/** A watcher that records every event as [kind, address, bytes]. */
function recorder(p?: Onesize) {
  const log: [string, number, number][] = [];
  const w: Watcher = {
    onAlloc(a, b, al) {
      if (p) assert.is(al, p);
      log.push(["alloc", a, b]);
    },
    onFree(a, b, al) {
      if (p) assert.is(al, p);
      log.push(["free", a, b]);
    },
  };
  return { w, log };
}

// ---------------------------------------------------------------- amast test.c

both("amast test.c: two blocks, allocate to empty, free, allocate_x, free_all, nfree_min survives", () => {
  // struct {int; float; pointer} on a 32-bit MCU: 12 bytes, 4-byte aligned; pool of 2 of them.
  const mem = new ArrayMemory(BASE, 24);
  const p = new Onesize(mem, { base: BASE, size: 24, blockSize: 12, alignment: 4 });
  assert.is(nfree(p), 2);
  assert.is(p.counters().nblocks, 2);
  assert.is(p.blockSize, 12);
  const a = p.allocate(12);
  assert.ok(a !== 0);
  assert.is(nfree(p), 1);
  const b = p.allocate(12);
  assert.ok(b !== 0 && b !== a);
  assert.is(nfree(p), 0);
  assert.is(p.allocateX(12, 0), 0);
  assert.is(nfree(p), 0);
  assert.is(p.lastError, -ENOMEM);
  assert.is(p.free(a), 0);
  assert.is(nfree(p), 1);
  assert.is(p.free(b), 0);
  assert.is(nfree(p), 2);
  assert.ok(p.allocateX(12, 0) !== 0);
  assert.is(nfree(p), 1);
  assert.is(p.freeAll(), 0);
  assert.is(nfree(p), 2);
  assert.is(p.counters().nfreeMin, 0);
  assert.is(p.validate(), null);
});

both("amast old API: allocate(size) gives 0 and -ENOMEM on the third call of a two-block pool", () => {
  const { p } = pool({ size: 64, blockSize: 32 });
  assert.ok(p.allocate(1) !== 0);
  assert.ok(p.allocate(1) !== 0);
  assert.is(p.allocate(1), 0);
  assert.is(p.lastError, -ENOMEM);
  assert.is(p.counters().failed, 1);
  assert.is(p.counters().rejected, 0);
  assert.match(p.lastErrorText(), /no free block/);
});

both("bump pointer first (address order), then the most recently freed block (LIFO)", () => {
  const { p } = pool();
  const a = [p.allocate(32), p.allocate(32), p.allocate(32)];
  assert.equal(a, [BASE, BASE + 32, BASE + 64]);
  p.free(a[0]);
  p.free(a[2]);
  assert.is(p.allocate(32), a[2]);
  assert.is(p.allocate(32), a[0]);
  assert.is(p.allocate(32), BASE + 96);
});

both("block size rounds up to the alignment and to at least one link word; tail remainder unused", () => {
  assert.is(pool({ blockSize: 1 }).p.blockSize, 4);
  assert.is(pool({ blockSize: 5 }).p.blockSize, 8);
  assert.is(pool({ blockSize: 12, alignment: 8 }).p.blockSize, 16);
  assert.is(pool({ blockSize: 12, alignment: 4 }).p.blockSize, 12);
  const { p } = pool({ size: 100, blockSize: 12 });
  assert.is(p.counters().nblocks, 8);
  assert.is(p.counters().end, BASE + 96);
  assert.is(p.size, 100);
  assert.is(p.base, BASE);
  assert.is(p.stats().free, 96);
});

both("allocateX keeps a margin: allocates only while more than margin blocks are free", () => {
  const { p } = pool({ size: 128, blockSize: 32 }); // 4 blocks
  assert.ok(p.allocateX(32, 2) !== 0); // 4 free > 2
  assert.ok(p.allocateX(32, 2) !== 0); // 3 free > 2
  assert.is(p.allocateX(32, 2), 0); // 2 free, not > 2
  assert.is(p.lastError, -ENOMEM);
  assert.is(p.counters().failed, 1);
  assert.match(p.lastErrorText(), /margin 2/);
  assert.ok(p.allocateX(32, 1) !== 0);
  assert.ok(p.allocateX(32, 0) !== 0);
  assert.is(nfree(p), 0);
  assert.is(p.allocateX(32, 0), 0);
});

both("freeAll: every block free again, bump restarts, nfreeMin kept, list dropped", () => {
  const { p } = pool();
  for (let i = 0; i < 8; i++) p.allocate(32);
  p.free(BASE + 64);
  assert.is(p.counters().nfreeMin, 0);
  p.freeAll();
  assert.is(nfree(p), 8);
  assert.is(p.counters().nfreeMin, 0);
  assert.is(p.allocate(32), BASE);
  assert.is(p.validate(), null);
});

// ---------------------------------------------------------------- the contract

both("allocate: size must be an integer in [1, blockSize]; each refusal sets lastError -EINVAL and changes nothing", () => {
  const { p } = pool();
  p.allocate(32);
  p.allocate(99);
  const before = snapshot(p);
  let n = 1;
  for (const s of [0, -1, 1.5, NaN, Infinity, undefined, null, "8", {}, 33, 0x100000000]) {
    p.lastError = 0;
    assert.is(p.allocate(s as any), 0, "size " + String(s));
    n++;
    assert.is(p.lastError, -EINVAL, "size " + String(s));
  }
  assert.match(p.lastErrorText(), /size must be an integer in \[1, 32\]/);
  assert.is(p.counters().rejected, n);
  assert.is(p.stats().failures, n);
  assert.is(snapshot(p), before);
  assert.ok(p.allocate(1) !== 0);
  assert.ok(p.allocate(32) !== 0);
  assert.is(p.allocate(33), 0); // after valid sizes, a bad one is still refused
  assert.ok(p.allocate(7) !== 0);
  assert.is(p.allocate(7.5), 0);
  assert.is(p.validate(), null);
});

both("lastError: every failed call sets it, successful calls leave it (a rejected allocate(33) after an older failure)", () => {
  const { p } = pool({ size: 64 });
  assert.is(p.lastError, 0);
  const a = p.allocate(32);
  p.free(a);
  assert.is(p.free(a), -EFAULT);
  assert.is(p.lastError, -EFAULT);
  assert.is(p.allocate(33), 0);
  assert.is(p.lastError, -EINVAL); // this rejection, not the older -EFAULT
  assert.match(p.lastErrorText(), /got 33/);
  assert.ok(p.allocate(32) !== 0);
  assert.is(p.lastError, -EINVAL); // success leaves it
  p.allocate(32);
  assert.is(p.allocate(32), 0);
  assert.is(p.lastError, -ENOMEM);
  assert.is(p.free("x" as any), -EINVAL);
  assert.is(p.lastError, -EINVAL);
  assert.is(p.releaseRange(BASE, 32), -EBUSY);
  assert.is(p.lastError, -EBUSY);
  assert.is(p.stats().failures, 4); // allocate and free only
});

both("allocate: alignment up to the pool's (the lowest set bit of base | blockSize); beyond it or not a power of two: -EINVAL", () => {
  const { p } = pool({ blockSize: 24 }); // base 0x20000000, blocks of 24: every block is 8-aligned
  assert.is(p.counters().alignment, 8);
  for (const al of [1, 2, 4, 8]) {
    const a = p.allocate(8, al);
    assert.ok(a !== 0 && a % al === 0, "alignment " + al);
  }
  const before = snapshot(p);
  for (const al of [16, 32, 0, 3, 6, -8, 1.5, NaN, null, "8", 0x100000008]) {
    p.lastError = 0;
    assert.is(p.allocate(8, al as any), 0, "alignment " + String(al));
    assert.is(p.lastError, -EINVAL);
  }
  assert.match(p.lastErrorText(), /alignment must be a power of two up to 8/);
  assert.is(snapshot(p), before);
  assert.is(pool({ blockSize: 32 }).p.allocate(32, 32), BASE); // 32-byte blocks at an aligned base
  assert.is(pool({ blockSize: 4, alignment: 4 }).p.counters().alignment, 4);
});

both("allocate: the address hint is ignored (LIFO order is the design), whatever it is", () => {
  const { p } = pool();
  const a = p.allocate(32),
    b = p.allocate(32);
  p.free(a);
  p.free(b);
  const al = p.allocate as (s: number, al?: number, hint?: unknown) => number;
  assert.is(al.call(p, 32, undefined, BASE + 128), b);
  assert.is(al.call(p, 32, undefined, "not an address"), a);
  assert.is(al.call(p, 32, 4, -1), BASE + 64);
});

both("free(0) is a no-op that returns 0 and leaves lastError alone", () => {
  const { p } = pool();
  const a = p.allocate(32);
  p.allocate(99);
  const before = snapshot(p);
  assert.is(p.free(0), 0);
  assert.is(p.lastError, -EINVAL);
  assert.is(p.stats().failures, 1);
  assert.is(snapshot(p), before);
  assert.is(p.free(p.allocate(99)), 0);
  assert.is(p.free(a), 0);
});

both("owns: [base, base + size), the unused tail included; never for non-numbers", () => {
  const { p } = pool({ size: 100, blockSize: 32 });
  assert.ok(p.owns(BASE));
  assert.ok(p.owns(BASE + 99));
  assert.ok(p.owns(BASE + 97));
  assert.not.ok(p.owns(BASE + 100));
  assert.not.ok(p.owns(BASE - 1));
  assert.not.ok(p.owns(String(BASE) as any));
  assert.not.ok(p.owns(NaN));
});

both("stats(out?): bytes as charged (whole blocks), count, peak, failures; resetPeak", () => {
  const { p } = pool();
  assert.equal(p.stats(), { used: 0, free: 256, peak: 0, count: 0, failures: 0 });
  const a = [p.allocate(1), p.allocate(7), p.allocate(32)];
  p.free(a[1]);
  p.allocate(0);
  const out = { used: -1, free: -1, peak: -1, count: -1, failures: -1 };
  assert.is(p.stats(out), out);
  assert.equal(out, { used: 64, free: 192, peak: 96, count: 2, failures: 1 });
  p.resetPeak();
  assert.equal(p.stats(), { used: 64, free: 192, peak: 64, count: 2, failures: 0 });
  p.allocate(32);
  assert.is(p.stats().peak, 96);
  p.releaseRange(BASE + 128, 128);
  assert.equal(p.stats(), { used: 96, free: 32, peak: 96, count: 3, failures: 0 });
  assert.is(p.counters().nfreeMin, 1);
  p.freeAll();
  assert.equal(p.stats(), { used: 0, free: 128, peak: 96, count: 0, failures: 0 });
  assert.ok(p.invariantsHold());
});

both("watch: onAlloc/onFree from allocate, allocateX, free, freeAll (one per live block); none for failures; unwatch", () => {
  const { p } = pool();
  const { w, log } = recorder(p);
  assert.is(p.watch(w), 0);
  const a = p.allocate(5),
    b = p.allocateX(32, 1),
    c = p.allocate(32);
  assert.is(p.free(b), 0);
  p.allocate(99);
  p.allocateX(32, 99);
  p.free(b);
  p.free(BASE + 3);
  p.free(0);
  p.releaseRange(BASE + 192, 64);
  p.reclaimRange(BASE + 192, 64);
  assert.equal(log, [
    ["alloc", a, 32],
    ["alloc", b, 32],
    ["alloc", c, 32],
    ["free", b, 32],
  ]);
  log.length = 0;
  assert.is(p.freeAll(), 0);
  assert.equal(log, [
    ["free", a, 32],
    ["free", c, 32],
  ]);
  assert.is(p.validate(), null);
  log.length = 0;
  assert.is(p.watch(w), 0); // already attached: still one
  p.allocate(32);
  assert.is(log.length, 1);
  assert.is(p.unwatch(w), 0);
  p.free(p.allocate(32));
  assert.is(log.length, 1);
  assert.is(p.unwatch(w), -ENOENT);
  assert.is(p.lastError, -ENOENT);
  assert.is(p.validate(), null);
});

both("watch: statistics stay right while watched, and after the last watcher leaves", () => {
  const { p } = pool();
  const r1 = recorder(),
    r2 = recorder();
  p.watch(r1.w);
  p.watch(r2.w);
  const a = [0, 1, 2, 3].map(() => p.allocate(32));
  p.free(a[3]);
  p.free(a[2]);
  assert.equal(p.stats(), { used: 64, free: 192, peak: 128, count: 2, failures: 0 });
  assert.is(r1.log.length, 6);
  assert.is(r2.log.length, 6);
  p.unwatch(r1.w);
  assert.ok(p.invariantsHold());
  p.unwatch(r2.w);
  assert.ok(p.invariantsHold());
  for (let i = 0; i < 5; i++) p.allocate(32);
  assert.is(p.stats().peak, 7 * 32);
  assert.is(p.counters().nfreeMin, 1);
  assert.is(p.validate(), null);
});

both("watch: a watcher may unwatch itself, or attach another, while it is told of an event", () => {
  const { p } = pool();
  const log: string[] = [];
  const late: Watcher = {
    onAlloc(a) {
      log.push("late+" + a.toString(16));
    },
    onFree(a) {
      log.push("late-" + a.toString(16));
    },
  };
  const once: Watcher = {
    onAlloc(a) {
      log.push("once+" + a.toString(16));
      assert.is(p.unwatch(once), 0);
      assert.is(p.watch(late), 0);
    },
    onFree() {
      log.push("once-");
    },
  };
  const other = recorder(p);
  p.watch(once);
  p.watch(other.w);
  const a = p.allocate(32);
  assert.equal(log, ["once+20000000"]); // the late watcher is not told of the event it was attached during
  assert.equal(other.log, [["alloc", a, 32]]); // the one after the leaving watcher is still told
  p.free(a);
  assert.equal(log, ["once+20000000", "late-20000000"]);
  assert.is(p.unwatch(late), 0);
  assert.is(p.unwatch(other.w), 0);
  assert.ok(p.invariantsHold());
  assert.is(p.validate(), null);
});

both("watch: bad watchers give -EINVAL and set lastError", () => {
  const { p } = pool();
  for (const w of [undefined, null, 5, {}, { onAlloc() {} }, { onFree() {} }, { onAlloc: 1, onFree() {} }]) {
    p.lastError = 0;
    assert.is(p.watch(w as any), -EINVAL);
    assert.is(p.lastError, -EINVAL);
  }
  assert.match(p.lastErrorText(), /onAlloc and onFree/);
  assert.is(p.counters().watchers, 0);
  assert.is(p.free(p.allocate(32)), 0);
});

both("claims: the region must lie in the port and not overlap another live allocator's; close gives it back", () => {
  const mem = new ArrayMemory(BASE, 1024);
  const p = new Onesize(mem, { base: BASE, size: 512, blockSize: 32 });
  throwsCode(() => new Onesize(mem, { base: BASE + 256, size: 512, blockSize: 32 }), "EBUSY", /0x20000100.*overlaps.*0x20000000/);
  throwsCode(() => new Onesize(mem, { base: BASE + 768, size: 512, blockSize: 32 }), "EINVAL", /not inside the memory port/);
  const q = new Onesize(mem, { base: BASE + 512, size: 512, blockSize: 32 });
  const a = p.allocate(32);
  assert.is(p.close(), -EBUSY);
  assert.is(p.lastError, -EBUSY);
  assert.match(p.lastErrorText(), /1 blocks are still allocated/);
  throwsCode(() => new Onesize(mem, { base: BASE, size: 64, blockSize: 32 }), "EBUSY");
  assert.is(p.free(a), 0);
  assert.is(p.close(), 0);
  const r = new Onesize(mem, { base: BASE, size: 512, blockSize: 64 });
  assert.is(r.allocate(64), BASE);
  assert.is(q.close(), 0);
});

both("the lean class holds the contract's board members and the design's verbs; the add-on brings the rest", () => {
  const lean = [
    "constructor",
    "allocate",
    "free",
    "stats",
    "watch",
    "allocateX",
    "freeAll",
    "releaseRange",
    "reclaimRange",
    "_allocatePort",
    "_allocSlow",
    "_freePort",
    "_freeSlow",
    "_fail",
  ];
  const addOn = [
    "owns",
    "resetPeak",
    "unwatch",
    "close",
    "invariantsHold",
    "validate",
    "iterateOverAllocated",
    "counters",
    "lastErrorText",
  ];
  // on an engine with WebAssembly (Node) the division versions of allocate and free stay reachable for the
  // tests (both() hides them while it runs the division versions)
  const jit = P._allocateDiv ? ["_allocateDiv", "_freeDiv"] : [];
  assert.equal(Object.getOwnPropertyNames(Onesize.prototype).sort(), lean.concat(addOn, jit).sort());
  function Bare() {}
  debugOnesize(Bare);
  assert.equal(
    Object.getOwnPropertyNames(Bare.prototype)
      .filter((k) => k !== "constructor")
      .sort(),
    addOn.slice().sort(),
  );
  const { p } = pool();
  // allocate and free are the instance's first properties (ESPRUINO: found before its fields)
  assert.equal(Object.keys(p).slice(0, 2), ["allocate", "free"]);
  assert.equal(
    Object.keys(p)
      .filter((k) => !k.startsWith("_"))
      .sort(),
    ["allocate", "base", "blockSize", "free", "lastError", "memory", "size"],
  );
});

// ---------------------------------------------------------------- configuration errors

both("constructor: bad configuration throws EINVAL naming the argument", () => {
  const mem = new ArrayMemory(BASE, 256);
  const ok = { base: BASE, size: 256, blockSize: 32 };
  const cases: [any, any, RegExp][] = [
    [null, ok, /memory/],
    [{}, ok, /memory/],
    [
      {
        read32() {
          return 0;
        },
      },
      ok,
      /memory/,
    ],
    [mem, null, /options/],
    [mem, 5, /options/],
    [mem, { ...ok, base: 0 }, /base/],
    [mem, { ...ok, base: -4 }, /base/],
    [mem, { ...ok, base: BASE + 0.5 }, /base/],
    [mem, { ...ok, base: "536870912" }, /base/],
    [mem, { ...ok, base: BASE + 2 }, /base must be a multiple of alignment/],
    [mem, { ...ok, base: BASE + 4, alignment: 8 }, /base must be a multiple/],
    [mem, { ...ok, size: 0 }, /size/],
    [mem, { ...ok, size: -1 }, /size/],
    [mem, { ...ok, size: 1.5 }, /size/],
    [mem, { ...ok, size: undefined }, /size/],
    [mem, { ...ok, size: 16 }, /size must hold at least one block/],
    [mem, { ...ok, base: 0xfffff000, size: 0x2000 }, /size/],
    [mem, { ...ok, blockSize: 0 }, /blockSize/],
    [mem, { ...ok, blockSize: -32 }, /blockSize/],
    [mem, { ...ok, blockSize: 2.5 }, /blockSize/],
    [mem, { ...ok, blockSize: "32" }, /blockSize/],
    [mem, { ...ok, blockSize: undefined }, /blockSize/],
    [mem, { ...ok, alignment: 0 }, /alignment/],
    [mem, { ...ok, alignment: 2 }, /alignment/],
    [mem, { ...ok, alignment: 3 }, /alignment/],
    [mem, { ...ok, alignment: 12 }, /alignment/],
    [mem, { ...ok, alignment: "4" }, /alignment/],
    [mem, { ...ok, enter: 1 }, /enter/],
    [mem, { ...ok, exit: "x" }, /exit/],
    [mem, { ...ok, size: 512 }, /not inside the memory port/],
    [mem, { ...ok, base: BASE - 64 }, /not inside the memory port/],
  ];
  for (const [m, o, re] of cases) throwsCode(() => new Onesize(m, o), "EINVAL", re);
  // none of them left a claim behind
  assert.is(new Onesize(mem, ok).allocate(32), BASE);
});

both("a port's word view carries the links: same addresses as through read32/write32", () => {
  const direct = new ArrayMemory(BASE, 256);
  const viaPort: Memory = Object.create(new ArrayMemory(BASE, 256));
  viaPort.wordView = () => null;
  const p = new Onesize(direct, { base: BASE, size: 256, blockSize: 32 });
  const q = new Onesize(viaPort, { base: BASE, size: 256, blockSize: 32 });
  assert.ok(p._words !== null);
  assert.is(q._words, null);
  const a = [0, 1, 2, 3].map(() => p.allocate(32)),
    b = [0, 1, 2, 3].map(() => q.allocate(32));
  for (const i of [2, 0, 3]) {
    p.free(a[i]);
    q.free(b[i]);
  }
  assert.is(direct.read32(a[0]), viaPort.read32(b[0])); // the link written into the block
  assert.is(direct.read32(a[0]), a[2]);
  assert.equal([p.allocate(32), p.allocate(32), p.allocate(32)], [q.allocate(32), q.allocate(32), q.allocate(32)]);
  assert.is(p.validate(), null);
  // a view of plain numbers (no typed array to share) is not used: the links go through the port
  const plain: Memory = Object.create(new ArrayMemory(BASE, 256));
  plain.wordView = () => ({ words: new Array(64).fill(0), base: BASE });
  const r = new Onesize(plain, { base: BASE, size: 256, blockSize: 32 });
  assert.is(r._words, null);
  const x = r.allocate(32),
    y = r.allocate(32);
  r.free(x);
  r.free(y);
  assert.is(plain.read32(y), x);
  assert.equal([r.allocate(32), r.allocate(32)], [y, x]);
});

both("regression: over an ArrayMemory whose base is not a multiple of 4, free writes the link into its own block", () => {
  // The word view's words start at the memory's base (…02), so they do not line up with 4-aligned blocks.
  const mem = new ArrayMemory(0x20000002, 256);
  const p = new Onesize(mem, { base: 0x20000004, size: 64, blockSize: 16 });
  assert.is(p._words, null);
  const a = p.allocate(16),
    b = p.allocate(16),
    c = p.allocate(16);
  mem.fill(a, 16, 0xaa);
  mem.fill(c, 16, 0xcc);
  assert.is(p.free(b), 0);
  for (let k = 0; k < 16; k++) {
    assert.is(mem.read8(a + k), 0xaa, "a byte " + k);
    assert.is(mem.read8(c + k), 0xcc, "c byte " + k);
  }
  assert.is(mem.read32(b), 0); // the link (end of list) is b's own first word
  assert.is(p.free(c), 0);
  assert.is(mem.read32(c), b);
  for (let k = 0; k < 16; k++) assert.is(mem.read8(a + k), 0xaa);
  assert.is(p.validate(), null);
  assert.equal([p.allocate(16), p.allocate(16), p.allocate(16)], [c, b, 0x20000034]);
  // a view whose base is a multiple of 4 but not of the alignment still lines up
  const m2 = new ArrayMemory(0x20000004, 256);
  const q = new Onesize(m2, { base: 0x20000010, size: 128, blockSize: 16, alignment: 16 });
  assert.ok(q._words !== null);
  const x = q.allocate(16),
    y = q.allocate(16);
  m2.fill(x, 16, 0xaa);
  q.free(y);
  assert.is(m2.read32(y), 0);
  for (let k = 0; k < 16; k++) assert.is(m2.read8(x + k), 0xaa);
});

both("constructor touches no memory", () => {
  let touched = 0;
  const mem = new ArrayMemory(BASE, 256);
  const spy: Memory = Object.create(mem);
  for (const k of ["read8", "read16", "read32", "write8", "write16", "write32", "readBlock", "writeBlock", "fill", "copy"]) {
    (spy as any)[k] = (...args: any[]) => {
      touched++;
      return (mem as any)[k](...args);
    };
  }
  spy.wordView = () => null; // a port that watches every access offers no direct view
  const p = new Onesize(spy, { base: BASE, size: 256, blockSize: 32 });
  for (let i = 0; i < 8; i++) p.allocate(32); // bump: no access either
  assert.is(touched, 0);
  p.free(BASE + 32);
  assert.is(touched, 1); // the link write
});

// ---------------------------------------------------------------- bad inputs at run time

both("allocateX: bad margin gives 0 and -EINVAL, counts as rejected, changes nothing", () => {
  const { p } = pool();
  p.allocate(32);
  const before = snapshot(p);
  let n = 0;
  for (const m of [-1, 0.5, NaN, undefined, null, "1", 0x100000000]) {
    p.lastError = 0;
    assert.is(p.allocateX(8, m as any), 0, "margin " + String(m));
    n++;
    assert.is(p.lastError, -EINVAL);
  }
  assert.match(p.lastErrorText(), /margin must be an integer/);
  assert.is(p.allocateX(33, 0), 0);
  n++;
  assert.is(p.allocateX(0, 99), 0);
  n++; // a bad size is -EINVAL even when the margin is not kept
  assert.is(p.lastError, -EINVAL);
  assert.is(p.counters().rejected, n);
  assert.is(p.counters().failed, 0);
  assert.is(snapshot(p), before);
  assert.is(p.validate(), null);
});

both("free: foreign, misaligned, out-of-range, never-allocated addresses give -EFAULT and change nothing", () => {
  const { p, mem } = pool();
  const a = p.allocate(32),
    b = p.allocate(32);
  p.free(b);
  const before = snapshot(p),
    link = mem.read32(b);
  // BASE + 32 * 2^31 is a whole block index of 2^31 past the pool: Espruino throws on such a typed-array index
  const bad = [
    BASE - 32,
    BASE - 1,
    a + 1,
    a + 4,
    a + 31,
    BASE + 64,
    BASE + 224,
    BASE + 256,
    BASE + 288,
    BASE + 0x40000000,
    0xffffffe0,
    0xffffffff,
    1e12,
    BASE + 32 * 0x80000000,
    BASE + 32 * 0xffffffff,
    BASE - 32 * 0x80000000,
    -BASE,
    a + 0.5,
    NaN,
    Infinity,
    -Infinity,
  ];
  for (const x of bad) {
    p.lastError = 0;
    assert.is(p.free(x), -EFAULT, "address " + x);
    assert.is(p.lastError, -EFAULT);
  }
  assert.is(snapshot(p), before);
  assert.is(mem.read32(b), link);
  assert.is(p.counters().badFrees, bad.length);
  assert.match(p.lastErrorText(), /not a block of the pool \[0x20000000, 0x20000100\)/);
  p.free(BASE + 64);
  assert.match(p.lastErrorText(), /never allocated/);
  assert.is(p.validate(), null);
});

both("free: non-numbers give -EINVAL", () => {
  const { p } = pool();
  const a = p.allocate(32);
  for (const x of [String(a), undefined, null, {}, [a], true, { valueOf: () => a }]) {
    assert.is(p.free(x as any), -EINVAL, "address " + String(x));
    assert.is(p.lastError, -EINVAL);
  }
  assert.match(p.lastErrorText(), /must be a number, got object/);
  assert.is(nfree(p), 7);
  assert.is(p.free(a), 0);
});

both("free: EVERY double free is caught, not only the most recent one (amast catches only the head)", () => {
  const { p } = pool();
  const a = [0, 1, 2, 3, 4].map(() => p.allocate(32));
  for (const x of a) assert.is(p.free(x), 0);
  const before = snapshot(p);
  for (const x of a) assert.is(p.free(x), -EFAULT, "double free of " + x.toString(16));
  assert.is(snapshot(p), before);
  assert.match(p.lastErrorText(), /double free/);
  // after re-allocation the block can be freed again once
  const c = p.allocate(32);
  assert.is(p.free(c), 0);
  assert.is(p.free(c), -EFAULT);
  assert.is(p.validate(), null);
});

both("iterateOverAllocated: address order, ordinal and block size, limit, skips free blocks", () => {
  const { p } = pool();
  const a = [0, 1, 2, 3, 4, 5].map(() => p.allocate(32));
  p.free(a[1]);
  p.free(a[4]);
  p.allocate(32); // takes a[4] back
  const seen: number[][] = [];
  assert.is(
    p.iterateOverAllocated((addr, i, bs) => {
      seen.push([addr, i, bs]);
    }),
    5,
  );
  assert.equal(seen, [
    [a[0], 0, 32],
    [a[2], 1, 32],
    [a[3], 2, 32],
    [a[4], 3, 32],
    [a[5], 4, 32],
  ]);
  const two: number[] = [];
  assert.is(
    p.iterateOverAllocated((addr) => {
      two.push(addr);
    }, 2),
    2,
  );
  assert.equal(two, [a[0], a[2]]);
  assert.is(
    p.iterateOverAllocated(() => {}, 0),
    0,
  );
  assert.is(
    p.iterateOverAllocated(() => {}, -1),
    5,
  );
  assert.is(
    p.iterateOverAllocated(() => {}, 99),
    5,
  );
  // the callback may free the block it is given
  assert.is(
    p.iterateOverAllocated((addr) => {
      assert.is(p.free(addr), 0);
    }),
    5,
  );
  assert.is(nfree(p), 8);
  assert.is(p.validate(), null);
});

both("iterateOverAllocated: bad callback or limit (Infinity included) gives -EINVAL and sets lastError", () => {
  const { p } = pool();
  p.allocate(32);
  for (const cb of [undefined, null, 1, "f", {}]) {
    p.lastError = 0;
    assert.is(p.iterateOverAllocated(cb as any), -EINVAL);
    assert.is(p.lastError, -EINVAL);
  }
  assert.match(p.lastErrorText(), /callback must be a function/);
  let calls = 0;
  for (const l of [1.5, NaN, Infinity, -Infinity, "2", null, {}]) {
    p.lastError = 0;
    assert.is(
      p.iterateOverAllocated(() => {
        calls++;
      }, l as any),
      -EINVAL,
      "limit " + String(l),
    );
    assert.is(p.lastError, -EINVAL);
  }
  assert.is(calls, 0);
  assert.is(
    p.iterateOverAllocated(() => {
      calls++;
    }, Infinity),
    -EINVAL,
  );
  assert.match(p.lastErrorText(), /limit must be an integer, got Infinity/);
});

both("releaseRange / reclaimRange: bad ranges give -EINVAL and change nothing", () => {
  const { p } = pool();
  p.allocate(32);
  const before = snapshot(p);
  const bad: any[][] = [
    [0, 32],
    [-32, 64],
    [BASE + 0.5, 32],
    ["536870912", 32],
    [undefined, 32],
    [BASE, 0],
    [BASE, -32],
    [BASE, 1.5],
    [BASE, "32"],
    [BASE, undefined],
    [0xffffffe0, 64],
    [NaN, 32],
  ];
  for (const [b, s] of bad) {
    p.lastError = 0;
    assert.is(p.releaseRange(b, s), -EINVAL, "release " + b + ", " + s);
    assert.is(p.lastError, -EINVAL);
    p.lastError = 0;
    assert.is(p.reclaimRange(b, s), -EINVAL, "reclaim " + b + ", " + s);
    assert.is(p.lastError, -EINVAL);
  }
  assert.is(snapshot(p), before);
  assert.match(p.lastErrorText(), /range/);
});

both("releaseRange: -EBUSY and no change when a block in the range is allocated; ranges outside release nothing", () => {
  const { p } = pool();
  const a = [0, 1, 2, 3].map(() => p.allocate(32));
  p.free(a[0]);
  p.free(a[2]);
  const before = snapshot(p);
  assert.is(p.releaseRange(BASE + 40, 80), -EBUSY); // blocks 1..3, block 1 and 3 allocated
  assert.match(p.lastErrorText(), /block 0x20000020 is allocated/);
  assert.is(snapshot(p), before);
  assert.is(p.releaseRange(BASE - 4096, 4096), 0);
  assert.is(p.releaseRange(BASE + 256, 4096), 0);
  assert.is(p.reclaimRange(BASE + 256, 4096), 0);
  assert.is(snapshot(p), before);
  assert.is(p.validate(), null);
});

both("releaseRange: a block overlapping the range at all is released; reclaim takes only whole blocks", () => {
  const { p } = pool();
  assert.is(p.releaseRange(BASE + 33, 1), 1); // one byte of block 1
  assert.is(p.releaseRange(BASE + 95, 2), 2); // last byte of block 2, first of block 3
  assert.is(p.counters().released, 3);
  assert.is(p.reclaimRange(BASE + 33, 62), 0); // holds no whole block
  assert.is(p.reclaimRange(BASE + 32, 64), 2); // blocks 1 and 2
  assert.is(p.reclaimRange(BASE, 256), 1); // block 3
  assert.is(nfree(p), 8);
  assert.is(p.validate(), null);
});

both("release and reclaim: free blocks are unlinked and relinked, allocation order of the rest is kept", () => {
  const { p } = pool();
  const a = [0, 1, 2, 3, 4, 5, 6, 7].map(() => p.allocate(32));
  for (const x of [a[0], a[3], a[4], a[1], a[7], a[5]]) p.free(x); // list: 5 7 1 4 3 0
  assert.is(p.releaseRange(a[3], 64), 2); // blocks 3 and 4 off the list
  assert.is(nfree(p), 4);
  assert.is(p.counters().nfreeMin, 0);
  assert.is(p.validate(), null);
  assert.is(p.releaseRange(a[3], 64), 0); // already released
  assert.is(p.free(a[3]), -EFAULT);
  assert.match(p.lastErrorText(), /released/);
  assert.equal([p.allocate(32), p.allocate(32), p.allocate(32), p.allocate(32)], [a[5], a[7], a[1], a[0]]);
  assert.is(p.allocate(32), 0);
  p.free(a[0]);
  assert.is(p.reclaimRange(a[3], 64), 2); // pushed lowest first: 3 4 0
  assert.equal([p.allocate(32), p.allocate(32), p.allocate(32)], [a[3], a[4], a[0]]);
  assert.is(p.validate(), null);
});

both("released never-used blocks are skipped by the bump index and never touched", () => {
  const { p } = pool();
  assert.is(p.releaseRange(BASE + 64, 96), 3); // blocks 2, 3, 4, before any allocation
  const got = [0, 1, 2, 3, 4].map(() => p.allocate(32));
  assert.equal(got, [BASE, BASE + 32, BASE + 160, BASE + 192, BASE + 224]);
  assert.is(p.allocate(32), 0);
  assert.is(p.lastError, -ENOMEM);
  assert.is(p.counters().corruptions, 0);
  assert.is(p.validate(), null);
  assert.is(p.reclaimRange(BASE + 64, 96), 3); // the bump index passed them: onto the list
  assert.equal([p.allocate(32), p.allocate(32), p.allocate(32)], [BASE + 64, BASE + 96, BASE + 128]);
  // released ahead of the bump index and reclaimed before it gets there: Fresh again
  p.freeAll();
  assert.is(p.releaseRange(BASE + 192, 64), 2);
  assert.is(p.reclaimRange(BASE + 192, 64), 2);
  assert.is(p.validate(), null);
  assert.equal(
    [0, 1, 2, 3, 4, 5, 6, 7].map(() => p.allocate(32)),
    [0, 1, 2, 3, 4, 5, 6, 7].map((i) => BASE + 32 * i),
  );
});

both("freeAll keeps released blocks released", () => {
  const { p } = pool();
  p.allocate(32);
  p.releaseRange(BASE + 128, 128);
  p.freeAll();
  assert.is(nfree(p), 4);
  assert.is(p.counters().released, 4);
  assert.equal(
    [0, 1, 2, 3, 4].map(() => p.allocate(32)),
    [BASE, BASE + 32, BASE + 64, BASE + 96, 0],
  );
  assert.is(p.validate(), null);
});

// ---------------------------------------------------------------- critical sections

both("enter/exit are called once each around every mutating call, whatever its outcome", () => {
  const log: string[] = [];
  let depth = 0;
  const { p } = pool({
    enter: () => {
      log.push("enter");
      depth++;
    },
    exit: () => {
      log.push("exit");
      depth--;
    },
  });
  const calls: [string, () => unknown][] = [
    ["allocate", () => p.allocate(32)],
    ["allocate bad", () => p.allocate(99)],
    ["allocate aligned", () => p.allocate(32, 8)],
    ["allocateX", () => p.allocateX(32, 0)],
    ["allocateX margin", () => p.allocateX(32, 100)],
    ["free", () => p.free(BASE)],
    ["free bad", () => p.free(BASE)],
    ["freeAll", () => p.freeAll()],
    ["releaseRange", () => p.releaseRange(BASE, 32)],
    ["releaseRange bad", () => p.releaseRange(0, 0)],
    ["reclaimRange", () => p.reclaimRange(BASE, 32)],
  ];
  for (const [name, fn] of calls) {
    log.length = 0;
    fn();
    assert.equal(log, ["enter", "exit"], name);
    assert.is(depth, 0);
  }
  assert.is(p.allocate(32, 8), BASE); // arguments pass through the lock
  assert.is(p.allocate(32, 64), 0);
  assert.is(p.lastError, -EINVAL);
  log.length = 0;
  const { w } = recorder();
  p.stats();
  p.owns(BASE);
  p.resetPeak();
  p.watch(w);
  p.unwatch(w);
  p.counters();
  p.lastErrorText();
  p.validate();
  p.invariantsHold();
  p.iterateOverAllocated(() => {});
  assert.equal(log, [], "read-only and bookkeeping calls take no critical section");
  assert.is(p.validate(), null);
});

both("only one hook given: the other is a no-op; a pool without hooks has no locked entry points", () => {
  let n = 0;
  const { p } = pool({
    exit: () => {
      n++;
    },
  });
  p.allocate(32);
  p.free(BASE);
  assert.is(n, 2);
  // every pool holds allocate and free itself (the hot methods as its first
  // properties); a pool without hooks holds the prototype's (those of its
  // kind: without a word view, _allocatePort and _freePort), not locked ones
  const plain = pool().p;
  assert.is((plain as any).allocate, portPools ? P._allocatePort : P.allocate);
  assert.is((plain as any).free, portPools ? P._freePort : P.free);
  assert.is.not((p as any).free, P._freePort);
  assert.is.not((plain as any).allocateX, undefined);
  assert.not.ok(Object.hasOwn(plain, "allocateX"));
  assert.ok(Object.hasOwn(p, "allocateX"));
  assert.is.not((p as any).allocate, P.allocate);
});

both(
  "a block size that is not a power of two: the port versions where the engine has shift versions, the word view's as on an interpreter",
  () => {
    const { p } = pool({ blockSize: 24, size: 24 * 6 });
    const shift = !portPools && !!P._allocateDiv;
    // Node outside the division-version runs: the shift versions need a power of two, so no word view
    assert.is(p._words === null, portPools || shift);
    assert.is((p as any).allocate, p._words === null ? P._allocatePort : P.allocate);
    assert.is((p as any).free, p._words === null ? P._freePort : P.free);
    const a = [p.allocate(24), p.allocate(1), p.allocate(20)];
    assert.equal(a, [BASE, BASE + 24, BASE + 48]);
    assert.is(p.free(BASE + 12), -EFAULT);
    assert.is(p.free(a[1]), 0);
    assert.is(p.free(a[1]), -EFAULT);
    assert.is(p.allocate(24), a[1]);
    // a free whose address comes from a Float64Array (a double) leaves the same head
    const held = new Float64Array([a[2]]);
    assert.is(p.free(held[0]), 0);
    assert.is(p._head, a[2]);
    assert.is(p.allocate(24), a[2]);
    assert.equal(p.stats(), { used: 72, free: 72, peak: 72, count: 3, failures: 2 });
    assert.is(p.validate(), null);
    // the same with a power-of-two block size (the shift versions on Node)
    const q = pool().p,
      b = new Float64Array([q.allocate(32), q.allocate(32)]);
    assert.is(q.free(b[0]), 0);
    assert.is(q.free(b[1]), 0);
    assert.is(q._head, BASE + 32);
    assert.is(q.free(b[1]), -EFAULT);
    assert.equal([q.allocate(32), q.allocate(32), q.allocate(32)], [BASE + 32, BASE, BASE + 64]);
    assert.is(q.validate(), null);
  },
);

both("exit is called even when the port faults, and the pool is unchanged", () => {
  let enters = 0,
    exits = 0,
    fault = false;
  const mem = new ArrayMemory(BASE, 256);
  const faulty: Memory = Object.create(mem);
  faulty.read32 = (a: number) => {
    if (fault) throw Object.assign(new Error("bus fault"), { code: "EFAULT" });
    return mem.read32(a);
  };
  faulty.wordView = () => null;
  const p = new Onesize(faulty, {
    base: BASE,
    size: 256,
    blockSize: 32,
    enter: () => {
      enters++;
    },
    exit: () => {
      exits++;
    },
  });
  const a = p.allocate(32);
  p.free(a);
  const before = snapshot(p);
  fault = true;
  throwsCode(() => p.allocate(32), "EFAULT");
  assert.is(enters, 3);
  assert.is(exits, 3);
  assert.is(snapshot(p), before);
  fault = false;
  assert.is(p.allocate(32), a);
  assert.is(p.validate(), null);
});

// ---------------------------------------------------------------- corruption

/** An address as lastErrorText writes it. */
const hex = (a: number) => "0x" + (a >>> 0).toString(16);

test("a pool without a word view: a port that faults in allocate's or free's fast path changes nothing (states, head, counts)", () => {
  let fault = false,
    slow = 0;
  const mem = new ArrayMemory(BASE, 256);
  const port: Memory = Object.create(mem);
  port.read32 = (a: number) => {
    if (fault) throw Object.assign(new Error("bus fault"), { code: "EFAULT" });
    return mem.read32(a);
  };
  port.write32 = (a: number, v: number) => {
    if (fault) throw Object.assign(new Error("bus fault"), { code: "EFAULT" });
    mem.write32(a, v);
  };
  port.wordView = () => null;
  const p = new Onesize(port, { base: BASE, size: 256, blockSize: 32 });
  assert.is((p as any).allocate, P._allocatePort);
  const allocSlow = P._allocSlow,
    freeSlow = P._freeSlow;
  (p as any)._allocSlow = function (this: Onesize, size: number, al?: number) {
    slow++;
    return allocSlow.call(this, size, al);
  };
  (p as any)._freeSlow = function (this: Onesize, a: number) {
    slow++;
    return freeSlow.call(this, a);
  };
  const a = p.allocate(32),
    b = p.allocate(32),
    c = p.allocate(32);
  assert.is(p.free(b), 0);
  assert.is(p.free(a), 0); // list: a b; room left for the fast path
  slow = 0;
  const states = Array.from(p._states);
  const before = snapshot(p);
  const st = JSON.stringify(p.stats());
  fault = true;
  throwsCode(() => p.allocate(32), "EFAULT"); // the link read of the pop
  throwsCode(() => p.free(c), "EFAULT"); // the link write of the free
  assert.is(slow, 0, "both faults came from the fast paths");
  assert.equal(Array.from(p._states), states);
  assert.is(p._head, a);
  assert.is(snapshot(p), before);
  assert.is(JSON.stringify(p.stats()), st);
  assert.is(p.lastError, 0);
  assert.ok(p.invariantsHold());
  fault = false;
  assert.is(p.validate(), null);
  assert.equal([p.allocate(32), p.allocate(32)], [a, b]); // the pops, now through the fast path
  assert.is(p.free(c), 0);
  assert.is(slow, 0);
  assert.is(p.validate(), null);
  // a watcher sends every call to the slow paths, where a fault changes nothing either
  const { w, log } = recorder(p);
  p.watch(w);
  const before2 = snapshot(p);
  fault = true;
  throwsCode(() => p.allocate(32), "EFAULT");
  throwsCode(() => p.free(a), "EFAULT");
  assert.is(slow, 2);
  assert.is(snapshot(p), before2);
  assert.equal(log, []);
  fault = false;
  assert.is(p.allocate(32), c);
  assert.is(p.free(a), 0);
  assert.equal(log, [
    ["alloc", c, 32],
    ["free", a, 32],
  ]);
  assert.is(p.validate(), null);
});

function corruptCase(bad: (p: Onesize, a: number[]) => number) {
  const { p, mem } = pool();
  const a = [0, 1, 2, 3, 4, 5].map(() => p.allocate(32));
  p.free(a[1]);
  p.free(a[3]);
  p.free(a[5]); // list: 5 3 1
  mem.write32(a[5], bad(p, a)); // corrupt the head's link through the port
  return { p, a, mem };
}

// A pop checks the head (a block of the pool in state Free) and takes its
// link unchecked: the allocation that reads a corrupt link succeeds (its
// block was a good free block), and the next one finds the bad head and
// fails, before the bad address is handed out.
both(
  "corrupt link: out of range, misaligned, foreign, to an allocated block or to itself: the next allocation gives 0, -EFAULT and a diagnostic",
  () => {
    const links: [string, (p: Onesize, a: number[]) => number][] = [
      ["outside the pool", () => BASE + 4096],
      ["below the pool", () => BASE - 32],
      ["misaligned", (_p, a) => a[3] + 4],
      ["to an allocated block", (_p, a) => a[2]],
      ["to a never-used block", () => BASE + 224],
      ["all ones", () => 0xffffffff],
      ["to itself", (_p, a) => a[5]],
      ["far above (index >= 2^31)", () => 0xfffffff0],
    ];
    for (const [name, link] of links) {
      const { p, a } = corruptCase(link);
      assert.is(p.allocate(32), a[5], name + ": the head's own block is good"); // its link becomes the head
      const before = snapshot(p);
      assert.is(p.allocate(32), 0, name);
      assert.is(p.lastError, -EFAULT, name);
      assert.is(p.allocate(32), 0, name + " (again)");
      assert.is(p.counters().corruptions, 2, name);
      assert.match(p.lastErrorText(), /free list corrupt/);
      assert.match(p.lastErrorText(), new RegExp("head " + hex(link(p, a))));
      assert.is(snapshot(p), before, name);
      assert.ok(p.invariantsHold(), name);
      assert.match(p.validate() || "", /free list corrupt: its head/);
      assert.is(p.releaseRange(a[1], 32), -EFAULT, name);
      assert.match(p.lastErrorText(), /releaseRange: free list corrupt: its head/);
      assert.is(snapshot(p), before, name);
      assert.is(p.free(a[5]), 0, name + ": a good block freed on top"); // the bad head now is its link
      assert.is(p.allocate(32), a[5], name);
      assert.is(p.allocate(32), 0, name);
      p.freeAll(); // recovers
      assert.is(p.validate(), null);
      assert.is(p.allocate(32), BASE);
    }
  },
);

both("regression: a free block whose link points to itself is never handed out twice", () => {
  // Direct repro: the head block's link set to its own address, then allocate twice.
  const { p, mem } = pool();
  const a = p.allocate(32),
    b = p.allocate(32);
  p.free(a);
  p.free(b); // list: b a
  mem.write32(b, b);
  const got = [p.allocate(32), p.allocate(32), p.allocate(32)];
  assert.equal(got, [b, 0, 0]); // b once; its link (b, now allocated) is refused as the head
  assert.is(p.counters().corruptions, 2);
  assert.is(p.lastError, -EFAULT);
  assert.match(p.lastErrorText(), /its head 0x20000020 .* is not a free block of the pool \(it is allocated\)/);
  assert.is(p.stats().count, 1);
  assert.ok(p.invariantsHold());
  // the caller zeroing what it was given (a zero link ends the list) cannot bring the block out a second time
  const q = pool();
  const x = q.p.allocate(32);
  q.p.free(x);
  q.mem.write32(x, x);
  assert.is(q.p.allocate(32), x); // x was free: handed out once; the head is its link, x itself
  q.mem.write32(x, 0); // the caller zeroing its block does not change the head
  for (let k = 0; k < 10; k++) {
    const y = q.p.allocate(32);
    assert.is(y, 0);
    assert.is(q.p.lastError, -EFAULT);
  }
  assert.ok(q.p.invariantsHold());
  assert.is(q.p.stats().count, 1);
  assert.match(q.p.validate() || "", /its head 0x20000000/);
  q.p.freeAll(); // recovers
  assert.is(q.p.allocate(32), BASE);
});

both("regression: cycles A->B->A and A->B->C->A hand out each block at most once", () => {
  for (const len of [2, 3, 5]) {
    const { p, mem } = pool();
    const a = [0, 1, 2, 3, 4].map(() => p.allocate(32));
    for (let k = len - 1; k >= 0; k--) p.free(a[k]); // list: a0 a1 … a(len-1)
    mem.write32(a[len - 1], a[0]); // close the cycle back to the head
    assert.match(p.validate() || "", /cycle/);
    const seen = new Set<number>();
    let x;
    while ((x = p.allocate(32)) !== 0) {
      assert.not.ok(seen.has(x), "cycle of " + len + ": handed out twice: " + x.toString(16));
      seen.add(x);
      mem.fill(x, 32, 0xee); // the caller uses it
    }
    assert.is(seen.size, len); // each block of the cycle once: the link that closes it names an allocated block
    assert.is(p.lastError, -EFAULT);
    assert.is(p.counters().corruptions, 1);
    assert.ok(p.invariantsHold());
  }
});

both("corrupt link: a list cut short is found when the blocks counted free run out", () => {
  const { p, a } = corruptCase(() => 0); // list: 5, then nothing; 3 and 1 lost
  const got: number[] = [];
  for (let x; (x = p.allocate(32)) !== 0; ) got.push(x);
  assert.equal(got, [a[5], BASE + 192, BASE + 224]); // the head, then the never-used blocks
  assert.is(p.lastError, -EFAULT);
  assert.is(p.counters().corruptions, 1);
  assert.match(p.lastErrorText(), /ended with 2 blocks/);
  assert.match(p.validate() || "", /list holds 0 blocks, 2 are marked free/);
});

both("corrupt link: releaseRange walks the list first; a cycle or a bad link gives -EFAULT and changes nothing", () => {
  const { p, mem, a } = corruptCase((_p, a) => a[3]);
  mem.write32(a[1], a[5]); // 5 -> 3 -> 1 -> 5
  const before = snapshot(p);
  assert.is(p.releaseRange(a[3], 32), -EFAULT);
  assert.match(p.lastErrorText(), /more than 3 links \(a cycle/);
  assert.is(snapshot(p), before);
  mem.write32(a[1], a[2]); // 1 -> an allocated block
  assert.is(p.releaseRange(a[3], 32), -EFAULT);
  assert.match(p.lastErrorText(), /block 0x20000020 links to 0x20000040/);
  assert.is(snapshot(p), before);
  assert.is(p.counters().corruptions, 2);
});

both("invariantsHold is cheap and true through normal use", () => {
  const { p } = pool();
  assert.ok(p.invariantsHold());
  const a = p.allocate(32);
  p.free(a);
  p.releaseRange(BASE + 128, 32);
  assert.ok(p.invariantsHold());
  p._room -= 99; // 99 more blocks counted as handed out
  assert.not.ok(p.invariantsHold());
  assert.match(p.validate() || "", /invariants do not hold/);
  p._room += 99;
  assert.ok(p.invariantsHold());
  p._okSize = 33; // a size the pool must refuse, cached as good
  assert.not.ok(p.invariantsHold());
});

both("validate names a state byte out of place", () => {
  const { p } = pool();
  p.allocate(32);
  p.allocate(32);
  p._states[5] = 1; // "allocated" above the bump index
  assert.match(p.validate() || "", /allocated count is 2 but 3/);
  p._states[5] = 7;
  assert.match(p.validate() || "", /has state 7/);
  p._states[5] = 0;
  p._states[1] = 0;
  assert.match(p.validate() || "", /never-used but below the bump index/);
});

both("a pool in the middle of a larger memory leaves the memory around it alone", () => {
  const mem = new ArrayMemory(BASE, 1024);
  mem.fill(BASE, 1024, 0xee);
  const p = new Onesize(mem, { base: BASE + 256, size: 512, blockSize: 64, alignment: 64 });
  const a: number[] = [];
  for (let x; (x = p.allocate(64)) !== 0; ) a.push(x);
  assert.is(a.length, 8);
  for (const x of a) p.free(x);
  for (let i = 0; i < 256; i++) {
    assert.is(mem.read8(BASE + i), 0xee);
    assert.is(mem.read8(BASE + 768 + i), 0xee);
  }
  assert.is(p.validate(), null);
});

both("addresses at and above 2^31 work (unsigned links)", () => {
  const mem = new ArrayMemory(0xfffff000, 0x1000);
  const p = new Onesize(mem, { base: 0xfffff000, size: 0x1000, blockSize: 64 });
  const a = [0, 1, 2].map(() => p.allocate(64));
  assert.equal(a, [0xfffff000, 0xfffff040, 0xfffff080]);
  p.free(a[0]);
  p.free(a[2]);
  assert.equal([p.allocate(64), p.allocate(64)], [a[2], a[0]]);
  assert.is(p.free(0xffffffc0), -EFAULT);
  assert.is(p.validate(), null);
  assert.is(p.counters().alignment, 64);
});

test.run();

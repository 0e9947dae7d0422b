// The allocator contract (src/alloc/api.ts), one suite run over every
// allocator through a factory: MemBlocks, Onesize, GranularHeap and
// MemoryManager. Each rule of api.ts has its test here; the design's own
// verbs are tested with the allocator, except that whatever they allocate or
// free must reach the watchers and the statistics, which is checked here too.
// The same rules run on every engine in test/conformance/parts/05-contract.js.
import "../src/debug/host.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { existsSync, readFileSync } from "node:fs";
import { ArrayMemory } from "../src/hal/array-memory.js";
import { rangeText } from "../src/hal/claims.js";
import { MemBlocks } from "../src/alloc/mem-blocks.js";
import { Onesize } from "../src/alloc/onesize.js";
import { GranularHeap } from "../src/alloc/granular-heap.js";
import { MemoryManager } from "../src/alloc/memory-manager.js";
import { EINVAL, ENOMEM, EFAULT, EBUSY, ENOENT } from "../src/core/errors.js";
import type { Memory } from "../src/hal/ports.js";
import type { AllocStats, Watcher } from "../src/alloc/api.js";

const MEM_BASE = 0x20000000,
  MEM_SIZE = 0x8000;
/** The region every test manages: 4 KiB, 4 KiB into an 32 KiB memory. */
const BASE = 0x20001000,
  SIZE = 0x1000;

/** What the suite knows of an allocator beyond the contract. */
interface Subject {
  name: string;
  /** The allocator over [base, base + size) of `mem`, default options. */
  make(mem: Memory, base: number, size: number): any;
  /** A fixed-block allocator: every allocation is one block; larger requests are EINVAL. */
  fixed: boolean;
  /** Whether `hint` steers placement (Onesize's LIFO order ignores it). */
  hint: boolean;
  /**
   * The design's own allocating and freeing verbs, run on a fresh allocator
   * (with watchers attached), each step returning nothing: the suite checks
   * after every step that the watchers saw what the statistics say.
   */
  extras(a: any, step: (what: string) => void): void;
}

let sharedNames = 0;

const SUBJECTS: Subject[] = [
  {
    name: "MemBlocks",
    make: (mem, base, size) => new MemBlocks(mem, { base, size, blockSize: 32 }),
    fixed: true,
    hint: true,
    extras(a, step) {
      const b = a.allocBlock();
      step("allocBlock");
      assert.is(a.freeBlock(b), 0);
      step("freeBlock");
      const out: number[] = [];
      assert.is(a.allocBlocks(3, out), 0);
      step("allocBlocks(3)");
      assert.is(a.freeBlocks(3, out), 0);
      step("freeBlocks(3)");
      const c = a.allocContiguous(4);
      step("allocContiguous(4)");
      assert.ok(c > 0);
      assert.is(a.freeContiguous(c, 4), 0);
      step("freeContiguous(4)");
      assert.is(a.get(a.base + 8 * a.blockSize, 2), 0);
      step("get(2)");
      assert.is(a.free(a.base + 9 * a.blockSize), 0);
      step("free of the second block taken by get");
      assert.is(a.freeContiguous(a.base + 8 * a.blockSize, 1), 0);
      step("freeContiguous of the first");
    },
  },
  {
    name: "Onesize",
    make: (mem, base, size) => new Onesize(mem, { base, size, blockSize: 32 }),
    fixed: true,
    hint: false,
    extras(a, step) {
      const x = a.allocateX(16, 0);
      step("allocateX");
      assert.ok(x > 0);
      a.allocate(8);
      step("allocate");
      a.allocate(8);
      step("allocate");
      assert.is(a.free(x), 0);
      step("free");
      a.freeAll();
      step("freeAll");
      assert.is(a.stats().count, 0);
    },
  },
  {
    name: "GranularHeap",
    make: (mem, base, size) => new GranularHeap(mem, { base, size }),
    fixed: false,
    hint: true,
    extras(a, step) {
      const x = a.allocate(40);
      step("allocate(40)");
      assert.is(a.free(x, 40), 0);
      step("free(address, size)");
    },
  },
  {
    name: "MemoryManager",
    make: (mem, base, size) => new MemoryManager(mem, { base, size }),
    fixed: false,
    hint: true,
    extras(a, step) {
      // a second manager with a shared region: allocateShared, its spill to normal memory, deallocate
      const m = new MemoryManager(a.memory, {
        base: MEM_BASE + 0x4000,
        size: 0x1000,
        shared: { base: MEM_BASE + 0x6000, size: 0x100, name: "contract-" + ++sharedNames },
      } as any);
      const seen = ledger(m);
      const s = m.allocateShared(64);
      seen.check("allocateShared");
      const spill = m.allocateShared(0x200);
      seen.check("allocateShared spilling to normal memory");
      assert.ok(s > 0 && spill > 0);
      assert.is(m.deallocate(s, 64), 0);
      seen.check("deallocate shared");
      assert.is(m.deallocate(spill, 0x200), 0);
      seen.check("deallocate spilled");
      const n = a.allocate(100);
      step("allocate(100)");
      assert.is(a.deallocate(n, 100), 0);
      step("deallocate(100)");
      assert.is(m.close(), 0);
    },
  },
];

// ---------------------------------------------------------------- helpers

const fresh = (s: Subject) => {
  const mem = new ArrayMemory(MEM_BASE, MEM_SIZE);
  return { mem, a: s.make(mem, BASE, SIZE) };
};

/** The bytes an allocation of `n` is charged. */
const charged = (a: any, s: Subject, n: number) => (s.fixed ? a.blockSize : Math.ceil(n / a.blockSize) * a.blockSize);

const statsOf = (a: any): AllocStats => ({ ...a.stats() });

/** The error `fn` throws (fails when nothing is thrown). */
function thrown(fn: () => unknown): any {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.unreachable("expected a throw");
}

/**
 * A watcher that keeps a ledger of what it saw, and `check(what)`: the
 * ledger agrees with the allocator's statistics (bytes in use, live count;
 * `fixed`: count in blocks) and validate() is null.
 */
function ledger(a: any, fixed = false) {
  // live allocations as the watcher saw them; a block allocator's runs are kept block by block
  const live = new Map<number, number>();
  const events: [string, number, number][] = [];
  const units = (address: number, bytes: number): [number, number][] => {
    if (!fixed) return [[address, bytes]];
    const out: [number, number][] = [];
    for (let o = 0; o < bytes; o += a.blockSize) out.push([address + o, a.blockSize]);
    return out;
  };
  const w: Watcher = {
    onAlloc(address, bytes, allocator) {
      assert.is(allocator === a, true, "onAlloc's third argument is the allocator watched");
      for (const [p, b] of units(address, bytes)) {
        assert.ok(!live.has(p), "onAlloc of a live address 0x" + p.toString(16));
        live.set(p, b);
      }
      events.push(["alloc", address, bytes]);
    },
    onFree(address, bytes, allocator) {
      assert.is(allocator === a, true, "onFree's third argument is the allocator watched");
      for (const [p, b] of units(address, bytes)) {
        assert.is(live.get(p), b, "onFree of 0x" + p.toString(16) + ": bytes as charged at onAlloc");
        live.delete(p);
      }
      events.push(["free", address, bytes]);
    },
  };
  assert.is(a.watch(w), 0);
  return {
    w,
    live,
    events,
    check(what: string) {
      const st = a.stats();
      let used = 0;
      for (const b of live.values()) used += b;
      assert.is(st.used, used, what + ": stats.used against the watcher's ledger");
      assert.is(st.count, live.size, what + ": stats.count (blocks for a block allocator) against the watcher's ledger");
      assert.is(a.validate(), null, what + ": validate()");
    },
  };
}

/** Allocate until 0; returns the addresses. */
function drain(a: any, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < 100000; i++) {
    const p = a.allocate(n);
    if (p === 0) return out;
    out.push(p);
  }
  throw new Error("allocate never returned 0");
}

// ---------------------------------------------------------------- the suite

for (const s of SUBJECTS) {
  const t = (name: string, fn: () => void) => test(s.name + ": " + name, fn);

  t("construction: memory, base, size, blockSize and lastError; empty statistics", () => {
    const { mem, a } = fresh(s);
    assert.is(a.memory, mem);
    assert.is(a.base, BASE);
    assert.is(a.size, SIZE);
    assert.ok(a.blockSize > 0 && (a.blockSize & (a.blockSize - 1)) === 0, "blockSize is a power of two, got " + a.blockSize);
    assert.is(a.lastError, 0);
    assert.equal(statsOf(a), { used: 0, free: SIZE, peak: 0, count: 0, failures: 0 });
    assert.is(a.invariantsHold(), true);
    assert.is(a.validate(), null);
  });

  t("construction: a bad memory, options, base or size throws EINVAL naming it", () => {
    const mem = new ArrayMemory(MEM_BASE, MEM_SIZE);
    for (const bad of [null, {}, 7]) {
      if (s.name === "MemoryManager" && bad === null) continue; // a manager without memory is allowed (initNormal later)
      const e = thrown(() => s.make(bad as any, BASE, SIZE));
      assert.is(e.code, "EINVAL", "memory " + JSON.stringify(bad) + ": " + e.message);
      assert.match(e.message, /memory/);
    }
    for (const base of [0, -32, 1.5, NaN, "0x20001000", undefined]) {
      const e = thrown(() => s.make(mem, base as any, SIZE));
      assert.is(e.code, "EINVAL", "base " + String(base) + ": " + e.message);
      assert.match(e.message, /base/, "base " + String(base));
    }
    for (const size of [0, -SIZE, 0.5, NaN, "4096", undefined]) {
      const e = thrown(() => s.make(mem, BASE, size as any));
      assert.is(e.code, "EINVAL", "size " + String(size) + ": " + e.message);
      assert.match(e.message, /size/, "size " + String(size));
    }
    // nothing was claimed by the refused constructions
    const a = s.make(mem, BASE, SIZE);
    assert.is(a.size, SIZE);
  });

  t("claims: a region outside the memory port is EINVAL naming both ranges", () => {
    const mem = new ArrayMemory(MEM_BASE, MEM_SIZE);
    const e = thrown(() => s.make(mem, MEM_BASE + MEM_SIZE - 0x800, SIZE));
    assert.is(e.code, "EINVAL", e.message);
    assert.ok(e.message.includes(rangeText(MEM_BASE + MEM_SIZE - 0x800, MEM_BASE + MEM_SIZE + 0x800)), e.message);
    assert.ok(e.message.includes(rangeText(MEM_BASE, MEM_BASE + MEM_SIZE)), e.message);
  });

  t("claims: overlapping a live allocator of the same port (any kind) is EBUSY naming both ranges; close() gives the region back", () => {
    for (const other of SUBJECTS) {
      const mem = new ArrayMemory(MEM_BASE, MEM_SIZE);
      const first = other.make(mem, BASE, SIZE);
      const e = thrown(() => s.make(mem, BASE + 0x800, SIZE));
      assert.is(e.code, "EBUSY", "over a " + other.name + ": " + e.message);
      assert.ok(e.message.includes(rangeText(BASE + 0x800, BASE + 0x800 + SIZE)), e.message);
      assert.ok(e.message.includes(rangeText(BASE, BASE + SIZE)), e.message);
      const below = s.make(mem, BASE - SIZE, SIZE); // adjacent is fine
      assert.is(below.base, BASE - SIZE);
      const elsewhere = s.make(new ArrayMemory(MEM_BASE, MEM_SIZE), BASE, SIZE); // another port is another memory
      assert.is(elsewhere.base, BASE);
      assert.is(first.close(), 0);
      assert.is(s.make(mem, BASE + 0x800, SIZE).base, BASE + 0x800, "after close() the region can be claimed again");
    }
  });

  t("close(): -EBUSY while allocations are live (lastError set, nothing else changes), then 0", () => {
    const { mem, a } = fresh(s);
    const p = a.allocate(8);
    assert.ok(p > 0);
    const before = statsOf(a);
    assert.is(a.close(), -EBUSY);
    assert.is(a.lastError, -EBUSY);
    assert.equal(statsOf(a), before, "statistics (failures count allocate and free only)");
    assert.is(thrown(() => s.make(mem, BASE, SIZE)).code, "EBUSY", "the region is still claimed");
    assert.is(a.free(p), 0);
    assert.is(a.close(), 0);
    assert.is(s.make(mem, BASE, SIZE).base, BASE);
  });

  t("allocate: an address inside the region, aligned to blockSize, charged whole units", () => {
    const { a } = fresh(s);
    for (const n of [1, a.blockSize - 1, a.blockSize]) {
      const before = a.stats().used;
      const p = a.allocate(n);
      assert.ok(p >= BASE && p < BASE + SIZE, s.name + ".allocate(" + n + ") = 0x" + p.toString(16));
      assert.is((p - BASE) % a.blockSize, 0, "aligned to blockSize");
      assert.ok(a.owns(p));
      assert.is(a.stats().used - before, charged(a, s, n));
    }
    assert.is(a.stats().count, 3);
    assert.is(a.lastError, 0);
    assert.is(a.validate(), null);
  });

  t("allocate: argument order (size, alignment, hint)", () => {
    const { a } = fresh(s);
    const p = a.allocate(1, a.blockSize);
    assert.ok(p > 0);
    assert.is(a.stats().used, charged(a, s, 1), "size is the first argument");
    if (!s.fixed) {
      const q = a.allocate(a.blockSize, 4 * a.blockSize);
      assert.is((q - BASE) % (4 * a.blockSize), 0, "alignment is the second argument");
    }
    if (s.hint) {
      const h = BASE + SIZE / 2;
      const r = a.allocate(1, undefined, h);
      assert.ok(r >= h, "hint is the third argument: first fit at or above it, got 0x" + r.toString(16));
      const r2 = a.allocate(1, a.blockSize, h);
      assert.ok(r2 >= h, "an alignment with a hint");
      assert.ok(
        a.allocate(1, undefined, 0) > 0 && a.allocate(1, undefined, null) > 0 && a.allocate(1, undefined, undefined) > 0,
        "0, null and undefined mean no hint",
      );
      // above the last free unit: falls back to the allocator's own placement
      const full = drain(a, 1);
      assert.ok(full.length > 0);
      assert.is(a.free(full[0]), 0);
      assert.is(a.allocate(1, undefined, BASE + SIZE - 1), full[0], "no fit at or above the hint: the allocator's own placement");
    }
  });

  t("allocate: a bad request is 0 with lastError -EINVAL, counted, and changes nothing else", () => {
    const { a } = fresh(s);
    const keep = a.allocate(1);
    const bad: [string, () => number][] = [
      ["size 0", () => a.allocate(0)],
      ["size -1", () => a.allocate(-1)],
      ["size 1.5", () => a.allocate(1.5)],
      ["size NaN", () => a.allocate(NaN)],
      ['size "8"', () => a.allocate("8" as any)],
      ["size undefined", () => (a as any).allocate()],
      ["size 2^32", () => a.allocate(0x100000000)],
      ["alignment 0", () => a.allocate(8, 0)],
      ["alignment 3", () => a.allocate(8, 3)],
      ["alignment -4", () => a.allocate(8, -4)],
      ["alignment 1.5", () => a.allocate(8, 1.5)],
      ['alignment "8"', () => a.allocate(8, "8" as any)],
      ["alignment with no aligned address in the region", () => a.allocate(8, 0x40000000)],
    ];
    if (s.fixed) bad.push(["size larger than a block", () => a.allocate(a.blockSize + 1)]);
    if (s.hint)
      bad.push(
        ['hint "x"', () => a.allocate(8, undefined, "x" as any)],
        ["hint -4", () => a.allocate(8, undefined, -4)],
        ["hint 1.5", () => a.allocate(8, undefined, BASE + 1.5)],
      );
    let failures = 0;
    for (const [what, call] of bad) {
      const before = statsOf(a);
      a.lastError = 0;
      assert.is(call(), 0, what);
      assert.is(a.lastError, -EINVAL, what + ": lastError");
      failures++;
      assert.equal(statsOf(a), { ...before, failures: before.failures + 1 }, what + ": only the failure count changed");
    }
    assert.is(a.stats().failures, failures);
    assert.is(a.validate(), null);
    assert.is(a.free(keep), 0);
  });

  t("allocate: no room is 0 with lastError -ENOMEM; success leaves lastError alone", () => {
    const { a } = fresh(s);
    const all = drain(a, 1);
    assert.is(a.lastError, -ENOMEM);
    assert.is(a.stats().failures, 1);
    if (s.fixed) assert.is(all.length, SIZE / a.blockSize);
    assert.is(a.stats().free, SIZE - a.stats().used);
    assert.is(a.allocate(1), 0);
    assert.is(a.stats().failures, 2);
    assert.is(a.free(all[3]), 0);
    assert.is(a.lastError, -ENOMEM, "a successful free leaves lastError");
    assert.ok(a.allocate(1) > 0);
    assert.is(a.lastError, -ENOMEM, "a successful allocate leaves lastError");
    if (!s.fixed) {
      const { a: b } = fresh(s);
      assert.is(b.allocate(SIZE + 1), 0, "larger than the whole heap");
      assert.ok(b.lastError === -ENOMEM || b.lastError === -EINVAL, "lastError " + b.lastError);
    }
  });

  t("free: 0 for a live allocation; free(0) is a no-op returning 0", () => {
    const { a } = fresh(s);
    const p = a.allocate(10);
    const before = statsOf(a);
    a.lastError = -12345;
    assert.is(a.free(0), 0);
    assert.equal(statsOf(a), before, "free(0) changes nothing");
    assert.is(a.lastError, -12345, "free(0) leaves lastError");
    assert.is(a.free(p), 0);
    assert.equal(statsOf(a), { ...before, used: 0, free: SIZE, count: 0 });
    assert.is(a.free(a.allocate(3)), 0, "free(allocate(n)) is safe");
  });

  t("free: foreign, interior and double frees are -EFAULT; a non-number is -EINVAL; nothing changes but lastError and failures", () => {
    const { a } = fresh(s);
    const p = a.allocate(2 * a.blockSize > SIZE ? 1 : s.fixed ? 1 : 2 * a.blockSize);
    const q = a.allocate(1);
    assert.is(a.free(q), 0);
    const cases: [string, unknown, number][] = [
      ["below the region", BASE - a.blockSize, -EFAULT],
      ["above the region", BASE + SIZE, -EFAULT],
      ["far away", 0x10000000, -EFAULT],
      ["interior (+1)", p + 1, -EFAULT],
      ["a free unit", BASE + SIZE - a.blockSize, -EFAULT],
      ["a double free", q, -EFAULT],
      ["a fraction", p + 0.5, -EFAULT],
      ["a string", "0x20001000", -EINVAL],
      ["an object", {}, -EINVAL],
      ["undefined", undefined, -EINVAL],
    ];
    if (!s.fixed) cases.push(["interior (+blockSize)", p + a.blockSize, -EFAULT]);
    for (const [what, addr, code] of cases) {
      const before = statsOf(a);
      assert.is(a.free(addr as any), code, what);
      assert.is(a.lastError, code, what + ": lastError");
      assert.equal(statsOf(a), { ...before, failures: before.failures + 1 }, what + ": only the failure count changed");
      assert.is(a.validate(), null, what);
    }
    assert.is(a.free(p), 0, "the live allocation is still live");
  });

  t("stats(out): one shape, written into out; peak, and resetPeak()", () => {
    const { a } = fresh(s);
    const out = { used: -1, free: -1, peak: -1, count: -1, failures: -1 };
    assert.is(a.stats(out), out, "stats(out) returns out");
    assert.equal(Object.keys(a.stats()).sort(), ["count", "failures", "free", "peak", "used"]);
    const ps = [a.allocate(1), a.allocate(1), a.allocate(1)];
    const unit = charged(a, s, 1);
    assert.is(a.stats().peak, 3 * unit);
    a.free(ps[0]);
    a.free(ps[1]);
    a.allocate(0);
    assert.equal(statsOf(a), { used: unit, free: SIZE - unit, peak: 3 * unit, count: 1, failures: 1 });
    a.resetPeak();
    assert.equal(statsOf(a), { used: unit, free: SIZE - unit, peak: unit, count: 1, failures: 0 });
    assert.is(a.lastError, -EINVAL, "resetPeak leaves lastError");
    a.stats(out);
    assert.equal(out, { used: unit, free: SIZE - unit, peak: unit, count: 1, failures: 0 });
  });

  t("owns: inside [base, base + size), whether allocated or not", () => {
    const { a } = fresh(s);
    assert.equal(
      [BASE, BASE + 1, BASE + SIZE - 1].map((x) => a.owns(x)),
      [true, true, true],
    );
    assert.equal(
      [BASE - 1, BASE + SIZE, 0, NaN, undefined, "0x20001000", -BASE].map((x) => a.owns(x as any)),
      [false, false, false, false, false, false, false],
    );
  });

  t("watch: watchers see every allocation and free with the bytes charged, from every verb; unwatch", () => {
    const { a } = fresh(s);
    const seen = ledger(a, s.fixed);
    const second: string[] = [];
    const w2: Watcher = { onAlloc: (p, b) => second.push("+" + p + ":" + b), onFree: (p, b) => second.push("-" + p + ":" + b) };
    assert.is(a.watch(w2), 0);
    const p = a.allocate(5);
    seen.check("allocate");
    assert.equal(seen.events[0], ["alloc", p, charged(a, s, 5)]);
    a.allocate(0);
    a.free(p + 1);
    a.free(0);
    seen.check("failed calls and free(0) are not seen");
    assert.is(seen.events.length, 1);
    assert.is(a.free(p), 0);
    seen.check("free");
    assert.equal(second, ["+" + p + ":" + charged(a, s, 5), "-" + p + ":" + charged(a, s, 5)], "a second watcher sees the same");
    s.extras(a, (what) => seen.check(what));
    assert.is(a.unwatch(w2), 0);
    assert.is(a.unwatch(w2), -ENOENT);
    const n = second.length;
    const q = a.allocate(1);
    seen.check("after unwatch of the second");
    assert.is(second.length, n, "an unwatched watcher sees nothing");
    assert.is(a.unwatch(seen.w), 0);
    a.free(q);
    assert.ok(seen.live.has(q), "the first watcher no longer sees frees");
  });

  t("watch: a watcher without onAlloc/onFree functions is -EINVAL (lastError set), and is not added", () => {
    const { a } = fresh(s);
    for (const bad of [null, undefined, {}, { onAlloc() {} }, { onFree() {} }, { onAlloc: 1, onFree: 2 }, 5]) {
      a.lastError = 0;
      assert.is(a.watch(bad as any), -EINVAL, JSON.stringify(bad));
      assert.is(a.lastError, -EINVAL);
    }
    assert.ok(a.allocate(1) > 0, "no bad watcher was called");
  });

  t("model: random allocate/free sequences agree with a ledger; live allocations never overlap; validate() after every step", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant("alloc" as const), n: fc.integer({ min: 1, max: 3 * 32 }), hinted: fc.boolean() }),
            fc.record({ op: fc.constant("free" as const), i: fc.nat(), lifo: fc.boolean() }),
          ),
          { maxLength: 60 },
        ),
        (ops) => {
          const { a } = fresh(s);
          const seen = ledger(a, s.fixed);
          const live: [number, number][] = [];
          let fails = 0;
          for (const op of ops) {
            if (op.op === "alloc") {
              const n = s.fixed ? Math.min(op.n, a.blockSize) : op.n;
              const p = op.hinted ? a.allocate(n, undefined, BASE + (op.n % 8) * (SIZE / 8)) : a.allocate(n);
              if (p === 0) {
                fails++;
                assert.is(a.lastError, -ENOMEM);
                continue;
              }
              const bytes = charged(a, s, n);
              for (const [q, b] of live) assert.ok(p + bytes <= q || q + b <= p, "overlap");
              assert.ok(p >= BASE && p + bytes <= BASE + SIZE);
              a.memory.fill(p, n, live.length & 0xff);
              live.push([p, bytes]);
            } else if (live.length) {
              const k = op.lifo ? live.length - 1 : op.i % live.length;
              const [p] = live.splice(k, 1)[0];
              assert.is(a.free(p), 0);
            }
            seen.check("step");
          }
          assert.is(a.stats().failures, fails);
        },
      ),
      { numRuns: 60 },
    );
  });
}

test("the lean members are the classes' own (in the board bundle without the add-on); the add-on brings the rest", () => {
  const file = "dist/ramkit.js",
    addon = "dist/ramkit-debug.js";
  if (!existsSync(file) || !existsSync(addon)) {
    console.log("  (skipped: " + file + " or " + addon + " is absent; run `npm run build`)");
    return;
  }
  const load = (f: string, rk?: any) => {
    const module = { exports: {} as any };
    new Function("module", "exports", "require", readFileSync(f, "utf8"))(module, module.exports, () => rk);
    return module.exports;
  };
  const rk = load(file);
  const missing: string[] = [];
  // src/alloc/api.ts, "Lean board bundles and the debug add-on"
  for (const s of SUBJECTS)
    for (const m of ["allocate", "free", "stats", "watch"])
      if (typeof rk[s.name].prototype[m] !== "function") missing.push(s.name + "." + m);
  assert.equal(missing, [], "lean members missing from the board bundle");
  load(addon, rk);
  for (const s of SUBJECTS) {
    for (const m of ["owns", "resetPeak", "unwatch", "close", "invariantsHold", "validate"])
      if (typeof rk[s.name].prototype[m] !== "function") missing.push(s.name + "." + m);
  }
  assert.equal(missing, [], "members missing with the add-on");
});

test("every allocator of the contract is in the suite", () => {
  assert.equal(
    SUBJECTS.map((s) => s.name),
    ["MemBlocks", "Onesize", "GranularHeap", "MemoryManager"],
  );
});

test.run();

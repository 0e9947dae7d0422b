// Fault injection in the simulated MCU (sim/faults.ts): a RAM section that
// loses power under live data in the middle of a workload (and stays off, or
// comes straight back with its contents lost), a bit flipped in the managed
// memory (Onesize's free-list links live there), and a power loss of the
// whole chip at a random step (the program starts again from scratch).
//
// Each allocator runs a random workload (fast-check) beside a twin: the same
// allocator, the same operations, on a second simulated MCU that suffers no
// fault. After the fault, and after every later step, the allocator must
// either be unaffected (validate() null and every result, address and
// statistic the twin's) or have detected the damage (validate() names it,
// or a call ends in a bus fault naming the dead section); from then on it
// is only held to safety. Safety holds at every step, before and after the
// fault: an address handed out lies inside the allocator's region and
// overlaps no allocation the program holds. Every allocation is filled
// with its own pattern and checked when it is freed: only allocations the
// fault hit may differ. The bank manager over all three designs is held to
// safety, and its validate() must name a section switched off under live
// data.
import "../src/debug/host.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { MemBlocks } from "../src/alloc/mem-blocks.js";
import { Onesize } from "../src/alloc/onesize.js";
import { GranularHeap } from "../src/alloc/granular-heap.js";
import { MemoryManager } from "../src/alloc/memory-manager.js";
import { BankManager } from "../src/power/bank-manager.js";
import { EFAULT } from "../src/core/errors.js";
import { SimMcu } from "../sim/mcu.js";
import { cutPower, flipBit, powerLoss } from "../sim/faults.js";
import { restartEngine } from "../sim/retention.js";
import { handBoard, type HandSection } from "./support/hand-board.js";

const B = 0x20000000,
  K = 1024,
  REGION = 8 * K;

function board() {
  const s: HandSection[] = [];
  for (let i = 0; i < 9; i++)
    s.push({ name: "RAM" + (i >> 1) + ".S" + (i & 1), base: B + i * K, size: K, gateable: i < 8, retention_nA: 5 });
  return handBoard(s);
}
const BOARD = board();

type Kind = "memblocks" | "onesize" | "granular" | "manager";
const KINDS: Kind[] = ["memblocks", "onesize", "granular", "manager"];
/** Largest request per kind (MemBlocks and Onesize give one block per allocation). */
const MAX_SIZE: { [k in Kind]: number } = { memblocks: 64, onesize: 96, granular: 700, manager: 500 };

let names = 0;
function make(kind: Kind, mcu: SimMcu): any {
  if (kind === "memblocks") return new MemBlocks(mcu, { base: B, size: REGION, blockSize: 64 });
  if (kind === "onesize") return new Onesize(mcu, { base: B, size: REGION, blockSize: 96 }); // blocks straddle sections
  if (kind === "granular") return new GranularHeap(mcu, { base: B, size: REGION });
  return new MemoryManager(mcu, { base: B, size: 5 * K, shared: { name: "faults-" + names++, base: B + 5 * K, size: 3 * K } });
}

/** The fill byte of allocation `id` (never 0). */
const tag = (id: number) => ((id * 131 + 7) % 255) + 1;

type Op = { t: "alloc"; size: number; shared: boolean } | { t: "free"; pick: number; bad: boolean };
const opArb = (max: number): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.record({ t: fc.constant("alloc" as const), size: fc.integer({ min: 1, max }), shared: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant("free" as const), pick: fc.nat(), bad: fc.nat({ max: 9 }).map((n) => n === 0) }) },
  );

type Fault = { kind: "off" | "glitch" | "flip" | "power"; step: number; section: number; offset: number; bit: number };
const faultArb = (kinds: Fault["kind"][]) =>
  fc.record({
    kind: fc.constantFrom(...kinds),
    step: fc.nat({ max: 80 }),
    section: fc.nat({ max: 7 }),
    offset: fc.nat({ max: REGION - 1 }),
    bit: fc.nat({ max: 7 }),
  });

interface Live {
  a: number;
  size: number;
  id: number;
  hit: boolean;
}

/** Whether [a, a + n) overlaps [b, b + m). */
const overlaps = (a: number, n: number, b: number, m: number) => a < b + m && b < a + n;

function isBusFault(e: any, dead: string[]): boolean {
  return e && e.code === "EFAULT" && typeof e.section === "string" && dead.indexOf(e.section) >= 0;
}

/** validate(), a bus fault counted as a detection (it must name a dead section). */
function check(x: any, dead: string[]): string | null {
  try {
    return x.validate();
  } catch (e) {
    if (!isBusFault(e, dead)) throw e;
    return "bus fault in " + (e as any).section;
  }
}

/** The contract's statistics, without peak and failures when `lean`. */
function statsOf(x: any): string {
  const s = x.stats();
  return JSON.stringify([s.used, s.free, s.count, s.peak, s.failures]);
}

/**
 * One run: `ops` on `kind` and on its twin, `fault` injected before step
 * `fault.step`. Returns whether the allocator detected the damage.
 */
function run(kind: Kind, ops: Op[], fault: Fault): boolean {
  const mcu = new SimMcu(BOARD, { seed: 3 }),
    twinMcu = new SimMcu(BOARD, { seed: 3 });
  let x = make(kind, mcu),
    twin = make(kind, twinMcu);
  let live: Live[] = [],
    detected = false,
    dead: string[] = [],
    hitRanges: [number, number][] = [],
    id = 0;
  const buf = new Uint8Array(MAX_SIZE[kind]);
  for (let i = 0; i <= ops.length; i++) {
    if (i === fault.step || (i === ops.length && fault.step >= ops.length)) {
      if (fault.kind === "flip") {
        flipBit(mcu, B + fault.offset, fault.bit);
        hitRanges.push([B + fault.offset, 1]);
      } else if (fault.kind === "power") {
        // The chip loses power: the program starts again, with fresh allocators over the same RAM.
        powerLoss(mcu);
        restartEngine(twinMcu);
        x = make(kind, mcu);
        twin = make(kind, twinMcu);
        live = [];
      } else {
        const r = cutPower(mcu, fault.section, fault.kind === "glitch");
        dead.push(r.name);
        hitRanges.push([r.base, r.size]);
      }
      for (const l of live) if (hitRanges.some(([b, n]) => overlaps(l.a, l.size, b, n))) l.hit = true;
    }
    if (i >= fault.step && !detected) {
      const v = check(x, dead);
      if (v !== null) detected = true;
      else {
        assert.is(twin.validate(), null);
        assert.is(statsOf(x), statsOf(twin), "unaffected: statistics as the twin's");
      }
    }
    if (i === ops.length) break;
    const op = ops[i];
    if (op.t === "alloc") {
      const call = (y: any) => (kind === "manager" && op.shared ? y.allocateShared(op.size) : y.allocate(op.size));
      let a: number;
      try {
        a = call(x);
      } catch (e) {
        assert.ok(isBusFault(e, dead), "only a dead section may fault: " + e);
        detected = true;
        call(twin);
        continue;
      }
      const b = call(twin);
      if (!detected) {
        assert.is(a, b, "unaffected: the twin's address");
        assert.is(x.lastError, twin.lastError);
      }
      if (a === 0) continue;
      assert.ok(a >= x.base && a + op.size <= B + REGION, "inside the region");
      for (const l of live) assert.not.ok(overlaps(a, op.size, l.a, l.size), "0x" + a.toString(16) + " overlaps a live allocation");
      const l: Live = { a, size: op.size, id: id++, hit: false };
      try {
        mcu.fill(a, op.size, tag(l.id));
      } catch (e) {
        assert.ok(isBusFault(e, dead), "the program's write faults only in a dead section");
        l.hit = true;
      }
      if (a === b) twinMcu.fill(b, op.size, tag(l.id));
      live.push(l);
    } else {
      if (op.bad || live.length === 0) {
        const a = live.length > 0 ? live[op.pick % live.length].a + 1 : B + 1;
        let r: number;
        try {
          r = x.free(a);
        } catch (e) {
          assert.ok(isBusFault(e, dead));
          detected = true;
          continue;
        }
        assert.is(r, -EFAULT, "an interior address is not a live allocation's start");
        twin.free(a);
        continue;
      }
      const k = op.pick % live.length,
        l = live[k];
      let same = true;
      try {
        mcu.readBlock(l.a, buf, 0, l.size);
        for (let j = 0; j < l.size; j++)
          if (buf[j] !== tag(l.id)) {
            same = false;
            break;
          }
      } catch (e) {
        assert.ok(isBusFault(e, dead));
        same = false;
      }
      if (!same) assert.ok(l.hit, "contents changed only where the fault hit");
      let r: number;
      try {
        r = x.free(l.a);
      } catch (e) {
        assert.ok(isBusFault(e, dead), "only a dead section may fault: " + e);
        detected = true;
        continue; // the pool is unchanged: the block stays allocated
      }
      const rt = twin.free(l.a);
      if (!detected) assert.is(r, rt, "unaffected: the twin's answer");
      if (r === 0) live.splice(k, 1);
    }
  }
  if (!detected && check(x, dead) !== null) detected = true;
  return detected;
}

for (const kind of KINDS) {
  test(
    kind +
      ": a section switched off under live data (staying off, or back at once with its contents lost): unaffected, or detected; always safe",
    () => {
      let detections = 0;
      fc.assert(
        fc.property(fc.array(opArb(MAX_SIZE[kind]), { minLength: 20, maxLength: 90 }), faultArb(["off", "glitch"]), (ops, f) => {
          if (run(kind, ops, f)) detections++;
        }),
        { numRuns: 60 },
      );
      // Bookkeeping out of band never notices: only Onesize's in-band links can be hit.
      if (kind !== "onesize") assert.is(detections, 0);
    },
  );

  test(kind + ": a bit flipped anywhere in the managed memory: unaffected, or detected; always safe", () => {
    let detections = 0;
    fc.assert(
      fc.property(fc.array(opArb(MAX_SIZE[kind]), { minLength: 20, maxLength: 90 }), faultArb(["flip"]), (ops, f) => {
        if (run(kind, ops, f)) detections++;
      }),
      { numRuns: 80 },
    );
    if (kind !== "onesize") assert.is(detections, 0);
  });

  test(kind + ": a power loss at a random step: the program starts again over the lost RAM and runs as on clean RAM", () => {
    fc.assert(
      fc.property(fc.array(opArb(MAX_SIZE[kind]), { minLength: 10, maxLength: 80 }), faultArb(["power"]), (ops, f) => {
        assert.not.ok(run(kind, ops, f), "a fresh allocator never trusts what the RAM held");
      }),
      { numRuns: 30 },
    );
  });
}

test("onesize: every flip of a free block's link is detected, by validate() at once and by allocate before the pool runs dry", () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 85 }), fc.nat(), fc.nat({ max: 31 }), (n, pick, bit) => {
      const mcu = new SimMcu(BOARD, { seed: 5 });
      const pool = new Onesize(mcu, { base: B, size: REGION, blockSize: 96 });
      const blocks: number[] = [];
      for (let i = 0; i < n; i++) blocks.push(pool.allocate(1));
      for (const a of blocks) pool.free(a);
      const a = blocks[pick % n];
      flipBit(mcu, a + (bit >> 3), bit & 7);
      assert.type(pool.validate(), "string");
      const out: number[] = [];
      let r: number;
      while ((r = pool.allocate(1)) !== 0) {
        assert.ok(out.indexOf(r) < 0 && r >= B && r < B + REGION, "never twice, never outside");
        out.push(r);
      }
      // a link turned into 0 or into another free block loses blocks: the pool finds that once the never-used blocks are gone
      assert.is(pool.lastError, -EFAULT, "the pool stops on the corrupt list (EFAULT), never as if simply full");
      // except the end of a list that holds every block (the first one freed): its flip loses none, every block
      // comes out once, and the next allocate faults on the flipped end
      if (n === pool.counters().nblocks && pick % n === 0) assert.is(out.length, n);
      else assert.ok(out.length < pool.counters().nblocks);
    }),
    { numRuns: 200, examples: [[85, 0, 0]] },
  );
});

test("onesize: links in a section that stays off: the allocation that needs one faults naming it, and the pool is unchanged", () => {
  const mcu = new SimMcu(BOARD, { seed: 5 });
  const pool = new Onesize(mcu, { base: B, size: REGION, blockSize: 96 });
  const all: number[] = [];
  for (let a; (a = pool.allocate(1)) !== 0; ) all.push(a);
  for (const a of all) pool.free(a); // the head is the last block, in RAM3.S1
  const before = JSON.stringify(pool.counters());
  cutPower(mcu, 7);
  let err: any = null;
  try {
    pool.allocate(1);
  } catch (e) {
    err = e;
  }
  assert.ok(err, "a bus fault");
  assert.is(err.section, "RAM3.S1");
  assert.is(JSON.stringify(pool.counters()), before);
  assert.throws(() => pool.validate(), /RAM3\.S1/);
});

/** The bank manager over MemBlocks, Onesize and GranularHeap (gate-empty), for the section faults. */
function bankRun(ops: Op[], fault: Fault, policy: string): void {
  const mcu = new SimMcu(BOARD, { seed: 9 });
  const bm = new BankManager(mcu, { policy, now: () => mcu.now() });
  const allocs: any[] = [
    new MemBlocks(mcu, { base: B, size: 2 * K, blockSize: 32 }),
    new Onesize(mcu, { base: B + 2 * K, size: 3 * K, blockSize: 64 }),
    new GranularHeap(mcu, { base: B + 5 * K, size: 3 * K }),
  ];
  for (const a of allocs) bm.manage(a);
  let live: Live[] = [],
    dead: string[] = [],
    hit: [number, number][] = [],
    id = 0;
  const buf = new Uint8Array(256);
  for (let i = 0; i < ops.length; i++) {
    if (i === fault.step) {
      if (fault.kind === "flip") {
        flipBit(mcu, B + fault.offset, fault.bit);
        hit.push([B + fault.offset, 1]);
      } else {
        const r = cutPower(mcu, fault.section, fault.kind === "glitch");
        dead.push(r.name);
        hit.push([r.base, r.size]);
        // A section switched off under live data, behind the manager's back: its validate() names it.
        if (fault.kind === "off" && live.some((l) => overlaps(l.a, l.size, r.base, r.size))) {
          const v = check(bm, dead);
          assert.type(v, "string");
          assert.ok(v!.indexOf(r.name) >= 0, "names " + r.name + ": " + v);
        }
      }
      for (const l of live) if (hit.some(([b, n]) => overlaps(l.a, l.size, b, n))) l.hit = true;
    }
    const op = ops[i];
    if (op.t === "alloc") {
      const size = Math.min(op.size, 256);
      let a: number;
      try {
        a = bm.allocate(size);
      } catch (e) {
        assert.ok(isBusFault(e, dead), "only a dead section may fault: " + e);
        continue;
      }
      if (a === 0) continue;
      assert.ok(a >= B && a + size <= B + REGION, "inside the managed regions");
      for (const l of live) assert.not.ok(overlaps(a, size, l.a, l.size), "0x" + a.toString(16) + " overlaps a live allocation");
      const l: Live = { a, size, id: id++, hit: false };
      try {
        mcu.fill(a, size, tag(l.id));
      } catch (e) {
        assert.ok(isBusFault(e, dead));
        l.hit = true;
      }
      live.push(l);
    } else if (live.length > 0) {
      const k = op.pick % live.length,
        l = live[k];
      let same = true;
      try {
        mcu.readBlock(l.a, buf, 0, l.size);
        for (let j = 0; j < l.size; j++)
          if (buf[j] !== tag(l.id)) {
            same = false;
            break;
          }
      } catch (e) {
        assert.ok(isBusFault(e, dead));
        same = false;
      }
      if (!same) assert.ok(l.hit, "contents changed only where the fault hit");
      let r: number;
      try {
        r = bm.free(l.a);
      } catch (e) {
        assert.ok(isBusFault(e, dead));
        continue;
      }
      if (r === 0) live.splice(k, 1);
    }
    try {
      bm.update(mcu.now());
    } catch (e) {
      assert.ok(isBusFault(e, dead), "only a dead section may fault: " + e);
    }
    mcu.advance(1);
    if (i < fault.step) assert.is(bm.validate(), null);
  }
}

for (const policy of ["gate-empty", "pack+gate"]) {
  test(
    "bank manager (" +
      policy +
      ") over MemBlocks, Onesize and GranularHeap: sections cut and bits flipped; validate() names a section cut under live data; always safe",
    () => {
      fc.assert(
        fc.property(fc.array(opArb(256), { minLength: 20, maxLength: 80 }), faultArb(["off", "glitch", "flip"]), (ops, f) => {
          bankRun(ops, f, policy);
        }),
        { numRuns: 60 },
      );
    },
  );
}

test("sim/faults: flipBit changes one bit in any power state without a bus access; bad arguments are refused", () => {
  const mcu = new SimMcu(BOARD, { seed: 1, initial: "zero" });
  assert.is(flipBit(mcu, B + 5, 3), "RAM0.S0");
  assert.is(mcu.read8(B + 5), 8);
  mcu.setPower(1, "retained");
  flipBit(mcu, B + K, 0);
  mcu.setPower(1, "on");
  assert.is(mcu.read8(B + K), 1);
  assert.is(mcu.totals().writes, 0);
  assert.throws(() => flipBit(mcu, B - 1, 0), /address must be a mapped RAM address, got 0x1FFFFFFF/);
  assert.throws(() => flipBit(mcu, "x" as any, 0), /address must be a mapped RAM address, got "x"/);
  assert.throws(() => flipBit(mcu, B, 8), /bit must be an integer in \[0, 7\], got 8/);
  assert.throws(() => flipBit(mcu, B, 1.5), /bit must be an integer/);
  assert.is(mcu.read8(B), 0, "nothing changed by a refused call");
});

test("sim/faults: cutPower loses the contents and restores the state; powerLoss clears every section, the mode and the claims", () => {
  const mcu = new SimMcu(BOARD, { seed: 1, initial: "zero" });
  mcu.write32(B + 2 * K, 0x12345678);
  mcu.setPower(2, "retained");
  assert.equal(cutPower(mcu, 2, true), { base: B + 2 * K, size: K, name: "RAM1.S0" });
  assert.is(mcu.getPower(2), "retained");
  mcu.setPower(2, "on");
  assert.is.not(mcu.read32(B + 2 * K), 0x12345678);
  cutPower(mcu, 3);
  assert.is(mcu.getPower(3), "off");
  assert.throws(() => cutPower(mcu, 8), /cannot be switched off/);
  assert.throws(() => cutPower(mcu, 99), /section must be an index/);
  const heap = new GranularHeap(mcu, { base: B, size: K });
  mcu.write32(B + 8 * K, 0xabcdef01);
  mcu.setMode("sysoff");
  powerLoss(mcu);
  assert.is(mcu.mode(), "sleep");
  for (let s = 0; s < 9; s++) assert.is(mcu.getPower(s), "on");
  assert.is.not(mcu.read32(B + 8 * K), 0xabcdef01, "a section that cannot be gated loses its contents too");
  assert.ok(new GranularHeap(mcu, { base: B, size: K }), "the old heap's claim ended with the engine");
  assert.ok(heap);
});

test.run();

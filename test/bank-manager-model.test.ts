// Model test of the bank manager: random sequences of allocations (through
// the manager and directly on an allocator, with and without hints, MemBlocks
// contiguous runs), frees (both through the manager and directly; bad ones
// too), policy updates, switch-offs (forced or not) and switch-ons, under
// every policy, with every allocator and with all three at once, over a
// strict simulated MCU (1 KiB sections; any access to a section that is not
// on faults) and over StatePower with ArrayMemory. Against a reference model
// of the live allocations, after every step: validate() and
// invariantsHold(); no live allocation in a section that is not on; every
// section the manager may not gate is on; used bytes as the model charges
// them; each policy's decision after each update; every allocation filled
// with its own pattern when handed out and checked when freed.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import "../src/debug/host.js";
import { BankManager, type LostAllocation } from "../src/power/bank-manager.js";
import { GranularHeap } from "../src/alloc/granular-heap.js";
import { MemBlocks } from "../src/alloc/mem-blocks.js";
import { Onesize } from "../src/alloc/onesize.js";
import { ArrayMemory, StatePower } from "../src/hal/array-memory.js";
import { EBUSY, EFAULT, EINVAL, ENOMEM } from "../src/core/errors.js";
import type { Allocator } from "../src/alloc/api.js";
import type { Memory, Power } from "../src/hal/ports.js";
import { SimMcu } from "../sim/mcu.js";
import { handBoard, type HandSection } from "./support/hand-board.js";

const B = 0x20000000,
  K = 1024,
  NS = 9; // S0..S7 gateable, S8 not
const HYST = 3;
const POLICY_NAMES = ["all-on", "heap-top", "gate-empty", "pack+gate"];
const CONFIGS = ["memblocks", "onesize", "granular", "mixed"];

function sections(): HandSection[] {
  const out: HandSection[] = [];
  for (let i = 0; i < NS; i++)
    out.push({ name: "RAM" + (i >> 1) + ".S" + (i & 1), base: B + i * K, size: K, gateable: i < 8, retention_nA: 5 });
  return out;
}

interface Rig {
  mem: Memory;
  power: Power;
  mcu: SimMcu | null;
  allocs: Allocator[];
  mb: MemBlocks | null;
  reserved: { base: number; size: number }[];
}

function rig(config: string, port: string): Rig {
  let mem: Memory,
    power: Power,
    mcu: SimMcu | null = null;
  if (port === "sim") {
    mcu = new SimMcu(handBoard(sections()));
    mem = mcu;
    power = mcu;
  } else {
    mem = new ArrayMemory(B, NS * K);
    power = new StatePower(sections());
  }
  const allocs: Allocator[] = [];
  let mb: MemBlocks | null = null,
    reserved: { base: number; size: number }[] = [];
  if (config === "memblocks") allocs.push((mb = new MemBlocks(mem, { base: B, size: 8 * K, blockSize: 64 })));
  if (config === "onesize") allocs.push(new Onesize(mem, { base: B, size: 8 * K, blockSize: 96 }) as any); // blocks straddle sections
  if (config === "granular") allocs.push(new GranularHeap(mem, { base: B, size: 8 * K }));
  if (config === "mixed") {
    allocs.push((mb = new MemBlocks(mem, { base: B, size: 2 * K, blockSize: 32 })));
    allocs.push(new Onesize(mem, { base: B + 2 * K, size: 3 * K, blockSize: 64 }) as any);
    allocs.push(new GranularHeap(mem, { base: B + 5 * K, size: 3 * K }));
    reserved = [{ base: B + 6 * K + 10, size: 4 }];
  }
  return { mem, power, mcu, allocs, mb, reserved };
}

type Op =
  | { t: "alloc"; size: number; via: "bm" | "direct"; k: number; hint: number | null }
  | { t: "run"; n: number }
  | { t: "free"; pick: number; via: "bm" | "direct" }
  | { t: "badfree"; pick: number }
  | { t: "update"; dt: number }
  | { t: "off"; s: number; force: boolean }
  | { t: "on"; s: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant("alloc" as const),
      size: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 700 })),
      via: fc.constantFrom("bm" as const, "direct" as const),
      k: fc.nat(2),
      hint: fc.option(fc.integer({ min: 0, max: 8 }), { freq: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("run" as const), n: fc.integer({ min: 2, max: 12 }) }) },
  {
    weight: 5,
    arbitrary: fc.record({ t: fc.constant("free" as const), pick: fc.nat(), via: fc.constantFrom("bm" as const, "direct" as const) }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("badfree" as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("update" as const), dt: fc.integer({ min: 0, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("off" as const), s: fc.integer({ min: -1, max: NS }), force: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("on" as const), s: fc.integer({ min: 0, max: NS - 1 }) }) },
);

interface Entry {
  address: number;
  size: number;
  bytes: number;
  alloc: Allocator;
  pat: number;
}

/** Run `ops` under `pol` with allocator set `config` over `port`, checking everything after every step. */
function run(pol: string, config: string, port: string, ops: Op[], lifo: boolean): void {
  const r = rig(config, port),
    { mem, power, allocs, mb } = r;
  const bm = new BankManager(power, { policy: pol, hysteresis: HYST, reserved: r.reserved });
  for (const a of allocs) bm.manage(a);
  const model: Entry[] = [];
  const since: number[] = new Array(NS).fill(-1); // the model's emptiness stamps (the manager has no clock here)
  let t = 0,
    serial = 1,
    charged = 0;
  const spy = {
    onAlloc(_a: number, n: number) {
      charged = n;
    },
    onFree() {},
  };
  bm.watch(spy);
  const managed = (s: number) => bm._m[s] === 1;
  const secs = (e: { address: number; bytes: number }) => {
    const out: number[] = [];
    for (let s = power.sectionAt(e.address); s >= 0 && s < NS && power.sectionBase(s) < e.address + e.bytes; s++) out.push(s);
    return out;
  };
  const liveOf = (s: number) =>
    model.reduce(
      (n, e) => n + Math.max(0, Math.min(e.address + e.bytes, power.sectionBase(s) + K) - Math.max(e.address, power.sectionBase(s))),
      0,
    );
  const fill = (e: Entry) => mem.fill(e.address, e.size, e.pat);
  const checkPattern = (e: Entry) => {
    const buf: number[] = [];
    mem.readBlock(e.address, buf, 0, e.size);
    for (let i = 0; i < e.size; i++)
      if (buf[i] !== e.pat)
        assert.unreachable("allocation 0x" + e.address.toString(16) + " byte " + i + " is " + buf[i] + ", wrote " + e.pat);
  };
  const added = (a: number, size: number, alloc: Allocator) => {
    assert.is(charged, alloc instanceof GranularHeap ? Math.ceil(size / 16) * 16 : alloc.blockSize, "charged bytes");
    const e: Entry = { address: a, size, bytes: charged, alloc, pat: (serial++ * 37) & 255 };
    for (const s of secs(e)) {
      assert.is(power.getPower(s), "on", "handed out in a section that is on");
      since[s] = -1;
    }
    fill(e);
    model.push(e);
  };
  const check = (what: string) => {
    const v = bm.validate();
    if (v !== null) assert.unreachable(what + ": " + v);
    assert.ok(bm.invariantsHold(), what + ": invariantsHold");
    for (const e of model)
      for (const s of secs(e))
        if (power.getPower(s) !== "on")
          assert.unreachable(
            what + ": live allocation 0x" + e.address.toString(16) + " in section " + s + ", which is " + power.getPower(s),
          );
    for (let s = 0; s < NS; s++) {
      if (!managed(s)) assert.is(power.getPower(s), "on", what + ": unmanaged section " + s);
      assert.is(bm.live[s], liveOf(s), what + ": live bytes of section " + s);
    }
    assert.is(
      bm.stats().used,
      model.reduce((n, e) => n + e.bytes, 0),
      what + ": used",
    );
  };
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i],
      what = "step " + i + " " + JSON.stringify(op);
    if (op.t === "alloc") {
      const hint = op.hint === null ? undefined : B + op.hint * K;
      const alloc = op.via === "bm" ? null : allocs[op.k % allocs.length];
      const a = alloc ? alloc.allocate(op.size, undefined, hint) : bm.allocate(op.size, undefined, hint);
      if (a === 0) {
        const err = alloc ? alloc.lastError : bm.lastError;
        assert.ok(err === -ENOMEM || err === -EINVAL, what + ": lastError " + err);
      } else added(a, op.size, alloc || allocs.filter((x) => x.owns(a))[0]);
    } else if (op.t === "run") {
      if (!mb) continue;
      const a = mb.allocContiguous(op.n);
      if (a !== 0) {
        assert.is(charged, op.n * mb.blockSize, what);
        charged = mb.blockSize;
        for (let j = 0; j < op.n; j++) added(a + j * mb.blockSize, mb.blockSize, mb);
      }
    } else if (op.t === "free") {
      if (model.length === 0) continue;
      const e = model.splice(op.pick % model.length, 1)[0];
      checkPattern(e);
      assert.is(op.via === "bm" ? bm.free(e.address) : e.alloc.free(e.address), 0, what);
    } else if (op.t === "badfree") {
      const a = model.length === 0 ? B + 8 * K + 4 : model[op.pick % model.length].address + 1; // interior, or outside every allocator
      assert.is(bm.free(a), -EFAULT, what);
    } else if (op.t === "update") {
      t += op.dt;
      const before: string[] = [];
      for (let s = 0; s < NS; s++) before.push(power.getPower(s));
      for (let s = 0; s < NS; s++) if (liveOf(s) === 0 && since[s] < 0) since[s] = t;
      const n = bm.update(t);
      assert.ok(n >= 0, what + ": update " + n);
      let top = -1;
      for (let s = 0; s < NS; s++) if (liveOf(s) > 0) top = s;
      for (let s = 0; s < NS; s++) {
        if (!managed(s)) continue;
        const live = liveOf(s) > 0,
          st = power.getPower(s);
        let want: string;
        if (pol === "all-on") want = "on";
        else if (pol === "heap-top") want = s <= top ? "on" : "off";
        else if (pol === "gate-empty") want = live ? "on" : "off";
        else want = live ? "on" : t - since[s] >= HYST ? "off" : before[s];
        assert.is(st, want, what + ": section " + s + " under " + pol);
      }
    } else if (op.t === "off") {
      const lost: LostAllocation[] = [];
      const s = op.s,
        valid = s >= 0 && s < NS,
        live = valid && liveOf(s) > 0,
        wasOff = valid && power.getPower(s) === "off";
      const res = bm.powerOff(s, op.force, lost);
      if (!valid) assert.is(res, -EINVAL, what);
      else if (!managed(s) || (live && !op.force)) {
        assert.is(res, -EBUSY, what);
        assert.is(lost.length, 0);
      } else {
        assert.ok(res >= 0, what + ": " + res);
        assert.is(res, lost.length);
        assert.is(power.getPower(s), "off", what);
        if (wasOff) assert.is(res, 0);
        // every live allocation touching s is lost; lost runs are tiled by whole model entries
        const base = power.sectionBase(s);
        for (const e of model)
          if (e.address < base + K && base < e.address + e.bytes)
            assert.ok(
              lost.some((l) => l.address <= e.address && e.address < l.address + l.bytes),
              what + ": 0x" + e.address.toString(16) + " not reported lost",
            );
        for (const l of lost) {
          const inside = model.filter((e) => e.address >= l.address && e.address < l.address + l.bytes);
          assert.is(
            inside.reduce((n, e) => n + e.bytes, 0),
            l.bytes,
            what + ": lost run 0x" + l.address.toString(16),
          );
          assert.ok(inside.every((e) => e.alloc === l.allocator));
          for (const e of inside) model.splice(model.indexOf(e), 1);
          assert.is(l.allocator.free(l.address), -EFAULT, "the old owner's free is refused");
        }
      }
    } else {
      assert.is(bm.powerOn(op.s), 0, what);
      assert.is(power.getPower(op.s), "on");
    }
    check(what);
  }
  // teardown in one order or the other: everything back, then every managed section goes off (except under all-on)
  const order = lifo ? model.slice().reverse() : model.slice();
  for (const e of order) {
    checkPattern(e);
    assert.is(bm.free(e.address), 0);
  }
  model.splice(0, model.length);
  check("teardown");
  bm.update(t); // stamps what emptied (the manager has no clock here)
  t += HYST;
  bm.update(t);
  for (let s = 0; s < NS; s++)
    if (managed(s)) assert.is(power.getPower(s), pol === "all-on" ? "on" : "off", "after teardown, section " + s);
  assert.is(bm.close(), 0);
  for (let s = 0; s < NS; s++) assert.is(power.getPower(s), "on");
  for (const a of allocs) {
    assert.is(a.stats().used, 0);
    const v = (a as any).validate();
    assert.is(v, null);
  }
  if (r.mcu) assert.is(r.mcu.totals().faults, 0);
}

for (const port of ["sim", "state"]) {
  for (const config of CONFIGS) {
    test("model: " + config + " over " + (port === "sim" ? "SimMcu (strict)" : "StatePower + ArrayMemory") + ", every policy", () => {
      for (const pol of POLICY_NAMES) {
        fc.assert(
          fc.property(fc.array(opArb, { maxLength: 100, size: "max" }), fc.boolean(), (ops, lifo) => run(pol, config, port, ops, lifo)),
          { numRuns: 40 },
        );
      }
    });
  }
}

test.run();

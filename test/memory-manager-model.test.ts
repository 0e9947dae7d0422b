// MemoryManager: model-based test. Random allocate / allocateShared (some
// aligned, some with a hint, some bad) / free / deallocate sequences (frees
// newest first, oldest first or any; some with a wrong size, some foreign or
// repeated) against a model of live intervals: no two live allocations
// overlap, memoryType() names the region each lies in, a shared request
// spills only when the shared region has no run for it, every allocation
// keeps its pattern until it is freed, a watcher sees exactly the model's
// allocations and frees, the statistics and lastError agree with the model,
// and validate() holds after every step.
import "../src/debug/host.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { MemoryManager, MEMORY_NORMAL, MEMORY_SHARED } from "../src/alloc/memory-manager.js";
import { ArrayMemory } from "../src/hal/array-memory.js";
import { EFAULT, EINVAL, ENOMEM } from "../src/core/errors.js";

const NBASE = 0x20000000,
  SBASE = 0x20004000;
let names = 0;

type Op =
  | { t: "alloc"; shared: boolean; size: number; align: number | undefined; hint: number | undefined }
  | { t: "free"; pick: number; wrong: boolean; verb: "free" | "deallocate" | "freeSized" }
  | { t: "foreign"; delta: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant("alloc" as const),
      shared: fc.boolean(),
      size: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 700 }) }, { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5) }),
      align: fc.constantFrom(undefined, undefined, undefined, 32, 64, 3),
      hint: fc.option(fc.integer({ min: 0, max: 0x5000 }), { freq: 4, nil: undefined }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant("free" as const),
      pick: fc.nat(1000),
      wrong: fc.nat(4).map((k) => k === 0),
      verb: fc.constantFrom("free" as const, "deallocate" as const, "freeSized" as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("foreign" as const), delta: fc.integer({ min: -32, max: 0x6000 }) }) },
);

interface Live {
  addr: number;
  size: number;
  tag: number;
}

function run(ops: Op[], order: "lifo" | "fifo" | "any", nsize: number, ssize: number): void {
  const mem = new ArrayMemory(NBASE, 0x8000);
  const m = new MemoryManager(mem, { base: NBASE, size: nsize, shared: { base: SBASE, size: ssize, name: "model-" + ++names } });
  const events: string[] = [],
    expected: string[] = [];
  m.watch({
    onAlloc: (a, n, al) => {
      assert.is(al, m);
      events.push("+" + a + ":" + n + (m.memoryType(a) === MEMORY_SHARED ? "S" : "N"));
    },
    onFree: (a, n, al) => {
      assert.is(al, m);
      events.push("-" + a + ":" + n + (m.memoryType(a) === MEMORY_SHARED ? "S" : "N"));
    },
  });
  const live: Live[] = [];
  let tag = 0,
    failures = 0,
    spills = 0;
  const round = (s: number) => Math.ceil(s / 16) * 16;
  const fillOf = (l: Live) => (l.tag * 29 + 3) & 0xff || 7;
  const where = (a: number) => (a >= SBASE ? "S" : "N");
  const fail = (r: number, code: number) => {
    assert.is(r, code);
    assert.is(m.lastError, code);
    failures++;
  };
  const checkAll = () => {
    const msg = m.validate();
    if (msg !== null) assert.unreachable(msg);
    assert.ok(m.invariantsHold());
    assert.equal(events, expected, "watcher events");
    const used = live.reduce((s, l) => s + round(l.size), 0);
    const st = m.stats();
    assert.equal([st.used, st.free, st.count, st.failures], [used, nsize + ssize - used, live.length, failures]);
    assert.is(m.spills, spills);
  };
  for (const op of ops) {
    if (op.t === "alloc") {
      const bad = !(Number.isInteger(op.size) && op.size > 0) || op.align === 3;
      const hint = op.hint === undefined ? undefined : (op.shared ? SBASE : NBASE) + op.hint - 0x100;
      const fits = (h: any) => h.largestFree() >= round(op.size) + (op.align && op.align > 16 ? op.align - 16 : 0);
      const canShare = !bad && fits(m.sharedHeap),
        canNormal = !bad && fits(m.normalHeap);
      const a = op.shared ? m.allocateShared(op.size, op.align, hint) : m.allocate(op.size, op.align, hint);
      if (bad) {
        assert.is(a, 0);
        assert.is(m.lastError, -EINVAL);
        failures++;
        checkAll();
        continue;
      }
      if (a === 0) {
        // no run anywhere it could go (an aligned request may still fail with a larger run: allow that)
        if (!op.align) {
          assert.not.ok(canNormal, "normal had room");
          if (op.shared) assert.not.ok(canShare, "shared had room");
        }
        assert.is(m.lastError, -ENOMEM);
        failures++;
        checkAll();
        continue;
      }
      const type = m.memoryType(a);
      if (!op.align) assert.is(type, op.shared && canShare ? MEMORY_SHARED : MEMORY_NORMAL);
      if (op.shared && type === MEMORY_NORMAL) spills++;
      if (!op.shared) assert.is(type, MEMORY_NORMAL);
      if (op.align) assert.is(a % op.align, 0);
      for (const l of live) assert.ok(a + op.size <= l.addr || l.addr + l.size <= a, "overlap");
      const l = { addr: a, size: op.size, tag: ++tag };
      mem.fill(a, op.size, fillOf(l));
      live.push(l);
      expected.push("+" + a + ":" + round(op.size) + where(a));
    } else if (op.t === "free") {
      if (!live.length) continue;
      const i = order === "lifo" ? live.length - 1 : order === "fifo" ? 0 : op.pick % live.length;
      const l = live[i];
      const buf = new Uint8Array(l.size);
      mem.readBlock(l.addr, buf, 0, l.size);
      for (let k = 0; k < l.size; k++) if (buf[k] !== fillOf(l)) assert.unreachable("pattern lost at 0x" + (l.addr + k).toString(16));
      if (op.wrong) {
        fail(op.verb === "free" ? m.free(l.addr, round(l.size) + 16) : m.deallocate(l.addr, round(l.size) + 16), -EINVAL);
        if (round(l.size) > 16) fail(m.free(l.addr + 16), -EFAULT); // inside it
      }
      assert.is(op.verb === "free" ? m.free(l.addr) : op.verb === "deallocate" ? m.deallocate(l.addr, l.size) : m.free(l.addr, l.size), 0);
      expected.push("-" + l.addr + ":" + round(l.size) + where(l.addr));
      fail(m.deallocate(l.addr, l.size), -EFAULT);
      live.splice(i, 1);
    } else {
      const addr = NBASE + op.delta;
      if (!live.some((l) => l.addr === addr)) fail(m.free(addr), -EFAULT);
    }
    checkAll();
  }
  for (const l of live) assert.is(m.deallocate(l.addr, l.size), 0);
  assert.is(m.stats().used, 0);
  assert.is(m.close(), 0);
}

for (const order of ["lifo", "fifo", "any"] as const) {
  test("model: normal and shared allocations, frees " + order, () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 100 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 40 }), (ops, ng, sg) =>
        run(ops, order, ng * 16 * 8, sg * 16),
      ),
      { numRuns: 80 },
    );
  });
}

test.run();

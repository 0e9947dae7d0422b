// MemoryManager (issue 5): model-based test. Random allocate / allocateShared
// / deallocate sequences (frees newest first, oldest first or any; some with a
// wrong size, some foreign or repeated) against a model of live intervals:
// no two live allocations overlap, memoryType() names the region each lies
// in, a shared request spills only when the shared region has no run for it,
// every allocation keeps its pattern until it is freed, and validate() holds
// after every step.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { MemoryManager, MEMORY_NORMAL, MEMORY_SHARED } from "../src/alloc/memory-manager.js";
import { ArrayMemory } from "../src/hal/array-memory.js";
import { EFAULT, EINVAL } from "../src/core/errors.js";

const NBASE = 0x20000000, SBASE = 0x20004000;
let names = 0;

type Op =
  | { t: "alloc"; shared: boolean; size: number }
  | { t: "free"; pick: number; wrong: boolean }
  | { t: "foreign"; delta: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant("alloc" as const), shared: fc.boolean(), size: fc.integer({ min: 1, max: 700 }) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant("free" as const), pick: fc.nat(1000), wrong: fc.nat(4).map((k) => k === 0) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("foreign" as const), delta: fc.integer({ min: -32, max: 0x6000 }) }) },
);

interface Live { addr: number; size: number; tag: number; }

function run(ops: Op[], order: "lifo" | "fifo" | "any", nsize: number, ssize: number): void {
  const mem = new ArrayMemory(NBASE, 0x8000);
  const m = new MemoryManager();
  assert.is(m.initNormal({ memory: mem, base: NBASE, size: nsize }), 0);
  assert.is(m.initShared({ memory: mem, base: SBASE, size: ssize, name: "model-" + ++names }), 0);
  const live: Live[] = [];
  let tag = 0;
  const round = (s: number) => Math.ceil(s / 16) * 16;
  const fillOf = (l: Live) => (l.tag * 29 + 3) & 0xff || 7;
  for (const op of ops) {
    if (op.t === "alloc") {
      const canShare = m.sharedHeap()!.largestFreeBytes() >= round(op.size);
      const a = op.shared ? m.allocateShared(op.size) : m.allocate(op.size);
      if (a === 0) {
        assert.ok(m.normalHeap()!.largestFreeBytes() < round(op.size), "normal had room");
        if (op.shared) assert.not.ok(canShare, "shared had room");
        continue;
      }
      const type = m.memoryType(a);
      assert.is(type, op.shared && canShare ? MEMORY_SHARED : MEMORY_NORMAL);
      for (const l of live) assert.ok(a + op.size <= l.addr || l.addr + l.size <= a, "overlap");
      const l = { addr: a, size: op.size, tag: ++tag };
      mem.fill(a, op.size, fillOf(l));
      live.push(l);
    } else if (op.t === "free") {
      if (!live.length) continue;
      const i = order === "lifo" ? live.length - 1 : order === "fifo" ? 0 : op.pick % live.length;
      const l = live[i];
      const buf = new Uint8Array(l.size);
      mem.readBlock(l.addr, buf, 0, l.size);
      for (let k = 0; k < l.size; k++) if (buf[k] !== fillOf(l)) assert.unreachable("pattern lost at 0x" + (l.addr + k).toString(16));
      if (op.wrong) assert.is(m.deallocate(l.addr, round(l.size) + 16), -EINVAL);
      assert.is(m.deallocate(l.addr, l.size), 0);
      assert.is(m.deallocate(l.addr, l.size), -EFAULT);
      live.splice(i, 1);
    } else {
      const addr = NBASE + op.delta;
      if (!live.some((l) => l.addr === addr)) assert.is(m.deallocate(addr, 16), -EFAULT);
    }
    const msg = m.validate();
    if (msg !== null) assert.unreachable(msg);
  }
  for (const l of live) assert.is(m.deallocate(l.addr, l.size), 0);
  assert.is(m.normalHeap()!.usedBytes() + m.sharedHeap()!.usedBytes(), 0);
}

for (const order of ["lifo", "fifo", "any"] as const) {
  test("model: normal and shared allocations, frees " + order, () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 100 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 40 }),
      (ops, ng, sg) => run(ops, order, ng * 16 * 8, sg * 16)), { numRuns: 80 });
  });
}

test.run();

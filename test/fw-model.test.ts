// BufferManager: model-based tests. Random bins (including unused ones),
// manager ids and backing allocators (a GranularHeap, a MemBlocks run, the
// SystemAllocator over a simulated board's system region); random sequences
// of getBuffer, the contract's allocate (alignment, hint), returnBuffer
// (data moved inside the buffer, size shrunk), free, second returns,
// another manager's contexts, empty buffers, free(0), schedIn, resetPeak and
// watchers, with returns newest first, oldest first or in any order. A
// reference model predicts every address, context, trimmed size, error code,
// counter, telemetry message, throttled event and watcher call. Every buffer
// is filled with a pattern when handed out and checked when it comes back
// (the in-band records must never touch a buffer). validate() and
// invariantsHold() after every step; cleanup() at the end gives the block
// back.
import "../src/debug/host.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { ArrayMemory } from "../src/hal/array-memory.js";
import { GranularHeap } from "../src/alloc/granular-heap.js";
import { MemBlocks } from "../src/alloc/mem-blocks.js";
import { BufferManager, MemAllocatorAdapter, SystemAllocator } from "../src/fw/index.js";
import type { Buffer, MemAllocator } from "../src/fw/index.js";
import type { Memory } from "../src/hal/ports.js";
import { EFAULT, EINVAL, ENOMEM } from "../src/core/errors.js";
import { SimMcu } from "../sim/mcu.js";
import { loadBoard } from "../sim/boards.js";

const B = 0x20000000;
const R = BufferManager.RECORD_SIZE;
const TLM = ["TotalBuffs", "CurrBuffs", "HiBuffs", "NoBuffs", "EmptyBuffs"];
const PUCK = loadBoard("PUCKJS");

type Op =
  | { t: "get"; size: number }
  | { t: "alloc"; size: number; al: number | undefined; hint: number }
  | { t: "ret"; pick: number; off: number; shrink: number }
  | { t: "free"; pick: number }
  | { t: "again"; pick: number }
  | { t: "foreign"; pick: number; mgr: number }
  | { t: "empty" }
  | { t: "free0" }
  | { t: "sched" }
  | { t: "resetPeak" }
  | { t: "watch" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ t: fc.constant("get" as const), size: fc.integer({ min: -1, max: 48 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("alloc" as const),
      size: fc.integer({ min: 0, max: 48 }),
      al: fc.constantFrom(undefined, 1, 2, 4, 8, 16, 3),
      hint: fc.nat(600),
    }),
  },
  { weight: 6, arbitrary: fc.record({ t: fc.constant("ret" as const), pick: fc.nat(1000), off: fc.nat(1000), shrink: fc.nat(1000) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("free" as const), pick: fc.nat(1000) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("again" as const), pick: fc.nat(1000) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("foreign" as const), pick: fc.nat(1000), mgr: fc.nat(0xffff) }) },
  { weight: 1, arbitrary: fc.constant({ t: "empty" as const }) },
  { weight: 1, arbitrary: fc.constant({ t: "free0" as const }) },
  { weight: 2, arbitrary: fc.constant({ t: "sched" as const }) },
  { weight: 1, arbitrary: fc.constant({ t: "resetPeak" as const }) },
  { weight: 1, arbitrary: fc.constant({ t: "watch" as const }) },
);

const cfgArb = fc
  .record({
    bins: fc.array(fc.record({ bufferSize: fc.integer({ min: 1, max: 40 }), numBuffers: fc.integer({ min: 0, max: 5 }) }), {
      minLength: 1,
      maxLength: 4,
    }),
    mgr: fc.oneof(fc.constant(32), fc.constant(0xffff), fc.nat(0xffff)),
    backing: fc.constantFrom("heap", "blocks", "system"),
    order: fc.constantFrom("newest", "oldest", "any"),
  })
  .filter((c) => c.bins.some((b) => b.numBuffers > 0));

function backing(kind: string): { mem: Memory; alloc: MemAllocator } {
  if (kind === "system") {
    const mcu = new SimMcu(PUCK, { seed: 3 });
    return { mem: mcu, alloc: new SystemAllocator(mcu, { board: PUCK }) };
  }
  const mem = new ArrayMemory(B, 8192);
  if (kind === "blocks") return { mem, alloc: new MemAllocatorAdapter(new MemBlocks(mem, { base: B, size: 8192, blockSize: 32 })) };
  return { mem, alloc: new MemAllocatorAdapter(new GranularHeap(mem, { base: B, size: 8192 })) };
}

/** The pattern byte of byte i of a buffer handed out for the g-th time. */
const pat = (g: number, i: number) => (g * 31 + i * 7 + 1) & 0xff;

function run(cfg: { bins: { bufferSize: number; numBuffers: number }[]; mgr: number; backing: string; order: string }, ops: Op[]) {
  const { mem, alloc } = backing(cfg.backing);
  const tlm: [string, number][] = [],
    events: [string, any][] = [],
    calls: string[] = [];
  const bm = new BufferManager({ tlm: (n, v) => tlm.push([n, v]), event: (n, a) => events.push([n, a]) });
  assert.is(bm.setup(cfg.mgr, 7, alloc, cfg.bins), 0);

  // the model
  const addr: number[] = [],
    size: number[] = [],
    used: boolean[] = [];
  let a = bm.base;
  const n = cfg.bins.reduce((s, b) => s + b.numBuffers, 0);
  a += n * R;
  for (const b of cfg.bins)
    for (let j = 0; j < b.numBuffers; j++) {
      addr.push(a);
      size.push(b.bufferSize);
      used.push(false);
      a += b.bufferSize;
    }
  assert.is(a, bm.base + bm.size, "the layout ends at the block's end");
  const max = Math.max(...size);
  const m = { curr: 0, hi: 0, no: 0, empty: 0, bytes: 0, peak: 0, failures: 0, lastError: 0, sent: [-1, -1, -1, -1, -1], thr: [0, 0, 0] };
  const expEvents: [string, any][] = [],
    expCalls: string[] = [];
  let watching = false,
    gen = 0;
  const gens: number[] = size.map(() => 0);
  const live: Buffer[] = []; // in hand-out order
  const history: Buffer[] = [];
  const fail = (code: number) => {
    m.lastError = code;
    m.failures++;
    return code;
  };
  const event = (k: number, name: string, arg: any) => {
    if (m.thr[k] < 10) {
      m.thr[k]++;
      expEvents.push([name, arg]);
    }
  };
  const find = (s: number, al: number, lo: number) => {
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < n; i++) if (!used[i] && size[i] >= s && addr[i] >= lo && addr[i] % al === 0) return i;
      if (lo === 0) break;
      lo = 0;
    }
    return -1;
  };
  const take = (i: number) => {
    used[i] = true;
    m.bytes += size[i];
    m.peak = Math.max(m.peak, m.bytes);
    m.curr++;
    m.hi = Math.max(m.hi, m.curr);
    if (watching) expCalls.push("+" + addr[i] + ":" + size[i]);
    gens[i] = ++gen;
    mem.fill(addr[i], size[i], 0); // then the pattern, byte by byte
    for (let k = 0; k < size[i]; k++) mem.write8(addr[i] + k, pat(gen, k));
  };
  const release = (i: number) => {
    for (let k = 0; k < size[i]; k++)
      assert.is(mem.read8(addr[i] + k), pat(gens[i], k), "buffer " + i + " byte " + k + " kept its pattern");
    used[i] = false;
    m.bytes -= size[i];
    m.curr--;
    if (watching) expCalls.push("-" + addr[i] + ":" + size[i]);
  };
  const pickLive = (p: number) => (cfg.order === "newest" ? live.length - 1 : cfg.order === "oldest" ? 0 : p % live.length);
  const request = (s: number, al: number | undefined, hint: number | undefined): number => {
    if (!(Number.isInteger(s) && s >= 1) || (al !== undefined && (al & (al - 1)) !== 0)) {
      fail(-EINVAL);
      return -1;
    }
    const i = find(s, al || 1, hint || 0);
    if (i < 0) {
      m.no++;
      fail(s > max ? -EINVAL : -ENOMEM);
      event(0, "NoBuffsAvailable", s);
      return -1;
    }
    take(i);
    return i;
  };

  for (const op of ops) {
    const what = JSON.stringify(op);
    switch (op.t) {
      case "get": {
        const i = request(op.size, undefined, undefined);
        const b = bm.getBuffer(op.size);
        if (i < 0) assert.equal(b, { data: 0, size: 0, context: 0 }, what);
        else {
          assert.equal(b, { data: addr[i], size: op.size, context: (cfg.mgr * 65536 + i) >>> 0 }, what);
          live.push(b);
          history.push(Object.assign({}, b));
        }
        break;
      }
      case "alloc": {
        const hint = bm.base + op.hint;
        const i = request(op.size, op.al, hint);
        const got = bm.allocate(op.size, op.al, hint);
        assert.is(got, i < 0 ? 0 : addr[i], what);
        if (i >= 0) {
          const b = { data: addr[i], size: size[i], context: (cfg.mgr * 65536 + i) >>> 0 };
          live.push(b);
          history.push(Object.assign({}, b));
        }
        break;
      }
      case "ret":
      case "free": {
        if (live.length === 0) break;
        const k = pickLive(op.pick),
          b = live[k],
          i = b.context & 0xffff;
        live.splice(k, 1);
        release(i);
        if (op.t === "free") assert.is(bm.free(b.data), 0, what);
        else {
          const off = op.off % size[i],
            rest = size[i] - off;
          assert.is(bm.returnBuffer({ data: b.data + off, size: op.shrink % (rest + 1), context: b.context }), 0, what);
        }
        break;
      }
      case "again": {
        if (history.length === 0) break;
        const b = history[op.pick % history.length],
          i = b.context & 0xffff;
        if (used[i]) break; // handed out again since: a return would be a real one
        assert.is(bm.returnBuffer(b), fail(-EFAULT), what);
        event(2, "BadBufferReturn", b.context);
        assert.is(bm.free(b.data), fail(-EFAULT), what);
        break;
      }
      case "foreign": {
        const i = op.pick % n,
          mgr = op.mgr === cfg.mgr ? (op.mgr + 1) & 0xffff : op.mgr,
          ctx = (mgr * 65536 + i) >>> 0;
        assert.is(bm.returnBuffer({ data: addr[i], size: 1, context: ctx }), fail(-EFAULT), what);
        event(2, "BadBufferReturn", ctx);
        break;
      }
      case "empty":
        m.empty++;
        event(1, "ZeroSizeBuffer", undefined);
        assert.is(bm.returnBuffer({ data: 0, size: 0, context: 0 }), 0);
        break;
      case "free0":
        assert.is(bm.free(0), 0);
        break;
      case "sched": {
        const v = [n, m.curr, m.hi, m.no, m.empty],
          exp: [string, number][] = [];
        for (let k = 0; k < 5; k++)
          if (v[k] !== m.sent[k]) {
            m.sent[k] = v[k];
            exp.push([TLM[k], v[k]]);
          }
        tlm.length = 0;
        bm.schedIn();
        assert.equal(tlm, exp, what);
        break;
      }
      case "resetPeak":
        m.peak = m.bytes;
        m.failures = 0;
        bm.resetPeak();
        break;
      case "watch":
        if (!watching) {
          watching = true;
          assert.is(
            bm.watch({ onAlloc: (ad, sz) => calls.push("+" + ad + ":" + sz), onFree: (ad, sz) => calls.push("-" + ad + ":" + sz) }),
            0,
          );
        }
        break;
    }
    assert.is(bm.validate(), null, what);
    assert.ok(bm.invariantsHold(), what);
    const s = bm.stats();
    assert.equal(
      [s.used, s.free, s.peak, s.count, s.failures],
      [m.bytes, bm.size - n * R - m.bytes, m.peak, m.curr, m.failures],
      "stats after " + what,
    );
    assert.equal(
      [bm.currBuffs, bm.hiBuffs, bm.noBuffs, bm.emptyBuffs, bm.lastError],
      [m.curr, m.hi, m.no, m.empty, m.lastError],
      "counters after " + what,
    );
    for (let i = 0; i < n; i++) assert.is(bm.record(i).allocated, used[i]);
    assert.equal(events, expEvents, "events after " + what);
    assert.equal(calls, expCalls, "watcher calls after " + what);
  }
  // cleanup gives the block back; buffers still out are reported freed
  for (let i = 0; i < n; i++) if (used[i] && watching) expCalls.push("-" + addr[i] + ":" + size[i]);
  assert.is(bm.cleanup(), 0);
  assert.equal(calls, expCalls);
  const A = (alloc as MemAllocatorAdapter).allocator!;
  assert.is(A.stats().count, 0, "the block is back");
  assert.is(bm.validate(), null);
}

test("BufferManager against a model (random bins, manager ids and backing allocators; returns newest first, oldest first, any order)", () => {
  fc.assert(
    fc.property(cfgArb, fc.array(opArb, { maxLength: 80 }), (cfg, ops) => {
      run(cfg, ops);
    }),
    { numRuns: 500 },
  );
});

test("BufferManager model: F´'s bins (2 x 10, 4 x 12, 3 x 100, manager 32) under long sequences", () => {
  const bins = [
    { bufferSize: 10, numBuffers: 2 },
    { bufferSize: 12, numBuffers: 4 },
    { bufferSize: 100, numBuffers: 3 },
  ];
  fc.assert(
    fc.property(
      fc.constantFrom("newest", "oldest", "any"),
      fc.constantFrom("heap", "blocks", "system"),
      fc.array(opArb, { minLength: 50, maxLength: 200 }),
      (order, back, ops) => {
        run({ bins, mgr: 32, backing: back, order }, ops);
      },
    ),
    { numRuns: 100 },
  );
});

test.run();

// GranularHeap: model-based tests. Random sequences of allocate (any size,
// alignment, hint; some bad arguments), free (newest first, oldest first, or
// any; with no size, the requested size, a size that rounds the same, or a
// wrong one) and bad frees (any address) run against a reference model: an
// array of granules with a naive first fit (at or above the hint, else from
// the bottom), which predicts every address, every return code and every
// lastError exactly. Every allocation is filled with a pattern and checked
// before it is freed; a watcher's events are compared with the model's;
// validate(), invariantsHold() and the statistics are checked after every
// step.
import "../src/debug/host.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { GranularHeap } from "../src/alloc/granular-heap.js";
import { ArrayMemory } from "../src/hal/array-memory.js";
import { EFAULT, EINVAL, ENOMEM } from "../src/core/errors.js";

const BASE = 0x20000000;

type Op =
  | { t: "alloc"; size: number; align: number | undefined; hint: number | undefined }
  | { t: "free"; pick: number; how: "none" | "exact" | "rounded" | "wrong" }
  | { t: "bad"; pick: number; delta: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      t: fc.constant("alloc" as const),
      size: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 1, max: 300 }) },
        { weight: 1, arbitrary: fc.integer({ min: -1, max: 5000 }) },
      ),
      align: fc.constantFrom(undefined, undefined, undefined, 4, 16, 32, 64, 128, 1024, 8192, 3, 0),
      hint: fc.option(fc.integer({ min: -64, max: 4200 }), { freq: 3, nil: undefined }),
    }),
  },
  {
    weight: 7,
    arbitrary: fc.record({
      t: fc.constant("free" as const),
      pick: fc.nat(1000),
      how: fc.constantFrom("none" as const, "exact" as const, "rounded" as const, "wrong" as const),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("bad" as const), pick: fc.nat(1000), delta: fc.integer({ min: -40, max: 300 }) }) },
);

const cfgArb = fc.record({
  granule: fc.constantFrom(16, 16, 4, 32),
  granules: fc.integer({ min: 1, max: 200 }),
  lead: fc.nat(7), // base = BASE + lead granules: alignment is relative to addresses
  tail: fc.nat(3), // bytes past the last whole granule
});

interface Live {
  addr: number;
  size: number;
  g: number;
  n: number;
  tag: number;
}

function run(cfg: { granule: number; granules: number; lead: number; tail: number }, ops: Op[], order: "lifo" | "fifo" | "any"): void {
  const G = cfg.granule,
    N = cfg.granules,
    base = BASE + cfg.lead * G,
    size = N * G + (cfg.tail % G);
  const mem = new ArrayMemory(BASE, size + 8 * G + 64);
  const h = new GranularHeap(mem, { base, size, granule: G });
  const events: string[] = [],
    expected: string[] = [];
  h.watch({
    onAlloc: (a, n, al) => {
      events.push("+" + a + ":" + n);
      assert.is(al, h);
    },
    onFree: (a, n, al) => {
      events.push("-" + a + ":" + n);
      assert.is(al, h);
    },
  });
  const used: boolean[] = new Array(N).fill(false);
  const live: Live[] = []; // in allocation order
  let tag = 0,
    failed = 0,
    rejected = 0,
    peak = 0;

  const runFree = (g: number, n: number) => {
    for (let k = g; k < g + n; k++) if (k >= N || used[k]) return false;
    return true;
  };
  const granulesOf = (s: number) => Math.ceil(s / G);
  const predict = (s: number, al: number | undefined, hint: number | undefined): number => {
    if (!(Number.isInteger(s) && s >= 1 && s < 2 ** 32)) return -2;
    if (al !== undefined && !(Number.isInteger(al) && al > 0 && (al & (al - 1)) === 0)) return -2;
    if (hint !== undefined && !(Number.isInteger(hint) && hint >= 0 && hint < 2 ** 32)) return -2;
    const n = granulesOf(s),
      a = al !== undefined && al > G ? al / G : 1;
    const o = a > 1 ? ((al! - (base % al!)) % al!) / G : 0;
    if (o >= N) return -2; // no granule of the region has the alignment: EINVAL
    const ok = (g: number) => (((g - o) % a) + a) % a === 0 && runFree(g, n);
    // the first fit at or above the hint's granule (rounded up); when there is none, from the bottom
    let p = hint && hint > base && hint - base < N * G ? Math.ceil((hint - base) / G) : 0;
    if (p >= N) p = 0;
    for (let g = p; g + n <= N; g++) if (ok(g)) return g;
    for (let g = 0; g + n <= N; g++) if (ok(g)) return g;
    return -1;
  };
  const pattern = (l: Live) => (l.tag * 37 + 11) & 0xff || 1;
  const checkPattern = (l: Live) => {
    const buf = new Uint8Array(l.size);
    mem.readBlock(l.addr, buf, 0, l.size);
    const p = pattern(l);
    for (let k = 0; k < l.size; k++)
      if (buf[k] !== p) assert.unreachable("allocation at 0x" + l.addr.toString(16) + " was overwritten at +" + k);
  };
  const doFree = (l: Live, arg: number | undefined, expect: number) => {
    if (expect === 0) checkPattern(l);
    const r = h.free(l.addr, arg);
    assert.is(r, expect, "free(0x" + l.addr.toString(16) + ", " + arg + ")");
    if (r === 0) {
      for (let k = l.g; k < l.g + l.n; k++) used[k] = false;
      live.splice(live.indexOf(l), 1);
      expected.push("-" + l.addr + ":" + l.n * G);
    } else {
      rejected++;
      assert.is(h.lastError, r);
    }
  };

  for (const op of ops) {
    if (op.t === "alloc") {
      const s = op.size > 4000 ? 0xffffffff : op.size;
      // hints: above the base, below it (valid: first fit from the bottom), or negative (not an address)
      const hint = op.hint === undefined ? undefined : op.hint < -32 ? base + op.hint : op.hint < 0 ? op.hint : base + op.hint;
      const want = predict(s, op.align, hint);
      const a = h.allocate(s, op.align, hint);
      if (want === -2) {
        assert.is(a, 0);
        assert.is(h.lastError, -EINVAL);
        rejected++;
      } else if (want === -1) {
        assert.is(a, 0, "allocate(" + s + ") should fail");
        assert.is(h.lastError, -ENOMEM);
        failed++;
      } else {
        expected.push("+" + a + ":" + granulesOf(s) * G);
        assert.is(a, base + want * G, "allocate(" + s + ", " + op.align + ", " + hint + ")");
        if (op.align) assert.is(a % Math.max(op.align, 1), 0);
        const l: Live = { addr: a, size: s, g: want, n: granulesOf(s), tag: ++tag };
        for (let k = l.g; k < l.g + l.n; k++) used[k] = true;
        live.push(l);
        mem.fill(a, s, pattern(l));
      }
    } else if (op.t === "free") {
      if (live.length === 0) continue;
      const l = order === "lifo" ? live[live.length - 1] : order === "fifo" ? live[0] : live[op.pick % live.length];
      if (op.how === "none") doFree(l, undefined, 0);
      else if (op.how === "exact") doFree(l, l.size, 0);
      else if (op.how === "rounded") doFree(l, l.n * G - (op.pick % G), 0);
      else doFree(l, l.n * G + G, -EINVAL);
    } else {
      // any address near a live allocation (or the region's start): predicted from the model
      const near = live.length ? live[op.pick % live.length].addr : base;
      const addr = near + op.delta;
      const off = addr - base,
        g = off / G;
      const hit = live.find((x) => x.addr === addr);
      if (hit) doFree(hit, undefined, 0);
      else {
        assert.is(h.free(addr), addr === 0 ? 0 : -EFAULT, "bad free at " + (off >= 0 ? "+" : "") + off + " (granule " + g + ")");
        if (addr !== 0) {
          rejected++;
          assert.is(h.lastError, -EFAULT);
        }
      }
    }
    const usedG = used.filter(Boolean).length;
    if (usedG > peak) peak = usedG;
    const msg = h.validate();
    if (msg !== null) assert.unreachable(msg);
    assert.ok(h.invariantsHold());
    assert.equal(events, expected, "watcher events");
    assert.equal(h.stats(), { used: usedG * G, free: (N - usedG) * G, peak: peak * G, count: live.length, failures: failed + rejected });
    const st = h.fullStats();
    assert.is(st.failed, failed);
    assert.is(st.rejected, rejected);
    let best = 0,
      run = 0;
    for (let k = 0; k < N; k++) {
      run = used[k] ? 0 : run + 1;
      if (run > best) best = run;
    }
    assert.is(st.largestFree, best * G);
    assert.is(st.fragmentation, usedG === N ? 0 : 1 - best / (N - usedG));
  }
  for (const l of live.slice()) doFree(l, l.size, 0);
  assert.equal(events, expected, "watcher events");
  assert.is(h.stats().used, 0);
  assert.is(h.largestFree(), N * G);
  assert.is(h.validate(), null);
  assert.is(h.close(), 0);
}

for (const order of ["lifo", "fifo", "any"] as const) {
  test("model: random sequences, frees " + order, () => {
    fc.assert(
      fc.property(cfgArb, fc.array(opArb, { maxLength: 120 }), (cfg, ops) => run(cfg, ops, order)),
      { numRuns: 150 },
    );
  });
}

test("model: long sequences in a 64 KiB region (the benchmark's mix), frees any and oldest first", () => {
  for (const order of ["any", "fifo"] as const) {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            t: fc.constantFrom("alloc" as const, "alloc" as const, "free" as const),
            size: fc.integer({ min: 16, max: 256 }),
            align: fc.constant(undefined),
            hint: fc.constant(undefined),
            pick: fc.nat(1000),
            how: fc.constant("exact" as const),
          }),
          { minLength: 300, maxLength: 600 },
        ),
        (ops) => run({ granule: 16, granules: 4096, lead: 0, tail: 0 }, ops as Op[], order),
      ),
      { numRuns: 4 },
    );
  }
});

test.run();

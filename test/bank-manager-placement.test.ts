// pack+gate's placement rule (src/power/policies.ts) and the question it asks
// a heap, GranularHeap.fit: requests go to the lowest section holding live
// data where they fit wholly, then to the lowest section that is on, then
// (a heap) to the base of the lowest section that is off; a fit that would
// run past the sections that are on never decides the hint. fit is checked
// against allocate itself (random heaps, sizes, alignments and hints) and
// for its bad inputs.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import "../src/debug/host.js";
import { BankManager } from "../src/power/bank-manager.js";
import { policy } from "../src/power/policies.js";
import { GranularHeap } from "../src/alloc/granular-heap.js";
import { MemBlocks } from "../src/alloc/mem-blocks.js";
import { ArrayMemory, StatePower } from "../src/hal/array-memory.js";
import { EINVAL } from "../src/core/errors.js";

const B = 0x20000000,
  S = 4096;

/** `n` gateable 4 KiB sections S0.. at 0x20000000 and a heap (or `make`'s allocator) over them, managed under pack+gate. */
function setup(n = 6, make?: (mem: ArrayMemory) => any) {
  const specs = [];
  for (let i = 0; i < n; i++) specs.push({ name: "S" + i, base: B + i * S, size: S, gateable: true });
  const power = new StatePower(specs),
    mem = new ArrayMemory(B, n * S);
  const heap = make ? make(mem) : new GranularHeap(mem, { base: B, size: n * S });
  const bm = new BankManager(power, { policy: "pack+gate" });
  assert.is(bm.manage(heap), 0);
  return { power, heap, bm };
}

function ons(power: StatePower): string {
  let s = "";
  for (let i = 0; i < power.sectionCount(); i++) s += power.getPower(i) === "on" ? "1" : "0";
  return s;
}

test("pack+gate: a fit that would run from a section holding data into one that is off does not count; the next section holding data takes it", () => {
  const { power, heap, bm } = setup();
  // S0: two holes (512 and 480 bytes), neither 600 long; S2: data and a long free run
  const x = heap.allocate(1000),
    y = heap.allocate(500),
    z = heap.allocate(S - 2000);
  assert.ok(x === B && y === B + 1008 && z === B + 1520);
  const w = heap.allocate(256, undefined, B + 2 * S);
  assert.is(heap.free(x), 0);
  assert.is(heap.allocate(496), B); // a 496-byte hole stays at B + 496
  assert.is(bm.update(0), 4); // S1, S3, S4, S5 off (empty)
  assert.is(ons(power), "101000");
  assert.is(heap.fit(600, undefined, B), B + S - 480); // from S0's base the first fit runs into S1, which is off
  const a = bm.allocate(600);
  assert.is(a, w + 256);
  assert.is(ons(power), "101000"); // S1 stayed off
  assert.is(bm.switchOns, 0);
  assert.is(bm.validate(), null);
});

test("pack+gate: a section that is on but empty (waiting out the hysteresis) comes after every section holding data, before any that is off", () => {
  const specs = [];
  for (let i = 0; i < 4; i++) specs.push({ name: "S" + i, base: B + i * S, size: S, gateable: true });
  const power = new StatePower(specs),
    mem = new ArrayMemory(B, 4 * S);
  const heap = new GranularHeap(mem, { base: B, size: 4 * S });
  const bm = new BankManager(power, { policy: "pack+gate", hysteresis: 100 });
  bm.manage(heap);
  const p = heap.allocate(S - 64, undefined, B + 2 * S); // S2 nearly full
  const q = heap.allocate(64, undefined, B + S); // S1 holds data
  assert.is(heap.free(q), 0); // S1: on, empty
  assert.is(bm.update(0), 0); // nothing goes off before the hysteresis
  assert.is(bm.allocate(32), B + 3 * S - 64); // S2 holds data and has 64 bytes
  assert.is(bm.allocate(100), B); // S2 has 32 bytes left: S0, the lowest section on (empty), before S3 (on, empty)
  assert.is(bm.validate(), null);
  assert.ok(p > 0);
});

test("pack+gate: when nothing on has room, a heap gets a whole section that is off, from its base, rather than a fit straddling into it", () => {
  const { power, heap, bm } = setup();
  const a = bm.allocate(S - 100); // S0 holds S - 96 bytes, 96 free at its top
  assert.is(a, B);
  bm.update(0);
  assert.is(ons(power), "100000");
  assert.is(heap.fit(300, undefined, B), B + S - 96); // the heap's own first fit would straddle S0 and S1
  const b = bm.allocate(300);
  assert.is(b, B + S);
  assert.is(ons(power), "110000");
  // a request larger than a section: from the base of the lowest section off, over the next
  bm.update(1);
  const c = bm.allocate(S + 100);
  assert.is(c, B + 2 * S);
  assert.is(ons(power), "111100");
  // the alignment is asked too: the 8 KiB-aligned granules of S0..S3 (B, B + 2S) are taken: S4's base
  const d = bm.allocate(16, 2 * S);
  assert.is(d, B + 4 * S);
  assert.is(bm.validate(), null);
});

test("pack+gate with fixed blocks (MemBlocks, no fit): the lowest section holding data that has a free block", () => {
  const { power, heap: mb, bm } = setup(4, (mem) => new MemBlocks(mem, { base: B, size: 4 * S, blockSize: 1024 }));
  const a = mb.allocate(1, undefined, B + 2 * S);
  assert.is(a, B + 2 * S);
  bm.update(0);
  assert.is(ons(power), "0010");
  const b = bm.allocate(1000);
  assert.is(b, B + 2 * S + 1024); // S2, not the lowest free block (S0, off)
  assert.is(bm.switchOns, 0);
  bm.allocate(1);
  bm.allocate(1); // S2 full
  const c = bm.allocate(1); // nothing on has a block: the allocator's own, the lowest free block
  assert.is(c, B);
  assert.is(ons(power), "1010");
  assert.is(bm.validate(), null);
});

test("pack+gate: a bad request is the heap's -EINVAL once (the probe counts nothing), and nothing changes", () => {
  const { heap, bm } = setup();
  for (const [size, al] of [
    [0, undefined],
    [1.5, undefined],
    ["8" as any, undefined],
    [16, 3],
    [16, 0],
  ] as [any, any][]) {
    const before = JSON.stringify(heap.stats());
    assert.is(bm.allocate(size, al), 0);
    assert.is(bm.lastError, -EINVAL);
    const after = heap.stats();
    assert.is(after.failures, JSON.parse(before).failures + 1, "counted once: " + size + ", " + al);
    assert.is(after.used, 0);
  }
  assert.is(heap.validate(), null);
});

// ---------------------------------------------------------------- GranularHeap.fit

test("GranularHeap.fit: bad size, alignment or hint is 0 with lastError -EINVAL and changes nothing else", () => {
  const mem = new ArrayMemory(B, 4 * S);
  const heap = new GranularHeap(mem, { base: B, size: 4 * S });
  heap.allocate(100);
  const calls: string[] = [];
  heap.watch({ onAlloc: () => calls.push("alloc"), onFree: () => calls.push("free") });
  const bad: [any, any, any][] = [
    [0, undefined, undefined],
    [-1, undefined, undefined],
    [1.5, undefined, undefined],
    ["16", undefined, undefined],
    [2 ** 32, undefined, undefined],
    [16, 0, undefined],
    [16, 3, undefined],
    [16, 2.5, undefined],
    [16, "16", undefined],
    [16, undefined, -1],
    [16, undefined, 1.5],
    [16, undefined, "0x20000000"],
    [16, undefined, 2 ** 32],
  ];
  const st = JSON.stringify(heap.stats());
  for (const [size, al, hint] of bad) {
    heap.lastError = 0;
    assert.is(heap.fit(size, al, hint), 0, JSON.stringify([size, al, hint]));
    assert.is(heap.lastError, -EINVAL);
  }
  assert.is(JSON.stringify(heap.stats()), st, "no counter changed");
  assert.equal(calls, []);
  // an alignment no granule of the region has: EINVAL, as allocate says
  const small = new GranularHeap(new ArrayMemory(B, S), { base: B + 16, size: 64 });
  assert.is(small.fit(16, S), 0);
  assert.is(small.lastError, -EINVAL);
  assert.is(small.allocate(16, S), 0);
  assert.is(small.lastError, -EINVAL);
  // no room is an answer, not an error
  heap.lastError = 0;
  assert.is(heap.fit(4 * S), 0);
  assert.is(heap.fit(16, undefined, B + 4 * S), 0); // above the region: nothing at or above it
  assert.is(heap.fit(16, 8 * S), 0); // the only 32 KiB-aligned granule (B) is taken
  assert.is(heap.lastError, 0);
  assert.is(heap.validate(), null);
});

test("GranularHeap.fit: the same address allocate would return, when that is at or above the hint (random heaps, sizes, alignments, hints)", () => {
  const N = 2 * S;
  const step = fc.oneof(
    fc.record({
      t: fc.constant("a" as const),
      size: fc.integer({ min: 1, max: 900 }),
      hint: fc.option(fc.integer({ min: 0, max: N + 64 })),
    }),
    fc.record({ t: fc.constant("f" as const), pick: fc.nat() }),
  );
  const probe = fc.record({
    size: fc.integer({ min: 1, max: 2000 }),
    al: fc.option(fc.constantFrom(16, 32, 64, 256, 1024, 4096)),
    hint: fc.option(fc.integer({ min: 0, max: N + 64 })),
  });
  fc.assert(
    fc.property(
      fc.array(step, { maxLength: 40 }),
      fc.array(probe, { minLength: 1, maxLength: 8 }),
      fc.boolean(),
      (steps, probes, hooks) => {
        const mem = new ArrayMemory(B, N);
        let depth = 0;
        const heap = new GranularHeap(
          mem,
          hooks
            ? {
                base: B,
                size: N,
                enter: () => {
                  depth++;
                },
                exit: () => {
                  depth--;
                },
              }
            : { base: B, size: N },
        );
        const live: number[] = [];
        for (const s of steps) {
          if (s.t === "a") {
            const a = heap.allocate(s.size, undefined, s.hint === null ? undefined : B + s.hint);
            if (a) live.push(a);
          } else if (live.length) assert.is(heap.free(live.splice(s.pick % live.length, 1)[0]), 0);
        }
        for (const p of probes) {
          const hint = p.hint === null ? undefined : B + p.hint,
            al = p.al === null ? undefined : p.al;
          const st = JSON.stringify(heap.stats());
          const f = heap.fit(p.size, al, hint);
          assert.is(depth, 0, "enter and exit in pairs");
          assert.is(JSON.stringify(heap.stats()), st, "fit changes no counter");
          assert.is(heap.validate(), null);
          const a = heap.allocate(p.size, al, hint);
          if (f !== 0) assert.is(a, f, "fit " + f + " vs allocate " + a);
          else
            assert.ok(a === 0 || (hint !== undefined && hint > B && a < hint), "fit 0 while allocate found " + a + " at or above " + hint);
          if (a) assert.is(heap.free(a), 0);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('policy("pack+gate") asks fit once per run of sections on, not once per section', () => {
  const { heap, bm } = setup();
  let n = 0;
  const fit = heap.fit;
  heap.allocate(16); // S0 holds data; S0..S5 are on
  (heap as any).fit = function (this: GranularHeap, a: number, b?: number, c?: number) {
    n++;
    return fit.call(this, a, b, c);
  };
  assert.is(policy("pack+gate").place(bm, 0, 16), B + 16);
  assert.is(n, 1);
  n = 0;
  assert.is(policy("pack+gate").place(bm, 0, 6 * S), 0); // fits nowhere: one probe for S0 (holding data), one for S0..S5 (on); none is off
  assert.is(n, 2);
});

test.run();

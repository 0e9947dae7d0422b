// Surviving System OFF (sim/retention.ts): an allocator's bookkeeping in a
// retained RAM section, System OFF with only the retained sections keeping
// their contents, the wake (a reset: the engine starts again), and the
// program re-attaching with every live allocation intact; the word stores
// that go through the simulated bus (and fault like any access); MemBlocks'
// retained bitmap copy; and the sleep experiment (System OFF with retention
// against System ON).
import "../src/debug/host.js";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { GranularHeap } from "../src/alloc/granular-heap.js";
import { MemoryManager } from "../src/alloc/memory-manager.js";
import { MemBlocks } from "../src/alloc/mem-blocks.js";
import { EFAULT } from "../src/core/errors.js";
import { SimMcu } from "../sim/mcu.js";
import { loadBoard } from "../sim/boards.js";
import { loadExperiment, runExperiment, validateExperiment, type ExperimentSpec } from "../sim/experiment.js";
import {
  BlockMirror,
  granularStoreBytes,
  granularStores,
  rebuildMemBlocks,
  restartEngine,
  retainedWords,
  runSleepExperiment,
  sectionsOf,
  sleepProblems,
  systemOff,
  wake,
  SLEEP_VARIANTS,
} from "../sim/retention.js";
import { handBoard, type HandSection } from "./support/hand-board.js";

const B = 0x20000000,
  K = 1024;
/** Ten 1 KiB sections, all gateable; modes sleep (default), run, sysoff. */
function board(gateAll = true) {
  const s: HandSection[] = [];
  for (let i = 0; i < 10; i++)
    s.push({ name: "RAM" + (i >> 1) + ".S" + (i & 1), base: B + i * K, size: K, gateable: gateAll || i < 9, retention_nA: 5 });
  return handBoard(s);
}
const BOARD = board();
/** The heap over S0..S7, its stores in S9. */
const HEAP = { base: B, size: 8 * K },
  STORES = B + 9 * K;

function fault(fn: () => unknown): any {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return assert.unreachable("expected a bus fault");
}

const tag = (id: number) => ((id * 131 + 7) % 255) + 1;

// ---------------------------------------------------------------- retainedWords

test("retainedWords: elements are signed words read and written through the bus, counted, little-endian", () => {
  const mcu = new SimMcu(BOARD, { initial: "zero" });
  const w = retainedWords(mcu, STORES, 4);
  assert.ok(Array.isArray(w));
  assert.is(w.length, 4);
  w[0] = -1;
  w[1] = 0x80000000;
  w[2] = 7.9;
  assert.is(mcu.read32(STORES), 0xffffffff);
  assert.is(w[1], -2147483648);
  assert.is(w[2], 7);
  mcu.write32(STORES + 12, 0xfffffffe);
  assert.is(w[3], -2);
  assert.is(w[4], undefined, "past the end: undefined, as a typed array");
  w[4] = 5;
  assert.is(mcu.read32(STORES + 16), 0, "a write past the end is ignored");
  (w as any).fill(9, 1, 3);
  assert.equal([w[0], w[1], w[2], w[3]], [-1, 9, 9, -2]);
  assert.ok(mcu.counters()["RAM4.S1"].writes >= 6);
});

test("retainedWords: an access while the section is retained or off faults as any other access, naming the section", () => {
  const mcu = new SimMcu(BOARD, { initial: "zero" });
  const w = retainedWords(mcu, STORES, 4);
  w[0] = 42;
  mcu.setPower(9, "retained");
  let e = fault(() => w[0]);
  assert.is(e.code, "EFAULT");
  assert.is(e.section, "RAM4.S1");
  assert.is(e.state, "retained");
  e = fault(() => {
    w[1] = 3;
  });
  assert.is(e.access, "write");
  mcu.setPower(9, "on");
  assert.is(w[0], 42);
  assert.is(w[1], 0, "the faulting write wrote nothing");
  mcu.setPower(9, "off");
  assert.is(fault(() => w[0]).state, "off");
  const lenient = new SimMcu(BOARD, { strict: false });
  const v = retainedWords(lenient, STORES, 1);
  lenient.setPower(9, "retained");
  assert.type(v[0], "number");
  assert.is(lenient.counters()["RAM4.S1"].faults, 1);
});

test("retainedWords: bad arguments are refused, naming them", () => {
  const mcu = new SimMcu(BOARD);
  assert.throws(() => retainedWords(null as any, STORES, 1), /memory must be a Memory port, got null/);
  assert.throws(() => retainedWords(mcu, 0, 1), /base must be a non-zero word-aligned address, got 0/);
  assert.throws(() => retainedWords(mcu, STORES + 2, 1), /base must be a non-zero word-aligned address, got 536880130/);
  assert.throws(() => retainedWords(mcu, "0x20000000" as any, 1), /base must be a non-zero word-aligned address, got "0x20000000"/);
  assert.throws(() => retainedWords(mcu, STORES, 0), /count must be an integer in \[1, 2\^24\], got 0/);
  assert.throws(() => retainedWords(mcu, STORES, 1.5), /count must be an integer/);
  assert.throws(() => retainedWords(mcu, STORES, 0x1000001), /count must be an integer/);
  assert.throws(() => retainedWords(mcu, B + 10 * K - 4, 2), /the words \[0x200027FC, 0x20002804\) are not all in the memory port's RAM/);
});

test("granularStores: three stores from one address, granularStoreBytes long; bad sizes refused", () => {
  const mcu = new SimMcu(BOARD);
  const st = granularStores(mcu, STORES, 8 * K);
  assert.is(st.used.length, 16);
  assert.is(st.ends.length, 16);
  assert.is(st.state.length, 40);
  assert.is(st.end - STORES, granularStoreBytes(8 * K));
  assert.is(granularStoreBytes(8 * K), 288);
  assert.is(granularStoreBytes(8 * K, 64), (2 * 4 + 40) * 4);
  assert.throws(() => granularStores(mcu, STORES, 8), /size must hold at least one granule, got 8/);
});

// ---------------------------------------------------------------- System OFF and the wake

test("systemOff/wake: retained sections keep their contents, the others lose them; the mode and the current follow; claims end at the wake", () => {
  const mcu = new SimMcu(BOARD, { initial: "zero" });
  mcu.write32(B, 0x11111111);
  mcu.write32(B + K, 0x22222222);
  const heap = new GranularHeap(mcu, { base: B, size: K });
  systemOff(mcu, [0], "sysoff");
  assert.is(mcu.mode(), "sysoff");
  assert.is(mcu.getPower(0), "retained");
  for (let s = 1; s < 10; s++) assert.is(mcu.getPower(s), "off");
  assert.is(mcu.current(), 0.305);
  mcu.advance(100);
  wake(mcu);
  assert.is(mcu.mode(), "sleep");
  for (let s = 0; s < 10; s++) assert.is(mcu.getPower(s), "on");
  assert.is(mcu.read32(B), 0x11111111);
  assert.is.not(mcu.read32(B + K), 0x22222222);
  assert.ok(new GranularHeap(mcu, { base: B, size: K }), "the engine restarted: the old heap's claim is gone");
  assert.ok(heap);
  assert.equal(
    sectionsOf(mcu, [
      { base: B + K - 4, size: 8 },
      { base: B + 9 * K, size: 1 },
    ]),
    [0, 1, 9],
  );
});

test("systemOff/wake: bad arguments are refused and nothing changes; a board with a section that cannot be gated is refused", () => {
  const mcu = new SimMcu(BOARD);
  assert.throws(() => systemOff(mcu, [0]), /mode must be one of sleep, run, sysoff \(modes of HAND\), got "system-off"/);
  assert.throws(() => systemOff(mcu, 0 as any, "sysoff"), /retain must be an array of section indices, got 0/);
  assert.throws(() => systemOff(mcu, [10], "sysoff"), /retain holds 10, not a section index in \[0, 9\]/);
  assert.throws(() => systemOff(mcu, [1.5], "sysoff"), /retain holds 1.5/);
  assert.throws(() => wake(mcu, "deep"), /mode must be one of sleep, run, sysoff/);
  const other = new SimMcu(board(false));
  assert.throws(() => systemOff(other, [0], "sysoff"), /section RAM4.S1 of HAND is not gateable/);
  for (const m of [mcu, other]) {
    assert.is(m.mode(), "sleep");
    for (let s = 0; s < 10; s++) assert.is(m.getPower(s), "on");
  }
  assert.is(mcu.events().length, 0);
});

/** A heap over HEAP with its stores at STORES, fresh or re-attached. */
function heapOn(mcu: SimMcu, attach: boolean): GranularHeap {
  const st = granularStores(mcu, STORES, HEAP.size);
  return new GranularHeap(mcu, { base: HEAP.base, size: HEAP.size, used: st.used, ends: st.ends, state: st.state, attach });
}

type Op = { t: "alloc"; size: number; align: number } | { t: "free"; pick: number } | { t: "sleep"; seconds: number };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant("alloc" as const),
      size: fc.integer({ min: 1, max: 900 }),
      align: fc.constantFrom(0, 16, 64, 256),
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("free" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("sleep" as const), seconds: fc.integer({ min: 1, max: 3600 }) }) },
);

test("GranularHeap survives System OFF: re-attached after every wake, validate() null, every live allocation's bytes intact; model test, both free orders", () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 60 }), fc.boolean(), (ops, fifo) => {
      const mcu = new SimMcu(BOARD, { seed: 4 });
      let heap = heapOn(mcu, false),
        id = 0,
        used = 0;
      const live: { a: number; size: number; id: number }[] = [];
      const buf = new Uint8Array(900);
      const intact = (l: { a: number; size: number; id: number }) => {
        mcu.readBlock(l.a, buf, 0, l.size);
        for (let j = 0; j < l.size; j++) if (buf[j] !== tag(l.id)) return false;
        return true;
      };
      for (const op of ops) {
        if (op.t === "alloc") {
          const a = op.align ? heap.allocate(op.size, op.align) : heap.allocate(op.size);
          if (a !== 0) {
            assert.ok(a >= HEAP.base && a + op.size <= HEAP.base + HEAP.size);
            if (op.align) assert.is(a % op.align, 0);
            for (const l of live) assert.ok(a + op.size <= l.a || l.a + l.size <= a, "no overlap");
            const l = { a, size: op.size, id: id++ };
            mcu.fill(a, op.size, tag(l.id));
            live.push(l);
            used += Math.ceil(op.size / 16) * 16;
          }
        } else if (op.t === "free") {
          if (live.length === 0) {
            assert.is(heap.free(HEAP.base + 16), -EFAULT);
            continue;
          }
          const k = fifo ? op.pick % Math.min(live.length, 2) : live.length - 1 - (op.pick % Math.min(live.length, 2));
          const l = live[k];
          assert.ok(intact(l), "pattern intact at free");
          assert.is(heap.free(l.a), 0);
          assert.is(heap.free(l.a), -EFAULT, "a double free is refused");
          live.splice(k, 1);
          used -= Math.ceil(l.size / 16) * 16;
        } else {
          const keep = sectionsOf(
            mcu,
            [{ base: STORES, size: granularStoreBytes(HEAP.size) }].concat(live.map((l) => ({ base: l.a, size: l.size }))),
          );
          systemOff(mcu, keep, "sysoff");
          assert.is(fault(() => heap.allocate(16)).section, "RAM4.S1", "the asleep heap's stores fault");
          mcu.advance(op.seconds);
          wake(mcu);
          heap = heapOn(mcu, true);
          for (const l of live) assert.ok(intact(l), "pattern intact after the wake");
        }
        assert.is(heap.validate(), null);
        const s = heap.stats();
        assert.is(s.used, used);
        assert.is(s.count, live.length);
      }
    }),
    { numRuns: 120 },
  );
});

test("GranularHeap: the stores not retained (or lost) make the re-attach fail, or validate() name the damage", () => {
  const mcu = new SimMcu(BOARD, { seed: 2 });
  const heap = heapOn(mcu, false);
  const a = heap.allocate(100);
  assert.ok(a);
  systemOff(mcu, [0], "sysoff"); // the data kept, the stores (RAM4.S1) not
  wake(mcu);
  assert.throws(() => heapOn(mcu, true), /state must hold a heap of 512 granules of 16 bytes to attach to/);
  // A heap of another geometry over the same stores is refused too.
  const h2 = heapOn(mcu, false);
  h2.allocate(10);
  restartEngine(mcu);
  const st = granularStores(mcu, STORES, HEAP.size);
  assert.throws(
    () =>
      new GranularHeap(mcu, { base: HEAP.base, size: HEAP.size, granule: 32, used: st.used, ends: st.ends, state: st.state, attach: true }),
    /state must hold a heap of 256 granules of 32 bytes to attach to, got 512 of 16/,
  );
});

test("MemoryManager survives System OFF with both heaps' stores retained (a new shared name: the name registry belongs to the engine that restarted)", () => {
  const mcu = new SimMcu(BOARD, { seed: 6 });
  const N = { base: B, size: 5 * K },
    S = { base: B + 5 * K, size: 3 * K };
  const boot = (attach: boolean, name: string) => {
    const sn = granularStores(mcu, STORES, N.size),
      ss = granularStores(mcu, sn.end, S.size);
    return new MemoryManager(mcu, {
      ...N,
      used: sn.used,
      ends: sn.ends,
      state: sn.state,
      attach,
      shared: { name, ...S, used: ss.used, ends: ss.ends, state: ss.state, attach },
    });
  };
  let mm = boot(false, "retention-a");
  const a = mm.allocate(300),
    b = mm.allocateShared(200);
  mcu.fill(a, 300, 0x5a);
  mcu.fill(b, 200, 0xa5);
  systemOff(
    mcu,
    sectionsOf(mcu, [
      { base: STORES, size: 1024 },
      { base: a, size: 300 },
      { base: b, size: 200 },
    ]),
    "sysoff",
  );
  mcu.advance(60);
  wake(mcu);
  mm = boot(true, "retention-b");
  assert.is(mm.validate(), null);
  assert.is(mm.memoryType(a), "NORMAL");
  assert.is(mm.memoryType(b), "SHARED");
  assert.is(mm.stats().count, 2);
  assert.is(mcu.read8(a + 299), 0x5a);
  assert.is(mcu.read8(b + 199), 0xa5);
  assert.is(mm.free(a), 0);
  assert.is(mm.free(b), 0);
  assert.is(mm.free(b), -EFAULT);
});

// ---------------------------------------------------------------- MemBlocks' retained bitmap copy

test("MemBlocks survives System OFF through BlockMirror: every verb recorded, the runs claimed again with get() after the wake", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.record({ t: fc.constant("one" as const) }),
          fc.record({ t: fc.constant("run" as const), n: fc.integer({ min: 1, max: 9 }) }),
          fc.record({ t: fc.constant("free" as const), pick: fc.nat() }),
          fc.record({ t: fc.constant("sleep" as const) }),
        ),
        { maxLength: 50 },
      ),
      (ops) => {
        const mcu = new SimMcu(BOARD, { seed: 8 });
        const geo = { base: B, size: 8 * K, blockSize: 64 };
        let mb = new MemBlocks(mcu, geo);
        let mirror = new BlockMirror(mcu, STORES, mb);
        mb.watch(mirror);
        const live: { a: number; n: number; id: number }[] = [];
        let id = 0;
        for (const op of ops) {
          if (op.t === "one" || op.t === "run") {
            const n = op.t === "one" ? 1 : op.n,
              a = n === 1 ? mb.allocBlock() : mb.allocContiguous(n);
            if (a) {
              live.push({ a, n, id: id++ });
              mcu.fill(a, n * 64, tag(id - 1));
            }
          } else if (op.t === "free" && live.length > 0) {
            const k = op.pick % live.length,
              l = live[k];
            assert.is(l.n === 1 ? mb.freeBlock(l.a) : mb.freeContiguous(l.a, l.n), 0);
            live.splice(k, 1);
          } else if (op.t === "sleep") {
            systemOff(
              mcu,
              sectionsOf(mcu, [{ base: STORES, size: BlockMirror.bytes(128) }].concat(live.map((l) => ({ base: l.a, size: l.n * 64 })))),
              "sysoff",
            );
            wake(mcu);
            mb = new MemBlocks(mcu, geo);
            mirror = new BlockMirror(mcu, STORES, mb, false);
            assert.is(rebuildMemBlocks(mb, mirror), null);
            for (const l of live) for (let j = 0; j < l.n * 64; j += 61) assert.is(mcu.read8(l.a + j), tag(l.id));
          }
          assert.is(mb.validate(), null);
          assert.is(
            mb.stats().count,
            live.reduce((c, l) => c + l.n, 0),
          );
          assert.ok(typeof mirror.runs() !== "string");
        }
      },
    ),
    { numRuns: 100 },
  );
});

test("BlockMirror: a flipped bit or count is found and nothing is claimed; another geometry is refused; bad arguments", () => {
  const mcu = new SimMcu(BOARD, { seed: 8 });
  const mb = new MemBlocks(mcu, { base: B, size: 8 * K, blockSize: 64 });
  const m = new BlockMirror(mcu, STORES, mb);
  mb.watch(m);
  mb.allocContiguous(3);
  assert.equal(m.runs(), [[B, 3]]);
  mcu.write32(STORES + 4, 0xf); // a fourth bit
  restartEngine(mcu);
  const fresh = new MemBlocks(mcu, { base: B, size: 8 * K, blockSize: 64 });
  assert.is(rebuildMemBlocks(fresh, new BlockMirror(mcu, STORES, fresh, false)), "mirror count 3 differs from the 4 blocks it marks");
  assert.is(fresh.stats().count, 0, "nothing claimed");
  const odd = new BlockMirror(mcu, STORES + 64, { base: B, blockSize: 64, numBlocks: 100 });
  mcu.write32(STORES + 64 + 16, 1 << 4); // bit 100 of a mirror of 100 blocks: past the end
  assert.match(String(odd.runs()), /mirror bit 100 is set past the last block \(100 blocks\)/);
  assert.match(
    String(rebuildMemBlocks(fresh, new BlockMirror(mcu, STORES, { base: B, blockSize: 32, numBlocks: 256 }, false))),
    /the mirror records 256 blocks of 32 B at 0x20000000, the allocator has 128 of 64 B/,
  );
  assert.throws(() => new BlockMirror(mcu, STORES, null as any), /geometry must be \{base, blockSize, numBlocks\}/);
  assert.throws(() => new BlockMirror(mcu, STORES, { base: B, blockSize: 64, numBlocks: 0 }), /numBlocks must be an integer >= 1, got 0/);
  assert.throws(() => new BlockMirror(mcu, 3, mb), /base must be a non-zero word-aligned address/);
  assert.is(BlockMirror.bytes(128), 20);
});

// ---------------------------------------------------------------- the sleep experiment

/** experiments/system-off.json (Bangle.js 2, a firmware layout that leaves twelve 4 KiB sections free), four hours. */
const SPEC: ExperimentSpec = {
  ...loadExperiment(fileURLToPath(new URL("../experiments/system-off.json", import.meta.url))).spec,
  durationSeconds: 4 * 3600,
};

test("sleep experiment: System OFF with retention against System ON; every wake re-attaches with every kept burst intact; figures from the board file", () => {
  const r = runExperiment(SPEC);
  assert.equal(
    r.policies.map((p) => p.policy),
    SLEEP_VARIANTS.slice(),
  );
  for (const p of r.policies) {
    assert.is(p.dataErrors, 0);
    assert.is(p.failures, 0);
  }
  const [on, gated, off] = r.policies;
  const b = loadBoard("BANGLEJS2"),
    v = b.voltage.value;
  // All on in System ON idle: the board's full-retention figure, 3.16 uA, all the time.
  assert.ok(Math.abs(on.avgCurrent_uA - 3.16) < 1e-9);
  // System OFF: its own 0.40 uA the whole time, plus the retained sections.
  assert.ok(Math.abs(off.energy.base_uJ - 0.4 * SPEC.durationSeconds! * v) < 1e-6);
  assert.ok(off.energy.total_uJ < gated.energy.total_uJ && gated.energy.total_uJ < on.energy.total_uJ);
  assert.ok(off.avgSectionsOn >= 1 && off.avgSectionsOn < r.sections.length);
  assert.is(off.retentionVsOracle, 1, "the heap keeps its data as low as the bound");
  assert.match(r.limits.join(" "), /pays off while one wake \(boot and re-attach\) costs less than that/);
  assert.equal(runExperiment(SPEC), r, "deterministic");
});

test("sleep experiment: experiments/system-off.json loads and runs; the spec's own rules name the field", () => {
  assert.equal(SPEC.sleep, { seconds: 600, burstBytes: 1024, keep: 24, offMode: "system-off" });
  const bad = (d: any) => {
    try {
      validateExperiment(d, "x.json");
    } catch (e) {
      return (e as Error).message;
    }
    return "";
  };
  assert.match(bad({ ...SPEC, workload: { kind: "sensor-logger" } }), /\/workload: a sleep experiment runs its own burst program/);
  assert.match(
    bad({ ...SPEC, allocator: { kind: "memblocks", region: "free" } }),
    /\/allocator\/kind: a sleep experiment keeps a granular heap's bookkeeping in retained RAM; expected "granular", got "memblocks"/,
  );
  assert.match(bad({ ...SPEC, policies: ["all-on"] }), /\/policies: a sleep experiment compares all-on, gate-empty, system-off/);
  assert.match(bad({ ...SPEC, durationSeconds: undefined }), /\/durationSeconds: missing/);
  assert.match(bad({ ...SPEC, sleep: { seconds: 0, burstBytes: 1, keep: 1 } }), /\/sleep\/seconds: expected a value > 0/);
  assert.match(bad({ ...SPEC, sleep: { seconds: 1, keep: 1 } }), /\/sleep\/burstBytes: missing/);
  assert.equal(sleepProblems(SPEC), []);
});

test("sleep experiment: a spec that was not validated is refused naming the field", () => {
  const b = loadBoard("BANGLEJS2"),
    region = { base: 0x20030000, size: 0x8000 };
  const run = (s: any) => () => runSleepExperiment({ ...SPEC, ...s }, b, region);
  assert.throws(run({ sleep: null }), /sleep must be an object \{seconds, burstBytes, keep, offMode\?\}, got null/);
  assert.throws(run({ sleep: { seconds: -1, burstBytes: 8, keep: 1 } }), /sleep.seconds must be a number in \[0.001, 31536000\], got -1/);
  assert.throws(run({ sleep: { seconds: 60, burstBytes: 0.5, keep: 1 } }), /sleep.burstBytes must be an integer/);
  assert.throws(run({ sleep: { seconds: 60, burstBytes: 8, keep: 0 } }), /sleep.keep must be an integer in \[1, 65536\], got 0/);
  assert.throws(
    run({ sleep: { seconds: 60, burstBytes: 8, keep: 1, offMode: "hibernate" } }),
    /sleep.offMode must be one of system-on-idle, system-off/,
  );
  assert.throws(run({ powerMode: "turbo" }), /powerMode must be one of/);
  assert.throws(run({ durationSeconds: 0 }), /durationSeconds must be a number/);
  assert.throws(
    run({ allocator: { kind: "onesize", region: "free" } }),
    /allocator.kind: a sleep experiment keeps a granular heap's bookkeeping/,
  );
  assert.throws(
    () => runSleepExperiment({ ...SPEC, sleep: { seconds: 60, burstBytes: 8, keep: 1 } }, b, { base: 0x20030000, size: 64 }),
    /allocator region of 64 bytes leaves no room for a heap after its 168 bytes of bookkeeping/,
  );
  assert.throws(run({ sleep: { seconds: 60, burstBytes: 8, keep: 65536 } }), /the heap cannot hold the program's index of 524296 bytes/);
});

test.run();

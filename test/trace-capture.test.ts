// The board-side trace recorder (src/debug/trace.ts): what it writes parses
// as a trace of sim/trace.ts, holds the live bytes of the allocators it
// watches at every instant (partial frees included), and replays in the
// simulator under every policy.
import "../src/debug/host.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { TraceRecorder } from "../src/debug/trace.js";
import { MemBlocks } from "../src/alloc/mem-blocks.js";
import { GranularHeap } from "../src/alloc/granular-heap.js";
import { ArrayMemory, StatePower } from "../src/hal/array-memory.js";
import { BankManager } from "../src/power/bank-manager.js";
import { parseTrace } from "../sim/trace.js";
import { OP_ALLOC } from "../sim/workloads.js";
import { runExperiment } from "../sim/experiment.js";
import { POLICY_NAMES } from "../sim/results.js";
import { throwsCode } from "./support/memory-contract.js";

/** A recorder writing into `lines`, on a clock the test moves. */
function recorder(board = "PUCKJS", note?: string) {
  const lines: string[] = [];
  const clock = { t: 100 };
  const rec = new TraceRecorder(
    board,
    (l: string) => {
      lines.push(l);
    },
    { now: () => clock.t, note },
  );
  return { rec, lines, clock };
}

/** Live bytes after each event of a parsed trace, by id. */
function liveBytes(text: string): number {
  const tr = parseTrace(text, "captured");
  const sizes = new Map<number, number>();
  let live = 0;
  const ev = tr.events;
  for (let i = 0; i < ev.n; i++) {
    if (ev.op[i] === OP_ALLOC) {
      sizes.set(ev.id[i], ev.a[i]);
      live += ev.a[i];
    } else {
      live -= sizes.get(ev.id[i])!;
      sizes.delete(ev.id[i]);
    }
  }
  return live;
}

test("the header first, then one line per allocation and free, with ids for addresses and seconds since construction", () => {
  const { rec, lines, clock } = recorder("PUCKJS", "magnetometer, 1 Hz");
  const mem = new ArrayMemory(0x2000c000, 4096);
  const blocks = new MemBlocks(mem, { base: 0x2000c000, size: 4096, blockSize: 64 });
  assert.is(blocks.watch(rec), 0);
  clock.t = 100.5;
  const a = blocks.allocate(10);
  clock.t = 100.75;
  const b = blocks.allocBlock();
  clock.t = 101.0004;
  blocks.free(a);
  clock.t = 103;
  blocks.freeBlock(b);
  assert.equal(lines, [
    '{"ramkit-trace":1,"board":"PUCKJS","note":"magnetometer, 1 Hz"}',
    '{"t":0.5,"op":"alloc","id":1,"size":64}',
    '{"t":0.75,"op":"alloc","id":2,"size":64}',
    '{"t":1,"op":"free","id":1}',
    '{"t":3,"op":"free","id":2}',
  ]);
  assert.is(rec.lines, 4);
  const tr = parseTrace(lines.join("\n"), "captured");
  assert.equal([tr.board, tr.note, tr.allocs, tr.frees], ["PUCKJS", "magnetometer, 1 Hz", 2, 2]);
});

test("a free of part of a run: the run's free, then allocations of what stays live, at the same time", () => {
  const { rec, lines, clock } = recorder();
  const mem = new ArrayMemory(0x20000000, 1024);
  const blocks = new MemBlocks(mem, { base: 0x20000000, size: 1024, blockSize: 32 });
  blocks.watch(rec);
  const run = blocks.allocContiguous(6);
  clock.t = 101;
  assert.is(blocks.freeBlock(run + 64), 0); // the third block: a part below and a part above stay
  clock.t = 102;
  assert.is(blocks.freeBlock(run), 0); // the first block of the part below
  clock.t = 103;
  assert.is(blocks.freeBlock(run + 5 * 32), 0); // the last block of the part above
  assert.equal(lines.slice(1), [
    '{"t":0,"op":"alloc","id":1,"size":192}',
    '{"t":1,"op":"free","id":1}',
    '{"t":1,"op":"alloc","id":2,"size":64}',
    '{"t":1,"op":"alloc","id":3,"size":96}',
    '{"t":2,"op":"free","id":2}',
    '{"t":2,"op":"alloc","id":4,"size":32}',
    '{"t":3,"op":"free","id":3}',
    '{"t":3,"op":"alloc","id":5,"size":64}',
  ]);
  assert.is(liveBytes(lines.join("\n")), blocks.stats().used);
});

test("times: whole milliseconds, never decreasing (a clock set back, or NaN, repeats the last time)", () => {
  const { rec, lines, clock } = recorder();
  const heap = new GranularHeap(new ArrayMemory(0x20000000, 1024), { base: 0x20000000, size: 1024 });
  heap.watch(rec);
  for (const t of [100.0004, 100.0006, 101.2346, 99, NaN, 101.5]) {
    clock.t = t;
    heap.allocate(16);
  }
  assert.equal(
    lines.slice(1).map((l) => JSON.parse(l).t),
    [0, 0.001, 1.235, 1.235, 1.235, 1.5],
  );
  parseTrace(lines.join("\n"), "captured");
});

test("sinks: a line function; an object with write (a StorageFile) gets each line with its newline; the console by default", () => {
  const written: string[] = [];
  const rec = new TraceRecorder(
    "BANGLEJS2",
    {
      write: (s: string) => {
        written.push(s);
      },
    },
    { now: () => 5 },
  );
  rec.onAlloc(0x20000000, 16);
  assert.equal(written, ['{"ramkit-trace":1,"board":"BANGLEJS2"}\n', '{"t":0,"op":"alloc","id":1,"size":16}\n']);
  const g = globalThis as any,
    printed: string[] = [];
  g.print = (s: string) => {
    printed.push(s);
  };
  try {
    new TraceRecorder("PIXLJS", undefined, { now: () => 0 });
  } finally {
    delete g.print;
  }
  assert.equal(printed, ['{"ramkit-trace":1,"board":"PIXLJS"}']);
  const logged: string[] = [],
    log = console.log;
  console.log = (s: string) => {
    logged.push(s);
  };
  try {
    new TraceRecorder("MDBT42Q", undefined, { now: () => 0 });
  } finally {
    console.log = log;
  }
  assert.equal(logged, ['{"ramkit-trace":1,"board":"MDBT42Q"}']);
});

test("the engine's clock: getTime() where Espruino has it, else Date.now()", () => {
  const g = globalThis as any,
    lines: string[] = [];
  let t = 50;
  g.getTime = () => t;
  try {
    const rec = new TraceRecorder("PUCKJS", (l: string) => {
      lines.push(l);
    });
    t = 52.25;
    rec.onAlloc(0x20000000, 8);
  } finally {
    delete g.getTime;
  }
  assert.is(JSON.parse(lines[1]).t, 2.25);
  const rec = new TraceRecorder("PUCKJS", (l: string) => {
    lines.push(l);
  });
  rec.onAlloc(0x20000000, 8);
  assert.ok(JSON.parse(lines[3]).t >= 0);
});

test("a free the recorder never saw allocated is counted, not written", () => {
  const { rec, lines } = recorder();
  rec.onFree(0x20000040, 32);
  assert.is(rec.unknown, 1);
  assert.is(lines.length, 1);
});

test("bad arguments: EINVAL naming them", () => {
  for (const b of ["", null, undefined, 5, {}]) throwsCode(() => new TraceRecorder(b as any, () => {}), "EINVAL", /board must be/);
  for (const o of [5, "print", null, {}, { write: 1 }]) throwsCode(() => new TraceRecorder("PUCKJS", o as any), "EINVAL", /out must be/);
  throwsCode(() => new TraceRecorder("PUCKJS", () => {}, { now: 5 as any }), "EINVAL", /options\.now/);
  throwsCode(() => new TraceRecorder("PUCKJS", () => {}, { note: 5 as any }), "EINVAL", /options\.note/);
});

test("through a bank manager: every managed allocator, and the pieces a forced switch-off frees", () => {
  const { rec, lines, clock } = recorder("HAND");
  const specs = [0, 1, 2, 3].map((i) => ({ name: "S" + i, base: 0x20000000 + i * 256, size: 256, gateable: true }));
  const power = new StatePower(specs),
    mem = new ArrayMemory(0x20000000, 1024);
  const blocks = new MemBlocks(mem, { base: 0x20000000, size: 512, blockSize: 32 });
  const heap = new GranularHeap(mem, { base: 0x20000200, size: 512 });
  const bm = new BankManager(power, { policy: "gate-empty" });
  bm.manage(blocks);
  bm.manage(heap);
  bm.watch(rec);
  blocks.allocContiguous(12); // 384 bytes over S0 and S1
  heap.allocate(100);
  clock.t = 101;
  const lost: any[] = [];
  assert.is(bm.powerOff(1, true, lost), 1);
  assert.is(liveBytes(lines.join("\n")), bm.stats().used);
  assert.is(bm.stats().used, blocks.stats().used + heap.stats().used);
});

test("model: random MemBlocks verbs with the recorder attached; the trace's live bytes equal the allocator's at every step", () => {
  const op = fc.oneof(
    fc.record({ k: fc.constant("block") }),
    fc.record({ k: fc.constant("run"), n: fc.integer({ min: 1, max: 6 }) }),
    fc.record({ k: fc.constant("freeBlock"), i: fc.nat() }),
    fc.record({ k: fc.constant("free"), i: fc.nat() }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), fc.boolean(), (ops, fifo) => {
      const { rec, lines, clock } = recorder();
      const blocks = new MemBlocks(new ArrayMemory(0x20000000, 2048), { base: 0x20000000, size: 2048, blockSize: 32 });
      blocks.watch(rec);
      const starts: number[] = [];
      for (const o of ops) {
        clock.t += 0.25;
        if (o.k === "block") {
          const a = blocks.allocBlock();
          if (a) starts.push(a);
        } else if (o.k === "run") {
          const a = blocks.allocContiguous(o.n);
          if (a) for (let j = 0; j < o.n; j++) starts.push(a + 32 * j);
        } else if (starts.length) {
          const j = fifo ? 0 : o.i % starts.length;
          const a = starts.splice(j, 1)[0];
          assert.is(o.k === "freeBlock" ? blocks.freeBlock(a) : blocks.freeBlocks(1, [a]), 0);
        }
        assert.is(liveBytes(lines.join("\n")), blocks.stats().used);
      }
    }),
    { numRuns: 100 },
  );
});

test("a recorded trace replays in the simulator under every policy", () => {
  const { rec, lines, clock } = recorder("BANGLEJS2");
  const heap = new GranularHeap(new ArrayMemory(0x20000000, 8192), { base: 0x20000000, size: 8192 });
  heap.watch(rec);
  const live: number[] = [];
  for (let i = 0; i < 200; i++) {
    clock.t += 0.5;
    live.push(heap.allocate(16 + ((i * 37) % 300)));
    if (i % 3 === 2) heap.free(live.splice(i % live.length, 1)[0]);
  }
  const text = lines.join("\n") + "\n";
  const r = runExperiment(
    { board: "BANGLEJS2", allocator: { kind: "granular", region: "free" }, trace: "captured.jsonl" },
    { traceText: text },
  );
  assert.equal(
    r.policies.map((p) => p.policy),
    POLICY_NAMES.slice(),
  );
  for (const p of r.policies) {
    assert.is(p.failures, 0, p.policy + " failures");
    assert.is(p.dataErrors || 0, 0, p.policy + " data errors");
  }
});

test.run();

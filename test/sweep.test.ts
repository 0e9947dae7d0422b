// Sweeps (sim/sweep.ts): the sweep file and its errors, the grid's tasks,
// deterministic slices, a small sweep on two worker threads (its rows equal
// the same experiments run in this thread), a shard/merge round trip through
// the command line (the merged CSV and JSON equal the unsharded run's), merge
// errors, and the command line's usage errors.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  validateSweep,
  loadSweep,
  sweepTasks,
  parseShard,
  shardTasks,
  runSweep,
  mergeSweeps,
  runSweepCli,
  sweepRows,
  SweepPool,
  type SweepOutput,
} from "../sim/sweep.js";
import { runExperiment } from "../sim/experiment.js";
import { summaryRows } from "../sim/report-summary.js";
import { POLICY_NAMES } from "../sim/results.js";

const EXAMPLE = fileURLToPath(new URL("../experiments/sweep-example.json", import.meta.url));
const example = JSON.parse(readFileSync(EXAMPLE, "utf8"));
const tmp = () => mkdtempSync(join(tmpdir(), "ramkit-sweep-"));

/** A small grid: Bangle.js 2 (the example's firmware layout) x 2 workloads x 2 seeds, 10 simulated minutes. */
const SMALL = {
  name: "small",
  durationSeconds: 600,
  workloads: [{ kind: "ble-packets" }, "mixed-heap"],
  boards: [example.boards[1]],
  seeds: [1, 2],
};

function capture() {
  const log: string[] = [],
    error: string[] = [];
  return { out: { log: (t: string) => log.push(t), error: (t: string) => error.push(t) }, log, error };
}

function errorOf(f: () => unknown): any {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.unreachable("no error");
}

test("the sweep file: short forms expanded, defaults filled in", () => {
  const s = validateSweep(
    { name: "x", durationSeconds: 60, workloads: ["dma-sg", { kind: "sensor-logger", params: { sampleHz: 2 } }], boards: ["PUCKJS"] },
    "f.json",
  );
  assert.equal(s, {
    name: "x",
    durationSeconds: 60,
    policies: POLICY_NAMES.slice(),
    workloads: [
      { kind: "dma-sg", allocator: { kind: "memblocks" } },
      { kind: "sensor-logger", allocator: { kind: "memblocks" }, params: { sampleHz: 2 } },
    ],
    boards: [{ board: "PUCKJS", region: "free" }],
    seeds: [1],
  });
  const e = loadSweep(EXAMPLE);
  assert.is(e.boards.length, 2);
  assert.equal(
    e.boards.map((b) => b.board),
    ["PUCKJS", "BANGLEJS2"],
  );
  assert.equal(
    e.workloads.map((w) => w.kind),
    ["sensor-logger", "ble-packets", "dma-sg", "mixed-heap"],
  );
  assert.equal(e.policies, POLICY_NAMES.slice());
  assert.equal(e.seeds, [1]);
});

test("the sweep file: every error names the file and the field", () => {
  const base = { name: "x", durationSeconds: 60, workloads: ["dma-sg"], boards: ["PUCKJS"] };
  const cases: [unknown, string | RegExp][] = [
    [5, "f.json: /: expected an object, got 5"],
    [{ ...base, name: undefined }, "f.json: /name: missing"],
    [{ ...base, durationSeconds: -1 }, "f.json: /durationSeconds: must be > 0, got -1"],
    [{ ...base, workloads: [] }, "f.json: /workloads: expected at least 1 item, got []"],
    [{ ...base, workloads: ["dma-sg", 5] }, "f.json: /workloads/1: expected a workload name or an object, got 5"],
    [
      { ...base, workloads: ["video"] },
      /^EINVAL: f\.json: \/workloads\/0\/kind: expected one of sensor-logger, ble-packets, dma-sg, mixed-heap, got "video"$/,
    ],
    [
      { ...base, workloads: [{ kind: "dma-sg", allocator: { kind: "onesize" } }] },
      'f.json: /workloads/0/allocator/kind: workload dma-sg runs on memblocks, got "onesize"',
    ],
    [{ ...base, workloads: [{ kind: "dma-sg", allocater: {} }] }, "f.json: /workloads/0/allocater: unknown field"],
    [{ ...base, boards: ["NOSUCH"] }, /^EINVAL: f\.json: \/boards\/0\/board: unknown board "NOSUCH"; valid boards: .*BANGLEJS2/],
    [{ ...base, boards: [{ board: "PUCKJS", base: "0x20004000" }] }, 'f.json: /boards/0: expected both "base" and "size", or neither'],
    [{ ...base, policies: ["all-on", "greedy"] }, /\/policies\/1: expected one of all-on, heap-top, gate-empty, pack\+gate, got "greedy"/],
    [{ ...base, seeds: [1, 1] }, /\/seeds: items 0 and 1 are the same/],
    [{ ...base, seeds: [1.5] }, "f.json: /seeds/0: expected an integer, got 1.5"],
    [{ ...base, extra: 1 }, "f.json: /extra: unknown field"],
    [
      { name: "", durationSeconds: "x", workloads: ["dma-sg"], boards: ["PUCKJS"] },
      /^EINVAL: f\.json: 2 problems:\n {2}\/name: expected a non-empty string, got ""\n {2}\/durationSeconds: expected a number, got "x"$/,
    ],
  ];
  for (const [data, msg] of cases) {
    const e = errorOf(() => validateSweep(data, "f.json"));
    assert.is(e.code, "EINVAL");
    if (typeof msg === "string") assert.is(e.message, "EINVAL: " + msg);
    else assert.match(e.message, msg);
  }
  const dir = tmp();
  writeFileSync(join(dir, "bad.json"), '{\n  "name": "x",\n  oops\n}');
  assert.match(errorOf(() => loadSweep(join(dir, "bad.json"))).message, /bad\.json: line 3, column 3: expected valid JSON/);
  assert.is(errorOf(() => loadSweep(join(dir, "none.json"))).code, "ENOENT");
});

test("sweepTasks: board-major order; each task checked as an experiment, errors naming board, workload and seed", () => {
  const spec = validateSweep(SMALL, "small");
  const tasks = sweepTasks(spec);
  assert.equal(
    tasks.map((t) => [t.index, t.board, t.workload, t.seed]),
    [
      [0, "BANGLEJS2", "ble-packets", 1],
      [1, "BANGLEJS2", "ble-packets", 2],
      [2, "BANGLEJS2", "mixed-heap", 1],
      [3, "BANGLEJS2", "mixed-heap", 2],
    ],
  );
  assert.equal(tasks[2].spec.allocator, { kind: "granular", region: "free" });
  assert.is(tasks[2].spec.firmware, example.boards[1].firmware);
  assert.equal(tasks[0].spec.policies, POLICY_NAMES.slice());
  const bad = validateSweep({ ...SMALL, workloads: [{ kind: "mixed-heap", params: { minBytes: -3 } }] }, "small");
  const e = errorOf(() => sweepTasks(bad, "small.json"));
  assert.match(
    e.message,
    /^EINVAL: small\.json: the experiment of \/boards\/0 \(BANGLEJS2\) × \/workloads\/0 \(mixed-heap\) × seed 1: \/workload\/params\/minBytes: /,
  );
});

test("slices: K/N parsed strictly; the slices partition the tasks, deterministically", () => {
  assert.equal(parseShard("2/3"), { index: 2, count: 3 });
  for (const bad of ["0/2", "3/2", "1/0", "a/b", "1", "1/2/3", " 1/2", "-1/2"]) {
    assert.match(errorOf(() => parseShard(bad)).message, /--shard must be K\/N with 1 <= K <= N/, bad);
  }
  const tasks = Array.from({ length: 11 }, (_v, index) => ({ index }));
  for (const n of [1, 2, 3, 5, 11, 12]) {
    const seen: number[] = [];
    for (let k = 1; k <= n; k++) {
      const mine = shardTasks(tasks, { index: k, count: n });
      assert.equal(mine, shardTasks(tasks, { index: k, count: n }), "deterministic");
      seen.push(...mine.map((t) => t.index));
    }
    assert.equal(
      seen.sort((a, b) => a - b),
      tasks.map((t) => t.index),
      "every task in exactly one slice of " + n,
    );
  }
  assert.equal(shardTasks(tasks, null), tasks);
});

test("runSweep on 2 worker threads: rows in task order, equal to the same experiments run in this thread", async () => {
  const spec = validateSweep(SMALL, "small");
  const seen: number[] = [];
  const out = await runSweep(spec, {
    workers: 2,
    onTask: (done, total) => {
      seen.push(done);
      assert.is(total, 4);
    },
  });
  assert.equal(seen, [1, 2, 3, 4]);
  assert.is(out.tasks, 4);
  assert.is(out.shard, null);
  assert.equal(
    out.results.map((r) => r.task),
    [0, 1, 2, 3],
  );
  const tasks = sweepTasks(spec);
  for (const t of [tasks[0], tasks[3]]) {
    assert.equal(out.results[t.index].rows, summaryRows(runExperiment(t.spec)), "task " + t.index);
  }
  const rows = sweepRows(out);
  assert.is(rows.length, 4 * (POLICY_NAMES.length + 1));
  assert.equal(
    rows.slice(0, 5).map((r) => r.policy),
    ["all-on", "heap-top", "gate-empty", "pack+gate", "oracle"],
  );
  try {
    await runSweep(spec, { workers: 0 });
    assert.unreachable();
  } catch (e: any) {
    assert.match(e.message, /workers must be an integer >= 1, got 0/);
  }
});

test("SweepPool: one pool runs several sweeps and a slice, with the rows of a sweep on its own pool, and is left running; bad worker counts and set-up errors", async () => {
  const spec = validateSweep({ ...SMALL, durationSeconds: 120 }, "small");
  const own = await runSweep(spec, { workers: 2 });
  const pool = new SweepPool(2);
  try {
    assert.is(pool.workers, 2);
    const first = await runSweep(spec, { pool });
    const second = await runSweep(spec, { pool, workers: 2 });
    assert.equal(first, own);
    assert.equal(second, own);
    const slice = await runSweep(spec, { pool, shard: { index: 2, count: 3 } });
    assert.equal(
      slice.results.map((r) => r.task),
      [1],
    );
    assert.equal(slice.results[0].rows, own.results[1].rows);
    for (const [options, re] of [
      [{ pool, workers: 3 }, /^EINVAL: workers \(3\) differs from the pool's 2$/],
      [{ pool, workers: 1.5 }, /^EINVAL: workers must be an integer >= 1, got 1\.5$/],
    ] as const) {
      try {
        await runSweep(spec, options);
        assert.unreachable("expected a throw");
      } catch (e: any) {
        assert.is(e.code, "EINVAL");
        assert.match(e.message, re);
      }
    }
    // A set-up error (an experiment the sweep file passes through is bad) on
    // a given pool leaves it running, and on a pool of its own stops it (the
    // test would not end otherwise).
    const bad = validateSweep({ ...SMALL, workloads: [{ kind: "mixed-heap", params: { minBytes: -3 } }] }, "small");
    for (const options of [{ pool }, { workers: 2 }]) {
      try {
        await runSweep(bad, options, "small.json");
        assert.unreachable("expected a throw");
      } catch (e: any) {
        assert.match(
          e.message,
          /^EINVAL: small\.json: the experiment of \/boards\/0 \(BANGLEJS2\) × \/workloads\/0 \(mixed-heap\) × seed 1: /,
        );
      }
    }
    assert.equal(await runSweep(spec, { pool }), own, "the pool still runs sweeps after the errors");
  } finally {
    await pool.destroy();
  }
  for (const w of [0, -1, 1.5, NaN, "2" as any]) {
    try {
      new SweepPool(w);
      assert.unreachable("expected a throw");
    } catch (e: any) {
      assert.is(e.code, "EINVAL");
      assert.match(e.message, /^EINVAL: workers must be an integer >= 1, got /);
    }
  }
});

test("CLI: a sweep, its two slices and their merge; the merged CSV and JSON equal the unsharded run's", async () => {
  const dir = tmp();
  const file = join(dir, "small.json");
  writeFileSync(file, JSON.stringify(SMALL));
  const whole = capture();
  assert.is(await runSweepCli([file, "--workers", "2", "--out", join(dir, "whole")], whole.out, false), 0, whole.error.join("\n"));
  assert.match(
    whole.log[0],
    /^sweep small: 4 experiments \(1 board x 2 workloads x 2 seeds, each under all-on, heap-top, gate-empty, pack\+gate\), on 2 worker threads$/,
  );
  assert.match(whole.log.join("\n"), /board\s+workload\s+seed\s+policy\s+energy/);
  assert.is(whole.error.length, 4, "one progress line per experiment");
  for (const line of whole.error) assert.match(line, /^sweep: [1-4]\/4 BANGLEJS2 (ble-packets|mixed-heap) seed [12] done$/);
  for (const [k, w] of [
    ["1", "1"],
    ["2", "2"],
  ]) {
    const part = capture();
    assert.is(
      await runSweepCli([file, "--shard", k + "/2", "--workers", w, "--out", join(dir, "parts")], part.out, false),
      0,
      part.error.join("\n"),
    );
    assert.match(part.log[0], new RegExp("slice " + k + "/2: 2 of them, on " + w + " worker thread"));
  }
  const shard1: SweepOutput = JSON.parse(readFileSync(join(dir, "parts", "sweep-shard-1-of-2.json"), "utf8"));
  assert.equal(shard1.shard, { index: 1, count: 2 });
  assert.equal(
    shard1.results.map((r) => r.task),
    [0, 2],
  );
  const merged = capture();
  assert.is(
    await runSweepCli(
      ["merge", join(dir, "parts", "sweep-shard-2-of-2.json"), join(dir, "parts", "sweep-shard-1-of-2.json"), "--out", join(dir, "merged")],
      merged.out,
      false,
    ),
    0,
    merged.error.join("\n"),
  );
  assert.match(merged.log[0], /^sweep small: 4 experiments merged from 2 files$/);
  assert.is(readFileSync(join(dir, "merged", "sweep.csv"), "utf8"), readFileSync(join(dir, "whole", "sweep.csv"), "utf8"));
  assert.is(readFileSync(join(dir, "merged", "sweep.json"), "utf8"), readFileSync(join(dir, "whole", "sweep.json"), "utf8"));
  const table = (log: string[]) => log.slice(2, log.indexOf("", 2)).join("\n");
  assert.is(table(merged.log), table(whole.log), "the same table");
});

test("mergeSweeps: slices of different sweeps, a missing or repeated slice, a missing task, a file that is not a sweep", () => {
  const spec = validateSweep(SMALL, "small");
  const slice = (k: number, n: number, tasks: number[], sweep = spec): SweepOutput => ({
    "ramkit-sweep": 1,
    name: sweep.name,
    sweep,
    shard: n === 1 ? null : { index: k, count: n },
    tasks: 4,
    results: tasks.map((task) => ({ task, board: "BANGLEJS2", workload: "w", seed: 1, rows: [] })),
  });
  const ok = mergeSweeps([
    { label: "b", output: slice(2, 2, [1, 3]) },
    { label: "a", output: slice(1, 2, [0, 2]) },
  ]);
  assert.equal(
    ok.results.map((r) => r.task),
    [0, 1, 2, 3],
  );
  assert.is(ok.shard, null);
  const cases: [{ label: string; output: unknown }[], string][] = [
    [[], "sweep merge needs at least one file"],
    [[{ label: "a", output: slice(1, 2, [0, 2]) }], "sweep merge: missing slice 2/2"],
    [[{ label: "a", output: slice(1, 3, [0, 3]) }], "sweep merge: missing slices 2/3, 3/3"],
    [
      [
        { label: "a", output: slice(1, 2, [0, 2]) },
        { label: "b", output: slice(1, 2, [0, 2]) },
      ],
      "b: /shard: slice 1/2 is also in a",
    ],
    [
      [
        { label: "a", output: slice(1, 2, [0, 2]) },
        { label: "b", output: slice(2, 3, [1]) },
      ],
      "b: /shard: slice 2/3 does not belong with a's 1/2",
    ],
    [
      [
        { label: "a", output: slice(1, 2, [0, 2]) },
        { label: "b", output: slice(2, 2, [1, 3], { ...spec, seeds: [1, 3] }) },
      ],
      'b: /sweep: a different sweep from a\'s ("small" against "small")',
    ],
    [
      [
        { label: "a", output: slice(1, 2, [0, 2]) },
        { label: "b", output: slice(2, 2, [1]) },
      ],
      "sweep merge: no results for task 3 of 4",
    ],
    [[{ label: "a", output: { hello: 1 } }], "a: /ramkit-sweep: expected 1 (a file written by ramkit sweep), got undefined"],
    [
      [{ label: "a", output: { ...slice(1, 1, [0]), results: [{ task: 9, rows: [] }] } }],
      "a: /results/0/task: expected a task number below 4, got 9",
    ],
    [
      [{ label: "a", output: { ...slice(1, 1, [0]), shard: { index: 3, count: 2 } } }],
      'a: /shard: expected null or {index: K, count: N} with 1 <= K <= N, got {"index":3,"count":2}',
    ],
  ];
  for (const [parts, msg] of cases) {
    const e = errorOf(() => mergeSweeps(parts));
    assert.is(e.code, "EINVAL");
    assert.is(e.message, "EINVAL: " + msg);
  }
});

test("CLI: usage errors exit 2 naming the problem; a failed experiment exits 1 naming the task; --help", async () => {
  const dir = tmp();
  const file = join(dir, "small.json");
  writeFileSync(file, JSON.stringify(SMALL));
  const cases: [string[], RegExp][] = [
    [[], /sweep needs a sweep file/],
    [[file, file], /sweep takes one file/],
    [[file, "--bogus"], /Unknown option '--bogus'/],
    [[file, "--workers", "0"], /--workers must be an integer >= 1, got "0"/],
    [[file, "--workers", "two"], /--workers must be an integer >= 1, got "two"/],
    [[file, "--shard", "3/2"], /--shard must be K\/N with 1 <= K <= N, got "3\/2"/],
    [[file, "--out", ""], /--out needs a directory/],
    [[join(dir, "none.json")], /sweep file not found: .*none\.json/],
    [["merge"], /sweep merge needs the slices' JSON files/],
    [["merge", file, "--shard", "1/2"], /sweep merge takes only --out/],
    [["merge", join(dir, "none.json")], /sweep output not found/],
    [["merge", file], /small\.json: \/ramkit-sweep: expected 1/],
  ];
  for (const [argv, msg] of cases) {
    const c = capture();
    assert.is(await runSweepCli(argv, c.out, false), 2, argv.join(" "));
    assert.match(c.error[0], /^ramkit sweep: /);
    assert.match(c.error[0], msg);
    assert.is(c.log.length, 0);
  }
  const help = capture();
  assert.is(await runSweepCli(["--help"], help.out, false), 0);
  assert.match(help.log[0], /ramkit sweep FILE \[--workers N\] \[--shard K\/N\] \[--out DIR\]/);
  // a region that overlaps the SoftDevice passes the file checks and fails in the experiment
  const failing = join(dir, "failing.json");
  writeFileSync(failing, JSON.stringify({ ...SMALL, seeds: [1], boards: [{ board: "BANGLEJS2", base: "0x20000000", size: 4096 }] }));
  const c = capture();
  assert.is(await runSweepCli([failing, "--workers", "2", "--out", join(dir, "f")], c.out, false), 1);
  assert.match(
    c.error.join("\n"),
    /ramkit sweep: 2 of 2 experiments failed:\n {2}task 0 \(BANGLEJS2, ble-packets, seed 1\): .*overlaps BANGLEJS2's reserved range SoftDevice/,
  );
});

test.run();

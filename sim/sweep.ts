/**
 * Sweeps: a grid of experiments (boards × workloads × seeds, each run under
 * every policy of the sweep) described in one JSON file, run in parallel on
 * worker threads (a `tinypool` pool), summarised in one table and one CSV.
 * Node only.
 *
 *   ramkit sweep FILE [--workers N] [--shard K/N] [--out DIR]
 *   ramkit sweep merge FILE.json… [--out DIR]
 *
 * The sweep file (see experiments/sweep-example.json):
 *   name             shown in the output
 *   durationSeconds  simulated seconds of every experiment
 *   policies         the policies to compare (default: all; all-on, the
 *                    baseline of every saving, always runs)
 *   workloads        built-in workload names, or {kind, params?, allocator?};
 *                    the allocator defaults to the first kind the workload
 *                    runs on, with its default geometry
 *   boards           board names, or {board, region? | base+size?, firmware?}
 *                    (the region the allocator manages, default "free"; a
 *                    firmware layout as in an experiment file)
 *   seeds            integers (default [1])
 *   sampleSeconds, hysteresis, powerMode: as in an experiment file.
 * One task is one experiment: tasks are numbered board-major (boards, then
 * workloads, then seeds) and that order is the order of the table and CSV.
 *
 * `--shard K/N` runs the tasks whose number is K-1 modulo N (round robin, so
 * every slice gets a share of every board and workload), and writes
 * `sweep-shard-K-of-N.json` and `.csv`; `sweep merge` joins the slices'
 * JSON files (same sweep, same N, every slice once) into the table and CSV
 * the unsharded sweep gives, so that a CI matrix can share a large sweep.
 *
 * Workers: the pool runs sim/sweep-worker. Built, that is the compiled
 * `sweep-worker.js` beside this module (dist/node/sim). Under tsx (tests,
 * `node --import tsx sim/cli.ts`) this module is a `.ts` file; a worker thread
 * does not inherit tsx's loader on Node 20, so the pool loads a small
 * bootstrap module (a data: URL) that registers tsx's loader in the worker
 * and then imports `sweep-worker.ts`.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Ajv, type ErrorObject } from "ajv";
import cliProgress from "cli-progress";
import Tinypool from "tinypool";
import type { Board } from "../src/core/board.js";
import { fail } from "../src/core/errors.js";
import { show } from "./report-schema.js";
import { listBoards, loadBoard } from "./boards.js";
import { validateExperiment, type AllocatorKind, type ExperimentSpec, type FirmwareSpec, type WorkloadKind } from "./experiment.js";
import { rowsCsv, summaryTable, type SummaryRow } from "./report-summary.js";
import { POLICY_NAMES, type PolicyName } from "./results.js";
import type { SweepTaskInput, SweepTaskOutput } from "./sweep-worker.js";
import { WORKLOADS } from "./workloads.js";

/** A board of the grid, and the RAM the allocator manages on it. */
export interface SweepBoard {
  board: string;
  region?: string;
  base?: number | string;
  size?: number;
  firmware?: FirmwareSpec;
}

/** A workload of the grid, with the allocator it runs on. */
export interface SweepWorkload {
  kind: WorkloadKind;
  params?: { [name: string]: number };
  allocator: { kind: AllocatorKind; blockSize?: number; granule?: number };
}

/** A sweep file, with its short forms expanded (board and workload names to objects, defaults filled in). */
export interface SweepSpec {
  name: string;
  durationSeconds: number;
  policies: PolicyName[];
  workloads: SweepWorkload[];
  boards: SweepBoard[];
  seeds: number[];
  sampleSeconds?: number;
  hysteresis?: number;
  powerMode?: string;
}

/** One experiment of the grid. */
export interface SweepTask {
  index: number;
  board: string;
  workload: string;
  seed: number;
  spec: ExperimentSpec;
}

/** One finished task: its place in the grid and its summary rows. */
export interface SweepTaskResult {
  task: number;
  board: string;
  workload: string;
  seed: number;
  rows: SummaryRow[];
}

/** What a sweep (or a slice of one, or a merge) writes as JSON, and what `sweep merge` reads. */
export interface SweepOutput {
  "ramkit-sweep": 1;
  name: string;
  sweep: SweepSpec;
  /** The slice this file holds ({index: K, count: N}), or null for the whole grid. */
  shard: { index: number; count: number } | null;
  /** Tasks in the whole grid. */
  tasks: number;
  /** The finished tasks, in task order. */
  results: SweepTaskResult[];
}

/** Where `runSweepCli` writes: stdout-like `log` and stderr-like `error` (progress lines go to `error`). */
export interface SweepCliOutput {
  log(text: string): void;
  error(text: string): void;
}

// ---------------------------------------------------------------------------
// The sweep file.

const ALLOCATOR_KINDS: AllocatorKind[] = ["memblocks", "onesize", "granular"];
const WORKLOAD_KINDS = Object.keys(WORKLOADS);
const address = {
  oneOf: [
    { type: "integer", minimum: 1, maximum: 4294967295 },
    { type: "string", pattern: "^0x[0-9a-fA-F]{1,8}$" },
  ],
};

/** JSON Schema (draft-07) of a sweep file after its short forms are expanded. */
export const SWEEP_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "ramkit sweep",
  type: "object",
  additionalProperties: false,
  required: ["name", "durationSeconds", "workloads", "boards"],
  properties: {
    $schema: { type: "string" },
    name: { type: "string", minLength: 1 },
    description: { type: "string" },
    durationSeconds: { type: "number", exclusiveMinimum: 0, maximum: 31536000 },
    sampleSeconds: { type: "number", exclusiveMinimum: 0 },
    hysteresis: { type: "number", minimum: 0 },
    powerMode: { type: "string", minLength: 1 },
    policies: { type: "array", minItems: 1, uniqueItems: true, items: { enum: POLICY_NAMES as readonly string[] } },
    workloads: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["kind"],
        properties: {
          kind: { enum: WORKLOAD_KINDS },
          params: { type: "object", additionalProperties: { type: "number" } },
          allocator: {
            type: "object",
            additionalProperties: false,
            required: ["kind"],
            properties: {
              kind: { enum: ALLOCATOR_KINDS },
              blockSize: { type: "integer", minimum: 1 },
              granule: { type: "integer", minimum: 1 },
            },
          },
        },
      },
    },
    boards: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["board"],
        properties: {
          board: { type: "string", minLength: 1 },
          region: { type: "string", minLength: 1 },
          base: address,
          size: { type: "integer", minimum: 1 },
          firmware: { type: "object" },
        },
      },
    },
    seeds: { type: "array", minItems: 1, uniqueItems: true, items: { type: "integer", minimum: 0, maximum: 4294967295 } },
  },
};

let validator: ReturnType<Ajv["compile"]> | null = null;

/** One problem as `/json/pointer: expected …, got …`. */
function describe(e: ErrorObject): string {
  const at = e.instancePath || "/";
  const got = e.keyword === "required" || e.keyword === "additionalProperties" ? "" : ", got " + show(e.data);
  const p = e.params as any;
  switch (e.keyword) {
    case "required":
      return (e.instancePath || "") + "/" + p.missingProperty + ": missing";
    case "additionalProperties":
      return (e.instancePath || "") + "/" + p.additionalProperty + ": unknown field";
    case "enum":
      return at + ": expected one of " + p.allowedValues.join(", ") + got;
    case "type":
      return (
        at +
        ": expected " +
        (p.type === "integer" ? "an integer" : p.type === "array" ? "an array" : p.type === "object" ? "an object" : "a " + p.type) +
        got
      );
    case "minItems":
      return at + ": expected at least " + p.limit + " item" + (p.limit === 1 ? "" : "s") + got;
    case "uniqueItems":
      return at + ": items " + Math.min(p.i, p.j) + " and " + Math.max(p.i, p.j) + " are the same" + got;
    case "minLength":
      return at + ": expected a non-empty string" + got;
    default:
      return at + ": " + e.message + got;
  }
}

/**
 * Check a parsed sweep file and expand its short forms: a workload name
 * becomes {kind, allocator} with the first allocator the workload runs on,
 * a board name {board, region: "free"}, policies default to all of them,
 * seeds to [1]. `label` names the file in messages. EINVAL listing every
 * problem as `LABEL: /json/path: what was expected, got what`.
 */
export function validateSweep(data: unknown, label: string): SweepSpec {
  const problems: string[] = [];
  if (!data || typeof data !== "object" || Array.isArray(data)) fail("EINVAL", label + ": /: expected an object, got " + show(data));
  const d: any = { ...(data as object) };
  for (const [key, short] of [
    ["workloads", "kind"],
    ["boards", "board"],
  ] as const) {
    if (!Array.isArray(d[key])) continue;
    d[key] = d[key].map((v: unknown, i: number) => {
      if (typeof v === "string") return { [short]: v };
      if (!v || typeof v !== "object" || Array.isArray(v))
        problems.push(
          "/" + key + "/" + i + ": expected a " + (key === "boards" ? "board" : "workload") + " name or an object, got " + show(v),
        );
      return v;
    });
  }
  if (problems.length === 0) {
    if (!validator) validator = new Ajv({ allErrors: true, verbose: true }).compile(SWEEP_SCHEMA);
    if (!validator(d)) {
      for (const e of validator.errors || []) {
        if (e.keyword === "oneOf" || e.keyword === "if") continue;
        const text = describe(e);
        if (problems.indexOf(text) < 0) problems.push(text);
      }
    }
  }
  if (problems.length === 0) {
    const boards = listBoards();
    d.boards.forEach((b: SweepBoard, i: number) => {
      if (b.board.indexOf("/") < 0 && !b.board.endsWith(".json") && boards.indexOf(b.board.toUpperCase()) < 0) {
        problems.push("/boards/" + i + "/board: unknown board " + show(b.board) + "; valid boards: " + boards.join(", "));
      }
      if ((b.base === undefined) !== (b.size === undefined))
        problems.push("/boards/" + i + ': expected both "base" and "size", or neither');
      if (b.region !== undefined && b.base !== undefined)
        problems.push("/boards/" + i + ': expected either "region" or "base" and "size", not both');
    });
    d.workloads.forEach((w: any, i: number) => {
      const runsOn: string[] = WORKLOADS[w.kind].allocators;
      if (w.allocator && runsOn.indexOf(w.allocator.kind) < 0) {
        problems.push(
          "/workloads/" + i + "/allocator/kind: workload " + w.kind + " runs on " + runsOn.join(" or ") + ", got " + show(w.allocator.kind),
        );
      }
    });
  }
  if (problems.length === 1) fail("EINVAL", label + ": " + problems[0]);
  if (problems.length > 1) fail("EINVAL", label + ": " + problems.length + " problems:\n  " + problems.join("\n  "));
  const spec: SweepSpec = {
    name: d.name,
    durationSeconds: d.durationSeconds,
    policies: d.policies ? d.policies.slice() : POLICY_NAMES.slice(),
    workloads: d.workloads.map((w: any) => {
      const out: SweepWorkload = {
        kind: w.kind,
        allocator: w.allocator ? { ...w.allocator } : { kind: WORKLOADS[w.kind].allocators[0] as AllocatorKind },
      };
      if (w.params !== undefined) out.params = { ...w.params };
      return out;
    }),
    boards: d.boards.map((b: SweepBoard) => (b.base === undefined && b.region === undefined ? { ...b, region: "free" } : { ...b })),
    seeds: d.seeds ? d.seeds.slice() : [1],
  };
  for (const k of ["sampleSeconds", "hysteresis", "powerMode"] as const) if (d[k] !== undefined) (spec as any)[k] = d[k];
  return spec;
}

/** Read and check a sweep file (`validateSweep`); ENOENT when missing, EINVAL naming the line of bad JSON. */
export function loadSweep(file: string): SweepSpec {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return fail("ENOENT", "sweep file not found: " + file);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return fail("EINVAL", file + ": " + jsonWhere(text, (e as Error).message) + "expected valid JSON (" + (e as Error).message + ")");
  }
  return validateSweep(data, file);
}

/** "line L, column C: " of a JSON.parse error message's position, when it has one. */
function jsonWhere(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  if (!m) return "";
  const before = text.slice(0, Number(m[1])).split("\n");
  return "line " + before.length + ", column " + (before[before.length - 1].length + 1) + ": ";
}

/**
 * The grid's experiments in task order (boards, then workloads, then seeds),
 * each checked as an experiment file would be: EINVAL naming the board,
 * workload and seed and the experiment field (a firmware layout or workload
 * parameter the sweep file passes through). O(tasks).
 */
export function sweepTasks(spec: SweepSpec, label = "sweep"): SweepTask[] {
  const tasks: SweepTask[] = [];
  spec.boards.forEach((b, bi) => {
    spec.workloads.forEach((w, wi) => {
      for (const seed of spec.seeds) {
        const allocator: ExperimentSpec["allocator"] = { ...w.allocator };
        if (b.region !== undefined) allocator.region = b.region;
        else {
          allocator.base = b.base;
          allocator.size = b.size;
        }
        const e: ExperimentSpec = {
          name: b.board + " " + w.kind + " seed " + seed,
          board: b.board,
          durationSeconds: spec.durationSeconds,
          allocator,
          workload: w.params ? { kind: w.kind, params: w.params } : { kind: w.kind },
          policies: spec.policies.slice(),
          seed,
        };
        if (b.firmware !== undefined) e.firmware = b.firmware;
        for (const k of ["sampleSeconds", "hysteresis", "powerMode"] as const) if (spec[k] !== undefined) (e as any)[k] = spec[k];
        validateExperiment(
          e,
          label + ": the experiment of /boards/" + bi + " (" + b.board + ") × /workloads/" + wi + " (" + w.kind + ") × seed " + seed,
        );
        tasks.push({ index: tasks.length, board: b.board, workload: w.kind, seed, spec: e });
      }
    });
  });
  return tasks;
}

/** Parse "K/N" (1 ≤ K ≤ N): EINVAL naming --shard otherwise. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const k = m ? Number(m[1]) : NaN,
    n = m ? Number(m[2]) : NaN;
  if (!m || !(n >= 1) || !(k >= 1) || k > n) fail("EINVAL", "--shard must be K/N with 1 <= K <= N, got " + show(text));
  return { index: k, count: n };
}

/** How many tasks of the grid (of slice K of N) a sweep runs, from the lengths of its lists alone (0 for a list that is not an array). */
function gridTasks(spec: SweepSpec, shard: { index: number; count: number } | null): number {
  const len = (x: unknown) => (Array.isArray(x) ? x.length : 0);
  const n = len(spec.boards) * len(spec.workloads) * len(spec.seeds);
  return shard === null ? n : Math.floor(n / shard.count) + (shard.index - 1 < n % shard.count ? 1 : 0);
}

/** The tasks of slice K of N: those whose index is K-1 modulo N. Deterministic. */
export function shardTasks<T extends { index: number }>(tasks: T[], shard: { index: number; count: number } | null): T[] {
  return shard === null ? tasks.slice() : tasks.filter((t) => t.index % shard.count === shard.index - 1);
}

// ---------------------------------------------------------------------------
// Running.

/** The worker module the pool loads (see the module comment). */
function workerFile(): string {
  const here = import.meta.url;
  if (!/\.ts$/.test(new URL(here).pathname)) return new URL("./sweep-worker.js", here).href;
  const tsx = import.meta.resolve("tsx/esm/api");
  const worker = new URL("./sweep-worker.ts", here).href;
  const boot =
    "import { register } from " +
    JSON.stringify(tsx) +
    ";\nregister();\n" +
    "const m = await import(" +
    JSON.stringify(worker) +
    ");\nexport default m.default;\n";
  return "data:text/javascript;base64," + Buffer.from(boot).toString("base64");
}

/**
 * A pool of worker threads that run sweep tasks. Its threads start, and each
 * loads the simulator, as soon as it is made: made before the sweep's own
 * set-up (checking every experiment, loading the boards), that loading runs
 * beside it. A pool can run several sweeps (`runSweep(…, {pool})`); the
 * later ones run on workers whose code V8 has already compiled. `destroy()`
 * stops its threads.
 */
export class SweepPool {
  /** Worker threads. */
  readonly workers: number;
  _pool: Tinypool;

  /** Start `workers` threads (an integer >= 1: EINVAL otherwise). */
  constructor(workers: number) {
    if (!(Number.isInteger(workers) && workers >= 1)) fail("EINVAL", "workers must be an integer >= 1, got " + show(workers));
    this.workers = workers;
    // Every thread starts now (minThreads) and none is ever stopped while
    // the pool lives (idleTimeout only applies above minThreads).
    this._pool = new Tinypool({ filename: workerFile(), minThreads: workers, maxThreads: workers, idleTimeout: 0 });
  }

  /** Run one task on the next free worker. */
  run(input: SweepTaskInput): Promise<SweepTaskOutput> {
    return this._pool.run(input) as Promise<SweepTaskOutput>;
  }

  /** Stop every thread (after the tasks under way). */
  destroy(): Promise<void> {
    return this._pool.destroy();
  }
}

/** Options of `runSweep`. */
export interface SweepOptions {
  /** Worker threads (default: the machine's parallelism, at most the tasks). */
  workers?: number;
  /** Run on this pool (left running) instead of a pool of its own; `workers`, when given, must be the pool's. */
  pool?: SweepPool;
  /** Run only slice K of N. */
  shard?: { index: number; count: number } | null;
  /** Called as each task finishes (in completion order). */
  onTask?: (done: number, total: number, task: SweepTask, error: SweepTaskOutput["error"]) => void;
}

/**
 * Run the sweep's tasks (or one slice) on a pool of worker threads. Returns
 * the output in task order. When experiments fail, throws one EINVAL-coded
 * error (code of the first failure) naming every failed task, after all
 * tasks have finished; nothing is returned then.
 */
export async function runSweep(spec: SweepSpec, options: SweepOptions = {}, label = "sweep"): Promise<SweepOutput> {
  const shard = options.shard || null;
  const given = options.pool || null;
  if (options.workers !== undefined && !(Number.isInteger(options.workers) && options.workers >= 1))
    fail("EINVAL", "workers must be an integer >= 1, got " + show(options.workers));
  if (given && options.workers !== undefined && options.workers !== given.workers)
    fail("EINVAL", "workers (" + options.workers + ") differs from the pool's " + given.workers);
  // The pool starts first, so that its threads start and load the simulator
  // while this thread checks the experiments and loads the boards (a few
  // hundred ms, most of it compiling JSON schemas); a set-up error stops it.
  const count = gridTasks(spec, shard);
  const pool =
    given ||
    (count > 0
      ? new SweepPool(options.workers === undefined ? Math.max(1, Math.min(count, availableParallelism())) : options.workers)
      : null);
  const results: (SweepTaskResult | null)[] = [];
  const failures: string[] = [];
  let firstCode = "";
  let all: SweepTask[];
  let mine: SweepTask[];
  // Each board is loaded and checked once, here, and sent with its tasks: the
  // workers then never load the schema validator (its module and its
  // compiled schema cost each worker more than a short experiment). A board
  // that does not load is left to the worker, whose error names the task.
  const boards: { [name: string]: Board | undefined } = Object.create(null);
  try {
    all = sweepTasks(spec, label);
    mine = shardTasks(all, shard);
    for (const t of mine) {
      results.push(null);
      if (t.spec.board in boards) continue;
      try {
        boards[t.spec.board] = loadBoard(t.spec.board);
      } catch {
        boards[t.spec.board] = undefined;
      }
    }
  } catch (e) {
    if (pool && !given) await pool.destroy();
    throw e;
  }
  if (mine.length > 0 && pool) {
    let done = 0;
    try {
      await Promise.all(
        mine.map(async (task, i) => {
          const input: SweepTaskInput = { index: task.index, spec: task.spec, board: boards[task.spec.board] };
          const out = await pool.run(input);
          if (out.error) {
            if (!firstCode) firstCode = out.error.code;
            failures.push(
              "task " + task.index + " (" + task.board + ", " + task.workload + ", seed " + task.seed + "): " + out.error.message,
            );
          } else {
            results[i] = { task: task.index, board: task.board, workload: task.workload, seed: task.seed, rows: out.rows };
          }
          done++;
          if (options.onTask) options.onTask(done, mine.length, task, out.error);
        }),
      );
    } finally {
      if (!given) await pool.destroy();
    }
  } else if (pool && !given) await pool.destroy();
  if (failures.length > 0) {
    failures.sort((a, b) => Number(/^task (\d+)/.exec(a)![1]) - Number(/^task (\d+)/.exec(b)![1]));
    fail(firstCode || "EINVAL", failures.length + " of " + mine.length + " experiments failed:\n  " + failures.join("\n  "));
  }
  // As its JSON file holds it (a ratio of Infinity becomes null): a run and the
  // merge of its slices then print and write the same.
  const output: SweepOutput = {
    "ramkit-sweep": 1,
    name: spec.name,
    sweep: spec,
    shard,
    tasks: all.length,
    results: results as SweepTaskResult[],
  };
  return JSON.parse(JSON.stringify(output)) as SweepOutput;
}

/** Every summary row of an output, in task order. */
export function sweepRows(out: SweepOutput): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const r of out.results) rows.push(...r.rows);
  return rows;
}

/** `value` is a sweep output file's contents: EINVAL naming `label` and the field otherwise. */
function checkOutput(value: unknown, label: string): SweepOutput {
  const o = value as SweepOutput;
  if (!o || typeof o !== "object" || o["ramkit-sweep"] !== 1)
    fail("EINVAL", label + ": /ramkit-sweep: expected 1 (a file written by ramkit sweep), got " + show(o && (o as any)["ramkit-sweep"]));
  if (typeof o.name !== "string") fail("EINVAL", label + ": /name: expected a string, got " + show(o.name));
  if (!o.sweep || typeof o.sweep !== "object") fail("EINVAL", label + ": /sweep: expected the sweep, got " + show(o.sweep));
  if (!Number.isInteger(o.tasks) || o.tasks < 0) fail("EINVAL", label + ": /tasks: expected an integer >= 0, got " + show(o.tasks));
  if (
    o.shard !== null &&
    (!o.shard || !Number.isInteger(o.shard.index) || !Number.isInteger(o.shard.count) || o.shard.index < 1 || o.shard.index > o.shard.count)
  ) {
    fail("EINVAL", label + ": /shard: expected null or {index: K, count: N} with 1 <= K <= N, got " + show(o.shard));
  }
  if (!Array.isArray(o.results)) fail("EINVAL", label + ": /results: expected an array, got " + show(o.results));
  o.results.forEach((r, i) => {
    if (!r || !Number.isInteger(r.task) || r.task < 0 || r.task >= o.tasks)
      fail("EINVAL", label + ": /results/" + i + "/task: expected a task number below " + o.tasks + ", got " + show(r && r.task));
    if (!Array.isArray(r.rows)) fail("EINVAL", label + ": /results/" + i + "/rows: expected an array, got " + show(r.rows));
  });
  return o;
}

/**
 * Join slices of one sweep (the outputs of `--shard K/N` for every K) into
 * the output of the whole grid. EINVAL when the files come from different
 * sweeps or slicings, when a slice is missing or given twice, or when a task
 * is missing. O(rows).
 */
export function mergeSweeps(parts: { label: string; output: unknown }[]): SweepOutput {
  if (parts.length === 0) fail("EINVAL", "sweep merge needs at least one file");
  const outs = parts.map((p) => checkOutput(p.output, p.label));
  const first = outs[0];
  const key = JSON.stringify(first.sweep);
  const seen: { [k: number]: string } = {};
  outs.forEach((o, i) => {
    const label = parts[i].label;
    if (JSON.stringify(o.sweep) !== key || o.tasks !== first.tasks)
      fail(
        "EINVAL",
        label + ": /sweep: a different sweep from " + parts[0].label + "'s (" + show(o.name) + " against " + show(first.name) + ")",
      );
    const n = o.shard ? o.shard.count : 1,
      k = o.shard ? o.shard.index : 1;
    const n0 = first.shard ? first.shard.count : 1;
    if (n !== n0)
      fail(
        "EINVAL",
        label +
          ": /shard: slice " +
          k +
          "/" +
          n +
          " does not belong with " +
          parts[0].label +
          "'s " +
          (first.shard ? first.shard.index : 1) +
          "/" +
          n0,
      );
    if (seen[k] !== undefined) fail("EINVAL", label + ": /shard: slice " + k + "/" + n + " is also in " + seen[k]);
    seen[k] = label;
  });
  const n = first.shard ? first.shard.count : 1;
  const missing: number[] = [];
  for (let k = 1; k <= n; k++) if (seen[k] === undefined) missing.push(k);
  if (missing.length > 0)
    fail("EINVAL", "sweep merge: missing slice" + (missing.length > 1 ? "s " : " ") + missing.map((k) => k + "/" + n).join(", "));
  const byTask: SweepTaskResult[] = [];
  outs.forEach((o, i) =>
    o.results.forEach((r) => {
      if (byTask[r.task] !== undefined) fail("EINVAL", parts[i].label + ": /results: task " + r.task + " is also in another file");
      byTask[r.task] = r;
    }),
  );
  const absent: number[] = [];
  for (let t = 0; t < first.tasks; t++) if (byTask[t] === undefined) absent.push(t);
  if (absent.length > 0)
    fail("EINVAL", "sweep merge: no results for task" + (absent.length > 1 ? "s " : " ") + absent.join(", ") + " of " + first.tasks);
  return { "ramkit-sweep": 1, name: first.name, sweep: first.sweep, shard: null, tasks: first.tasks, results: byTask };
}

// ---------------------------------------------------------------------------
// Files and the command line.

/** Write `dir/base.json` and `dir/base.csv` (under temporary names, then renamed). Returns their paths. */
export function writeSweepFiles(out: SweepOutput, dir: string): { json: string; csv: string } {
  const base = out.shard ? "sweep-shard-" + out.shard.index + "-of-" + out.shard.count : "sweep";
  const abs = resolve(dir);
  mkdirSync(abs, { recursive: true });
  const files = { json: join(abs, base + ".json"), csv: join(abs, base + ".csv") };
  const tmp = "." + process.pid + ".tmp";
  writeFileSync(files.json + tmp, JSON.stringify(out, null, 1) + "\n");
  writeFileSync(files.csv + tmp, rowsCsv(sweepRows(out)));
  renameSync(files.json + tmp, files.json);
  renameSync(files.csv + tmp, files.csv);
  return files;
}

const USAGE = [
  "Usage:",
  "  ramkit sweep FILE [--workers N] [--shard K/N] [--out DIR]",
  "      run a sweep file's grid (boards x workloads x seeds, every policy) on N worker threads",
  "      (default: the machine's parallelism); --shard K/N runs slice K of N; writes DIR/sweep.csv",
  "      and DIR/sweep.json (a slice: sweep-shard-K-of-N.*; DIR defaults to report/sweep)",
  "  ramkit sweep merge FILE.json... [--out DIR]",
  "      join the slices' JSON files into the whole sweep's table, DIR/sweep.csv and DIR/sweep.json",
].join("\n");

/** A usage error (exit code 2): the message, then the usage text, or a pointer to it for a bad file. */
function usage(out: SweepCliOutput, message: string, full = true): number {
  out.error("ramkit sweep: " + message);
  out.error(full ? USAGE : "Run `ramkit sweep --help` for usage.");
  return 2;
}

function plural(n: number, word: string): string {
  return n + " " + word + (n === 1 ? "" : "s");
}

/** A progress display: a bar on a terminal, one line per task otherwise. */
function progress(out: SweepCliOutput, total: number, tty: boolean) {
  if (tty) {
    const bar = new cliProgress.SingleBar(
      {
        format: "sweep {bar} {value}/{total} experiments | {eta_formatted} left | {task}",
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 8,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { task: "" });
    return {
      tick(done: number, task: SweepTask, error: SweepTaskOutput["error"]) {
        bar.update(done, { task: task.board + " " + task.workload + " seed " + task.seed + (error ? " FAILED" : "") });
      },
      stop() {
        bar.stop();
      },
    };
  }
  return {
    tick(done: number, task: SweepTask, error: SweepTaskOutput["error"]) {
      out.error(
        "sweep: " + done + "/" + total + " " + task.board + " " + task.workload + " seed " + task.seed + (error ? " FAILED" : " done"),
      );
    },
    stop() {},
  };
}

/**
 * `ramkit sweep …`: `argv` is what follows `sweep` on the command line.
 * Prints the summary table (stdout) and writes the CSV and JSON; progress
 * goes to stderr (a bar on a terminal, lines otherwise). Returns the exit
 * code: 0, 2 for a usage error or a bad sweep file, 1 when experiments failed
 * or anything unexpected happened. Never calls process.exit. `tty` chooses
 * the progress bar (default: whether stderr is a terminal).
 */
export async function runSweepCli(argv: string[], out: SweepCliOutput = console, tty = process.stderr.isTTY === true): Promise<number> {
  let values: { workers?: string; shard?: string; out?: string; help?: boolean };
  let positionals: string[];
  try {
    const parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { workers: { type: "string" }, shard: { type: "string" }, out: { type: "string" }, help: { type: "boolean", short: "h" } },
    });
    values = parsed.values;
    positionals = parsed.positionals;
  } catch (e) {
    return usage(out, (e as Error).message.replace(/\. To specify a positional argument.*$/s, ""));
  }
  if (values.help) {
    out.log(USAGE);
    return 0;
  }
  const dir = values.out === undefined ? join("report", "sweep") : values.out;
  if (dir === "") return usage(out, "--out needs a directory");
  try {
    if (positionals[0] === "merge") {
      if (values.workers !== undefined || values.shard !== undefined) return usage(out, "sweep merge takes only --out");
      const files = positionals.slice(1);
      if (files.length === 0) return usage(out, "sweep merge needs the slices' JSON files");
      const parts = files.map((f) => {
        let text: string;
        try {
          text = readFileSync(f, "utf8");
        } catch {
          return fail("ENOENT", "sweep output not found: " + f);
        }
        try {
          return { label: f, output: JSON.parse(text) as unknown };
        } catch (e) {
          return fail("EINVAL", f + ": " + jsonWhere(text, (e as Error).message) + "expected valid JSON (" + (e as Error).message + ")");
        }
      });
      const merged = mergeSweeps(parts);
      out.log("sweep " + merged.name + ": " + plural(merged.tasks, "experiment") + " merged from " + plural(files.length, "file"));
      out.log("");
      out.log(summaryTable(sweepRows(merged)));
      const w = writeSweepFiles(merged, dir);
      out.log("");
      out.log("wrote " + w.csv + " and " + w.json);
      return 0;
    }
    if (positionals.length !== 1)
      return usage(out, positionals.length === 0 ? "sweep needs a sweep file" : "sweep takes one file, got " + positionals.join(" "));
    let workers: number | undefined;
    if (values.workers !== undefined) {
      workers = Number(values.workers);
      if (!/^\d+$/.test(values.workers) || !(workers >= 1))
        return usage(out, "--workers must be an integer >= 1, got " + show(values.workers));
    }
    const shard = values.shard === undefined ? null : parseShard(values.shard);
    const file = positionals[0];
    const spec = loadSweep(file);
    const tasks = sweepTasks(spec, file);
    const mine = shardTasks(tasks, shard);
    const n = workers === undefined ? Math.max(1, Math.min(mine.length, availableParallelism())) : workers;
    out.log(
      "sweep " +
        spec.name +
        ": " +
        plural(tasks.length, "experiment") +
        " (" +
        plural(spec.boards.length, "board") +
        " x " +
        plural(spec.workloads.length, "workload") +
        " x " +
        plural(spec.seeds.length, "seed") +
        ", each under " +
        spec.policies.join(", ") +
        (spec.policies.indexOf("all-on") < 0 ? " and all-on" : "") +
        ")" +
        (shard ? "; slice " + shard.index + "/" + shard.count + ": " + mine.length + " of them" : "") +
        ", on " +
        plural(n, "worker thread"),
    );
    const bar = progress(out, mine.length, tty);
    let result: SweepOutput;
    try {
      result = await runSweep(spec, { workers: n, shard, onTask: (done, _total, task, error) => bar.tick(done, task, error) }, file);
    } finally {
      bar.stop();
    }
    out.log("");
    out.log(summaryTable(sweepRows(result)));
    const w = writeSweepFiles(result, dir);
    out.log("");
    out.log("wrote " + w.csv + " and " + w.json + (shard ? " (join the slices with: ramkit sweep merge FILE.json...)" : ""));
    return 0;
  } catch (e) {
    const err = e as { code?: string; message?: string; stack?: string };
    const msg = String(err && err.message).replace(/^E[A-Z]+: /, "");
    if (/experiments failed/.test(msg)) {
      out.error("ramkit sweep: " + msg);
      return 1;
    }
    if (err && (err.code === "EINVAL" || err.code === "ENOENT")) return usage(out, msg, false);
    out.error("ramkit sweep: unexpected error: " + (err && err.stack ? err.stack : String(e)));
    return 1;
  }
}

/**
 * Bank power-down experiments (Node only): one board, one allocator over one
 * region, one workload (or a trace), run once per placement/gating policy on
 * a fresh simulated MCU, with the energy of each run and the oracle's bound.
 * The result shape is `ExperimentResult` (sim/results.ts).
 *
 * How a run goes
 * - A `SimMcu` of the board (seeded with the experiment's seed, in its power
 *   mode), the allocator over the region, and a `BankManager` with the policy
 *   that manages the allocator (the board's reserved ranges are never
 *   switched off) and reads the simulated clock.
 * - The workload's events (sim/workloads.ts) or the trace's, in time order:
 *   the clock advances to each event (energy is integrated by the SimMcu),
 *   the event runs (allocate through the manager, scatter-gather through
 *   MemBlocks' allocBlocks/freeBlocks, writes through the memory port), then
 *   the manager applies its policy (`update(now)`). Every allocation is
 *   stamped with a tag that is checked when it is freed: a section switched
 *   off under live data would show as a data error (a bus fault, or lost
 *   contents), never silently.
 * - The time series is sampled at every change of the sections that are on
 *   and every `sampleSeconds`; each section's lane is its list of changes.
 *
 * Energy accounting
 * - `retention_uJ` is the retention of the managed region's sections: what a
 *   policy controls. `base_uJ` is everything else the SimMcu integrates (the
 *   mode's base current and the retention of the RAM outside the region:
 *   the SoftDevice's, the interpreter's, which no policy touches), the same
 *   for every policy. `total_uJ` = base + retention.
 * - The oracle: at every instant, the fewest of the region's sections that
 *   could hold the live bytes (largest sections first: ceil(live bytes /
 *   section size) for equal sections), charged as if they alone were on,
 *   over all-on's live bytes (all-on never fails for lack of a section).
 * - Savings are against all-on, in % of its retention energy and of its
 *   total energy.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, resolve } from "node:path";
import type { ErrorObject } from "ajv";
import type { Board } from "../src/core/board.js";
import { fail, show } from "../src/core/errors.js";
import "../src/debug/host.js";
import { MemBlocks } from "../src/alloc/mem-blocks.js";
import { Onesize } from "../src/alloc/onesize.js";
import { GranularHeap } from "../src/alloc/granular-heap.js";
import { BankManager } from "../src/power/bank-manager.js";
import { boardsDir, displayPath, hex, jsonErrorOffset, loadBoard, regionSections } from "./boards.js";
import { figureSources, SimMcu } from "./mcu.js";
import { mix32 } from "./prng.js";
import { POLICY_NAMES } from "./results.js";
import type { ExperimentResult, FigureSource, Lane, OracleResult, PolicyName, PolicyResult, Sample } from "./results.js";
import { readTrace, parseTrace } from "./trace.js";
import { runSleepExperiment, sleepProblems, type SleepSpec } from "./retention.js";
import { type EventList, OP_ALLOC, OP_FREE, OP_WRITE, WORKLOADS, generateWorkload, workloadParams } from "./workloads.js";

/** Allocator kinds an experiment can run. */
export type AllocatorKind = "memblocks" | "onesize" | "granular";

/** The allocator and its geometry. Either `region` (a board region name, or "free") or `base` + `size`. */
export interface AllocatorSpec {
  kind: AllocatorKind;
  /** A named region of the board (board.regions[].name), or "free" (see `freeRegion`). */
  region?: string;
  /** First address of the managed region (a number, or a "0x…" string in files). */
  base?: number | string;
  /** Bytes managed. */
  size?: number;
  /** Block size in bytes (memblocks, onesize; default 256). */
  blockSize?: number;
  /** Granule in bytes (granular; default 16). */
  granule?: number;
}

/** A firmware layout (see `ExperimentSpec.firmware`). */
export interface FirmwareSpec {
  assumption: string;
  reserved: { name: string; kind: string; base: number | string; size: number; derived?: string }[];
}

/** Workload kinds (sim/workloads.ts). */
export type WorkloadKind = "sensor-logger" | "ble-packets" | "dma-sg" | "mixed-heap";

/** A built-in workload and its parameters (each workload documents its own, with units). */
export interface WorkloadSpec {
  kind: WorkloadKind;
  params?: { [name: string]: number };
}

/** One experiment, as `experiments/*.json` describes it (schema: experiments/experiment.schema.json). */
export interface ExperimentSpec {
  /** Name shown in reports (default: the file name, or the workload's). */
  name?: string;
  /** Board name (boards/NAME.json) or path to a board file. */
  board: string;
  /** Simulated seconds (required with a workload; a trace defaults to its last event's time). */
  durationSeconds?: number;
  allocator: AllocatorSpec;
  /**
   * A firmware layout other than the board file's: `reserved` replaces the
   * board's reserved ranges (stock Espruino firmware leaves little or no
   * whole section free), and `assumption` says what it assumes, in plain
   * words; it is printed with the results.
   */
  firmware?: FirmwareSpec;
  /** A built-in workload; exactly one of `workload` and `trace`. */
  workload?: WorkloadSpec;
  /** A trace file (JSON lines, sim/trace.ts), relative to the experiment file. */
  trace?: string;
  /** Policies to run (default: all of them, in report order). all-on, the baseline, always runs. */
  policies?: PolicyName[];
  /** Seed of the workload and of the simulated RAM contents (an integer, default 1). */
  seed?: number;
  /** Power mode of the board to run in (default: the board's default mode). */
  powerMode?: string;
  /** pack+gate: seconds a section must stay empty before it is switched off (default 0). */
  hysteresis?: number;
  /** At most this many simulated seconds between two samples (default 60). */
  sampleSeconds?: number;
  /**
   * Instead of a workload or trace: a sensor that sleeps between bursts,
   * run in System ON (all-on, gate-empty) and in System OFF with its heap's
   * bookkeeping retained (sim/retention.ts).
   */
  sleep?: SleepSpec;
}

/** Options of `runExperiment`. */
export interface RunOptions {
  /** Directory relative trace paths are read from (default: the current directory). */
  baseDir?: string;
  /** The trace's text, instead of reading `spec.trace` (the file name is then only used in messages). */
  traceText?: string;
  /** Called after each policy's run. */
  onPolicy?: (policy: PolicyName, index: number, count: number) => void;
  /**
   * The board `spec.board` names, loaded already (`loadBoard`; the spec's
   * firmware layout is still applied to it): a sweep loads each board once
   * in its main thread instead of once per experiment in every worker.
   */
  board?: Board;
}

/** Defaults of an experiment's optional fields. */
export const DEFAULTS = { seed: 1, hysteresis: 0, sampleSeconds: 60, blockSize: 256, granule: 16 };

/** What every report says the model leaves out. */
export const LIMITS: string[] = [
  "Retention energy is that of the managed region's sections, the part a policy controls; the rest of RAM (the SoftDevice's, the interpreter's variables) is in the base energy, the same for every policy.",
  "Per-section retention currents are derived from datasheet end points (no RAM retained, all RAM retained) spread evenly over the sections; no datasheet gives a per-section figure, and measured boards show tens of nA per section that other leakage can hide.",
  "Switching a section on or off is free and instant in the model: no transition energy, no wake-up latency.",
  "The board stays in one power mode all the time: the CPU's active time, the sensor, radio and flash energy are not counted.",
  "The oracle knows the live bytes at every instant and charges the fewest sections that could hold them, as if data could move for free.",
  "Where the firmware puts its variable pool is an assumption of the board file: gating applies to RAM the firmware leaves free.",
];

// ---------------------------------------------------------------------------
// Experiment files: schema validation with messages naming the field.

let validator: (((d: unknown) => boolean) & { errors?: ErrorObject[] | null }) | null = null;

/** The experiments/ directory (found by walking up from this module, as boards/ is). */
export function experimentsDir(): string {
  return resolve(dirname(boardsDir()), "experiments");
}

/** The path of experiments/experiment.schema.json. */
export function schemaFile(): string {
  return resolve(experimentsDir(), "experiment.schema.json");
}

function schemaValidator() {
  if (validator === null) {
    const schema = JSON.parse(readFileSync(schemaFile(), "utf8"));
    // Loaded on first use (a sweep's worker threads never validate).
    const { Ajv } = createRequire(import.meta.url)("ajv") as typeof import("ajv");
    const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true });
    validator = ajv.compile(schema);
  }
  return validator;
}

/** One ajv error as "/allocator/blockSize: expected an integer >= 4, got "4k"". */
function describe(e: ErrorObject): string {
  const at = e.instancePath || "/";
  const p = e.params as any;
  const got = ", got " + JSON.stringify(e.data);
  const parent = e.parentSchema as any;
  const desc = parent && parent.description ? " (" + parent.description + ")" : "";
  switch (e.keyword) {
    case "required": {
      const prop = p.missingProperty as string;
      const d = parent && parent.properties && parent.properties[prop] && parent.properties[prop].description;
      return e.instancePath + "/" + prop + ": missing" + (d ? "; expected " + d : "");
    }
    case "additionalProperties":
      return e.instancePath + "/" + p.additionalProperty + ": unknown field; valid: " + Object.keys(parent.properties || {}).join(", ");
    case "type":
      return (
        at +
        ": expected " +
        (Array.isArray(p.type) ? p.type.join(" or ") : p.type === "integer" ? "an integer" : "a " + p.type) +
        desc +
        got
      );
    case "enum":
      return at + ": expected one of " + p.allowedValues.map((v: unknown) => JSON.stringify(v)).join(", ") + got;
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return at + ": expected a value " + p.comparison + " " + p.limit + desc + got;
    case "minLength":
      return at + ": expected a non-empty string" + desc + got;
    case "pattern":
      return at + ': expected a "0x…" hex address' + desc + got;
    case "minItems":
      return at + ": expected at least " + p.limit + " item" + got;
    case "uniqueItems":
      return at + ": items " + p.j + " and " + p.i + " are the same" + got;
    default:
      return at + ": " + (e.message || "invalid") + got;
  }
}

/**
 * Check parsed experiment data against the schema and the rules a schema
 * cannot say (exactly one of workload/trace; region or base+size; duration
 * with a workload). `label` names the file in messages. Throws one EINVAL
 * listing every problem as `LABEL: /json/path: what was expected, got what`.
 */
export function validateExperiment(data: unknown, label: string): ExperimentSpec {
  const v = schemaValidator();
  let problems: string[] = [];
  if (!v(data)) {
    const errs = (v.errors || []).filter((e) => e.keyword !== "if");
    problems = errs.map(describe).filter((s, i, all) => all.indexOf(s) === i);
  } else {
    const d = data as any;
    if (d.sleep !== undefined) problems.push(...sleepProblems(d));
    else if ((d.workload === undefined) === (d.trace === undefined)) problems.push('/: expected exactly one of "workload" and "trace"');
    if (d.workload !== undefined && d.durationSeconds === undefined)
      problems.push("/durationSeconds: missing; expected the simulated seconds of a workload");
    const a = d.allocator;
    const hasBase = a.base !== undefined || a.size !== undefined;
    if (a.region !== undefined && hasBase) problems.push('/allocator: expected either "region" or "base" and "size", not both');
    if (a.region === undefined && (a.base === undefined || a.size === undefined)) {
      problems.push("/allocator" + (a.base === undefined ? "/base" : "/size") + ': missing; expected "region", or "base" and "size"');
    }
    if (a.granule !== undefined && a.kind !== "granular")
      problems.push("/allocator/granule: only a granular heap has a granule; " + a.kind + " takes blockSize");
    if (a.blockSize !== undefined && a.kind === "granular")
      problems.push("/allocator/blockSize: a granular heap takes granule, not blockSize");
    if (d.workload !== undefined && WORKLOADS[d.workload.kind].allocators.indexOf(a.kind) < 0) {
      problems.push(
        "/allocator/kind: workload " +
          d.workload.kind +
          " runs on " +
          WORKLOADS[d.workload.kind].allocators.join(" or ") +
          ", got " +
          JSON.stringify(a.kind),
      );
    }
  }
  if (problems.length === 1) fail("EINVAL", label + ": " + problems[0]);
  if (problems.length > 1) fail("EINVAL", label + ": " + problems.length + " problems:\n  " + problems.join("\n  "));
  return data as ExperimentSpec;
}

/** A loaded experiment file: the spec, the directory its trace is relative to, and its label. */
export interface LoadedExperiment {
  spec: ExperimentSpec;
  baseDir: string;
  file: string;
}

/**
 * Read and validate experiment file `path`: ENOENT when it cannot be read;
 * EINVAL naming the file and the line of bad JSON, or the file and the JSON
 * path of each schema problem. The spec's name defaults to the file's name.
 */
export function loadExperiment(path: string): LoadedExperiment {
  if (typeof path !== "string") fail("EINVAL", "path must be the experiment file's path (a string), got " + show(path));
  const file = resolve(path);
  const label = displayPath(file);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    return fail("ENOENT", "experiment file not found: " + path + " (" + (e as Error).message + ")");
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const at = jsonErrorOffset(text, (e as Error).message);
    const line = text.slice(0, at < 0 ? text.length : at).split("\n").length;
    return fail("EINVAL", label + ":" + line + ": expected valid JSON (" + (e as Error).message + ")");
  }
  const spec = validateExperiment(data, label);
  if (spec.name === undefined) spec.name = basename(file, ".json");
  return { spec, baseDir: dirname(file), file: label };
}

// ---------------------------------------------------------------------------
// Regions.

/**
 * The RAM an experiment manages by default on `board` (region "free"): the
 * longest run of whole, adjacent, gateable sections that no reserved range
 * touches (the highest such run on a tie, away from the firmware at the
 * bottom). A board with no gateable section gets its largest unreserved
 * range, aligned to 1 KiB: nothing there can be switched off, and the
 * results say so. EINVAL when there is no free RAM at all.
 */
export function freeRegion(board: Board): { base: number; size: number } {
  checkBoard(board);
  const S = board.sections;
  const touched = (b: number, n: number) => board.reserved.some((r) => r.base < b + n && b < r.base + r.size);
  let best = { base: 0, size: 0 };
  for (let i = 0; i < S.length; i++) {
    if (!S[i].gateable || touched(S[i].base, S[i].size)) continue;
    let j = i,
      end = S[i].base + S[i].size;
    while (j + 1 < S.length && S[j + 1].gateable && S[j + 1].base === end && !touched(S[j + 1].base, S[j + 1].size)) {
      j++;
      end = S[j].base + S[j].size;
    }
    if (end - S[i].base >= best.size) best = { base: S[i].base, size: end - S[i].base };
    i = j;
  }
  if (best.size > 0) return best;
  // No gateable section: the largest gap between reserved ranges.
  const cuts = board.reserved.map((r) => [r.base, r.base + r.size]).sort((a, b) => a[0] - b[0]);
  let p = board.ram.base;
  const gaps: [number, number][] = [];
  for (const [lo, hi] of cuts) {
    if (lo > p) gaps.push([p, lo]);
    if (hi > p) p = hi;
  }
  if (board.ram.base + board.ram.size > p) gaps.push([p, board.ram.base + board.ram.size]);
  for (const [lo, hi] of gaps) {
    const b = Math.ceil(lo / 1024) * 1024,
      e = Math.floor(hi / 1024) * 1024;
    if (e - b >= best.size && e > b) best = { base: b, size: e - b };
  }
  if (best.size === 0) fail("EINVAL", "board " + board.name + " has no RAM outside its reserved ranges to manage");
  return best;
}

/** Throws EINVAL unless `board` looks like a loaded board (sections, reserved, regions and ram). */
function checkBoard(board: Board): void {
  const b = board as any;
  if (
    !b ||
    typeof b !== "object" ||
    !Array.isArray(b.sections) ||
    !Array.isArray(b.reserved) ||
    !Array.isArray(b.regions) ||
    !b.ram ||
    typeof b.ram !== "object"
  ) {
    fail("EINVAL", "board must be a loaded board (loadBoard), got " + show(board));
  }
}

/** The region [base, size) `a` names on `board`; EINVAL naming the field when it does not fit. */
export function resolveRegion(board: Board, a: AllocatorSpec): { base: number; size: number } {
  let r: { base: number; size: number };
  checkBoard(board);
  if (!a || typeof a !== "object") fail("EINVAL", "allocator must be an object {kind, region | base+size, …}, got " + show(a));
  if (a.region !== undefined) {
    if (a.region === "free") r = freeRegion(board);
    else {
      const g = board.regions.find((x) => x.name === a.region);
      if (!g)
        fail(
          "EINVAL",
          "allocator.region: board " +
            board.name +
            " has no region " +
            show(a.region) +
            "; valid: free" +
            board.regions.map((x) => ", " + x.name).join(""),
        );
      r = { base: g!.base, size: g!.size };
    }
  } else {
    const base = typeof a.base === "string" ? parseInt(a.base.slice(2), 16) : a.base;
    if (typeof base !== "number" || !(base > 0) || base >>> 0 !== base)
      fail("EINVAL", "allocator.base must be a non-zero 32-bit address, got " + show(a.base));
    if (typeof a.size !== "number" || !(a.size > 0) || Math.floor(a.size) !== a.size)
      fail("EINVAL", "allocator.size must be an integer > 0, got " + show(a.size));
    r = { base: base as number, size: a.size as number };
  }
  const ram = board.ram;
  if (r.base < ram.base || r.base + r.size > ram.base + ram.size) {
    fail(
      "EINVAL",
      "allocator region [" +
        hex(r.base) +
        ", " +
        hex(r.base + r.size) +
        ") is not inside " +
        board.name +
        "'s RAM [" +
        hex(ram.base) +
        ", " +
        hex(ram.base + ram.size) +
        ")",
    );
  }
  for (const q of board.reserved) {
    if (q.base < r.base + r.size && r.base < q.base + q.size) {
      fail(
        "EINVAL",
        "allocator region [" +
          hex(r.base) +
          ", " +
          hex(r.base + r.size) +
          ") overlaps " +
          board.name +
          "'s reserved range " +
          q.name +
          " [" +
          hex(q.base) +
          ", " +
          hex(q.base + q.size) +
          ")",
      );
    }
  }
  return r;
}

// ---------------------------------------------------------------------------
// Running.

/** Everything a policy run needs, prepared once per experiment. */
interface Prepared {
  board: Board;
  mode: string;
  seed: number;
  duration: number;
  kind: AllocatorKind;
  base: number;
  size: number;
  unit: number;
  events: EventList;
  workload: string;
  hysteresis: number;
  sampleSeconds: number;
  /** Indices of the managed sections (those the region overlaps), and the bytes of each inside the region. */
  managed: number[];
  capacity: number[];
  /** Per managed section: whether a policy can switch it off (gateable, no reserved range, wholly in the region). */
  gateable: boolean[];
}

function makeAllocator(p: Prepared, mcu: SimMcu): any {
  const o = { base: p.base, size: p.size };
  if (p.kind === "memblocks") return new MemBlocks(mcu, { ...o, blockSize: p.unit });
  if (p.kind === "onesize") return new (Onesize as any)(mcu, { ...o, blockSize: p.unit });
  return new (GranularHeap as any)(mcu, { ...o, granule: p.unit });
}

/** The fill byte of allocation `id` (never 0, so a zeroed section never passes the check). */
function tagByte(id: number): number {
  return ((id * 131 + 7) % 255) + 1;
}

/** What one policy run measured, before the savings are known. */
interface RunOutput {
  result: PolicyResult;
  /** all-on only: the live bytes over time as a change list (times, bytes). */
  liveT?: Float64Array;
  liveB?: Float64Array;
  /** Per managed section: its retention current in the run's mode, µA. */
  retention?: number[];
  energyReport: ReturnType<SimMcu["energy"]>;
}

/**
 * The state of one policy run that changes with every event, as the fields
 * of one object with methods: numbers stored in fields are updated in place,
 * where variables shared with closures would need a new heap number for
 * every fractional time or byte count. No allocation per event beyond what
 * the run records (samples, the live-bytes change list, scatter-gather lists).
 */
class PolicyRun {
  mcu: SimMcu;
  bm: BankManager;
  alloc: any;
  managed: number[];
  isHeap: boolean;
  recordLive: boolean;
  now: number;
  live: number;
  peak: number;
  failures: number;
  dataErrors: number;
  tick: number;
  switches: number;
  fragSum: number;
  fragN: number;
  samples: Sample[];
  stats: { used: number; free: number; peak: number; count: number; failures: number };
  /** all-on: the live bytes' change list, its first `nLive` entries (grown by doubling). */
  liveT: Float64Array;
  liveB: Float64Array;
  nLive: number;
  /** Address of each allocation id; 0: not live (never allocated, failed, or freed). */
  addr: Float64Array;
  /** Scatter-gather block lists, by id (null: none). */
  sg: (number[] | null)[];

  constructor(mcu: SimMcu, bm: BankManager, alloc: any, managed: number[], isHeap: boolean, recordLive: boolean, ids: number) {
    // Every instance gets the same field layout from the first one on: the
    // allocator field starts as null (a field that first held a MemBlocks
    // would change its type, and every instance's layout, when a heap
    // comes), the times and sums that take fractions start as one (a field
    // that first held a small integer would change its representation the
    // first time a time is fractional), and the id table holds null from the
    // start. Each such change would throw away the optimised code of the
    // loops that use these objects.
    this.mcu = mcu;
    this.bm = bm;
    this.alloc = null;
    this.alloc = alloc;
    this.managed = managed;
    this.isHeap = isHeap;
    this.recordLive = recordLive;
    this.now = 0.5;
    this.now = 0;
    this.live = 0;
    this.peak = 0;
    this.failures = 0;
    this.dataErrors = 0;
    this.tick = 0;
    this.switches = -1;
    this.fragSum = 0.5;
    this.fragSum = 0;
    this.fragN = 0;
    this.samples = [];
    this.stats = { used: 0, free: 0, peak: 0, count: 0, failures: 0 };
    this.liveT = new Float64Array(recordLive ? 1024 : 0);
    this.liveB = new Float64Array(recordLive ? 1024 : 0);
    this.nLive = 0;
    this.addr = new Float64Array(ids);
    this.sg = new Array<number[] | null>(ids).fill(null);
  }

  /** Managed sections that are not off. */
  sectionsOn(): number {
    let c = 0;
    const m = this.managed;
    for (let i = 0; i < m.length; i++) if (this.mcu.getPower(m[i]) !== "off") c++;
    return c;
  }

  /** A sample at `t`: always when `force`, else only when a section was switched since the last one. One per instant (the last wins). */
  sample(t: number, force: boolean): void {
    const sw = this.bm.switchOns + this.bm.switchOffs;
    if (!force && sw === this.switches) return;
    this.switches = sw;
    const samples = this.samples;
    const last = samples.length > 0 ? samples[samples.length - 1] : null;
    if (last !== null && last.t === t) {
      last.current_uA = this.mcu.current();
      last.sectionsOn = this.sectionsOn();
      last.liveBytes = this.live;
    } else samples.push({ t, current_uA: this.mcu.current(), sectionsOn: this.sectionsOn(), liveBytes: this.live });
  }

  /** A heap's fragmentation, summed at every tick (its mean is reported). */
  fragment(): void {
    if (!this.isHeap) return;
    const alloc = this.alloc;
    const free = alloc.stats(this.stats).free;
    const largest = typeof alloc.largestFree === "function" ? alloc.largestFree() : free;
    this.fragSum += free > 0 ? 1 - largest / free : 0;
    this.fragN++;
  }

  /** Move the simulated clock (and the energy integral) to `t` when it is later. */
  advanceTo(t: number): void {
    if (t > this.now) {
      this.mcu.advance(t - this.now);
      this.now = t;
    }
  }

  /** The live bytes after an allocation or free: the peak, and all-on's change list. */
  noteLive(): void {
    const live = (this.live = this.alloc.stats(this.stats).used);
    if (live > this.peak) this.peak = live;
    if (this.recordLive) {
      const n = this.nLive;
      if (n > 0 && this.liveT[n - 1] === this.now) this.liveB[n - 1] = live;
      else this.pushLive(this.now, live);
    }
  }

  pushLive(t: number, bytes: number): void {
    const n = this.nLive;
    if (n === this.liveT.length) {
      const T = new Float64Array(n * 2),
        B = new Float64Array(n * 2);
      T.set(this.liveT);
      B.set(this.liveB);
      this.liveT = T;
      this.liveB = B;
    }
    this.liveT[n] = t;
    this.liveB[n] = bytes;
    this.nLive = n + 1;
  }

  /** The tag written at allocation (and every write) must still be at `a`. */
  check(a: number, id: number, len: number): void {
    try {
      const want = (tagByte(id) * 0x01010101) >>> 0;
      const ok = len >= 4 ? this.mcu.read32(a) === want : this.mcu.read8(a) === tagByte(id);
      if (!ok) this.dataErrors++;
    } catch (e) {
      this.dataErrors++;
    }
  }

  // One method per kind of event (small functions: a change of type feedback
  // in one of them recompiles that one, not the whole run's loop).

  /** Allocate id's `size` bytes (`blocks` > 0: that many blocks, scatter-gather) and write its tag. */
  allocEvent(id: number, size: number, blocks: number): void {
    const mcu = this.mcu;
    if (blocks > 0) {
      const out: number[] = [];
      if (this.alloc.allocBlocks(blocks, out) === 0) {
        this.sg[id] = out;
        this.addr[id] = out[0];
        const tag = (tagByte(id) * 0x01010101) >>> 0;
        for (let k = 0; k < out.length; k++) {
          try {
            mcu.write32(out[k], tag);
          } catch (e) {
            this.dataErrors++;
          }
        }
      } else this.failures++;
    } else {
      const a = this.bm.allocate(size);
      if (a === 0) this.failures++;
      else {
        this.addr[id] = a;
        try {
          if (size >= 4) mcu.write32(a, (tagByte(id) * 0x01010101) >>> 0);
          else mcu.write8(a, tagByte(id));
        } catch (e) {
          this.dataErrors++;
        }
      }
    }
    this.noteLive();
  }

  /** Check id's tag and free it (when it is live). */
  freeEvent(id: number): void {
    const a = this.addr[id];
    if (a === 0) return;
    const list = this.sg[id];
    if (list) {
      for (let k = 0; k < list.length; k++) this.check(list[k], id, 4);
      if (this.alloc.freeBlocks(list.length, list) !== 0) this.dataErrors++;
      this.sg[id] = null;
    } else {
      this.check(a, id, this.alloc.blockSize >= 4 ? 4 : 1);
      if (this.bm.free(a) !== 0) this.dataErrors++;
    }
    this.addr[id] = 0;
    this.noteLive();
  }

  /** Write `len` bytes of id's tag at offset `off` (when it is live). */
  writeEvent(id: number, len: number, off: number): void {
    const a = this.addr[id];
    if (a === 0) return;
    const list = this.sg[id],
      mcu = this.mcu;
    try {
      if (list) {
        // A scatter-gather transfer fills its blocks in list order.
        const bs = this.alloc.blockSize;
        for (let k = 0, left = len; k < list.length && left > 0; k++, left -= bs) mcu.fill(list[k], left < bs ? left : bs, tagByte(id));
      } else mcu.fill(a + off, len, tagByte(id));
    } catch (e) {
      this.dataErrors++;
    }
  }

  /** The events of this instant are done: the manager's update, then a sample (a tick's when the instant is on the sampling clock). */
  settle(step: number): void {
    const now = this.now;
    this.bm.update(now);
    if (this.tick * step === now) {
      this.fragment();
      this.sample(now, true);
      this.tick++;
    } else this.sample(now, false);
  }

  /** A tick of the sampling clock at `tt`: the manager's update, the fragmentation, a sample. */
  tickAt(tt: number): void {
    this.advanceTo(tt);
    this.bm.update(tt);
    this.fragment();
    this.sample(tt, true);
    this.tick++;
  }
}

/**
 * The events of `ev` before `dur`, in order, with the sampling clock's ticks
 * between them: the hot loop, on its own. It sees only typed arrays and one
 * kind of object, so its optimised code stays valid from one run (and one
 * experiment) to the next; what runs once per run stays outside it.
 */
function playEvents(r: PolicyRun, ev: EventList, dur: number, step: number): void {
  const n = ev.n,
    T = ev.t,
    OP = ev.op,
    ID = ev.id,
    A = ev.a,
    B = ev.b;
  for (let i = 0; i < n; i++) {
    const t = T[i];
    if (t >= dur) break;
    while (r.tick * step < t) r.tickAt(r.tick * step);
    r.advanceTo(t);
    const op = OP[i];
    if (op === OP_ALLOC) r.allocEvent(ID[i], A[i], B[i]);
    else if (op === OP_FREE) r.freeEvent(ID[i]);
    else if (op === OP_WRITE) r.writeEvent(ID[i], A[i], B[i]);
    // The manager runs once the events of this instant are done (as it would
    // when the application yields), not between a flush's frees and the
    // allocation that follows at the same time.
    if (i + 1 === n || T[i + 1] !== t) r.settle(step);
  }
}

function runPolicy(p: Prepared, name: PolicyName, recordLive: boolean): RunOutput {
  const mcu = new SimMcu(p.board, { seed: p.seed, mode: p.mode });
  const alloc = makeAllocator(p, mcu);
  const reserved = p.board.reserved.map((r) => ({ base: r.base, size: r.size }));
  const bm = new BankManager(mcu, { policy: name, hysteresis: p.hysteresis, reserved, now: () => mcu.now() });
  bm.manage(alloc);
  const ev = p.events,
    dur = p.duration,
    step = p.sampleSeconds;
  const managed = p.managed;
  const r = new PolicyRun(mcu, bm, alloc, managed, p.kind === "granular", recordLive, ev.ids);

  // The first update runs at tick 0, after any events at t = 0 (so that the
  // sections they need are not switched off and on again at the same instant).
  if (recordLive) r.pushLive(0, 0);
  r.sample(0, true);
  r.tick = 0;
  playEvents(r, ev, dur, step);
  while (r.tick * step < dur) r.tickAt(r.tick * step);
  r.advanceTo(dur);
  r.sample(dur, true);

  const e = mcu.energy();
  let ret = 0,
    onSec = 0;
  const retention: number[] = [];
  for (const s of managed) {
    const se = e.bySection[mcu.sectionName(s)];
    ret += se.energy_uJ;
    onSec += se.onSeconds + se.retainedSeconds;
    retention.push(se.onSeconds + se.retainedSeconds > 0 ? se.charge_uC / (se.onSeconds + se.retainedSeconds) : 0);
  }
  const lanes = makeLanes(mcu, managed);
  const result: PolicyResult = {
    policy: name,
    energy: { total_uJ: e.energy_uJ, base_uJ: e.energy_uJ - ret, retention_uJ: ret },
    avgCurrent_uA: e.charge_uC / dur,
    avgSectionsOn: onSec / dur,
    switchOns: bm.switchOns,
    switchOffs: bm.switchOffs,
    failures: r.failures,
    peakLiveBytes: r.peak,
    fragmentation: r.fragN > 0 ? r.fragSum / r.fragN : 0,
    savingRetentionPct: 0,
    savingTotalPct: 0,
    retentionVsOracle: 0,
    samples: r.samples,
    lanes,
  };
  result.dataErrors = r.dataErrors;
  const out: RunOutput = { result, energyReport: e };
  if (recordLive) {
    out.liveT = r.liveT.subarray(0, r.nLive);
    out.liveB = r.liveB.subarray(0, r.nLive);
    out.retention = retention;
  }
  return out;
}

/** Each managed section's power states as a change list, the first at t = 0. */
function makeLanes(mcu: SimMcu, managed: number[]): Lane[] {
  const lanes: Lane[] = managed.map((s) => ({
    section: mcu.sectionName(s),
    changes: [[0, "on"]] as [number, "on" | "off" | "retained"][],
  }));
  const index = new Map<number, number>();
  managed.forEach((s, i) => index.set(s, i));
  // The power log itself (mcu.events() would copy every entry first).
  const log = mcu._events;
  for (let j = 0; j < log.length; j++) {
    const ev = log[j];
    if (ev.kind !== "power" || ev.index === undefined || !index.has(ev.index)) continue;
    const ch = lanes[index.get(ev.index)!].changes;
    const last = ch[ch.length - 1];
    if (last[0] === ev.t) {
      last[1] = ev.to as "on" | "off" | "retained";
      if (ch.length > 1 && ch[ch.length - 2][1] === last[1]) ch.pop();
    } else ch.push([ev.t, ev.to as "on" | "off" | "retained"]);
  }
  return lanes;
}

/**
 * The oracle over all-on's live bytes: at every instant the fewest managed
 * sections (largest first) whose bytes in the region hold the live bytes,
 * charged with their retention currents. Samples at every change of that
 * count and every `step` seconds.
 */
function oracle(p: Prepared, allOn: RunOutput, voltage: number): OracleResult {
  const ret = Float64Array.from(allOn.retention!),
    capacity = Float64Array.from(p.capacity);
  // Sections no policy can switch off (not gateable, touched by a reserved
  // range, or not wholly in the region) are on in the bound too, and hold
  // live bytes first; the rest are taken largest first.
  const fixed = p.managed.map((_, i) => i).filter((i) => !p.gateable[i]);
  const order = p.managed
    .map((_, i) => i)
    .filter((i) => p.gateable[i])
    .sort((x, y) => capacity[y] - capacity[x] || ret[x] - ret[y] || x - y);
  const fixedCap = fixed.reduce((a, i) => a + capacity[i], 0);
  const fixedCur = fixed.reduce((a, i) => a + ret[i], 0);
  const baseCurrent = allOn.result.avgCurrent_uA - ret.reduce((a, b) => a + b, 0);
  const samples: Sample[] = [];
  // [charge, section-seconds]
  const sums = new Float64Array(2);
  oracleSeries(
    allOn.liveT!,
    allOn.liveB!,
    capacity,
    ret,
    Int32Array.from(order),
    fixed.length,
    fixedCap,
    fixedCur,
    baseCurrent,
    p.duration,
    p.sampleSeconds,
    samples,
    sums,
  );
  const q = sums[0],
    secSum = sums[1];
  const dur = p.duration;
  const last = samples[samples.length - 1];
  pushSample(samples, dur, last.liveBytes, last.sectionsOn, baseCurrent + (last.current_uA - baseCurrent));
  const retention_uJ = q * voltage;
  const base_uJ = allOn.result.energy.base_uJ;
  return { energy: { total_uJ: base_uJ + retention_uJ, base_uJ, retention_uJ }, avgSectionsOn: secSum / dur, samples };
}

/** Append a sample, or replace the last one when it is at the same time. */
function pushSample(samples: Sample[], t: number, live: number, k: number, current: number): void {
  const s: Sample = { t, current_uA: current, sectionsOn: k, liveBytes: live };
  if (samples.length > 0 && samples[samples.length - 1].t === t) samples[samples.length - 1] = s;
  else samples.push(s);
}

/**
 * The oracle's loop over all-on's live-bytes change list (T, B): at each
 * change the fewest sections that hold the live bytes (`fixedN` fixed ones,
 * then `order`'s), the charge and section-seconds to the next change (added
 * into sums[0], sums[1]), and samples at every change of that count and
 * every `step` seconds. Only typed arrays and numbers (and the samples), so
 * its optimised code serves every experiment.
 */
function oracleSeries(
  T: Float64Array,
  B: Float64Array,
  capacity: Float64Array,
  ret: Float64Array,
  order: Int32Array,
  fixedN: number,
  fixedCap: number,
  fixedCur: number,
  baseCurrent: number,
  dur: number,
  step: number,
  samples: Sample[],
  sums: Float64Array,
): void {
  let q = 0,
    secSum = 0,
    lastK = -1,
    tick = 0;
  for (let i = 0; i < T.length; i++) {
    const t0 = T[i],
      t1 = i + 1 < T.length ? T[i + 1] : dur,
      live = B[i];
    // The sections (k) and their current (cur) that hold `live` bytes.
    let cap = fixedCap,
      k = fixedN,
      cur = fixedCur;
    for (let j = 0; cap < live && j < order.length; j++) {
      cap += capacity[order[j]];
      cur += ret[order[j]];
      k++;
    }
    q += cur * (t1 - t0);
    secSum += k * (t1 - t0);
    while (tick * step < t0) tick++;
    if (k !== lastK || tick * step === t0) pushSample(samples, t0, live, k, baseCurrent + cur);
    lastK = k;
    for (; tick * step < t1; tick++) if (tick * step > t0) pushSample(samples, tick * step, live, k, baseCurrent + cur);
  }
  sums[0] = q;
  sums[1] = secSum;
}

/**
 * `board` with `fw.reserved` as its reserved ranges (a copy; the board is
 * not changed). EINVAL naming firmware.reserved[i] for a range outside RAM,
 * a bad address, or ranges that overlap.
 */
export function withFirmware(board: Board, fw: FirmwareSpec | undefined): Board {
  checkBoard(board);
  if (fw === undefined) return board;
  if (!fw || typeof fw !== "object" || typeof fw.assumption !== "string" || fw.assumption === "" || !Array.isArray(fw.reserved)) {
    fail("EINVAL", "firmware must be {assumption: a non-empty string, reserved: an array}, got " + show(fw));
  }
  const ram = board.ram;
  const reserved = fw.reserved.map((r, i) => {
    const at = "firmware.reserved[" + i + "]";
    const base = typeof r.base === "string" && /^0x[0-9A-Fa-f]{1,8}$/.test(r.base) ? parseInt(r.base.slice(2), 16) : r.base;
    if (typeof base !== "number" || base >>> 0 !== base) fail("EINVAL", at + '.base must be a "0x…" address, got ' + show(r.base));
    if (typeof r.size !== "number" || !(r.size >= 1) || Math.floor(r.size) !== r.size)
      fail("EINVAL", at + ".size must be an integer >= 1, got " + show(r.size));
    if ((base as number) < ram.base || (base as number) + r.size > ram.base + ram.size) {
      fail(
        "EINVAL",
        at +
          " [" +
          hex(base as number) +
          ", " +
          hex((base as number) + r.size) +
          ") is not inside " +
          board.name +
          "'s RAM [" +
          hex(ram.base) +
          ", " +
          hex(ram.base + ram.size) +
          ")",
      );
    }
    const out: Board["reserved"][number] = { name: String(r.name), kind: String(r.kind), base: base as number, size: r.size };
    if (r.derived !== undefined) out.derived = r.derived;
    return out;
  });
  const sorted = reserved.map((r, i) => ({ r, i })).sort((x, y) => x.r.base - y.r.base);
  for (let k = 1; k < sorted.length; k++) {
    const p = sorted[k - 1],
      q = sorted[k];
    if (q.r.base < p.r.base + p.r.size)
      fail("EINVAL", "firmware.reserved[" + q.i + "] (" + q.r.name + ") overlaps firmware.reserved[" + p.i + "] (" + p.r.name + ")");
  }
  return { ...board, reserved };
}

/** Check and complete `spec` into what a run needs. */
function prepare(spec: ExperimentSpec, options: RunOptions): Prepared & { name: string; policies: PolicyName[]; firmware?: string } {
  if (!spec || typeof spec !== "object") fail("EINVAL", "spec must be an experiment object, got " + show(spec));
  const board = withFirmware(options.board || loadBoard(spec.board), spec.firmware);
  const a = spec.allocator;
  if (!a || typeof a !== "object") fail("EINVAL", "allocator must be an object {kind, region | base+size, …}, got " + show(a));
  if (a.kind !== "memblocks" && a.kind !== "onesize" && a.kind !== "granular")
    fail("EINVAL", "allocator.kind must be one of memblocks, onesize, granular, got " + show(a.kind));
  const seed = spec.seed === undefined ? DEFAULTS.seed : spec.seed;
  if (typeof seed !== "number" || Math.floor(seed) !== seed || seed < 0 || seed > 0xffffffff)
    fail("EINVAL", "seed must be an integer in [0, 2^32), got " + show(seed));
  const mode = spec.powerMode === undefined ? board.defaultMode : spec.powerMode;
  if (!Object.hasOwn(board.modes, mode))
    fail("EINVAL", "powerMode must be one of " + Object.keys(board.modes).join(", ") + " (modes of " + board.name + "), got " + show(mode));
  const hysteresis = spec.hysteresis === undefined ? DEFAULTS.hysteresis : spec.hysteresis;
  if (typeof hysteresis !== "number" || !(hysteresis >= 0) || !isFinite(hysteresis))
    fail("EINVAL", "hysteresis must be a number of seconds >= 0, got " + show(hysteresis));
  const sampleSeconds = spec.sampleSeconds === undefined ? DEFAULTS.sampleSeconds : spec.sampleSeconds;
  if (typeof sampleSeconds !== "number" || !(sampleSeconds > 0) || !isFinite(sampleSeconds))
    fail("EINVAL", "sampleSeconds must be a number > 0, got " + show(sampleSeconds));
  const wanted = spec.policies === undefined ? POLICY_NAMES.slice() : spec.policies;
  if (!Array.isArray(wanted) || wanted.length === 0)
    fail("EINVAL", "policies must be a non-empty array of " + POLICY_NAMES.join(", ") + ", got " + show(wanted));
  for (const w of wanted)
    if (POLICY_NAMES.indexOf(w) < 0) fail("EINVAL", "policies: unknown policy " + show(w) + "; valid: " + POLICY_NAMES.join(", "));
  const policies = POLICY_NAMES.filter((x) => x === "all-on" || wanted.indexOf(x) >= 0) as PolicyName[];
  const unit =
    a.kind === "granular"
      ? a.granule === undefined
        ? DEFAULTS.granule
        : a.granule
      : a.blockSize === undefined
        ? DEFAULTS.blockSize
        : a.blockSize;
  const region = resolveRegion(board, a);

  let events: EventList, workload: string, duration: number;
  if ((spec.workload === undefined) === (spec.trace === undefined)) fail("EINVAL", "an experiment needs exactly one of workload and trace");
  if (spec.trace !== undefined) {
    const file = resolve(options.baseDir || ".", spec.trace);
    const trace = options.traceText !== undefined ? parseTrace(options.traceText, spec.trace) : readTrace(file, displayPath(file));
    events = trace.events;
    workload = "trace " + basename(spec.trace);
    duration = spec.durationSeconds !== undefined ? spec.durationSeconds : Math.max(events.end(), 1);
  } else {
    const w = spec.workload!;
    if (spec.durationSeconds === undefined) fail("EINVAL", "durationSeconds is required with a workload");
    duration = spec.durationSeconds!;
    workloadParams(w.kind, w.params);
    events = generateWorkload(w.kind, w.params, {
      seed: mix32(seed, 0x776b6c64),
      durationSeconds: duration,
      blockSize: unit,
      allocator: a.kind,
    });
    workload = w.kind;
  }
  if (typeof duration !== "number" || !(duration > 0) || !isFinite(duration))
    fail("EINVAL", "durationSeconds must be a number > 0, got " + show(duration));
  const { sections: managed, capacity, gateable } = regionSections(board, region);
  const name = spec.name || (spec.workload ? spec.workload.kind : basename(spec.trace!)) + " on " + board.name;
  return {
    name,
    policies,
    board,
    mode,
    seed,
    duration,
    kind: a.kind,
    base: region.base,
    size: region.size,
    unit,
    events,
    workload,
    hysteresis,
    sampleSeconds,
    managed,
    capacity,
    gateable,
    firmware: spec.firmware ? spec.firmware.assumption : undefined,
  };
}

/**
 * Run `spec` under each of its policies (all-on always, first: the
 * baseline) and return the results. Deterministic: the same spec gives the
 * same numbers to the last digit. Throws EINVAL (ENOENT for a missing board
 * or trace file) naming the field for a spec that cannot run; a malformed
 * trace throws before anything runs.
 */
export function runExperiment(spec: ExperimentSpec, options?: RunOptions): ExperimentResult {
  const o = options || {};
  if (spec && spec.sleep !== undefined) {
    const board = withFirmware(o.board || loadBoard(spec.board), spec.firmware);
    return runSleepExperiment(spec, board, resolveRegion(board, spec.allocator));
  }
  const p = prepare(spec, o);
  const outs: RunOutput[] = [];
  p.policies.forEach((name, i) => {
    outs.push(runPolicy(p, name, name === "all-on"));
    if (o.onPolicy) o.onPolicy(name, i, p.policies.length);
  });
  const allOn = outs[0];
  const voltage = allOn.energyReport.voltage_V;
  const orc = oracle(p, allOn, voltage);
  const base = allOn.result.energy;
  for (const r of outs) {
    const e = r.result.energy;
    r.result.savingRetentionPct = base.retention_uJ > 0 ? (100 * (base.retention_uJ - e.retention_uJ)) / base.retention_uJ : 0;
    r.result.savingTotalPct = base.total_uJ > 0 ? (100 * (base.total_uJ - e.total_uJ)) / base.total_uJ : 0;
    r.result.retentionVsOracle = orc.energy.retention_uJ > 0 ? e.retention_uJ / orc.energy.retention_uJ : e.retention_uJ > 0 ? Infinity : 1;
  }
  const sources: FigureSource[] = figureSources(outs.map((r) => r.energyReport));
  const ret = allOn.retention!;
  const result: ExperimentResult = {
    name: p.name,
    board: { name: p.board.name, title: p.board.title, chip: p.board.chip.part },
    allocator: { kind: p.kind, base: p.base, size: p.size, blockSize: p.unit },
    workload: p.workload,
    seed: p.seed,
    durationSeconds: p.duration,
    powerMode: p.mode,
    sections: p.managed.map((s, i) => ({
      name: p.board.sections[s].name,
      base: p.board.sections[s].base,
      size: p.board.sections[s].size,
      retention_uA: ret[i],
    })),
    policies: outs.map((r) => r.result),
    oracle: orc,
    sources,
    limits: (p.firmware !== undefined ? ["Firmware layout assumed (not the board file's): " + p.firmware] : []).concat(LIMITS),
  };
  if (p.firmware !== undefined) result.firmware = p.firmware;
  return result;
}

// ---------------------------------------------------------------------------
// The terminal table.

function fixed(v: number, d: number): string {
  return isFinite(v) ? v.toFixed(d) : String(v);
}

/** Columns padded to their widest cell (numbers right-aligned). */
function table(header: string[], rows: string[][], right: boolean[]): string {
  const w = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => (right[c] ? cell.padStart(w[c]) : cell.padEnd(w[c])))
      .join("  ")
      .trimEnd();
  return [line(header), line(w.map((n) => "-".repeat(n)))].concat(rows.map(line)).join("\n");
}

/**
 * The experiment's summary as a terminal table: per policy (and the oracle)
 * total, base and retention energy, the saving in % of all-on's retention
 * and total energy, the retention against the oracle's, average sections on,
 * switch counts, failures.
 */
export function formatResult(r: ExperimentResult): string {
  if (
    !r ||
    typeof r !== "object" ||
    !r.board ||
    !r.allocator ||
    !Array.isArray(r.policies) ||
    r.policies.length === 0 ||
    !r.oracle ||
    !Array.isArray(r.sections)
  ) {
    fail("EINVAL", "result must be an experiment result (runExperiment), got " + show(r));
  }
  const kib = (n: number) => (n % 1024 === 0 ? n / 1024 + " KiB" : n + " B");
  const head =
    r.name +
    ": " +
    r.board.title +
    " (" +
    r.board.name +
    ", " +
    r.board.chip +
    "), " +
    r.workload +
    ", " +
    fixed(r.durationSeconds / 3600, 2).replace(/\.00$/, "") +
    " h simulated, mode " +
    r.powerMode +
    ", seed " +
    r.seed;
  const geo =
    r.allocator.kind +
    " over [" +
    hex(r.allocator.base) +
    ", " +
    hex(r.allocator.base + r.allocator.size) +
    ") (" +
    kib(r.allocator.size) +
    ", " +
    (r.allocator.kind === "granular" ? "granule " : "blocks of ") +
    r.allocator.blockSize +
    " B): " +
    r.sections.length +
    " section" +
    (r.sections.length === 1 ? "" : "s") +
    " (" +
    r.sections.map((s) => s.name).join(", ") +
    ")";
  const rows = r.policies.map((p) => [
    p.policy,
    fixed(p.energy.total_uJ / 1e6, 4),
    fixed(p.energy.retention_uJ / 1e3, 2),
    fixed(p.savingRetentionPct, 1),
    fixed(p.savingTotalPct, 2),
    fixed(p.retentionVsOracle, 2),
    fixed(p.avgSectionsOn, 2),
    p.switchOns + "/" + p.switchOffs,
    String(p.failures),
  ]);
  const o = r.oracle,
    a = r.policies[0].energy;
  rows.push([
    "oracle",
    fixed(o.energy.total_uJ / 1e6, 4),
    fixed(o.energy.retention_uJ / 1e3, 2),
    fixed(a.retention_uJ > 0 ? (100 * (a.retention_uJ - o.energy.retention_uJ)) / a.retention_uJ : 0, 1),
    fixed(a.total_uJ > 0 ? (100 * (a.total_uJ - o.energy.total_uJ)) / a.total_uJ : 0, 2),
    "1.00",
    fixed(o.avgSectionsOn, 2),
    "-",
    "-",
  ]);
  const lines = [head, geo];
  if (r.firmware !== undefined) lines.push("firmware assumed: " + r.firmware);
  lines.push("");
  lines.push(
    table(["policy", "energy J", "retention mJ", "saved % ret", "saved % total", "ret/oracle", "sections on", "on/off", "failures"], rows, [
      false,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
    ]),
  );
  const bad = r.policies.filter((p) => (p.dataErrors || 0) > 0);
  for (const p of bad) lines.push("WARNING: " + p.policy + " lost or faulted on live data " + p.dataErrors + " times (a bank-manager bug)");
  lines.push("");
  lines.push("energy = base (mode current + RAM outside the region) + retention of the region's sections; savings against all-on.");
  return lines.join("\n");
}

/**
 * Bank power-down experiments: one board, one allocator over one region, one
 * workload (or a trace), run once per placement/gating policy on a fresh
 * simulated MCU, with the energy of each run and the oracle's bound.
 * Node only. The result shape is `ExperimentResult` (sim/results.ts).
 */
import type { ExperimentResult, PolicyName } from "./results.js";

/** Allocator kinds an experiment can run. */
export type AllocatorKind = "memblocks" | "onesize" | "granular";

/** The allocator and its geometry. Either `region` (a board region name) or `base` + `size`. */
export interface AllocatorSpec {
  kind: AllocatorKind;
  /** A named region of the board (board.regions[].name). */
  region?: string;
  /** First address of the managed region (a number, or a "0x…" string in files). */
  base?: number | string;
  /** Bytes managed. */
  size?: number;
  /** Block size in bytes (memblocks, onesize). */
  blockSize?: number;
  /** Granule in bytes (granular). */
  granule?: number;
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
  /** Simulated seconds (a trace replay defaults to the trace's last event time). */
  durationSeconds: number;
  allocator: AllocatorSpec;
  /** A built-in workload; exactly one of `workload` and `trace`. */
  workload?: WorkloadSpec;
  /** A trace file (JSON lines, sim/trace.ts), relative to the experiment file. */
  trace?: string;
  /** Policies to run (default: all of them, in report order). */
  policies?: PolicyName[];
  /** Seed of the workload and of the simulated RAM contents (an integer, default 1). */
  seed?: number;
  /** Power mode of the board to run in (default: the board's default mode). */
  powerMode?: string;
  /** pack+gate: seconds a section must stay empty before it is switched off (default 0). */
  hysteresis?: number;
  /** At most this many simulated seconds between two samples (default 60). */
  sampleSeconds?: number;
}

/** Options of `runExperiment`. */
export interface RunOptions {
  /** Directory relative trace paths are read from (default: the current directory). */
  baseDir?: string;
  /** The trace's text, instead of reading `spec.trace` (the file name is then only used in messages). */
  traceText?: string;
  /** Called after each policy's run. */
  onPolicy?: (policy: PolicyName, index: number, count: number) => void;
}

/**
 * Run `spec` under each of its policies and return the results.
 * Deterministic: the same spec gives the same numbers to the last digit.
 */
export function runExperiment(spec: ExperimentSpec, options?: RunOptions): ExperimentResult {
  void spec; void options;
  throw new Error("runExperiment: not implemented yet");
}

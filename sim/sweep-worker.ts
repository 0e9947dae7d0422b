/**
 * One task of a sweep, run in a worker thread of the sweep's pool
 * (sim/sweep.ts): one experiment (a board, a workload, a seed, every policy
 * of the sweep) reduced to its summary rows, which is all a sweep keeps.
 * Errors come back as a value (their code and message), so that the main
 * thread can name the task that failed.
 */
import type { Board } from "../src/core/board.js";
import { runExperiment, type ExperimentSpec } from "./experiment.js";
import { summaryRows, type SummaryRow } from "./report-summary.js";

/** What the main thread sends: the task's index in the grid, its experiment, and the experiment's board, loaded and checked. */
export interface SweepTaskInput {
  index: number;
  spec: ExperimentSpec;
  board?: Board;
}

/** What comes back: the summary rows, or the error that stopped the experiment. */
export interface SweepTaskOutput {
  index: number;
  rows: SummaryRow[];
  error: { code: string; message: string } | null;
}

/** Run one task. Never throws: a failed experiment is returned as `error`. */
export default function runSweepTask(task: SweepTaskInput): SweepTaskOutput {
  try {
    return { index: task.index, rows: summaryRows(runExperiment(task.spec, { board: task.board })), error: null };
  } catch (e) {
    const err = e as { code?: unknown; message?: unknown };
    return {
      index: task.index,
      rows: [],
      error: {
        code: typeof err.code === "string" ? err.code : "ERROR",
        message: String(err && err.message !== undefined ? err.message : e),
      },
    };
  }
}

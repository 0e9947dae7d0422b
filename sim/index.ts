/**
 * ramkit/sim: the simulator's public API (ESM, Node only), as the package
 * exports it (package.json "exports" → "./sim"). A plain list of re-exports:
 * a module that adds to the public API appends its line here, and the API
 * report (etc/ramkit-sim.api.md, `npm run api`) shows the change.
 *
 * The allocators themselves come from "ramkit"; the simulated MCU is a
 * Memory and a Power port they run on unchanged. Importing this module
 * installs the debug add-on on the simulator's copy of the classes.
 */
import "../src/debug/host.js";

// The types of "ramkit" that the simulator's API uses, so that a user of ramkit/sim can name them
export type { Memory, Power, PowerState, WordView } from "../src/hal/ports.js";
export type { Board, BoardBank, BoardSection, ReservedRange, NamedRegion, PowerMode, Figure } from "../src/core/board.js";
export type { CodedError } from "../src/core/errors.js";
export type { Store } from "../src/core/storage.js";
export type { Allocator, AllocStats, Watcher, RegionOptions } from "../src/alloc/api.js";
export type { GranularHeap, GranularHeapOptions, GranularStats } from "../src/alloc/granular-heap.js";
export type { MemoryConfig, SharedMemoryConfig } from "../src/alloc/memory-manager.js";

// The simulated MCU: the Memory and Power ports over a board's memory map
export { SimMcu } from "./mcu.js";
export type {
  SimMcuOptions,
  BusFault,
  SectionCounters,
  CounterTotals,
  SimEvent,
  FigureUse,
  ModeEnergy,
  SectionEnergy,
  EnergyReport,
} from "./mcu.js";
// Board files
export { DEFAULT_BOARD, boardsDir, listBoards, loadBoard, boardFromJSON } from "./boards.js";
// Shared memory between worker threads (SharedArrayBuffer)
export { SharedMemory, AtomicsLock, createSharedRegion, attachSharedRegion, sharedMemoryConfig } from "./shared-memory.js";
export type { SharedHeapHandle, SharedStores, SharedRegion } from "./shared-memory.js";
// Experiment results (the shape every report reads)
export { POLICY_NAMES } from "./results.js";
export type { PolicyName, EnergySplit, Sample, Lane, PolicyResult, OracleResult, FigureSource, ExperimentResult } from "./results.js";
// Experiments: workloads, traces, experiment files and runs
export { EventList, OP_ALLOC, OP_FREE, OP_WRITE, WORKLOADS, WORKLOAD_KINDS, generateWorkload, workloadParams } from "./workloads.js";
export type { ParamInfo, WorkloadContext, WorkloadInfo } from "./workloads.js";
export { parseTrace, readTrace, formatTrace } from "./trace.js";
export type { Trace, TraceEvent } from "./trace.js";
export {
  DEFAULTS,
  LIMITS,
  experimentsDir,
  schemaFile,
  validateExperiment,
  loadExperiment,
  freeRegion,
  resolveRegion,
  withFirmware,
  runExperiment,
  formatResult,
} from "./experiment.js";
export type {
  AllocatorKind,
  AllocatorSpec,
  FirmwareSpec,
  WorkloadKind,
  WorkloadSpec,
  ExperimentSpec,
  RunOptions,
  LoadedExperiment,
} from "./experiment.js";

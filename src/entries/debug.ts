/**
 * dist/ramkit-debug.js: the debug add-on for a board. It holds none of the
 * lean code: when loaded it requires the lean bundle (module "ramkit": the
 * full bundle or a per-feature one) and installs the debug members
 * (`validate()`, `invariantsHold()`, iteration, listeners, long error texts,
 * the full statistics) onto the classes that bundle exports, so every
 * allocator, already built or built later, has them.
 *
 *     var rk = require("ramkit");
 *     require("ramkit-debug");      // while debugging only
 *     pool.validate();
 *
 * Tested on every engine: the engine matrix repeats each run with it loaded
 * (the conformance parts' `DEBUG` is then true).
 */
import { installDebug } from "../debug/index.js";

// ESPRUINO: `require` is the engine's module loader (Modules.addCached or
// Storage on a board, CommonJS elsewhere); the bundle leaves it to the engine.
declare var require: (name: string) => any;

/** The add-on's version; it matches the lean bundle's VERSION. */
export var VERSION = "0.1.0";
/** Install the debug members onto another copy of ramkit's exports (the loaded "ramkit" already has them). */
export { installDebug };
/** Trace capture: a watcher that writes every allocation and free as a JSON line of the simulator's trace format. */
export { TraceRecorder } from "../debug/trace.js";
export type { TraceRecorderOptions, TraceSink } from "../debug/trace.js";
// The types the add-on's API uses (types only: no code)
export type { Allocator, AllocStats, Watcher } from "../alloc/api.js";
export type { Memory, WordView } from "../hal/ports.js";

installDebug(require("ramkit"));

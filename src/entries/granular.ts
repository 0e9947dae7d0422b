/**
 * dist/ramkit-granular.js: GranularHeap for a board that needs only that,
 * and what a program of it uses: the error codes it returns, the state
 * block's length (for stores passed in) and VERSION. The MemoryManager (two
 * heaps and the design note's verbs) is its own bundle, ramkit-memory-manager. Nothing else of the core: every function a bundle
 * holds costs RAM on Espruino even when its text stays in flash. The heaps
 * never read or write the memory they manage, so no Memory port ships here:
 * a board program passes any port it has, or a stand-in whose `read8` is
 * `peek8` (docs/GRANULAR.md, "On a board"). Tested by the conformance parts
 * 05-contract.js and 30-granular.js.
 */
export { VERSION } from "./core.js";
export { EFAULT, EINVAL, ENOMEM, EBUSY } from "../core/errors.js";
import { GranularHeap } from "../alloc/granular-heap.js";
import { granularFit } from "../alloc/granular-fit.js";
export { GranularHeap, GRANULAR_STATE_WORDS } from "../alloc/granular-heap.js";

// fit, the bank manager's question (this bundle and the full one, which exports this module; not the
// memory-manager bundle: src/alloc/granular-fit.ts)
GranularHeap.prototype.fit = granularFit;
export type { GranularHeapOptions, GranularStats } from "../alloc/granular-heap.js";
export type { Allocator, AllocStats, Watcher, RegionOptions, Checkable } from "../alloc/api.js";
export type { Memory } from "../hal/ports.js";

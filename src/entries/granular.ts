/**
 * dist/ramkit-granular.js: GranularHeap and the MemoryManager for a board
 * that needs only those, and what a program of theirs uses: the error codes
 * they return, the memoryType() values, the state block's length (for stores
 * passed in) and VERSION. Nothing else of the core: every function a bundle
 * holds costs RAM on Espruino even when its text stays in flash. The heaps
 * never read or write the memory they manage, so no Memory port ships here:
 * a board program passes any port it has, or a stand-in whose `read8` is
 * `peek8` (docs/GRANULAR.md, "On a board"). Tested by the conformance parts
 * 05-contract.js and 30-granular.js.
 */
export { VERSION } from "./core.js";
export { EFAULT, EINVAL, ENOMEM, EBUSY, EEXIST } from "../core/errors.js";
export { GranularHeap, GRANULAR_STATE_WORDS } from "../alloc/granular-heap.js";
export type { GranularHeapOptions, GranularStats } from "../alloc/granular-heap.js";
export { MemoryManager, MEMORY_NORMAL, MEMORY_SHARED, MEMORY_OTHER } from "../alloc/memory-manager.js";
export type { MemoryConfig, SharedMemoryConfig, MemoryManagerOptions, RegionLike } from "../alloc/memory-manager.js";
export type { Allocator, AllocStats, Watcher, RegionOptions, Checkable } from "../alloc/api.js";
export type { Memory } from "../hal/ports.js";

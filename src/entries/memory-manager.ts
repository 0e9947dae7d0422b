/**
 * dist/ramkit-memory-manager.js: the MemoryManager (a normal and a shared
 * GranularHeap, the design note's verbs) for a board that needs only that, and what
 * a program of it uses: the error codes it returns and VERSION, and
 * GranularHeap, which it is built on (the debug add-on installs the heaps'
 * checkers through that export). memoryType()'s values are the strings
 * "NORMAL", "SHARED" and "OTHER": their constants (MEMORY_NORMAL, …) are
 * exported by the full bundle and the host build (src/index.ts), not here,
 * where each export costs RAM. No Memory port ships (the heaps never
 * access memory): see docs/GRANULAR.md, "On a board". Tested by the
 * conformance parts 05-contract.js and 30-granular.js.
 */
export { VERSION } from "./core.js";
export { EFAULT, EINVAL, ENOMEM, EBUSY, EEXIST } from "../core/errors.js";
export { GranularHeap, GRANULAR_STATE_WORDS } from "../alloc/granular-heap.js";
export { MemoryManager } from "../alloc/memory-manager.js";
export type { MemoryConfig, SharedMemoryConfig, MemoryManagerOptions, RegionLike } from "../alloc/memory-manager.js";
export type { Allocator, AllocStats, Watcher, RegionOptions, Checkable } from "../alloc/api.js";
export type { Memory } from "../hal/ports.js";

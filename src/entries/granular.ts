/**
 * dist/ramkit-granular.js: the core (entries/core.ts), GranularHeap and the
 * MemoryManager. Tested by the conformance parts 00-core.js and 30-granular.js.
 */
export * from "./core.js";
export { GranularHeap, GRANULAR_STATE_WORDS, granularBitmapWords } from "../alloc/granular-heap.js";
export type { GranularHeapOptions, GranularStats } from "../alloc/granular-heap.js";
export { MemoryManager, MEMORY_NORMAL, MEMORY_SHARED, MEMORY_OTHER, regionConfig, findRegion } from "../alloc/memory-manager.js";
export type { MemoryConfig, SharedMemoryConfig, MemoryManagerOptions, RegionLike } from "../alloc/memory-manager.js";

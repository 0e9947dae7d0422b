/**
 * dist/ramkit-memblocks.js: the core (entries/core.ts), the bit array and
 * MemBlocks with its group, for a board that needs only those. Tested by the
 * conformance parts 00-core.js and 10-mem-blocks.js.
 */
export * from "./core.js";
export { BitArray, ctz32, clz32, popcount32, findLsbSet, findMsbSet } from "../core/bitarray.js";
export { MemBlocks } from "../alloc/mem-blocks.js";
export type { MemBlocksOptions, MemBlocksListener, MemBlocksStats } from "../alloc/mem-blocks.js";
export { MemBlocksGroup, MAX_MULTI_ALLOCATORS } from "../alloc/mem-blocks-group.js";
export type { MemBlocksChoice, MemBlocksGroupChoice } from "../alloc/mem-blocks-group.js";

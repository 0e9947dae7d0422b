/**
 * dist/ramkit-extras.js: what a board program seldom needs, kept out of the
 * full board bundle (src/index.ts) because on Espruino every function a
 * module holds costs RAM even when its text stays in flash. It holds the
 * board core (src/entries/core.ts) and:
 *
 * - ArrayMemory: a Memory port over a plain or typed array, the stand-in
 *   for real RAM on any engine (tests, a pool inside an array);
 * - BitArray and the bit helpers: Zephyr's sys_bitarray (docs/MEMBLOCKS.md);
 * - boardSectionSpecs: a board file's sections as StatePower specs;
 * - the storage factory (bytes, words, uwords: typed arrays where the
 *   engine has them, plain arrays where it has not) and its helpers;
 * - host helpers of the heaps: granularBitmapWords, regionConfig, findRegion.
 *
 * It stands alone (its classes are its own copies): load it next to the
 * full bundle or a per-feature one, `var x = require("ramkit-extras");`.
 * The host build (dist/ramkit-node.js) exports all of it too. Tested on
 * every engine by test/conformance/parts/00-core.js.
 */
export * from "./core.js";
// The codes' names by number (errnoNames[-lastError]): a table of nine strings costs ~20 blocks on
// Espruino, so the board bundles leave it here; the debug add-on's long error texts carry their own.
export { errnoNames } from "../core/errors.js";
export { hasTypedArrays, bytes, words, uwords, fillArr, indexOfArr } from "../core/storage.js";
export { ArrayMemory } from "../hal/array-memory.js";
export { boardSectionSpecs } from "../core/board.js";
export { BitArray, ctz32, clz32, popcount32, findLsbSet, findMsbSet } from "../core/bitarray.js";
export { granularBitmapWords } from "../alloc/granular-heap.js";
export { regionConfig, findRegion } from "../alloc/memory-manager.js";
export type { MemoryConfig, SharedMemoryConfig, RegionLike } from "../alloc/memory-manager.js";
export type { GranularHeapOptions } from "../alloc/granular-heap.js";

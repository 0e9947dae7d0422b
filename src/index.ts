/**
 * ramkit: the board bundle's entry point. Everything exported here ships in
 * dist/ramkit.js (ES5, CommonJS `exports`) and runs unchanged on Espruino,
 * JerryScript, Duktape, mujs, QuickJS and Node.
 */
export var VERSION = "0.1.0";
export { EPERM, ENOENT, EAGAIN, ENOMEM, EFAULT, EBUSY, EEXIST, EINVAL, ENOSPC, errnoNames, makeError } from "./core/errors.js";
export { hasTypedArrays, bytes, words, uwords, fillArr, indexOfArr } from "./core/storage.js";
export { POWER_ON, POWER_OFF, POWER_RETAINED, isPowerState } from "./hal/ports.js";
export type { Memory, Power, PowerState, WordView } from "./hal/ports.js";
export { ArrayMemory, StatePower } from "./hal/array-memory.js";
export { PeekPokeMemory, hasPeekPoke } from "./hal/peek-poke.js";
export { boardSectionSpecs } from "./core/board.js";
export type { Board, BoardBank, BoardSection, ReservedRange, NamedRegion, PowerMode, Figure } from "./core/board.js";

// -- core: bit array (issue 3)
export { BitArray, ctz32, clz32, popcount32, findLsbSet, findMsbSet } from "./core/bitarray.js";
// -- alloc: MemBlocks and group (issue 3)
export { MemBlocks } from "./alloc/mem-blocks.js";
export type { MemBlocksListener, MemBlocksStats } from "./alloc/mem-blocks.js";
export { MemBlocksGroup, MAX_MULTI_ALLOCATORS } from "./alloc/mem-blocks-group.js";
export type { MemBlocksChoice, MemBlocksGroupChoice } from "./alloc/mem-blocks-group.js";
// -- alloc: Onesize pool (issue 4)
export { Onesize } from "./alloc/onesize.js";
export type { OnesizeOptions, OnesizeStats, OnesizeVisitor } from "./alloc/onesize.js";
// -- alloc: GranularHeap and MemoryManager (issue 5)
export { GranularHeap, GRANULAR_STATE_WORDS, granularBitmapWords } from "./alloc/granular-heap.js";
export type { GranularHeapOptions, GranularStats } from "./alloc/granular-heap.js";
export { MemoryManager, MEMORY_NORMAL, MEMORY_SHARED, MEMORY_OTHER, regionConfig, findRegion } from "./alloc/memory-manager.js";
export type { MemoryConfig, SharedMemoryConfig, RegionLike } from "./alloc/memory-manager.js";

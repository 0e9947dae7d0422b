/**
 * ramkit: the board bundle's entry point. Everything exported here ships in
 * dist/ramkit.js (ES5, CommonJS `exports`) and runs unchanged on Espruino,
 * JerryScript, Duktape, mujs, QuickJS and Node: the union of the per-feature
 * entry points in src/entries/, each of which is also built on its own
 * (dist/ramkit-memblocks.js, -onesize, -granular) with the core exports
 * (entries/core.ts) for boards that need only one allocator.
 */
export * from "./entries/core.js";
// -- MemBlocks, its group and the bit array (the group and the bit array are not in the lean MemBlocks bundle)
export * from "./entries/memblocks.js";
export { MemBlocksGroup, MAX_MULTI_ALLOCATORS } from "./alloc/mem-blocks-group.js";
export type { MemBlocksChoice, MemBlocksGroupChoice } from "./alloc/mem-blocks-group.js";
export { BitArray, ctz32, clz32, popcount32, findLsbSet, findMsbSet } from "./core/bitarray.js";
// -- Onesize pool
export * from "./entries/onesize.js";
// -- GranularHeap and MemoryManager (+ the host helpers the granular board bundle leaves out)
export * from "./entries/granular.js";
export * from "./entries/memory-manager.js";
export { granularBitmapWords } from "./alloc/granular-heap.js";
export { regionConfig, findRegion } from "./alloc/memory-manager.js";
// -- Bank manager and its placement policies (src/power)
export { BankManager } from "./power/bank-manager.js";
export type { BankManagerOptions, BankStats, LostAllocation, ReservedSpan } from "./power/bank-manager.js";
export { policy } from "./power/policies.js";
export type { Policy } from "./power/policies.js";
// -- F´ layer: MemAllocator, registry, init-phase lock, BufferManager (docs/FW.md)
export * from "./fw/index.js";
// -- nRF52 RAM power through the RAM[n].POWERSET/POWERCLR registers (src/hal/nrf52-power.ts)
export { nrf52Power } from "./hal/nrf52-power.js";
export type { Nrf52Power, Nrf52PowerOptions, Nrf52Board, Nrf52Bank, Nrf52Section, Nrf52Range } from "./hal/nrf52-power.js";

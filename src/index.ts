/**
 * ramkit: the full board bundle's entry point. Everything exported here ships
 * in dist/ramkit.js (ES5, CommonJS `exports`) and runs unchanged on Espruino,
 * JerryScript, Duktape, mujs, QuickJS and Node: every allocator and the layers
 * that run on a board (the bank manager, the F´ layer, the board's Memory and
 * Power ports). Each allocator family is also built on its own
 * (src/entries/*.ts: dist/ramkit-memblocks.js, -onesize, -granular,
 * -memory-manager) for boards that need only one; what a board seldom needs
 * is in dist/ramkit-extras.js (src/entries/extras.ts). The host build adds
 * both the extras and the debug add-on (src/entries/node.ts).
 */
export * from "./entries/core.js";
// -- MemBlocks and its group (the group is not in the lean MemBlocks bundle)
export * from "./entries/memblocks.js";
export { MemBlocksGroup, MAX_MULTI_ALLOCATORS } from "./alloc/mem-blocks-group.js";
export type { MemBlocksChoice, MemBlocksGroupChoice } from "./alloc/mem-blocks-group.js";
// -- Onesize pool
export * from "./entries/onesize.js";
// -- GranularHeap and MemoryManager
export * from "./entries/granular.js";
export * from "./entries/memory-manager.js";
export { MEMORY_NORMAL, MEMORY_SHARED, MEMORY_OTHER } from "./alloc/memory-manager.js";
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

/**
 * dist/ramkit-memblocks.js: the lean MemBlocks bundle for a board that needs
 * only Zephyr's memory blocks, and what a program of its uses: the class, the
 * error codes its calls return (negated) and VERSION. Nothing else of the
 * core (the Memory ports, the storage factory, errnoNames…): every function a
 * bundle holds costs RAM on Espruino even when its text stays in flash.
 * MemBlocks never reads or writes the memory it manages, so no Memory port
 * ships here: a board program passes any port it has, or a stand-in whose
 * `read8` is `peek8` (docs/MEMBLOCKS.md, "On a board"). MemBlocksGroup and
 * BitArray are in the full bundle. Tested by the conformance parts
 * 05-contract.js and 10-mem-blocks.js.
 */
export { VERSION } from "./core.js";
export { EFAULT, EINVAL, ENOMEM } from "../core/errors.js";
export { MemBlocks } from "../alloc/mem-blocks.js";
export type { MemBlocksOptions, MemBlocksConstructor, MemBlocksListener, MemBlocksStats } from "../alloc/mem-blocks.js";
export type { Allocator, AllocStats, Watcher, RegionOptions, Checkable } from "../alloc/api.js";
export type { Memory } from "../hal/ports.js";

/**
 * dist/ramkit-onesize.js: the lean Onesize bundle for a board that needs only
 * the fixed-block pool, and what a program of its uses: the class, the error
 * codes its calls return (negated) and VERSION. Nothing else of the core (the
 * Memory ports, the storage factory, errnoNames…): every function a bundle
 * holds costs RAM on Espruino even when its text stays in flash. Onesize
 * reads and writes its free-list links through a port's read32/write32, so a
 * board program passes a port it has: on Espruino `{ read32: peek32, write32:
 * poke32 }` made of the firmware's own functions (docs/ONESIZE.md, "On a
 * board"), or an ArrayMemory / PeekPokeMemory of the full bundle. Tested by
 * the conformance parts 05-contract.js and 20-onesize.js.
 */
export { VERSION } from "./core.js";
export { EBUSY, EFAULT, EINVAL, ENOMEM } from "../core/errors.js";
export { Onesize } from "../alloc/onesize.js";
export type { OnesizeOptions, OnesizeCounters, OnesizeVisitor } from "../alloc/onesize.js";
export type { Allocator, AllocStats, Watcher, RegionOptions, Checkable } from "../alloc/api.js";
export type { Memory } from "../hal/ports.js";

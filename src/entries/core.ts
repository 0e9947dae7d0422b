/**
 * What every ramkit bundle exports, the full one (src/index.ts) and each
 * per-feature one (src/entries/*.ts): the error codes, the storage factory,
 * the HAL's Memory and Power ports with their array and peek/poke versions,
 * the board helper, and the allocator contract's types. Tested by
 * test/conformance/parts/00-core.js.
 */
export var VERSION = "0.1.0";
export { EPERM, ENOENT, EAGAIN, ENOMEM, EFAULT, EBUSY, EEXIST, EINVAL, ENOSPC, errnoNames, makeError } from "../core/errors.js";
export type { CodedError } from "../core/errors.js";
export { hasTypedArrays, bytes, words, uwords, fillArr, indexOfArr } from "../core/storage.js";
export type { Store } from "../core/storage.js";
export { POWER_ON, POWER_OFF, POWER_RETAINED, isPowerState } from "../hal/ports.js";
export type { Memory, Power, PowerState, WordView } from "../hal/ports.js";
export { ArrayMemory, StatePower } from "../hal/array-memory.js";
export type { SectionSpec } from "../hal/array-memory.js";
export { PeekPokeMemory, hasPeekPoke } from "../hal/peek-poke.js";
export { boardSectionSpecs } from "../core/board.js";
export type { Board, BoardBank, BoardSection, ReservedRange, NamedRegion, PowerMode, Figure } from "../core/board.js";
// The allocator contract every allocator implements (types only: no code ships).
export type { Allocator, AllocStats, Watcher, RegionOptions, Checkable } from "../alloc/api.js";

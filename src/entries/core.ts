/**
 * The board core every full board bundle exports (src/index.ts): VERSION,
 * the error codes, the power states, the Power port that only records
 * states (StatePower: a board whose RAM cannot be gated, or a stand-in),
 * the Memory port over the interpreter's peek/poke (PeekPokeMemory), and
 * the allocator contract's types. Each of these is used by the board
 * classes anyway, so exporting it costs one property slot. What a board
 * program seldom needs (the array-backed Memory port, Zephyr's bit array,
 * the board-file and storage helpers) is in the extras bundle
 * (src/entries/extras.ts), so that the full bundle does not charge every
 * board for it: on Espruino every function of a module costs RAM even when
 * its text stays in flash. Tested by test/conformance/parts/00-core.js.
 */
export var VERSION = "0.1.0";
export { EPERM, ENOENT, EAGAIN, ENOMEM, EFAULT, EBUSY, EEXIST, EINVAL, ENOSPC, makeError } from "../core/errors.js";
export type { CodedError } from "../core/errors.js";
export { POWER_ON, POWER_OFF, POWER_RETAINED, isPowerState } from "../hal/ports.js";
export type { Memory, Power, PowerState, WordView } from "../hal/ports.js";
export { StatePower } from "../hal/array-memory.js";
export type { SectionSpec } from "../hal/array-memory.js";
export type { Store } from "../core/storage.js";
export { PeekPokeMemory, hasPeekPoke } from "../hal/peek-poke.js";
export type { Board, BoardBank, BoardSection, ReservedRange, NamedRegion, PowerMode, Figure } from "../core/board.js";
// The allocator contract every allocator implements (types only: no code ships).
export type { Allocator, AllocStats, Watcher, RegionOptions, Checkable } from "../alloc/api.js";

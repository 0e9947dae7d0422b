/**
 * The HAL ports. Allocators receive their memory through a `Memory` and never
 * reach for globals; the simulator implements the same ports over a board's
 * memory map, so the code under test is the code that ships.
 *
 * Addresses are unsigned 32-bit MCU addresses (0x20000000 is SRAM on nRF52 and
 * STM32); 0 is NULL. All multi-byte accesses are little-endian, as on every
 * Cortex-M target. Values read are unsigned (`read32` returns 0..2^32-1).
 *
 * Bad input is refused, never coerced: an address that is not an integer in
 * the port's memory throws EFAULT naming it; a value outside its width's
 * signed or unsigned range, and a `len` or `off` that is not a non-negative
 * integer, or a buffer that is not an array or typed array holding
 * `off + len` elements, throw EINVAL naming it. A refused call changes
 * nothing. (test/support/memory-contract.ts holds every port to this.)
 */
export interface Memory {
  /** Byte at `a` (0..255). */
  read8(a: number): number;
  /** Little-endian half-word at `a` (0..65535). */
  read16(a: number): number;
  /** Little-endian word at `a` (0..2^32-1). */
  read32(a: number): number;
  /** Store the byte `v` (an integer in [-128, 255]: signed or unsigned) at `a`. */
  write8(a: number, v: number): void;
  /** Store the half-word `v` (an integer in [-32768, 65535]) at `a`, little-endian. */
  write16(a: number, v: number): void;
  /** Store the word `v` (an integer in [-2^31, 2^32 - 1]) at `a`, little-endian. */
  write32(a: number, v: number): void;
  /** Copy `len` bytes from memory at `a` into `dst[off..off+len)` (a plain array grows). */
  readBlock(a: number, dst: { [i: number]: number }, off: number, len: number): void;
  /** Copy the low byte of each of `src[off..off+len)` into memory at `a`. */
  writeBlock(a: number, src: { [i: number]: number }, off: number, len: number): void;
  /** Set `len` bytes at `a` to the byte `v` (an integer in [-128, 255]). */
  fill(a: number, len: number, v: number): void;
  /** Copy `len` bytes from `src` to `dst` (overlapping ranges are handled like memmove). */
  copy(dst: number, src: number, len: number): void;
  /**
   * Optional: the port's own words, for a port whose bytes are plain memory
   * of this engine (ArrayMemory). An allocator may then read and write
   * aligned words of its in-band metadata directly, one typed-array access
   * instead of a call. Ports that must see every access (the simulator,
   * which faults on switched-off sections and counts accesses) and ports
   * onto real RAM (peek/poke) do not offer it, or return null.
   */
  wordView?(): WordView | null;
  /**
   * Optional: whether every byte of [a, a + len) is memory of this port. Ports
   * that know their extent (ArrayMemory, the simulator) implement it, and
   * allocators refuse a region outside it (see claims.ts); ports onto real
   * RAM (peek/poke) do not, and any range is taken as given.
   */
  mapped?(a: number, len: number): boolean;
}

/**
 * Direct access to a port's words: the word holding address `a` (a multiple
 * of 4, inside the port) is `words[(a - base) >> 2]`, a signed 32-bit value
 * (read it with `>>> 0`). Little-endian, like the port.
 */
export interface WordView {
  words: { [i: number]: number; length: number };
  base: number;
}

/** A section's power state: `on` (usable), `off` (contents lost), `retained` (kept, not accessible). */
export type PowerState = "on" | "off" | "retained";

/** Power states in one place, so that callers need no string literals. */
export var POWER_ON: PowerState = "on";
export var POWER_OFF: PowerState = "off";
export var POWER_RETAINED: PowerState = "retained";

/** True for the three valid power states. */
export function isPowerState(s: any): boolean {
  return s === "on" || s === "off" || s === "retained";
}

/**
 * The Power port: per RAM section, switch it on, off or to retention, and ask
 * its state. Sections are numbered 0..sectionCount()-1 in address order.
 * `setPower` throws EINVAL for an unknown section or state, and EPERM for a
 * section that cannot be gated (switching such a section `on` is allowed).
 */
export interface Power {
  /** Number of sections. */
  sectionCount(): number;
  /** Index of the section holding address `a`, or -1. */
  sectionAt(a: number): number;
  /** Base address of section `i`. */
  sectionBase(i: number): number;
  /** Size in bytes of section `i`. */
  sectionSize(i: number): number;
  /** Name of section `i` (for example "RAM8.S2"). */
  sectionName(i: number): string;
  /** Whether section `i` can be switched off. */
  gateable(i: number): boolean;
  /** Current state of section `i`. */
  getPower(i: number): PowerState;
  /** Switch section `i` to `state`. */
  setPower(i: number, state: PowerState): void;
}

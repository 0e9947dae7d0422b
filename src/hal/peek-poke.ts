import type { Memory } from "./ports.js";
import { fail, show } from "../core/errors.js";
import { addressText } from "./checks.js";

declare var peek8: (a: number) => number;
declare var peek32: (a: number) => number;
declare var poke32: (a: number, v: number) => void;

/** True when the engine has Espruino's peek/poke functions (real boards). */
export function hasPeekPoke(): boolean {
  return typeof peek32 === "function" && typeof poke32 === "function";
}

/** Throw EFAULT: `a` is not a non-zero 32-bit address (or [a, a + len) passes 2^32). */
export function badAddress(a: any, len: number): never {
  return fail("EFAULT", "address " + addressText(a) + " (" + len + " bytes) is not a non-zero 32-bit address range");
}

/**
 * The peek/poke backend of the `Memory` port: real RAM on an Espruino board,
 * through `peek8/16/32` and `poke8/16/32`. It does no bounds checks (the
 * allocators only touch their own regions; the board has no way to say which
 * RAM is free), but it refuses what would make peek/poke act on something
 * else than what was asked: an address that is not a non-zero 32-bit integer
 * (EFAULT; peek/poke would silently use ToInt32 of it, NULL for NaN), a value
 * outside the width's signed or unsigned range, and a bad length, offset or
 * buffer in the block calls (EINVAL), each before any poke. The word calls
 * test all of that in one or two comparisons. On a host build of Espruino
 * peek on a 64-bit address crashes the interpreter, so use it on boards
 * only. `read32` is made unsigned with `>>> 0`.
 *
 * The lean build has the calls a board's allocators and power backend make:
 * `read32` and `write32` (Onesize's in-band links, nrf52Power's registers)
 * and `read8` (how a constructor tells a Memory port). The debug add-on
 * (`ramkit-debug`) adds the rest of the port to the same class: `read16`,
 * `write8`, `write16`, `readBlock`, `writeBlock`, `fill`, `copy`. A program
 * that reads or writes bytes itself calls `peek8`/`poke8` directly; each of
 * the seven would cost it about 7 blocks of RAM for nothing.
 */
export class PeekPokeMemory implements Memory {
  read8(a: number): number {
    if (a >>> 0 !== a || !a) badAddress(a, 1);
    return peek8(a);
  }
  read32(a: number): number {
    if (a >>> 0 !== a || !a) badAddress(a, 4);
    return peek32(a) >>> 0;
  }
  write32(a: number, v: number): void {
    // the value check written out (badValue's message): one function less in the lean bundle
    if ((v | 0) !== v && v >>> 0 !== v) fail("EINVAL", "value must be an integer in [-2147483648, 4294967295], got " + show(v));
    if (a >>> 0 !== a || !a) badAddress(a, 4);
    poke32(a, v | 0);
  }
  /** (debug add-on) */
  declare read16: (a: number) => number;
  /** (debug add-on) */
  declare write8: (a: number, v: number) => void;
  /** (debug add-on) */
  declare write16: (a: number, v: number) => void;
  /** (debug add-on) */
  declare readBlock: (a: number, dst: { [i: number]: number }, off: number, len: number) => void;
  /** (debug add-on) */
  declare writeBlock: (a: number, src: { [i: number]: number }, off: number, len: number) => void;
  /** (debug add-on) */
  declare fill: (a: number, len: number, v: number) => void;
  /** (debug add-on) */
  declare copy: (dst: number, src: number, len: number) => void;
}

import type { Memory } from "./ports.js";
import { fail } from "../core/errors.js";
import { addressText, badValue, checkBlock, checkLen } from "./checks.js";

declare var peek8: (a: number) => number;
declare var peek16: (a: number) => number;
declare var peek32: (a: number) => number;
declare var poke8: (a: number, v: number) => void;
declare var poke16: (a: number, v: number) => void;
declare var poke32: (a: number, v: number) => void;

/** True when the engine has Espruino's peek/poke functions (real boards). */
export function hasPeekPoke(): boolean {
  return typeof peek32 === "function" && typeof poke32 === "function";
}

/** Throw EFAULT: `a` is not a non-zero 32-bit address (or [a, a + len) passes 2^32). */
function badAddress(a: any, len: number): never {
  return fail("EFAULT", "address " + addressText(a) + " (" + len + " bytes) is not a non-zero 32-bit address range");
}

/** Throw unless [a, a + len) is an address range and `len` a non-negative integer. */
function checkRange(a: any, len: any): void {
  checkLen(len);
  if (a >>> 0 !== a || !a || a + len > 0x100000000) badAddress(a, len);
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
 */
export class PeekPokeMemory implements Memory {
  read8(a: number): number {
    if (a >>> 0 !== a || !a) badAddress(a, 1);
    return peek8(a);
  }
  read16(a: number): number {
    if (a >>> 0 !== a || !a) badAddress(a, 2);
    return peek16(a);
  }
  read32(a: number): number {
    if (a >>> 0 !== a || !a) badAddress(a, 4);
    return peek32(a) >>> 0;
  }
  write8(a: number, v: number): void {
    if ((v & 0xff) !== v && (v << 24) >> 24 !== v) badValue(v, -128, 255);
    if (a >>> 0 !== a || !a) badAddress(a, 1);
    poke8(a, v & 0xff);
  }
  write16(a: number, v: number): void {
    if ((v & 0xffff) !== v && (v << 16) >> 16 !== v) badValue(v, -32768, 65535);
    if (a >>> 0 !== a || !a) badAddress(a, 2);
    poke16(a, v & 0xffff);
  }
  write32(a: number, v: number): void {
    if ((v | 0) !== v && v >>> 0 !== v) badValue(v, -2147483648, 4294967295);
    if (a >>> 0 !== a || !a) badAddress(a, 4);
    poke32(a, v | 0);
  }
  readBlock(a: number, dst: { [i: number]: number }, off: number, len: number): void {
    checkBlock(dst, off, len, "dst", true);
    checkRange(a, len);
    for (var i = 0; i < len; i++) dst[off + i] = peek8(a + i);
  }
  writeBlock(a: number, src: { [i: number]: number }, off: number, len: number): void {
    checkBlock(src, off, len, "src", false);
    checkRange(a, len);
    for (var i = 0; i < len; i++) poke8(a + i, src[off + i] & 0xff);
  }
  fill(a: number, len: number, v: number): void {
    checkRange(a, len);
    if ((v & 0xff) !== v && (v << 24) >> 24 !== v) badValue(v, -128, 255);
    for (var i = 0; i < len; i++) poke8(a + i, v & 0xff);
  }
  copy(dst: number, src: number, len: number): void {
    checkRange(dst, len);
    checkRange(src, len);
    var i;
    if (dst < src) for (i = 0; i < len; i++) poke8(dst + i, peek8(src + i));
    else for (i = len - 1; i >= 0; i--) poke8(dst + i, peek8(src + i));
  }
}

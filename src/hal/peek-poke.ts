import { Memory } from "./ports.js";

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

/**
 * The peek/poke backend of the `Memory` port: real RAM on an Espruino board,
 * through `peek8/16/32` and `poke8/16/32`. It does no bounds checks (the
 * allocators only touch their own regions); on a host build of Espruino peek
 * on a 64-bit address crashes the interpreter, so use it on boards only.
 * `read32` is made unsigned with `>>> 0`.
 */
export class PeekPokeMemory implements Memory {
  read8(a: number): number { return peek8(a); }
  read16(a: number): number { return peek16(a); }
  read32(a: number): number { return peek32(a) >>> 0; }
  write8(a: number, v: number): void { poke8(a, v & 0xff); }
  write16(a: number, v: number): void { poke16(a, v & 0xffff); }
  write32(a: number, v: number): void { poke32(a, v | 0); }
  readBlock(a: number, dst: { [i: number]: number }, off: number, len: number): void {
    for (var i = 0; i < len; i++) dst[off + i] = peek8(a + i);
  }
  writeBlock(a: number, src: { [i: number]: number }, off: number, len: number): void {
    for (var i = 0; i < len; i++) poke8(a + i, src[off + i] & 0xff);
  }
  fill(a: number, len: number, v: number): void {
    for (var i = 0; i < len; i++) poke8(a + i, v & 0xff);
  }
  copy(dst: number, src: number, len: number): void {
    var i;
    if (dst < src) for (i = 0; i < len; i++) poke8(dst + i, peek8(src + i));
    else for (i = len - 1; i >= 0; i--) poke8(dst + i, peek8(src + i));
  }
}

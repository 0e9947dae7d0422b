/**
 * The debug add-on's members of PeekPokeMemory: the rest of the Memory port
 * (16-bit and byte writes, the block calls), which a board's allocators and
 * power backend never make. Installed by installDebug (index.ts); the class
 * is taken as an argument, never imported. Each refuses a bad address,
 * value, length, offset or buffer before any poke, as the lean calls do.
 */
import { badValue, checkBlock, checkLen } from "../hal/checks.js";
import { badAddress } from "../hal/peek-poke.js";

declare var peek8: (a: number) => number;
declare var peek16: (a: number) => number;
declare var poke8: (a: number, v: number) => void;
declare var poke16: (a: number, v: number) => void;

/** Throw unless [a, a + len) is an address range and `len` a non-negative integer. */
function checkRange(a: any, len: any): void {
  checkLen(len);
  if (a >>> 0 !== a || !a || a + len > 0x100000000) badAddress(a, len);
}

/** Install the debug members onto `C` (the PeekPokeMemory class). */
export function debugPeekPoke(C: any): void {
  var P = C.prototype;
  P.read16 = function (a: number): number {
    if (a >>> 0 !== a || !a) badAddress(a, 2);
    return peek16(a);
  };
  P.write8 = function (a: number, v: number): void {
    if ((v & 0xff) !== v && (v << 24) >> 24 !== v) badValue(v, -128, 255);
    if (a >>> 0 !== a || !a) badAddress(a, 1);
    poke8(a, v & 0xff);
  };
  P.write16 = function (a: number, v: number): void {
    if ((v & 0xffff) !== v && (v << 16) >> 16 !== v) badValue(v, -32768, 65535);
    if (a >>> 0 !== a || !a) badAddress(a, 2);
    poke16(a, v & 0xffff);
  };
  P.readBlock = function (a: number, dst: { [i: number]: number }, off: number, len: number): void {
    checkBlock(dst, off, len, "dst", true);
    checkRange(a, len);
    for (var i = 0; i < len; i++) dst[off + i] = peek8(a + i);
  };
  P.writeBlock = function (a: number, src: { [i: number]: number }, off: number, len: number): void {
    checkBlock(src, off, len, "src", false);
    checkRange(a, len);
    for (var i = 0; i < len; i++) poke8(a + i, src[off + i] & 0xff);
  };
  P.fill = function (a: number, len: number, v: number): void {
    checkRange(a, len);
    if ((v & 0xff) !== v && (v << 24) >> 24 !== v) badValue(v, -128, 255);
    for (var i = 0; i < len; i++) poke8(a + i, v & 0xff);
  };
  P.copy = function (dst: number, src: number, len: number): void {
    checkRange(dst, len);
    checkRange(src, len);
    var i;
    if (dst < src) for (i = 0; i < len; i++) poke8(dst + i, peek8(src + i));
    else for (i = len - 1; i >= 0; i--) poke8(dst + i, peek8(src + i));
  };
}

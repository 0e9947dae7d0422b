/**
 * Argument checks shared by the Memory ports (ArrayMemory, PeekPokeMemory):
 * the slow paths that name what was wrong. The ports test the common case
 * inline (one or two comparisons) and call these only to throw.
 */
import { fail, show } from "../core/errors.js";

/** `a` in a message: "0x20000010" for an address, else the value as given ("0x2000", NaN, 1.5). */
export function addressText(a: any): string {
  return typeof a === "number" && a >= 0 && a <= 0xffffffff && Math.floor(a) === a ? "0x" + a.toString(16) : show(a);
}

/** Throw EINVAL: a write's value `v` is not an integer in [lo, hi] (the width's signed or unsigned range). */
export function badValue(v: any, lo: number, hi: number): never {
  return fail("EINVAL", "value must be an integer in [" + lo + ", " + hi + "], got " + show(v));
}

/** Throw EINVAL unless `len` is an integer in [0, 2^32). */
export function checkLen(len: any): void {
  if (!(len >= 0 && len <= 0xffffffff) || Math.floor(len) !== len) fail("EINVAL", "len must be a non-negative integer, got " + show(len));
}

/**
 * Throw EINVAL unless `buf` (named `what`: "dst" or "src") is an array or
 * typed array, `off` and `len` are non-negative integers, and `buf` holds
 * `off + len` elements; with `grows`, a plain array may be shorter (a read
 * appends to it, as arrays do). O(1).
 */
export function checkBlock(buf: any, off: any, len: any, what: string, grows: boolean): void {
  if (buf === null || typeof buf !== "object" || typeof buf.length !== "number")
    fail("EINVAL", what + " must be an array or a typed array, got " + show(buf));
  if (!(off >= 0 && off <= 0xffffffff) || Math.floor(off) !== off) fail("EINVAL", "off must be a non-negative integer, got " + show(off));
  checkLen(len);
  if (off + len > buf.length && !(grows && Array.isArray(buf)))
    fail("EINVAL", what + " holds " + buf.length + " elements, fewer than off + len = " + (off + len));
}

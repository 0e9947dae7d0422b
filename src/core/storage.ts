/**
 * Word and byte storage: the one factory every allocator takes its metadata
 * arrays from. Where the engine has typed arrays (Espruino, JerryScript
 * es.next, Duktape, QuickJS, Node) it returns them; where it has none (mujs,
 * JerryScript's ES5.1 profile) it returns zero-filled plain arrays, and every
 * caller keeps stored values in range itself (`& 0xff` for bytes, `| 0` for
 * Int32 words), so both behave the same.
 *
 * `fillArr` and `indexOfArr` use the native typed-array calls where the engine
 * has them (Espruino: yes; Duktape: no), which on Espruino turns a scan into
 * one interpreted statement.
 */

/** True when the engine has typed arrays. */
import { fail } from "./errors.js";

export var hasTypedArrays = typeof Uint8Array !== "undefined" && typeof Int32Array !== "undefined";

/** A byte or word store: a typed array, or a plain array of numbers. */
export interface Store {
  [i: number]: number;
  length: number;
}

/**
 * `n` zeroed entries of the typed array `T`, or of a plain array when `T`
 * is false: `zeros(n, hasTypedArrays && Int32Array)`. Throws EINVAL unless
 * `n` is a store length: undefined (an empty store), or a number >= 0 below
 * 2^32 (a fraction is truncated by the typed-array constructor). Engines
 * differ on what else they refuse (Espruino has no range error type), so
 * this decides. The board classes call this one function rather than bytes,
 * words and uwords: on Espruino each function a module holds costs about 7
 * blocks of RAM.
 */
export function zeros(n: number, T: any): Store {
  if (n !== undefined && (typeof n !== "number" || !(n >= 0 && n < 0x100000000)))
    fail("EINVAL", "a store length must be a number in [0, 2^32), got " + n);
  if (T) return new T(n);
  for (var a: number[] = [], i = 0; i < n; i++) a.push(0);
  return a;
}

/** `n` zeroed bytes (values 0..255: callers store `v & 0xff`). */
export function bytes(n: number): Store {
  return zeros(n, hasTypedArrays && Uint8Array);
}

/** `n` zeroed 32-bit signed words (callers store `v | 0`). */
export function words(n: number): Store {
  return zeros(n, hasTypedArrays && Int32Array);
}

/** `n` zeroed 32-bit unsigned words (callers store `v >>> 0`). */
export function uwords(n: number): Store {
  return zeros(n, hasTypedArrays && Uint32Array);
}

// The native calls are looked up on the store itself, at each call: a test
// at load (`new Uint8Array(1).fill`) would stay in every bundle as a side
// effect, and on Espruino it builds the typed arrays' prototype objects in
// RAM (13 blocks) before anything needs them.

/** Set `a[from..to)` to `v`. Native `fill` where the engine has it. */
export function fillArr(a: Store, v: number, from: number, to: number): void {
  if (!a || typeof a !== "object" || typeof a.length !== "number") fail("EINVAL", "the store must be an array or typed array, got " + a);
  if (typeof (a as any).fill === "function") {
    (a as any).fill(v, from, to);
    return;
  }
  for (var i = from; i < to; i++) a[i] = v;
}

/** First index ≥ `from` where `a[i] === v`, or -1. Native `indexOf` where it exists (plain arrays always have it). */
export function indexOfArr(a: Store, v: number, from: number): number {
  if (!a || typeof a !== "object" || typeof a.length !== "number") fail("EINVAL", "the store must be an array or typed array, got " + a);
  if (typeof (a as any).indexOf === "function") return (a as any).indexOf(v, from);
  for (var i = from, n = a.length; i < n; i++) if (a[i] === v) return i;
  return -1;
}

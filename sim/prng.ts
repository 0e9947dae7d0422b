/**
 * Seeded pseudo-random numbers for the simulator (Node only): the pattern a
 * RAM section reads back after its contents were lost, and the garbage a
 * lenient bus returns. Deterministic: the same seed gives the same sequence
 * on every run and every platform. Not for cryptography.
 */

/**
 * Mix two 32-bit values into one well-spread 32-bit value (a murmur3-style
 * finaliser over `a` combined with `b`). Used to derive a stream's seed from
 * (seed, section, power cycle). O(1).
 */
export function mix32(a: number, b: number): number {
  var h = (a ^ Math.imul(b ^ 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A small seeded generator (mulberry32): 32-bit state, period 2^32, good
 * enough to make lost RAM look like lost RAM. O(1) per number.
 */
export class Prng {
  /**
   * The state, kept as a signed 32-bit integer: the same bits as the
   * unsigned state (every use of it is bitwise), and always a small integer,
   * where an unsigned state from 2^31 up would make the field a boxed double
   * (a floating-point add and a truncation per number).
   */
  _s: number;
  /** Start from `seed` (any number; its low 32 bits are used). */
  constructor(seed: number) {
    this._s = seed | 0;
  }
  /** Next unsigned 32-bit value. */
  next32(): number {
    var t = (this._s = (this._s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Next byte (0..255). */
  nextByte(): number {
    return this.next32() & 0xff;
  }
  /**
   * Fill every element of `w` with the next pseudo-random word (the words
   * fillBytes would write as four bytes each, little-endian). Returns the OR
   * of every word written (0 only when all of them were 0). O(w.length).
   */
  fillWords(w: Int32Array): number {
    var any = 0,
      n = w.length;
    for (var i = 0; i < n; i++) {
      var t = (this._s = (this._s + 0x6d2b79f5) | 0);
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      t ^= t >>> 14;
      w[i] = t;
      any |= t;
    }
    return any;
  }
  /**
   * Fill `a[from..to)` with pseudo-random bytes, four per generated word.
   * Returns the OR of every byte written (0 only when all of them were 0).
   * O(to - from).
   */
  fillBytes(a: Uint8Array, from: number, to: number): number {
    var any = 0,
      i = from,
      w: number;
    for (; i + 4 <= to; i += 4) {
      w = this.next32();
      any |= w;
      a[i] = w & 0xff;
      a[i + 1] = (w >>> 8) & 0xff;
      a[i + 2] = (w >>> 16) & 0xff;
      a[i + 3] = w >>> 24;
    }
    for (; i < to; i++) {
      w = this.nextByte();
      any |= w;
      a[i] = w;
    }
    return any >>> 0;
  }
}

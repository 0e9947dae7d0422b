/**
 * Bit array (the `sys_bitarray` part of Zephyr's memory blocks allocator):
 * `numBits` bits packed LSB-first into 32-bit words (bit k is bit `k & 31` of
 * word `k >> 5`), held in an Int32Array from `storage.words` (a plain array of
 * int32 values where the engine has no typed arrays).
 *
 * Return values follow Zephyr: 0 for success, or a negative errno (-EINVAL for
 * a bit or region outside the array, -ENOSPC when no run is free, -EFAULT
 * when a region to free is not all set, -EEXIST when a test-and-set region
 * finds a bit already in the target state). Where Zephyr returns a value
 * through an out pointer, the value is the return value here (an offset,
 * count or bit is ≥ 0, an error < 0). A rejected call changes nothing.
 * Arguments that are not integers count as out of range (-EINVAL).
 *
 * Inside, three things make single-bit allocation O(1) in the common case
 * whatever the free order:
 * - the bits past `numBits` in the last word are kept SET, so a word with no
 *   free bit is always -1, and a sentinel word -1 follows the last word;
 * - a summary with one bit per word (set = the word has a clear bit);
 * - a hint = the exact index of the lowest word with a clear bit (numWords
 *   when none, which lands on the sentinel). Finding the next such word scans
 *   the summary, 1,024 bits per word read.
 * Storage `_words`: the words, then the sentinel; the hint is `_hint`. MemBlocks
 * inlines the single-bit paths on these fields and keeps a copy of `_hint` (see
 * allocBlock there). `invariantsHold()` and `validate()` come with the debug
 * add-on (src/debug/mem-blocks.ts).
 * Count-trailing-zeros uses a 256-entry byte table (ESPRUINO: no Math.clz32).
 */
import { bytes, words, fillArr, type Store } from "./storage.js";
import { EINVAL, ENOSPC, EFAULT, EEXIST, ENOENT, checkInt } from "./errors.js";

/** Trailing zeros, leading zeros (of 8 bits) and popcount of each byte value (8, 8, 0 for 0). */
var CTZ8: Store = bytes(256);
var CLZ8: Store = bytes(256);
var POP8: Store = bytes(256);

// Fill the tables once, when the module loads (top-level code: no function to keep).
CTZ8[0] = 8;
CLZ8[0] = 8;
for (var tabByte = 1, tabLow = 0, tabHigh = 0; tabByte < 256; tabByte++) {
  for (tabLow = 0; ((tabByte >> tabLow) & 1) === 0; tabLow++) {
    /* count */
  }
  CTZ8[tabByte] = tabLow;
  for (tabHigh = 7; tabByte >> tabHigh === 0; tabHigh--) {
    /* count */
  }
  CLZ8[tabByte] = 7 - tabHigh;
  POP8[tabByte] = POP8[tabByte >> 1] + (tabByte & 1);
}

/**
 * Count of trailing zero bits of `x` (a 32-bit value, signed or unsigned);
 * 32 for 0. O(1): at most four byte-table lookups.
 */
export function ctz32(x: number): number {
  var y = x & 0xff;
  if (y !== 0) return CTZ8[y];
  y = (x >>> 8) & 0xff;
  if (y !== 0) return 8 + CTZ8[y];
  y = (x >>> 16) & 0xff;
  if (y !== 0) return 16 + CTZ8[y];
  y = x >>> 24;
  return y !== 0 ? 24 + CTZ8[y] : 32;
}

/** Number of set bits of the 32-bit value `x`. O(1): four byte-table lookups. */
export function popcount32(x: number): number {
  return POP8[x & 0xff] + POP8[(x >>> 8) & 0xff] + POP8[(x >>> 16) & 0xff] + POP8[x >>> 24];
}

/** Zephyr's find_lsb_set: 1-based index of the lowest set bit of `x`, 0 when `x` is 0. */
export function findLsbSet(x: number): number {
  return (x | 0) === 0 ? 0 : ctz32(x) + 1;
}

/**
 * Count of leading zero bits of `x` (a 32-bit value, signed or unsigned);
 * 32 for 0. O(1): at most four byte-table lookups. ESPRUINO: no Math.clz32.
 */
export function clz32(x: number): number {
  var y = x >>> 24;
  if (y !== 0) return CLZ8[y];
  y = (x >>> 16) & 0xff;
  if (y !== 0) return 8 + CLZ8[y];
  y = (x >>> 8) & 0xff;
  if (y !== 0) return 16 + CLZ8[y];
  y = x & 0xff;
  return y !== 0 ? 24 + CLZ8[y] : 32;
}

/** Zephyr's find_msb_set: 1-based index of the highest set bit of `x`, 0 when `x` is 0. */
export function findMsbSet(x: number): number {
  return 32 - clz32(x);
}

/**
 * True when `v` is an integer in [0, 2^32): the check of every index and
 * count argument (bits here, blocks in MemBlocks). Anything else, a string,
 * NaN, a fraction or a negative number included, is false. O(1).
 */
export function isIndex(v: any): boolean {
  return v >>> 0 === v;
}

/**
 * A fixed-size array of bits with Zephyr's sys_bitarray operations.
 *
 * Metadata: `ceil(numBits / 32)` words of bits, plus one summary bit per word
 * (`ceil(numBits / 1024)` words) and a few numbers. Complexity: single-bit
 * calls and `allocBit` / `freeBit` O(1) (allocBit O(numBits / 1024) word reads
 * when the word it fills was the lowest free one); region calls O(region / 32);
 * `alloc(num)` first fit, O(numBits / 32 + runs of set bits skipped).
 */
export class BitArray {
  /** Number of bits. */
  numBits: number;
  /** Number of 32-bit words holding them. */
  numWords: number;
  /** Word i at [i] (bits past numBits set), then a sentinel -1 at [numWords]. */
  _words: Store;
  /** Index of the lowest word with a clear bit; numWords (the sentinel) when none. */
  _hint: number;
  /** Summary: bit i of word i >> 5 set = word i has a clear bit. */
  _summary: Store;
  /** Mask of the padding bits of the last word (0 when numBits % 32 is 0). */
  _padMask: number;

  /** `numBits` clear bits, 1 ≤ numBits ≤ 2^26. Throws EINVAL naming `numBits`. */
  constructor(numBits: number) {
    checkInt(numBits, "numBits", 1, 0x4000000);
    var nw = (numBits + 31) >>> 5;
    this.numBits = numBits;
    this.numWords = nw;
    this._words = words(nw + 1);
    this._hint = 0;
    this._summary = words((nw + 31) >>> 5);
    this._padMask = (numBits & 31) === 0 ? 0 : -1 << (numBits & 31);
    this._words[nw - 1] = this._padMask;
    this._words[nw] = -1;
    this._fix(0, nw - 1);
  }

  /**
   * Recompute the summary bits of words lo..hi and the hint after a change
   * to those words. O(hi - lo + numWords / 1024).
   */
  _fix(lo: number, hi: number): void {
    var w = this._words,
      s = this._summary;
    for (var i = lo; i <= hi; i++) {
      if (w[i] === -1) s[i >> 5] &= ~(1 << (i & 31));
      else s[i >> 5] |= 1 << (i & 31);
    }
    if (lo <= this._hint) this._hint = this._next(lo);
  }

  /** Word `i` has just become full: clear its summary bit, move the hint past it. */
  _full(i: number): void {
    this._summary[i >> 5] &= ~(1 << (i & 31));
    if (i === this._hint) this._hint = this._next(i + 1);
  }

  /** Word `i` was full and has a clear bit now: set its summary bit, lower the hint. */
  _freed(i: number): void {
    this._summary[i >> 5] |= 1 << (i & 31);
    if (i < this._hint) this._hint = i;
  }

  /** Lowest word index ≥ `from` with a clear bit, or numWords. O(numWords / 1024). */
  _next(from: number): number {
    var s = this._summary,
      k = from >> 5,
      ns = s.length,
      x;
    if (k >= ns) return this.numWords;
    x = s[k] & (-1 << (from & 31));
    while (x === 0) {
      if (++k >= ns) return this.numWords;
      x = s[k];
    }
    return (k << 5) + ctz32(x);
  }

  /** 0 when [offset, offset + num) is a non-empty region inside the array, else -EINVAL. */
  _region(num: number, offset: number): number {
    return isIndex(num) && isIndex(offset) && num > 0 && offset + num <= this.numBits ? 0 : -EINVAL;
  }

  /**
   * Whether every bit of [offset, offset + num) is `want` (1 or 0); the region
   * must be valid. O(num / 32).
   */
  _match(num: number, offset: number, want: number): boolean {
    var w = this._words,
      si = offset >> 5,
      ei = (offset + num - 1) >> 5;
    var sm = -1 << (offset & 31),
      e = (offset + num - 1) & 31,
      em = e === 31 ? -1 : (1 << (e + 1)) - 1;
    var flip = want ? -1 : 0; // (word ^ flip) has a 1 where a bit differs from `want`
    if (si === ei) return ((w[si] ^ flip) & sm & em) === 0;
    if (((w[si] ^ flip) & sm) !== 0 || ((w[ei] ^ flip) & em) !== 0) return false;
    for (var i = si + 1; i < ei; i++) if ((w[i] ^ flip) !== 0) return false;
    return true;
  }

  /**
   * Set (`on`) or clear every bit of the valid region; keeps summary and
   * hint. O(num / 32); the whole words in between by one native `fill` where
   * the engine has it.
   */
  _paint(num: number, offset: number, on: boolean): void {
    var w = this._words,
      si = offset >> 5,
      ei = (offset + num - 1) >> 5;
    var sm = -1 << (offset & 31),
      e = (offset + num - 1) & 31,
      em = e === 31 ? -1 : (1 << (e + 1)) - 1;
    if (si === ei) sm &= em;
    if (on) {
      w[si] |= sm;
      if (si !== ei) {
        w[ei] |= em;
        fillArr(w, -1, si + 1, ei);
      }
    } else {
      w[si] &= ~sm;
      if (si !== ei) {
        w[ei] &= ~em;
        fillArr(w, 0, si + 1, ei);
      }
    }
    this._fix(si, ei);
  }

  /** Set bit `bit`: 0, or -EINVAL when it is not a bit of the array. O(1). */
  set(bit: number): number {
    if (!isIndex(bit) || bit >= this.numBits) return -EINVAL;
    var i = bit >> 5,
      w = this._words;
    if ((w[i] |= 1 << (bit & 31)) === -1) this._full(i);
    return 0;
  }

  /** Clear bit `bit`: 0, or -EINVAL. O(1). */
  clear(bit: number): number {
    if (!isIndex(bit) || bit >= this.numBits) return -EINVAL;
    var i = bit >> 5,
      w = this._words;
    if (w[i] === -1) this._freed(i);
    w[i] &= ~(1 << (bit & 31));
    return 0;
  }

  /** Value of bit `bit` (1 or 0), or -EINVAL. O(1). */
  test(bit: number): number {
    if (!isIndex(bit) || bit >= this.numBits) return -EINVAL;
    return (this._words[bit >> 5] >>> (bit & 31)) & 1;
  }

  /** Set bit `bit` and return its previous value (1 or 0), or -EINVAL. O(1). */
  testAndSet(bit: number): number {
    var old = this.test(bit);
    if (old === 0) this.set(bit);
    return old;
  }

  /** Clear bit `bit` and return its previous value (1 or 0), or -EINVAL. O(1). */
  testAndClear(bit: number): number {
    var old = this.test(bit);
    if (old === 1) this.clear(bit);
    return old;
  }

  /**
   * Claim the lowest clear bit: its index, or -ENOSPC when every bit is set.
   * O(1), plus O(numBits / 1024) when it fills the lowest non-full word.
   */
  allocBit(): number {
    var w = this._words,
      i = this._hint,
      x = ~w[i];
    if (x === 0) return -ENOSPC; // the hint is on the sentinel: all full
    var b = ctz32(x);
    if ((w[i] |= 1 << b) === -1) this._full(i);
    return (i << 5) + b;
  }

  /**
   * Release bit `bit` claimed by allocBit/alloc: 0; -EINVAL when it is not a
   * bit of the array; -EFAULT when it is clear (nothing changes). O(1).
   */
  freeBit(bit: number): number {
    if (!isIndex(bit) || bit >= this.numBits) return -EINVAL;
    var w = this._words,
      i = bit >> 5,
      m = 1 << (bit & 31),
      v = w[i];
    if ((v & m) === 0) return -EFAULT;
    w[i] = v ^ m;
    if (v === -1) this._freed(i);
    return 0;
  }

  /**
   * Claim a run of `num` clear bits, first fit from the lowest free bit: the
   * run's offset, -EINVAL when num is 0 or more than numBits, -ENOSPC when no
   * run is free. O(numWords + set runs skipped).
   */
  alloc(num: number): number {
    if (!isIndex(num) || num === 0 || num > this.numBits) return -EINVAL;
    if (num === 1) return this.allocBit();
    var off = this._findRun(num);
    if (off < 0) return -ENOSPC;
    this._paint(num, off, true);
    return off;
  }

  /**
   * Offset of the first run of `num` clear bits (num ≥ 1), or -1. Runs of up
   * to 32 bits span at most two words: per word, a run inside it is found by
   * halving (r &= r >>> k: bit p of r stays set while p..p+2k-1 are clear),
   * and a run crossing into the next word from the clear bits at its top.
   * O(words from the hint × log num), a few statements per word.
   */
  _findRun(num: number): number {
    if (num > 32) return this._findLongRun(num);
    var w = this._words,
      nw = this.numWords,
      top = 0,
      i,
      v,
      r,
      k,
      c;
    for (i = this._hint; i < nw; i++) {
      v = w[i];
      if (v === -1) {
        top = 0;
        continue;
      }
      r = ~v; // 1 = clear
      // a run that starts in the clear bits at the top of the previous word
      if (top !== 0) {
        k = num - top; // 1..31: the low bits this word must have clear
        c = ((1 << k) - 1) | 0;
        if ((r & c) === c) return (i << 5) - top;
      }
      for (k = 1; k + k <= num; k += k) r &= r >>> k;
      if (k < num) r &= r >>> (num - k);
      if (r !== 0) return (i << 5) + ctz32(r);
      // clear bits at the top of this word: leading zeros of v (v ≠ 0 here)
      if (v < 0) top = 0;
      else if ((c = v >>> 24) !== 0) top = CLZ8[c];
      else if ((c = v >>> 16) !== 0) top = 8 + CLZ8[c];
      else if ((c = v >>> 8) !== 0) top = 16 + CLZ8[c];
      else top = 24 + CLZ8[v];
    }
    return -1;
  }

  /** _findRun for num > 32: walks the clear and set runs of each word. O(words + runs). */
  _findLongRun(num: number): number {
    var w = this._words,
      nw = this.numWords,
      start = 0,
      len = 0,
      i,
      v,
      b,
      r,
      z;
    for (i = this._hint; i < nw; i++) {
      v = w[i];
      if (v === 0) {
        if (len === 0) start = i << 5;
        len += 32;
        if (len >= num) return start;
        continue;
      }
      if (v === -1) {
        len = 0;
        continue;
      }
      b = 0;
      while (b < 32) {
        r = v >>> b;
        if ((r & 1) === 0) {
          // a clear run starts at bit b: it ends at the next set bit or the word's end
          z = r === 0 ? 32 - b : ctz32(r);
          if (len === 0) start = (i << 5) + b;
          len += z;
          if (len >= num) return start;
          b += z;
        } else {
          len = 0;
          b += ctz32(~r);
        }
      }
    }
    return -1;
  }

  /**
   * Release the run [offset, offset + num): 0; -EINVAL when the region is
   * empty or leaves the array; -EFAULT when not all its bits are set
   * (nothing changes). O(num / 32).
   */
  free(num: number, offset: number): number {
    if (this._region(num, offset) !== 0) return -EINVAL;
    if (!this._match(num, offset, 1)) return -EFAULT;
    this._paint(num, offset, false);
    return 0;
  }

  /** Whether every bit of [offset, offset + num) is set; false for a bad region. O(num / 32). */
  isRegionSet(num: number, offset: number): boolean {
    return this._region(num, offset) === 0 && this._match(num, offset, 1);
  }

  /** Whether every bit of [offset, offset + num) is clear; false for a bad region. O(num / 32). */
  isRegionCleared(num: number, offset: number): boolean {
    return this._region(num, offset) === 0 && this._match(num, offset, 0);
  }

  /** Set every bit of [offset, offset + num): 0 or -EINVAL. O(num / 32). */
  setRegion(num: number, offset: number): number {
    if (this._region(num, offset) !== 0) return -EINVAL;
    this._paint(num, offset, true);
    return 0;
  }

  /** Clear every bit of [offset, offset + num): 0 or -EINVAL. O(num / 32). */
  clearRegion(num: number, offset: number): number {
    if (this._region(num, offset) !== 0) return -EINVAL;
    this._paint(num, offset, false);
    return 0;
  }

  /**
   * If every bit of [offset, offset + num) is clear (toSet true) or set
   * (toSet false), flip them all and return 0; otherwise -EEXIST and nothing
   * changes; -EINVAL for a bad region. O(num / 32).
   */
  testAndSetRegion(num: number, offset: number, toSet: boolean): number {
    if (this._region(num, offset) !== 0) return -EINVAL;
    if (!this._match(num, offset, toSet ? 0 : 1)) return -EEXIST;
    this._paint(num, offset, !!toSet);
    return 0;
  }

  /** Number of set bits in [offset, offset + num), or -EINVAL. O(num / 32). */
  popcountRegion(num: number, offset: number): number {
    if (this._region(num, offset) !== 0) return -EINVAL;
    var w = this._words,
      si = offset >> 5,
      ei = (offset + num - 1) >> 5;
    var sm = -1 << (offset & 31),
      e = (offset + num - 1) & 31,
      em = e === 31 ? -1 : (1 << (e + 1)) - 1;
    if (si === ei) return popcount32(w[si] & sm & em);
    var n = popcount32(w[si] & sm) + popcount32(w[ei] & em);
    for (var i = si + 1; i < ei; i++) n += popcount32(w[i]);
    return n;
  }

  /**
   * Index of the `n`-th set bit (n ≥ 1) in [offset, offset + num); -ENOENT
   * when the region has fewer than n set bits (Zephyr returns 1 there);
   * -EINVAL for n = 0 or a bad region. O(num / 32).
   */
  findNthSet(n: number, num: number, offset: number): number {
    if (!isIndex(n) || n === 0 || this._region(num, offset) !== 0) return -EINVAL;
    var w = this._words,
      i = offset >> 5,
      ei = (offset + num - 1) >> 5;
    var e = (offset + num - 1) & 31,
      em = e === 31 ? -1 : (1 << (e + 1)) - 1;
    var x = w[i] & (-1 << (offset & 31)),
      c;
    for (;;) {
      if (i === ei) x &= em;
      c = popcount32(x);
      if (c >= n) break;
      if (i === ei) return -ENOENT;
      n -= c;
      x = w[++i];
    }
    while (--n > 0) x &= x - 1;
    return (i << 5) + ctz32(x);
  }

  /**
   * this ^= other over [offset, offset + num): 0, or -EINVAL when `other`
   * is not a BitArray of the same numBits or the region is bad. O(num / 32).
   */
  xor(other: BitArray, num: number, offset: number): number {
    if (!(other instanceof BitArray) || other.numBits !== this.numBits || this._region(num, offset) !== 0) return -EINVAL;
    var w = this._words,
      o = other._words,
      si = offset >> 5,
      ei = (offset + num - 1) >> 5;
    var sm = -1 << (offset & 31),
      e = (offset + num - 1) & 31,
      em = e === 31 ? -1 : (1 << (e + 1)) - 1;
    if (si === ei) sm &= em;
    w[si] ^= o[si] & sm;
    if (si !== ei) {
      w[ei] ^= o[ei] & em;
      for (var i = si + 1; i < ei; i++) w[i] ^= o[i];
    }
    this._fix(si, ei);
    return 0;
  }

  /** Word `i` as an unsigned 32-bit value (bits past numBits read 0), or -EINVAL. O(1). */
  word(i: number): number {
    if (!isIndex(i) || i >= this.numWords) return -EINVAL;
    var v = this._words[i];
    if (i === this.numWords - 1) v &= ~this._padMask;
    return v >>> 0;
  }

  /**
   * Replace word `i` with the 32-bit value `v`, signed or unsigned (bits past
   * numBits are ignored), for restoring a saved bitmap and for tests: 0, or
   * -EINVAL when i is not a word index or v not an integer in [-2^31, 2^32)
   * (nothing changes). O(1) plus the hint update.
   */
  setWord(i: number, v: number): number {
    if (!isIndex(i) || i >= this.numWords || typeof v !== "number" || ((v | 0) !== v && v >>> 0 !== v)) return -EINVAL;
    this._words[i] = i === this.numWords - 1 ? v | this._padMask : v | 0;
    this._fix(i, i);
    return 0;
  }

  /** (debug add-on) Cheap checks: hint, sentinel and padding in range. O(1). */
  declare invariantsHold: () => boolean;
  /**
   * (debug add-on) Full check of the internal state: padding bits set, words
   * int32, summary bits and the hint consistent with the words. null when all
   * is well, else what is wrong. O(numWords).
   */
  declare validate: () => string | null;
}

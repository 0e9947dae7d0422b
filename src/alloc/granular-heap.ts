/**
 * GranularHeap: a variable-size heap over a region of a `Memory` port, handed
 * out in granules (16 bytes by default) from two bitmaps kept OUT OF BAND:
 *
 *   used[]  1 bit per granule, 1 = allocated
 *   ends[]  1 bit per granule, set on the LAST granule of each allocation
 *
 * Two bits per granule and no header: the start of an allocation is a used
 * granule whose predecessor is free or an end, and its length runs to the next
 * end bit. So `free(address)` needs no size, and every address that is not the
 * start of a live allocation is refused (-EFAULT) instead of corrupting the
 * heap. The bookkeeping never reads or writes the managed memory, so the
 * region may sit in RAM that is switched off or owned by DMA.
 *
 * All mutable state (the two bitmaps and a small state block of counters)
 * lives in word stores that can be passed in, so two threads can share one
 * heap: the simulator puts them in a SharedArrayBuffer and passes a lock as
 * the `enter`/`exit` hooks (sim/shared-memory.ts). See docs/GRANULAR.md.
 */
import { Memory } from "../hal/ports.js";
import { Store, words, fillArr } from "../core/storage.js";
import { EFAULT, EINVAL, checkAddress, checkInt, checkPow2, fail } from "../core/errors.js";
import { ctz32 as tz32, clz32 as lz32, popcount32 as pop32 } from "../core/bitarray.js";

// ------------------------------------------------------------------ tables

/** Mask of bits [0, k) for k in 0..32. */
function lowMask(k: number): number {
  return k >= 32 ? -1 : (1 << k) - 1;
}

// ------------------------------------------------------------------ state block

/** Words of the state block (offsets below). */
export var GRANULAR_STATE_WORDS = 40;
var S_GRANULES = 0; // geometry check: granule count
var S_SHIFT = 1;    // geometry check: log2(granule)
var S_USED = 2;     // granules allocated
var S_PEAK = 3;     // most granules ever allocated at once (since resetPeak)
var S_LIVE = 4;     // live allocations
var S_FAILED = 5;   // allocations refused for lack of a free run
var S_REJECTED = 6; // calls refused for bad arguments, and bad frees
var S_HINT = 7;     // every used[] word below this one is full
// S_LB + k, k = 1..32: no free run of k granules (of 32 or more for k = 32)
// starts in a used[] word below this one. A cache that keeps first fit from
// rescanning the crowded low words; non-decreasing in k.
var S_LB = 7;

/**
 * Words needed by each bitmap (`used`, `ends`) of a heap of `size` bytes in
 * granules of `granule` bytes: ceil(floor(size / granule) / 32).
 */
export function granularBitmapWords(size: number, granule?: number): number {
  var g = granule === undefined ? 16 : granule;
  return (Math.floor(size / g) + 31) >> 5;
}

/**
 * True when `size`, `alignment` and `hint` are arguments `GranularHeap.allocate`
 * accepts: size an integer in [1, 2^32), alignment undefined or a power of
 * two below 2^32, hint undefined, null or an integer address in [0, 2^32).
 * O(1).
 */
export function isHeapRequest(size: any, alignment: any, hint: any): boolean {
  return size === (size >>> 0) && size !== 0 &&
    (alignment === undefined || (alignment === (alignment >>> 0) && alignment !== 0 && (alignment & (alignment - 1)) === 0)) &&
    (hint === undefined || hint === null || hint === (hint >>> 0));
}

// ------------------------------------------------------------------ options and stats

/** Options of a GranularHeap. */
export interface GranularHeapOptions {
  /** First address of the region: non-zero, a multiple of the granule. */
  base: number;
  /** Bytes in the region, one granule to 2^26 granules; a tail shorter than a granule is not used. */
  size: number;
  /** Granule size in bytes, a power of two (default 16). Every allocation is a whole number of granules and is aligned to one. */
  granule?: number;
  /** Critical-section hooks, given together: called around every call that reads or changes the heap. */
  enter?: () => void;
  exit?: () => void;
  /** Metadata stores (Int32Array or a plain array, as from `words()`): the bitmaps need `granularBitmapWords(size, granule)` words each, the state block `GRANULAR_STATE_WORDS`. Default: fresh stores. */
  used?: Store;
  ends?: Store;
  state?: Store;
  /** true: the stores already hold a heap of the same geometry (another thread's); attach to it instead of clearing it. */
  attach?: boolean;
}

/** A snapshot of a heap's statistics (bytes unless said otherwise). */
export interface GranularStats {
  usedBytes: number;
  freeBytes: number;
  peakBytes: number;
  /** The largest run of free granules, in bytes: the largest allocation that can succeed now. */
  largestFreeBytes: number;
  /** 1 - largestFree / free (0 when nothing is free). */
  fragmentation: number;
  /** Live allocations. */
  live: number;
  /** Allocations refused for lack of a free run. */
  failed: number;
  /** Calls refused for bad arguments, and frees of addresses that are not live allocations. */
  rejected: number;
}

// ------------------------------------------------------------------ the heap

/**
 * A first-fit heap of `granule`-byte granules over [base, base + size) of
 * `memory`, with out-of-band bitmaps (2 bits per granule).
 *
 * Construction throws EINVAL naming the option for a bad configuration.
 * Calls never throw: `allocate` returns an address or 0, `free` returns 0 or
 * a negative errno, and a refused call changes nothing but its counter.
 *
 * Complexity (W = bitmap words = granules / 32): allocate O(W) worst case,
 * word at a time from the first word with a free granule; free O(1) plus
 * O(n / 32) for an allocation of n granules; stats and validate O(W).
 */
export class GranularHeap {
  /** The memory port the region lives in (the heap itself never accesses it). */
  memory: Memory;
  /** First address of the region. */
  base: number;
  /** Bytes managed: granules × granule. */
  size: number;
  /** Granule size in bytes. */
  granule: number;
  /** Number of granules. */
  granules: number;
  _b: number;
  _n: number;
  _nw: number;
  _sh: number;
  _gm: number;
  _u: Store;
  _e: Store;
  _s: Store;
  _en: (() => void) | null;
  _ex: (() => void) | null;

  /**
   * A heap over [options.base, options.base + options.size) of `memory`.
   * Throws EINVAL naming the option (see GranularHeapOptions): memory not a
   * port, base 0 or off the granule, size under one granule or over 2^26
   * granules or passing 2^32, granule not a power of two, hooks not given
   * together as functions, stores too short or not signed 32-bit, or
   * `attach` to stores of another geometry. O(W) (the bitmaps are cleared),
   * O(1) with attach.
   */
  constructor(memory: Memory, options: GranularHeapOptions) {
    if (!memory || typeof memory.read8 !== "function") fail("EINVAL", "memory must be a Memory port, got " + memory);
    if (!options || typeof options !== "object") fail("EINVAL", "options must be an object with base and size, got " + options);
    var gr = options.granule === undefined ? 16 : checkPow2(options.granule, "granule", 1);
    var base = checkAddress(options.base, "base");
    if (base % gr !== 0) fail("EINVAL", "base must be a multiple of the granule (" + gr + "), got 0x" + base.toString(16));
    var size = checkInt(options.size, "size", gr, 0xffffffff);
    if (base + size > 0x100000000) fail("EINVAL", "base + size must not pass 2^32, got 0x" + (base + size).toString(16));
    var en = options.enter, ex = options.exit;
    if ((en === undefined) !== (ex === undefined)) fail("EINVAL", "enter and exit must be given together");
    if (en !== undefined && (typeof en !== "function" || typeof ex !== "function")) fail("EINVAL", "enter and exit must be functions");
    var sh = 0;
    for (var g = gr; g > 1; g = g / 2) sh++;
    var n = Math.floor(size / gr), nw = (n + 31) >> 5;
    // granule and word indexes are shifted as int32 (g >> 5, i << 5): cap them as MemBlocks does
    if (n > 0x4000000) fail("EINVAL", "size / granule must be at most 2^26 granules, got " + n);
    this.memory = memory;
    this.base = base;
    this.granule = gr;
    this.granules = n;
    this.size = n * gr;
    this._b = base;
    this._n = n;
    this._nw = nw;
    this._sh = sh;
    this._gm = gr - 1;
    this._u = GranularHeap._store(options.used, "used", nw);
    this._e = GranularHeap._store(options.ends, "ends", nw);
    this._s = GranularHeap._store(options.state, "state", GRANULAR_STATE_WORDS);
    this._en = en === undefined ? null : en;
    this._ex = ex === undefined ? null : ex as () => void;
    if (options.attach) {
      if (this._s[S_GRANULES] !== n || this._s[S_SHIFT] !== sh) fail("EINVAL", "state must hold a heap of " + n + " granules of " + gr + " bytes to attach to, got " + this._s[S_GRANULES] + " of " + (1 << this._s[S_SHIFT]));
    } else {
      this._init();
    }
  }

  /** A given store checked for length and Int32 behaviour, or a fresh one. */
  static _store(s: Store | undefined, what: string, len: number): Store {
    if (s === undefined) return words(len);
    if (!s || typeof s.length !== "number" || s.length < len) fail("EINVAL", what + " must be a word store of at least " + len + " words, got " + (s ? s.length + " words" : s));
    return s;
  }

  /** Clear the bitmaps, mark the tail bits past the last granule used, reset the counters. */
  _init(): void {
    var u = this._u, e = this._e, s = this._s, nw = this._nw, t = this._n & 31;
    fillArr(u, 0, 0, nw);
    fillArr(e, 0, 0, nw);
    fillArr(s, 0, 0, GRANULAR_STATE_WORDS);
    u[0] = -1;
    if (u[0] !== -1) fail("EINVAL", "used must store signed 32-bit words (Int32Array or a plain array)");
    u[0] = 0;
    if (t !== 0) u[nw - 1] = -1 << t;
    s[S_GRANULES] = this._n;
    s[S_SHIFT] = this._sh;
  }

  /**
   * Allocate at least `size` bytes (rounded up to whole granules), aligned to
   * `alignment` (a power of two; default and minimum: the granule). A `hint`
   * address inside the region is tried first (rounded up to the alignment);
   * if the run there is not free, the search is first fit from the start.
   *
   * Returns the address, or 0: when no free run is long enough (counted in
   * `failed`), or when an argument is bad (size not an integer in
   * [1, 2^32), alignment not a power of two, hint not 0/null/undefined or an
   * address; counted in `rejected`). Never throws, never touches memory.
   * O(W) worst case.
   */
  allocate(size: number, alignment?: number, hint?: number): number {
    if (this._en === null) return this._alloc(size, alignment, hint);
    this._en();
    var r = this._alloc(size, alignment, hint);
    (this._ex as () => void)();
    return r;
  }

  _alloc(size: number, alignment?: number, hint?: number): number {
    var s = this._s, sh = this._sh, a = 1, o = 0, g = -1, n;
    if (!isHeapRequest(size, alignment, hint)) return this._reject(0);
    if (alignment !== undefined && alignment > this.granule) {
      a = alignment >>> sh;
      o = ((alignment - this._b % alignment) % alignment) >>> sh;
    }
    n = ((size - 1) >>> sh) + 1;
    if (n <= this._n - s[S_USED]) {
      if (hint) g = this._tryAt(hint, n, a, o);
      if (g < 0) g = a === 1 ? this._first(n) : this._aligned(n, a, o);
    }
    if (g < 0) {
      s[S_FAILED] = (s[S_FAILED] + 1) | 0;
      return 0;
    }
    this._mark(g, n);
    var used = s[S_USED] + n;
    s[S_USED] = used;
    if (used > s[S_PEAK]) s[S_PEAK] = used;
    s[S_LIVE]++;
    return this._b + g * this.granule;
  }

  /** Count a refused call and return `r`. */
  _reject(r: number): number {
    this._s[S_REJECTED] = (this._s[S_REJECTED] + 1) | 0;
    return r;
  }

  /**
   * First fit for `n` granules at any granule, a word at a time from the
   * bound cached for `n`: a free run carried in from lower words is closed by
   * the low clear bits of the next word; a run inside a word is found by
   * and-ing the clear bits with themselves shifted (log n steps); the high
   * clear bits start the next carried run. Afterwards no run of n or more
   * starts below the word found, so the bounds of every k ≥ n are raised to
   * it. Returns the granule index or -1.
   */
  _first(n: number): number {
    var s = this._s, u = this._u, nw = this._nw, run = 0, start = 0, g = -1, v, x, k, t;
    var i = s[S_LB + (n < 32 ? n : 32)];
    if (i < s[S_HINT]) i = s[S_HINT];
    for (; i < nw; i++) {
      v = u[i];
      if (v === 0) {
        if (run === 0) start = i << 5;
        run += 32;
        if (run >= n) { g = start; break; }
        continue;
      }
      if (v === -1) { run = 0; continue; }
      if (run !== 0 && run + tz32(v) >= n) { g = start; break; }
      if (n < 32) {
        x = ~v;
        for (k = 1; k + k <= n; k += k) x &= x >>> k;
        if (k < n) x &= x >>> (n - k);
        if (x !== 0) { g = (i << 5) + tz32(x); break; }
      }
      t = lz32(v);
      run = t;
      start = (i << 5) + 32 - t;
    }
    if (n <= 32) {
      t = g < 0 ? nw : g >> 5;
      for (k = S_LB + n; k <= S_LB + 32 && s[k] < t; k++) s[k] = t;
    }
    return g;
  }

  /** First fit for `n` granules at a granule ≡ o (mod a): run by run. Returns the granule index or -1. */
  _aligned(n: number, a: number, o: number): number {
    var s = this._s, p = s[S_LB + (n < 32 ? n : 32)], f, st;
    if (p < s[S_HINT]) p = s[S_HINT];
    p = p << 5;
    for (;;) {
      f = this._nextFree(p);
      if (f < 0) return -1;
      st = f + ((o - f) & (a - 1));
      if (st + n > this._n) return -1;
      p = this._nextUsed(f);
      if (st + n <= p) return st;
    }
  }

  /** The granule the hint address asks for, when its run of `n` is free; else -1. */
  _tryAt(hint: number, n: number, a: number, o: number): number {
    var off = hint - this._b;
    if (off < 0 || off >= this.size) return -1;
    var g = ((off + this._gm) >>> this._sh);
    g += (o - g) & (a - 1);
    if (g + n > this._n || this._nextUsed(g) < g + n) return -1;
    return g;
  }

  /** First free granule at or after `p`, or -1. */
  _nextFree(p: number): number {
    var u = this._u, nw = this._nw, i = p >> 5, x;
    if (i >= nw) return -1;
    x = ~u[i] >>> (p & 31);
    if (x !== 0) return p + tz32(x);
    for (i++; i < nw; i++) {
      x = ~u[i];
      if (x !== 0) return (i << 5) + tz32(x);
    }
    return -1;
  }

  /** First used granule at or after `p`, or the granule count when there is none. */
  _nextUsed(p: number): number {
    var u = this._u, nw = this._nw, i = p >> 5, x, r = this._n;
    if (i >= nw) return r;
    x = u[i] >>> (p & 31);
    if (x !== 0) r = p + tz32(x);
    else for (i++; i < nw; i++) {
      x = u[i];
      if (x !== 0) { r = (i << 5) + tz32(x); break; }
    }
    return r < this._n ? r : this._n;
  }

  /** Last used granule before `p`, or -1. */
  _prevUsed(p: number): number {
    var u = this._u, i, x;
    if (p <= 0) return -1;
    p--;
    i = p >> 5;
    x = u[i] << (31 - (p & 31));
    if (x !== 0) return p - lz32(x);
    for (i--; i >= 0; i--) {
      x = u[i];
      if (x !== 0) return (i << 5) + 31 - lz32(x);
    }
    return -1;
  }

  /** First end bit at or after granule `g`, or -1 (only on a corrupted heap). */
  _nextEnd(g: number): number {
    var e = this._e, nw = this._nw, i = g >> 5, x = e[i] >>> (g & 31);
    if (x !== 0) return g + tz32(x);
    for (i++; i < nw; i++) {
      x = e[i];
      if (x !== 0) return (i << 5) + tz32(x);
    }
    return -1;
  }

  /** Mark granules [g, g + n) used and g + n - 1 as an end; move the hint past full words. */
  _mark(g: number, n: number): void {
    var u = this._u, s = this._s, nw = this._nw, i = g >> 5, b = g & 31, l = g + n - 1, j = l >> 5, h;
    if (i === j) u[i] |= lowMask(b + n) & (-1 << b);
    else {
      u[i] |= -1 << b;
      if (j > i + 1) fillArr(u, -1, i + 1, j);
      u[j] |= lowMask((l & 31) + 1);
    }
    this._e[j] |= 1 << (l & 31);
    h = s[S_HINT];
    if (h >= i && h <= j) {
      while (h < nw && u[h] === -1) h++;
      s[S_HINT] = h;
    }
  }

  /** Clear granules [g, g + n) in used and the end bit of g + n - 1; lower the hint. */
  _clear(g: number, n: number): void {
    var u = this._u, s = this._s, i = g >> 5, b = g & 31, l = g + n - 1, j = l >> 5;
    if (i === j) u[i] &= ~(lowMask(b + n) & (-1 << b));
    else {
      u[i] &= ~(-1 << b);
      if (j > i + 1) fillArr(u, 0, i + 1, j);
      u[j] &= ~lowMask((l & 31) + 1);
    }
    this._e[j] &= ~(1 << (l & 31));
    if (i < s[S_HINT]) s[S_HINT] = i;
  }

  /**
   * Granule index of the live allocation starting at `address`, or a
   * negative errno: -EINVAL when `address` is not a number, -EFAULT when it is
   * outside the region, not on a granule, free, or inside an allocation.
   */
  _start(address: number): number {
    if (typeof address !== "number") return -EINVAL;
    var off = address - this._b;
    if (!(off >= 0 && off < this.size) || off !== (off >>> 0) || (off & this._gm) !== 0) return -EFAULT;
    var g = off >>> this._sh, u = this._u, p = g - 1;
    if ((u[g >> 5] & (1 << (g & 31))) === 0) return -EFAULT;
    if (g !== 0 && (u[p >> 5] & (1 << (p & 31))) !== 0 && (this._e[p >> 5] & (1 << (p & 31))) === 0) return -EFAULT;
    return g;
  }

  /**
   * Free the allocation that starts at `address`. When `size` is given it is
   * rounded up to granules and must equal the allocation's granule count
   * (the requested size, or anything that rounds the same, matches).
   *
   * Returns 0; 0 for address 0 (a no-op, like C's free(NULL)); -EFAULT when
   * `address` is not the start of a live allocation (outside the region,
   * misaligned, free, inside an allocation, already freed); -EINVAL when
   * `address` is not a number or `size` does not match. A refused call frees
   * nothing and is counted in `rejected`. O(1) + O(n / 32).
   */
  free(address: number, size?: number): number {
    if (address === 0) return 0;
    if (this._en === null) return this._free(address, size);
    this._en();
    var r = this._free(address, size);
    (this._ex as () => void)();
    return r;
  }

  _free(address: number, size?: number): number {
    var g = this._start(address);
    if (g < 0) return this._reject(g);
    var l = this._nextEnd(g), n = l - g + 1, s = this._s;
    if (l < 0) return this._reject(-EFAULT); // only on a corrupted heap
    if (size !== undefined && size !== null && (size !== (size >>> 0) || size === 0 || ((size - 1) >>> this._sh) + 1 !== n)) return this._reject(-EINVAL);
    this._clear(g, n);
    s[S_USED] -= n;
    s[S_LIVE]--;
    // the merged free run [p0, p0 + len) may start a run of k ≤ len below the bounds
    var p0 = this._prevUsed(g) + 1, len = this._nextUsed(g + n) - p0, w = p0 >> 5, k;
    for (k = S_LB + (len < 32 ? len : 32); k > S_LB && s[k] > w; k--) s[k] = w;
    return 0;
  }

  /**
   * Bytes of the live allocation starting at `address` (whole granules), or
   * -EFAULT / -EINVAL as for `free`. Changes nothing. O(n / 32).
   */
  allocationSize(address: number): number {
    if (this._en !== null) this._en();
    var g = this._start(address), r = g;
    if (g >= 0) r = (this._nextEnd(g) - g + 1) * this.granule;
    if (this._ex !== null) this._ex();
    return r;
  }

  /** True when `address` is a number in the managed range [base, base + size). O(1). */
  contains(address: number): boolean {
    var off = address - this._b;
    return typeof address === "number" && off >= 0 && off < this.size;
  }

  /** Bytes allocated (whole granules). O(1). */
  usedBytes(): number { return this._s[S_USED] * this.granule; }

  /** Bytes free. O(1). */
  freeBytes(): number { return (this._n - this._s[S_USED]) * this.granule; }

  /** Live allocations. O(1). */
  liveCount(): number { return this._s[S_LIVE]; }

  /** The largest run of free granules, in bytes. O(W). */
  largestFreeBytes(): number {
    if (this._en !== null) this._en();
    var r = this._largest();
    if (this._ex !== null) this._ex();
    return r;
  }

  /** largestFreeBytes without the hooks. */
  _largest(): number {
    var best = 0, p = 0, f, e;
    for (;;) {
      f = this._nextFree(p);
      if (f < 0) break;
      e = this._nextUsed(f);
      if (e - f > best) best = e - f;
      p = e;
    }
    return best * this.granule;
  }

  /** All statistics at once (see GranularStats), one snapshot under one critical section. O(W) for the largest free run. */
  stats(): GranularStats {
    if (this._en !== null) this._en();
    var s = this._s, g = this.granule, free = (this._n - s[S_USED]) * g, largest = this._largest();
    var r: GranularStats = {
      usedBytes: s[S_USED] * g, freeBytes: free, peakBytes: s[S_PEAK] * g,
      largestFreeBytes: largest, fragmentation: free === 0 ? 0 : 1 - largest / free,
      live: s[S_LIVE], failed: s[S_FAILED], rejected: s[S_REJECTED]
    };
    if (this._ex !== null) this._ex();
    return r;
  }

  /** Set the peak back to the bytes in use now (Zephyr's reset of max_allocated_bytes). O(1). */
  resetPeak(): void {
    if (this._en !== null) this._en();
    this._s[S_PEAK] = this._s[S_USED];
    if (this._ex !== null) this._ex();
  }

  /** Cheap consistency check of the counters (no bitmap scan). O(1). */
  invariantsHold(): boolean {
    var s = this._s, used = s[S_USED];
    return s[S_GRANULES] === this._n && s[S_SHIFT] === this._sh && used >= 0 && used <= this._n &&
      s[S_LIVE] >= 0 && s[S_LIVE] <= used && s[S_PEAK] >= used && s[S_PEAK] <= this._n &&
      s[S_HINT] >= 0 && s[S_HINT] <= this._nw && s[S_FAILED] >= 0 && s[S_REJECTED] >= 0;
  }

  /**
   * Full check: the tail bits past the last granule are used and carry no
   * end, every end bit is on a used granule, every run of used granules ends
   * with an end bit, the counters agree with the bitmaps, and every word below
   * the hint is full. Returns null when all hold, else what is wrong. O(W).
   */
  validate(): string | null {
    if (this._en !== null) this._en();
    var r = this._validate();
    if (this._ex !== null) this._ex();
    return r;
  }

  _validate(): string | null {
    var u = this._u, e = this._e, s = this._s, nw = this._nw, n = this._n, t = n & 31;
    var used = 0, live = 0, i, v, w, m, next, vm;
    if (!this.invariantsHold()) {
      var c = "";
      for (i = 0; i < GRANULAR_STATE_WORDS; i++) c += (i ? "," : "") + s[i];
      return "counters out of range: " + c;
    }
    if (t !== 0 && ((u[nw - 1] & (-1 << t)) !== (-1 << t) || (e[nw - 1] & (-1 << t)) !== 0)) return "tail bits past granule " + n + " are not used-without-end";
    for (i = 0; i < nw; i++) {
      m = i === nw - 1 ? lowMask(n - (i << 5)) : -1;
      vm = u[i] & m;
      w = e[i];
      if ((w & ~vm) !== 0) return "end bit on a free granule at " + ((i << 5) + tz32(w & ~vm));
      next = i + 1 < nw ? u[i + 1] & (i + 1 === nw - 1 ? lowMask(n - ((i + 1) << 5)) : -1) : 0;
      v = vm & ~((vm >>> 1) | ((next & 1) << 31));
      if ((v & ~w) !== 0) return "used run without an end bit at granule " + ((i << 5) + tz32(v & ~w));
      used += pop32(vm);
      live += pop32(w);
      if (i < s[S_HINT] && u[i] !== -1) return "hint word " + s[S_HINT] + " is above word " + i + ", which has a free granule";
    }
    if (used !== s[S_USED]) return "used counter " + s[S_USED] + " but " + used + " granules are marked";
    if (live !== s[S_LIVE]) return "live counter " + s[S_LIVE] + " but " + live + " allocations are marked";
    for (i = 1; i <= 32; i++) {
      if (s[S_LB + i] < 0 || s[S_LB + i] > nw || (i > 1 && s[S_LB + i] < s[S_LB + i - 1])) return "run bound " + i + " is " + s[S_LB + i] + ", out of order or range";
    }
    for (i = this._nextFree(0); i >= 0; i = this._nextFree(next)) {
      next = this._nextUsed(i);
      v = next - i;
      if (i >> 5 < s[S_LB + (v < 32 ? v : 32)]) return "free run of " + v + " at granule " + i + " lies below its run bound " + s[S_LB + (v < 32 ? v : 32)];
    }
    return null;
  }
}

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
 * the `enter`/`exit` hooks (sim/shared-memory.ts).
 *
 * The class holds what a board runs, in as few functions as the design
 * allows (on Espruino each function costs RAM even when its text stays in
 * flash, and its text too when uploaded to RAM): the constructor, allocate
 * (with the search inlined), free, stats and watch. `fit`, the bank
 * manager's placement question, is allocate's search only, installed where
 * a bank manager may ask (src/alloc/granular-fit.ts). A MemoryManager is a
 * view of its normal heap and uses these functions itself: free and stats
 * take in its shared heap (`_next`). `owns`, `resetPeak`,
 * `unwatch`, `close` (src/alloc/api.ts), the checkers, the full statistics,
 * allocationSize and the error texts are the debug add-on's
 * (src/debug/granular-heap.ts). See docs/GRANULAR.md.
 */
import type { Memory } from "../hal/ports.js";
import type { AllocStats, RegionOptions, Watcher } from "./api.js";
import { EFAULT, EINVAL, ENOMEM, fail } from "../core/errors.js";
import { hasTypedArrays, type Store } from "../core/storage.js";
import { claimRegion } from "../hal/claims.js";

// ------------------------------------------------------------------ state block

/** Words of the state block (offsets below). */
export var GRANULAR_STATE_WORDS = 40;
// Offsets into the state block (the debug add-on reads them by number too):
//  0 granule count and 1 log2(granule): the geometry, checked by `attach`
//  2 granules allocated; 3 the most ever allocated at once (since resetPeak)
//  4 live allocations; 5 allocations refused for lack of a free run
//  6 calls refused for bad arguments, and bad frees
//  7 every used[] word below this one is full
//  7 + k, k = 1..32: no free run of k granules (of 32 or more for k = 32)
//    starts in a used[] word below this one. A cache that keeps first fit from
//    rescanning the crowded low words; non-decreasing in k.
var S_GRANULES = 0,
  S_SHIFT = 1,
  S_USED = 2,
  S_PEAK = 3,
  S_LIVE = 4,
  S_FAILED = 5,
  S_REJECTED = 6,
  S_FULL = 7,
  S_RUN = 7;

/**
 * Words needed by each bitmap (`used`, `ends`) of a heap of `size` bytes in
 * granules of `granule` bytes (default 16): ceil(floor(size / granule) / 32).
 * For the host and the simulator (not in the granular board bundle: there,
 * compute it as written).
 */
export function granularBitmapWords(size: number, granule?: number): number {
  return (Math.floor(size / (granule === undefined ? 16 : granule)) + 31) >> 5;
}

// ------------------------------------------------------------------ bit scans
// ESPRUINO: no Math.clz32. Trailing zeros of x (x !== 0) are
// BIT[((x & -x) * 0x077CB531) >>> 27]: x & -x is x's lowest set bit, and the
// multiplication by that de Bruijn sequence puts a distinct 5-bit pattern in
// the top bits for each of the 32 (exact in doubles: 2^31 × 2^27 < 2^53).
// Leading zeros of x (x !== 0): clz32 where the engine has it, else
// 31 - floor(log2(x) + 1e-13), log2 from Math.log: its error (about 1e-15)
// is far below the gap between log2 of 2^k - 1 and k (3e-10 for k = 32), so
// the floor is exact for every 32-bit x. The floor is `| 0` (the value is in
// [0, 32)): fewer tokens than Math.floor on the paths the interpreter reads.

var BIT: Store = hasTypedArrays ? new Uint8Array(32) : [];
// the loop counts in clz before clz is set (every top-level variable stays alive on a board: no counter of its own)
var clz: any = 0;
for (; clz < 32; clz++) BIT[(0x077cb531 << clz) >>> 27] = clz;
clz = typeof (Math as any).clz32 === "function" ? (Math as any).clz32 : null;

// ------------------------------------------------------------------ options and statistics

/** Options of a GranularHeap. */
export interface GranularHeapOptions extends RegionOptions {
  /** First address of the region: non-zero, a multiple of the granule. */
  base: number;
  /** Bytes in the region, one granule to 2^26 granules; a tail shorter than a granule is not used. */
  size: number;
  /** Granule size in bytes, a power of two (default 16). Every allocation is a whole number of granules and is aligned to one. */
  granule?: number;
  /** Critical-section hooks, given together: called around every call that reads or changes the heap's stores. */
  enter?: () => void;
  exit?: () => void;
  /** Metadata stores (an Int32Array or a plain array, as from `words()`): the bitmaps need `granularBitmapWords(size, granule)` words each, the state block `GRANULAR_STATE_WORDS`. Default: fresh stores. */
  used?: Store;
  ends?: Store;
  state?: Store;
  /** true: the stores already hold a heap of the same geometry (another heap object's, maybe another thread's); join it instead of clearing it. */
  attach?: boolean;
}

/** The debug add-on's full statistics: the contract's AllocStats and the heap's own figures. */
export interface GranularStats extends AllocStats {
  /** The largest run of free granules, in bytes: the largest allocation that can succeed now. */
  largestFree: number;
  /** 1 - largestFree / free (0 when nothing is free). */
  fragmentation: number;
  /** Allocations refused for lack of a free run (-ENOMEM). */
  failed: number;
  /** Calls refused for bad arguments (-EINVAL) and frees of addresses that are not live allocations (-EFAULT). */
  rejected: number;
}

// ------------------------------------------------------------------ the heap

/**
 * A first-fit heap of `granule`-byte granules over [base, base + size) of
 * `memory`, with out-of-band bitmaps (2 bits per granule). Implements the
 * allocator contract (src/alloc/api.ts).
 *
 * Construction throws a coded Error naming the option for a bad
 * configuration. Calls never throw: `allocate` returns an address or 0,
 * `free` returns 0 or a negative errno, and a refused call changes nothing
 * but `lastError` and the failure count.
 *
 * Complexity (W = bitmap words = granules / 32): allocate O(W) worst case,
 * word at a time from the lowest word where a run of the size may start;
 * free O(1) plus O(n / 32) for an allocation of n granules and O(r / 32) for
 * the free run r it merges into; the rest O(1).
 */
export class GranularHeap {
  // the fields allocate and free read come first (Espruino looks properties up in creation order)
  _state: Store;
  _used: Store;
  _ends: Store;
  _shift: number;
  _enter: (() => void) | null;
  _exit: (() => void) | null;
  _base: number;
  _granules: number;
  _words: number;
  _granuleMask: number;
  /** Granule size in bytes (the same as blockSize). */
  granule: number;
  /** Bytes managed: granules × granule. */
  size: number;
  /** Negative errno of this heap object's most recent failed call, 0 before any. */
  lastError: number;
  _watchers: Watcher[] | null;
  /** The allocator named to watchers and told of failures (lastError): the heap, or the MemoryManager it belongs to. */
  _who: any;
  /** A MemoryManager's shared heap, when this is the manager's heap of normal memory (free and stats take it in); else null. */
  _next: GranularHeap | null;
  /** The memory port the region lives in (the heap itself never accesses it). */
  memory: Memory;
  /** First address of the region. */
  base: number;
  /** Granule size in bytes: the unit allocations are rounded up to (the contract's name). */
  blockSize: number;
  /** Number of granules. */
  granules: number;

  /**
   * Where `allocate(size, alignment, hint)` would place the request now, if
   * at or above `hint`: the address of the first fit at or above `hint`
   * (from the bottom when `hint` is 0, null, undefined or at most the base),
   * or 0 when there is none there (allocate would then take the first fit
   * from the bottom, or fail). Allocates nothing, calls no watcher, counts
   * nothing; 0 with `lastError` -EINVAL for what allocate refuses as EINVAL.
   * The bank manager's placement asks it whether a request fits in the RAM
   * sections that are on (src/power/policies.ts). O(W) worst case.
   * Installed by src/alloc/granular-fit.ts where a bank manager may ask:
   * the full bundle, ramkit-granular and the host (not the memory-manager
   * bundle, where it would cost RAM for nobody; the debug add-on installs
   * it there).
   */
  declare fit: (size: number, alignment?: number, hint?: number) => number;
  /** (debug add-on) True when `address` is a number in the managed range [base, base + size), allocated or not. O(1). */
  declare owns: (address: number) => boolean;
  /** (debug add-on) Remove a watcher: 0, or -ENOENT when it does not watch this heap. O(watchers). */
  declare unwatch: (watcher: Watcher) => number;
  /** (debug add-on) Peak := bytes in use now (Zephyr's reset of max_allocated_bytes); failures := 0. O(1). */
  declare resetPeak: () => void;
  /**
   * (debug add-on) Give the region back: its claim on the memory port ends
   * (for every heap object over these stores). 0, also when closed already;
   * -EBUSY (nothing changed) while the heap has live allocations, any heap
   * object's. O(claims of the port).
   */
  declare close: () => number;
  /** (debug add-on) Cheap checks of the counters, no bitmap scan. O(1). */
  declare invariantsHold: () => boolean;
  /** (debug add-on) Full check of bitmaps, counters and caches: null, or what is wrong. O(W). */
  declare validate: () => string | null;
  /** (debug add-on) A sentence about lastError. */
  declare lastErrorText: () => string;
  /** (debug add-on) Bytes of the live allocation starting at `address`, or -EFAULT / -EINVAL as for free. O(n / 32). */
  declare allocationSize: (address: number) => number;
  /** (debug add-on) The largest run of free granules, in bytes. O(W). */
  declare largestFree: () => number;
  /** (debug add-on) Every statistic, the largest free run and fragmentation included, in one critical section. O(W). */
  declare fullStats: (out?: GranularStats) => GranularStats;

  /**
   * A heap over [options.base, options.base + options.size) of `memory`.
   * Throws EINVAL naming the option (see GranularHeapOptions): memory not a
   * port, base 0 or off the granule, size under one granule or over 2^26
   * granules or passing 2^32, granule not a power of two, hooks not given
   * together as functions, a store that is not an Int32Array or a plain
   * array or is too short, or `attach` to stores of another geometry; EINVAL
   * or EBUSY from claimRegion (../hal/claims.ts) when the region is not the
   * port's memory or overlaps one another allocator of the port manages.
   *
   * The claim's owner is the state store, not the heap object: every heap
   * over the same stores (`attach`) joins the one claim, and closing any of
   * them ends it (they share one heap, so none has allocations then).
   * O(W) (the bitmaps are cleared), O(1) with attach.
   */
  constructor(memory: Memory, options: GranularHeapOptions) {
    var o: any = options,
      E = "EINVAL",
      gr,
      base,
      size,
      en,
      ex,
      sh = 0,
      n,
      nw,
      t,
      st: any[] = [],
      k,
      s,
      len,
      what,
      i;
    // the checks in as few tokens as they can be (constructor text is RAM on a board): x !== x >>> 0 is
    // "not an integer in [0, 2^32)", also for a string, NaN or undefined
    if (!memory || typeof memory.read8 !== "function") fail(E, "memory must be a Memory port, got " + memory);
    if (!o || typeof o !== "object") fail(E, "options must be an object, got " + o);
    gr = o.granule === undefined ? 16 : o.granule;
    if (gr !== gr >>> 0 || !gr || gr & (gr - 1)) fail(E, "granule must be a power of two, got " + gr);
    base = o.base;
    if (base !== base >>> 0 || !base) fail(E, "base must be a non-zero 32-bit unsigned address, got " + base);
    if (base % gr) fail(E, "base must be a multiple of the granule (" + gr + "), got 0x" + base.toString(16));
    size = o.size;
    if (size !== size >>> 0 || size < gr) fail(E, "size must be an integer in [" + gr + ", 4294967295], got " + size);
    if (base + size > 0x100000000) fail(E, "base + size must not pass 2^32, got 0x" + (base + size).toString(16));
    en = o.enter;
    ex = o.exit;
    if ((en !== undefined || ex !== undefined) && (typeof en !== "function" || typeof ex !== "function"))
      fail(E, "enter and exit must be functions, given together");
    for (t = gr; t > 1; t = t / 2) sh++;
    n = Math.floor(size / gr);
    nw = (n + 31) >> 5;
    t = n & 31;
    // granule and word indexes are shifted as int32 (g >> 5, i << 5): cap them as MemBlocks does
    if (n > 0x4000000) fail(E, "size / granule must be at most 2^26 granules, got " + n);
    // the stores: given ones checked to hold enough signed 32-bit words (ESPRUINO: mujs and
    // JerryScript ES5.1 have no Int32Array, plain arrays there), else fresh zeroed ones
    for (k = 0; k < 3; k++) {
      what = ["used", "ends", "state"][k];
      len = k < 2 ? nw : GRANULAR_STATE_WORDS;
      s = o[what];
      // a fresh one is cleared below (typed arrays start zeroed; a plain array is filled there)
      if (s === undefined) s = hasTypedArrays ? new Int32Array(len) : [];
      else if (!(s && typeof s === "object" && ((hasTypedArrays && s instanceof Int32Array) || Array.isArray(s)) && s.length >= len))
        fail(
          E,
          what +
            " must be an Int32Array or a plain array of at least " +
            len +
            " words, got " +
            (s && typeof s === "object"
              ? (Array.isArray(s) ? "an array of " : "an object of length ") + s.length
              : typeof s === "string"
                ? '"' + s + '"'
                : s)
        );
      st.push(s);
    }
    s = st[2];
    if (o.attach && (s[S_GRANULES] !== n || s[S_SHIFT] !== sh))
      fail(
        E,
        "state must hold a heap of " + n + " granules of " + gr + " bytes to attach to, got " + s[S_GRANULES] + " of " + (1 << s[S_SHIFT])
      );
    claimRegion(memory, base, n * gr, s);
    this._state = s;
    this._used = st[0];
    this._ends = st[1];
    this._shift = sh;
    this._enter = en || null;
    this._exit = ex || null;
    this._base = base;
    this._granules = n;
    this._words = nw;
    this._granuleMask = gr - 1;
    this.granule = gr;
    this.size = n * gr;
    this.lastError = 0;
    this._watchers = null;
    this._who = this;
    this._next = null;
    this.memory = memory;
    this.base = base;
    this.blockSize = gr;
    this.granules = n;
    if (!o.attach) {
      // clear the bitmaps, mark the tail bits past the last granule used (so
      // the scans need no bounds checks), reset the counters
      for (i = 0; i < nw; i++) st[0][i] = st[1][i] = 0;
      for (i = 0; i < GRANULAR_STATE_WORDS; i++) s[i] = 0;
      if (t !== 0) st[0][nw - 1] = -1 << t;
      s[S_GRANULES] = n;
      s[S_SHIFT] = sh;
    }
  }

  /**
   * At least `size` bytes (rounded up to whole granules), aligned to
   * `alignment` (a power of two, relative to addresses; default and minimum:
   * the granule). With a `hint` address, the first fit at or above it; when
   * there is none, or with no hint (0, null, undefined), the first fit from
   * the bottom of the region.
   *
   * Returns the address, or 0 with `lastError` -ENOMEM (no free run is long
   * enough) or -EINVAL (size not an integer in [1, 2^32), alignment not a
   * power of two below 2^32 or one no address of the region has, hint not
   * an integer address in [0, 2^32)).
   * Never throws, never touches memory. Watchers see the allocation. O(W)
   * worst case.
   */
  allocate(size: number, alignment?: number, hint?: number): number;
  /**
   * @internal `how` 1: `fit`'s question (the first fit at or above the hint
   * only; nothing marked, counted or watched; lastError only for -EINVAL).
   * `how` 2: MemoryManager.allocateShared's try (no room is -1, with
   * nothing counted and lastError left alone, so that it can spill).
   */
  allocate(size: number, alignment: number | undefined, hint: number | undefined, how: number): number;
  // The search, inlined (one function on the board for allocate and fit): the
  // search for n granules at a granule ≡ o (mod a) starts at the bound cached
  // for n (or at the hint's granule p when that is higher). a = 1: a word at
  // a time: a free run carried in from lower words is closed by the low clear
  // bits of the next word; a run inside a word is found by and-ing the clear
  // bits with themselves shifted (log n steps); the high clear bits start the
  // next carried run. When the scan began at the bound, no run of n or more
  // starts below the word found afterwards, so the bounds of every k ≥ n are
  // raised to it. a > 1: free run by free run. A hint finds nothing from its
  // granule (rounded up): then, except for fit, the search runs again from
  // the bottom.
  allocate(size: number, alignment?: number, hint?: number, how?: number): number {
    var s = this._state,
      u = this._used,
      nw = this._words,
      sh = this._shift,
      G = this._granules,
      a = 1,
      o = 0,
      h = 0,
      n = 0,
      r = 0,
      g = -EINVAL,
      p,
      run,
      start,
      v,
      x,
      k,
      t,
      i,
      j,
      m,
      exact,
      w;
    if (this._enter) this._enter();
    if (
      size === size >>> 0 &&
      size !== 0 &&
      (alignment === undefined || (alignment === alignment >>> 0 && alignment !== 0 && (alignment & (alignment - 1)) === 0)) &&
      (hint === undefined || hint === null || hint === hint >>> 0)
    ) {
      g = -ENOMEM;
      if (alignment !== undefined && alignment > this.granule) {
        a = alignment >>> sh;
        o = ((alignment - (this._base % alignment)) % alignment) >>> sh;
        // no granule of the region has the alignment: a request that can never succeed
        if (o !== 0 && o >= G) g = -EINVAL;
      }
      n = ((size - 1) >>> sh) + 1;
      // the hint's granule, rounded up; a hint at or below the base is the bottom, one above the region finds nothing
      if (hint && hint > this._base) h = hint - this._base < this.size ? (hint - this._base + this._granuleMask) >>> sh : G;
      while (g === -ENOMEM && n <= G - s[S_USED]) {
        p = h;
        i = s[S_RUN + (n < 32 ? n : 32)];
        if (i < s[S_FULL]) i = s[S_FULL];
        if (a === 1) {
          run = 0;
          start = 0;
          m = 0;
          exact = true;
          if (p > i << 5) {
            // start at the hint: the granules below it in its word count as used
            i = p >> 5;
            m = (1 << (p & 31)) - 1;
            exact = false;
          }
          for (; i < nw; i++) {
            v = u[i] | m;
            m = 0;
            if (v === 0) {
              if (run === 0) start = i << 5;
              run += 32;
              if (run >= n) {
                g = start;
                break;
              }
              continue;
            }
            if (v === -1) {
              run = 0;
              continue;
            }
            if (run !== 0 && run + BIT[((v & -v) * 0x077cb531) >>> 27] >= n) {
              g = start;
              break;
            }
            if (n < 32) {
              x = ~v;
              for (k = 1; k + k <= n; k += k) x &= x >>> k;
              if (k < n) x &= x >>> (n - k);
              if (x !== 0) {
                g = (i << 5) + BIT[((x & -x) * 0x077cb531) >>> 27];
                break;
              }
            }
            t = clz ? clz(v) : 31 - ((Math.log(v >>> 0) / Math.LN2 + 1e-13) | 0);
            run = t;
            start = (i << 5) + 32 - t;
          }
          if (exact && n <= 32) {
            t = g < 0 ? nw : g >> 5;
            for (k = S_RUN + n; k <= S_RUN + 32 && s[k] < t; k++) s[k] = t;
          }
        } else {
          if (p < i << 5) p = i << 5;
          for (;;) {
            // x: the free granules at or after p, in p's word or the next word with one
            i = p >> 5;
            if (i >= nw) break;
            x = ~u[i] >>> (p & 31);
            if (x === 0) {
              for (i++; i < nw && u[i] === -1; i++);
              if (i >= nw) break;
              p = i << 5;
              x = ~u[i];
            }
            // the first free granule f = p + ..., the first aligned granule t from there
            p += BIT[((x & -x) * 0x077cb531) >>> 27];
            t = p + ((o - p) & (a - 1));
            if (t + n > G) break;
            // p: the first used granule after the free one (the tail bits past the last granule are used)
            i = p >> 5;
            x = u[i] >>> (p & 31);
            if (x === 0) {
              for (i++; i < nw && u[i] === 0; i++);
              p = i << 5;
              x = i < nw ? u[i] : 1;
            }
            p += BIT[((x & -x) * 0x077cb531) >>> 27];
            if (t + n <= p) {
              g = t;
              break;
            }
          }
        }
        if (h === 0 || how === 1) break;
        h = 0;
      }
    }
    if (g < 0) {
      if (!how || g === -EINVAL) {
        // the heap's and its manager's (_who: the heap itself when it has none)
        this.lastError = this._who.lastError = g;
        if (how !== 1) {
          g = g === -ENOMEM ? S_FAILED : S_REJECTED;
          s[g] = (s[g] + 1) | 0;
        }
      } else if (how === 2) r = -1;
    } else if ((r = this._base + g * this.granule) && how !== 1) {
      // mark granules [g, t] used (t = g + n - 1) and t an end; move the full-word mark past full words.
      // Word k's bits: from g's in its first word (-1 << (g & 31)), up to t's in its last
      // (-1 >>> (31 - (t & 31)): the low bits through t's), all in between
      i = g >> 5;
      t = g + n - 1;
      j = t >> 5;
      for (k = i; k <= j; k++) u[k] |= (k > i ? -1 : -1 << (g & 31)) & (k < j ? -1 : -1 >>> (31 - (t & 31)));
      this._ends[j] |= 1 << (t & 31);
      k = s[S_FULL];
      if (k >= i && k <= j) {
        while (k < nw && u[k] === -1) k++;
        s[S_FULL] = k;
      }
      k = s[S_USED] += n;
      if (k > s[S_PEAK]) s[S_PEAK] = k;
      s[S_LIVE]++;
      w = this._watchers;
    }
    if (this._exit) this._exit();
    if (w) for (i = 0; i < w.length; i++) w[i].onAlloc(r, n * this.granule, this._who);
    return r;
  }

  /**
   * Free the allocation that starts at `address`. The contract's free takes
   * the address only; `size`, when given (not undefined or null), is checked
   * too: rounded up to granules, it must equal the allocation's granules
   * (MemoryManager.deallocate passes the design note's size this way).
   *
   * Returns 0; 0 for address 0 (a no-op, as C's free(NULL)); -EFAULT when
   * `address` is not the start of a live allocation (outside the region,
   * not on a granule, free, inside an allocation, freed already); -EINVAL
   * when `address` is not a number or `size` does not match. A refused call
   * frees nothing and sets lastError. Watchers see the free.
   * A MemoryManager's heap of normal memory passes an address in its shared
   * region on to that heap (`_next`).
   * O(1) + O(n / 32) + O(r / 32) (r: the free run it merges into).
   */
  free(address: number, size?: number): number {
    var s = this._state,
      u = this._used,
      e = this._ends,
      sh = this._shift,
      nw = this._words,
      r = -EINVAL,
      n = 0,
      off,
      g,
      p,
      i,
      j,
      b,
      l,
      x,
      w;
    if (address === 0) return 0;
    // an address in a manager's shared heap (_next) is that heap's ((address - base) >>> 0: below the base
    // wraps past the size; not a number is 0, and that heap refuses it as -EINVAL)
    if ((w = this._next) && (address - w._base) >>> 0 < w.size) return w.free(address, size);
    if (this._enter) this._enter();
    if (typeof address === "number") {
      r = -EFAULT;
      off = address - this._base;
      g = off >>> sh;
      p = g - 1;
      // a start: on a granule of the region (off === off >>> 0: an integer, not negative), used, and the
      // first granule or after a free granule or an end
      if (
        off < this.size &&
        off === off >>> 0 &&
        (off & this._granuleMask) === 0 &&
        (u[g >> 5] & (1 << (g & 31))) !== 0 &&
        (g === 0 || (u[p >> 5] & (1 << (p & 31))) === 0 || (e[p >> 5] & (1 << (p & 31))) !== 0)
      ) {
        // l: its end, the first end bit at or after g (an end always exists on an intact heap): in g's
        // word from g (x, counted from l = g), else in the next word with one (counted from its start)
        i = g >> 5;
        x = e[i] >>> (g & 31);
        l = g;
        if (x === 0) {
          for (i++; i < nw && e[i] === 0; i++);
          x = i < nw ? e[i] : 0;
          l = i << 5;
        }
        l = x !== 0 ? l + BIT[((x & -x) * 0x077cb531) >>> 27] : -1;
        n = l - g + 1;
        if (l < 0) n = 0;
        else if (size !== undefined && size !== null && (size !== size >>> 0 || size === 0 || ((size - 1) >>> sh) + 1 !== n)) r = -EINVAL;
        else {
          // clear granules [g, l] (the bits as allocate marks them) and the end bit of l
          i = g >> 5;
          j = l >> 5;
          for (b = i; b <= j; b++) u[b] &= ~((b > i ? -1 : -1 << (g & 31)) & (b < j ? -1 : -1 >>> (31 - (l & 31))));
          e[j] &= ~(1 << (l & 31));
          if (i < s[S_FULL]) s[S_FULL] = i;
          s[S_USED] -= n;
          s[S_LIVE]--;
          r = 0;
          // the merged free run [p, l): p after the last used granule below g, l the first used at or after g + n
          // (x: the used granules up to g - 1 shifted to the top of a word, p = g - leading zeros; else the
          // highest used granule of the next lower word with one, p = its word's end - leading zeros)
          p = 0;
          if (g !== 0) {
            i = (g - 1) >> 5;
            x = u[i] << (31 - ((g - 1) & 31));
            p = g;
            if (x === 0) {
              for (i--; i >= 0 && u[i] === 0; i--);
              x = i >= 0 ? u[i] : 0;
              p = (i << 5) + 32;
            }
            p = x !== 0 ? p - (clz ? clz(x) : 31 - ((Math.log(x >>> 0) / Math.LN2 + 1e-13) | 0)) : 0;
          }
          // (x: the granules from g + n on, counted from l = g + n; else the next word with a used one, or
          // past the last word: the tail bits past the last granule are used, so the run ends at nw << 5)
          l = g + n;
          i = l >> 5;
          x = i < nw ? u[i] >>> (l & 31) : 1;
          if (x === 0) {
            for (i++; i < nw && u[i] === 0; i++);
            x = i < nw ? u[i] : 1;
            l = i << 5;
          }
          l += BIT[((x & -x) * 0x077cb531) >>> 27];
          // a run of k ≤ its length may now start in word p >> 5: lower those bounds
          l -= p;
          p = p >> 5;
          for (i = S_RUN + (l < 32 ? l : 32); i > S_RUN && s[i] > p; i--) s[i] = p;
        }
      }
    }
    if (r !== 0) {
      s[S_REJECTED] = (s[S_REJECTED] + 1) | 0;
      this.lastError = this._who.lastError = r;
    }
    if (this._exit) this._exit();
    if (r === 0 && (w = this._watchers)) for (i = 0; i < w.length; i++) w[i].onFree(address, n * this.granule, this._who);
    return r;
  }

  /**
   * The contract's statistics (bytes as charged: whole granules), written
   * into `out` when it is an object (else a fresh one): used, free, peak
   * (since construction or resetPeak), count (live allocations), failures
   * (failed allocations and refused frees). One snapshot under one critical
   * section. A MemoryManager's heap of normal memory adds its shared heap's
   * (`_next`), each in its own critical section. O(1).
   */
  stats(out?: AllocStats): AllocStats {
    var h: GranularHeap | null = this,
      r = out && typeof out === "object" ? out : ({} as AllocStats),
      s,
      gr;
    r.used = r.free = r.peak = r.count = r.failures = 0;
    for (; h; h = h._next) {
      s = h._state;
      gr = h.granule;
      if (h._enter) h._enter();
      r.used += s[S_USED] * gr;
      r.free += h.size - s[S_USED] * gr;
      r.peak += s[S_PEAK] * gr;
      r.count += s[S_LIVE];
      r.failures += s[S_FAILED] + s[S_REJECTED];
      if (h._exit) h._exit();
    }
    return r;
  }

  /**
   * Add a watcher: its onAlloc/onFree run after every successful allocate
   * and free of this heap object (outside the critical section), with the
   * bytes charged. 0 (also when it already watches), or -EINVAL when it lacks
   * the two functions. O(watchers). (MemoryManager.prototype.watch is this
   * function too: its heaps share its list.)
   */
  watch(watcher: Watcher): number {
    var w;
    if (!watcher || typeof watcher.onAlloc !== "function" || typeof watcher.onFree !== "function") return (this.lastError = -EINVAL);
    w = this._watchers || (this._watchers = []);
    if (w.indexOf(watcher) < 0) w.push(watcher);
    return 0;
  }
}

/**
 * The debug add-on of MemBlocks, MemBlocksGroup and BitArray: what a board
 * needs only while debugging. Each installer assigns methods to the class's
 * prototype it is given (never importing the class, so that the add-on
 * bundle holds none of the lean code):
 *
 * - BitArray: invariantsHold(), validate().
 * - MemBlocks: the contract's owns(), resetPeak(), unwatch() and close();
 *   Zephyr's get() and isRegionFree(); invariantsHold(), validate(),
 *   blockStats(out?) (Zephyr's runtime statistics plus block counts),
 *   onAlloc/onFree/removeListener (Zephyr-style listeners, built on watch),
 *   lastErrorText().
 * - MemBlocksGroup: invariantsHold(), validate().
 *
 * They read the lean classes' private fields and call MemBlocks' one bitmap
 * helper, _run (see src/alloc/mem-blocks.ts and src/core/bitarray.ts for what
 * each holds); the minified bundles rename those names the same way
 * (scripts/mangle.mjs).
 */
import type { MemBlocks, MemBlocksListener, MemBlocksStats } from "../alloc/mem-blocks.js";
import type { MemBlocksGroup } from "../alloc/mem-blocks-group.js";
import type { BitArray } from "../core/bitarray.js";
import type { Watcher } from "../alloc/api.js";
import { EBUSY, EFAULT, EINVAL, ENOENT, ENOMEM, errnoNames, fail } from "../core/errors.js";
import { releaseRegion } from "../hal/claims.js";

/** MemBlocks' usage-counter bias while watchers listen (see MemBlocks._s): −2^28, far below −numBlocks. */
var WATCHED_BIAS = -0x10000000;

/** A Zephyr-style listener registration: the listener and the watcher that calls it. */
interface Listening {
  fn: MemBlocksListener;
  watcher: Watcher;
}

/** The usage counter's bias now: see MemBlocks._s. */
function bias(mb: MemBlocks): number {
  return mb._x ? WATCHED_BIAS : 0;
}

/** Blocks in use: see MemBlocks._s. */
function usedBlocks(mb: MemBlocks): number {
  return mb._p - mb._s + bias(mb);
}

/** BitArray's cheap checks: hint, sentinel and padding in range. O(1). */
function bitsHold(b: BitArray): boolean {
  var w = b._words,
    h = b._hint,
    nw = b.numWords;
  return h >= 0 && h <= nw && (h === nw) === (w[h] === -1) && w[nw] === -1 && (w[nw - 1] & b._padMask) === b._padMask;
}

/** BitArray's full check: null, or the first problem. O(numWords). */
function bitsProblem(b: BitArray): string | null {
  var w = b._words,
    s = b._summary,
    nw = b.numWords,
    low = nw,
    i,
    free;
  if (nw !== (b.numBits + 31) >>> 5 || w.length !== nw + 1) return "numWords " + nw + " does not fit numBits " + b.numBits;
  if ((w[nw - 1] & b._padMask) !== b._padMask) return "padding bits of the last word are not set";
  if (w[nw] !== -1) return "sentinel word is not -1";
  for (i = 0; i < nw; i++) {
    if ((w[i] | 0) !== w[i]) return "word " + i + " is not an int32 value";
    free = w[i] !== -1;
    if (free !== (((s[i >> 5] >>> (i & 31)) & 1) === 1)) return "summary bit of word " + i + " is wrong";
    if (free && low === nw) low = i;
  }
  for (i = nw; i < s.length * 32; i++) if (((s[i >> 5] >>> (i & 31)) & 1) !== 0) return "summary bit past the last word is set";
  if (b._hint !== low) return "hint is " + b._hint + ", lowest non-full word is " + low;
  return null;
}

/** Install BitArray's checkers on `C` (the BitArray class). */
export function debugBitArray(C: any): void {
  var p = C.prototype;
  /** Cheap checks: hint, sentinel and padding in range. O(1). */
  p.invariantsHold = function (this: BitArray): boolean {
    return bitsHold(this);
  };
  /** Full check: padding, sentinel, int32 words, summary and hint. null or what is wrong. O(numWords). */
  p.validate = function (this: BitArray): string | null {
    return bitsProblem(this);
  };
}

/** Register `fn` with a watcher that calls it for allocations (which 0) or frees (which 1). */
function listen(mb: MemBlocks, fn: MemBlocksListener, which: number): number {
  if (typeof fn !== "function") fail("EINVAL", "listener must be a function (allocator, address, bytes), got " + fn);
  var none = function (): void {
    /* the other kind of event */
  };
  var call = function (address: number, bytes: number, allocator: any): void {
    fn(allocator, address, bytes);
  };
  var w: Watcher = which === 0 ? { onAlloc: call, onFree: none } : { onAlloc: none, onFree: call };
  var m = mb as any;
  if (!m._listening) m._listening = [];
  m._listening.push({ fn: fn, watcher: w });
  return mb.watch(w);
}

/** A failed call of the add-on's verbs: lastError := code, one more failure; returns code. */
function failed(mb: MemBlocks, code: number): number {
  mb._n++;
  return (mb.lastError = code);
}

/**
 * The first block of the run of `count` blocks at the block holding
 * `address` when that run lies inside the region, else -1. get() and
 * isRegionFree() share it.
 */
function runStart(mb: MemBlocks, address: number, count: number): number {
  var k = (address - mb.base) / mb.blockSize;
  return typeof address === "number" && k >= 0 && k < mb.numBlocks && (k |= 0) + count <= mb.numBlocks ? k : -1;
}

/** Install MemBlocks' debug members on `C` (the MemBlocks class). */
export function debugMemBlocks(C: any): void {
  var p = C.prototype;

  /** Whether `address` lies in [base, base + size) (allocated or not). O(1). */
  p.owns = function (this: MemBlocks, address: number): boolean {
    var o = address - this.base;
    return typeof address === "number" && o >= 0 && o < this.size;
  };

  /** The peak becomes what is in use now; the failure count 0. O(1). */
  p.resetPeak = function (this: MemBlocks): void {
    var b = bias(this);
    this._p -= this._s - b;
    this._s = b;
    this._n = 0;
  };

  /** Remove `watcher` (its first registration): 0, or -ENOENT (lastError too) when it is not watching. O(watchers). */
  p.unwatch = function (this: MemBlocks, watcher: Watcher): number {
    var list = this._x,
      i = list === null ? -1 : list.indexOf(watcher);
    if (i < 0) return (this.lastError = -ENOENT);
    list = (list as Watcher[]).slice(0); // copy on write: a watcher may unwatch itself during a call
    list.splice(i, 1);
    if (list.length === 0) {
      this._x = null;
      this._s -= WATCHED_BIAS;
      this._l = this.numBlocks + 32;
    } else this._x = list;
    return 0;
  };

  /**
   * Give the region back to the memory port (releaseRegion): 0, or -EBUSY
   * (lastError too; nothing changed) while any block is in use. O(claims of
   * the port).
   */
  p.close = function (this: MemBlocks): number {
    if (usedBlocks(this) !== 0) return (this.lastError = -EBUSY);
    releaseRegion(this.memory, this);
    return 0;
  };

  /**
   * Zephyr's sys_mem_blocks_get: claim the `count` blocks from the block
   * holding `address`: 0 (count 0 does nothing); -ENOMEM when the run leaves
   * the region or any of its blocks is taken; -EINVAL when count is not an
   * integer ≥ 0 or address not a number. One watcher call. O(count / 32).
   */
  p.get = function (this: MemBlocks, address: number, count: number): number {
    var k = runStart(this, address, count);
    if (count !== count >>> 0 || typeof address !== "number") return failed(this, -EINVAL);
    if (count === 0) return 0;
    if (k < 0 || this._run(k, count) >= 0) return failed(this, -ENOMEM);
    return 0;
  };

  /** Whether the `count` blocks from the block holding `address` are all free; false for count 0 or a run leaving the region. O(count). */
  p.isRegionFree = function (this: MemBlocks, address: number, count: number): boolean {
    var k = runStart(this, address, count),
      i;
    if (!(count === count >>> 0 && count > 0 && k >= 0)) return false;
    for (i = k + 32; i < k + count + 32; i++) if ((this._w[i >> 5] >>> (i & 31)) & 1) return false; // block i - 32 is taken
    return true;
  };

  /** Cheap checks of the counters, the hint and the watcher state. O(1). */
  p.invariantsHold = function (this: MemBlocks): boolean {
    var u = usedBlocks(this),
      on = this._x !== null,
      w = this._w,
      nw = (this.numBlocks + 31) >> 5;
    return (
      u >= 0 &&
      u <= this._p &&
      this._p <= this.numBlocks &&
      this._n >= 0 &&
      this._l === (on ? 0 : this.numBlocks + 32) &&
      (!on || (this._x as Watcher[]).length > 0) &&
      w.length === 2 * nw + 3 &&
      this._h >= 1 &&
      this._h <= nw + 1 &&
      (w[this._h] !== -1) === this._h <= nw &&
      this._a === this._b + this._h * 32 * this._z
    );
  };

  /**
   * Full check: the geometry, the offset table, the bitmap (guard word,
   * int32 words, padding, sentinel, flags, hint), and the count of set bits
   * equal to the blocks in use. null, or the first problem.
   * O(numBlocks / 32).
   */
  p.validate = function (this: MemBlocks): string | null {
    var u = usedBlocks(this),
      n = this.numBlocks,
      z = this.blockSize,
      nw = (n + 31) >> 5,
      w = this._w,
      o = nw + 1,
      b,
      i,
      x,
      set = 0,
      low = nw + 1;
    if (!(z >= 4 && (z & (z - 1)) === 0) || this._z !== z || this.size !== z * n || this._b !== this.base - 32 * z) {
      return "blockSize, size, numBlocks and the private copies disagree";
    }
    if (!this.invariantsHold()) {
      return (
        "counters, hint or watcher state out of range: used " +
        u +
        ", peak " +
        this._p +
        ", blocks " +
        n +
        ", hint " +
        this._h +
        ", limit " +
        this._l +
        ", failures " +
        this._n
      );
    }
    for (b = 0; b < 31 && b < n; b++) if (this._t[(1 << b) % 37] !== b * z) return "offset table entry of bit " + b + " is wrong";
    if (w[0] !== 0) return "bitmap: the guard word is not 0";
    if (w[o] !== -1) return "bitmap: the sentinel word is not -1";
    if (w[o + o] !== 1) return "bitmap: the sentinel's flag is not 1";
    x = n & 31 ? -1 << (n & 31) : 0;
    if ((w[nw] & x) !== x) return "bitmap: padding bits of the last word are not set";
    for (i = 1; i <= nw; i++) {
      if ((w[i] | 0) !== w[i]) return "bitmap: word " + (i - 1) + " is not an int32 value";
      if (w[o + i] !== (w[i] !== -1 ? 1 : 0)) return "bitmap: flag of word " + (i - 1) + " is wrong";
      if (w[i] !== -1 && low === nw + 1) low = i;
      for (x = i === nw ? w[i] & ~(n & 31 ? -1 << (n & 31) : 0) : w[i]; x !== 0; x &= x - 1) set++;
    }
    if (this._h !== low) return "bitmap: hint is word " + (this._h - 1) + ", the lowest with a free block is " + (low - 1);
    if (set !== u) return "bitmap has " + set + " blocks set, the counter says " + u;
    return null;
  };

  /** Zephyr's runtime statistics plus block counts, written into `out` when given. O(1). */
  p.blockStats = function (this: MemBlocks, out?: MemBlocksStats): MemBlocksStats {
    if (out !== undefined && (out === null || typeof out !== "object"))
      fail("EINVAL", "out must be an object to receive the statistics, got " + out);
    var s = out || ({} as MemBlocksStats),
      u = usedBlocks(this);
    s.usedBlocks = u;
    s.maxUsedBlocks = this._p;
    s.freeBlocks = this.numBlocks - u;
    s.allocatedBytes = u * this.blockSize;
    s.freeBytes = this.size - s.allocatedBytes;
    s.maxAllocatedBytes = this._p * this.blockSize;
    return s;
  };

  /** `fn(allocator, address, bytes)` after every successful allocation (a watcher underneath). 0; throws EINVAL for a non-function. */
  p.onAlloc = function (this: MemBlocks, fn: MemBlocksListener): number {
    return listen(this, fn, 0);
  };

  /** As onAlloc, after every successful free. */
  p.onFree = function (this: MemBlocks, fn: MemBlocksListener): number {
    return listen(this, fn, 1);
  };

  /** Remove every registration of `fn` (onAlloc and onFree): 0, or -ENOENT when it had none. */
  p.removeListener = function (this: MemBlocks, fn: MemBlocksListener): number {
    var list: Listening[] = (this as any)._listening || [],
      keep: Listening[] = [],
      found = false,
      i;
    for (i = 0; i < list.length; i++) {
      if (list[i].fn === fn) {
        this.unwatch(list[i].watcher);
        found = true;
      } else keep.push(list[i]);
    }
    (this as any)._listening = keep;
    return found ? 0 : -ENOENT;
  };

  /** A sentence about the last failure (lastError), with the allocator's state now. */
  p.lastErrorText = function (this: MemBlocks): string {
    var e = -this.lastError,
      u = usedBlocks(this);
    var where =
      " (" +
      (this.numBlocks - u) +
      " of " +
      this.numBlocks +
      " blocks of " +
      this.blockSize +
      " bytes free at 0x" +
      this.base.toString(16) +
      ")";
    if (e === 0) return "no call has failed" + where;
    var head = (errnoNames[e] || "error " + e) + ": ";
    if (e === ENOMEM)
      return head + "no free block, or no free run of the blocks asked for, or a run to get() is taken or leaves the region" + where;
    if (e === EFAULT) {
      return (
        head +
        "the address is not an allocated block of this allocator: outside [0x" +
        this.base.toString(16) +
        ", 0x" +
        (this.base + this.size).toString(16) +
        "), not a block start (free() and allocate()'s blocks), or already free (a double free)" +
        where
      );
    }
    if (e === EINVAL) {
      return (
        head +
        "an argument is out of range: a size not in [1, " +
        this.blockSize +
        "], an alignment not a power of two up to " +
        this.blockSize +
        ", a hint or address that is not a number, a count that is not a whole number (or 0 for allocContiguous), " +
        "a count above numBlocks, a run leaving the region, or a watcher without onAlloc and onFree" +
        where
      );
    }
    if (e === EBUSY) return head + "close() refused: " + u + " blocks are still in use" + where;
    if (e === ENOENT) return head + "unwatch(): that watcher was not watching" + where;
    return head + "the last failed call" + where;
  };
}

/** Install MemBlocksGroup's checkers on `C` (the MemBlocksGroup class). */
export function debugMemBlocksGroup(C: any): void {
  var p = C.prototype;

  /** Cheap checks: at most 8 allocators, each passing its own. O(allocators). */
  p.invariantsHold = function (this: MemBlocksGroup): boolean {
    var list = this.allocators;
    if (list.length > 8) return false;
    for (var i = 0; i < list.length; i++) if (!list[i].invariantsHold()) return false;
    return true;
  };

  /** Full check of every allocator and that no two regions overlap: null or what is wrong. */
  p.validate = function (this: MemBlocksGroup): string | null {
    var list = this.allocators,
      i,
      j,
      r;
    if (typeof this._choose !== "function") return "the choice is not a function";
    if (list.length > 8) return "more than 8 allocators";
    for (i = 0; i < list.length; i++) {
      r = list[i].validate();
      if (r !== null) return "allocator " + i + ": " + r;
      for (j = 0; j < i; j++) {
        if (list[i] === list[j]) return "allocators " + j + " and " + i + " are the same";
        if (list[i].base < list[j].base + list[j].size && list[j].base < list[i].base + list[i].size) {
          return "allocators " + j + " and " + i + " overlap";
        }
      }
    }
    return null;
  };
}

/**
 * The debug add-on of MemBlocks, MemBlocksGroup and BitArray: what a board
 * needs only while debugging. Each installer assigns methods to the class's
 * prototype it is given (never importing the class, so that the add-on
 * bundle holds none of the lean code):
 *
 * - BitArray: invariantsHold(), validate().
 * - MemBlocks: invariantsHold(), validate(), blockStats(out?) (Zephyr's
 *   runtime statistics plus block counts), onAlloc/onFree/removeListener
 *   (Zephyr-style listeners, built on watch), lastErrorText().
 * - MemBlocksGroup: invariantsHold(), validate().
 *
 * They read the lean classes' private fields (see src/alloc/mem-blocks.ts
 * and src/core/bitarray.ts for what each holds).
 */
import type { MemBlocks, MemBlocksListener, MemBlocksStats } from "../alloc/mem-blocks.js";
import type { MemBlocksGroup } from "../alloc/mem-blocks-group.js";
import type { BitArray } from "../core/bitarray.js";
import type { Watcher } from "../alloc/api.js";
import { EBUSY, EFAULT, EINVAL, ENOENT, ENOMEM, errnoNames, fail } from "../core/errors.js";

/** MemBlocks' watcher bias (its ALWAYS): −2^28, far below −numBlocks. */
var WATCHED_BIAS = -0x10000000;

/** A Zephyr-style listener registration: the listener and the watcher that calls it. */
interface Listening { fn: MemBlocksListener; watcher: Watcher; }

/** Blocks in use: see MemBlocks._peakSlack. */
function usedBlocks(mb: MemBlocks): number {
  return mb._peak - mb._peakSlack + mb._bias;
}

/** BitArray's cheap checks: hint, sentinel and padding in range. O(1). */
function bitsHold(b: BitArray): boolean {
  var w = b._words, h = b._hint, nw = b.numWords;
  return h >= 0 && h <= nw && (h === nw) === (w[h] === -1) && w[nw] === -1 && (w[nw - 1] & b._padMask) === b._padMask;
}

/** BitArray's full check: null, or the first problem. O(numWords). */
function bitsProblem(b: BitArray): string | null {
  var w = b._words, s = b._summary, nw = b.numWords, low = nw, i, free;
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
  var none = function (): void { /* the other kind of event */ };
  var call = function (address: number, bytes: number, allocator: any): void { fn(allocator, address, bytes); };
  var w: Watcher = which === 0 ? { onAlloc: call, onFree: none } : { onAlloc: none, onFree: call };
  var m = mb as any;
  if (!m._listening) m._listening = [];
  m._listening.push({ fn: fn, watcher: w });
  return mb.watch(w);
}

/** Install MemBlocks' debug members on `C` (the MemBlocks class). */
export function debugMemBlocks(C: any): void {
  var p = C.prototype;

  /** Cheap checks of the counters, the hint copy and the watcher state. O(1). */
  p.invariantsHold = function (this: MemBlocks): boolean {
    var u = usedBlocks(this), on = this._watchers !== null;
    return u >= 0 && u <= this._peak && this._peak <= this.numBlocks && this._failures >= 0 &&
      this._bias === (on ? WATCHED_BIAS : 0) && this._freeLimit === (on ? 0 : this.size) &&
      (!on || (this._watchers as Watcher[]).length > 0) &&
      this._words === this.bitmap._words && this._hint === this.bitmap._hint && bitsHold(this.bitmap);
  };

  /**
   * Full check: the geometry, the address table, the bitmap, and the count
   * of set bits equal to the blocks in use. null, or the first problem.
   * O(numBlocks / 32).
   */
  p.validate = function (this: MemBlocks): string | null {
    var u = usedBlocks(this), b, r, n;
    if (!this.invariantsHold()) {
      return "counters, hint or watcher state out of range: used " + u + ", peak " + this._peak + ", blocks " + this.numBlocks +
        ", hint " + this._hint + " (bitmap " + this.bitmap._hint + "), bias " + this._bias + ", free limit " + this._freeLimit;
    }
    if (1 << this._shift !== this.blockSize || this.size !== this.blockSize * this.numBlocks || this._wordSpan !== 32 * this.blockSize ||
      this.bitmap.numBits !== this.numBlocks) {
      return "blockSize, shift, size, numBlocks and the bitmap disagree";
    }
    for (b = 0; b < 32 && b < this.numBlocks; b++) {
      if (this._addrTable[(1 << b) % 37 + 22] !== this.base + b * this.blockSize) return "address table entry of bit " + b + " is wrong";
    }
    r = bitsProblem(this.bitmap);
    if (r !== null) return "bitmap: " + r;
    n = this.bitmap.popcountRegion(this.numBlocks, 0);
    if (n !== u) return "bitmap has " + n + " blocks set, the counter says " + u;
    return null;
  };

  /** Zephyr's runtime statistics plus block counts, written into `out` when given. O(1). */
  p.blockStats = function (this: MemBlocks, out?: MemBlocksStats): MemBlocksStats {
    if (out !== undefined && (out === null || typeof out !== "object")) fail("EINVAL", "out must be an object to receive the statistics, got " + out);
    var s = out || ({} as MemBlocksStats), u = usedBlocks(this);
    s.usedBlocks = u;
    s.maxUsedBlocks = this._peak;
    s.freeBlocks = this.numBlocks - u;
    s.allocatedBytes = u * this.blockSize;
    s.freeBytes = this.size - s.allocatedBytes;
    s.maxAllocatedBytes = this._peak * this.blockSize;
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
    var list: Listening[] = (this as any)._listening || [], keep: Listening[] = [], found = false, i;
    for (i = 0; i < list.length; i++) {
      if (list[i].fn === fn) { this.unwatch(list[i].watcher); found = true; } else keep.push(list[i]);
    }
    (this as any)._listening = keep;
    return found ? 0 : -ENOENT;
  };

  /** A sentence about the last failure (lastError), with the allocator's state now. */
  p.lastErrorText = function (this: MemBlocks): string {
    var e = -this.lastError, u = usedBlocks(this);
    var where = " (" + (this.numBlocks - u) + " of " + this.numBlocks + " blocks of " + this.blockSize +
      " bytes free at 0x" + this.base.toString(16) + ")";
    if (e === 0) return "no call has failed" + where;
    var head = (errnoNames[e] || "error " + e) + ": ";
    if (e === ENOMEM) return head + "no free block, or no free run of the blocks asked for, or a run to get() is taken or leaves the region" + where;
    if (e === EFAULT) {
      return head + "the address is not an allocated block of this allocator: outside [0x" + this.base.toString(16) + ", 0x" +
        (this.base + this.size).toString(16) + "), not a block start (free() and allocate()'s blocks), or already free (a double free)" + where;
    }
    if (e === EINVAL) {
      return head + "an argument is out of range: a size not in [1, " + this.blockSize + "], an alignment not a power of two up to " +
        this.blockSize + ", a hint or address that is not a number, a count that is not a whole number (or 0 for allocContiguous), " +
        "a count above numBlocks, a run leaving the region, or a watcher without onAlloc and onFree" + where;
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
    var list = this.allocators, i, j, r;
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

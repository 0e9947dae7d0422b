/**
 * The debug add-on's members of Onesize: what a board needs only while
 * debugging. `debugOnesize(C)` assigns them to `C.prototype`, where `C` is
 * the Onesize class of a loaded bundle (this file never imports the class
 * value, so the add-on bundle holds none of the pool's code).
 *
 * - the contract's members a production board does without (src/alloc/api.ts):
 *   `owns(address)`, `resetPeak()`, `unwatch(watcher)`, `close()`;
 * - `invariantsHold()`: cheap checks of the counters and the fast paths' fields. O(1).
 * - `validate()`: recounts the state bytes and walks the free list through
 *   the port: null, or a message naming the first problem. O(n).
 * - `iterateOverAllocated(callback, limit?)`: amast's iterator. O(n).
 * - `counters()`: the detailed statistics (nfree, nfreeMin, released, and
 *   the lifetime counts of rejected, failed, bad frees and corruptions).
 * - `lastErrorText()`: a sentence about the most recent failure, built from
 *   the code and the values the pool recorded when it failed.
 *
 * The pool's private fields and the numbers below are documented in
 * src/alloc/onesize.ts; keep the two files in step.
 */
import type { Onesize, OnesizeCounters, OnesizeVisitor } from "../alloc/onesize.js";
import type { Watcher } from "../alloc/api.js";
import { EBUSY, EINVAL, ENOENT } from "../core/errors.js";
import { indexOfArr } from "../core/storage.js";
import { releaseRegion } from "../hal/claims.js";

// Block states (St in onesize.ts).
var FRESH = 0,
  USED = 1,
  FREE = 2,
  RELEASED = 3,
  END = 4,
  NONE = 255;

// Why the last call failed (Why in onesize.ts).
var W_SIZE = 1,
  W_ALIGN = 2,
  W_MARGIN = 3,
  W_EMPTY = 4,
  W_KEEP = 5,
  W_LINK = 6,
  W_LOST = 7,
  W_FREE_TYPE = 8,
  W_FREE_BAD = 9,
  W_WALK = 10,
  W_CYCLE = 11,
  W_RANGE = 12,
  W_BUSY = 13,
  W_WATCH = 14,
  W_UNWATCH = 15,
  W_CLOSE = 16,
  W_ITERATE = 17;

/** "0x20000000" for an address, anything else as it is. */
function hex(a: any): string {
  return typeof a === "number" && a >>> 0 === a ? "0x" + a.toString(16) : String(a);
}

/** The range of the pool's blocks, "[0x…, 0x…)". */
function blocksText(p: Onesize): string {
  return "[" + hex(p._base) + ", " + hex(p._base + p._nblocks * p._blockSize) + ")";
}

/**
 * Walk the free list through the port: its length when the head and every
 * link are 0 or a Free block (each checked before its link is read) and the
 * walk ends within the number of Free blocks, else a message naming the
 * problem. Reads only. O(n).
 */
function walk(p: Onesize): number | string {
  var st = p._states,
    b = p._base,
    bs = p._blockSize,
    n = p._nblocks,
    a = p._head,
    c = 0,
    limit = 0,
    prev = 0,
    i,
    k;
  for (i = 0; i < n; i++) if (st[i] === FREE) limit++;
  while (a !== 0) {
    k = (a - b) / bs;
    if ((k & 0x7fffffff) !== k || k >= n || st[k] !== FREE) {
      return (
        "free list corrupt: " +
        (prev === 0 ? "its head " : "block " + hex(prev) + " links to ") +
        hex(a) +
        ", which is not a free block of the pool"
      );
    }
    if (++c > limit) return "free list corrupt: more than " + limit + " links (a cycle)";
    prev = a;
    a = p._port.read32(a);
  }
  return c;
}

/** Install the add-on's members on `C.prototype` (C: the Onesize class of a loaded bundle). */
export function debugOnesize(C: any): void {
  var P = C.prototype;

  P.owns = function (this: Onesize, address: number): boolean {
    return typeof address === "number" && address >= this.base && address - this.base < this.size;
  };

  P.resetPeak = function (this: Onesize): void {
    this._peak = this._mark - this._room;
    this._failures = 0;
    if (this._watchers === null) {
      this._mark = this._peak;
      this._room = 0;
    }
  };

  // The list is copied, not changed, so that a watcher may unwatch itself
  // while it is being told of an allocation or a free.
  P.unwatch = function (this: Onesize, watcher: Watcher): number {
    var ws = this._watchers,
      i = ws === null ? -1 : ws.indexOf(watcher),
      m,
      used = this._mark - this._room;
    if (i < 0) return this._fail(-ENOENT, W_UNWATCH, watcher, 0);
    ws = ws!.slice(0);
    ws.splice(i, 1);
    if (ws.length !== 0) {
      this._watchers = ws;
      return 0;
    }
    // The last one: the fast paths again, with the mark of the statistics.
    this._watchers = null;
    m = this._nblocks - this._released - this._minFree;
    this._mark = this._peak < m ? this._peak : m;
    this._room = this._mark - used;
    this._freeState = FREE;
    return 0;
  };

  P.close = function (this: Onesize): number {
    if (this._mark !== this._room) return this._fail(-EBUSY, W_CLOSE, this._mark - this._room, 0);
    releaseRegion(this.memory, this);
    return 0;
  };

  // The head is not checked here: after a corrupt link it is the bad value
  // the next allocation refuses (validate's walk names it).
  P.invariantsHold = function (this: Onesize): boolean {
    var n = this._nblocks,
      words = this._words !== null,
      used = this._mark - this._room,
      rel = this._released;
    var m = n - rel - this._minFree,
      watched = this._watchers !== null;
    return (
      used >= 0 &&
      rel >= 0 &&
      used + rel <= n &&
      this._peak >= used &&
      this._minFree <= n - used - rel &&
      this._bump >= 0 &&
      this._bump <= n &&
      this._states[n] === END &&
      this._step === this._blockSize / 4 &&
      this._okSize >>> 0 === this._okSize &&
      this._okSize >= 1 &&
      this._okSize <= this._blockSize &&
      // a pool without a word view never runs the prototype's allocate and free (they use the view)
      (words || (this.allocate !== P.allocate && this.free !== P.free)) &&
      (watched
        ? this._watchers!.length > 0 && this._mark === -1 && this._freeState === NONE
        : this._mark === (this._peak < m ? this._peak : m) && this._room >= 0 && this._freeState === FREE)
    );
  };

  P.validate = function (this: Onesize): string | null {
    var st = this._states,
      n = this._nblocks,
      i,
      s,
      free = 0,
      fresh = 0,
      rel = 0,
      used = 0,
      len,
      handed = this._mark - this._room;
    if (!this.invariantsHold()) return "invariants do not hold: " + JSON.stringify(this.counters());
    for (i = 0; i < n; i++) {
      s = st[i];
      if (s === FREE) free++;
      else if (s === FRESH) {
        fresh++;
        if (i < this._bump)
          return "block " + hex(this._base + i * this._blockSize) + " is never-used but below the bump index " + this._bump;
      } else if (s === RELEASED) rel++;
      else if (s === USED) used++;
      else return "block " + hex(this._base + i * this._blockSize) + " has state " + s;
    }
    if (used !== handed) return "allocated count is " + handed + " but " + used + " blocks are allocated";
    if (rel !== this._released) return "released count is " + this._released + " but " + rel + " blocks are released";
    len = walk(this);
    if (typeof len === "string") return len;
    if (len !== free) return "free list holds " + len + " blocks, " + free + " are marked free";
    return null;
  };

  P.iterateOverAllocated = function (this: Onesize, callback: OnesizeVisitor, limit?: number): number {
    var st = this._states,
      c = 0,
      i;
    if (limit === undefined) limit = -1;
    if (typeof callback !== "function" || typeof limit !== "number" || limit - limit !== 0 || Math.floor(limit) !== limit) {
      this.lastError = -EINVAL;
      this._why = W_ITERATE;
      this._errArg = typeof callback !== "function" ? callback : limit;
      this._errArg2 = typeof callback !== "function" ? 0 : 1;
      return -EINVAL;
    }
    i = indexOfArr(st, USED, 0);
    while (i >= 0 && i < this._nblocks && c !== limit) {
      callback(this._base + i * this._blockSize, c++, this._blockSize);
      i = indexOfArr(st, USED, i + 1);
    }
    return c;
  };

  P.counters = function (this: Onesize): OnesizeCounters {
    var n = this._nblocks,
      t = this._tally,
      used = this._mark - this._room,
      al = this._base | this._blockSize;
    return {
      base: this._base,
      end: this._base + n * this._blockSize,
      blockSize: this._blockSize,
      alignment: (al & -al) >>> 0,
      nblocks: n,
      nfree: n - used - this._released,
      nfreeMin: this._minFree,
      allocated: used,
      peak: this._peak,
      released: this._released,
      rejected: t ? t[0] : 0,
      failed: t ? t[1] : 0,
      badFrees: t ? t[2] : 0,
      corruptions: t ? t[3] : 0,
      failures: this._failures,
      watchers: this._watchers ? this._watchers.length : 0
    };
  };

  P.lastErrorText = function (this: Onesize): string {
    var a = this._errArg,
      b = this._errArg2,
      used = this._mark - this._room,
      al = this._base | this._blockSize;
    switch (this._why) {
      case W_SIZE:
        return "allocate: size must be an integer in [1, " + this._blockSize + "] (the block size), got " + a;
      case W_ALIGN:
        return "allocate: alignment must be a power of two up to " + ((al & -al) >>> 0) + ", got " + a;
      case W_MARGIN:
        return "allocateX: margin must be an integer >= 0, got " + a;
      case W_EMPTY:
        return "allocate: no free block (" + used + " allocated, " + this._released + " released of " + this._nblocks + ")";
      case W_KEEP:
        return "allocateX: only " + (this._nblocks - used - this._released) + " blocks are free, not more than the margin " + a;
      case W_LINK:
        return (
          "allocate: free list corrupt: its head " +
          hex(a) +
          " (the link read from the block allocated last) is not a free block of the pool" +
          (b === USED ? " (it is allocated)" : b === FRESH ? " (it was never allocated)" : b === RELEASED ? " (it is released)" : "")
        );
      case W_LOST:
        return "allocate: free list corrupt: it ended with " + a + " blocks still counted free";
      case W_FREE_TYPE:
        return "free: address must be a number, got " + typeof a;
      case W_FREE_BAD:
        return (
          "free: " +
          hex(a) +
          (b === FREE
            ? " is already free (double free)"
            : b === FRESH
              ? " was never allocated"
              : b === RELEASED
                ? " is in a released range"
                : " is not a block of the pool " + blocksText(this))
        );
      case W_RANGE:
        return "range must be an address > 0 and a size > 0 within 2^32, got " + hex(a) + ", " + b;
      case W_BUSY:
        return "releaseRange: block " + hex(a) + " is allocated";
      case W_WALK:
        return (
          "releaseRange: free list corrupt: " +
          (a === 0 ? "its head " : "block " + hex(a) + " links to ") +
          hex(b) +
          ", which is not a free block of the pool"
        );
      case W_CYCLE:
        return "releaseRange: free list corrupt: more than " + b + " links (a cycle through " + hex(a) + ")";
      case W_WATCH:
        return "watch: a watcher needs onAlloc and onFree functions, got " + a;
      case W_UNWATCH:
        return "unwatch: that watcher is not attached";
      case W_CLOSE:
        return "close: " + a + " blocks are still allocated";
      case W_ITERATE:
        return b === 0
          ? "iterateOverAllocated: callback must be a function, got " + a
          : "iterateOverAllocated: limit must be an integer, got " + a;
    }
    return "";
  };
}

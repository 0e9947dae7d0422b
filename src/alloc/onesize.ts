/**
 * Onesize: a fixed-block pool with an intrusive free list (amast's
 * `am_onesize` design, adel-mamin/amast libs/onesize), made safe to use next
 * to RAM that gets switched off. docs/ONESIZE.md is its design document; the
 * allocator contract it implements is in api.ts.
 *
 * Layout
 * - The pool is `nblocks` blocks of `blockSize` bytes from `base` (the tail of
 *   the region that does not fill a block is unused).
 * - In band, BY DESIGN: the first 32-bit word of every block on the free list
 *   holds the address of the next free block (0 ends the list), read and
 *   written through the `Memory` port (or its word view). Nothing else is
 *   ever written into managed memory.
 * - Out of band: one state byte per block (never handed out / allocated /
 *   on the free list / released for power-down), plus a sentinel byte, so
 *   that every double free is caught in O(1) and every block taken from the
 *   list is checked before it is handed out: a pop checks that the head is
 *   a block of the pool in state Free, and takes the head's link as the new
 *   head unchecked. A corrupt link is therefore found by the allocation
 *   after the one that read it, before anything is handed out from it.
 * - Blocks are handed out by a bump index first; only freed blocks go on the
 *   list, so a block never handed out is never touched.
 *
 * Lean class, debug add-on: this class holds what a production board runs
 * (the contract's allocate, free, stats and watch, amast's allocateX,
 * freeAll, releaseRange and reclaimRange). The contract's owns, resetPeak,
 * unwatch and close, and invariantsHold, validate, iterateOverAllocated,
 * counters (the detailed statistics) and lastErrorText (a sentence about
 * the last failure) are installed by the debug add-on
 * (src/debug/onesize.ts), which reads the fields below; keep the two in step.
 *
 * Costs: allocate and free are O(1) with one memory access each (a link
 * read on a pop from the list, none on a bump, a link write on a free).
 * freeAll, releaseRange and reclaimRange are O(n); the rest O(1).
 */
import type { Memory, WordView } from "../hal/ports.js";
import type { Allocator, AllocStats, Watcher } from "./api.js";
import { EBUSY, EFAULT, EINVAL, ENOMEM, fail } from "../core/errors.js";
import type { Store } from "../core/storage.js";
import { claimRegion } from "../hal/claims.js";

/** Block states, one byte per block (out of band). The debug add-on uses the same numbers. */
const enum St {
  /** Never handed out since construction or freeAll, not released: the bump index's future. */
  Fresh = 0,
  /** Handed out. */
  Used = 1,
  /** On the free list (its first word is a link). */
  Free = 2,
  /** Taken out of service by releaseRange; its memory may be switched off. */
  Released = 3,
  /** The sentinel byte after the last block. */
  End = 4,
  /** No block has it: free()'s fast path compares with it while watchers are attached. */
  None = 255
}

/**
 * Why the last call failed (`_why`), for the debug add-on's lastErrorText();
 * `_errArg` and `_errArg2` hold the values it names. Numbered in groups so
 * that `_fail` can tell from the number alone what to count and return:
 * 1–7 are failed allocations (it returns 0), 8–9 failed frees (it returns
 * the code); 1–9 count in stats().failures; the lifetime tally counts 1–3
 * as rejected, 4–5 as failed, 6–7 and 10–11 as corruptions, 8–9 as bad
 * frees. The debug add-on uses the same numbers.
 */
const enum Why {
  /** allocate: size not an integer in [1, blockSize] (arg: size). */
  Size = 1,
  /** allocate: alignment not a power of two up to the pool's (arg: alignment). */
  Align = 2,
  /** allocateX: margin not an integer ≥ 0 (arg: margin). */
  Margin = 3,
  /** allocate: no free block. */
  Empty = 4,
  /** allocateX: no more than `margin` blocks free (arg: margin). */
  Keep = 5,
  /**
   * allocate: the head of the free list, `arg` (the link read from the block
   * allocated last), is not a free block of the pool (arg2: its state byte,
   * or -1 when it is no block of the pool).
   */
  Link = 6,
  /** allocate: the list ended with blocks still counted free (arg: how many). */
  Lost = 7,
  /** free: not a number (arg: the value). */
  FreeType = 8,
  /** free: not a live block (arg: address, arg2: its state byte, or -1 when it is no block of the pool). */
  FreeBad = 9,
  /** releaseRange: free block `arg` (0: the list's head) links to `arg2`, which is not a free block. */
  Walk = 10,
  /** releaseRange: the list has more than `arg2` links (a cycle through block `arg`). */
  Cycle = 11,
  /** releaseRange / reclaimRange: bad range (arg: base, arg2: size). */
  Range = 12,
  /** releaseRange: block `arg` in the range is allocated. */
  Busy = 13,
  /** watch: not a watcher (arg: the value). */
  Watch = 14,
  /** unwatch: not watching (arg: the value). */
  Unwatch = 15,
  /** close: blocks are still allocated (arg: how many). */
  Close = 16,
  /** iterateOverAllocated (debug add-on): bad callback (arg2 0) or limit (arg2 1) (arg: the value). */
  Iterate = 17
}

/** Options of `new Onesize(memory, options)`. */
export interface OnesizeOptions {
  /** First address of the region (non-zero, a multiple of `alignment`). */
  base: number;
  /** Size of the region in bytes; the pool holds floor(size / effective blockSize) blocks. */
  size: number;
  /** Largest request in bytes (≥ 1); rounded up to `alignment`, and to at least 4 (a link word). */
  blockSize: number;
  /** Block alignment: a power of two ≥ 4 (default 4). */
  alignment?: number;
  /** Critical-section entry, called once at the start of every mutating call (default: none). */
  enter?: () => void;
  /** Critical-section exit, called once at the end of every mutating call, also when it throws. */
  exit?: () => void;
}

/** The debug add-on's detailed statistics (`counters()`). */
export interface OnesizeCounters {
  /** First block address. */
  base: number;
  /** One past the last block. */
  end: number;
  /** Effective block size in bytes. */
  blockSize: number;
  /** The largest alignment every block has: the lowest set bit of base | blockSize. */
  alignment: number;
  /** Number of blocks. */
  nblocks: number;
  /** Blocks that can still be allocated (never used + on the free list). */
  nfree: number;
  /** Low-water mark of nfree since construction (survives freeAll and resetPeak; releases lower it too). */
  nfreeMin: number;
  /** Blocks handed out. */
  allocated: number;
  /** Highest number of blocks handed out at once since construction or resetPeak(). */
  peak: number;
  /** Blocks taken out of service by releaseRange. */
  released: number;
  /** Allocation requests refused for their arguments (size, alignment, margin): lifetime. */
  rejected: number;
  /** Allocation requests refused for want of a block (pool empty, or margin not kept): lifetime. */
  failed: number;
  /** free() calls refused (foreign, misaligned, out of range, double free, released, not a number): lifetime. */
  badFrees: number;
  /** Corrupt free-list links found (each made an allocation or a release give up): lifetime. */
  corruptions: number;
  /** Failed allocations and frees since construction or resetPeak() (stats().failures). */
  failures: number;
  /** Watchers attached. */
  watchers: number;
}

/**
 * The locked entry points of the mutating calls (allocate, allocateX, free,
 * freeAll, releaseRange, reclaimRange, in that order), made on the first pool
 * built with hooks and shared by every such pool (null until then): each
 * calls the pool's enter hook, the prototype's method of its name, and the
 * exit hook, also when the method throws. On Espruino a function costs about
 * ten RAM blocks: a board without hooked pools makes none of them (their
 * text is inside the constructor, in flash from Storage), and one with
 * hooked pools makes them once, instead of six methods in every bundle or
 * six closures per hooked pool.
 */
var lockedVerbs: any[] | null = null;

/** Callback of `iterateOverAllocated`: block address, running ordinal (0, 1, …), block size. */
export type OnesizeVisitor = (address: number, ordinal: number, blockSize: number) => void;

/**
 * A pool of equal blocks over [base, base + size) of a `Memory` port.
 *
 * Preconditions: the region is RAM reachable through `memory` and is used by
 * nothing else (the constructor claims it on the port). Run-time outcomes
 * are values: allocate returns an address or 0; free, releaseRange and
 * reclaimRange return 0 (or a count) or a negative errno, and set
 * `lastError`. Configuration mistakes throw EINVAL naming the option. A fault
 * thrown by the port itself (the simulator's bus fault on a switched-off
 * section) propagates, and the pool is left unchanged.
 *
 * Private fields are named for what they hold; the minified bundle shortens
 * every `_name`, and the constructor sets the hot path's fields first (the
 * Espruino interpreter finds an object's properties in the order they were
 * added).
 */
export class Onesize implements Allocator {
  /**
   * Head of the free list (address, 0 = empty): 0 or a block in state Free,
   * unless the link it was read from was corrupt. Every pop checks it first.
   */
  _head: number;
  /** First block address (hot-path copy of `base`). */
  _base: number;
  /** The effective block size (hot-path copy of `blockSize`). */
  _blockSize: number;
  /**
   * The size of the last request that passed the size check (initially
   * blockSize): allocate's fast path compares the size with it, one test
   * instead of three, and sends any other size to the full check. Both
   * kinds of pool use it (with a word view: allocate; without: _allocatePort).
   */
  _okSize: number;
  /** Block states (St), nblocks + 1 bytes: the last is the End sentinel. */
  _states: Store;
  /**
   * Allocations left before allocate() takes its slow branch (a new peak or
   * low-water mark, or watchers to tell): `_mark` minus the blocks handed out
   * now, so that the blocks handed out are `_mark - _room`. One counter
   * serves the count, the peak, the low-water mark and the watchers.
   */
  _room: number;
  /**
   * The pool's words as a Uint32Array over the port's own bytes, when the
   * port offers a typed-array word view whose words line up with the blocks
   * (an ArrayMemory whose base is a multiple of 4): the link of block `k` is
   * `_words[k * _step]`, one typed-array access instead of a port call,
   * read back unsigned. Else null: the pool's own allocate and free are
   * then _allocatePort and _freePort (set by the constructor), which go
   * through the port.
   */
  _words: { [i: number]: number } | null;
  /** Words per block (blockSize / 4): the step from one block's link to the next in `_words`. */
  _step: number;
  /**
   * What free()'s fast path expects the block's state to become when it adds
   * one to it: St.Free (a live block: St.Used + 1), or St.None, which no
   * state becomes, while watchers are attached (every free then takes
   * _freeSlow). _freePort compares the state plus one with it too.
   */
  _freeState: number;
  /** The Memory port (hot-path copy of `memory`). */
  _port: Memory;
  /**
   * log2(blockSize), rounded up: compiled engines index the blocks of a pool
   * with a word view by a shift (see the end of this file); there every such
   * pool's block size is a power of two.
   */
  _shift: number;
  /** Bump index: blocks below it have been handed out (or skipped, released) since the last reset. */
  _bump: number;
  /**
   * min(_peak, nblocks - _released - _minFree): the blocks handed out above
   * which there is a new peak or low-water mark; -1 while watchers are
   * attached, so that every allocation takes the slow branch.
   */
  _mark: number;
  /** Blocks taken out of service by releaseRange. */
  _released: number;
  /** Highest number of blocks handed out since construction or resetPeak(). */
  _peak: number;
  /** Lowest nfree (nblocks - handed out - _released) since construction. */
  _minFree: number;
  /** Attached watchers; null while there are none. */
  _watchers: Watcher[] | null;
  /** Failed allocations and frees (allocate, allocateX, free) since construction or resetPeak(). */
  _failures: number;
  /**
   * Lifetime failure counts by group: rejected, failed, bad frees,
   * corruptions (see Why); null until the first failure.
   */
  _tally: Store | null;
  /** Why the last call failed (Why), 0 before any failure. */
  _why: number;
  /** The values the last failure names (see Why). */
  _errArg: any;
  _errArg2: number;
  /** Number of blocks. */
  _nblocks: number;
  /**
   * The division versions of allocate and free, on the prototype of
   * compiled engines only, which replace allocate and free by shift
   * versions (see the end of this file); undefined elsewhere.
   */
  _allocateDiv?: (size: number, alignment?: number) => number;
  _freeDiv?: (address: number) => number;
  /** The Memory port the region lives in. */
  readonly memory: Memory;
  /** First address of the region. */
  readonly base: number;
  /** Bytes of the region (the pool's blocks plus the unused tail). */
  readonly size: number;
  /** The effective block size: the requested one rounded up to the alignment (at least 4). */
  readonly blockSize: number;
  /** The critical-section hooks, on a pool built with them only (see lockedVerbs). */
  _enter?: () => void;
  _exit?: () => void;
  /** Negative errno of the most recent failed call, 0 before any. */
  lastError: number;

  /** (debug add-on) Whether `address` lies in [base, base + size) (not whether it is allocated). O(1). */
  declare owns: (address: number) => boolean;
  /** (debug add-on) Peak := blocks in use now; failures := 0 (the low-water mark of the counters is kept). O(1). */
  declare resetPeak: () => void;
  /** (debug add-on) Detach `watcher`: 0, or -ENOENT when it is not attached. O(watchers). */
  declare unwatch: (watcher: Watcher) => number;
  /**
   * (debug add-on) Give the region back to the port (another allocator may
   * then claim it): 0, or -EBUSY and nothing changes while blocks are
   * allocated. The pool must not be used afterwards.
   */
  declare close: () => number;
  /** (debug add-on) Cheap consistency check of the counters and the fast paths' fields (not the head: see validate): O(1), no memory access. */
  declare invariantsHold: () => boolean;
  /** (debug add-on) Full check, walking the free list through the port: null, or a message naming the first problem. O(n). */
  declare validate: () => string | null;
  /**
   * (debug add-on) Call `callback(address, ordinal, blockSize)` for every
   * allocated block in address order, at most `limit` times (omitted or
   * negative: all): the number of calls, or -EINVAL for a callback that is
   * not a function or a limit that is not an integer. O(n).
   */
  declare iterateOverAllocated: (callback: OnesizeVisitor, limit?: number) => number;
  /** (debug add-on) The detailed statistics. O(1). */
  declare counters: () => OnesizeCounters;
  /** (debug add-on) A sentence about the most recent failure ("" before any). */
  declare lastErrorText: () => string;

  /**
   * Make a pool and claim its region on the port. Throws EINVAL naming the
   * option for: a memory without read32/write32, a base that is 0 or not
   * aligned, a size that holds no block, a blockSize < 1, an alignment that
   * is not a power of two ≥ 4, enter/exit that are not functions; EINVAL
   * naming both ranges for a region outside the port, EBUSY naming both for
   * a region another live allocator of the port manages. O(n) (the state
   * bytes are zeroed); writes nothing into the region.
   */
  constructor(memory: Memory, options: OnesizeOptions) {
    if (!memory || typeof memory.read32 !== "function" || typeof memory.write32 !== "function") {
      fail("EINVAL", "memory must be a Memory port (read32/write32), got " + memory);
    }
    if (!options || typeof options !== "object") fail("EINVAL", "options must be an object, got " + options);
    // The checks are written out here (no helper functions: each costs RAM on a board).
    var al = options.alignment,
      base = options.base,
      size = options.size,
      bs = options.blockSize,
      en = options.enter,
      ex = options.exit;
    var n: number, i: number, k: number, names: string[];
    if (al === undefined) al = 4;
    else if (typeof al !== "number" || Math.floor(al) !== al || al < 4 || al > 0x80000000 || (al & (al - 1)) !== 0) {
      fail("EINVAL", "alignment must be a power of two of at least 4, got " + al);
    }
    if (typeof base !== "number" || Math.floor(base) !== base || base <= 0 || base > 0xffffffff) {
      fail("EINVAL", "base must be a non-zero 32-bit unsigned address, got " + base);
    }
    if (base % al !== 0) fail("EINVAL", "base must be a multiple of alignment " + al + ", got 0x" + base.toString(16));
    if (typeof size !== "number" || Math.floor(size) !== size || size < 1 || size > 0x100000000 - base) {
      fail("EINVAL", "size must be an integer in [1, " + (0x100000000 - base) + "], got " + size);
    }
    if (typeof bs !== "number" || Math.floor(bs) !== bs || bs < 1 || bs > 0x80000000) {
      fail("EINVAL", "blockSize must be an integer in [1, 2147483648], got " + bs);
    }
    bs = Math.ceil(bs / al) * al;
    if (bs > size) fail("EINVAL", "size must hold at least one block of " + bs + " bytes, got " + size);
    n = Math.floor(size / bs);
    if (en !== undefined && typeof en !== "function") fail("EINVAL", "enter must be a function, got " + en);
    if (ex !== undefined && typeof ex !== "function") fail("EINVAL", "exit must be a function, got " + ex);
    claimRegion(memory, base, size, this);
    var v: WordView | null = typeof memory.wordView === "function" ? memory.wordView() : null;
    // The view is used only when its words line up with the blocks (a block's
    // first word is then one whole word of the view), it covers the pool and
    // it is a typed array (the pool's words are then a Uint32Array over its
    // buffer); on compiled engines (those with _allocateDiv), only for a
    // power-of-two block size, which their shift versions need.
    if (
      v &&
      (typeof Uint32Array === "undefined" ||
        (base - v.base) % 4 !== 0 ||
        base < v.base ||
        base + n * bs > v.base + v.words.length * 4 ||
        !((v.words as any).buffer instanceof ArrayBuffer) ||
        ((bs & (bs - 1)) !== 0 && this._allocateDiv))
    )
      v = null;
    // ESPRUINO: the two hot methods as the instance's first properties: a
    // method found on the prototype is looked up after every instance field
    // (the interpreter scans an object's properties in creation order); a
    // pool without a word view gets the versions that go through the port.
    // Then the hot path's fields, first those allocate and free read.
    this.allocate = v ? this.allocate : this._allocatePort;
    this.free = v ? this.free : this._freePort;
    this._head = 0;
    this._base = base;
    this._blockSize = bs;
    this._okSize = bs;
    this._states = typeof Uint8Array !== "undefined" ? new Uint8Array(n + 1) : [];
    this._room = 0;
    this._words = v ? new Uint32Array((v.words as any).buffer, (v.words as any).byteOffset + base - v.base, (n * bs) / 4) : null;
    this._step = bs / 4;
    this._freeState = St.Free;
    this._port = memory;
    for (i = 0, k = 1; k < bs; i++) k *= 2;
    this._shift = i;
    this._bump = 0;
    this._mark = 0;
    this._released = 0;
    this._peak = 0;
    this._minFree = n;
    this._watchers = null;
    this._failures = 0;
    // Every field is set here, also those only a failure writes, so that the
    // object keeps one shape (a JIT's property caches stay monomorphic).
    this._tally = null;
    this._why = 0;
    this._errArg = 0;
    this._errArg2 = 0;
    this._nblocks = n;
    this.memory = memory;
    this.base = base;
    this.size = size;
    this.blockSize = bs;
    this.lastError = 0;
    // A plain array (engines without typed arrays) is zeroed here.
    for (i = this._states.length; i < n; i++) this._states[i] = St.Fresh;
    this._states[n] = St.End;
    if (en || ex) {
      // Locked entry points shadow the prototype's on this instance only, so a
      // pool without hooks pays nothing for them (see lockedVerbs).
      // A pool without a word view runs _allocatePort and _freePort (`alt`)
      // in place of the prototype's allocate and free.
      names = ["allocate", "allocateX", "free", "freeAll", "releaseRange", "reclaimRange"];
      if (lockedVerbs === null) {
        lockedVerbs = [];
        for (i = 0; i < names.length; i++) {
          lockedVerbs.push(
            (function (name: string, alt: any): any {
              return function (this: any, a?: any, b?: any): any {
                var h = this._enter,
                  x = this._exit;
                if (h) h();
                try {
                  return ((this._words === null && alt) || (Onesize.prototype as any)[name]).call(this, a, b);
                } finally {
                  if (x) x();
                }
              };
            })(names[i], [this._allocatePort, 0, this._freePort][i])
          );
        }
      }
      this._enter = en;
      this._exit = ex;
      for (i = 0; i < names.length; i++) (this as any)[names[i]] = lockedVerbs[i];
    }
  }

  // ---------------------------------------------------------------- hot path

  /**
   * A block of at least `size` bytes (an integer in [1, blockSize]), or 0.
   * `alignment` (optional): a power of two the address must be a multiple
   * of, at most the pool's (the lowest set bit of base | blockSize); the
   * address hint of the contract is not taken, as LIFO order is this
   * design. On 0, lastError is -EINVAL (bad size or alignment), -ENOMEM (no
   * free block) or -EFAULT (the head of the free list is not a free block:
   * a corrupt link, read by the previous pop; nothing is handed out, nothing
   * changes). The most recently freed block comes first (LIFO), then
   * never-used blocks in address order. O(1): one link read on a pop.
   *
   * The fast path is one expression whose tests run in this order: the size
   * is the last good one, no alignment, the head is a block index `e`, its
   * state minus one is Used (it was Free: the decrement marks it), and the
   * room lasts. Whatever stops it goes to _allocSlow, which undoes the
   * decrements (it knows from the same tests which ran) and runs the
   * request in full.
   *
   * ESPRUINO: the interpreter reads a function's whole text on every call,
   * and every statement, local and operator costs, so the fast path is one
   * return of one conditional expression with two locals; the decrement
   * tests and marks the state in one typed-array access. Indexing a typed
   * array with a fraction, a negative number or 2^31 and more throws there:
   * `e >>> 0 === e` proves e an integer in [0, 2^32) first, and e < 2^30 as
   * the head is an unsigned 32-bit word (a link read from `_words`, or an
   * address free() checked) and blockSize >= 4. An index past the states
   * reads undefined (writes nothing), which is not Used.
   */
  allocate(size: number, alignment?: number): number {
    var a = this._head,
      e = (a - this._base) / this._blockSize;
    return size !== this._okSize || alignment !== undefined || e >>> 0 !== e || --this._states[e] !== St.Used || --this._room < 0
      ? this._allocSlow(size, alignment)
      : ((this._head = this._words![e * this._step]), a);
  }

  /**
   * allocate of a pool without a word view (the constructor makes it the
   * pool's own allocate): the same tests in the same order, but none of
   * them changes anything, and the link is read through the port before
   * anything changes, so a fault of the port (thrown) leaves the pool as it
   * was. The tests: the size is the last good one, no alignment, the head
   * is a block index `e` in [0, 2^31) (a port may return any number) in
   * state Free, and room is left (no new peak or low-water mark, no
   * watchers). Whatever stops it goes to _allocSlow, which has nothing to
   * undo for such a pool.
   */
  _allocatePort(size: number, alignment?: number): number {
    var a = this._head,
      e = (a - this._base) / this._blockSize;
    return size !== this._okSize || alignment !== undefined || (e & 0x7fffffff) !== e || this._states[e] !== St.Free || this._room < 1
      ? this._allocSlow(size, alignment)
      : ((this._head = this._port.read32(a)), (this._states[e] = St.Used), this._room--, a);
  }

  /**
   * What allocate leaves out: first, in a pool with a word view, what its
   * fast path did before it gave up (see allocate) is undone: a decremented
   * state, and the room when it was that which ran out (a pool without one
   * ran _allocatePort, which changed nothing). Then the whole request: the size and
   * alignment checks, then a pop from the list (the head checked to be a
   * free block; its link is read before anything changes, so a fault of the
   * port changes nothing) or a block from the bump index (or the failure
   * when there is none). Then, when `_room` has run out, the new peak and
   * low-water mark and the watchers. Returns the block's address, or 0.
   */
  _allocSlow(size: number, alignment?: number): number {
    var st = this._states,
      bs = this._blockSize,
      n = this._nblocks,
      w = this._words,
      a = this._head,
      e = (a - this._base) / bs,
      i: number,
      k: number,
      ws: Watcher[] | null;
    if (w !== null && size === this._okSize && alignment === undefined && e >>> 0 === e) {
      // allocate's fast path decremented st[e]; when that made it Used (it
      // was Free), it decremented _room too (only the room ran out). Both
      // are undone, and the request runs in full below. A pool with a word
      // view has typed-array states (an engine with Uint32Array has
      // Uint8Array), where an index past the end reads undefined and writes nothing.
      if (st[e]++ === St.Used) this._room++;
    }
    if (size >>> 0 !== size || size > bs || size === 0) return this._fail(-EINVAL, Why.Size, size, 0);
    // The pool's alignment (the lowest set bit of base | blockSize, which every
    // block address is a multiple of) is a power of two: its divisors are the
    // powers of two up to it.
    i = this._base | bs;
    if (alignment !== undefined && (alignment >>> 0 !== alignment || ((i & -i) >>> 0) % alignment !== 0))
      return this._fail(-EINVAL, Why.Align, alignment, 0);
    this._okSize = size;
    if (a !== 0) {
      if ((e & 0x7fffffff) !== e || st[e] !== St.Free)
        return this._fail(-EFAULT, Why.Link, a, (e & 0x7fffffff) === e && e <= n ? st[e] : -1);
      k = w !== null ? w[e * this._step] : this._port.read32(a);
      st[e] = St.Used;
      this._head = k;
    } else {
      i = this._bump;
      if (st[i] !== St.Fresh) {
        // The End sentinel or a released block: the next Fresh block, if any.
        k = n - (this._mark - this._room) - this._released;
        if (k === 0) return this._fail(-ENOMEM, Why.Empty, 0, 0);
        while (i < n && st[i] !== St.Fresh) i++;
        if (i === n) return this._fail(-EFAULT, Why.Lost, k, 0);
      }
      st[i] = St.Used;
      this._bump = i + 1;
      a = this._base + i * bs;
    }
    if (--this._room >= 0) return a;
    k = this._mark - this._room;
    if (k > this._peak) this._peak = k;
    i = n - this._released - k;
    if (i < this._minFree) this._minFree = i;
    ws = this._watchers;
    // Both limits now equal the blocks handed out, so the next allocation passes the mark.
    this._mark = ws !== null ? -1 : k;
    this._room = this._mark - k;
    if (ws !== null) for (i = 0; i < ws.length; i++) ws[i].onAlloc(a, bs, this);
    return a;
  }

  /**
   * Give back block `address`: 0, or -EFAULT (and nothing changes) when it
   * is not a block of this pool that is allocated now: a foreign,
   * misaligned, out-of-range or released address, and every double free.
   * -EINVAL when `address` is not a number. free(0) does nothing and
   * returns 0. The block's first word is overwritten by the free-list link.
   * O(1): one link write.
   *
   * The fast path, as allocate's: the block index `i` an integer in
   * [0, 2^31) (ESPRUINO: see allocate), the address a number, and the
   * state plus one is `_freeState` (Free: it was Used; the increment marks
   * it). _freeSlow undoes the increment when the last test failed.
   */
  free(address: number): number {
    var i = (address - this._base) / this._blockSize;
    return (i & 0x7fffffff) !== i || address !== +address || ++this._states[i] !== this._freeState
      ? this._freeSlow(address)
      : ((this._words![i * this._step] = this._head), (this._head = address), this._room++, 0);
  }

  /**
   * free of a pool without a word view (the constructor makes it the pool's
   * own free): free's tests, without the increment, then the link is
   * written through the port before anything changes (a fault of the port
   * leaves the pool as it was), then the state, head and count.
   */
  _freePort(address: number): number {
    var i = (address - this._base) / this._blockSize;
    return (i & 0x7fffffff) !== i || address !== +address || this._states[i] + 1 !== this._freeState
      ? this._freeSlow(address)
      : (this._port.write32(address, this._head), (this._head = address), (this._states[i] = St.Free), this._room++, 0);
  }

  /**
   * What free and _freePort leave out: the undoing of free's increment (see
   * free; in a pool with a word view only), free(0), the refusals, and the
   * frees while watchers are attached (which it tells of each).
   */
  _freeSlow(address: number): number {
    var st = this._states,
      bs = this._blockSize,
      n = this._nblocks,
      i = (address - this._base) / bs,
      ws = this._watchers,
      k: number;
    // free's fast path incremented st[i] (typed-array states: see _allocSlow); _freePort changes nothing.
    if (this._words !== null && (i & 0x7fffffff) === i && address === +address) st[i]--;
    if (address === 0) return 0;
    if (typeof address !== "number") return this._fail(-EINVAL, Why.FreeType, address, 0);
    if ((i & 0x7fffffff) !== i || st[i] !== St.Used)
      return this._fail(-EFAULT, Why.FreeBad, address, (i & 0x7fffffff) === i && i < n ? st[i] : -1);
    if (this._words !== null) this._words[i * this._step] = this._head;
    else this._port.write32(address, this._head);
    // the same number (a block's address), as a small integer: see free at the end of this file
    this._head = address >>> 0;
    st[i] = St.Free;
    this._room++;
    if (ws !== null) for (k = 0; k < ws.length; k++) ws[k].onFree(address, bs, this);
    return 0;
  }

  /**
   * Record a failure: lastError := code, the reason and the values it names
   * for the debug add-on, the failure count (allocations and frees) and the
   * lifetime tally of its group (see Why). Returns 0 for an allocation (why ≤ Lost),
   * else `code`.
   */
  _fail(code: number, why: number, arg: any, arg2: number): number {
    this.lastError = code;
    this._why = why;
    this._errArg = arg;
    this._errArg2 = arg2;
    if (why <= Why.FreeBad) this._failures++;
    if (why <= Why.Cycle)
      (this._tally || (this._tally = [0, 0, 0, 0]))[
        why <= Why.Margin ? 0 : why <= Why.Keep ? 1 : why <= Why.Lost ? 3 : why <= Why.FreeBad ? 2 : 3
      ]++;
    return why <= Why.Lost ? 0 : code;
  }

  // ---------------------------------------------------------------- the contract's other lean members

  /**
   * Bytes in use, free (allocatable: never used or on the list), peak in
   * use, live blocks and failed calls, written into `out` when given. Bytes
   * are whole blocks; released blocks are in neither used nor free. O(1).
   */
  stats(out?: AllocStats): AllocStats {
    var s = out !== null && typeof out === "object" ? out : ({} as AllocStats),
      bs = this._blockSize,
      used = this._mark - this._room;
    s.used = used * bs;
    s.free = (this._nblocks - used - this._released) * bs;
    s.peak = this._peak * bs;
    s.count = used;
    s.failures = this._failures;
    return s;
  }

  /**
   * Attach `watcher`: its onAlloc(address, blockSize, pool) runs after every
   * allocation (allocate, allocateX) and its onFree after every free (free,
   * and freeAll once per live block). 0; -EINVAL when it lacks the two
   * functions. Attaching one already attached changes nothing. The list is
   * copied, not changed, so a watcher attached during a notification is not
   * called for it. O(watchers).
   */
  watch(watcher: Watcher): number {
    var ws = this._watchers;
    if (!watcher || typeof watcher.onAlloc !== "function" || typeof watcher.onFree !== "function") {
      return this._fail(-EINVAL, Why.Watch, watcher, 0);
    }
    if (ws === null) this._watchers = [watcher];
    else if (ws.indexOf(watcher) < 0) this._watchers = ws.concat([watcher]);
    this._room = -1 - (this._mark - this._room);
    this._mark = -1;
    this._freeState = St.None;
    return 0;
  }

  // ---------------------------------------------------------------- the design's extras

  /**
   * As allocate(size), but only when more than `margin` blocks (an integer
   * ≥ 0) are free, so that at least `margin` remain afterwards (amast's
   * allocate_x). Otherwise 0 with lastError -ENOMEM; a bad margin gives 0
   * with -EINVAL. `allocateX(size, 0)` is `allocate(size)`. O(1).
   */
  allocateX(size: number, margin: number): number {
    if (margin >>> 0 !== margin) {
      return this._fail(-EINVAL, Why.Margin, margin, 0);
    }
    if (
      this._nblocks - (this._mark - this._room) - this._released <= margin &&
      size >>> 0 === size &&
      size !== 0 &&
      size <= this._blockSize
    ) {
      return this._fail(-ENOMEM, Why.Keep, margin, 0);
    }
    return (this._words !== null ? Onesize.prototype.allocate : Onesize.prototype._allocatePort).call(this, size);
  }

  /**
   * Make every block free again, as after construction (the list is
   * emptied, the bump index restarts at the first block); released blocks
   * stay released. Watchers see one onFree per block that was allocated.
   * Returns 0. O(n) (a native fill of the state bytes where the engine has
   * one, when no block is released and nothing watches).
   */
  freeAll(): number {
    var st = this._states,
      n = this._nblocks,
      ws = this._watchers,
      i: number,
      k: number,
      s: number;
    this._head = 0;
    this._bump = 0;
    if (this._released === 0 && ws === null && typeof (st as any).fill === "function") {
      (st as any).fill(St.Fresh, 0, n);
      this._room = this._mark;
      return 0;
    }
    for (i = 0; i < n; i++) {
      s = st[i];
      if (s === St.Released) continue;
      st[i] = St.Fresh;
      if (s === St.Used) {
        this._room++;
        ws = this._watchers; // a watcher may have left during the last call
        if (ws !== null) for (k = 0; k < ws.length; k++) ws[k].onFree(this._base + i * this._blockSize, this._blockSize, this);
      }
    }
    return 0;
  }

  /**
   * Take every block that overlaps [base, base + size) out of service so that
   * its memory can be switched off: free blocks are unlinked from the free
   * list (their links are read, and only the links of the blocks around them
   * are rewritten), never-used blocks are kept from the bump index. Returns
   * the number of blocks newly released (≥ 0). -EBUSY and no change when a
   * block in the range is allocated; -EINVAL for a bad range; -EFAULT and no
   * change when the free list is found corrupt. A range outside the pool
   * releases nothing. Released blocks leave nfree. Call it BEFORE switching
   * the memory off. O(n).
   */
  releaseRange(base: number, size: number): number {
    var st = this._states,
      n = this._nblocks,
      b = this._base,
      bs = this._blockSize,
      m = this._port;
    var lo: number,
      hi: number,
      i: number,
      k: number,
      c = 0,
      limit = 0,
      a: number,
      next: number,
      head: number,
      keep: number,
      keepNext: number,
      used: number;
    // (x >>> 0 !== x also holds for every x that is not a number.)
    if (base >>> 0 !== base || base === 0 || size >>> 0 !== size || size === 0 || base + size > 0x100000000) {
      return this._fail(-EINVAL, Why.Range, base, size);
    }
    // Every block that overlaps the range, clipped to the pool.
    lo = Math.floor((base - b) / bs);
    hi = Math.ceil((base + size - b) / bs);
    if (lo < 0) lo = 0;
    if (hi > n) hi = n;
    if (lo >= hi) return 0;
    for (i = lo; i < hi && st[i] !== St.Used; i++);
    if (i < hi) return this._fail(-EBUSY, Why.Busy, b + i * bs, 0);
    for (i = lo; i < hi && st[i] !== St.Free; i++);
    if (i < hi) {
      // Walk the whole list first (reads only): the head and every link 0 or
      // a Free block (each checked before its link is read), no more links
      // than Free blocks (a cycle), so nothing changes if not.
      for (i = 0; i < n; i++) if (st[i] === St.Free) limit++;
      for (keep = 0, a = this._head; a !== 0; keep = a, a = next) {
        k = (a - b) / bs;
        if ((k & 0x7fffffff) !== k || k >= n || st[k] !== St.Free) {
          return this._fail(-EFAULT, Why.Walk, keep, a);
        }
        if (++c > limit) {
          return this._fail(-EFAULT, Why.Cycle, a, limit);
        }
        next = m.read32(a);
      }
      // Unlink the range's blocks: each kept block is relinked only when its successor changed.
      head = 0;
      keep = 0;
      keepNext = 0;
      for (a = this._head; a !== 0; a = next) {
        next = m.read32(a);
        k = (a - b) / bs;
        if (k < lo || k >= hi) {
          if (keep === 0) head = a;
          else if (keepNext !== a) m.write32(keep, a);
          keep = a;
          keepNext = next;
        }
      }
      if (keep !== 0 && keepNext !== 0) m.write32(keep, 0);
      this._head = head;
      c = 0;
    }
    for (i = lo; i < hi; i++) {
      if (st[i] === St.Fresh || st[i] === St.Free) {
        st[i] = St.Released;
        c++;
      }
    }
    this._released += c;
    used = this._mark - this._room;
    k = n - used - this._released;
    if (k < this._minFree) this._minFree = k;
    if (this._watchers === null) {
      k = n - this._released - this._minFree;
      this._mark = this._peak < k ? this._peak : k;
      this._room = this._mark - used;
    }
    return c;
  }

  /**
   * Put back into service every released block that lies entirely inside
   * [base, base + size), after its memory has been switched on again. Their
   * old contents are not trusted: a block the bump index has passed gets a
   * fresh link and goes on the free list (lowest address first), the others
   * become never-used blocks again. Returns the number of blocks reclaimed
   * (≥ 0), or -EINVAL for a bad range. A block straddling the range's edge
   * stays released until a range that holds all of it is reclaimed. The
   * links are written before any state changes, so a bus fault from memory
   * still off leaves the pool unchanged. O(n).
   */
  reclaimRange(base: number, size: number): number {
    var st = this._states,
      n = this._nblocks,
      b = this._base,
      bs = this._blockSize,
      m = this._port,
      nb = this._bump;
    var lo: number,
      hi: number,
      i: number,
      prev = -1,
      first = -1,
      c = 0;
    // (x >>> 0 !== x also holds for every x that is not a number.)
    if (base >>> 0 !== base || base === 0 || size >>> 0 !== size || size === 0 || base + size > 0x100000000) {
      return this._fail(-EINVAL, Why.Range, base, size);
    }
    // Only the blocks that lie entirely inside the range.
    lo = Math.ceil((base - b) / bs);
    hi = Math.floor((base + size - b) / bs);
    if (lo < 0) lo = 0;
    if (hi > n) hi = n;
    // Pass 1: chain the blocks that go on the list (writes only).
    for (i = lo; i < hi; i++) {
      if (st[i] !== St.Released || i >= nb) continue;
      if (prev < 0) first = i;
      else m.write32(b + prev * bs, b + i * bs);
      prev = i;
    }
    if (prev >= 0) m.write32(b + prev * bs, this._head);
    // Pass 2: states and counts.
    for (i = lo; i < hi; i++) {
      if (st[i] !== St.Released) continue;
      st[i] = i < nb ? St.Free : St.Fresh;
      c++;
    }
    if (first >= 0) this._head = b + first * bs;
    this._released -= c;
    if (this._watchers === null) {
      i = n - this._released - this._minFree;
      prev = this._mark - this._room;
      this._mark = this._peak < i ? this._peak : i;
      this._room = this._mark - prev;
    }
    return c;
  }
}

// Compiled engines (V8, JavaScriptCore, SpiderMonkey: the ones with
// WebAssembly; Espruino, JerryScript, Duktape, QuickJS and mujs have none)
// replace allocate and free by versions that index a block by a shift
// instead of a division: V8 divides integers with a machine division, a
// large part of an allocate/free pair, while an interpreter pays more for a
// bit operation than for a division (DUKTAPE: about six times more). They
// make the same tests in the same order as the versions above, so that
// _allocSlow and _freeSlow, which repeat them with a division to know what
// to undo, agree with them: `e * blockSize === o` holds exactly when
// o / blockSize is an integer in [0, 2^32) (an index past the states changes
// nothing in a typed array, and these engines all have them). They run only
// on pools with a word view, whose block size the constructor requires to
// be a power of two on these engines (a pool with another block size runs
// _allocatePort and _freePort), so they need no test of the block size.
// What else they do for V8 (docs/ONESIZE.md, "Performance"):
// - free stores `address >>> 0` in _head (the same number: its tests passed
//   only for a block's address), as _freeSlow does: a number read from a
//   Float64Array (the bench's driver keeps addresses in one) would make
//   _head a boxed double field, for every pool, and every pop and push then
//   converts it; as a small integer the pop's chain (head, link, head) is
//   integer work (about a third more pairs per second in the bench).
// - free tests `typeof address`, which V8 drops where it knows the address
//   is a number (`address !== +address` stays a NaN test there).
// - allocate returns `+_allocSlow(...)`: a number on both branches, so a
//   caller's use of the result needs no test of its type.
// ESPRUINO: the branch never runs on an interpreter, so these functions are
// never made there. The division versions stay reachable as _allocateDiv
// and _freeDiv for the tests (and as the constructor's sign of these engines).
declare var WebAssembly: any;
if (typeof WebAssembly === "object") {
  (function (P: any): void {
    P._allocateDiv = P.allocate;
    P._freeDiv = P.free;
    P.allocate = function (this: Onesize, size: number, alignment?: number): number {
      var a = this._head,
        o = a - this._base,
        e = o >>> this._shift;
      return size !== this._okSize ||
        alignment !== undefined ||
        e * this._blockSize !== o ||
        --this._states[e] !== St.Used ||
        --this._room < 0
        ? +this._allocSlow(size, alignment)
        : ((this._head = this._words![o >>> 2]), a);
    };
    P.free = function (this: Onesize, address: number): number {
      var o = address - this._base,
        i = o >>> this._shift;
      return i * this._blockSize !== o || typeof address !== "number" || ++this._states[i] !== this._freeState
        ? this._freeSlow(address)
        : ((this._words![o >>> 2] = this._head), (this._head = address >>> 0), this._room++, 0);
    };
  })(Onesize.prototype);
}

/**
 * Onesize: a fixed-block pool with an intrusive free list (the amast
 * `am_onesize` design, seed 003), made safe to use next to RAM that gets
 * switched off. docs/ONESIZE.md is its design document.
 *
 * Layout
 * - The pool is `nblocks` blocks of `blockSize` bytes from `base` (the tail of
 *   the region that does not fill a block is unused).
 * - In band, BY DESIGN: the first 32-bit word of every block on the free list
 *   holds the address of the next free block (0 ends the list), read and
 *   written through the `Memory` port. Nothing else is ever written into
 *   managed memory.
 * - Out of band: one state byte per block (never handed out / allocated /
 *   on the free list / released for power-down), plus a sentinel byte, so
 *   that every double free is caught in O(1) and every link popped from the
 *   list is checked before it is trusted.
 * - Blocks are handed out by a bump index first; only freed blocks go on the
 *   list, so a block never handed out is never touched.
 *
 * Costs: allocate and free are O(1) with one port access each (a read32 on a
 * pop from the list, none on a bump, a write32 on a free). freeAll,
 * iterateOverAllocated, releaseRange, reclaimRange and validate are O(n);
 * invariantsHold and the getters O(1).
 */
import { Memory } from "../hal/ports.js";
import { EBUSY, EFAULT, EINVAL, checkAddress, checkInt, checkPow2, fail } from "../core/errors.js";
import { Store, bytes, fillArr, indexOfArr } from "../core/storage.js";

/** Block states, one byte per block (out of band). */
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
  End = 4
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

/** Counters of `Onesize.stats()`. */
export interface OnesizeStats {
  /** First block address. */
  base: number;
  /** One past the last block. */
  end: number;
  /** Effective block size in bytes. */
  blockSize: number;
  /** Number of blocks. */
  nblocks: number;
  /** Blocks that can still be allocated. */
  nfree: number;
  /** Low-water mark of nfree (survives freeAll). */
  nfreeMin: number;
  /** Blocks handed out. */
  allocated: number;
  /** Blocks taken out of service by releaseRange. */
  released: number;
  /** Allocation requests refused for their arguments (size > blockSize, bad size or margin). */
  rejected: number;
  /** Allocation requests refused for want of a block (pool empty, or margin not kept). */
  failed: number;
  /** free() calls refused (foreign, misaligned, out of range, double free, bad type). */
  badFrees: number;
  /** Corrupt free-list links found (each made an allocation or a release give up). */
  corruptions: number;
}

/** Callback of `iterateOverAllocated`: block address, running ordinal (0, 1, …), block size. */
export type OnesizeVisitor = (address: number, ordinal: number, blockSize: number) => void;

/** The default critical-section hook: nothing. */
function nop(): void { }

/** "0x20000000" for an address, anything else as it is (messages only). */
function hex(a: any): string {
  return typeof a === "number" && (a >>> 0) === a ? "0x" + a.toString(16) : String(a);
}

/**
 * A pool of equal blocks over [base, base + size) of a `Memory` port.
 *
 * Preconditions: the region is RAM reachable through `memory` and is used by
 * nothing else. Run-time outcomes are values: allocate returns an address or
 * 0; free, releaseRange and reclaimRange return 0 (or a count) or a negative
 * errno. Configuration mistakes throw EINVAL naming the option. A fault
 * thrown by the port itself (the simulator's bus fault on a switched-off
 * section) propagates, and the pool is left unchanged.
 */
export class Onesize {
  /** The Memory port. */
  _m: Memory;
  /** The port's word view when it offers one (ArrayMemory), else null: links then cost one typed-array access. */
  _w: { [i: number]: number } | null;
  /** Base address of `_w`. */
  _wb: number;
  /** First block address. */
  _b: number;
  /** Effective block size. */
  _bs: number;
  /** Number of blocks. */
  _n: number;
  /** Block states (St), n + 1 bytes: the last is the End sentinel. */
  _st: Store;
  /** Head of the free list (address, 0 = empty). Always 0 or a block in state Free. */
  _h: number;
  /** Block index of `_h` (meaningless when `_h` is 0): saves allocate a division. */
  _hx: number;
  /** Bump index: blocks below it have been handed out (or skipped, released) since the last reset. */
  _nb: number;
  /** nfree: Fresh + Free blocks. */
  _nf: number;
  /** Low-water mark of _nf. */
  _mn: number;
  /** Released blocks. */
  _nr: number;
  /** Counters: rejected, failed, bad frees, corruptions. */
  _rj: number;
  _fl: number;
  _bf: number;
  _cr: number;
  /** Last diagnostic ("" when none). */
  _le: string;
  /** Block index range [_lo, _hi) computed by _range. */
  _lo: number;
  _hi: number;
  /** What _walk found wrong. */
  _wm: string;
  /** Critical-section hooks (no-ops when not given). */
  _en: () => void;
  _ex: () => void;

  /**
   * Make a pool. Throws EINVAL naming the option for: a memory without
   * read32/write32, a base that is 0 or not aligned, a size that holds no
   * block, a blockSize < 1, an alignment that is not a power of two ≥ 4,
   * enter/exit that are not functions. O(n) (the state bytes are zeroed).
   */
  constructor(memory: Memory, options: OnesizeOptions) {
    if (!memory || typeof memory.read32 !== "function" || typeof memory.write32 !== "function") {
      fail("EINVAL", "memory must be a Memory port (read32/write32), got " + memory);
    }
    if (!options || typeof options !== "object") fail("EINVAL", "options must be an object, got " + options);
    var al = options.alignment === undefined ? 4 : checkPow2(options.alignment, "alignment", 4);
    var base = checkAddress(options.base, "base");
    if (base % al !== 0) fail("EINVAL", "base must be a multiple of alignment " + al + ", got " + hex(base));
    var size = checkInt(options.size, "size", 1, 0x100000000 - base);
    var bs = checkInt(options.blockSize, "blockSize", 1, 0x80000000);
    bs = Math.ceil(bs / al) * al;
    if (bs > size) fail("EINVAL", "size must hold at least one block of " + bs + " bytes, got " + size);
    var en = options.enter, ex = options.exit;
    if (en !== undefined && typeof en !== "function") fail("EINVAL", "enter must be a function, got " + en);
    if (ex !== undefined && typeof ex !== "function") fail("EINVAL", "exit must be a function, got " + ex);
    this._m = memory;
    var v = typeof memory.wordView === "function" ? memory.wordView() : null;
    this._w = v ? v.words : null;
    this._wb = v ? v.base : 0;
    if (v && (base < v.base || base + Math.floor(size / bs) * bs > v.base + v.words.length * 4)) {
      fail("EINVAL", "the region [" + hex(base) + ", +" + size + ") is not inside the memory port");
    }
    this._b = base;
    this._bs = bs;
    this._n = Math.floor(size / bs);
    this._st = bytes(this._n + 1);
    this._st[this._n] = St.End;
    this._h = 0;
    this._hx = 0;
    this._nb = 0;
    this._nf = this._n;
    this._mn = this._n;
    this._nr = 0;
    this._rj = 0;
    this._fl = 0;
    this._bf = 0;
    this._cr = 0;
    this._le = "";
    this._lo = 0;
    this._hi = 0;
    this._wm = "";
    this._en = en || nop;
    this._ex = ex || nop;
    if (en || ex) {
      // Locked entry points shadow the prototype's on this instance only, so
      // a pool without hooks pays nothing for them.
      this.allocate = this._lA;
      this.allocateX = this._lX;
      this.free = this._lF;
      this.freeAll = this._lR;
      this.releaseRange = this._lRel;
      this.reclaimRange = this._lRec;
    }
  }

  // ---------------------------------------------------------------- hot path

  /**
   * A block of at least `size` bytes (an integer in [0, blockSize]), or 0
   * when the pool has no free block. A bad or too large size gives 0 and is
   * counted in stats().rejected; an empty pool in stats().failed; a corrupt
   * free-list link gives 0, counts in stats().corruptions, sets lastError(),
   * and changes nothing. Most recently freed blocks come first (LIFO), then
   * never-used blocks in address order. O(1): one read32 on a list pop.
   */
  allocate(size: number): number {
    var a = this._h, st = this._st, bs = this._bs, i: number, n: number, o: number;
    if ((size >>> 0) !== size || size > bs) return this._no(size, 0);
    if (a !== 0) {
      n = this._w !== null ? this._w[(a - this._wb) >> 2] >>> 0 : this._m.read32(a);
      o = n - this._b;
      i = (o / bs) >>> 0;
      if (n !== 0 && (i * bs !== o || i >= this._n || st[i] !== St.Free)) return this._bad(a, n);
      this._h = n;
      n = this._hx;
      this._hx = i;
      i = n;
    } else {
      i = this._nb;
      if (st[i] !== St.Fresh && (i = this._skip(i)) < 0) return this._empty(size);
      this._nb = i + 1;
      a = this._b + i * bs;
    }
    st[i] = St.Used;
    if (--this._nf < this._mn) this._mn = this._nf;
    return a;
  }

  /**
   * As allocate, but only when at least `margin` blocks (an integer ≥ 0) are
   * still free after this allocation; otherwise 0, counted in stats().failed.
   * `allocateX(size, 0)` is `allocate(size)`. O(1).
   */
  allocateX(size: number, margin: number): number {
    if ((margin >>> 0) !== margin) return this._no(size, -1);
    if (this._nf <= margin) return this._no(size, margin);
    return Onesize.prototype.allocate.call(this, size);
  }

  /**
   * Give back block `address`: 0, or -EFAULT (and nothing changes) when it
   * is not a block of this pool that is allocated now: a foreign,
   * misaligned, out-of-range or released address, and every double free.
   * -EINVAL when `address` is not a number. The block's first word is
   * overwritten by the free-list link. O(1): one write32.
   * ESPRUINO: a typed-array index is truncated there (st[1.5] is st[1]), so
   * the block index is proved an exact integer below nblocks before its
   * state byte is read, here and for every link popped in allocate.
   */
  free(address: number): number {
    var st = this._st, bs = this._bs, o = address - this._b, i = (o / bs) >>> 0;
    if (i * bs !== o || i >= this._n || st[i] !== St.Used || typeof address !== "number") return this._badFree(address);
    if (this._w !== null) this._w[(address - this._wb) >> 2] = this._h;
    else this._m.write32(address, this._h);
    this._h = address;
    this._hx = i;
    st[i] = St.Free;
    this._nf++;
    return 0;
  }

  // ---------------------------------------------------------------- slow paths of the hot path

  /** A refused allocation: bad arguments (margin -1 = bad margin) count as rejected, the rest as failed. */
  _no(size: any, margin: number): number {
    if ((size >>> 0) !== size || size > this._bs || margin < 0) this._rj++;
    else this._fl++;
    return 0;
  }

  /** A corrupt link `n` found in free block `a` (a = 0: the list ended while nfree > 0). */
  _bad(a: number, n: number): number {
    this._cr++;
    this._le = a === 0
      ? "free list corrupt: it ended with " + this._nf + " blocks still counted free"
      : "free list corrupt: block " + hex(a) + " links to " + hex(n) + ", which is not a free block of the pool";
    return 0;
  }

  /** A refused free: say why in lastError(). */
  _badFree(address: any): number {
    this._bf++;
    if (typeof address !== "number") {
      this._le = "free: address must be a number, got " + typeof address;
      return -EINVAL;
    }
    var i = (address - this._b) / this._bs, s = (i >>> 0) === i && i < this._n ? this._st[i] : -1;
    this._le = "free: " + hex(address) + (s === St.Free ? " is already free (double free)"
      : s === St.Fresh ? " was never allocated"
      : s === St.Released ? " is in a released range"
      : " is not a block of the pool [" + hex(this._b) + ", " + hex(this._b + this._n * this._bs) + ")");
    return -EFAULT;
  }

  /**
   * The bump index met a block that is not Fresh (the End sentinel or a
   * released block): the first Fresh block at or after `i`, or -1 when the
   * pool is empty (nothing scanned) or none is found.
   */
  _skip(i: number): number {
    return this._nf === 0 ? -1 : indexOfArr(this._st, St.Fresh, i);
  }

  /** No block to bump: an empty pool (failed), or the list lost blocks still counted free (corrupt). */
  _empty(size: number): number {
    return this._nf === 0 ? this._no(size, 0) : this._bad(0, 0);
  }

  // ---------------------------------------------------------------- whole-pool calls

  /**
   * Make every block free again, as after construction (the list is
   * emptied, the bump index restarts at the first block); released blocks
   * stay released and nfreeMin is kept. Returns 0. O(n) (native fill of the
   * state bytes where the engine has it).
   */
  freeAll(): number {
    var st = this._st, n = this._n, i;
    if (this._nr === 0) fillArr(st, St.Fresh, 0, n);
    else for (i = 0; i < n; i++) if (st[i] !== St.Released) st[i] = St.Fresh;
    this._h = 0;
    this._nb = 0;
    this._nf = n - this._nr;
    return 0;
  }

  /**
   * Call `callback(address, ordinal, blockSize)` for every allocated block in
   * address order, at most `limit` times (omitted or negative: all). Returns
   * the number of calls, or -EINVAL for a callback that is not a function or
   * a limit that is not an integer. The callback may free the block it is
   * given. Not a critical section (amast's `_unsafe`). O(n).
   */
  iterateOverAllocated(callback: OnesizeVisitor, limit?: number): number {
    if (typeof callback !== "function") return -EINVAL;
    if (limit === undefined) limit = -1;
    else if (typeof limit !== "number" || Math.floor(limit) !== limit) return -EINVAL;
    var st = this._st, c = 0, i = indexOfArr(st, St.Used, 0);
    while (i >= 0 && c !== limit) {
      callback(this._b + i * this._bs, c++, this._bs);
      i = indexOfArr(st, St.Used, i + 1);
    }
    return c;
  }

  // ---------------------------------------------------------------- power awareness

  /**
   * Take every block that overlaps [base, base + size) out of service so that
   * the memory can be switched off: free blocks are unlinked from the free
   * list (their links are read, and only the links of the blocks around them
   * are rewritten), never-used blocks are kept from the bump index. Returns
   * the number of blocks newly released (≥ 0); -EBUSY and no change when a
   * block in the range is allocated; -EINVAL for a bad range; -EFAULT and no
   * change when the free list is found corrupt (see lastError()). A range
   * outside the pool releases nothing. Released blocks leave nfree (and may
   * lower nfreeMin). Call it BEFORE switching the memory off. O(n).
   */
  releaseRange(base: number, size: number): number {
    var r = this._range(base, size, true);
    if (r < 0) return r;
    var lo = this._lo, hi = this._hi, st = this._st, i, c = 0;
    if (lo >= hi) return 0;
    i = indexOfArr(st, St.Used, lo);
    if (i >= 0 && i < hi) {
      this._le = "releaseRange: block " + hex(this._b + i * this._bs) + " is allocated";
      return -EBUSY;
    }
    i = indexOfArr(st, St.Free, lo);
    if (i >= 0 && i < hi) {
      if (this._walk() < 0) {
        this._cr++;
        this._le = "releaseRange: " + this._wm;
        return -EFAULT;
      }
      this._unlink(lo, hi);
    }
    for (i = lo; i < hi; i++) {
      if (st[i] === St.Fresh || st[i] === St.Free) { st[i] = St.Released; c++; }
    }
    this._nr += c;
    this._nf -= c;
    if (this._nf < this._mn) this._mn = this._nf;
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
    var r = this._range(base, size, false);
    if (r < 0) return r;
    var lo = this._lo, hi = this._hi, st = this._st, m = this._m, nb = this._nb, b = this._b, bs = this._bs;
    var i, prev = -1, first = -1, c = 0;
    // Pass 1: chain the blocks that go on the list (writes only).
    for (i = lo; i < hi; i++) {
      if (st[i] !== St.Released || i >= nb) continue;
      if (prev < 0) first = i;
      else m.write32(b + prev * bs, b + i * bs);
      prev = i;
    }
    if (prev >= 0) m.write32(b + prev * bs, this._h);
    // Pass 2: states and counts.
    for (i = lo; i < hi; i++) {
      if (st[i] !== St.Released) continue;
      st[i] = i < nb ? St.Free : St.Fresh;
      c++;
    }
    if (first >= 0) { this._h = b + first * bs; this._hx = first; }
    this._nr -= c;
    this._nf += c;
    return c;
  }

  /** Block range of [base, base + size) into _lo/_hi: overlapping blocks (`outer`) or contained ones. */
  _range(base: any, size: any, outer: boolean): number {
    if (typeof base !== "number" || (base >>> 0) !== base || base === 0 ||
        typeof size !== "number" || (size >>> 0) !== size || size === 0 || base + size > 0x100000000) {
      this._le = "range must be an address > 0 and a size > 0 within 2^32, got " + hex(base) + ", " + size;
      return -EINVAL;
    }
    var bs = this._bs, lo = (base - this._b) / bs, hi = (base + size - this._b) / bs;
    lo = outer ? Math.floor(lo) : Math.ceil(lo);
    hi = outer ? Math.ceil(hi) : Math.floor(hi);
    this._lo = lo < 0 ? 0 : lo > this._n ? this._n : lo;
    this._hi = hi < 0 ? 0 : hi > this._n ? this._n : hi;
    return 0;
  }

  /**
   * Walk the free list reading every link: its length when every link is 0
   * or a Free block and the walk ends within the number of Free blocks; else
   * -1 with the reason in _wm. Reads only. O(n).
   */
  _walk(): number {
    var st = this._st, b = this._b, bs = this._bs, n = this._n, a = this._h, c = 0, limit = 0, i, k, next;
    for (i = 0; i < n; i++) if (st[i] === St.Free) limit++;
    while (a !== 0) {
      if (++c > limit) {
        this._wm = "free list corrupt: more than " + limit + " links (a cycle)";
        return -1;
      }
      next = this._m.read32(a);
      k = (next - b) / bs;
      if (next !== 0 && ((k >>> 0) !== k || k >= n || st[k] !== St.Free)) {
        this._wm = "free list corrupt: block " + hex(a) + " links to " + hex(next) + ", which is not a free block of the pool";
        return -1;
      }
      a = next;
    }
    return c;
  }

  /** Unlink the Free blocks with index in [lo, hi) from the list (after a successful _walk). */
  _unlink(lo: number, hi: number): void {
    var m = this._m, b = this._b, bs = this._bs, a = this._h, head = 0, keep = 0, keepNext = 0, next, k;
    while (a !== 0) {
      next = m.read32(a);
      k = (a - b) / bs;
      if (k < lo || k >= hi) {
        if (keep === 0) head = a;
        else if (keepNext !== a) m.write32(keep, a);
        keep = a;
        keepNext = next;
      }
      a = next;
    }
    if (keep !== 0 && keepNext !== 0) m.write32(keep, 0);
    this._h = head;
    this._hx = head === 0 ? 0 : (head - b) / bs;
  }

  // ---------------------------------------------------------------- getters and checks

  /** Blocks that can still be allocated (never used + on the free list). O(1). */
  nfree(): number { return this._nf; }
  /** The lowest nfree() ever seen (survives freeAll). O(1). */
  nfreeMin(): number { return this._mn; }
  /** The effective block size: the requested one rounded up to the alignment. O(1). */
  blockSize(): number { return this._bs; }
  /** Number of blocks: floor(size / blockSize()). O(1). */
  nblocks(): number { return this._n; }
  /** The last diagnostic (corrupt link, refused free, refused range), "" when none. O(1). */
  lastError(): string { return this._le; }

  /** All counters in one object. O(1). */
  stats(): OnesizeStats {
    return {
      base: this._b, end: this._b + this._n * this._bs, blockSize: this._bs, nblocks: this._n,
      nfree: this._nf, nfreeMin: this._mn, allocated: this._n - this._nf - this._nr, released: this._nr,
      rejected: this._rj, failed: this._fl, badFrees: this._bf, corruptions: this._cr
    };
  }

  /**
   * Cheap consistency check: counts in range, the head is 0 or a free block,
   * the bump index in range. O(1); no memory access.
   */
  invariantsHold(): boolean {
    var n = this._n, h = this._h, k = (h - this._b) / this._bs;
    return this._nr >= 0 && this._nf >= 0 && this._nf + this._nr <= n && this._mn <= this._nf &&
      this._nb >= 0 && this._nb <= n && this._st[n] === St.End &&
      (h === 0 || ((k >>> 0) === k && k < n && this._st[k] === St.Free && this._hx === k));
  }

  /**
   * Full check: walks the free list through the port (every link in range,
   * aligned, to a free block, no cycle, as many blocks as the state bytes
   * say are free) and recounts the state bytes against nfree, the released
   * count and the bump index. Returns null when all holds, else a message
   * naming the first problem. Reads memory (the list) only. O(n).
   */
  validate(): string | null {
    var st = this._st, n = this._n, i, free = 0, fresh = 0, rel = 0;
    if (!this.invariantsHold()) return "invariants do not hold: " + JSON.stringify(this.stats());
    for (i = 0; i < n; i++) {
      var s = st[i];
      if (s === St.Free) free++;
      else if (s === St.Fresh) { fresh++; if (i < this._nb) return "block " + i + " is never-used but below the bump index " + this._nb; }
      else if (s === St.Released) rel++;
      else if (s !== St.Used) return "block " + i + " has state " + s;
    }
    if (free + fresh !== this._nf) return "nfree is " + this._nf + " but " + free + " blocks are on the list and " + fresh + " never used";
    if (rel !== this._nr) return "released count is " + this._nr + " but " + rel + " blocks are released";
    var len = this._walk();
    if (len < 0) return this._wm;
    if (len !== free) return "free list holds " + len + " blocks, " + free + " are marked free";
    return null;
  }

  // ---------------------------------------------------------------- locked entry points (installed when hooks are given)

  _lA(size: number): number {
    this._en();
    try { return Onesize.prototype.allocate.call(this, size); } finally { this._ex(); }
  }
  _lX(size: number, margin: number): number {
    this._en();
    try { return Onesize.prototype.allocateX.call(this, size, margin); } finally { this._ex(); }
  }
  _lF(address: number): number {
    this._en();
    try { return Onesize.prototype.free.call(this, address); } finally { this._ex(); }
  }
  _lR(): number {
    this._en();
    try { return Onesize.prototype.freeAll.call(this); } finally { this._ex(); }
  }
  _lRel(base: number, size: number): number {
    this._en();
    try { return Onesize.prototype.releaseRange.call(this, base, size); } finally { this._ex(); }
  }
  _lRec(base: number, size: number): number {
    this._en();
    try { return Onesize.prototype.reclaimRange.call(this, base, size); } finally { this._ex(); }
  }
}


/**
 * MemBlocks: Zephyr's memory blocks allocator (`sys_mem_blocks`) on the HAL
 * Memory port. A region of `numBlocks` blocks of `blockSize` bytes at `base`;
 * one bit per block in a BitArray kept OUTSIDE the region. The bookkeeping
 * never reads or writes the managed memory, so the region may sit in RAM
 * sections that are switched off; `memory` is carried only so that the owner
 * of a block knows where to read and write it.
 *
 * Return codes are Zephyr's: 0 or a negative errno (-ENOMEM, -EINVAL,
 * -EFAULT); the single-address calls return an address or 0. A rejected call
 * changes nothing: no bit, no statistic, no listener call, no entry of `out`.
 * Numbers out of range are return codes; a missing array (Zephyr's NULL
 * asserts) throws EINVAL naming the argument. See docs/MEMBLOCKS.md.
 */
import { Memory } from "../hal/ports.js";
import { BitArray, isIndex } from "../core/bitarray.js";
import { EINVAL, ENOMEM, EFAULT, ENOENT, checkAddress, checkInt, checkPow2, fail } from "../core/errors.js";
import { Store, uwords } from "../core/storage.js";

/** A listener: called with the allocator, the first block's address and the bytes concerned. */
export type MemBlocksListener = (allocator: MemBlocks, address: number, bytes: number) => void;

/** What `MemBlocks.stats()` reports (Zephyr's sys_memory_stats plus block counts). */
export interface MemBlocksStats {
  freeBytes: number;
  allocatedBytes: number;
  maxAllocatedBytes: number;
  usedBlocks: number;
  maxUsedBlocks: number;
}

/** Throws EINVAL naming `what` unless `a` is an array-like object (an object with a numeric length). O(1). */
export function checkArray(a: any, what: string): void {
  if (a === null || typeof a !== "object" || typeof a.length !== "number") {
    fail("EINVAL", what + " must be an array of addresses, got " + a);
  }
}

/**
 * `_r`'s bias while alloc listeners are registered: far below -numBlocks, so
 * that allocBlock's `--_r < 0` holds on every call (see MemBlocks._r).
 */
var ALWAYS = -0x10000000;

/**
 * Math's clz32 on an engine that compiles to machine code, else undefined.
 * There allocBlock finds a bit's index with it (one instruction); elsewhere
 * allocBlock is _allocTab (see the end of this file), which reads the
 * address from a table. Interpreters take the table even when they have
 * clz32 (DUKTAPE: the native call costs 11% more per op than the table
 * read; ESPRUINO and mujs have no clz32). The test for a compiling engine is
 * WebAssembly: V8, JavaScriptCore and SpiderMonkey have it; Espruino,
 * JerryScript, Duktape, QuickJS and mujs do not. Either version gives the
 * same results; only the speed differs.
 */
declare var WebAssembly: any;
var nativeClz32: ((x: number) => number) | undefined = typeof WebAssembly === "object" &&
  typeof (Math as any).clz32 === "function" ? (Math as any).clz32 : undefined; // ESPRUINO: no Math.clz32 (typeof-guarded)

/** A copy of `list` without `fn` (listener lists are copied on write). */
function without(list: MemBlocksListener[], fn: MemBlocksListener): MemBlocksListener[] {
  var out: MemBlocksListener[] = [];
  for (var i = 0; i < list.length; i++) if (list[i] !== fn) out.push(list[i]);
  return out;
}

/**
 * Fixed-size blocks with out-of-band bookkeeping.
 *
 * Metadata per block: 1 bit (+ 1/32 bit of summary), in a typed array outside
 * the region; per allocator a few numbers and a 236-byte address table.
 * Complexity: allocBlock, freeBlock O(1) (allocBlock O(numBlocks / 32768)
 * word reads when it fills the lowest
 * non-full word of 32 blocks); alloc/free of n blocks O(n); allocContiguous
 * first fit, O(numBlocks / 32) words plus the used runs it skips; get,
 * freeContiguous, isRegionFree O(count / 32); stats O(1); validate O(numBlocks / 32).
 */
export class MemBlocks {
  /** The memory the blocks live in (never touched by the allocator). */
  memory: Memory;
  /** Address of block 0. */
  base: number;
  /** Bytes per block (a power of two ≥ 4). */
  blockSize: number;
  /** Number of blocks. */
  numBlocks: number;
  /** Bytes managed: blockSize × numBlocks. */
  size: number;
  /** One bit per block, set = allocated. Read it; do not change it. */
  bitmap: BitArray;
  /** log2(blockSize). */
  _sh: number;
  /** `bitmap`'s word array (the same object, held here for the hot path). */
  _w: Store;
  /**
   * A copy of `bitmap._h` (the lowest word with a free block), one property
   * read closer for allocBlock. Every call that changes the bitmap copies it
   * back; invariantsHold checks that the two agree.
   */
  _h: number;
  /**
   * _allocTab's address table (59 unsigned words, 236 bytes): for the lowest
   * clear bit p = 1 << b of a word, `_a[p % 37 + 22]` = base + b × blockSize.
   * The powers of two are distinct modulo 37 (2 is a primitive root mod 37):
   * 1 << 31 (negative) lands on 0, the others on 23..58. Entries for
   * b ≥ numBlocks stay 0 (padding bits are never clear). One remainder and
   * one read, where a count-trailing-zeros costs up to four table branches.
   */
  _a: Store;
  /** 32 × blockSize: the address distance between two words of blocks. */
  _ws: number;
  /** High-water mark of the blocks in use, since construction or the last resetMax. */
  _m: number;
  /**
   * The usage counter, kept so that allocBlock needs one property and one
   * compare for both the high-water mark and the alloc listeners: _r = _m −
   * (blocks in use) + bias, bias 0 without alloc listeners and ALWAYS with
   * them. allocBlock decrements it and runs its slow path (_over) when it
   * drops below 0: a new high-water mark, or (with listeners) every call.
   * freeBlock increments it. Blocks in use = `_used()`.
   */
  _r: number;
  /** Alloc and free listeners, or null when there are none. */
  _la: MemBlocksListener[] | null;
  _lf: MemBlocksListener[] | null;
  /**
   * freeBlock's range limit: `size` without free listeners, 0 with them, so
   * that its one range compare also sends every free to the slow path
   * (_free1) while there are listeners to call.
   */
  _lim: number;

  /**
   * `numBlocks` blocks of `blockSize` bytes at `base` in `memory`. Throws
   * EINVAL naming the argument: memory not a Memory port; blockSize not a
   * power of two in [4, 2^30]; numBlocks not an integer in [1, 2^26]; base
   * not a non-zero address aligned to blockSize; the region larger than
   * 2 GiB or passing 2^32. O(numBlocks / 32).
   */
  constructor(memory: Memory, base: number, blockSize: number, numBlocks: number) {
    if (!memory || typeof memory !== "object" || typeof memory.read8 !== "function") {
      fail("EINVAL", "memory must be a Memory port (an object with read8, write8, …), got " + memory);
    }
    checkPow2(blockSize, "blockSize", 4);
    if (blockSize > 0x40000000) fail("EINVAL", "blockSize must be at most 2^30, got " + blockSize);
    checkInt(numBlocks, "numBlocks", 1, 0x4000000);
    checkAddress(base, "base");
    if (base % blockSize !== 0) fail("EINVAL", "base must be aligned to blockSize (" + blockSize + "), got 0x" + base.toString(16));
    if (blockSize * numBlocks > 0x80000000) fail("EINVAL", "blockSize * numBlocks must be at most 2^31 (2 GiB), got " + blockSize * numBlocks);
    if (base + blockSize * numBlocks > 0x100000000) {
      fail("EINVAL", "base + blockSize * numBlocks must not pass 2^32, got 0x" + (base + blockSize * numBlocks).toString(16));
    }
    var sh = 0;
    while ((1 << sh) !== blockSize && sh < 31) sh++;
    this.memory = memory;
    this.base = base;
    this.blockSize = blockSize;
    this.numBlocks = numBlocks;
    this.size = blockSize * numBlocks;
    this.bitmap = new BitArray(numBlocks);
    this._w = this.bitmap._w;
    this._h = this.bitmap._h;
    this._sh = sh;
    this._a = uwords(59);
    for (var b = 0; b < 32 && b < numBlocks; b++) this._a[(1 << b) % 37 + 22] = base + b * blockSize;
    this._ws = 32 * blockSize;
    this._m = 0;
    this._r = 0;
    this._la = null;
    this._lf = null;
    this._lim = this.size;
  }

  /** Call every listener of `list` with (this, address, bytes). */
  _emit(list: MemBlocksListener[], address: number, bytes: number): void {
    for (var i = 0; i < list.length; i++) list[i](this, address, bytes);
  }

  /** `_r`'s bias: 0, or ALWAYS while there are alloc listeners. */
  _bias(): number {
    return this._la === null ? 0 : ALWAYS;
  }

  /** Blocks in use now (see _r; _bias inlined, as in _take: a call costs more than the body). O(1). */
  _used(): number {
    return this._m - this._r + (this._la === null ? 0 : ALWAYS);
  }

  /** Count `n` more blocks in use (after the bitmap changed: copies its hint). */
  _take(n: number): void {
    this._h = this.bitmap._h;
    if ((this._r -= n) < (this._la === null ? 0 : ALWAYS)) this._mark();
  }

  /** Count `n` fewer blocks in use (after the bitmap changed: copies its hint). */
  _give(n: number): void {
    this._h = this.bitmap._h;
    this._r += n;
  }

  /** Make what is in use now the high-water mark (the caller knows it is at least the old one). */
  _mark(): void {
    var u = this._used();
    this._m = u;
    this._r = this._bias();
  }

  /** allocBlock's slow path (see _r): a new high-water mark, alloc listeners called for block `a`. */
  _over(a: number): void {
    if (this._r < this._bias()) this._mark();
    if (this._la !== null) this._emit(this._la, a, this.blockSize);
  }

  /**
   * One block, the lowest free one: its address, or 0 when none is free.
   * The fast path of alloc(1, out). O(1) (see the class comment).
   */
  allocBlock(): number {
    // BitArray.allocBit inlined. DUKTAPE: a call costs about as much as this
    // whole body, every property read or bit operation (&, |, <<) about seven
    // additions: hence the cached hint and the arithmetic. V8: clz32 is one
    // instruction; _allocTab's table read measured 10-15% slower per op.
    var w = this._w, i = this._h, y = w[i];
    if (y === -1) return 0; // the hint is on the sentinel word: all full
    var p = (y + 1) & ~y; // the lowest clear bit, alone
    if ((w[i] = y + p) === -1) { // y + p = y | p (the bit is clear in y); the store wraps like an int32
      this.bitmap._full(i);
      this._h = this.bitmap._h;
    }
    // block index (i << 5) + b < 2^26, and index << _sh < size <= 2^31: no int32 overflow
    var a = this.base + (((i << 5) + 31 - nativeClz32!(p)) << this._sh);
    if (--this._r < 0) this._over(a); // a new high-water mark, or alloc listeners
    return a;
  }

  /**
   * allocBlock on interpreters and engines without clz32 (see nativeClz32):
   * the same, with the bit's address from the table _a (one remainder and
   * one read, where a count-trailing-zeros costs up to four table branches).
   */
  _allocTab(): number {
    var w = this._w, i = this._h, y = w[i];
    if (y === -1) return 0;
    // ESPRUINO: when only bit 31 is clear, y + 1 is 2^31, a float there; `&`
    // converts it through a long long cast (jsvGetInteger, src/jsvar.c),
    // which wraps to -2^31 as ToInt32 does, so p is still the lowest clear bit
    var p = (y + 1) & ~y;
    if ((w[i] = y + p) === -1) {
      this.bitmap._full(i);
      this._h = this.bitmap._h;
    }
    var a = this._a[p % 37 + 22] + i * this._ws;
    if (--this._r < 0) this._over(a);
    return a;
  }

  /**
   * Free the block holding `address` (an interior address frees its block, as
   * in Zephyr): 0, or -EFAULT when the address is not a number, is outside
   * the region, or its block is not allocated. The fast path of free(1, [address]). O(1).
   */
  freeBlock(address: number): number {
    // BitArray.freeBit inlined, as in allocBlock. k is the block index, a
    // fraction for an interior address: >> and << truncate it. _lim is 0
    // while there are free listeners: _free1 calls them.
    var o = address - this.base;
    if (!(o >= 0 && o < this._lim) || typeof address !== "number") return this._free1(address); // "0x2…" - base is a number
    var k = o / this.blockSize, w = this._w, i = k >> 5, m = 1 << k, x = w[i];
    if ((x & m) === 0) return -EFAULT;
    w[i] = x - m; // = x ^ m, the bit being set
    if (x === -1) {
      this.bitmap._freed(i);
      this._h = this.bitmap._h;
    }
    this._r++;
    return 0;
  }

  /**
   * freeBlock's slow path: `address` is not a number or outside the region
   * (-EFAULT), or there are free listeners (_lim is 0): free it through
   * freeBlock with the real limit, then call them.
   */
  _free1(address: number): number {
    var o = address - this.base;
    if (this._lf === null || !(o >= 0 && o < this.size) || typeof address !== "number") return -EFAULT;
    this._lim = this.size;
    var r = this.freeBlock(address);
    this._lim = 0;
    if (r === 0) this._emit(this._lf, address - o % this.blockSize, this.blockSize);
    return r;
  }

  /**
   * Allocate `count` blocks, not necessarily contiguous, lowest free first,
   * writing their addresses to out[0..count). 0 on success (count 0 writes
   * nothing); -ENOMEM when fewer than count blocks are free (count greater
   * than numBlocks included); -EINVAL when count is not an integer ≥ 0.
   * Throws EINVAL when `out` is not an array, or is a fixed-length array
   * shorter than count. One alloc listener call per block. O(count).
   */
  alloc(count: number, out: number[]): number {
    checkArray(out, "out");
    if (!isIndex(count)) return -EINVAL;
    if (count === 0) return 0;
    if (count > this.numBlocks - this._used()) return -ENOMEM;
    var room = out.length;
    if (room < count && !(out instanceof Array)) {
      fail("EINVAL", "out has room for " + room + " addresses, count is " + count);
    }
    var b = this.bitmap, base = this.base, bs = this.blockSize, k;
    for (k = 0; k < count; k++) out[k] = base + b.allocBit() * bs;
    this._take(count);
    if (this._la !== null) for (k = 0; k < count; k++) this._emit(this._la, out[k], bs);
    return 0;
  }

  /**
   * Allocate `count` contiguous blocks, first fit from the lowest free
   * block: the address of the first, or 0 (count 0, count not an integer,
   * or no free run that long). One alloc listener call for the run.
   * O(numBlocks / 32 + used runs skipped).
   */
  allocContiguous(count: number): number {
    if (!isIndex(count) || count === 0 || count > this.numBlocks - this._used()) return 0;
    var i = this.bitmap.alloc(count);
    if (i < 0) return 0;
    this._take(count);
    var a = this.base + i * this.blockSize;
    if (this._la !== null) this._emit(this._la, a, count * this.blockSize);
    return a;
  }

  /**
   * Claim the `count` blocks starting at the block holding `address`: 0
   * (count 0 does nothing); -ENOMEM when the run leaves the region (an address
   * outside it included) or any of its blocks is taken, nothing changed;
   * -EINVAL when count is not an integer ≥ 0 or address not a number. One
   * alloc listener call with the run's first block address. O(count / 32).
   */
  get(address: number, count: number): number {
    if (!isIndex(count) || typeof address !== "number") return -EINVAL;
    if (count === 0) return 0;
    var o = address - this.base;
    if (!(o >= 0 && o < this.size)) return -ENOMEM;
    var i = o >>> this._sh;
    if (count > this.numBlocks - i || this.bitmap.testAndSetRegion(count, i, true) !== 0) return -ENOMEM;
    this._take(count);
    if (this._la !== null) this._emit(this._la, this.base + i * this.blockSize, count * this.blockSize);
    return 0;
  }

  /**
   * Free the blocks at addresses[0..count) (each may be an interior address
   * of its block). 0 on success (count 0 does nothing); -EINVAL when count is
   * not an integer ≥ 0 or exceeds numBlocks; -EFAULT when any entry is outside
   * the region, not allocated, or repeated — and then NOTHING is freed (Zephyr
   * frees the good entries and returns the last error; see docs/MEMBLOCKS.md).
   * Throws EINVAL when `addresses` is not an array or is shorter than count.
   * One free listener call per block. O(count).
   */
  free(count: number, addresses: number[]): number {
    checkArray(addresses, "addresses");
    if (!isIndex(count)) return -EINVAL;
    if (count === 0) return 0;
    if (count > this.numBlocks) return -EINVAL;
    if (addresses.length < count) fail("EINVAL", "addresses holds " + addresses.length + " entries, count is " + count);
    var b = this.bitmap, base = this.base, size = this.size, sh = this._sh, k, o;
    for (k = 0; k < count; k++) {
      o = addresses[k] - base;
      if (typeof addresses[k] !== "number" || !(o >= 0 && o < size) || b.freeBit(o >>> sh) !== 0) {
        while (--k >= 0) b.set((addresses[k] - base) >>> sh); // roll back
        this._h = b._h; // the hint ends where it was, but the copy stays exact
        return -EFAULT;
      }
    }
    this._give(count);
    if (this._lf !== null) {
      for (k = 0; k < count; k++) this._emit(this._lf, base + ((addresses[k] - base) >>> sh) * this.blockSize, this.blockSize);
    }
    return 0;
  }

  /**
   * Free `count` contiguous blocks starting at the block holding `address`:
   * 0 (count 0 does nothing); -EINVAL when count is not an integer ≥ 0,
   * exceeds numBlocks, or the run leaves the region; -EFAULT when address is
   * outside the region or any block of the run is not allocated (nothing is
   * freed). One free listener call for the run. O(count / 32).
   */
  freeContiguous(address: number, count: number): number {
    if (!isIndex(count)) return -EINVAL;
    if (count === 0) return 0;
    if (count > this.numBlocks) return -EINVAL;
    var o = address - this.base;
    if (typeof address !== "number" || !(o >= 0 && o < this.size)) return -EFAULT;
    var i = o >>> this._sh, r = this.bitmap.free(count, i);
    if (r !== 0) return r;
    this._give(count);
    if (this._lf !== null) this._emit(this._lf, this.base + i * this.blockSize, count * this.blockSize);
    return 0;
  }

  /**
   * Whether the `count` blocks from the block holding `address` are all
   * free; false when count is 0 or the run leaves the region. O(count / 32).
   */
  isRegionFree(address: number, count: number): boolean {
    var o = address - this.base;
    if (typeof address !== "number" || !(o >= 0 && o < this.size)) return false;
    return this.bitmap.isRegionCleared(count, o >>> this._sh);
  }

  /** Whether `address` lies in [base, base + size). O(1). */
  contains(address: number): boolean {
    var o = address - this.base;
    return typeof address === "number" && o >= 0 && o < this.size;
  }

  /**
   * Free, allocated and max-allocated bytes (and block counts), written into
   * `out` when given (no allocation on the board), else into a new object.
   * Throws EINVAL when out is given and is not an object. O(1).
   */
  stats(out?: MemBlocksStats): MemBlocksStats {
    if (out !== undefined && (out === null || typeof out !== "object")) fail("EINVAL", "out must be an object to receive the statistics, got " + out);
    var s = out || ({} as MemBlocksStats);
    var u = this._used();
    s.usedBlocks = u;
    s.maxUsedBlocks = this._m;
    s.allocatedBytes = u * this.blockSize;
    s.freeBytes = this.size - s.allocatedBytes;
    s.maxAllocatedBytes = this._m * this.blockSize;
    return s;
  }

  /** Set the max-allocated mark to what is allocated now; returns 0. O(1). */
  resetMax(): number {
    this._mark();
    return 0;
  }

  /**
   * Call `fn(allocator, address, bytes)` after every successful allocation:
   * once per block for alloc/allocBlock, once per run (bytes = count ×
   * blockSize) for allocContiguous and get. Returns 0; throws EINVAL when fn
   * is not a function. Listeners must not throw (the bookkeeping is already
   * done when they run) and must not allocate from this allocator.
   */
  onAlloc(fn: MemBlocksListener): number {
    if (typeof fn !== "function") fail("EINVAL", "listener must be a function, got " + fn);
    var u = this._used();
    this._la = (this._la || []).concat([fn]);
    this._r = this._m - u + ALWAYS;
    return 0;
  }

  /** As onAlloc, after every successful free (per block for free/freeBlock, per run for freeContiguous). */
  onFree(fn: MemBlocksListener): number {
    if (typeof fn !== "function") fail("EINVAL", "listener must be a function, got " + fn);
    this._lf = (this._lf || []).concat([fn]);
    this._lim = 0;
    return 0;
  }

  /** Remove `fn` from both listener lists: 0, or -ENOENT when it was in neither. O(listeners). */
  removeListener(fn: MemBlocksListener): number {
    var before = (this._la ? this._la.length : 0) + (this._lf ? this._lf.length : 0), u = this._used();
    if (this._la) { this._la = without(this._la, fn); if (this._la.length === 0) this._la = null; }
    if (this._lf) { this._lf = without(this._lf, fn); if (this._lf.length === 0) this._lf = null; }
    this._r = this._m - u + this._bias();
    this._lim = this._lf === null ? this.size : 0;
    var after = (this._la ? this._la.length : 0) + (this._lf ? this._lf.length : 0);
    return after < before ? 0 : -ENOENT;
  }

  /** Cheap checks of the counters and the bitmap's hint. O(1). */
  invariantsHold(): boolean {
    var u = this._used();
    return u >= 0 && u <= this._m && this._m <= this.numBlocks && this._w === this.bitmap._w && this._h === this.bitmap._h &&
      this._lim === (this._lf === null ? this.size : 0) && this.bitmap.invariantsHold();
  }

  /**
   * Full check: the bitmap's internal state, and the count of set bits equal
   * to the blocks in use. null when all is well, else what is wrong.
   * O(numBlocks / 32).
   */
  validate(): string | null {
    if (!this.invariantsHold()) {
      return "counters or hint out of range: used " + this._used() + ", max " + this._m + ", blocks " + this.numBlocks + ", hint " + this._h;
    }
    if (1 << this._sh !== this.blockSize || this.size !== this.blockSize * this.numBlocks || this._ws !== 32 * this.blockSize) {
      return "blockSize, shift and size disagree";
    }
    for (var b = 0; b < 32 && b < this.numBlocks; b++) {
      if (this._a[(1 << b) % 37 + 22] !== this.base + b * this.blockSize) return "address table entry of bit " + b + " is wrong";
    }
    var r = this.bitmap.validate();
    if (r !== null) return "bitmap: " + r;
    var n = this.bitmap.popcountRegion(this.numBlocks, 0);
    if (n !== this._used()) return "bitmap has " + n + " blocks set, counter says " + this._used();
    return null;
  }
}

// Interpreters (and engines without clz32): allocBlock is the table version.
if (nativeClz32 === undefined) MemBlocks.prototype.allocBlock = MemBlocks.prototype._allocTab;

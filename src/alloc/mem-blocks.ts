/**
 * MemBlocks: Zephyr's memory blocks allocator (`sys_mem_blocks`) on the HAL
 * Memory port, implementing the allocator contract (./api.ts). A region of
 * `numBlocks` blocks of `blockSize` bytes at `base`; one bit per block in a
 * BitArray kept OUTSIDE the region. The bookkeeping never reads or writes
 * the managed memory, so the region may sit in RAM sections that are
 * switched off; `memory` is carried only so that the owner of a block knows
 * where to read and write it.
 *
 * The contract's members (allocate, free, owns, stats, resetPeak, watch,
 * unwatch, close, lastError) plus Zephyr's verbs: allocBlock/freeBlock (the
 * fast path), allocBlocks/freeBlocks (scatter-gather), allocContiguous,
 * freeContiguous, get, isRegionFree. Every verb that allocates or frees
 * updates the statistics and tells the watchers; every failed call sets
 * `lastError` to its negative errno and counts a failure. A rejected call
 * changes nothing else: no bit, no statistic, no watcher call, no entry of
 * `out`. A missing array (Zephyr's NULL asserts) throws EINVAL naming the
 * argument. The checkers, Zephyr-style listeners, block statistics and error
 * texts are the debug add-on's (src/debug/mem-blocks.ts). See
 * docs/MEMBLOCKS.md.
 */
import type { Memory } from "../hal/ports.js";
import type { Allocator, AllocStats, RegionOptions, Watcher } from "./api.js";
import { BitArray, isIndex } from "../core/bitarray.js";
import { EBUSY, EFAULT, EINVAL, ENOENT, ENOMEM, checkAddress, checkPow2, fail } from "../core/errors.js";
import { Store, uwords } from "../core/storage.js";
import { claimRegion, releaseRegion } from "../hal/claims.js";

/** MemBlocks' options: the region and the block size. */
export interface MemBlocksOptions extends RegionOptions {
  /** Bytes per block: a power of two in [4, 2^30]; `base` and `size` are multiples of it. */
  blockSize: number;
}

/** A Zephyr-style listener (debug add-on): the allocator, the first block's address and the bytes concerned. */
export type MemBlocksListener = (allocator: MemBlocks, address: number, bytes: number) => void;

/** The block statistics of the debug add-on's `blockStats()`: Zephyr's sys_memory_stats plus block counts. */
export interface MemBlocksStats {
  freeBytes: number;
  allocatedBytes: number;
  maxAllocatedBytes: number;
  usedBlocks: number;
  maxUsedBlocks: number;
  freeBlocks: number;
}

/** Throws EINVAL naming `what` unless `a` is an array-like object (an object with a numeric length). O(1). */
export function checkArray(a: any, what: string): void {
  if (a === null || typeof a !== "object" || typeof a.length !== "number") {
    fail("EINVAL", what + " must be an array of addresses, got " + a);
  }
}

/**
 * `_peakSlack`'s bias while watchers are registered: far below -numBlocks,
 * so that allocBlock's `--_peakSlack < 0` holds on every call (see
 * MemBlocks._peakSlack). The debug add-on reads `_bias`, never this name.
 */
var ALWAYS = -0x10000000;

/**
 * Math's clz32 on an engine that compiles to machine code, else undefined.
 * There allocBlock finds a bit's index with it (one instruction; see the end
 * of this file); elsewhere allocBlock reads the address from a table.
 * Interpreters take the table even when they have clz32 (DUKTAPE: the native
 * call costs 11% more per op than the table read; ESPRUINO and mujs have no
 * clz32). The test for a compiling engine is WebAssembly: V8,
 * JavaScriptCore and SpiderMonkey have it; Espruino, JerryScript, Duktape,
 * QuickJS and mujs do not. Either version gives the same results; only the
 * speed differs.
 */
declare var WebAssembly: any;
var nativeClz32: ((x: number) => number) | undefined = typeof WebAssembly === "object" &&
  typeof (Math as any).clz32 === "function" ? (Math as any).clz32 : undefined; // ESPRUINO: no Math.clz32 (typeof-guarded)

/**
 * Fixed-size blocks with out-of-band bookkeeping.
 *
 * Metadata per block: 1 bit (+ 1/32 bit of summary), in typed arrays outside
 * the region; per allocator a few numbers and a 236-byte address table.
 * Complexity: allocBlock, freeBlock, allocate, free O(1) (allocBlock
 * O(numBlocks / 32768) word reads when it fills the lowest non-full word of
 * 32 blocks; allocate with a hint O(numBlocks / 32768) to find the word);
 * allocBlocks/freeBlocks of n blocks O(n); allocContiguous first fit,
 * O(numBlocks / 32) words plus the used runs it skips; get, freeContiguous,
 * isRegionFree O(count / 32); stats O(1).
 */
export class MemBlocks implements Allocator {
  /** The memory the blocks live in (never touched by the allocator). */
  memory: Memory;
  /** Address of block 0. */
  base: number;
  /** Bytes managed: blockSize × numBlocks. */
  size: number;
  /** Bytes per block (a power of two ≥ 4). */
  blockSize: number;
  /** Number of blocks. */
  numBlocks: number;
  /** Negative errno of the most recent failed call; 0 before any. */
  lastError: number;
  /** One bit per block, set = allocated. Read it; do not change it. */
  bitmap: BitArray;
  /** log2(blockSize). */
  _shift: number;
  /** `bitmap`'s word array (the same object, held here for the hot path). */
  _words: Store;
  /**
   * A copy of `bitmap._hint` (the lowest word with a free block), one
   * property read closer for allocBlock. Every call that changes the bitmap
   * copies it back; the add-on's invariantsHold checks that the two agree.
   */
  _hint: number;
  /**
   * allocBlock's address table (59 unsigned words, 236 bytes): for the
   * lowest clear bit p = 1 << b of a word, `_addrTable[p % 37 + 22]` = base +
   * b × blockSize. The powers of two are distinct modulo 37 (2 is a
   * primitive root mod 37): 1 << 31 (negative) lands on 0, the others on
   * 23..58. Entries for b ≥ numBlocks stay 0 (padding bits are never clear).
   * One remainder and one read, where a count-trailing-zeros costs up to
   * four table branches.
   */
  _addrTable: Store;
  /** 32 × blockSize: the address distance between two words of blocks. */
  _wordSpan: number;
  /** The most blocks in use at once since construction or the last resetPeak. */
  _peak: number;
  /**
   * The usage counter, kept so that allocBlock needs one property and one
   * compare for both the peak and the watchers: _peakSlack = _peak − (blocks
   * in use) + _bias. allocBlock decrements it and takes its slow path
   * (_note) when it drops below 0: a new peak, or, with watchers, every
   * call. freeBlock increments it. Blocks in use = _peak − _peakSlack + _bias.
   */
  _peakSlack: number;
  /** 0 without watchers, ALWAYS (−2^28) with them: see _peakSlack. */
  _bias: number;
  /** The watchers (copied on write, so that one may unwatch itself during a call), or null. */
  _watchers: Watcher[] | null;
  /**
   * freeBlock's range limit: `size` without watchers, 0 with them, so that
   * its one range compare also sends every free to the slow path (free)
   * while there are watchers to call.
   */
  _freeLimit: number;
  /** Failed calls since construction or the last resetPeak. */
  _failures: number;

  /**
   * `options.size / options.blockSize` blocks of `blockSize` bytes at
   * `options.base` in `memory`, claimed on the port (claimRegion) until
   * close(). Throws EINVAL naming the argument: memory not a Memory port;
   * options not an object; blockSize not a power of two in [4, 2^30]; base
   * not a non-zero address aligned to blockSize; size not a whole number of
   * blocks, 1 to 2^26 of them and at most 2 GiB; the region passing 2^32 or
   * outside the port's memory. Throws EBUSY when the region overlaps one
   * another live allocator of `memory` manages. O(numBlocks / 32).
   */
  constructor(memory: Memory, options: MemBlocksOptions) {
    if (!memory || typeof memory !== "object" || typeof memory.read8 !== "function") {
      fail("EINVAL", "memory must be a Memory port (an object with read8, write8, …), got " + memory);
    }
    if (!options || typeof options !== "object") fail("EINVAL", "options must be an object {base, size, blockSize}, got " + options);
    var base = options.base, size = options.size, blockSize = options.blockSize, sh = 0;
    checkPow2(blockSize, "blockSize", 4);
    if (blockSize > 0x40000000) fail("EINVAL", "blockSize must be at most 2^30, got " + blockSize);
    checkAddress(base, "base");
    if (base % blockSize !== 0) fail("EINVAL", "base must be aligned to blockSize (" + blockSize + "), got 0x" + base.toString(16));
    if (typeof size !== "number" || !(size >= blockSize) || size % blockSize !== 0) {
      fail("EINVAL", "size must be a whole number of blocks (a positive multiple of blockSize " + blockSize + "), got " + size);
    }
    if (size > 0x80000000 || size / blockSize > 0x4000000) {
      fail("EINVAL", "size must be at most 2^31 bytes (2 GiB) and 2^26 blocks, got " + size + " (" + size / blockSize + " blocks)");
    }
    if (base + size > 0x100000000) fail("EINVAL", "base + size must not pass 2^32, got 0x" + (base + size).toString(16));
    claimRegion(memory, base, size, this);
    while ((1 << sh) !== blockSize) sh++;
    this.memory = memory;
    this.base = base;
    this.size = size;
    this.blockSize = blockSize;
    this.numBlocks = size / blockSize;
    this.lastError = 0;
    this.bitmap = new BitArray(this.numBlocks);
    this._words = this.bitmap._words;
    this._hint = this.bitmap._hint;
    this._shift = sh;
    this._addrTable = uwords(59);
    for (sh = 0; sh < 32 && sh < this.numBlocks; sh++) this._addrTable[(1 << sh) % 37 + 22] = base + sh * blockSize;
    this._wordSpan = 32 * blockSize;
    this._peak = 0;
    this._peakSlack = 0;
    this._bias = 0;
    this._watchers = null;
    this._freeLimit = size;
    this._failures = 0;
  }

  /**
   * The bookkeeping after `n` blocks at `address` were taken (n > 0) or
   * given back (n < 0), bits already changed: copies the bitmap's hint,
   * moves the usage counter and the peak, and tells the watchers (one call,
   * |n| × blockSize bytes). The one private helper of every verb. O(watchers).
   */
  _note(address: number, n: number): void {
    var list = this._watchers, i;
    this._hint = this.bitmap._hint;
    if ((this._peakSlack -= n) < this._bias) { // a new peak: _peak := blocks in use
      this._peak -= this._peakSlack - this._bias;
      this._peakSlack = this._bias;
    }
    if (list !== null) {
      for (i = 0; i < list.length; i++) {
        if (n > 0) list[i].onAlloc(address, n * this.blockSize, this);
        else list[i].onFree(address, -n * this.blockSize, this);
      }
    }
  }

  /**
   * A failed allocating or freeing call: lastError := code, one more
   * failure; returns code. (watch, unwatch and close set lastError only:
   * the failure count is the contract's failed allocations and frees.) O(1).
   */
  _fail(code: number): number {
    this.lastError = code;
    this._failures++;
    return code;
  }

  /**
   * One block, the lowest free one: its address, or 0 when none is free
   * (lastError -ENOMEM). The contract's allocate(n ≤ blockSize) without
   * checks. O(1) (see the class comment).
   *
   * This is the table version, which interpreters run; engines with clz32
   * and WebAssembly replace it (see the end of this file).
   */
  allocBlock(): number {
    // BitArray.allocBit inlined. DUKTAPE: a call costs about as much as this
    // whole body, every property read or bit operation (&, |, <<) about seven
    // additions: hence the cached hint and the arithmetic.
    var w = this._words, i = this._hint, y = w[i];
    if (y === -1) { // the hint is on the sentinel word: all full
      this._fail(-ENOMEM);
      return 0;
    }
    // ESPRUINO: when only bit 31 is clear, y + 1 is 2^31, a float there; `&`
    // converts it through a long long cast (jsvGetInteger, src/jsvar.c),
    // which wraps to -2^31 as ToInt32 does, so p is still the lowest clear bit
    var p = (y + 1) & ~y; // the lowest clear bit, alone
    if ((w[i] = y + p) === -1) { // y + p = y | p (the bit is clear in y); the store wraps like an int32
      this.bitmap._full(i);
      this._hint = this.bitmap._hint;
    }
    var a = this._addrTable[p % 37 + 22] + i * this._wordSpan;
    if (--this._peakSlack < 0) { // a new peak, or watchers: _note counts the block again
      this._peakSlack++;
      this._note(a, 1);
    }
    return a;
  }

  /**
   * Free the block holding `address` (an interior address frees its block,
   * as in Zephyr): 0; -EFAULT when the address is outside the region or its
   * block is not allocated; -EINVAL when it is not a number; freeBlock(0) is
   * a no-op returning 0, as free(0). O(1).
   */
  freeBlock(address: number): number {
    // BitArray.freeBit inlined, as in allocBlock. k is the block index, a
    // fraction for an interior address: >> and << truncate it. _freeLimit is
    // 0 while there are watchers: free() calls them, given the block start.
    var o = address - this.base;
    if (!(o >= 0 && o < this._freeLimit) || typeof address !== "number") { // "0x2…" - base is a number
      return this.free(typeof address === "number" && o >= 0 && o < this.size ? address - o % this.blockSize : address);
    }
    var k = o / this.blockSize, w = this._words, i = k >> 5, m = 1 << k, x = w[i];
    if ((x & m) === 0) return this._fail(-EFAULT);
    w[i] = x - m; // = x ^ m, the bit being set
    if (x === -1) {
      this.bitmap._freed(i);
      this._hint = this.bitmap._hint;
    }
    this._peakSlack++;
    return 0;
  }

  /**
   * The contract's allocation: one block for `size` bytes (1 ≤ size ≤
   * blockSize), aligned to `alignment` (a power of two up to blockSize; every
   * block is aligned to blockSize). Without a hint the lowest free block;
   * with a `hint` address, the lowest free block whose address is at or
   * above it, else the lowest free block. Returns the address, or 0 with
   * lastError -EINVAL (size not an integer in [1, blockSize], alignment not
   * undefined or a power of two ≤ blockSize, hint not undefined, null or an
   * integer in [0, 2^32)) or -ENOMEM (no free block). O(1), with a hint
   * O(numBlocks / 32768).
   */
  allocate(size: number, alignment?: number, hint?: number): number {
    var bs = this.blockSize, k, i, x, w, a;
    if (!(size === size >>> 0 && size !== 0 && size <= bs) ||
      !(alignment === undefined || (alignment === alignment >>> 0 && alignment !== 0 && (alignment & (alignment - 1)) === 0 && alignment <= bs)) ||
      !(hint === undefined || hint === null || hint === hint >>> 0)) {
      this._fail(-EINVAL);
      return 0;
    }
    if (hint) {
      k = Math.ceil((hint - this.base) / bs); // the first block at or above the hint
      if (k > 0 && k < this.numBlocks) { // k ≤ 0 is "anywhere": allocBlock's lowest free block
        w = this._words;
        i = k >> 5;
        x = ~w[i] & (-1 << (k & 31)); // the free blocks of word i from k up
        if (x === 0) x = ~w[i = this.bitmap._next(i + 1)]; // the next word with a free block, or the sentinel (x = 0)
        if (x !== 0) {
          x &= -x; // the lowest of them, alone (padding bits are set: never past numBlocks)
          if ((w[i] |= x) === -1) this.bitmap._full(i);
          a = this._addrTable[x % 37 + 22] + i * this._wordSpan;
          this._note(a, 1);
          return a;
        }
      }
    }
    return this.allocBlock();
  }

  /**
   * The contract's free: `address` must be the start of an allocated block.
   * 0; -EFAULT when it is not (outside the region, inside a block, or its
   * block is free: a double free); -EINVAL when it is not a number. free(0)
   * is a no-op returning 0. O(1).
   */
  free(address: number): number {
    if (typeof address !== "number") return this._fail(-EINVAL);
    if (address === 0) return 0;
    var o = address - this.base, k = o >>> this._shift, w = this._words, i = k >> 5, m = 1 << k, x = w[i];
    // out of range first: then k, i and x are meaningless (an index past the words reads undefined)
    if (!(o >= 0 && o < this.size) || o !== k << this._shift || (x & m) === 0) return this._fail(-EFAULT);
    w[i] = x - m;
    if (x === -1) this.bitmap._freed(i);
    this._note(address, -1);
    return 0;
  }

  /** Whether `address` lies in [base, base + size) (allocated or not). O(1). */
  owns(address: number): boolean {
    var o = address - this.base;
    return typeof address === "number" && o >= 0 && o < this.size;
  }

  /**
   * {used, free, peak, count, failures}: bytes in use (whole blocks), free
   * bytes, the peak bytes in use, blocks in use, failed calls; written into
   * `out` when given (no allocation on the board). Throws EINVAL when out is
   * given and is not an object. O(1).
   */
  stats(out?: AllocStats): AllocStats {
    if (out !== undefined && (out === null || typeof out !== "object")) fail("EINVAL", "out must be an object to receive the statistics, got " + out);
    var s = out || ({} as AllocStats), n = this._peak - this._peakSlack + this._bias;
    s.used = n * this.blockSize;
    s.free = this.size - s.used;
    s.peak = this._peak * this.blockSize;
    s.count = n;
    s.failures = this._failures;
    return s;
  }

  /** The peak becomes what is in use now; the failure count 0. O(1). */
  resetPeak(): void {
    this._peak -= this._peakSlack - this._bias;
    this._peakSlack = this._bias;
    this._failures = 0;
  }

  /**
   * Call `watcher.onAlloc(address, bytes, this)` after every successful
   * allocation and `watcher.onFree(address, bytes, this)` after every
   * successful free: once per block for allocBlock, allocate, free,
   * freeBlock, allocBlocks and freeBlocks; once per run (bytes = count ×
   * blockSize) for allocContiguous, get and freeContiguous. Addresses are
   * block starts. 0, or -EINVAL (lastError too, not counted as a failure) when the watcher lacks one of
   * the two functions. Watchers must not throw (the bookkeeping is done when
   * they run) and must not allocate from this allocator. O(watchers).
   */
  watch(watcher: Watcher): number {
    if (!watcher || typeof watcher.onAlloc !== "function" || typeof watcher.onFree !== "function") return (this.lastError = -EINVAL);
    if (this._watchers === null) { // blocks in use stay _peak - _peakSlack + _bias
      this._peakSlack += ALWAYS;
      this._bias = ALWAYS;
      this._freeLimit = 0;
    }
    this._watchers = (this._watchers || []).concat([watcher]);
    return 0;
  }

  /** Remove `watcher` (its first registration): 0, or -ENOENT (lastError too) when it is not watching. O(watchers). */
  unwatch(watcher: Watcher): number {
    var list = this._watchers, i = list === null ? -1 : list.indexOf(watcher);
    if (i < 0) return (this.lastError = -ENOENT);
    list = (list as Watcher[]).slice(0);
    list.splice(i, 1);
    if (list.length === 0) {
      this._watchers = null;
      this._peakSlack -= ALWAYS;
      this._bias = 0;
      this._freeLimit = this.size;
    } else this._watchers = list;
    return 0;
  }

  /**
   * Give the region back to the memory port (releaseRegion): 0, or -EBUSY
   * (lastError too; nothing changed) while any block is in use. Use the
   * allocator no more afterwards. O(claims of the port).
   */
  close(): number {
    if (this._peak - this._peakSlack + this._bias !== 0) return (this.lastError = -EBUSY);
    releaseRegion(this.memory, this);
    return 0;
  }

  /**
   * Allocate `count` blocks, not necessarily contiguous, lowest free first,
   * writing their addresses to out[0..count) (Zephyr's
   * sys_mem_blocks_alloc). 0 on success (count 0 writes nothing); -ENOMEM
   * when fewer than count blocks are free (count greater than numBlocks
   * included); -EINVAL when count is not an integer ≥ 0. Throws EINVAL
   * naming `out`, with no block taken, when out is not an array, is a
   * fixed-length array shorter than count, or does not keep what is written
   * to it (frozen, read-only entries, a typed array too narrow for the
   * addresses): every write is read back. One watcher call per block.
   * O(count).
   */
  allocBlocks(count: number, out: number[]): number {
    checkArray(out, "out");
    if (!isIndex(count)) return this._fail(-EINVAL);
    if (count === 0) return 0;
    if (count > this.numBlocks - (this._peak - this._peakSlack + this._bias)) return this._fail(-ENOMEM);
    var room = out.length;
    if (room < count && !(out instanceof Array)) fail("EINVAL", "out has room for " + room + " addresses, count is " + count);
    var b = this.bitmap, base = this.base, bs = this.blockSize, k = 0, a = 0, j, kept = false;
    try {
      for (; k < count; k++) {
        a = base + b.allocBit() * bs;
        out[k] = a; // throws in strict code when out is frozen; is ignored in sloppy code
        if (out[k] !== a) break;
      }
      kept = true;
    } catch (e) {
      // kept stays false: entry k refused the write
    }
    if (!kept || k < count) { // give back the block of entry k and those of out[0..k)
      b.freeBit((a - base) / bs);
      for (j = 0; j < k; j++) b.freeBit((out[j] - base) / bs);
      this._hint = b._hint;
      fail("EINVAL", "out must keep the addresses written to it: entry " + k + " did not (frozen, read-only or too narrow?); no block was taken");
    }
    for (k = 0; k < count; k++) this._note(out[k], 1);
    return 0;
  }

  /**
   * Free the blocks at addresses[0..count) (each may be an interior address
   * of its block; Zephyr's sys_mem_blocks_free). 0 on success (count 0 does
   * nothing); -EINVAL when count is not an integer ≥ 0 or exceeds numBlocks;
   * -EFAULT when any entry is not a number, is outside the region, is not
   * allocated, or is repeated, and then NOTHING is freed (Zephyr frees the
   * good entries and returns the last error). Throws EINVAL when
   * `addresses` is not an array or is shorter than count. One watcher call
   * per block. O(count).
   */
  freeBlocks(count: number, addresses: number[]): number {
    checkArray(addresses, "addresses");
    if (!isIndex(count) || count > this.numBlocks) return this._fail(-EINVAL);
    if (count === 0) return 0;
    if (addresses.length < count) fail("EINVAL", "addresses holds " + addresses.length + " entries, count is " + count);
    var b = this.bitmap, base = this.base, size = this.size, sh = this._shift, k, o;
    for (k = 0; k < count; k++) {
      o = addresses[k] - base;
      if (typeof addresses[k] !== "number" || !(o >= 0 && o < size) || b.freeBit(o >>> sh) !== 0) {
        while (--k >= 0) b.set((addresses[k] - base) >>> sh); // roll back
        this._hint = b._hint; // the hint ends where it was, but the copy stays exact
        return this._fail(-EFAULT);
      }
    }
    for (k = 0; k < count; k++) this._note(base + (((addresses[k] - base) >>> sh) << sh), -1);
    return 0;
  }

  /**
   * Allocate `count` contiguous blocks, first fit from the lowest free
   * block: the address of the first, or 0 with lastError -EINVAL (count 0,
   * or not an integer: an address cannot say "nothing", so count 0 is a
   * failed call here, where Zephyr returns success and NULL) or -ENOMEM (no
   * free run that long, count greater than numBlocks included). One watcher
   * call for the run. O(numBlocks / 32 + used runs skipped).
   */
  allocContiguous(count: number): number {
    if (!isIndex(count) || count === 0) {
      this._fail(-EINVAL);
      return 0;
    }
    var k = this.bitmap.alloc(count); // -EINVAL past numBlocks, -ENOSPC without a run: both "no room" here
    if (k < 0) {
      this._fail(-ENOMEM);
      return 0;
    }
    var a = this.base + k * this.blockSize;
    this._note(a, count);
    return a;
  }

  /**
   * Free `count` contiguous blocks starting at the block holding `address`:
   * 0 (count 0 does nothing); -EINVAL when count is not an integer ≥ 0,
   * exceeds numBlocks, or the run leaves the region, or address is not a
   * number; -EFAULT when address is outside the region or any block of the
   * run is not allocated (nothing is freed). One watcher call for the run.
   * O(count / 32).
   */
  freeContiguous(address: number, count: number): number {
    if (!isIndex(count) || count > this.numBlocks || typeof address !== "number") return this._fail(-EINVAL);
    if (count === 0) return 0;
    var o = address - this.base, k = o >>> this._shift, r;
    if (!(o >= 0 && o < this.size)) return this._fail(-EFAULT);
    r = this.bitmap.free(count, k); // -EINVAL: the run leaves the region; -EFAULT: a block of it is free
    if (r !== 0) return this._fail(r);
    this._note(this.base + k * this.blockSize, -count);
    return 0;
  }

  /**
   * Claim the `count` blocks starting at the block holding `address`
   * (Zephyr's sys_mem_blocks_get): 0 (count 0 does nothing); -ENOMEM when
   * the run leaves the region (an address outside it included) or any of its
   * blocks is taken, nothing changed; -EINVAL when count is not an integer
   * ≥ 0 or address not a number. One watcher call, at the run's first block.
   * O(count / 32).
   */
  get(address: number, count: number): number {
    if (!isIndex(count) || typeof address !== "number") return this._fail(-EINVAL);
    if (count === 0) return 0;
    var o = address - this.base, k = o >>> this._shift;
    if (!(o >= 0 && o < this.size) || count > this.numBlocks - k || this.bitmap.testAndSetRegion(count, k, true) !== 0) return this._fail(-ENOMEM);
    this._note(this.base + k * this.blockSize, count);
    return 0;
  }

  /**
   * Whether the `count` blocks from the block holding `address` are all
   * free; false when count is 0 or the run leaves the region. Read-only: the
   * question a power manager asks before it reserves a RAM section's blocks
   * with get() (which would count a failure and set lastError when they are
   * not). O(count / 32).
   */
  isRegionFree(address: number, count: number): boolean {
    var o = address - this.base;
    if (typeof address !== "number" || !(o >= 0 && o < this.size)) return false;
    return this.bitmap.isRegionCleared(count, o >>> this._shift);
  }

  /**
   * (compiling engines only; see the end of this file) The table version of
   * allocBlock, kept where allocBlock is the clz32 version so that tests can
   * run both.
   */
  declare _allocTab: () => number;
  /** (debug add-on) Cheap checks of the counters, the hint copy and the watcher state. O(1). */
  declare invariantsHold: () => boolean;
  /**
   * (debug add-on) Full check: the geometry, the address table, the bitmap's
   * words, summary and hint, and the count of set bits equal to the blocks in
   * use. null when all is well, else a message naming the first problem.
   * O(numBlocks / 32).
   */
  declare validate: () => string | null;
  /**
   * (debug add-on) Zephyr's runtime statistics plus block counts: free,
   * allocated and max-allocated bytes, blocks in use, most blocks in use,
   * free blocks; written into `out` when given. O(1).
   */
  declare blockStats: (out?: MemBlocksStats) => MemBlocksStats;
  /**
   * (debug add-on) Zephyr-style listeners, built on watch():
   * `fn(allocator, address, bytes)` after every successful allocation
   * (onAlloc) or free (onFree). 0; throws EINVAL when fn is not a function.
   */
  declare onAlloc: (fn: MemBlocksListener) => number;
  /** (debug add-on) See onAlloc. */
  declare onFree: (fn: MemBlocksListener) => number;
  /** (debug add-on) Remove every registration of `fn`: 0, or -ENOENT when it had none. */
  declare removeListener: (fn: MemBlocksListener) => number;
  /** (debug add-on) A sentence about the last failure (lastError), with the allocator's state. */
  declare lastErrorText: () => string;
}

// Engines that compile to machine code (see nativeClz32): allocBlock finds
// the bit's index with clz32 instead of the address table (on V8 the table
// read measured 10-15% slower per op). The function is only created there;
// the table version stays reachable as _allocTab for the tests.
if (nativeClz32 !== undefined) {
  MemBlocks.prototype._allocTab = MemBlocks.prototype.allocBlock;
  MemBlocks.prototype.allocBlock = function (this: MemBlocks): number {
    var w = this._words, i = this._hint, y = w[i];
    if (y === -1) {
      this._fail(-ENOMEM);
      return 0;
    }
    var p = (y + 1) & ~y;
    if ((w[i] = y + p) === -1) {
      this.bitmap._full(i);
      this._hint = this.bitmap._hint;
    }
    // block index (i << 5) + b < 2^26, and index << _shift < size <= 2^31: no int32 overflow
    var a = this.base + (((i << 5) + 31 - nativeClz32!(p)) << this._shift);
    if (--this._peakSlack < 0) {
      this._peakSlack++;
      this._note(a, 1);
    }
    return a;
  };
}

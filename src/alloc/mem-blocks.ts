/**
 * MemBlocks: Zephyr's memory blocks allocator (`sys_mem_blocks`) on the HAL
 * Memory port, implementing the allocator contract (./api.ts). A region of
 * `numBlocks` blocks of `blockSize` bytes at `base`; one bit per block in a
 * word array kept OUTSIDE the region. The bookkeeping never reads or writes
 * the managed memory, so the region may sit in RAM sections that are
 * switched off; `memory` is carried only so that the owner of a block knows
 * where to read and write it.
 *
 * The lean board class: the constructor, the contract's allocate, free,
 * stats and watch (and lastError), and Zephyr's verbs allocBlock/freeBlock
 * (the fast path), allocBlocks/freeBlocks (scatter-gather), allocContiguous
 * and freeContiguous. Every verb that allocates or frees updates the
 * statistics and tells the watchers; every failed call sets `lastError` to
 * its negative errno and counts a failure. A rejected call changes nothing
 * else: no bit, no statistic, no watcher call, no entry of `out`. A missing
 * array (Zephyr's NULL asserts) throws EINVAL naming the argument. owns,
 * resetPeak, unwatch, close, Zephyr's get and isRegionFree, the checkers,
 * Zephyr-style listeners, block statistics and error texts are the debug
 * add-on's (src/debug/mem-blocks.ts). See docs/MEMBLOCKS.md.
 *
 * ESPRUINO: the interpreter reads the source token by token on every call
 * (even the tokens of a branch not taken), a property read scans the
 * object's properties in creation order, and a `var` costs about as much as
 * a statement. So the two hot methods come first, hold only their fast
 * path (every other case is one call away), use the fewest variables, and
 * read private fields created first in the constructor; every function of
 * the module is one more object in RAM, so there is one private helper.
 */
import type { Memory } from "../hal/ports.js";
import type { Allocator, AllocStats, RegionOptions, Watcher } from "./api.js";
import { EFAULT, EINVAL, ENOMEM, fail } from "../core/errors.js";
import { hasTypedArrays, zeros } from "../core/storage.js";
import type { Store } from "../core/storage.js";
import { claimRegion } from "../hal/claims.js";

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

/**
 * A MemBlocks allocator, as `new MemBlocks(memory, options)` makes it (the
 * constructor and each method follow, with their comments): fixed-size
 * blocks with out-of-band bookkeeping.
 *
 * Metadata, in one word array outside the region: 1 bit per block, 1 word
 * per 32 blocks telling whether that word has a free block, 3 words; per
 * allocator a 37-entry offset table and a few numbers. Complexity:
 * allocBlock, freeBlock O(1); allocate, free O(1) plus, when a word of 32
 * blocks fills up or stops being full, a native scan of one word per 32
 * blocks (allocate with a hint: plus the words from the hint to the first
 * free block); allocBlocks/freeBlocks of n blocks O(n) such steps;
 * allocContiguous first fit a word at a time, O(numBlocks / 32 × log
 * count); freeContiguous O(count / 32); stats O(1).
 *
 * ESPRUINO: MemBlocks is a function with methods assigned to its prototype
 * at the module's top level, not a class: a TypeScript class compiles to ES5
 * inside a function (an IIFE), and on Espruino every function created in
 * such a nested scope keeps its own copy of the scope chain (about 3 RAM
 * blocks each, measured) and copies it again at every call.
 */
export interface MemBlocks extends Allocator {
  /**
   * The bitmap, one word array (a typed array, or a plain one on engines
   * without): [0] a guard word, always 0; [1 .. nw] the blocks' bits, set =
   * allocated, block k at bit k & 31 of word (k >> 5) + 1, the bits past
   * numBlocks set; [nw + 1] a sentinel, -1 (no free block); then one flag
   * per word [1 .. nw + 1] at index (length >> 1) + word: 1 while that word
   * has a free block (the sentinel's flag is always 1, which ends a search).
   * The guard word lets freeBlock's single range compare reject addresses
   * below the region: they land in it, and no block there is allocated.
   */
  _w: Store;
  /** The hint: the index in _w of the lowest word with a free block (nw + 1, the sentinel, when none). */
  _h: number;
  /**
   * allocBlock's offset table (37 entries): for the lowest free bit p = 1 <<
   * b of a word (b ≤ 30), `_t[p % 37]` = b × blockSize. The powers of two up
   * to 2^30 are distinct modulo 37 (2 is a primitive root mod 37). Bit 31
   * fills its word and takes the slow path. Entries for b ≥ numBlocks are
   * never read (0, or holes in a plain array).
   */
  _t: Store;
  /** The address of the first block of the hint's word. */
  _a: number;
  /**
   * The usage counter, kept so that allocBlock needs one property and one
   * compare for both the peak and the watchers: _s = _p − (blocks in use) +
   * bias, the bias 0 without watchers and −2^28 (far below −numBlocks) with
   * them. allocBlock takes its fast path only while _s > 0 (no new peak, no
   * watchers) and decrements it; freeBlock increments it; _run keeps it, the
   * peak and the bias exact for every other verb.
   */
  _s: number;
  /** freeBlock's range limit on _w's bit index (numBlocks + 32): 0 while watchers listen, which sends every free to the slow path. */
  _l: number;
  /** base − 32 × blockSize: the address of bit 0 of _w (the guard word). */
  _b: number;
  /** blockSize (short: read on the hot path). */
  _z: number;
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
  /** The most blocks in use at once since construction or the last resetPeak. */
  _p: number;
  /** The watchers (copied on write, so that one may unwatch itself during a call), or null. */
  _x: Watcher[] | null;
  /** Failed calls since construction or the last resetPeak. */
  _n: number;

  /**
   * One block, the lowest free one: its address, or 0 when none is free
   * (lastError -ENOMEM). The contract's allocate(1) without checks. O(1).
   *
   * The version here is Espruino's; other engines replace it with one that
   * keeps the fields in locals, and finds the bit with clz32 where they
   * compile to machine code (see the end of this file).
   */
  allocBlock(): number;
  /**
   * Free the block holding `address` (an interior address frees its block,
   * as in Zephyr): 0; -EFAULT when the address is outside the region or its
   * block is not allocated; -EINVAL when it is not a number; freeBlock(0) is
   * a no-op returning 0, as free(0). O(1).
   */
  freeBlock(address: number): number;
  /**
   * The bitmap's one helper. n > 0: take the n blocks from block k if all
   * are free; n < 0: give back the -n blocks from block k if all are taken
   * (k + |n| ≤ numBlocks); then the flags, the hint, the usage counter and the
   * peak follow, and the watchers hear of it (one call for the run). Returns
   * -1 when done, else the first block of the run that is not as it should
   * be (nothing changed). n = 0: the first free block from k, or -1 when
   * none. O(blocks / 32), plus after a change a native scan of the flags and
   * O(watchers).
   */
  _run(k: number, n: number): number;
  /**
   * The contract's allocation: one block for `size` bytes (1 ≤ size ≤
   * blockSize), aligned to `alignment` (a power of two up to blockSize; every
   * block is aligned to blockSize). Without a hint the lowest free block;
   * with a `hint` address, the lowest free block whose address is at or
   * above it, else the lowest free block. Returns the address, or 0 with
   * lastError -EINVAL (size not an integer in [1, blockSize], alignment not
   * undefined or a power of two ≤ blockSize, hint not undefined, null or an
   * integer in [0, 2^32)) or -ENOMEM (no free block). O(1) (see the class
   * comment).
   */
  allocate(size: number, alignment?: number, hint?: number): number;
  /**
   * The contract's free: `address` must be the start of an allocated block.
   * 0; -EFAULT when it is not (outside the region, inside a block, or its
   * block is free: a double free); -EINVAL when it is not a number. free(0)
   * is a no-op returning 0. O(1) (see the class comment).
   */
  free(address: number): number;
  /**
   * {used, free, peak, count, failures}: bytes in use (whole blocks), free
   * bytes, the peak bytes in use, blocks in use, failed calls; written into
   * `out` when given (no allocation on the board). Throws EINVAL when out is
   * given and is not an object. O(1).
   */
  stats(out?: AllocStats): AllocStats;
  /**
   * Call `watcher.onAlloc(address, bytes, this)` after every successful
   * allocation and `watcher.onFree(address, bytes, this)` after every
   * successful free: once per block for allocBlock, allocate, free,
   * freeBlock, allocBlocks and freeBlocks; once per run (bytes = count ×
   * blockSize) for allocContiguous, get and freeContiguous. Addresses are
   * block starts. 0, or -EINVAL (lastError too, not counted as a failure)
   * when the watcher lacks one of the two functions. Watchers must not throw
   * (the bookkeeping is done when they run) and must not allocate from this
   * allocator. The add-on's unwatch removes one. O(watchers).
   */
  watch(watcher: Watcher): number;
  /**
   * Allocate `count` blocks, not necessarily contiguous, lowest free first,
   * writing their addresses to out[0..count) (Zephyr's
   * sys_mem_blocks_alloc). 0 on success (count 0 writes nothing); -ENOMEM
   * when fewer than count blocks are free (count greater than numBlocks
   * included); -EINVAL when count is not an integer ≥ 0. Throws EINVAL
   * naming `out`, with no block taken, when out is not an array, is a
   * fixed-length array shorter than count, or does not keep what is written
   * to it (frozen, read-only entries, a typed array too narrow for the
   * addresses): every write is read back before any block is taken. One
   * watcher call per block. O(count) steps (see the class comment).
   */
  allocBlocks(count: number, out: number[]): number;
  /**
   * Free the blocks at addresses[0..count) (each may be an interior address
   * of its block; Zephyr's sys_mem_blocks_free). 0 on success (count 0 does
   * nothing); -EINVAL when count is not an integer ≥ 0 or exceeds numBlocks;
   * -EFAULT when any entry is not a number, is outside the region, is not
   * allocated, or is repeated, and then NOTHING is freed (Zephyr frees the
   * good entries and returns the last error). Throws EINVAL when
   * `addresses` is not an array or is shorter than count. One watcher call
   * per block. O(count) steps.
   */
  freeBlocks(count: number, addresses: number[]): number;
  /**
   * Allocate `count` contiguous blocks, first fit from the lowest free
   * block: the address of the first, or 0 with lastError -EINVAL (count 0,
   * or not an integer: an address cannot say "nothing", so count 0 is a
   * failed call here, where Zephyr returns success and NULL) or -ENOMEM (no
   * free run that long, count greater than numBlocks included). One watcher
   * call for the run. O(numBlocks / 32 + used runs skipped).
   */
  allocContiguous(count: number): number;
  /**
   * Free `count` contiguous blocks starting at the block holding `address`:
   * 0 (count 0 and address 0 do nothing, as free(0)); -EINVAL when count is
   * not an integer ≥ 0, exceeds numBlocks, or the run leaves the region, or
   * address is not a number; -EFAULT when address is outside the region or
   * any block of the run is not allocated (nothing is freed). One watcher
   * call for the run. O(count / 32).
   */
  freeContiguous(address: number, count: number): number;

  /**
   * (engines other than Espruino; see the end of this file) Espruino's
   * versions of allocBlock and freeBlock, and on engines with machine code
   * the table version of allocBlock, kept so that tests can run every
   * version.
   */
  _allocEspruino: () => number;
  /** See _allocEspruino. */
  _freeEspruino: (address: number) => number;
  /** See _allocEspruino. */
  _allocTab: () => number;
  /** (engines other than Espruino) Their allocBlock's step when it fills the hint's word. */
  _full: (h: number) => void;
  /**
   * (debug add-on) Claim the `count` blocks starting at the block holding
   * `address` (Zephyr's sys_mem_blocks_get): 0 (count 0 does nothing);
   * -ENOMEM when the run leaves the region (an address outside it included)
   * or any of its blocks is taken, nothing changed; -EINVAL when count is not
   * an integer ≥ 0 or address not a number. One watcher call, at the run's
   * first block. O(count / 32).
   */
  get: (address: number, count: number) => number;
  /**
   * (debug add-on) Whether the `count` blocks from the block holding
   * `address` are all free; false when count is 0 or the run leaves the
   * region. Read-only: the question a power manager asks before it reserves
   * a RAM section's blocks with get() (which would count a failure and set
   * lastError when they are not). O(count / 32).
   */
  isRegionFree: (address: number, count: number) => boolean;
  /** (debug add-on) Whether `address` lies in [base, base + size) (allocated or not). O(1). */
  owns: (address: number) => boolean;
  /** (debug add-on) The peak becomes what is in use now; the failure count 0. O(1). */
  resetPeak: () => void;
  /** (debug add-on) Remove `watcher` (its first registration): 0, or -ENOENT (lastError too) when it is not watching. O(watchers). */
  unwatch: (watcher: Watcher) => number;
  /**
   * (debug add-on) Give the region back to the memory port (releaseRegion):
   * 0, or -EBUSY (lastError too; nothing changed) while any block is in use.
   * Use the allocator no more afterwards. O(claims of the port).
   */
  close: () => number;
  /** (debug add-on) Cheap checks of the counters, the hint and the watcher state. O(1). */
  invariantsHold: () => boolean;
  /**
   * (debug add-on) Full check: the geometry, the offset table, the bitmap's
   * guard, padding, sentinel, flags and hint, and the count of set bits
   * equal to the blocks in use. null when all is well, else a message naming
   * the first problem. O(numBlocks / 32).
   */
  validate: () => string | null;
  /**
   * (debug add-on) Zephyr's runtime statistics plus block counts: free,
   * allocated and max-allocated bytes, blocks in use, most blocks in use,
   * free blocks; written into `out` when given. O(1).
   */
  blockStats: (out?: MemBlocksStats) => MemBlocksStats;
  /**
   * (debug add-on) Zephyr-style listeners, built on watch():
   * `fn(allocator, address, bytes)` after every successful allocation
   * (onAlloc) or free (onFree). 0; throws EINVAL when fn is not a function.
   */
  onAlloc: (fn: MemBlocksListener) => number;
  /** (debug add-on) See onAlloc. */
  onFree: (fn: MemBlocksListener) => number;
  /** (debug add-on) Remove every registration of `fn`: 0, or -ENOENT when it had none. */
  removeListener: (fn: MemBlocksListener) => number;
  /** (debug add-on) A sentence about the last failure (lastError), with the allocator's state. */
  lastErrorText: () => string;
}

/** The type of the MemBlocks constructor (its instances: the MemBlocks interface). */
export interface MemBlocksConstructor {
  new (memory: Memory, options: MemBlocksOptions): MemBlocks;
  prototype: MemBlocks;
}

/**
 * `options.size / options.blockSize` blocks of `blockSize` bytes at
 * `options.base` in `memory`, claimed on the port (claimRegion) until the
 * add-on's close(). Throws EINVAL naming the argument: memory not a Memory
 * port; options not an object; blockSize not a power of two in [4, 2^30];
 * base not a non-zero address aligned to blockSize; size not a whole
 * number of blocks, 1 to 2^26 of them and at most 2 GiB; the region passing
 * 2^32 or outside the port's memory. Throws EBUSY when the region overlaps
 * one another live allocator of `memory` manages. O(numBlocks / 32).
 */
export var MemBlocks: MemBlocksConstructor = function (this: MemBlocks, memory: Memory, options: MemBlocksOptions) {
  if (!memory || typeof memory !== "object" || typeof memory.read8 !== "function") {
    fail("EINVAL", "memory must be a Memory port (an object with read8, write8, …), got " + memory);
  }
  if (!options || typeof options !== "object") fail("EINVAL", "options must be an object {base, size, blockSize}, got " + options);
  var base = options.base,
    size = options.size,
    z = options.blockSize,
    n = size / z,
    nw = (n + 31) >> 5,
    w,
    i;
  if (!(z >= 4 && z <= 0x40000000 && (z & (z - 1)) === 0 && (z | 0) === z))
    fail("EINVAL", "blockSize must be a power of two in [4, 2^30], got " + z);
  if (!(base === base >>> 0 && base)) fail("EINVAL", "base must be a non-zero 32-bit unsigned address, got " + base);
  if (base % z) fail("EINVAL", "base must be aligned to blockSize (" + z + "), got 0x" + base.toString(16));
  if (!(typeof size === "number" && n >= 1 && n % 1 === 0)) {
    fail("EINVAL", "size must be a whole number of blocks (a positive multiple of blockSize " + z + "), got " + size);
  }
  if (size > 0x80000000 || n > 0x4000000) fail("EINVAL", "size must be at most 2^31 bytes (2 GiB) and 2^26 blocks, got " + size);
  if (base + size > 0x100000000) fail("EINVAL", "base + size must not pass 2^32, got 0x" + (base + size).toString(16));
  claimRegion(memory, base, size, this);
  // ESPRUINO: the two hot methods as the instance's first properties: a
  // method found on the prototype is looked up after every instance field
  // and wrapped in a new name each call (jspGetNamedFieldInParents,
  // src/jsparse.c), 4% of an allocBlock + freeBlock pair. Then the hot
  // fields: a property read scans them in creation order.
  this.allocBlock = this.allocBlock;
  this.freeBlock = this.freeBlock;
  this._w = w = zeros(2 * nw + 3, hasTypedArrays && Int32Array);
  this._h = 1;
  this._t = new (w as any).constructor(37); // the same kind of array as the factory's (Int32Array, or Array)
  this._a = base;
  this._s = 0;
  this._l = n + 32;
  this._b = base - 32 * z;
  this._z = z;
  this.memory = memory;
  this.base = base;
  this.size = size;
  this.blockSize = z;
  this.numBlocks = n;
  this.lastError = 0;
  this._p = 0;
  this._x = null;
  this._n = 0;
  w[nw] = n & 31 ? -1 << (n & 31) : 0; // the bits past numBlocks, set
  w[nw + 1] = -1;
  for (i = nw + 2; i < 2 * nw + 3; i++) w[i] = 1;
  for (i = 0; i < 31 && i < n; i++) this._t[(1 << i) % 37] = i * z;
} as any;

// allocBlock: see the MemBlocks interface above.
MemBlocks.prototype.allocBlock = function (this: MemBlocks): number {
  // y | y + 1 is y with its lowest clear bit set; u ^ y that bit alone.
  // Anything else (the word fills up, no free block, a new peak, watchers)
  // goes the general way: allocate. ESPRUINO: when only bit 31 is clear,
  // y + 1 is 2^31, a float there; `|` converts it through a long long cast
  // (jsvGetInteger, src/jsvar.c), which wraps to -2^31 as ToInt32 does, so
  // u is still -1
  var y = this._w[this._h],
    u = y | (y + 1);
  if (~u && this._s > 0) return ((this._w[this._h] = u), this._s--, this._t[(u ^ y) % 37] + this._a);
  return this.allocate(1);
};

// freeBlock: see the MemBlocks interface above.
MemBlocks.prototype.freeBlock = function (this: MemBlocks, address: number): number {
  // k: the bit index in _w (block + 32; a fraction for an interior
  // address, which >>, & and << truncate). Not a number ("0x2…" - base is
  // one, NaN is not equal to itself), past the limit, below the region (the
  // guard word), a free block, a full word: freeContiguous sorts it out.
  // ESPRUINO: shift counts are masked (& 31): the ARM build's shift by 32
  // or more is not JavaScript's; and reading a typed array at a negative
  // index throws there (freeBlock(0) below the region), hence k >= 0
  var k = (address - this._b) / this._z,
    m = 1 << (k & 31),
    x;
  if (address === +address && k < this._l && k >= 0 && (x = this._w[k >> 5]) & m && ~x) return ((this._w[k >> 5] = x ^ m), this._s++, 0);
  return this.freeContiguous(address, 1);
};

// _run: see the MemBlocks interface above.
MemBlocks.prototype._run = function (this: MemBlocks, k: number, n: number): number {
  var w = this._w,
    o = w.length >> 1,
    want = n > 0 ? 0 : -1,
    e = (n ? k + (n < 0 ? -n : n) : this.numBlocks) + 32,
    list = this._x,
    b = list ? -0x10000000 : 0,
    pass = 0,
    i,
    j,
    m,
    x;
  for (; pass < 2; pass++) {
    for (i = k + 32; i < e; i = j + 32) {
      j = i & -32; // bit 0 of i's word
      m = (e - j > 31 ? -1 : (1 << (e - j)) - 1) & (-1 << (i & 31)); // the bits of [i, e) in that word
      x = w[j >> 5];
      if (pass) w[o + (j >> 5)] = ~(w[j >> 5] = x ^ m) ? 1 : 0;
      else if ((x = (x ^ want) & m)) return j - 32 + ((x &= -x) < 0 ? 31 : this._t[x % 37] / this._z); // the lowest such bit
    }
    if (!n) return -1;
  }
  // the hint. Taken blocks were free, so at or above the hint's word: the
  // new hint is the first word from there whose flag is 1 (the sentinel's
  // at worst). Given back blocks lower it to k's word if below.
  if (n > 0) {
    i = o + this._h;
    if ((w as any).indexOf)
      i = (w as any).indexOf(1, i); // DUKTAPE: typed arrays without indexOf
    else while (w[i] !== 1) i++;
    i -= o;
  } else i = (k >> 5) + 1 < this._h ? (k >> 5) + 1 : this._h;
  this._h = i;
  this._a = this._b + i * 32 * this._z;
  // the usage counter and the peak (bias b: see _s), the watchers
  if ((this._s -= n) < b) {
    this._p -= this._s - b;
    this._s = b;
  }
  if (list) {
    for (i = 0; i < list.length; i++) {
      if (n > 0) list[i].onAlloc(this.base + k * this._z, n * this._z, this);
      else list[i].onFree(this.base + k * this._z, -n * this._z, this);
    }
  }
  return -1;
};

// allocate: see the MemBlocks interface above.
MemBlocks.prototype.allocate = function (this: MemBlocks, size: number, alignment?: number, hint?: number): number {
  var z = this._z,
    n = this.numBlocks,
    k = -1,
    y;
  if (
    !(size === size >>> 0 && size && size <= z) ||
    !(alignment === undefined || (alignment === alignment >>> 0 && alignment && !(alignment & (alignment - 1)) && alignment <= z)) ||
    !(hint === undefined || hint === null || hint === hint >>> 0)
  )
    return (this._n++, (this.lastError = -EINVAL), 0);
  if (hint && (k = Math.ceil((hint - this.base) / z)) > 0 && k < n)
    k = this._run(k, 0); // the first free block at or above
  else k = -1;
  // else the lowest free block: the lowest clear bit of the hint's word, unless that is the sentinel
  if (k < 0 && ~(y = this._w[this._h])) k = ((this._h - 1) << 5) + ((y = ~y & (y + 1)) < 0 ? 31 : this._t[y % 37] / z);
  if (k < 0) return (this._n++, (this.lastError = -ENOMEM), 0);
  this._run(k, 1);
  return this.base + k * z;
};

// free: see the MemBlocks interface above.
MemBlocks.prototype.free = function (this: MemBlocks, address: number): number {
  var k = (address - this.base) / this._z;
  if (typeof address !== "number") return (this._n++, (this.lastError = -EINVAL));
  if (address === 0) return 0;
  if (!(k >= 0 && k < this.numBlocks) || k % 1 || this._run(k, -1) >= 0) return (this._n++, (this.lastError = -EFAULT));
  return 0;
};

// stats: see the MemBlocks interface above.
MemBlocks.prototype.stats = function (this: MemBlocks, out?: AllocStats): AllocStats {
  if (out !== undefined && (out === null || typeof out !== "object"))
    fail("EINVAL", "out must be an object to receive the statistics, got " + out);
  var s = out || ({} as AllocStats),
    n = this._p - this._s + (this._x ? -0x10000000 : 0);
  s.used = n * this._z;
  s.free = this.size - s.used;
  s.peak = this._p * this._z;
  s.count = n;
  s.failures = this._n;
  return s;
};

// watch: see the MemBlocks interface above.
MemBlocks.prototype.watch = function (this: MemBlocks, watcher: Watcher): number {
  if (!watcher || typeof watcher.onAlloc !== "function" || typeof watcher.onFree !== "function") return (this.lastError = -EINVAL);
  if (!this._x) {
    // blocks in use stay _p - _s + bias: the bias becomes -2^28
    this._s -= 0x10000000;
    this._l = 0;
  }
  this._x = (this._x || []).concat([watcher]);
  return 0;
};

// allocBlocks: see the MemBlocks interface above.
MemBlocks.prototype.allocBlocks = function (this: MemBlocks, count: number, out: number[]): number {
  var n = this.numBlocks,
    k = 0,
    j = 0,
    a;
  if (out === null || typeof out !== "object" || typeof out.length !== "number")
    fail("EINVAL", "out must be an array of addresses, got " + out);
  if (count !== count >>> 0) return (this._n++, (this.lastError = -EINVAL));
  if (count > n - this._p + this._s - (this._x ? -0x10000000 : 0)) return (this._n++, (this.lastError = -ENOMEM));
  if (out.length < count && !(out instanceof Array))
    fail("EINVAL", "out has room for " + (out as any).length + " addresses, count is " + count);
  for (; k < count; k++, j++) {
    a = this.base + (j = this._run(j, 0)) * this._z;
    try {
      out[k] = a; // throws in strict code when out is frozen; is ignored in sloppy code
    } catch (e) {
      // read back below
    }
    if (out[k] !== a)
      fail(
        "EINVAL",
        "out must keep the addresses written to it: entry " + k + " did not (frozen, read-only or too narrow?); no block was taken"
      );
  }
  for (k = 0; k < count; k++) this._run((out[k] - this.base) / this._z, 1);
  return 0;
};

// freeBlocks: see the MemBlocks interface above.
MemBlocks.prototype.freeBlocks = function (this: MemBlocks, count: number, addresses: number[]): number {
  var n = this.numBlocks,
    w = this._w,
    k = 0,
    b,
    i;
  if (addresses === null || typeof addresses !== "object" || typeof addresses.length !== "number") {
    fail("EINVAL", "addresses must be an array of addresses, got " + addresses);
  }
  if (count !== count >>> 0 || count > n) return (this._n++, (this.lastError = -EINVAL));
  if (addresses.length < count) fail("EINVAL", "addresses holds " + addresses.length + " entries, count is " + count);
  // every entry's block must be taken and none may repeat: each bit is
  // cleared as it is checked (so a repeat finds it clear), then all are set
  // again, and only then given back for good
  for (; k < count; k++) {
    b = (addresses[k] - this._b) / this._z; // the bit index in _w
    if (typeof addresses[k] !== "number" || !(b >= 32 && b < n + 32) || !(w[b >> 5] & (1 << (b & 31)))) break;
    w[b >> 5] ^= 1 << (b & 31);
  }
  for (i = k; i--; ) {
    b = (addresses[i] - this._b) / this._z;
    w[b >> 5] ^= 1 << (b & 31);
  }
  if (k < count) return (this._n++, (this.lastError = -EFAULT));
  for (k = 0; k < count; k++) this._run(((addresses[k] - this.base) / this._z) | 0, -1);
  return 0;
};

// allocContiguous: see the MemBlocks interface above.
MemBlocks.prototype.allocContiguous = function (this: MemBlocks, count: number): number {
  var w = this._w,
    end = w.length >> 1,
    i = this._h,
    run = 0,
    k = 0,
    x,
    r,
    s;
  if (count !== count >>> 0 || !count) return (this._n++, (this.lastError = -EINVAL), 0);
  // First fit, a word at a time from the hint's (the words below are full):
  // the `run` free blocks from block k end at the top of the word before i.
  for (; i < end && count <= this.numBlocks; i++) {
    x = ~w[i]; // this word's free blocks (the bits past numBlocks and the sentinel read taken)
    if (x === -1) {
      // all 32 free: the run grows
      if (!run) k = (i - 1) << 5;
      if ((run += 32) < count) continue;
    } else if (!(run && (s = count - run) < 32 && (x & (s = ((1 << s) - 1) | 0)) === s)) {
      // else it ends in this word unless its lowest blocks complete it (| 0: for
      // s = 31, (1 << 31) - 1 is -2^31 - 1, which & reads as 2^31 - 1 but === does not)
      // a run inside this word: r keeps bit p while blocks p .. p + count - 1 are free (>>> shifts in taken blocks)
      for (r = count > 32 ? 0 : x, s = 1; r && s + s <= count; s += s) r &= r >>> s;
      if (r && s < count) r &= r >>> (count - s);
      if (r) k = ((i - 1) << 5) + ((r &= -r) < 0 ? 31 : this._t[r % 37] / this._z);
      else {
        // the free blocks at the top of this word start the next run: 31 - (its highest taken block)
        run = 0;
        if (x < 0) {
          r = ~x;
          r |= r >>> 1;
          r |= r >>> 2;
          r |= r >>> 4;
          r |= r >>> 8;
          r |= r >>> 16; // 2^(b + 1) - 1 for the highest taken block b < 31
          run = 32 - (++r === 0x80000000 ? 31 : this._t[r % 37] / this._z);
          k = (i << 5) - run;
        }
        continue;
      }
    }
    this._run(k, count); // free blocks: taken, with the bookkeeping
    return this.base + k * this._z;
  }
  return (this._n++, (this.lastError = -ENOMEM), 0);
};

// freeContiguous: see the MemBlocks interface above.
MemBlocks.prototype.freeContiguous = function (this: MemBlocks, address: number, count: number): number {
  var n = this.numBlocks,
    k = (address - this.base) / this._z;
  if (count !== count >>> 0 || count > n || typeof address !== "number") return (this._n++, (this.lastError = -EINVAL));
  if (!count || address === 0) return 0;
  if (!(k >= 0 && k < n)) return (this._n++, (this.lastError = -EFAULT));
  if ((k |= 0) + count > n) return (this._n++, (this.lastError = -EINVAL));
  if (this._run(k, -count) >= 0) return (this._n++, (this.lastError = -EFAULT));
  return 0;
};

// The hot paths above are Espruino's, which reads the source text on every
// call: there a `var` costs about as much as a statement and a property
// read little, so they read this._w and this._h again instead of keeping
// them. Every other engine compiles functions first (to bytecode: Duktape,
// QuickJS, JerryScript, mujs; to machine code: V8, JavaScriptCore,
// SpiderMonkey), where a local is a register and a property read costs the
// most: there the same steps keep the fields in locals, and handle a word
// that fills up or stops being full inline (DUKTAPE: 7,879 -> 6,260
// instructions per fixed32 op of the benchmark, driver included; the locals
// would cost Espruino 4% per pair). Engines with machine code and clz32 (the
// ones with WebAssembly) also find the bit's index with clz32, one
// instruction, where the table read costs 10-15% more per op; interpreters
// keep the table even when they have clz32 (DUKTAPE: the native call costs
// 11% more per op than the table read). Every version gives the same
// results; each is created only on the engines that run it (Espruino has
// peek32), and the others stay reachable for the tests as _allocEspruino,
// _freeEspruino and _allocTab.
declare var WebAssembly: any, peek32: any;
if (typeof peek32 !== "function") {
  // ESPRUINO keeps the versions above
  MemBlocks.prototype._allocEspruino = MemBlocks.prototype.allocBlock;
  MemBlocks.prototype._freeEspruino = MemBlocks.prototype.freeBlock;
  MemBlocks.prototype.allocBlock = function (this: MemBlocks): number {
    var w = this._w,
      h = this._h,
      y = w[h],
      u = y | (y + 1);
    if (y !== -1 && --this._s >= 0) {
      // a free block in the hint's word, no new peak, no watcher. DUKTAPE:
      // compares and arithmetic instead of ~ and ^ where they give the same
      // (a bit operation converts its operands through ToInt32)
      w[h] = u;
      if (u !== -1) return this._t[(u - y) % 37] + this._a; // the word has a free block left, so the bit taken (u - y, = u ^ y) is below 31
      y = ((u ^= y) < 0 ? 31 * this._z : this._t[u % 37]) + this._a; // u: the bit taken; y: its block's address
      this._full(h);
      return y;
    }
    if (~y) this._s++; // the count moved: allocate counts the block itself
    return this.allocate(1);
  };
  MemBlocks.prototype.freeBlock = function (this: MemBlocks, address: number): number {
    var w = this._w,
      k = (address - this._b) / this._z,
      i = k >> 5,
      m = 1 << k, // the count is taken & 31, as ToUint32(k) & 31 = k & 31 (ESPRUINO's shift is not, but this version is not Espruino's)
      x = w[i]; // x is read before the range check: a bad index reads undefined
    if (address === +address && k < this._l && x & m) {
      w[i] = x ^ m;
      ++this._s;
      if (x === -1) {
        // the word was full: its flag 1, and the hint down to it
        w[(w.length >> 1) + i] = 1;
        if (i < this._h) {
          this._h = i;
          this._a = this._b + i * 32 * this._z;
        }
      }
      return 0;
    }
    return this.freeContiguous(address, 1);
  };
  /** Word h (the hint's) is full: its flag 0, the hint to the next word with a free block (the sentinel's flag ends the search). */
  MemBlocks.prototype._full = function (this: MemBlocks, h: number): void {
    var w = this._w,
      o = w.length >> 1,
      i = o + h;
    w[i] = 0;
    if ((w as any).indexOf)
      i = (w as any).indexOf(1, i); // DUKTAPE: typed arrays without indexOf
    else while (w[i] !== 1) i++;
    this._h = i -= o;
    this._a = this._b + i * 32 * this._z;
  };
  if (typeof WebAssembly === "object" && typeof (Math as any).clz32 === "function") {
    MemBlocks.prototype._allocTab = MemBlocks.prototype.allocBlock;
    MemBlocks.prototype.allocBlock = function (this: MemBlocks): number {
      var w = this._w,
        h = this._h,
        y = w[h],
        u = y | (y + 1);
      if (~y && --this._s >= 0) {
        w[h] = u;
        y = this._a + (31 - (Math as any).clz32(u ^ y)) * this._z;
        if (w[h] === -1) this._full(h);
        return y;
      }
      if (~y) this._s++;
      return this.allocate(1);
    };
  }
}

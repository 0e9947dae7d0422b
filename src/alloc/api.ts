/**
 * The allocator contract: what every ramkit allocator (MemBlocks, Onesize,
 * GranularHeap, MemoryManager, and the layers built on them in src/power and
 * src/fw) offers, with one meaning for every argument, return value and
 * error code. Each allocator adds its own design's verbs on top (Zephyr's
 * scatter-gather and contiguous runs, amast's allocateX and releaseRange, the
 * seed's allocateShared); those are documented with the allocator.
 *
 * The rules, stated once (tested on every allocator by
 * test/contract.test.ts and on every engine by the conformance parts):
 *
 * Construction
 * - `new X(memory, options)`: a HAL `Memory` port and an options object
 *   whose `base` and `size` give the region [base, base + size). Every
 *   configuration mistake throws an Error whose `.code` is "EINVAL" and
 *   whose message names the option. A region that is not inside the port's
 *   memory throws EINVAL naming both ranges; a region that overlaps one a
 *   live allocator of the same port already manages throws EBUSY naming both
 *   ranges (see claimRegion in ../hal/claims.ts). `close()` gives the region
 *   back.
 *
 * Allocation
 * - `allocate(size, alignment?, hint?)` returns an address, or 0. 0 is never
 *   a valid address. On 0, `lastError` says why: -EINVAL for a request the
 *   allocator can never satisfy (size not an integer in [1, 2^32), larger
 *   than a fixed-block allocator's block, alignment not a power of two or
 *   beyond what the allocator can give, hint not an address), -ENOMEM for no
 *   room now; the call changes nothing but `lastError` and the failure count.
 *   `alignment` defaults to the allocator's natural alignment (its block or
 *   granule). `hint` steers placement (the bank manager packs live data into
 *   few RAM sections with it): the allocator takes the first fit at or above
 *   `hint`, and falls back to its own placement when there is none; 0,
 *   null or undefined means no hint. A pool whose order is its design
 *   (Onesize's LIFO list) ignores it and says so.
 * - `free(address)` returns 0, or a negative errno and changes nothing:
 *   -EFAULT when the address is not the start of a live allocation of this
 *   allocator (foreign, interior, double free), -EINVAL when it is not a
 *   number. `free(0)` is a no-op that returns 0, as C's free(NULL), so that
 *   `free(allocate(n))` is always safe.
 * - Every failed call (allocate returning 0, free returning < 0) sets
 *   `lastError` to its negative errno; successful calls leave it alone (as C's
 *   errno). `clearError()`-style resets are not needed: compare the failure
 *   count, or set `lastError = 0` yourself.
 *
 * Geometry and statistics
 * - `base`, `size` (bytes managed) and `blockSize` (the block, or the granule
 *   of a heap: the unit every allocation is rounded up to) are read-only
 *   properties.
 * - `stats(out?)` fills and returns one shape, AllocStats: bytes in use, free
 *   bytes, peak bytes in use, live allocations, failed calls. `resetPeak()`
 *   sets the peak to what is in use now and the failure count to 0.
 * - `owns(address)`: whether the address is inside the region (not whether
 *   it is allocated).
 *
 * Watching
 * - `watch(watcher)` adds a Watcher whose `onAlloc(address, bytes, allocator)`
 *   runs after every successful allocation and `onFree(address, bytes,
 *   allocator)` after every successful free, with the bytes charged (whole
 *   blocks or granules), from every allocating and freeing verb, the extras
 *   included. `unwatch(watcher)` removes it (0, or -ENOENT). The bank manager
 *   and the trace recorder use this; nobody wraps an allocator.
 *   A watcher must not throw and must not allocate from the allocator it
 *   watches.
 *
 * Checking
 * - `invariantsHold()`: cheap checks of the counters, O(1).
 * - `validate()`: the full check, null when all is well, else a message that
 *   names the first problem.
 *
 * Lean board bundles and the debug add-on
 * - On a board every function costs RAM (about 6 blocks of an Espruino's
 *   2,630 on a Puck.js, whatever its length), so the board bundles carry the
 *   members a production program calls: the constructor, `allocate`, `free`,
 *   `stats`, `watch`, the properties, and the design's own verbs. `owns`,
 *   `resetPeak`, `unwatch`, `close`, `invariantsHold` and `validate` come
 *   with the debug add-on (src/debug, `require("ramkit-debug")` on a board),
 *   which installs them on the same classes; the layers that implement the
 *   contract (BankManager, BufferManager) follow the same split. On the host (the Node build,
 *   the simulator, the tests) the add-on is always installed, so every
 *   allocator implements `Allocator & Checkable` there.
 */
import type { Memory } from "../hal/ports.js";

/** One statistics shape for every allocator, in bytes (as charged: whole blocks or granules). */
export interface AllocStats {
  /** Bytes in live allocations. */
  used: number;
  /** Bytes not in live allocations (size − used, less anything taken out of service). */
  free: number;
  /** The highest `used` since construction or the last resetPeak(). */
  peak: number;
  /** Live allocations (blocks for a block allocator, allocations for a heap). */
  count: number;
  /** Calls that failed (allocate returning 0, free returning < 0) since construction or the last resetPeak(). */
  failures: number;
}

/** Sees every allocation and free of the allocators it watches (see Allocator.watch). */
export interface Watcher {
  /** After a successful allocation of `bytes` (charged) at `address`. */
  onAlloc(address: number, bytes: number, allocator: Allocator): void;
  /** After a successful free of `bytes` (charged) at `address`. */
  onFree(address: number, bytes: number, allocator: Allocator): void;
}

/** Options every allocator's constructor takes (each adds its own). */
export interface RegionOptions {
  /** First address of the region: a non-zero 32-bit unsigned address. */
  base: number;
  /** Bytes in the region. */
  size: number;
}

/** The contract: see the comment at the top of this file. */
export interface Allocator {
  /**
   * The memory port the region lives in; null while a layer that gets its
   * region later (a MemoryManager before initNormal, a BankManager before
   * manage, a BufferManager before setup) has none.
   */
  readonly memory: Memory | null;
  /** First address of the region. */
  readonly base: number;
  /** Bytes managed. */
  readonly size: number;
  /** The unit allocations are rounded up to: the block, or the heap's granule. */
  readonly blockSize: number;
  /** Negative errno of the most recent failed call, 0 before any. */
  lastError: number;
  /** An address of at least `size` bytes, or 0 (see lastError). */
  allocate(size: number, alignment?: number, hint?: number): number;
  /** 0, or a negative errno (nothing changed). free(0) is a no-op. */
  free(address: number): number;
  /** Whether `address` lies in [base, base + size). */
  owns(address: number): boolean;
  /** The statistics, written into `out` when given. */
  stats(out?: AllocStats): AllocStats;
  /** Peak := used now; failures := 0. */
  resetPeak(): void;
  /** Add a watcher (0; -EINVAL when it has no onAlloc/onFree functions). */
  watch(watcher: Watcher): number;
  /** Remove a watcher: 0, or -ENOENT. */
  unwatch(watcher: Watcher): number;
  /** Give the region back (its claim on the memory port ends): 0, or -EBUSY while allocations are live. */
  close(): number;
}

/** What the debug add-on adds to every allocator (always present on the host). */
export interface Checkable {
  /** Cheap checks of the counters. O(1). */
  invariantsHold(): boolean;
  /** Full check: null, or a message naming the first problem. */
  validate(): string | null;
}

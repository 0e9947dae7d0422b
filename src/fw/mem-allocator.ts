/**
 * F´'s MemAllocator interface over ramkit: memory for a component's
 * set-up, asked for by an identifier (the asking entity), with the size
 * actually granted and whether it survives a reset given back to the caller.
 * Behaviour follows F´'s `Fw::MemAllocator` and `Fw::MallocAllocator`
 * (nasa/fprime, Fw/Types/MemAllocator.hpp and MallocAllocator.hpp).
 *
 * - `MemAllocatorAdapter`: any ramkit allocator (the allocator contract,
 *   ../alloc/api.ts) as a MemAllocator: MemBlocks, Onesize, GranularHeap,
 *   MemoryManager, a BufferManager.
 * - `SystemAllocator`: F´'s MallocAllocator. Without a memory port it takes
 *   each allocation as a fresh array from the engine's own heap; with one it
 *   is a GranularHeap over a region of it (the simulator passes the board's
 *   system region).
 * - `lockAllocations()` / `unlockAllocations()`: the init-phase lock. Flight
 *   software allocates during set-up only; once locked, every MemAllocator
 *   allocation fails with -EPERM and is counted in `allocationLock.refused`,
 *   so a program can show that it allocated nothing after start-up.
 *
 * Board cost: the lock, the adapter and the SystemAllocator are six
 * functions; the bookkeeping is three plain arrays per allocator, one entry
 * per live allocation (set-up allocations are few and long-lived).
 */
import type { Allocator } from "../alloc/api.js";
import type { Memory } from "../hal/ports.js";
import type { Board } from "../core/board.js";
import { GranularHeap } from "../alloc/granular-heap.js";
import { EINVAL, ENOMEM, EFAULT, EPERM, fail, checkAddress, checkInt } from "../core/errors.js";
import { hasTypedArrays, zeros } from "../core/storage.js";

// ESPRUINO: the engine's `E` object (E.getAddressOf); absent elsewhere.
declare var E: any;

/**
 * What `allocate` takes besides the size, and where it writes what it
 * granted: pass one object (it may be reused call after call; nothing is
 * allocated per call on the board). F´ passes `size` and `recoverable` by
 * reference; these are those references.
 */
export interface MemRequest {
  /** In: the address must be a multiple of this power of two. Default: the allocator's natural alignment (its block or granule; 8 or more for SystemAllocator). */
  alignment?: number;
  /** Out: bytes granted: the size asked for, less when the allocator could give only less (only then, and only when a request object is given), 0 on failure. */
  size?: number;
  /** Out: whether the memory survives a processor reset and may hold data from before it (the adapter's `recoverable` option; false for SystemAllocator). */
  recoverable?: boolean;
  /** Out: the engine array holding the bytes, for SystemAllocator's engine-heap mode; null otherwise (reach the bytes through the allocator's `memory` port). */
  array?: any;
}

/**
 * F´'s MemAllocator. Implementations: MemAllocatorAdapter, SystemAllocator,
 * or any object with these two functions (a test double, a wrapper).
 */
export interface MemAllocator {
  /**
   * Memory for the entity `identifier` (an integer in [-2^31, 2^31); the
   * same entity may ask again; deallocate needs the same identifier): the
   * address, or 0. `req` gives the alignment and receives the size granted
   * and the recoverable flag.
   */
  allocate(identifier: number, size: number, req?: MemRequest): number;
  /** Give back `address` from allocate with its identifier: 0 or a negative errno. */
  deallocate(identifier: number, address: number): number;
  /** The port the addresses are in (null when the memory is engine arrays). */
  memory?: Memory | null;
  /** Negative errno of the last failed call. */
  lastError?: number;
}

/** Options of MemAllocatorAdapter. */
export interface AdapterOptions {
  /** Whether the allocator's region keeps its contents through a processor reset (retained RAM, a .noinit region); reported as `recoverable`. Default false. */
  recoverable?: boolean;
}

/** Options of SystemAllocator with a memory port: a region, or a board to take the system region from. */
export interface SystemAllocatorOptions {
  base?: number;
  size?: number;
  /** The board whose system region to use when base and size are not given (see SystemAllocator). */
  board?: Board;
}

/** The init-phase lock: `locked`, and `refused`, the allocations refused since lockAllocations(). Read it; change it with the two functions. */
export var allocationLock = { locked: false, refused: 0 };

/** From now on every MemAllocator allocation fails with -EPERM and is counted (allocationLock.refused restarts at 0). Deallocation stays allowed (teardown). */
export function lockAllocations(): void {
  allocationLock.locked = true;
  allocationLock.refused = 0;
}

/** End the lock explicitly; returns the number of allocations it refused. */
export function unlockAllocations(): number {
  allocationLock.locked = false;
  return allocationLock.refused;
}

// ESPRUINO: chosen once at load; E.getAddressOf exists on Espruino only.
var hasAddressOf = typeof E !== "undefined" && typeof E.getAddressOf === "function";
/** Where SystemAllocator's engine-heap handles start on engines that cannot report an address. */
var HANDLE_BASE = 0x10000000;

/**
 * A ramkit allocator (the allocator contract) as an F´ MemAllocator.
 *
 * allocate(identifier, size, req?) asks the allocator for `size` bytes with
 * `req.alignment` through the contract's `allocate(size, alignment)`, except
 * on a MemBlocks for more than one block, which takes a contiguous run
 * (allocContiguous, its run length remembered for deallocate). A fixed-block
 * pool (Onesize: it refuses a size above its block with -EINVAL) grants one
 * block, `req.size` = the block size, less than asked: F´ lets an allocator
 * grant less and makes the caller check. Without `req` the caller could not
 * check, so then the request fails instead. The memory is in
 * `memory` (the allocator's port).
 *
 * The adapter owns no memory; `allocator` stays reachable for its
 * statistics, watchers and close(). Every allocation is recorded with its
 * identifier, so deallocate refuses a foreign address and a wrong
 * identifier.
 */
export class MemAllocatorAdapter implements MemAllocator {
  /** The contract allocator served (null in SystemAllocator's engine-heap mode). */
  allocator: Allocator | null;
  /** Its memory port (null in SystemAllocator's engine-heap mode). */
  memory: Memory | null;
  /** Reported as `req.recoverable` for every allocation. */
  recoverable: boolean;
  /** Negative errno of the last failed call: -EINVAL, -ENOMEM, -EPERM (locked), -EFAULT; 0 before any. */
  lastError: number;
  /** Live allocations: address, identifier, and the MemBlocks run length (blocks), the engine array, or 0. */
  _addr: number[];
  _id: number[];
  _x: any[];
  /** Next handle (SystemAllocator on engines without E.getAddressOf). */
  _next: number;

  /** (debug add-on) null, or a message naming the first inconsistency of the records. */
  declare validate: () => string | null;
  /** (debug add-on) The live allocations as {identifier, address, extra}. */
  declare live: () => { identifier: number; address: number; extra: any }[];

  /**
   * Serve `allocator` (an object with the contract's allocate and free
   * functions). Throws EINVAL naming the argument otherwise, or when
   * `options` is given and is not an object. O(1).
   */
  constructor(allocator: Allocator, options?: AdapterOptions) {
    if (!allocator || typeof allocator.allocate !== "function" || typeof allocator.free !== "function") {
      fail("EINVAL", "allocator must be a ramkit allocator (with allocate and free functions), got " + allocator);
    }
    if (options !== undefined && (options === null || typeof options !== "object"))
      fail("EINVAL", "options must be an object {recoverable}, got " + options);
    this.allocator = allocator;
    this.memory = allocator.memory || null;
    this.recoverable = !!(options && options.recoverable);
    this.lastError = 0;
    this._addr = [];
    this._id = [];
    this._x = [];
    this._next = HANDLE_BASE;
  }

  /**
   * `size` bytes (an integer in [1, 2^32)) for the entity `identifier` (an
   * integer in [-2^31, 2^31)): the address, or 0. When `req` is given (not
   * undefined or null: it must then be an object) its
   * `alignment` (a power of two) is taken, and `size`, `recoverable` and
   * `array` are written (size 0 on failure). On 0, lastError: -EINVAL (a bad
   * argument, or a request the allocator can never satisfy), -ENOMEM (no
   * room), -EPERM (allocations are locked; counted in allocationLock.refused).
   * Throws nothing. O(the allocator's allocate).
   */
  allocate(identifier: number, size: number, req?: MemRequest): number {
    var A = this.allocator,
      bs = A === null ? 0 : A.blockSize,
      al = req ? req.alignment : undefined,
      a = 0,
      g = size,
      x: any = 0,
      e = 0,
      m,
      p;
    if (req !== undefined && req !== null && typeof req === "object") {
      req.size = 0;
      req.recoverable = false;
      req.array = null;
    }
    if (
      identifier !== (identifier | 0) ||
      size !== size >>> 0 ||
      size === 0 ||
      (req !== undefined && req !== null && typeof req !== "object") ||
      !(al === undefined || (al === al >>> 0 && al !== 0 && (al & (al - 1)) === 0))
    ) {
      e = -EINVAL;
    } else if (allocationLock.locked) {
      allocationLock.refused++;
      e = -EPERM;
    } else if (A === null) {
      // the engine heap: a fresh array, at an address aligned to m + 1
      m = (al === undefined || al < 8 ? 8 : al) - 1;
      try {
        if (hasAddressOf) {
          // ESPRUINO: at least 64 bytes, so that the array is one flat run
          // of RAM; E.getAddressOf gives 0 when it is not
          x = zeros(size + m < 64 ? 64 : size + m, hasTypedArrays && Uint8Array);
          p = E.getAddressOf(x, true) >>> 0;
          if (p !== 0) {
            a = ((p + m) & ~m) >>> 0;
            x = x.subarray(a - p, a - p + size);
          }
        } else {
          a = ((this._next + m) & ~m) >>> 0;
          if (a < this._next || a + size > 0xffffffff)
            a = 0; // handles used up
          else {
            x = zeros(size, hasTypedArrays && Uint8Array);
            this._next = a + size;
          }
        }
      } catch (err) {
        a = 0; // the engine is out of memory
      }
      if (a === 0) e = -ENOMEM;
    } else if (size > bs && typeof (A as any).allocContiguous === "function") {
      // a MemBlocks run (runs start on a block, so any alignment up to the block holds)
      if (al !== undefined && al > bs) e = -EINVAL;
      else if ((a = (A as any).allocContiguous((x = Math.floor((size - 1) / bs) + 1))) === 0) e = A.lastError;
    } else if ((a = A.allocate(size, al)) === 0) {
      e = A.lastError;
      // a fixed-block pool refuses more than its block: grant one block when the caller can see the size
      if (e === -EINVAL && req && size > bs) {
        if ((a = A.allocate(bs, al)) !== 0) g = bs;
        else e = A.lastError;
      }
    }
    if (a === 0) {
      this.lastError = e < 0 ? e : -ENOMEM;
      return 0;
    }
    this._addr.push(a);
    this._id.push(identifier);
    this._x.push(x);
    if (req) {
      req.size = g;
      req.recoverable = this.recoverable;
      if (A === null) req.array = x;
    }
    return a;
  }

  /**
   * Give back `address` (from this allocator's allocate) of entity
   * `identifier`: 0; deallocate(id, 0) is a no-op returning 0. -EFAULT when
   * the address is not a live allocation of this allocator (foreign,
   * interior, twice); -EINVAL when an argument is not an integer or the
   * identifier is not the one that allocated it (F´: deallocate takes the
   * allocating entity's identifier). A refused call changes nothing but
   * lastError. Allowed while allocations are locked. O(live allocations).
   */
  deallocate(identifier: number, address: number): number {
    var A = this.allocator,
      i = -1,
      r = 0,
      x;
    if (identifier !== (identifier | 0) || typeof address !== "number") r = -EINVAL;
    else if (address === 0) return 0;
    else if ((i = this._addr.indexOf(address)) < 0) r = -EFAULT;
    else if (this._id[i] !== identifier) r = -EINVAL;
    else if (A !== null) {
      x = this._x[i];
      r = x ? (A as any).freeContiguous(address, x) : A.free(address);
    }
    if (r !== 0) return (this.lastError = r);
    this._addr.splice(i, 1);
    this._id.splice(i, 1);
    this._x.splice(i, 1);
    return 0;
  }
}

/**
 * F´'s MallocAllocator: the default SYSTEM allocator of the registry.
 *
 * - `new SystemAllocator()` (on a board): each allocation is a fresh byte
 *   array from the engine's own heap (a Uint8Array; a plain array where the
 *   engine has no typed arrays), handed out in `req.array`. The address
 *   reported is where its data lies in RAM, `E.getAddressOf(array, true)`,
 *   on Espruino (allocations are made at least 64 bytes long so that
 *   Espruino keeps them in one flat run; -ENOMEM when it cannot); on other
 *   engines, which cannot report one, it is a handle: a unique, aligned,
 *   never reused number counting up from 0x10000000, not a RAM address.
 *   `memory` is null: reach the bytes through the array. The array is freed
 *   by the engine's garbage collector after deallocate drops it.
 * - `new SystemAllocator(memory, {base, size})` (on the host and in the
 *   simulator): a GranularHeap over that region of `memory`, served like
 *   any allocator by the adapter. With `{board}` instead of base and size,
 *   the board's system region is used: its named region "system" when the
 *   board file has one, else the range it reserves for Espruino's
 *   variables (kind "espruino-variables": the engine heap that the board's
 *   SystemAllocator draws from, modelled as a heap of its own; the board
 *   files name no other region for it). Throws EINVAL when the board has
 *   neither, plus the GranularHeap's configuration errors.
 *
 * Alignment, as MallocAllocator: at least 8 in engine-heap mode, a larger
 * power of two when asked; the heap's granule (16) in region mode.
 * `recoverable` is always false (engine memory does not survive a reset).
 */
export class SystemAllocator implements MemAllocator {
  allocator: Allocator | null;
  memory: Memory | null;
  recoverable: boolean;
  lastError: number;
  _addr: number[];
  _id: number[];
  _x: any[];
  _next: number;
  declare allocate: (identifier: number, size: number, req?: MemRequest) => number;
  declare deallocate: (identifier: number, address: number) => number;
  /** (debug add-on) null, or a message naming the first inconsistency of the records. */
  declare validate: () => string | null;
  /** (debug add-on) The live allocations as {identifier, address, extra}. */
  declare live: () => { identifier: number; address: number; extra: any }[];

  /** See the class comment. O(1); with a memory port, the GranularHeap's construction. */
  constructor(memory?: Memory, options?: SystemAllocatorOptions) {
    var o = options,
      b,
      r: any = null,
      i,
      base,
      size;
    this.allocator = null;
    this.memory = null;
    if (memory !== undefined && memory !== null) {
      if (!o || typeof o !== "object") fail("EINVAL", "options must be an object {base, size} or {board}, got " + o);
      base = o.base;
      size = o.size;
      if (base === undefined && size === undefined) {
        b = o.board;
        if (!b || typeof b !== "object" || !(b.regions instanceof Array) || !(b.reserved instanceof Array))
          fail("EINVAL", "options.board must be a board (with regions and reserved), or give options.base and options.size");
        for (i = 0; i < b.regions.length && r === null; i++) if (b.regions[i].name === "system") r = b.regions[i];
        for (i = 0; i < b.reserved.length && r === null; i++) if (b.reserved[i].kind === "espruino-variables") r = b.reserved[i];
        if (r === null)
          fail(
            "EINVAL",
            "board " +
              b.name +
              ' has no region named "system" and reserves no range of kind "espruino-variables": give options.base and options.size'
          );
        // the heap's 16-byte granules: round the start up
        base = ((checkAddress(r.base, "the system region's base") + 15) & ~15) >>> 0;
        size = checkInt(r.base + r.size - base, "the system region's size", 16, 0xffffffff);
      }
      this.allocator = new GranularHeap(memory, { base: base as number, size: size as number });
      this.memory = memory;
    }
    this.recoverable = false;
    this.lastError = 0;
    this._addr = [];
    this._id = [];
    this._x = [];
    this._next = HANDLE_BASE;
  }
}
// the adapter's two functions serve both classes (no inheritance: shared prototype members)
SystemAllocator.prototype.allocate = MemAllocatorAdapter.prototype.allocate;
SystemAllocator.prototype.deallocate = MemAllocatorAdapter.prototype.deallocate;

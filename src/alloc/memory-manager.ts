/**
 * MemoryManager: the BasicMemManager design note's manager (public implementation: kitzoo's BasicMemory, github.com/alexw914/kitzoo),
 * built on two GranularHeaps: NORMAL memory and a named SHARED region, and a
 * way to tell which one an address came from.
 *
 * It implements the allocator contract (src/alloc/api.ts) over both heaps:
 * `allocate` takes normal memory, `free` accepts either region, `stats` sums
 * both, the manager's watchers see both (with the manager as `allocator`:
 * its heaps share its watcher list and name it to their watchers); `base`,
 * `size`, `blockSize` and `memory` are the normal region's. The seed's verbs
 * stay as extras: `initNormal`, `initShared`, `allocateShared` (spills to
 * normal memory), `deallocate(address, size)`, `memoryType`, `getInstance`;
 * the shared region's name is the field `sharedName`, its base and size are
 * `sharedHeap`'s.
 *
 * The class holds what a board runs (a function costs RAM on Espruino even
 * when its text stays in flash): the constructor, `allocateShared` and
 * `initNormal` (which is initShared's work with its second argument true);
 * `allocate`, `free` (= `deallocate`), `stats` and `watch` are
 * GranularHeap's functions (see the class). `owns`, `resetPeak`, `unwatch`,
 * `close` (src/alloc/api.ts), the checkers, `lastErrorText()`,
 * `getInstance`, `initShared`, `memoryType` and the design note's getters
 * (`getMemorySizeBytes()`, `getSharedMemoryStartAddress()`,
 * `getSharedMemoryName()`) are the debug add-on's
 * (src/debug/memory-manager.ts; docs/GRANULAR.md says why a production
 * board does without them).
 *
 * Run-time outcomes are values: init calls return 0 or a negative errno,
 * allocations an address or 0, frees 0 or a negative errno, and `lastError`
 * keeps the errno of the last failure. A refused call changes nothing.
 * Unlike the note's public implementation, every bad free is caught (a foreign
 * address, a double free, a wrong size): see docs/GRANULAR.md.
 */
import type { Memory } from "../hal/ports.js";
import type { AllocStats, Watcher } from "./api.js";
import { EBUSY, EEXIST, EINVAL, fail } from "../core/errors.js";
import type { Store } from "../core/storage.js";
import { rangeText } from "../hal/claims.js";
import { GranularHeap, type GranularHeapOptions } from "./granular-heap.js";

/** memoryType(): the address lies in the normal heap's region. */
export var MEMORY_NORMAL = "NORMAL";
/** memoryType(): the address lies in the shared heap's region. */
export var MEMORY_SHARED = "SHARED";
/** memoryType(): neither (not from this manager: a static buffer, another allocator, NULL). */
export var MEMORY_OTHER = "OTHER";

/**
 * Where a heap lives and how it is built: the `Memory` port (default: the
 * manager's), the region [base, base + size), and the GranularHeap options
 * (granule, critical-section hooks, metadata stores, attach).
 */
export interface MemoryConfig extends GranularHeapOptions {
  memory?: Memory;
}

/** A shared region also has a name, unique among the managers of this JavaScript realm. */
export interface SharedMemoryConfig extends MemoryConfig {
  name: string;
}

/** `new MemoryManager(memory, options)`: the normal region, and the shared one when `shared` is given. */
export interface MemoryManagerOptions extends GranularHeapOptions {
  /** The shared region (its `memory` defaults to the manager's). */
  shared?: SharedMemoryConfig;
}

/** A region as a board file names it (`Board.regions`), or any {base, size}. */
export interface RegionLike {
  base: number;
  size: number;
  name?: string;
}

/**
 * A config for `initNormal`/`initShared` from a region object (for example a
 * board's "shared" region): base, size and name from the region, anything in
 * `options` (granule, hooks, stores, attach, or another name) on top. O(1).
 * A host helper over board files: not in the granular board bundle.
 */
export function regionConfig(memory: Memory, region: RegionLike, options?: { [k: string]: any }): SharedMemoryConfig {
  var c: any = {
      memory: memory,
      base: region ? region.base : undefined,
      size: region ? region.size : undefined,
      name: region ? region.name : undefined
    },
    k;
  if (options) for (k in options) if (Object.prototype.hasOwnProperty.call(options, k)) c[k] = options[k];
  return c as SharedMemoryConfig;
}

/**
 * The region named `name` in `board.regions` (a loaded board, or its JSON),
 * or null. O(regions). A host helper over board files: not in the granular
 * board bundle.
 */
export function findRegion(board: { regions?: RegionLike[] }, name: string): RegionLike | null {
  var r = board && board.regions,
    i;
  if (r) for (i = 0; i < r.length; i++) if (r[i] && r[i].name === name) return r[i];
  return null;
}

/**
 * The memory manager. `MemoryManager.getInstance()` is the process-wide
 * singleton of the BasicMemManager note; `new MemoryManager(memory?, options?)` makes an
 * independent one (set up at once when `options` is given).
 *
 * The manager is itself a view of its normal heap: it holds the normal
 * heap's fields (its stores are `normalHeap`'s, as a heap attached to them),
 * so `allocate`, `free`, `stats` and `watch` are GranularHeap's own functions
 * (no function of the manager's in between), and its `_next` is the shared
 * heap, which GranularHeap's `free` and `stats` take in. Before initNormal
 * the fields are an empty heap's: no granules (allocate finds no room) and a
 * state block of its failure counters only.
 */
export class MemoryManager {
  // the normal heap's fields (those the constructor sets first, in the order it sets them; those
  // marked ! are undefined until initNormal, and GranularHeap's functions do not read them before)
  _state: Store;
  _used!: Store | null;
  _ends!: Store | null;
  _shift!: number;
  _enter!: (() => void) | null;
  _exit!: (() => void) | null;
  _base!: number;
  _granules!: number;
  _words!: number;
  _granuleMask!: number;
  /** The normal heap's granule (0 before initNormal). */
  granule: number;
  /** Bytes managed in the normal region (0 before initNormal). */
  size: number;
  /** Negative errno of the most recent failed call (of the manager, or of one of its heaps), 0 before any. */
  lastError: number;
  /** The manager's watchers: its heaps share this list (see watch). */
  _watchers: Watcher[];
  _who: MemoryManager;
  /** The normal region's memory port (or the one given to the constructor; null when none). */
  memory: Memory | null;
  /** First address of the normal region (0 before initNormal). */
  base: number;
  /** The normal heap's granule (0 before initNormal). */
  blockSize: number;
  /** Granules of the normal heap (0 before initNormal). */
  granules!: number;
  /** The shared heap (GranularHeap's free and stats take it in), or null. */
  _next: GranularHeap | null;
  /** The normal heap (read it, do not assign it), or null before initNormal: a heap object over the manager's stores. */
  normalHeap: GranularHeap | null;
  /** The shared heap (read it, do not assign it), or null before initShared. Its `base` and `size` are the shared region's. */
  sharedHeap: GranularHeap | null;
  /** Shared requests served from normal memory (spilled). */
  spills: number;
  /** Why the last init call was refused, as the Error the constructor throws; its `at` is the failure count then (a later failure makes it stale). Undefined before any. */
  _initError: Error | undefined;
  /** Name of the shared region, "" before initShared (the design note's get_shared_memory_name). */
  sharedName: string;

  /** The shared-region names in use by the managers of this realm (the design note's shm name space). */
  static _names: string[] = [];

  /**
   * `size` bytes of normal memory, as GranularHeap.allocate (the same
   * function): `alignment` a power of two (default: the granule), first fit
   * at or above `hint`. Returns the address, or 0 with lastError -ENOMEM (no
   * room, or no normal memory set up) or -EINVAL (a bad argument, also
   * before initNormal). O(W) worst case (W = bitmap words).
   */
  declare allocate: (size: number, alignment?: number, hint?: number) => number;
  /**
   * Give back the allocation that starts at `address`, in either region, as
   * GranularHeap.free (the same function; it passes an address in the
   * shared region on to the shared heap). `size`, when given (not undefined
   * or null), must round to the allocation's granules. Returns 0 (also for
   * address 0, a no-op); -EFAULT when the address is no live allocation's
   * start in either region (foreign, double free, inside an allocation);
   * -EINVAL when it is not a number or the size does not match (nothing is
   * freed). O(1) + O(n / 32).
   */
  declare free: (address: number, size?: number) => number;
  /**
   * The seed's deallocate(address, size): the same function as `free`, with
   * the size the allocation was made with (or any size that rounds to the
   * same granules). 0 for address 0 whatever the size. O(1) + O(n / 32).
   */
  declare deallocate: (address: number, size: number) => number;
  /**
   * Both heaps' statistics summed (GranularHeap.stats, the same function),
   * into `out` when it is an object (else a fresh one): used, free, count;
   * peak is the sum of the heaps' peaks (at least the combined peak);
   * failures are the failed calls on the manager and its heaps (a spilled
   * allocation is none; a shared heap's include those of other managers and
   * threads attached to it). O(1).
   */
  declare stats: (out?: AllocStats) => AllocStats;
  /**
   * Add a watcher of the manager: it sees every allocation and free in
   * either region (also one set up later), from every verb, with the manager
   * as `allocator`. 0 (also when it already watches), or -EINVAL when it
   * lacks onAlloc/onFree. O(watchers). The same function as
   * GranularHeap.prototype.watch: the heaps share the manager's list.
   */
  declare watch: (watcher: Watcher) => number;
  /** (debug add-on) The singleton of the design note (made on first use): a board program keeps its own manager in a variable. O(1). */
  declare static getInstance: () => MemoryManager;
  /**
   * (debug add-on) Set up the shared region, once, under a name no other
   * manager of this realm uses: `initNormal(config, true)`, which a board
   * program calls (or it passes `options.shared` to the constructor).
   * Returns 0; -EBUSY when it is already set up (or as initNormal); -EINVAL
   * for an empty or non-string name or a bad config (as initNormal); -EEXIST
   * when the name is in use (the other region is left alone).
   * O(size / granule / 32).
   */
  declare initShared: (config: SharedMemoryConfig) => number;
  /**
   * (debug add-on) MEMORY_SHARED, MEMORY_NORMAL or MEMORY_OTHER ("SHARED",
   * "NORMAL", "OTHER"): which region `address` lies in (not whether it is
   * allocated). O(1). A board program that must have shared memory asks
   * `sharedHeap.allocate` (which never spills); one that takes either does
   * not need to know (`free` takes both, `spills` counts the spilled).
   */
  declare memoryType: (address: number) => string;
  /** (debug add-on) Whether `address` lies in the normal or the shared region (allocated or not). O(1). */
  declare owns: (address: number) => boolean;
  /** (debug add-on) Remove a watcher of the manager: 0, or -ENOENT. O(watchers). */
  declare unwatch: (watcher: Watcher) => number;
  /** (debug add-on) Both heaps' peaks := their use now, and their failure counts := 0 (also the count kept before initNormal). O(1). */
  declare resetPeak: () => void;
  /**
   * (debug add-on) Close both heaps (their claims end) and release the
   * shared name, so that the manager can be set up again: 0, or -EBUSY
   * (nothing changed) while either heap has live allocations.
   */
  declare close: () => number;
  /** (debug add-on) Cheap checks of both heaps' counters. O(1). */
  declare invariantsHold: () => boolean;
  /** (debug add-on) validate() of both heaps: null, or what is wrong ("normal: …" or "shared: …"). O(W). */
  declare validate: () => string | null;
  /** (debug add-on) A sentence about lastError (a refused init: its reason). */
  declare lastErrorText: () => string;
  /** (debug add-on) The seed's get_memory_size_bytes(): `sharedHeap.size`, 0 before initShared. */
  declare getMemorySizeBytes: () => number;
  /** (debug add-on) The seed's get_shared_memory_start_address(): `sharedHeap.base`, 0 before initShared. */
  declare getSharedMemoryStartAddress: () => number;
  /** (debug add-on) The seed's get_shared_memory_name(): `sharedName`. */
  declare getSharedMemoryName: () => string;

  /**
   * A manager. With no arguments (or `memory` only) nothing is set up: call
   * initNormal/initShared. With `options` it sets up the normal region
   * [options.base, options.base + options.size) of `memory` (options as
   * GranularHeap's) and, when `options.shared` is given, the shared region;
   * a bad configuration throws the coded Error that initNormal/initShared
   * would have refused with (EINVAL, EBUSY, EEXIST), and nothing stays set up.
   */
  constructor(memory?: Memory, options?: MemoryManagerOptions) {
    var h: any, c: any;
    if (memory !== undefined && memory !== null && typeof memory.read8 !== "function")
      fail("EINVAL", "memory must be a Memory port, got " + memory);
    // an empty heap's fields, as few as GranularHeap's functions read: no granules (no room, no
    // allocation), and a state block of the counters it keeps (failures); initNormal adds the rest
    this._state = [0, 0, 0, 0, 0, 0, 0];
    this.granule = this.size = this.base = this.blockSize = this.lastError = this.spills = 0;
    this._watchers = [];
    this._who = this;
    this.memory = memory || null;
    this._next = this.normalHeap = this.sharedHeap = null;
    this.sharedName = "";
    // initNormal refuses options that are not an object; GranularHeap reads only its own options (`shared` is passed along unread)
    if (
      options !== undefined &&
      // (init calls return 0 or a negative errno)
      (this.initNormal(options) || (options.shared !== undefined && this.initNormal(options.shared, true)))
    ) {
      // the normal heap has no allocations yet: give its region back (releaseRegion's work, written
      // here: the port's claims are [start, end, owner] triples, the owner the heap's state store)
      if ((h = this.normalHeap)) (c = h.memory._claims).splice(c.indexOf(h._state) - 2, 3);
      throw this._initError;
    }
  }

  /**
   * As `allocate`, from the shared region; when it has no room (or is not set
   * up) the request spills to normal memory, as in the design note (`spills` counts
   * them; the add-on's `memoryType(address)` tells which you got; a request
   * that must not spill is `sharedHeap.allocate`'s). A bad argument gives 0
   * (-EINVAL) without spilling. O(W) per heap tried.
   */
  allocateShared(size: number, alignment?: number, hint?: number): number {
    var h = this.sharedHeap,
      a = h ? h.allocate(size, alignment, hint, 2) : -1;
    // -1: no room there (nothing counted): normal memory's allocate, which counts its own failure
    if (a < 0 && (a = this.allocate(size, alignment, hint))) this.spills++;
    return a;
  }

  /**
   * Set up normal memory, once. Returns 0; -EBUSY when it is already set up
   * or the region overlaps the shared one or another allocator's; -EINVAL for
   * a bad config (not an object, a region or option GranularHeap refuses).
   * O(size / granule / 32).
   *
   * It is initShared's work too (`shared` true; leave it out): one function
   * on the board for both. A refusal is kept as the Error the constructor
   * throws and the add-on's lastErrorText reads.
   */
  initNormal(config: MemoryConfig, shared?: boolean): number {
    var c: any = config,
      other = shared ? this.normalHeap : this.sharedHeap,
      name = c && c.name,
      h: any,
      k: any,
      t;
    try {
      if (shared ? this.sharedHeap : this.normalHeap) fail("EBUSY", (shared ? "shared" : "normal") + " memory is already set up");
      if (shared && (typeof name !== "string" || name === "" || name.indexOf("\u0000") >= 0))
        fail("EINVAL", "name must be a non-empty string without NUL, got " + name);
      if (shared && MemoryManager._names.indexOf(name) >= 0) fail("EEXIST", 'name "' + name + '" is already in use');
      if (!c || typeof c !== "object") fail("EINVAL", "config options must be an object, got " + c);
      h = new GranularHeap(c.memory || this.memory, c);
      // two ports may map the same addresses: memoryType must still tell the regions apart
      if (other && h.base < other.base + other.size && other.base < h.base + h.size) {
        // give the region back, as the constructor does
        (k = h.memory._claims).splice(k.indexOf(h._state) - 2, 3);
        fail(
          "EBUSY",
          "the region " +
            rangeText(h.base, h.base + h.size) +
            " overlaps the manager's other region " +
            rangeText(other.base, other.base + other.size)
        );
      }
    } catch (e) {
      // the failure count then, so that the add-on's text is of this refusal only until a later failure
      (e as any).at = this.stats().failures;
      this._initError = e as Error;
      c = (e as any).code;
      return (this.lastError = c === "EBUSY" ? -EBUSY : c === "EEXIST" ? -EEXIST : -EINVAL);
    }
    // the heap names the manager to its watchers, which are the manager's, and tells it its failures
    h._watchers = this._watchers;
    h._who = this;
    if (shared) {
      this.sharedHeap = this._next = h;
      this.sharedName = name;
      MemoryManager._names.push(name);
    } else {
      // the manager becomes a view of the new heap: its fields (the lastError, watchers and shared
      // heap stay the manager's), and the failures counted before, kept in its state block
      t = this._state;
      c = this.lastError;
      for (k in h) if (h.hasOwnProperty(k)) (this as any)[k] = h[k];
      this._next = this.sharedHeap;
      this.lastError = c;
      this.normalHeap = h;
      // the state block's refused-for-no-room and refused-for-bad-arguments counts (src/alloc/granular-heap.ts)
      k = this._state;
      k[5] += t[5];
      k[6] += t[6];
    }
    return 0;
  }
}

// GranularHeap's functions, working on the manager's fields (a slot each on the board, no function)
MemoryManager.prototype.allocate = GranularHeap.prototype.allocate as any;
MemoryManager.prototype.free = MemoryManager.prototype.deallocate = GranularHeap.prototype.free as any;
MemoryManager.prototype.stats = GranularHeap.prototype.stats as any;
MemoryManager.prototype.watch = GranularHeap.prototype.watch as any;

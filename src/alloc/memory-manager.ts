/**
 * MemoryManager: the seed's "BasicMemManager" (and kitzoo's BasicMemory),
 * built on two GranularHeaps: NORMAL memory and a named SHARED region, and a
 * way to tell which one an address came from.
 *
 * It implements the allocator contract (src/alloc/api.ts) over both heaps:
 * `allocate` takes normal memory, `free` and `owns` accept either region,
 * `stats` sums both, the manager's watchers see both (with the manager as
 * `allocator`: it watches its heaps and passes their calls on); `base`,
 * `size`, `blockSize` and
 * `memory` are the normal region's. The seed's verbs stay as extras:
 * `initNormal`, `initShared`, `allocateShared` (spills to normal memory),
 * `deallocate(address, size)`, `memoryType`, `getInstance` and the shared
 * region's getters.
 *
 * Run-time outcomes are values: init calls return 0 or a negative errno,
 * allocations an address or 0, frees 0 or a negative errno, and `lastError`
 * keeps the errno of the last failure (the debug add-on's lastErrorText()
 * says more). A refused call changes nothing. Unlike the seed's
 * implementations, every bad free is caught (a foreign address, a double
 * free, a wrong size): see docs/GRANULAR.md.
 */
import type { Memory } from "../hal/ports.js";
import type { AllocStats, Watcher } from "./api.js";
import { EBUSY, EEXIST, EFAULT, EINVAL, ENOENT, ENOMEM, errnoNames, makeError, fail } from "../core/errors.js";
import { GranularHeap, GranularHeapOptions } from "./granular-heap.js";

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
 */
export function regionConfig(memory: Memory, region: RegionLike, options?: { [k: string]: any }): SharedMemoryConfig {
  var c: any = { memory: memory, base: region ? region.base : undefined, size: region ? region.size : undefined, name: region ? region.name : undefined }, k;
  if (options) for (k in options) if (Object.prototype.hasOwnProperty.call(options, k)) c[k] = options[k];
  return c as SharedMemoryConfig;
}

/** The region named `name` in `board.regions` (a loaded board, or its JSON), or null. O(regions). */
export function findRegion(board: { regions?: RegionLike[] }, name: string): RegionLike | null {
  var r = board && board.regions, i;
  if (r) for (i = 0; i < r.length; i++) if (r[i].name === name) return r[i];
  return null;
}

/** Shared-region names in use by the managers of this realm (the seed's shm name space). */
var sharedNames: string[] = [];

var theInstance: MemoryManager | null = null;

/**
 * The memory manager. `MemoryManager.getInstance()` is the process-wide
 * singleton of the seed; `new MemoryManager(memory?, options?)` makes an
 * independent one (set up at once when `options` is given).
 */
export class MemoryManager {
  /** The normal region's memory port (or the one given to the constructor; null when none). */
  memory: Memory | null;
  /** First address of the normal region (0 before initNormal). */
  base: number;
  /** Bytes managed in the normal region (0 before initNormal). */
  size: number;
  /** The normal heap's granule (0 before initNormal). */
  blockSize: number;
  /** Negative errno of the most recent failed call, 0 before any. */
  lastError: number;
  /** The normal heap (read it, do not assign it), or null before initNormal. */
  normalHeap: GranularHeap | null;
  /** The shared heap (read it, do not assign it), or null before initShared. */
  sharedHeap: GranularHeap | null;
  /** Shared requests served from normal memory (spilled). */
  spills: number;
  _sharedName: string;
  /** Why the last init call was refused, as the Error the constructor throws (cleared by a later failure). */
  _initError: Error | null;
  _failures: number;
  _watchers: Watcher[];

  /** (debug add-on) Cheap checks of both heaps' counters. O(1). */
  declare invariantsHold: () => boolean;
  /** (debug add-on) validate() of both heaps: null, or what is wrong ("normal: …" or "shared: …"). O(W). */
  declare validate: () => string | null;
  /** (debug add-on) A sentence about lastError (a refused init: its reason). */
  declare lastErrorText: () => string;

  /**
   * A manager. With no arguments (or `memory` only) nothing is set up: call
   * initNormal/initShared. With `options` it sets up the normal region
   * [options.base, options.base + options.size) of `memory` (options as
   * GranularHeap's) and, when `options.shared` is given, the shared region;
   * a bad configuration throws the coded Error that initNormal/initShared
   * would have refused with (EINVAL, EBUSY, EEXIST), and nothing stays set up.
   */
  constructor(memory?: Memory, options?: MemoryManagerOptions) {
    var r;
    if (memory !== undefined && memory !== null && typeof memory.read8 !== "function") fail("EINVAL", "memory must be a Memory port, got " + memory);
    if (options !== undefined && (!options || typeof options !== "object")) fail("EINVAL", "options must be an object with base and size, got " + options);
    this.memory = memory || null;
    this.base = 0;
    this.size = 0;
    this.blockSize = 0;
    this.lastError = 0;
    this.normalHeap = null;
    this.sharedHeap = null;
    this.spills = 0;
    this._sharedName = "";
    this._initError = null;
    this._failures = 0;
    this._watchers = [];
    if (options !== undefined) {
      // GranularHeap reads only its own options: `shared` is passed along unread
      r = this.initNormal(options);
      if (r === 0 && options.shared !== undefined) {
        r = this.initShared(options.shared);
        if (r !== 0) this.close();
      }
      if (r !== 0) throw this._initError;
    }
  }

  /** The singleton (made on first use). O(1). */
  static getInstance(): MemoryManager {
    if (theInstance === null) theInstance = new MemoryManager();
    return theInstance;
  }

  /**
   * Set up normal memory, once. Returns 0; -EBUSY when it is already set up
   * or the region overlaps the shared one or another allocator's; -EINVAL for
   * a bad config (size 0, a region or option GranularHeap refuses).
   * O(size / granule / 32).
   */
  initNormal(config: MemoryConfig): number {
    if (this.normalHeap !== null) return this._refuse(EBUSY, "normal memory is already set up");
    var h = this._heap(config, this.sharedHeap);
    if (h === null) return this.lastError;
    this.normalHeap = h;
    this.memory = h.memory;
    this.base = h.base;
    this.size = h.size;
    this.blockSize = h.blockSize;
    return 0;
  }

  /**
   * Set up the shared region, once, under a name no other manager of this
   * realm uses. Returns 0; -EBUSY when it is already set up (or as
   * initNormal); -EINVAL for an empty or non-string name or a bad config (as
   * initNormal); -EEXIST when the name is in use (the other region is left
   * alone). O(size / granule / 32).
   */
  initShared(config: SharedMemoryConfig): number {
    var name = config && config.name, h;
    if (this.sharedHeap !== null) return this._refuse(EBUSY, "shared memory is already set up");
    if (typeof name !== "string" || name.length === 0 || name.indexOf("\u0000") >= 0) return this._refuse(EINVAL, "name must be a non-empty string without NUL, got " + name);
    if (sharedNames.indexOf(name) >= 0) return this._refuse(EEXIST, "name \"" + name + "\" is already in use");
    h = this._heap(config, this.normalHeap);
    if (h === null) return this.lastError;
    this.sharedHeap = h;
    this._sharedName = name;
    sharedNames.push(name);
    return 0;
  }

  /** Refuse an init call: keep the Error the constructor would throw, return -code. */
  _refuse(code: number, why: string): number {
    this._initError = makeError(errnoNames[code], why);
    return this.lastError = -code;
  }

  /** A heap for `config` that does not overlap `other`, watched by this manager when it has watchers; or null (refused). */
  _heap(config: MemoryConfig, other: GranularHeap | null): GranularHeap | null {
    var h: GranularHeap, i: any;
    if (!config || typeof config !== "object") { this._refuse(EINVAL, "config must be an object with base and size, got " + config); return null; }
    if (config.size === 0) { this._refuse(EINVAL, "size must be at least one granule, got 0"); return null; }
    try {
      h = new GranularHeap(config.memory || (this.memory as Memory), config);
    } catch (e) {
      i = String((e as Error).message);
      this._refuse((e as any).code === "EBUSY" ? EBUSY : EINVAL, i.substring(i.indexOf(": ") + 2));
      return null;
    }
    // two ports may map the same addresses: memoryType must still tell the regions apart
    if (other !== null && h.base < other.base + other.size && other.base < h.base + h.size) {
      h.close();
      this._refuse(EBUSY, "the region [0x" + h.base.toString(16) + ", 0x" + (h.base + h.size).toString(16) + ") overlaps the manager's other region [0x" + other.base.toString(16) + ", 0x" + (other.base + other.size).toString(16) + ")");
      return null;
    }
    if (this._watchers.length !== 0) h.watch(this);
    return h;
  }

  /**
   * `size` bytes of normal memory, as GranularHeap.allocate: `alignment` a
   * power of two (default: the granule), first fit at or above `hint`.
   * Returns the address, or 0 with lastError -ENOMEM (no room, or no normal
   * memory set up) or -EINVAL (a bad argument). O(W) worst case (W = bitmap
   * words).
   */
  allocate(size: number, alignment?: number, hint?: number): number {
    var h = this.normalHeap, a = h === null ? 0 : h.allocate(size, alignment, hint);
    if (a === 0) {
      this.lastError = h === null ? -ENOMEM : h.lastError;
      this._failures++;
      this._initError = null;
    }
    return a;
  }

  /**
   * As `allocate`, from the shared region; when it has no room (or is not set
   * up) the request spills to normal memory, as in the seed (`spills` counts
   * them; `memoryType(address)` tells which you got). A bad argument gives 0
   * (-EINVAL) without spilling. O(W) per heap tried.
   */
  allocateShared(size: number, alignment?: number, hint?: number): number {
    var s = this.sharedHeap, a = 0, e = -ENOMEM;
    if (s !== null) {
      a = s.allocate(size, alignment, hint);
      if (a !== 0) return a;
      e = s.lastError;
    }
    if (e !== -EINVAL && this.normalHeap !== null) {
      a = this.normalHeap.allocate(size, alignment, hint);
      if (a !== 0) {
        this.spills++;
        return a;
      }
      e = this.normalHeap.lastError;
    }
    this.lastError = e;
    this._failures++;
    this._initError = null;
    return 0;
  }

  /**
   * Give back the allocation that starts at `address`, in either region.
   * `size`, when given (not undefined or null), must round to the
   * allocation's granules. Returns 0 (also for address 0, a no-op); -EFAULT
   * when the address is no live allocation's start in either region
   * (foreign, double free, inside an allocation); -EINVAL when it is not a
   * number or the size does not match (nothing is freed). O(1) + O(n / 32).
   */
  free(address: number, size?: number): number {
    var s = this.sharedHeap, n = this.normalHeap, r;
    if (address === 0) return 0;
    if (s !== null && s.owns(address)) r = s.free(address, size);
    else if (n !== null && n.owns(address)) r = n.free(address, size);
    else r = typeof address === "number" ? -EFAULT : -EINVAL;
    if (r !== 0) {
      this.lastError = r;
      this._failures++;
      this._initError = null;
    }
    return r;
  }

  /**
   * The seed's deallocate: `free(address, size)` with the size it was
   * allocated with (or any size that rounds to the same granules). 0 for
   * address 0 whatever the size; -EINVAL when `size` is not a number; else
   * as free. O(1) + O(n / 32).
   */
  deallocate(address: number, size: number): number {
    if (address !== 0 && typeof size !== "number") {
      this.lastError = -EINVAL;
      this._failures++;
      this._initError = null;
      return -EINVAL;
    }
    return this.free(address, size);
  }

  /** Whether `address` lies in the normal or the shared region (allocated or not). O(1). */
  owns(address: number): boolean {
    return (this.normalHeap !== null && this.normalHeap.owns(address)) || (this.sharedHeap !== null && this.sharedHeap.owns(address));
  }

  /** MEMORY_SHARED, MEMORY_NORMAL or MEMORY_OTHER: which region `address` lies in (not whether it is allocated). O(1). */
  memoryType(address: number): string {
    if (address !== 0) {
      if (this.sharedHeap !== null && this.sharedHeap.owns(address)) return MEMORY_SHARED;
      if (this.normalHeap !== null && this.normalHeap.owns(address)) return MEMORY_NORMAL;
    }
    return MEMORY_OTHER;
  }

  /**
   * Both heaps' statistics summed, into `out` when it is an object (else a
   * fresh one): used, free, count;
   * peak is the sum of the heaps' peaks (at least the combined peak);
   * failures are this manager's failed calls (a spilled allocation is none).
   * O(1).
   */
  stats(out?: AllocStats): AllocStats {
    var r = typeof out === "object" && out !== null ? out : ({} as AllocStats), h = this.normalHeap, u = 0, f = 0, p = 0, c = 0, k;
    for (k = 0; k < 2; k++) {
      if (h !== null) {
        h.stats(r);
        u += r.used; f += r.free; p += r.peak; c += r.count;
      }
      h = this.sharedHeap;
    }
    r.used = u;
    r.free = f;
    r.peak = p;
    r.count = c;
    r.failures = this._failures;
    return r;
  }

  /** Both heaps' peaks := their use now (and their failure counts := 0); this manager's failures := 0. O(1). */
  resetPeak(): void {
    if (this.normalHeap !== null) this.normalHeap.resetPeak();
    if (this.sharedHeap !== null) this.sharedHeap.resetPeak();
    this._failures = 0;
  }

  /**
   * Add a watcher of the manager: it sees every allocation and free in
   * either region (also one set up later), from every verb, with the manager
   * as `allocator`. While it has watchers the manager watches its own heaps
   * (onAlloc/onFree below) and passes their calls on. 0 (also when it
   * already watches), or -EINVAL when it lacks onAlloc/onFree. O(watchers).
   */
  watch(watcher: Watcher): number {
    var w = this._watchers;
    if (!watcher || typeof watcher.onAlloc !== "function" || typeof watcher.onFree !== "function") return this.lastError = -EINVAL;
    if (w.indexOf(watcher) < 0) {
      w.push(watcher);
      if (w.length === 1) {
        if (this.normalHeap !== null) this.normalHeap.watch(this);
        if (this.sharedHeap !== null) this.sharedHeap.watch(this);
      }
    }
    return 0;
  }

  /** Remove a watcher of the manager: 0, or -ENOENT when it does not watch it. O(watchers). */
  unwatch(watcher: Watcher): number {
    var w = this._watchers, i = w.indexOf(watcher);
    if (i < 0) return this.lastError = -ENOENT;
    w.splice(i, 1);
    if (w.length === 0) {
      if (this.normalHeap !== null) this.normalHeap.unwatch(this);
      if (this.sharedHeap !== null) this.sharedHeap.unwatch(this);
    }
    return 0;
  }

  /** The manager as a watcher of its heaps (while it has watchers): an allocation, passed on with the manager as `allocator`. */
  onAlloc(address: number, bytes: number): void {
    var w = this._watchers, i;
    for (i = 0; i < w.length; i++) w[i].onAlloc(address, bytes, this as any); // `memory` is null before any setup
  }

  /** The manager as a watcher of its heaps: a free, passed on with the manager as `allocator`. */
  onFree(address: number, bytes: number): void {
    var w = this._watchers, i;
    for (i = 0; i < w.length; i++) w[i].onFree(address, bytes, this as any);
  }

  /** Bytes managed in the shared region (whole granules), 0 before initShared. O(1). */
  getMemorySizeBytes(): number { return this.sharedHeap === null ? 0 : this.sharedHeap.size; }

  /** First address of the shared region, 0 before initShared. O(1). */
  getSharedMemoryStartAddress(): number { return this.sharedHeap === null ? 0 : this.sharedHeap.base; }

  /** Name of the shared region, "" before initShared. O(1). */
  getSharedMemoryName(): string { return this._sharedName; }

  /**
   * Close both heaps (their regions' claims end) and release the shared name,
   * so that the manager can be set up again. Returns 0, or -EBUSY (nothing
   * changed) while either heap has live allocations (a shared heap's include
   * other managers' and threads').
   */
  close(): number {
    var n = this.normalHeap, s = this.sharedHeap, i;
    if ((n !== null && n.stats().count !== 0) || (s !== null && s.stats().count !== 0)) return this.lastError = -EBUSY;
    if (n !== null) n.close();
    if (s !== null) {
      s.close();
      i = sharedNames.indexOf(this._sharedName);
      if (i >= 0) sharedNames.splice(i, 1);
    }
    this.normalHeap = null;
    this.sharedHeap = null;
    this.base = 0;
    this.size = 0;
    this.blockSize = 0;
    this._sharedName = "";
    this.spills = 0;
    return 0;
  }
}

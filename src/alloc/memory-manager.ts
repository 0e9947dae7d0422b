/**
 * MemoryManager: the seed's "BasicMemManager" (and kitzoo's BasicMemory),
 * built on two GranularHeaps: NORMAL memory and a named SHARED region, and a
 * way to tell which one an address came from.
 *
 * Run-time outcomes are values: init calls return 0 or a negative errno (and
 * leave `lastError` saying why), allocations return an address or 0, and
 * `deallocate` returns 0 or a negative errno. A refused call changes nothing.
 * Unlike the seed's implementations, every bad deallocation is caught (a
 * foreign address, a double free, a wrong size): see docs/GRANULAR.md.
 */
import { Memory } from "../hal/ports.js";
import { EBUSY, EEXIST, EFAULT, EINVAL } from "../core/errors.js";
import { GranularHeap, GranularHeapOptions, isHeapRequest } from "./granular-heap.js";

/** memoryType(): the address lies in the normal heap's region. */
export var MEMORY_NORMAL = "NORMAL";
/** memoryType(): the address lies in the shared heap's region. */
export var MEMORY_SHARED = "SHARED";
/** memoryType(): neither (not from this manager: a static buffer, another allocator, NULL). */
export var MEMORY_OTHER = "OTHER";

/**
 * Where a heap lives and how it is built: the `Memory` port, the region
 * [base, base + size), and the GranularHeap options (granule, critical-section
 * hooks, metadata stores, attach).
 */
export interface MemoryConfig extends GranularHeapOptions {
  memory: Memory;
}

/** A shared region also has a name, unique among the managers of this JavaScript realm. */
export interface SharedMemoryConfig extends MemoryConfig {
  name: string;
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
  var c: any = { memory: memory, base: region ? region.base : undefined, size: region ? region.size : undefined, name: region ? region.name : undefined };
  if (options) for (var k in options) if (Object.prototype.hasOwnProperty.call(options, k)) c[k] = options[k];
  return c as SharedMemoryConfig;
}

/** The region named `name` in `board.regions` (a loaded board, or its JSON), or null. O(regions). */
export function findRegion(board: { regions?: RegionLike[] }, name: string): RegionLike | null {
  var r = board && board.regions;
  if (r) for (var i = 0; i < r.length; i++) if (r[i].name === name) return r[i];
  return null;
}

/** Shared-region names in use by the managers of this realm (the seed's shm name space). */
var sharedNames: string[] = [];

function nameIndex(name: string): number {
  for (var i = 0; i < sharedNames.length; i++) if (sharedNames[i] === name) return i;
  return -1;
}

var theInstance: MemoryManager | null = null;

/**
 * The memory manager. `MemoryManager.getInstance()` is the process-wide
 * singleton of the seed; `new MemoryManager()` makes an independent one
 * (tests, or two managers over two boards' memories).
 */
export class MemoryManager {
  /** Why the last init call was refused ("" after a success). */
  lastError: string;
  _nh: GranularHeap | null;
  _sh: GranularHeap | null;
  _name: string;
  _spills: number;

  constructor() {
    this.lastError = "";
    this._nh = null;
    this._sh = null;
    this._name = "";
    this._spills = 0;
  }

  /** The singleton (made on first use). O(1). */
  static getInstance(): MemoryManager {
    if (theInstance === null) theInstance = new MemoryManager();
    return theInstance;
  }

  /** Refuse an init call: remember why, return -code. */
  _refuse(code: number, why: string): number {
    this.lastError = why;
    return -code;
  }

  /** A heap for `config`, or a negative errno (lastError set). */
  _heap(config: MemoryConfig, other: GranularHeap | null): GranularHeap | number {
    if (!config || typeof config !== "object") return this._refuse(EINVAL, "config must be an object with memory, base and size, got " + config);
    if (config.size === 0) return this._refuse(EINVAL, "size must be at least one granule, got 0");
    var h: GranularHeap;
    try {
      h = new GranularHeap(config.memory, config);
    } catch (e) {
      return this._refuse(EINVAL, (e as Error).message);
    }
    if (other !== null && h.base < other.base + other.size && other.base < h.base + h.size) {
      return this._refuse(EINVAL, "region [0x" + h.base.toString(16) + ", 0x" + (h.base + h.size).toString(16) + ") overlaps the other heap's region");
    }
    this.lastError = "";
    return h;
  }

  /**
   * Set up normal memory, once. Returns 0; -EBUSY when it is already set up;
   * -EINVAL for a bad config (size 0, a region a GranularHeap refuses, one
   * that overlaps the shared region). O(size / granule / 32).
   */
  initNormal(config: MemoryConfig): number {
    if (this._nh !== null) return this._refuse(EBUSY, "normal memory is already initialised");
    var h = this._heap(config, this._sh);
    if (typeof h === "number") return h;
    this._nh = h;
    return 0;
  }

  /**
   * Set up the shared region, once, under a name no other manager of this
   * realm uses. Returns 0; -EBUSY when it is already set up; -EINVAL for an
   * empty or non-string name or a bad config (as initNormal); -EEXIST when the
   * name is in use (the other region is left alone). O(size / granule / 32).
   */
  initShared(config: SharedMemoryConfig): number {
    if (this._sh !== null) return this._refuse(EBUSY, "shared memory is already initialised");
    var name = config && config.name;
    if (typeof name !== "string" || name.length === 0 || name.indexOf("\u0000") >= 0) return this._refuse(EINVAL, "name must be a non-empty string without NUL, got " + name);
    if (nameIndex(name) >= 0) return this._refuse(EEXIST, "name \"" + name + "\" is already in use");
    var h = this._heap(config, this._nh);
    if (typeof h === "number") return h;
    this._sh = h;
    this._name = name;
    sharedNames.push(name);
    return 0;
  }

  /**
   * `size` bytes of normal memory (rounded up to granules), `alignment` a
   * power of two (default: the granule), the `hint` address tried first.
   * Returns the address, or 0: before initNormal, when there is no room, or
   * for a bad argument (size 0 or not an integer, alignment not a power of
   * two). O(W) worst case (W = bitmap words), like GranularHeap.allocate.
   */
  allocate(size: number, hint?: number, alignment?: number): number {
    var h = this._nh;
    if (h === null || !isHeapRequest(size, alignment, hint)) return 0;
    return h.allocate(size, alignment, hint);
  }

  /**
   * As `allocate`, from the shared region; when it has no room (or is not set
   * up) the request spills to normal memory, as in the seed. Tell which one
   * you got with `memoryType(address)`; `spillCount()` counts the spills.
   * O(W) per heap tried.
   * A bad argument returns 0 without spilling.
   */
  allocateShared(size: number, hint?: number, alignment?: number): number {
    var s = this._sh, a = 0;
    if (!isHeapRequest(size, alignment, hint)) return 0;
    if (s !== null) a = s.allocate(size, alignment, hint);
    if (a !== 0 || this._nh === null) return a;
    a = this._nh.allocate(size, alignment, hint);
    if (a !== 0) this._spills++;
    return a;
  }

  /**
   * Give back an allocation: `size` is the size it was allocated with (or any
   * size that rounds to the same granules). Returns 0 (also for address 0, a
   * no-op); -EFAULT when the address is no live allocation's start in either
   * region (foreign, double free, inside an allocation); -EINVAL when the
   * address or size is not a number or the size does not match (nothing is
   * freed). O(1) + O(n / 32).
   */
  deallocate(address: number, size: number): number {
    if (address === 0) return 0;
    if (typeof address !== "number" || typeof size !== "number") return -EINVAL;
    var s = this._sh, n = this._nh;
    if (s !== null && s.contains(address)) return s.free(address, size);
    if (n !== null && n.contains(address)) return n.free(address, size);
    return -EFAULT;
  }

  /** MEMORY_SHARED, MEMORY_NORMAL or MEMORY_OTHER: which region `address` lies in (not whether it is allocated). O(1). */
  memoryType(address: number): string {
    if (typeof address === "number" && address !== 0) {
      if (this._sh !== null && this._sh.contains(address)) return MEMORY_SHARED;
      if (this._nh !== null && this._nh.contains(address)) return MEMORY_NORMAL;
    }
    return MEMORY_OTHER;
  }

  /** Bytes managed in the shared region (whole granules), 0 before initShared. O(1). */
  getMemorySizeBytes(): number { return this._sh === null ? 0 : this._sh.size; }

  /** First address of the shared region, 0 before initShared. O(1). */
  getSharedMemoryStartAddress(): number { return this._sh === null ? 0 : this._sh.base; }

  /** Name of the shared region, "" before initShared. O(1). */
  getSharedMemoryName(): string { return this._name; }

  /** The normal heap (statistics, validate), or null. */
  normalHeap(): GranularHeap | null { return this._nh; }

  /** The shared heap, or null. */
  sharedHeap(): GranularHeap | null { return this._sh; }

  /** Shared requests served from normal memory (spilled). */
  spillCount(): number { return this._spills; }

  /** validate() of both heaps: null when both hold, else what is wrong. O(W). */
  validate(): string | null {
    var r = this._nh === null ? null : this._nh.validate();
    if (r === null && this._sh !== null) {
      r = this._sh.validate();
      if (r !== null) r = "shared: " + r;
    } else if (r !== null) r = "normal: " + r;
    return r;
  }

  /**
   * Drop both heaps and release the shared name, so the manager can be set up
   * again. Returns 0, or -EBUSY (nothing changed) while any allocation is live.
   */
  close(): number {
    if ((this._nh !== null && this._nh.liveCount() !== 0) || (this._sh !== null && this._sh.liveCount() !== 0)) {
      return this._refuse(EBUSY, "allocations are still live");
    }
    var i = nameIndex(this._name);
    if (this._sh !== null && i >= 0) sharedNames.splice(i, 1);
    this._nh = null;
    this._sh = null;
    this._name = "";
    this._spills = 0;
    return 0;
  }
}

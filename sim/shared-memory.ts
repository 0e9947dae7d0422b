/**
 * Shared memory on the host (Node only): a `Memory` port over a
 * SharedArrayBuffer, so worker threads see the same bytes; a mutex built on
 * Atomics that plugs into a GranularHeap's `enter`/`exit` hooks; and a shared
 * region = memory + lock + a heap whose metadata stores are views of one more
 * SharedArrayBuffer, so every thread that attaches works on the same heap.
 *
 *   main thread:   const r = createSharedRegion(0x2000F000, 4096);
 *                  new Worker(file, { workerData: r.handle });
 *   worker:        const r = attachSharedRegion(workerData);
 *                  r.heap.allocate(100) / r.memory.write8(…) / r.heap.free(…)
 *   MemoryManager: mm.initShared(sharedMemoryConfig(r, "name")) in each thread.
 *
 * On a board the shared region is a named fixed region of the board file
 * (`findRegion(board, "shared")`) and the hooks are the board's own critical
 * section; nothing here ships in the bundle. See docs/GRANULAR.md.
 */
import type { Memory } from "../src/hal/ports.js";
import { checkAddress, checkInt, fail } from "../src/core/errors.js";
import { checkBlock } from "../src/hal/checks.js";
import { GranularHeap, GRANULAR_STATE_WORDS, granularBitmapWords } from "../src/alloc/granular-heap.js";
import type { SharedMemoryConfig } from "../src/alloc/memory-manager.js";

/**
 * The `Memory` port over `size` bytes of a SharedArrayBuffer standing at
 * address `base` (a fresh buffer, or `buffer` to map one another thread made:
 * a second mapping of the same bytes). Accesses are plain (not atomic): the
 * threads order them through a lock. An access outside [base, base + size)
 * throws EFAULT naming the address.
 */
export class SharedMemory implements Memory {
  readonly base: number;
  readonly size: number;
  /** The bytes; post it to a worker and map it there with `new SharedMemory(base, size, buffer)`. */
  readonly buffer: SharedArrayBuffer;
  readonly _u8: Uint8Array;
  readonly _dv: DataView;

  constructor(base: number, size: number, buffer?: SharedArrayBuffer) {
    checkAddress(base, "base");
    checkInt(size, "size", 1, 0x40000000);
    if (base + size > 0x100000000) fail("EINVAL", "base + size must not pass 2^32, got 0x" + (base + size).toString(16));
    if (buffer !== undefined && !(buffer instanceof SharedArrayBuffer && buffer.byteLength >= size)) {
      fail("EINVAL", "buffer must be a SharedArrayBuffer of at least " + size + " bytes");
    }
    this.base = base;
    this.size = size;
    this.buffer = buffer ?? new SharedArrayBuffer(size);
    this._u8 = new Uint8Array(this.buffer, 0, size);
    this._dv = new DataView(this.buffer, 0, size);
  }

  /** Whether [a, a + len) lies inside the region (claimRegion refuses an allocator's region outside it). */
  mapped(a: number, len: number): boolean {
    return a >= this.base && len >= 0 && a + len <= this.base + this.size;
  }

  /** Offset of an access of `n` bytes at `a`; EFAULT outside the region or for a fractional address. */
  _at(a: number, n: number): number {
    const o = a - this.base;
    if (!(o >>> 0 === o && o + n <= this.size)) {
      fail(
        "EFAULT",
        "address " +
          (a >>> 0 === a ? "0x" + a.toString(16) : String(a)) +
          " (" +
          n +
          " bytes) is outside the shared region [0x" +
          this.base.toString(16) +
          ", 0x" +
          (this.base + this.size).toString(16) +
          ")",
      );
    }
    return o;
  }

  read8(a: number): number {
    return this._u8[this._at(a, 1)];
  }
  read16(a: number): number {
    return this._dv.getUint16(this._at(a, 2), true);
  }
  read32(a: number): number {
    return this._dv.getUint32(this._at(a, 4), true);
  }
  write8(a: number, v: number): void {
    this._u8[this._at(a, 1)] = v;
  }
  write16(a: number, v: number): void {
    this._dv.setUint16(this._at(a, 2), v & 0xffff, true);
  }
  write32(a: number, v: number): void {
    this._dv.setUint32(this._at(a, 4), v >>> 0, true);
  }
  readBlock(a: number, dst: { [i: number]: number }, off: number, len: number): void {
    checkBlock(dst, off, len, "dst", true);
    const o = this._at(a, len);
    for (let i = 0; i < len; i++) dst[off + i] = this._u8[o + i];
  }
  writeBlock(a: number, src: { [i: number]: number }, off: number, len: number): void {
    checkBlock(src, off, len, "src", false);
    const o = this._at(a, len);
    for (let i = 0; i < len; i++) this._u8[o + i] = src[off + i] & 0xff;
  }
  fill(a: number, len: number, v: number): void {
    const o = this._at(a, len);
    this._u8.fill(v & 0xff, o, o + len);
  }
  copy(dst: number, src: number, len: number): void {
    const d = this._at(dst, len),
      s = this._at(src, len);
    this._u8.copyWithin(d, s, s + len);
  }
}

/**
 * A mutex in one Int32 word of a SharedArrayBuffer (0 free, 1 held, 2 held
 * with waiters): compareExchange to take it, Atomics.wait to sleep while it is
 * held, Atomics.notify to wake one waiter on release (Drepper's futex mutex).
 * Not re-entrant. `enter` and `exit` are bound, so they can be passed as a
 * heap's hooks directly. Atomics.wait blocks, so no thread may hold the lock
 * across an await.
 */
export class AtomicsLock {
  readonly cell: Int32Array;
  readonly index: number;
  /** Times this thread found the lock held and had to wait (contention seen here). */
  waits = 0;
  readonly enter: () => void;
  readonly exit: () => void;

  constructor(cell: Int32Array, index = 0) {
    if (!(cell instanceof Int32Array) || !(cell.buffer instanceof SharedArrayBuffer))
      fail("EINVAL", "cell must be an Int32Array over a SharedArrayBuffer");
    checkInt(index, "index", 0, cell.length - 1);
    this.cell = cell;
    this.index = index;
    this.enter = () => {
      let c = Atomics.compareExchange(cell, index, 0, 1);
      if (c === 0) return;
      this.waits++;
      do {
        if (c === 2 || Atomics.compareExchange(cell, index, 1, 2) !== 0) Atomics.wait(cell, index, 2);
        c = Atomics.compareExchange(cell, index, 0, 2);
      } while (c !== 0);
    };
    this.exit = () => {
      if (Atomics.sub(cell, index, 1) !== 1) {
        Atomics.store(cell, index, 0);
        Atomics.notify(cell, index, 1);
      }
    };
  }

  /** True while some thread holds the lock. */
  held(): boolean {
    return Atomics.load(this.cell, this.index) !== 0;
  }
}

/** What a thread needs to attach to a shared region: plain data, postable to a worker. */
export interface SharedHeapHandle {
  base: number;
  size: number;
  granule: number;
  /** The region's bytes. */
  memory: SharedArrayBuffer;
  /** Lock word, heap state block, used[] and ends[] bitmaps (Int32 words). */
  meta: SharedArrayBuffer;
}

/** The heap's metadata stores: views of the handle's meta buffer. */
export interface SharedStores {
  state: Int32Array;
  used: Int32Array;
  ends: Int32Array;
}

/** One thread's view of a shared region. */
export interface SharedRegion {
  memory: SharedMemory;
  lock: AtomicsLock;
  /** This thread's GranularHeap over the shared stores, locked by `lock`. */
  heap: GranularHeap;
  handle: SharedHeapHandle;
  /**
   * The store views `heap` uses. A heap attached with these same objects on
   * `memory` joins the heap's region claim (the claim's owner is the state
   * store): sharedMemoryConfig passes them.
   */
  stores: SharedStores;
}

// Layout of the meta buffer, in Int32 words: the lock, padding, the state block, used[], ends[].
const META_LOCK = 0,
  META_STATE = 4;

/** Views of the heap's state block and bitmaps in the meta buffer. */
function storesOf(h: SharedHeapHandle): SharedStores {
  const nw = granularBitmapWords(h.size, h.granule),
    at = META_STATE + GRANULAR_STATE_WORDS;
  if (!(h.meta instanceof SharedArrayBuffer) || h.meta.byteLength < (at + 2 * nw) * 4)
    fail("EINVAL", "handle.meta must be a SharedArrayBuffer of at least " + (at + 2 * nw) * 4 + " bytes");
  return {
    state: new Int32Array(h.meta, META_STATE * 4, GRANULAR_STATE_WORDS),
    used: new Int32Array(h.meta, at * 4, nw),
    ends: new Int32Array(h.meta, (at + nw) * 4, nw),
  };
}

function regionOf(h: SharedHeapHandle, attach: boolean): SharedRegion {
  const st = storesOf(h);
  const memory = new SharedMemory(h.base, h.size, h.memory);
  const lock = new AtomicsLock(new Int32Array(h.meta, META_LOCK * 4, 1));
  const heap = new GranularHeap(memory, {
    base: h.base,
    size: h.size,
    granule: h.granule,
    enter: lock.enter,
    exit: lock.exit,
    used: st.used,
    ends: st.ends,
    state: st.state,
    attach,
  });
  return { memory, lock, heap, handle: h, stores: st };
}

/**
 * A new shared region of `size` bytes at address `base`, with an empty heap
 * in granules of `granule` bytes. Post `region.handle` to other threads and
 * call `attachSharedRegion` there. Throws EINVAL for a bad geometry (as
 * GranularHeap).
 */
export function createSharedRegion(base: number, size: number, granule = 16): SharedRegion {
  checkInt(granule, "granule", 1, 0x40000000);
  checkInt(size, "size", granule, 0x40000000);
  const nw = granularBitmapWords(size, granule);
  const meta = new SharedArrayBuffer((META_STATE + GRANULAR_STATE_WORDS + 2 * nw) * 4);
  return regionOf({ base, size, granule, memory: new SharedMemory(base, size).buffer, meta }, false);
}

/** This thread's view of a region another thread created (its `handle`). */
export function attachSharedRegion(handle: SharedHeapHandle): SharedRegion {
  if (!handle || typeof handle !== "object") fail("EINVAL", "handle must be a SharedHeapHandle, got " + handle);
  return regionOf(handle, true);
}

/**
 * A config for `MemoryManager.initShared` that attaches to the region's heap
 * (memory, stores and lock shared with every other thread), under `name`.
 */
export function sharedMemoryConfig(region: SharedRegion, name: string): SharedMemoryConfig {
  if (!region || typeof region !== "object" || !region.handle || !region.stores || !region.lock)
    fail("EINVAL", "region must be a SharedRegion (createSharedRegion, attachSharedRegion), got " + region);
  const h = region.handle,
    st = region.stores;
  return {
    name,
    memory: region.memory,
    base: h.base,
    size: h.size,
    granule: h.granule,
    enter: region.lock.enter,
    exit: region.lock.exit,
    used: st.used,
    ends: st.ends,
    state: st.state,
    attach: true,
  };
}

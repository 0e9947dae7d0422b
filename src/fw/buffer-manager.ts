/**
 * F´'s BufferManager (nasa/fprime, Svc/BufferManager: its SDD, component
 * model, events and telemetry): run-time buffers from bins of fixed sizes,
 * carved at set-up from one MemAllocator allocation, so that nothing is
 * allocated after start-up.
 *
 * Layout of the one allocation (as F´'s): first one record per buffer, in
 * bin order, then the buffers, bin by bin, each right after the previous
 * one with no padding; the walk ends exactly at the end of the block. A
 * record is RECORD_SIZE (16) bytes, four little-endian words: the buffer's
 * address, its size (the bin's), its context, and 0 (reserved: F´'s
 * "allocated" flag, which ramkit keeps out of band). The records are
 * written through the allocator's memory port (when it has one) once, at
 * set-up, for a debugger or a dump of the RAM to read; the manager decides
 * from a copy kept out of band (address, size and state per buffer: 9
 * bytes) and never touches the block again, so a corrupt record cannot
 * mislead it (the debug add-on's validate() compares the two) and any RAM
 * section of the block that holds no buffer handed out can be switched off
 * after set-up (its records are then lost; nothing but validate() reads
 * them).
 *
 * Requests (getBuffer, and the contract's allocate) take the first free
 * buffer in record order whose size fits: with bins listed by increasing
 * size, the smallest that fits, falling through to larger bins when those
 * are used up (F´ requirement BM-002; the order is not enforced, as in F´).
 * O(buffers) per request, O(1) per return.
 *
 * Telemetry (F´'s channels, update on change): schedIn() sends TotalBuffs,
 * CurrBuffs, HiBuffs, NoBuffs and EmptyBuffs to `ports.tlm(name, value)`,
 * each only when its value differs from the one last sent (all five the
 * first time). Events to `ports.event(name, arg)`, each throttled to
 * THROTTLE (10) emissions until its entry of `throttle` is set back to 0:
 * "NoBuffsAvailable" (arg: the size asked for), "ZeroSizeBuffer" (an empty
 * buffer returned; arg undefined) and "BadBufferReturn" (a foreign, second or
 * malformed return; arg: its context). F´ asserts on a bad return; here it
 * is refused with an error code and the event, and nothing changes.
 *
 * The allocator contract (../alloc/api.ts), where it fits: allocate(size,
 * alignment?, hint?) is getBuffer's search returning the address (with
 * alignment: the first fitting free buffer whose address is a multiple of
 * it; with a hint: the first at or above it, else from the start), free(address)
 * returns the buffer that starts there, and both count as getBuffer and
 * returnBuffer do (a failed request is a NoBuffs and a NoBuffsAvailable
 * event too). `base`/`size` are the whole block (records included),
 * `blockSize` the largest bin's buffer size (the most one request can get:
 * a larger size is -EINVAL, as for a fixed-block pool), bytes are charged as
 * whole buffers, and `free` in stats() counts buffer bytes only (the
 * records are out of service). close() is -EBUSY while buffers are out,
 * else cleanup(). What does not map: a buffer's context (getBuffer only),
 * the trimmed size (allocate returns an address; the buffer's full size is
 * what is charged), and empty returns (free(0) is the contract's no-op).
 */
import type { Allocator, AllocStats, Watcher } from "../alloc/api.js";
import type { Memory } from "../hal/ports.js";
import type { MemAllocator, MemRequest } from "./mem-allocator.js";
import { EINVAL, ENOMEM, EFAULT, fail, checkInt } from "../core/errors.js";
import { hasTypedArrays, zeros } from "../core/storage.js";
import type { Store } from "../core/storage.js";

/** One bin: `numBuffers` buffers of `bufferSize` bytes (a bin with numBuffers 0 is unused). */
export interface BufferBin {
  bufferSize: number;
  numBuffers: number;
}

/** F´'s Fw::Buffer: the address of the data (0: empty), its size, and the context that names the buffer ((managerId << 16) | index). */
export interface Buffer {
  data: number;
  size: number;
  context: number;
}

/** Where a BufferManager sends its telemetry and events (both optional). */
export interface BufferManagerPorts {
  /** A telemetry channel changed: "TotalBuffs", "CurrBuffs", "HiBuffs", "NoBuffs" or "EmptyBuffs", and its value. */
  tlm?: (name: string, value: number) => void;
  /** An event: "NoBuffsAvailable" (size), "ZeroSizeBuffer", "BadBufferReturn" (context). */
  event?: (name: string, arg: any) => void;
}

/** The most bins a BufferManager takes (F´'s BUFFERMGR_MAX_NUM_BINS). */
export var BUFFERMGR_MAX_NUM_BINS = 10;

// F´'s telemetry channel and event names are written inside the calls that
// send them: a table at module level would stay in RAM on Espruino (about two
// blocks per string), one built at a send lives only for that send.

/**
 * See the file comment. `new BufferManager(ports?)`, then setup(…) once;
 * cleanup() gives the block back (and setup may run again).
 */
export class BufferManager implements Allocator {
  /** Bytes of one record at the start of the block. */
  static RECORD_SIZE = 16;
  /** Emissions of one event before it is throttled. */
  static THROTTLE = 10;

  /** The memory port of the allocator's block (null before setup, or when the allocator has none). */
  memory: Memory;
  /** The block: address (0 before setup) and bytes (records and buffers). */
  base: number;
  size: number;
  /** The largest bin's buffer size (0 before setup). */
  blockSize: number;
  /** Negative errno of the last failed call, 0 before any. */
  lastError: number;
  /** setup's arguments: the manager's id (high half of each context), the memory id, the MemAllocator, and a copy of the bins. */
  managerId: number;
  memId: number;
  allocator: MemAllocator | null;
  bins: BufferBin[];
  /** Telemetry values: buffers in all (TotalBuffs), handed out now (CurrBuffs), the most ever out at once (HiBuffs), failed requests (NoBuffs), empty buffers returned (EmptyBuffs). */
  numBuffers: number;
  currBuffs: number;
  hiBuffs: number;
  noBuffs: number;
  emptyBuffs: number;
  /** Emissions of each event (NoBuffsAvailable, ZeroSizeBuffer, BadBufferReturn) counted towards THROTTLE; set an entry to 0 to clear its throttle. */
  throttle: number[];

  /** Per buffer: address, size, 1 when handed out. Null before setup. */
  _addr: Store | null;
  _size: Store | null;
  _used: Store | null;
  /** Buffers (0 when not set up), bytes charged now, peak bytes, failed calls. */
  _n: number;
  _bytes: number;
  _peak: number;
  _failures: number;
  /** Index of the buffer the last successful request took. */
  _last: number;
  /** Telemetry values last sent (-1: never). */
  _sent: number[];
  _tlm: ((name: string, value: number) => void) | null;
  _event: ((name: string, arg: any) => void) | null;
  _watchers: Watcher[] | null;

  /** (debug add-on on a board; the contract's) Whether `address` is inside the managed region. */
  declare owns: (address: number) => boolean;
  /** (debug add-on on a board; the contract's) Peak := used; failures := 0. */
  declare resetPeak: () => void;
  /** (debug add-on on a board; the contract's) Remove a watcher: 0, or -ENOENT. */
  declare unwatch: (watcher: Watcher) => number;
  /** (debug add-on on a board; the contract's) Stop: -EBUSY while allocations are live, else 0 (see the add-on). */
  declare close: () => number;
  /** (debug add-on) Cheap checks of the counters. O(1). */
  declare invariantsHold: () => boolean;
  /** (debug add-on) Full check (counters, layout, in-band records against the copy; reads the whole record area): null, or a message naming the first problem. O(buffers). */
  declare validate: () => string | null;
  /** (debug add-on) Buffer `index` as F´'s record: {data, size, context, allocated}, the first three read from the in-band record when there is a port. */
  declare record: (index: number) => { data: number; size: number; context: number; allocated: boolean };
  /** (debug add-on) A text table of the bins and buffers. */
  declare dump: () => string;
  /** (debug add-on) A sentence about the last failure. */
  declare lastErrorText: () => string;

  /** Throws EINVAL when ports is given and is not an object whose tlm and event, when present, are functions. O(1). */
  constructor(ports?: BufferManagerPorts) {
    var p = ports || ({} as BufferManagerPorts);
    if (
      typeof p !== "object" ||
      (p.tlm !== undefined && typeof p.tlm !== "function") ||
      (p.event !== undefined && typeof p.event !== "function")
    ) {
      fail("EINVAL", "ports must be an object {tlm?, event?} of functions, got " + ports);
    }
    this._tlm = p.tlm || null;
    this._event = p.event || null;
    this.memory = null as any;
    this.base = 0;
    this.size = 0;
    this.blockSize = 0;
    this.lastError = 0;
    this.managerId = 0;
    this.memId = 0;
    this.allocator = null;
    this.bins = [];
    this.numBuffers = 0;
    this.currBuffs = 0;
    this.hiBuffs = 0;
    this.noBuffs = 0;
    this.emptyBuffs = 0;
    this.throttle = [0, 0, 0];
    this._addr = null;
    this._size = null;
    this._used = null;
    this._n = 0;
    this._bytes = 0;
    this._peak = 0;
    this._failures = 0;
    this._last = 0;
    this._sent = [-1, -1, -1, -1, -1];
    this._watchers = null;
  }

  /**
   * Carve the buffers of `bins` (1 to 10 bins; in each, numBuffers an
   * integer in [0, 65535] and, when it is not 0, bufferSize an integer ≥ 1;
   * 1 to 65535 buffers in all) out of one allocation of `allocator` (a
   * MemAllocator) for `memId` (an integer in [-2^31, 2^31)): RECORD_SIZE ×
   * buffers + Σ bufferSize × numBuffers bytes, aligned to 4. `managerId` (an
   * integer in [0, 65535]) is the high half of every buffer's context.
   *
   * Returns 0; or, with nothing changed but lastError, the allocator's
   * negative errno when it gave no memory (-ENOMEM, -EPERM when allocations
   * are locked), or -ENOMEM when it granted less than asked (the block is
   * given back; F´ asserts). Throws EINVAL naming the argument for a bad
   * one, and EBUSY when already set up (cleanup() first). O(buffers).
   */
  setup(managerId: number, memId: number, allocator: MemAllocator, bins: BufferBin[]): number {
    var n = 0,
      total = 0,
      i,
      j,
      k,
      b,
      a,
      m,
      s,
      req: MemRequest,
      big = 0;
    if (this._n !== 0)
      fail("EBUSY", "setup: this BufferManager is set up already (managerId " + this.managerId + "); call cleanup() first");
    checkInt(managerId, "managerId", 0, 0xffff);
    if (memId !== (memId | 0)) fail("EINVAL", "memId must be an integer in [-2^31, 2^31), got " + memId);
    if (!allocator || typeof allocator.allocate !== "function" || typeof allocator.deallocate !== "function") {
      fail("EINVAL", "allocator must be a MemAllocator (with allocate and deallocate functions), got " + allocator);
    }
    if (!Array.isArray(bins) || bins.length < 1 || bins.length > BUFFERMGR_MAX_NUM_BINS) {
      fail("EINVAL", "bins must be an array of 1 to " + BUFFERMGR_MAX_NUM_BINS + " {bufferSize, numBuffers}, got " + bins);
    }
    for (i = 0; i < bins.length; i++) {
      b = bins[i];
      if (!b || typeof b !== "object") fail("EINVAL", "bins[" + i + "] must be an object {bufferSize, numBuffers}, got " + b);
      k = checkInt(b.numBuffers, "bins[" + i + "].numBuffers", 0, 0xffff);
      if (k !== 0) {
        s = checkInt(b.bufferSize, "bins[" + i + "].bufferSize", 1, 0xffffffff);
        n += k;
        total += k * s;
        if (s > big) big = s;
      }
    }
    if (n === 0 || n > 0xffff) fail("EINVAL", "bins must hold 1 to 65535 buffers in all, got " + n);
    total += n * BufferManager.RECORD_SIZE;
    if (total > 0xffffffff) fail("EINVAL", "bins need " + total + " bytes with their records, more than 2^32 - 1");
    req = { alignment: 4, size: total }; // F´'s size is in/out: an allocator that leaves it granted all
    a = allocator.allocate(memId, total, req);
    if (!a) return this._note(typeof allocator.lastError === "number" && allocator.lastError < 0 ? allocator.lastError : -ENOMEM, -1, 0);
    if (!((req.size as number) >= total)) {
      allocator.deallocate(memId, a);
      return this._note(-ENOMEM, -1, 0);
    }
    this.managerId = managerId;
    this.memId = memId;
    this.allocator = allocator;
    this.memory = (allocator.memory || null) as Memory;
    this.base = a;
    this.size = total;
    this.blockSize = big;
    this.bins = [];
    this._addr = zeros(n, hasTypedArrays && Uint32Array);
    this._size = zeros(n, hasTypedArrays && Uint32Array);
    this._used = zeros(n, hasTypedArrays && Uint8Array);
    m = this.memory;
    a += n * BufferManager.RECORD_SIZE;
    for (i = 0, k = 0; i < bins.length; i++) {
      b = bins[i];
      this.bins.push({ bufferSize: b.bufferSize, numBuffers: b.numBuffers });
      for (j = 0; j < b.numBuffers; j++, k++) {
        this._addr[k] = a;
        this._size[k] = b.bufferSize;
        if (m !== null) {
          s = this.base + k * BufferManager.RECORD_SIZE;
          m.write32(s, a);
          m.write32(s + 4, b.bufferSize);
          m.write32(s + 8, managerId * 65536 + k);
          m.write32(s + 12, 0);
        }
        a += b.bufferSize;
      }
    }
    this._n = n;
    this.numBuffers = n;
    this.currBuffs = 0;
    this._bytes = 0;
    return 0;
  }

  /**
   * F´'s bufferGetCallee: the first free buffer whose size is at least
   * `size` (an integer in [1, 2^32)), as a Buffer whose size is `size`
   * (trimmed to the request, F´ BM-007) and whose context is
   * (managerId << 16) | index; written into `out` when given. When none is
   * free: the empty buffer {data 0, size 0, context 0}, NoBuffs + 1 and a
   * NoBuffsAvailable event (lastError -ENOMEM, or -EINVAL when no bin could
   * ever hold `size`, or before setup). A bad size gives the empty buffer
   * with lastError -EINVAL, counted as a failure but not as NoBuffs. Throws
   * EINVAL when out is given and is not an object. O(buffers).
   */
  getBuffer(size: number, out?: Buffer): Buffer {
    if (out !== undefined && (out === null || typeof out !== "object"))
      fail("EINVAL", "out must be an object to receive the buffer, got " + out);
    var a = this.allocate(size),
      b = out || ({} as Buffer);
    b.data = a;
    b.size = a === 0 ? 0 : size;
    b.context = a === 0 ? 0 : this.managerId * 65536 + this._last;
    return b;
  }

  /**
   * F´'s bufferSendIn: take back `buffer` (from getBuffer; its data may
   * point anywhere inside the buffer and its size may have shrunk). 0 when
   * taken back. The empty buffer (data 0 and size 0) is accepted with a
   * ZeroSizeBuffer event and EmptyBuffs + 1, and returns 0 (F´ BM-004).
   * Refused with a BadBufferReturn event, nothing changed but lastError and
   * the failure count: -EFAULT when the context names another manager, no
   * buffer, or one that is not handed out (a second return), or data lies
   * outside that buffer; -EINVAL when buffer is not an object, its context
   * is not an integer in [0, 2^32), data or size is not a number, or size is
   * larger than the buffer. O(1).
   */
  returnBuffer(buffer: Buffer): number {
    var c,
      d,
      s,
      i,
      ad = this._addr as Store,
      sz = this._size as Store,
      r = -EINVAL;
    if (buffer && typeof buffer === "object") {
      c = buffer.context;
      d = buffer.data;
      s = buffer.size;
      if (!d && s === 0) {
        this.emptyBuffs++;
        return this._note(0, 1, undefined);
      }
      if (c === c >>> 0 && typeof d === "number" && typeof s === "number") {
        i = c & 0xffff;
        if (c >>> 16 !== this.managerId || i >= this._n || !(this._used as Store)[i] || !(d >= ad[i] && d < ad[i] + sz[i])) r = -EFAULT;
        else if (s >= 0 && s <= sz[i]) return this.free(ad[i]);
      }
    }
    return this._note(r, 2, c);
  }

  /**
   * Give the block back to its allocator (allocator.deallocate(memId,
   * base)) and end the set-up; buffers still out are dropped (each one
   * reported to the watchers as freed), as F´ does. HiBuffs, NoBuffs and
   * EmptyBuffs keep their values. 0; -EINVAL when not set up; the
   * allocator's negative errno when it refuses (then nothing changes).
   * O(buffers).
   */
  cleanup(): number {
    var A = this.allocator as MemAllocator,
      r,
      i,
      k,
      w = this._watchers,
      u = this._used as Store;
    if (this._n === 0) return this._note(-EINVAL, -1, 0);
    r = A.deallocate(this.memId, this.base);
    if (typeof r === "number" && r < 0) return this._note(r, -1, 0);
    if (w !== null)
      for (i = 0; i < this._n; i++)
        if (u[i]) for (k = 0; k < w.length; k++) w[k].onFree((this._addr as Store)[i], (this._size as Store)[i], this);
    this._n = 0;
    this.numBuffers = 0;
    this.currBuffs = 0;
    this._bytes = 0;
    this._addr = this._size = this._used = null;
    this.allocator = null;
    this.memory = null as any;
    this.base = 0;
    this.size = 0;
    this.blockSize = 0;
    return 0;
  }

  /** F´'s schedIn: send each telemetry channel whose value changed since it was last sent (all five the first time). O(1). */
  schedIn(): void {
    var v = [this.numBuffers, this.currBuffs, this.hiBuffs, this.noBuffs, this.emptyBuffs],
      s = this._sent,
      i;
    for (i = 0; i < 5; i++) {
      if (v[i] !== s[i]) {
        s[i] = v[i];
        if (this._tlm !== null) this._tlm(["TotalBuffs", "CurrBuffs", "HiBuffs", "NoBuffs", "EmptyBuffs"][i], v[i]);
      }
    }
  }

  /**
   * The contract's allocate (see the file comment): the address of the
   * first free buffer of at least `size` bytes, aligned to `alignment`, at
   * or above `hint` when one there fits; or 0 with lastError -EINVAL (a bad
   * argument: size not an integer in [1, 2^32), alignment not a power of
   * two, hint not an address; or size above every bin, or not set up) or
   * -ENOMEM (none free), the last two counted as NoBuffs with a
   * NoBuffsAvailable event. O(buffers).
   */
  allocate(size: number, alignment?: number, hint?: number): number {
    var n = this._n,
      ad = this._addr as Store,
      sz = this._size as Store,
      u = this._used as Store,
      m = 0,
      lo = 0,
      i,
      a,
      w,
      k;
    if (
      size !== size >>> 0 ||
      size === 0 ||
      !(alignment === undefined || (alignment === alignment >>> 0 && alignment !== 0 && (alignment & (alignment - 1)) === 0)) ||
      !(hint === undefined || hint === null || hint === hint >>> 0)
    ) {
      this._note(-EINVAL, -1, 0);
      return 0;
    }
    if (alignment) m = alignment - 1;
    if (hint) lo = hint;
    for (;;) {
      for (i = 0; i < n; i++) if (!u[i] && sz[i] >= size && ad[i] >= lo && (ad[i] & m) === 0) break;
      if (i < n || lo === 0) break;
      lo = 0; // nothing at or above the hint: from the start
    }
    if (i >= n) {
      this.noBuffs++;
      this._note(size > this.blockSize ? -EINVAL : -ENOMEM, 0, size);
      return 0;
    }
    u[i] = 1;
    a = ad[i];
    w = sz[i];
    if ((this._bytes += w) > this._peak) this._peak = this._bytes;
    if (++this.currBuffs > this.hiBuffs) this.hiBuffs = this.currBuffs;
    this._last = i;
    if ((k = this._watchers) !== null) for (i = 0; i < k.length; i++) k[i].onAlloc(a, w, this);
    return a;
  }

  /**
   * The contract's free: return the buffer that starts at `address`. 0
   * (free(0) is a no-op); -EFAULT when no buffer starts there or it is not
   * handed out; -EINVAL when address is not a number. No event (returnBuffer
   * sends them). O(buffers) (a native indexOf where the engine has one).
   */
  free(address: number): number {
    var A = this._addr as any,
      i = -1,
      w,
      k,
      s;
    if (typeof address !== "number") return this._note(-EINVAL, -1, 0);
    if (address === 0) return 0;
    if (this._n !== 0) {
      // native indexOf where the store has one (Duktape's typed arrays do not)
      if (A.indexOf) i = A.indexOf(address);
      else for (k = 0; k < A.length && i < 0; k++) if (A[k] === address) i = k;
    }
    if (i < 0 || !(this._used as Store)[i]) return this._note(-EFAULT, -1, 0);
    (this._used as Store)[i] = 0;
    s = (this._size as Store)[i];
    this._bytes -= s;
    this.currBuffs--;
    if ((w = this._watchers) !== null) for (k = 0; k < w.length; k++) w[k].onFree(address, s, this);
    return 0;
  }

  /**
   * {used, free, peak, count, failures}: bytes of the buffers handed out
   * (whole buffers), bytes of the free ones, the peak of used, buffers out
   * (CurrBuffs), failed calls; into `out` when given. Throws EINVAL when out
   * is given and is not an object. O(1).
   */
  stats(out?: AllocStats): AllocStats {
    if (out !== undefined && (out === null || typeof out !== "object"))
      fail("EINVAL", "out must be an object to receive the statistics, got " + out);
    var s = out || ({} as AllocStats);
    s.used = this._bytes;
    s.free = this._n === 0 ? 0 : this.size - this._n * BufferManager.RECORD_SIZE - this._bytes;
    s.peak = this._peak;
    s.count = this.currBuffs;
    s.failures = this._failures;
    return s;
  }

  /** Add a watcher (see the contract): 0, or -EINVAL when it lacks onAlloc/onFree. O(watchers). */
  watch(watcher: Watcher): number {
    if (!watcher || typeof watcher.onAlloc !== "function" || typeof watcher.onFree !== "function") return this._note(-EINVAL, -1, 0);
    this._watchers = (this._watchers || []).concat([watcher]);
    return 0;
  }

  /**
   * A failure (code < 0: lastError and the failure count) and/or event `ev`
   * (index into the event names; -1: none) with `arg`, sent while its
   * throttle count is below THROTTLE. Returns code. O(1).
   */
  _note(code: number, ev: number, arg: any): number {
    if (code < 0) {
      this.lastError = code;
      this._failures++;
    }
    if (ev >= 0 && this.throttle[ev] < BufferManager.THROTTLE) {
      this.throttle[ev]++;
      if (this._event !== null) this._event(["NoBuffsAvailable", "ZeroSizeBuffer", "BadBufferReturn"][ev], arg);
    }
    return code;
  }
}

/**
 * The debug add-on's members of the F´ layer: BufferManager's checkers, its
 * records as F´ lays them out, a table of its buffers and a sentence about
 * its last failure; the MemAllocator adapters' checker and their live
 * allocations. Installed by installDebug (index.ts) through debugFw(rk); the
 * classes are taken from `rk`, never imported.
 */
import type { BufferManager } from "../fw/buffer-manager.js";
import type { MemAllocatorAdapter } from "../fw/mem-allocator.js";
import { EBUSY, ENOENT, errnoNames, fail } from "../core/errors.js";
import type { Watcher } from "../alloc/api.js";

/** Install the debug members onto the F´ classes `rk` (a ramkit bundle's exports) has. */
export function debugFw(rk: any): void {
  if (rk.BufferManager) debugBufferManager(rk.BufferManager);
  if (rk.MemAllocatorAdapter) debugMemAllocator(rk.MemAllocatorAdapter);
  if (rk.SystemAllocator) debugMemAllocator(rk.SystemAllocator);
}

/** Install onto `C` (BufferManager). */
export function debugBufferManager(C: any): void {
  var P = C.prototype,
    R = C.RECORD_SIZE as number;

  /** Whether `address` lies in the block [base, base + size) (records included; false before setup). O(1). */
  P.owns = function (this: BufferManager, address: number): boolean {
    return typeof address === "number" && address >= this.base && address - this.base < this.size;
  };

  /** The peak becomes what is in use now, the failure count 0 (HiBuffs, F´'s high-water mark, is not reset). O(1). */
  P.resetPeak = function (this: BufferManager): void {
    this._peak = this._bytes;
    this._failures = 0;
  };

  /** Remove a watcher: 0, or -ENOENT when it is not watching. O(watchers). */
  P.unwatch = function (this: BufferManager, watcher: Watcher): number {
    var l = this._watchers,
      i = l === null ? -1 : l.indexOf(watcher);
    if (i < 0) return this._note(-ENOENT, -1, 0);
    l = (l as Watcher[]).slice(0);
    l.splice(i, 1);
    this._watchers = l.length === 0 ? null : l;
    return 0;
  };

  /** The contract's close: -EBUSY while buffers are handed out; else cleanup() when set up, and 0. O(buffers). */
  P.close = function (this: BufferManager): number {
    if (this.currBuffs !== 0) return this._note(-EBUSY, -1, 0);
    return this._n === 0 ? 0 : this.cleanup();
  };

  /** Cheap checks of the counters. O(1). */
  P.invariantsHold = function (this: BufferManager): boolean {
    return (
      this.numBuffers === this._n &&
      this.currBuffs >= 0 &&
      this.currBuffs <= this._n &&
      this.hiBuffs >= this.currBuffs &&
      this._bytes >= 0 &&
      this._peak >= this._bytes &&
      (this._bytes === 0) === (this.currBuffs === 0) &&
      this._failures >= 0 &&
      this.noBuffs >= 0 &&
      this.emptyBuffs >= 0 &&
      (this._n === 0) === (this.allocator === null)
    );
  };

  /**
   * Full check: null, or a message naming the first problem: the counters,
   * the layout (records first, buffers right after them bin by bin, ending
   * at the block's end, sizes as the bins say) and, when there is a memory
   * port, every in-band record against the manager's own copy (so the
   * record area must be on). O(buffers).
   */
  P.validate = function (this: BufferManager): string | null {
    var n = this._n,
      ad = this._addr as any,
      sz = this._size as any,
      u = this._used as any,
      m = this.memory,
      a,
      i,
      j,
      k,
      c = 0,
      bytes = 0,
      r;
    if (!this.invariantsHold())
      return (
        "counters: numBuffers " +
        this.numBuffers +
        ", currBuffs " +
        this.currBuffs +
        ", hiBuffs " +
        this.hiBuffs +
        ", bytes " +
        this._bytes +
        ", peak " +
        this._peak +
        " do not hold together"
      );
    if (n === 0) return this.base === 0 && this.size === 0 ? null : "not set up, yet the block is [" + this.base + ", +" + this.size + ")";
    a = this.base + n * R;
    for (i = 0, k = 0; i < this.bins.length; i++) {
      for (j = 0; j < this.bins[i].numBuffers; j++, k++) {
        if (ad[k] !== a)
          return (
            "buffer " +
            k +
            " (bin " +
            i +
            ") is at 0x" +
            ad[k].toString(16) +
            ", expected 0x" +
            a.toString(16) +
            " (right after the previous one)"
          );
        if (sz[k] !== this.bins[i].bufferSize)
          return "buffer " + k + " has size " + sz[k] + ", bin " + i + " says " + this.bins[i].bufferSize;
        if (u[k] !== 0 && u[k] !== 1) return "buffer " + k + " has state " + u[k];
        if (u[k]) {
          c++;
          bytes += sz[k];
        }
        if (m !== null) {
          r = this.base + k * R;
          if (
            m.read32(r) !== ad[k] ||
            m.read32(r + 4) !== sz[k] ||
            m.read32(r + 8) !== this.managerId * 65536 + k ||
            m.read32(r + 12) !== 0
          ) {
            return (
              "record " +
              k +
              " at 0x" +
              r.toString(16) +
              " reads {" +
              m.read32(r) +
              ", " +
              m.read32(r + 4) +
              ", " +
              m.read32(r + 8) +
              ", " +
              m.read32(r + 12) +
              "}, expected {" +
              ad[k] +
              ", " +
              sz[k] +
              ", " +
              (this.managerId * 65536 + k) +
              ", 0}"
            );
          }
        }
        a += sz[k];
      }
    }
    if (k !== n) return "the bins hold " + k + " buffers, the manager " + n;
    if (a !== this.base + this.size)
      return "the buffers end at 0x" + a.toString(16) + ", the block at 0x" + (this.base + this.size).toString(16);
    if (c !== this.currBuffs) return c + " buffers are handed out, currBuffs says " + this.currBuffs;
    if (bytes !== this._bytes) return "the buffers handed out hold " + bytes + " bytes, the counter says " + this._bytes;
    return null;
  };

  /** Buffer `index` as F´'s record {data, size, context, allocated}: data, size and context from the in-band record when there is a port (else the manager's copy), allocated from the manager's state. Throws EINVAL for a bad index. O(1). */
  P.record = function (this: BufferManager, index: number) {
    var m = this.memory,
      r = this.base + index * R;
    if (index !== index >>> 0 || index >= this._n) fail("EINVAL", "index must be an integer in [0, " + this._n + "), got " + index);
    if (m !== null)
      return { data: m.read32(r), size: m.read32(r + 4), context: m.read32(r + 8), allocated: (this._used as any)[index] === 1 };
    return {
      data: (this._addr as any)[index],
      size: (this._size as any)[index],
      context: this.managerId * 65536 + index,
      allocated: (this._used as any)[index] === 1
    };
  };

  /** A text table: one line per bin (size, buffers, handed out), then the telemetry. O(buffers). */
  P.dump = function (this: BufferManager): string {
    var s =
        "BufferManager " +
        this.managerId +
        " (memId " +
        this.memId +
        "): " +
        (this._n === 0 ? "not set up" : "block 0x" + this.base.toString(16) + ", " + this.size + " bytes") +
        "\n",
      i,
      j,
      k = 0,
      out;
    for (i = 0; i < this.bins.length; i++) {
      for (out = 0, j = 0; j < this.bins[i].numBuffers; j++, k++) if (this._used && (this._used as any)[k]) out++;
      s += "  bin " + i + ": " + this.bins[i].numBuffers + " x " + this.bins[i].bufferSize + " bytes, " + out + " handed out\n";
    }
    return (
      s +
      "  TotalBuffs " +
      this.numBuffers +
      ", CurrBuffs " +
      this.currBuffs +
      ", HiBuffs " +
      this.hiBuffs +
      ", NoBuffs " +
      this.noBuffs +
      ", EmptyBuffs " +
      this.emptyBuffs +
      "\n"
    );
  };

  /** A sentence about the last failure. O(1). */
  P.lastErrorText = function (this: BufferManager): string {
    var e = -this.lastError,
      n = errnoNames[e] || String(e);
    if (e === 0) return "no call has failed";
    if (n === "ENOMEM") return "ENOMEM: no free buffer fits the request (or the allocator had no memory at setup)";
    if (n === "EFAULT")
      return "EFAULT: the buffer returned is not one this manager handed out (another manager's, a second return, or its data outside the buffer)";
    if (n === "EINVAL") return "EINVAL: a bad argument, a size no bin holds, or a call that needs setup first";
    if (n === "EBUSY") return "EBUSY: buffers are still handed out";
    return n + ": see the call's documentation";
  };
}

/** Install onto `C` (MemAllocatorAdapter or SystemAllocator). */
export function debugMemAllocator(C: any): void {
  var P = C.prototype;

  /** Null, or a message naming the first problem of the allocation records. O(live²). */
  P.validate = function (this: MemAllocatorAdapter): string | null {
    var n = this._addr.length,
      A = this.allocator,
      i,
      a;
    if (this._id.length !== n || this._x.length !== n)
      return "the records have " + n + " addresses, " + this._id.length + " identifiers and " + this._x.length + " extras";
    for (i = 0; i < n; i++) {
      a = this._addr[i];
      if (a !== a >>> 0 || a === 0) return "record " + i + " has the address " + a;
      if (this._addr.indexOf(a) !== i) return "address 0x" + a.toString(16) + " is recorded twice";
      if (this._id[i] !== (this._id[i] | 0)) return "record " + i + " has the identifier " + this._id[i];
      if (A !== null && !A.owns(a)) return "address 0x" + a.toString(16) + " is outside the allocator's region";
      if (A !== null && typeof this._x[i] !== "number") return "record " + i + " has the run length " + this._x[i];
    }
    return null;
  };

  /** The live allocations as {identifier, address, extra} (extra: a MemBlocks run length, the engine array, or 0). O(live). */
  P.live = function (this: MemAllocatorAdapter) {
    var out = [],
      i;
    for (i = 0; i < this._addr.length; i++) out.push({ identifier: this._id[i], address: this._addr[i], extra: this._x[i] });
    return out;
  };
}

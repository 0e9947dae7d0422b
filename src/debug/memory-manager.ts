/**
 * The debug add-on's members of MemoryManager. `debugMemoryManager(C)`
 * assigns them to `C.prototype`:
 *
 * - the contract's members a production board does without: `owns(address)`,
 *   `resetPeak()`, `unwatch(watcher)`, `close()`;
 * - `invariantsHold()`: both heaps' counters are in range. O(1).
 * - `validate()`: both heaps' full checks: null, or the first problem,
 *   prefixed "normal: " or "shared: ". O(W).
 * - `lastErrorText()`: a sentence about `lastError`: the reason of a refused
 *   initNormal/initShared when that was the last failure, else what the
 *   errno means for this manager.
 * - the design note's getters of the shared region, `getMemorySizeBytes()`,
 *   `getSharedMemoryStartAddress()` and `getSharedMemoryName()` (the lean
 *   class has them as `sharedHeap.size`, `sharedHeap.base` and `sharedName`).
 *
 * The heaps' own add-on members (fullStats, largestFree, allocationSize)
 * are reached through `normalHeap` and `sharedHeap`; `resetPeak` and
 * `close` here use theirs, so the GranularHeap add-on must be
 * installed too (installDebug does both). Only the class's type is imported.
 */
import type { MemoryManager } from "../alloc/memory-manager.js";
import type { Watcher } from "../alloc/api.js";
import { EBUSY, ENOENT, ENOMEM, errnoNames } from "../core/errors.js";
import { granularErrorText } from "./granular-heap.js";

/** Install the debug members onto MemoryManager (`C`, the class). */
export function debugMemoryManager(C: any): void {
  var P = C.prototype;

  P.owns = function (this: MemoryManager, address: number): boolean {
    return this.memoryType(address) !== "OTHER";
  };

  // the heaps share the manager's watcher list
  P.unwatch = function (this: MemoryManager, watcher: Watcher): number {
    var w = this._watchers,
      i = w.indexOf(watcher);
    if (i < 0) return (this.lastError = -ENOENT);
    w.splice(i, 1);
    return 0;
  };

  P.resetPeak = function (this: MemoryManager): void {
    if (this.normalHeap !== null) this.normalHeap.resetPeak();
    if (this.sharedHeap !== null) this.sharedHeap.resetPeak();
    this._failures = 0;
  };

  P.close = function (this: MemoryManager): number {
    var n = this.normalHeap,
      s = this.sharedHeap,
      names = C._names as string[],
      i;
    if ((n !== null && n.stats().count !== 0) || (s !== null && s.stats().count !== 0)) return (this.lastError = -EBUSY);
    if (n !== null) n.close();
    if (s !== null) {
      s.close();
      i = names.indexOf(this.sharedName);
      if (i >= 0) names.splice(i, 1);
    }
    this.normalHeap = null;
    this.sharedHeap = null;
    this.base = 0;
    this.size = 0;
    this.blockSize = 0;
    this.sharedName = "";
    this.spills = 0;
    return 0;
  };

  P.invariantsHold = function (this: MemoryManager): boolean {
    return (
      (this.normalHeap === null || this.normalHeap.invariantsHold()) &&
      (this.sharedHeap === null || this.sharedHeap.invariantsHold()) &&
      this.spills >= 0 &&
      this._failures >= 0
    );
  };

  P.validate = function (this: MemoryManager): string | null {
    var r = this.normalHeap === null ? null : this.normalHeap.validate();
    if (r !== null) return "normal: " + r;
    r = this.sharedHeap === null ? null : this.sharedHeap.validate();
    return r === null ? null : "shared: " + r;
  };

  P.lastErrorText = function (this: MemoryManager): string {
    var e = this._initError as any;
    // the refused init's reason, unless a run-time failure came after it
    if (e !== null && e.at === this._failures && e.code === errnoNames[-this.lastError]) return String(e.message);
    if (this.lastError === -ENOMEM && this.normalHeap === null)
      return "-ENOMEM: normal memory is not set up (initNormal), and no shared region had room";
    return granularErrorText(this.lastError);
  };

  P.getMemorySizeBytes = function (this: MemoryManager): number {
    return this.sharedHeap === null ? 0 : this.sharedHeap.size;
  };

  P.getSharedMemoryStartAddress = function (this: MemoryManager): number {
    return this.sharedHeap === null ? 0 : this.sharedHeap.base;
  };

  P.getSharedMemoryName = function (this: MemoryManager): string {
    return this.sharedName;
  };
}

/**
 * The debug add-on's members of MemoryManager. `debugMemoryManager(C)`
 * assigns them to `C.prototype`:
 *
 * - the contract's members a production board does without: `owns(address)`,
 *   `resetPeak()`, `unwatch(watcher)`, `close()`;
 * - the design note's `memoryType(address)` (a board program that must have
 *   shared memory asks `sharedHeap.allocate`, which never spills; one that
 *   takes either does not need to know), `MemoryManager.getInstance()` (the singleton) and
 *   `initShared(config)` (`initNormal(config, true)`, which a board calls,
 *   or it passes `options.shared` to the constructor);
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
import type { MemoryManager, SharedMemoryConfig } from "../alloc/memory-manager.js";

// memoryType's values (the same strings as the MEMORY_* constants of src/alloc/memory-manager.ts, which
// this add-on does not import: it holds none of the lean code)
var MEMORY_NORMAL = "NORMAL",
  MEMORY_SHARED = "SHARED",
  MEMORY_OTHER = "OTHER";
import type { Watcher } from "../alloc/api.js";
import { EBUSY, ENOENT, ENOMEM, errnoNames } from "../core/errors.js";
import { granularErrorText } from "./granular-heap.js";

/** Install the debug members onto MemoryManager (`C`, the class). */
export function debugMemoryManager(C: any): void {
  var P = C.prototype;

  // the design note's singleton, one per class the add-on is installed on (on a board, a program keeps
  // its manager in a variable)
  C.getInstance = function (): MemoryManager {
    return C._instance || (C._instance = new C());
  };

  // the design note's init_shared: initNormal's work with its second argument (what a board calls, when
  // it does not pass options.shared to the constructor)
  P.initShared = function (this: MemoryManager, config: SharedMemoryConfig): number {
    return this.initNormal(config, true);
  };

  P.memoryType = function (this: MemoryManager, address: number): string {
    var s = this._next;
    return typeof address !== "number" || address === 0
      ? MEMORY_OTHER
      : s !== null && address >= s.base && address - s.base < s.size
        ? MEMORY_SHARED
        : address >= this.base && address - this.base < this.size
          ? MEMORY_NORMAL
          : MEMORY_OTHER;
  };

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

  // the manager's state block is the normal heap's (before initNormal: the failures counted so far)
  P.resetPeak = function (this: MemoryManager): void {
    var s = this._state;
    if (this.normalHeap !== null) this.normalHeap.resetPeak();
    else s[5] = s[6] = 0;
    if (this.sharedHeap !== null) this.sharedHeap.resetPeak();
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
    // an empty heap's fields again (as the constructor leaves them: no granules, no hooks)
    this._state = [0, 0, 0, 0, 0, 0, 0];
    this._enter = this._exit = null;
    this._granules = this.granule = this.size = this.base = this.blockSize = this.granules = this.spills = 0;
    this._next = this.normalHeap = this.sharedHeap = null;
    this.sharedName = "";
    return 0;
  };

  P.invariantsHold = function (this: MemoryManager): boolean {
    return (
      (this.normalHeap === null || this.normalHeap.invariantsHold()) &&
      (this.sharedHeap === null || this.sharedHeap.invariantsHold()) &&
      this.spills >= 0 &&
      this._state[5] >= 0 &&
      this._state[6] >= 0
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
    if (e && e.at === this.stats().failures && e.code === errnoNames[-this.lastError]) return String(e.message);
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

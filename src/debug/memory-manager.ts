/**
 * The debug add-on's members of MemoryManager. `debugMemoryManager(C)`
 * assigns them to `C.prototype`:
 *
 * - `invariantsHold()`: both heaps' counters are in range. O(1).
 * - `validate()`: both heaps' full checks: null, or the first problem,
 *   prefixed "normal: " or "shared: ". O(W).
 * - `lastErrorText()`: a sentence about `lastError`: the reason of a refused
 *   initNormal/initShared when that was the last failure, else what the
 *   errno means for this manager.
 *
 * The heaps' own add-on members (fullStats, largestFree, allocationSize)
 * are reached through `normalHeap` and `sharedHeap`. Only the class's type
 * is imported.
 */
import type { MemoryManager } from "../alloc/memory-manager.js";
import { ENOMEM, errnoNames } from "../core/errors.js";
import { granularErrorText } from "./granular-heap.js";

/** Install the debug members onto MemoryManager (`C`, the class). */
export function debugMemoryManager(C: any): void {
  var P = C.prototype;

  P.invariantsHold = function (this: MemoryManager): boolean {
    return (this.normalHeap === null || this.normalHeap.invariantsHold()) && (this.sharedHeap === null || this.sharedHeap.invariantsHold()) &&
      this.spills >= 0 && this._failures >= 0;
  };

  P.validate = function (this: MemoryManager): string | null {
    var r = this.normalHeap === null ? null : this.normalHeap.validate();
    if (r !== null) return "normal: " + r;
    r = this.sharedHeap === null ? null : this.sharedHeap.validate();
    return r === null ? null : "shared: " + r;
  };

  P.lastErrorText = function (this: MemoryManager): string {
    var e = this._initError as any;
    if (e !== null && e.code === errnoNames[-this.lastError]) return e.message;
    if (this.lastError === -ENOMEM && this.normalHeap === null) return "-ENOMEM: normal memory is not set up (initNormal), and no shared region had room";
    return granularErrorText(this.lastError);
  };
}

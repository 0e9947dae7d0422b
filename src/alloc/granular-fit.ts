/**
 * GranularHeap.fit (see its declaration in ./granular-heap.ts): where
 * `allocate(size, alignment, hint)` would place a request now, at or above
 * `hint`, without allocating. It is the bank manager's question
 * (src/power/policies.ts), so it ships with the bundles a bank manager may
 * run on: src/entries/granular.ts installs it (ramkit-granular and the full
 * bundle), and the debug add-on where a bundle lacks it (the host, and the
 * memory-manager bundle, whose board has no bank manager and would pay RAM
 * for it).
 */
import type { GranularHeap } from "./granular-heap.js";

/** GranularHeap.prototype.fit: allocate's search only (`how` 1). */
export function granularFit(this: GranularHeap, size: number, alignment?: number, hint?: number): number {
  return this.allocate(size, alignment, hint, 1);
}

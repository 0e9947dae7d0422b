/**
 * Placement and gating policies of the bank manager (bank-manager.ts). A
 * policy is a small object with one job, in two parts:
 *
 * - `place(bm, k, size, alignment)`: the placement hint for a request that
 *   the manager is about to give to its allocator number `k` (the contract's
 *   "first fit at or above hint"), or 0 for the allocator's own placement.
 * - `decide(bm, now, want)`: at sample time `now` (seconds), set `want[s]` to
 *   1 for every section the policy wants on, 0 for every one it wants off,
 *   and -1 for one it leaves as it is. The manager applies it, and never switches off a section that is
 *   reserved, not gateable, not wholly inside its allocators' regions, or
 *   holding live data, whatever the policy wants.
 *
 * What a policy reads of the manager: `bm.live[s]` (live bytes in section s,
 * all allocators), `bm.hysteresis`, `bm.power`, `bm._m[s]` (1 where the
 * manager may switch section s off), and the per-allocator tables
 * `bm._la[k][s]` (allocator k's live bytes in section s), `bm._cv[k][s]`
 * (bytes of section s inside allocator k's region), `bm._sb`/`bm._ss`
 * (section bases and sizes) and `bm._since[s]` (when section s was last
 * found empty, or -1). docs/POWER.md describes each policy and its source.
 */
import type { BankManager } from "./bank-manager.js";
import { fail, show } from "../core/errors.js";

/** A placement and gating policy (see the top of this file). */
export interface Policy {
  /** The name `policy(name)` finds it by. */
  name: string;
  /** Placement hint for allocator `k` of `bm` (0: the allocator's own placement). */
  place(bm: BankManager, k: number, size: number, alignment?: number): number;
  /** Fill `want[s]` (1 on, 0 off, -1 as it is) for every section of `bm` at time `now`. */
  decide(bm: BankManager, now: number, want: number[]): void;
}

/**
 * The built-in policies' placement, one function for all (each function
 * costs RAM on Espruino). Without `this.hold` (all-on, heap-top,
 * gate-empty): 0, no hint, the allocator's own lowest-first placement.
 * With it (pack+gate): a hint for allocator `k` that keeps a request out
 * of sections that would otherwise be off, in this order:
 *
 * 1. the lowest section that is on and holds live data (or that the manager
 *    never switches off) where the request fits wholly inside the run of
 *    such sections it starts in;
 * 2. the lowest section that is on (an empty one waiting out the
 *    hysteresis) where it fits wholly inside sections that are on;
 * 3. an allocator that can say where a request would go (a heap's
 *    `fit(size, alignment, hint)`: GranularHeap): the lowest section that
 *    is off where the fit starts at its base, so that one section comes on
 *    and no allocation straddles into it from a section on;
 * 4. 0: the allocator's own placement.
 *
 * "Fits": with `fit`, the first fit at or above the section's base ends
 * inside the run (free bytes say nothing about a free run of a variable-size
 * heap); without it (fixed blocks, one per request), the allocator has
 * `size` bytes not in use in the section. Lowest, not fullest: low sections
 * hold the oldest data, which is likely to stay, so they stay on anyway.
 * O(sections) + one `fit` per run in steps 1 and 2 (+ at most one per
 * section that is off in step 3).
 */
function place(this: Policy & { hold: boolean }, bm: BankManager, k: number, size: number, alignment?: number): number {
  if (!this.hold) return 0;
  var x = bm.allocators[k] as any,
    la = bm._la[k],
    cv = bm._cv[k],
    live = bm.live,
    m = bm._m,
    sb = bm._sb,
    ss = bm._ss,
    P = bm.power,
    n = sb.length,
    f = typeof x.fit === "function",
    i,
    s,
    e,
    h,
    a;
  for (i = 0; i < 2; i++) {
    for (s = 0; s < n; s++) {
      if (P.getPower(s) !== "on" || !(i || live[s] > 0 || !m[s]) || cv[s] - la[s] < (f ? 1 : size)) continue;
      h = sb[s] > x.base ? sb[s] : x.base;
      if (!f) return h;
      // e: the last section of the run that starts at s
      for (e = s; e + 1 < n && P.getPower(e + 1) === "on" && (i || live[e + 1] > 0 || !m[e + 1]); e++);
      a = x.fit(size, alignment, h);
      if (a !== 0 && a + size <= sb[e] + ss[e]) return a;
      s = e; // a fit from higher in this run starts at or above a: past the run too
    }
  }
  for (s = 0, a = 0; f && s < n; s++) {
    h = sb[s] > x.base ? sb[s] : x.base;
    if (h < a || P.getPower(s) === "on" || cv[s] === 0) continue;
    a = x.fit(size, alignment, h);
    if (a === h) return h;
    if (a === 0) break; // no fit at or above h at all
  }
  return 0;
}

/**
 * The built-in policies' gating, one function for all (each function costs
 * RAM on Espruino), by `this.k`:
 * - 0, all-on: every section on, always;
 * - 1, heap-top: on up to the highest section holding live data, off above
 *   it (every section wholly above the highest address in use); empty
 *   sections below the top stay on;
 * - 2, gate-empty and pack+gate: off when the section holds nothing live;
 *   with `hold` (pack+gate: hold and pack), only once it has been empty
 *   for `bm.hysteresis` seconds, and left as it is until then.
 * O(sections).
 */
function gate(this: Policy & { k: number; hold: boolean }, bm: BankManager, now: number, want: number[]): void {
  var k = this.k,
    h = this.hold ? bm.hysteresis : 0,
    since = bm._since,
    live = bm.live,
    t = -1,
    s;
  if (k === 1) for (s = 0; s < want.length; s++) if (live[s] > 0) t = s;
  for (s = 0; s < want.length; s++)
    want[s] = k === 0 || live[s] > 0 || (k === 1 && s <= t) ? 1 : k === 1 || !(h > 0 && !(since[s] >= 0 && now - since[s] >= h)) ? 0 : -1;
}

/**
 * The built-in policies, by name:
 * - "all-on": never switches anything off (the baseline);
 * - "heap-top": what Nordic's RAM power-down library does with
 *   CONFIG_RAM_POWER_ADJUST_ON_HEAP_RESIZE (nRF Connect SDK documentation,
 *   "RAM power-down", https://developer.nordicsemi.com/nRF_Connect_SDK/doc/latest/nrf/libraries/others/ram_pwrdn.html;
 *   lib/ram_pwrdn in the sdk-nrf repository): sections wholly above the
 *   heap's end off, every section up to it on, as the heap grows or shrinks;
 *   here the "heap end" is the highest address in use;
 * - "gate-empty": off every section that holds nothing live, below the top
 *   too (what out-of-band bookkeeping allows);
 * - "pack+gate": gate-empty after `hysteresis` seconds of emptiness, with
 *   placement that keeps requests in sections that are on (lowest first)
 *   and, for a heap, switches on one whole section when none has room.
 * docs/POWER.md gives the details.
 */
export var POLICY_NAMES = ["all-on", "heap-top", "gate-empty", "pack+gate"];

/**
 * The policy objects made so far, by index in POLICY_NAMES. A policy is made
 * at its first `policy(name)` and kept, so that a program pays RAM only for
 * the ones it uses (four objects of five fields each cost about 25 blocks on
 * Espruino) and every call returns the same object.
 */
var made: Policy[] = [];

/**
 * The policy called `name` (the shared object: do not change it). Throws
 * EINVAL listing the valid names for anything else. O(policies).
 */
export function policy(name: string): Policy {
  var i = POLICY_NAMES.indexOf(name);
  if (i >= 0) return made[i] || (made[i] = { name: name, place: place, decide: gate, k: i < 2 ? i : 2, hold: i === 3 } as Policy);
  return fail("EINVAL", 'policy must be one of "' + POLICY_NAMES.join('", "') + '", got ' + show(name));
}

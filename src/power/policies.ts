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
 * all allocators), `bm.hysteresis`, `bm.power`, and the per-allocator tables
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

/** No hint: the allocator's own lowest-first placement (all-on, heap-top, gate-empty). */
function lowest(): number {
  return 0;
}

/**
 * pack+gate's placement: the lowest address of allocator `k`'s part of the
 * section that is on and fullest (live bytes per byte of section) among
 * those where `k` still has `size` bytes not in use, so that live data
 * gathers in few sections and the others empty out. 0 (the allocator's own
 * placement) when no section that is on has room. O(sections).
 */
function fullest(bm: BankManager, k: number, size: number): number {
  var la = bm._la[k], cv = bm._cv[k], live = bm.live, sb = bm._sb, ss = bm._ss, best = -1, s;
  for (s = 0; s < sb.length; s++) {
    if (cv[s] - la[s] >= size && (best < 0 || live[s] * ss[best] > live[best] * ss[s]) && bm.power.getPower(s) === "on") best = s;
  }
  if (best < 0) return 0;
  var a = bm.allocators[k].base;
  return sb[best] > a ? sb[best] : a;
}

/** all-on: every section on, always. */
function allOn(bm: BankManager, now: number, want: number[]): void {
  for (var s = 0; s < want.length; s++) want[s] = 1;
}

/**
 * heap-top: on up to the highest section holding live data, off above it
 * (every section wholly above the highest address in use); empty sections
 * below the top stay on. O(sections).
 */
function top(bm: BankManager, now: number, want: number[]): void {
  var t = -1, s;
  for (s = 0; s < want.length; s++) if (bm.live[s] > 0) t = s;
  for (s = 0; s < want.length; s++) want[s] = s <= t ? 1 : 0;
}

/**
 * gate-empty and pack+gate: off when the section holds nothing live; with
 * `hold` (pack+gate), only once it has been empty for `bm.hysteresis`
 * seconds, and left as it is until then. O(sections).
 */
function empty(this: Policy & { hold: boolean }, bm: BankManager, now: number, want: number[]): void {
  var h = this.hold ? bm.hysteresis : 0, since = bm._since;
  for (var s = 0; s < want.length; s++) want[s] = bm.live[s] > 0 ? 1 : h > 0 && !(since[s] >= 0 && now - since[s] >= h) ? -1 : 0;
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
 *   placement that fills the fullest section that is on first, so that live
 *   data gathers in few sections.
 * docs/POWER.md gives the details.
 */
export var POLICIES: Policy[] = [
  { name: "all-on", place: lowest, decide: allOn },
  { name: "heap-top", place: lowest, decide: top },
  { name: "gate-empty", place: lowest, decide: empty, hold: false } as Policy,
  { name: "pack+gate", place: fullest, decide: empty, hold: true } as Policy
];

/**
 * The policy called `name` (the shared object: do not change it). Throws
 * EINVAL listing the valid names for anything else. O(policies).
 */
export function policy(name: string): Policy {
  var names: string[] = [];
  for (var i = 0; i < POLICIES.length; i++) {
    if (POLICIES[i].name === name) return POLICIES[i];
    names.push("\"" + POLICIES[i].name + "\"");
  }
  return fail("EINVAL", "policy must be one of " + names.join(", ") + ", got " + show(name));
}

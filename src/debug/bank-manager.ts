/**
 * The debug add-on's members of BankManager: the checkers, per-section
 * figures and a table of the sections. Installed by installDebug (index.ts);
 * the class is taken as an argument, never imported.
 */
import type { BankManager } from "../power/bank-manager.js";
import type { Allocator, Watcher } from "../alloc/api.js";
import { EBUSY, EINVAL, ENOENT } from "../core/errors.js";

/** Install the debug members onto `C` (the BankManager class). */
export function debugBankManager(C: any): void {
  var P = C.prototype;

  /** Whether a managed allocator's region holds `address`. O(allocators). */
  P.owns = function (this: BankManager, address: number): boolean {
    for (var k = 0, A = this.allocators; k < A.length; k++) if (address >= A[k].base && address < A[k].base + A[k].size) return true;
    return false;
  };

  /** Sections on now, as stats().sectionsOn. O(sections). */
  P.sectionsOn = function (this: BankManager): number {
    for (var s = 0, c = 0; s < this._sb.length; s++) if (this.power.getPower(s) === "on") c++;
    return c;
  };

  /** Peak := used; failures := 0. */
  P.resetPeak = function (this: BankManager): void {
    this._peak = this._used;
    this._fail = 0;
  };

  /** Remove a watcher: 0, or -ENOENT. */
  P.unwatch = function (this: BankManager, watcher: Watcher): number {
    var i = this._w.indexOf(watcher);
    if (i < 0) return (this.lastError = -ENOENT);
    this._w.splice(i, 1);
    return 0;
  };

  /**
   * Stop managing: -EBUSY (nothing changed) while allocations are live;
   * else every managed section that is off is switched on (in-band pools
   * reclaimed), the allocators are unwatched and forgotten, and 0.
   */
  P.close = function (this: BankManager): number {
    var A = this.allocators,
      s;
    if (this._count > 0) return (this.lastError = -EBUSY);
    for (s = 0; s < this._sb.length; s++) {
      if (this._m[s] && this.power.getPower(s) !== "on") this._set(s, 1);
      this._m[s] = 0;
    }
    for (s = 0; s < A.length; s++) if (typeof A[s].unwatch === "function") A[s].unwatch(this); // a lean board allocator without the add-on keeps calling; onAlloc/onFree ignore what they do not manage
    A.splice(0, A.length);
    this._la.splice(0, this._la.length);
    this._cv.splice(0, this._cv.length);
    this.memory = null as any;
    this.base = this.size = this.blockSize = 0;
    return 0;
  };

  /** Cheap checks of the counters. O(1). */
  P.invariantsHold = function (this: BankManager): boolean {
    return (
      this._used >= 0 &&
      this._count >= 0 &&
      this._peak >= this._used &&
      (this._used === 0) === (this._count === 0) &&
      this.switchOns >= 0 &&
      this.switchOffs >= 0 &&
      this.lost >= 0 &&
      this._fail >= 0
    );
  };

  /**
   * Full check: null, or a message naming the first problem. Per section:
   * live bytes ≥ 0, the sum of the allocators' parts, within each
   * allocator's region, and 0 unless the section is on (no live data in a
   * section that is off); the records against the counters and the
   * sections; the allocators' own used bytes and their validate(). O(live
   * allocations + sections × allocators + the allocators' validate).
   */
  P.validate = function (this: BankManager): string | null {
    var A = this.allocators,
      P2 = this.power,
      n = this._sb.length,
      sum = 0,
      c = 0,
      used = 0,
      s,
      k,
      x,
      a,
      m,
      v;
    if (!this.invariantsHold())
      return "counters: used " + this._used + ", count " + this._count + ", peak " + this._peak + " do not hold together";
    for (s = 0; s < n; s++) {
      for (m = 0, k = 0; k < A.length; k++) {
        if (this._la[k][s] < 0 || this._la[k][s] > this._cv[k][s])
          return (
            "section " + P2.sectionName(s) + ": allocator " + k + " has " + this._la[k][s] + " live bytes in a part of " + this._cv[k][s]
          );
        m += this._la[k][s];
      }
      if (this.live[s] !== m) return "section " + P2.sectionName(s) + ": live " + this.live[s] + " is not the allocators' sum " + m;
      if (this.live[s] > 0 && P2.getPower(s) !== "on")
        return "section " + P2.sectionName(s) + " is " + P2.getPower(s) + " but holds " + this.live[s] + " live bytes";
      if (P2.getPower(s) !== "on" && this._rsv[s]) return "section " + P2.sectionName(s) + " is reserved but " + P2.getPower(s);
      sum += this.live[s];
    }
    for (x in this._rec) {
      a = +x;
      c++;
      used += this._rec[x];
      if (!(this._rec[x] > 0)) return "record at 0x" + a.toString(16) + " has " + this._rec[x] + " bytes";
      for (k = 0; k < A.length && !A[k].owns(a); k++);
      if (k === A.length) return "record at 0x" + a.toString(16) + " is in no managed allocator";
    }
    if (used !== this._used) return "records hold " + used + " bytes, the counter " + this._used;
    if (sum !== this._used) return "sections hold " + sum + " live bytes, the counter " + this._used;
    if (c !== this._count) return c + " records for " + this._count + " live allocations";
    for (used = 0, k = 0; k < A.length; k++) {
      v = typeof (A[k] as any).validate === "function" ? (A[k] as any).validate() : null;
      if (v) return "allocator " + k + ": " + v;
      used += A[k].stats().used;
    }
    if (used !== this._used) return "the allocators have " + used + " bytes in use, the manager saw " + this._used;
    return null;
  };

  /** Live bytes in `section`: of `allocator` when given (-ENOENT when not managed), else of all. -EINVAL for a bad section. */
  P.liveBytes = function (this: BankManager, section: number, allocator?: Allocator): number {
    if (!(section >= 0 && section < this._sb.length) || Math.floor(section) !== section) return -EINVAL;
    if (allocator === undefined) return this.live[section];
    var k = this.allocators.indexOf(allocator);
    return k < 0 ? -ENOENT : this._la[k][section];
  };

  /** One row per section, in address order: name, power state, live bytes, reserved, managed (the manager may switch it off). */
  P.sectionTable = function (this: BankManager) {
    var out: { name: string; state: string; live: number; reserved: boolean; managed: boolean }[] = [];
    for (var s = 0; s < this._sb.length; s++) {
      out.push({
        name: this.power.sectionName(s),
        state: this.power.getPower(s),
        live: this.live[s],
        reserved: !!this._rsv[s],
        managed: !!this._m[s]
      });
    }
    return out;
  };
}

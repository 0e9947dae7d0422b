/**
 * The bank manager: switches RAM sections off and on around the allocators
 * it manages, so that sections that hold nothing live draw no retention
 * current, and is itself an allocator (the contract of ../alloc/api.ts) over
 * them. docs/POWER.md describes the design; this comment is the reference.
 *
 * What it tracks
 * - Per section: live bytes (`live[s]`, all allocators) and live bytes of
 *   each allocator (`_la[k][s]`), kept up to date by watching every managed
 *   allocator (`allocator.watch(manager)`: the manager is the watcher; no
 *   wrapping), so allocations made directly on an allocator count too. An
 *   allocation that straddles sections counts in each for the bytes there.
 * - Every live allocation (address -> bytes), so that a forced switch-off can
 *   report each allocation it loses. Cost: one property per live allocation.
 * - Per section: whether it is reserved (overlaps `options.reserved`), and
 *   whether the manager may switch it off at all: gateable, not reserved,
 *   and wholly inside the regions of the allocators it manages (RAM outside
 *   them belongs to someone else, whatever it holds).
 *
 * Switching
 * - On before use: an allocation that lands in a section that is not on
 *   switches it on from the watcher's onAlloc, which runs before the
 *   allocator returns the address to its caller.
 * - In-band bookkeeping: an allocator with `releaseRange`/`reclaimRange`
 *   (Onesize: the free list's links live in the free blocks) has its part of
 *   a section released before the section goes off and reclaimed after it is
 *   back on (over the whole run of sections that are on around it, so a
 *   block straddling two sections comes back only when both are on). Such a
 *   pool never hands out released blocks; `allocate` of the manager switches
 *   one of its gated sections back on when it runs out. MemBlocks and
 *   GranularHeap keep nothing in the region and need neither.
 * - Never off: a reserved section, one that is not gateable, one not wholly
 *   managed, one holding live data (unless forced: `powerOff(s, true)`).
 * - Forced off: every live allocation overlapping the section is lost. The
 *   manager reports each (address, bytes, allocator), then frees it in its
 *   allocator while the section is still on (an in-band pool writes its
 *   link), releases the section from in-band pools and switches it off. Its
 *   memory is handed out again only once it is on: an in-band pool's part is
 *   released until reclaimed at switch-on; any other allocator's hand-out in
 *   it switches it on first. A later free() of a lost address by its old
 *   owner is refused (-EFAULT) until that memory is allocated again.
 *
 * Cost: onAlloc/onFree O(sections the allocation touches) (+ O(live
 * allocations) for a free inside a recorded run); allocate O(allocators ×
 * sections) for the hint (pack+gate: + a heap's `fit` once per run of
 * sections that are on, O(bitmap words) each); update O(sections) + the
 * switches; a switch
 * O(sections) + the in-band pools' release/reclaim (O(blocks)).
 */
import type { Allocator, AllocStats, Watcher } from "../alloc/api.js";
import type { Memory, Power } from "../hal/ports.js";
import { EBUSY, EINVAL, ENOMEM, EFAULT, checkAddress, checkInt, fail, show } from "../core/errors.js";
import { rangeText } from "../hal/claims.js";
import { type Policy, policy } from "./policies.js";

/** A range the manager must never switch off. */
export interface ReservedSpan {
  base: number;
  size: number;
}

/** Options of `new BankManager(power, options)`. */
export interface BankManagerOptions {
  /** "all-on" (default), "heap-top", "gate-empty", "pack+gate", or a policy object {name, place, decide}. */
  policy?: string | Policy;
  /** pack+gate: seconds a section must be empty before it is switched off (default 0). */
  hysteresis?: number;
  /** Ranges never switched off: every section they touch stays on. */
  reserved?: ReservedSpan[];
  /** The clock of update(now), in seconds: stamps when a section empties, and is update's default time. */
  now?: () => number;
}

/** The statistics of a bank manager: the contract's, plus its switching counters. */
export interface BankStats extends AllocStats {
  /** Sections switched on by the manager. */
  switchOns: number;
  /** Sections switched off by the manager. */
  switchOffs: number;
  /** Sections on now. */
  sectionsOn: number;
  /** Allocations lost to forced switch-offs. */
  lost: number;
}

/** One allocation lost to a forced switch-off. */
export interface LostAllocation {
  address: number;
  bytes: number;
  allocator: Allocator;
}

/**
 * A bank manager over a `Power` port and the allocators given to `manage`.
 * Run-time outcomes are values (0 or an address; negative errno and
 * `lastError`); configuration mistakes throw EINVAL (EEXIST, EBUSY) naming
 * the argument.
 */
export class BankManager implements Allocator {
  /** The power port. */
  power: Power;
  /** The policy in force. */
  policy: Policy;
  /** pack+gate: seconds a section stays empty before it goes off. */
  hysteresis: number;
  /** Managed allocators, in the order `manage` got them (allocate tries them in this order). */
  allocators: Allocator[];
  /** The memory port of the managed allocators (null before the first). */
  memory: Memory;
  /** Lowest base, span and smallest block of the managed allocators (0 before the first). */
  base: number;
  size: number;
  blockSize: number;
  /** Negative errno of the most recent failed call, 0 before any. */
  lastError: number;
  /** Live bytes per section, all allocators (read it; do not write it). */
  live: number[];
  /** Sections switched on / off by the manager. */
  switchOns: number;
  switchOffs: number;
  /** Allocations lost to forced switch-offs. */
  lost: number;
  /** Section bases and sizes. */
  _sb: number[];
  _ss: number[];
  /** 1 where a reserved range touches the section. */
  _rsv: number[];
  /** 1 where the manager may switch the section off (gateable, not reserved, wholly managed). */
  _m: number[];
  /** Per allocator, per section: live bytes, and bytes of the section inside its region. */
  _la: number[][];
  _cv: number[][];
  /** Per section: time it was found empty, -1 while it holds live data or before it is stamped. */
  _since: number[];
  /** The policy's answer per section: 1 on, 0 off, -1 as it is. */
  _want: number[];
  /** Live allocations: address -> bytes. */
  _rec: { [address: string]: number };
  /** The manager's own watchers. */
  _w: Watcher[];
  _now: (() => number) | null;
  /** Time of the last update. */
  _t: number;
  _used: number;
  _peak: number;
  _count: number;
  _fail: number;
  /** Bytes of the last free seen (forced switch-offs free lost runs piece by piece). */
  _fb: number;
  /** Scratch for the allocators' statistics. */
  _st: AllocStats;

  /** (debug add-on on a board; the contract's) Whether `address` is inside the managed region. */
  declare owns: (address: number) => boolean;
  /** (debug add-on on a board; the contract's) Peak := used; failures := 0. */
  declare resetPeak: () => void;
  /** (debug add-on on a board; the contract's) Remove a watcher: 0, or -ENOENT. */
  declare unwatch: (watcher: Watcher) => number;
  /** (debug add-on on a board; the contract's) Stop: -EBUSY while allocations are live, else 0 (see the add-on). */
  declare close: () => number;
  /** Sections on now, as `stats().sectionsOn` (debug add-on). O(sections). */
  declare sectionsOn: () => number;
  /** Cheap checks of the counters (debug add-on). */
  declare invariantsHold: () => boolean;
  /** Full check, null or the first problem: no live data in a section that is off, tables against the allocators (debug add-on). */
  declare validate: () => string | null;
  /** Live bytes in `section`, of one managed allocator or of all (debug add-on). */
  declare liveBytes: (section: number, allocator?: Allocator) => number;
  /** One row per section: name, state, live bytes, reserved, managed (debug add-on). */
  declare sectionTable: () => { name: string; state: string; live: number; reserved: boolean; managed: boolean }[];

  /**
   * A manager over `power` (a `Power` port: sectionCount, sectionAt,
   * sectionBase, sectionSize, gateable, getPower, setPower). Throws EINVAL
   * naming the option: power not a Power port, an unknown policy name (the
   * message lists the valid ones) or a policy object without name, place and
   * decide, hysteresis not a number of seconds ≥ 0, reserved not an array
   * of {base, size}, now not a function returning a number. O(sections +
   * reserved ranges).
   */
  constructor(power: Power, options?: BankManagerOptions) {
    var p = power as any,
      o = options || {},
      pol = o.policy as any,
      r = o.reserved,
      n,
      s,
      i;
    if (
      !p ||
      typeof p.sectionCount !== "function" ||
      typeof p.sectionAt !== "function" ||
      typeof p.sectionBase !== "function" ||
      typeof p.sectionSize !== "function" ||
      typeof p.gateable !== "function" ||
      typeof p.getPower !== "function" ||
      typeof p.setPower !== "function"
    ) {
      fail(
        "EINVAL",
        "power must be a Power port (sectionCount, sectionAt, sectionBase, sectionSize, gateable, getPower, setPower), got " + show(power)
      );
    }
    if (pol !== null && typeof pol === "object") {
      if (typeof pol.name !== "string" || typeof pol.place !== "function" || typeof pol.decide !== "function")
        fail("EINVAL", "policy must be a name or an object {name, place, decide}, got an object without them");
    } else pol = policy(pol === undefined ? "all-on" : pol);
    if (o.hysteresis !== undefined && !(typeof o.hysteresis === "number" && o.hysteresis >= 0 && o.hysteresis < Infinity))
      fail("EINVAL", "hysteresis must be a number of seconds >= 0, got " + show(o.hysteresis));
    if (o.now !== undefined && typeof o.now !== "function") fail("EINVAL", "now must be a function returning seconds, got " + show(o.now));
    if (r !== undefined && (r === null || typeof r !== "object" || typeof r.length !== "number"))
      fail("EINVAL", "reserved must be an array of {base, size}, got " + show(r));
    this.power = power;
    this.policy = pol;
    this.hysteresis = o.hysteresis || 0;
    this._now = o.now || null;
    this._t = this._now ? this._now() : 0;
    if (typeof this._t !== "number" || !(this._t >= 0 && this._t < Infinity))
      fail("EINVAL", "now() must return a number of seconds >= 0, got " + show(this._t));
    this.allocators = [];
    this.memory = null as any;
    this.base = this.size = this.blockSize = 0;
    this.lastError = 0;
    this.switchOns = this.switchOffs = this.lost = 0;
    this._used = this._peak = this._count = this._fail = this._fb = 0;
    this._rec = {};
    this._w = [];
    this._la = [];
    this._cv = [];
    this._st = { used: 0, free: 0, peak: 0, count: 0, failures: 0 };
    this.live = [];
    this._sb = [];
    this._ss = [];
    this._rsv = [];
    this._m = [];
    this._since = [];
    this._want = [];
    n = p.sectionCount();
    for (s = 0; s < n; s++) {
      this._sb.push(p.sectionBase(s));
      this._ss.push(p.sectionSize(s));
      this.live.push(0);
      this._rsv.push(0);
      this._m.push(0);
      this._want.push(1);
      this._since.push(this._now ? this._t : -1);
    }
    for (i = 0; r && i < r.length; i++) {
      var q = r[i] || ({} as ReservedSpan);
      checkAddress(q.base, "reserved[" + i + "].base");
      checkInt(q.size, "reserved[" + i + "].size", 1, 0xffffffff);
      for (s = 0; s < n; s++) if (q.base < this._sb[s] + this._ss[s] && this._sb[s] < q.base + q.size) this._rsv[s] = 1;
    }
  }

  /**
   * Start managing `allocator`: watch it, and count its region into the
   * sections it covers. Returns 0. Throws EINVAL when it does not implement
   * the contract, uses another memory port than those already managed, or
   * refuses the watcher; EEXIST when it is managed already; EBUSY when it has
   * live allocations (the manager must see every allocation it tracks).
   * O(sections × allocators).
   */
  manage(allocator: Allocator): number {
    var x = allocator as any,
      A = this.allocators,
      n = this._sb.length,
      cv: number[] = [],
      la: number[] = [],
      s,
      k,
      lo,
      hi,
      c;
    if (
      !x ||
      typeof x.allocate !== "function" ||
      typeof x.free !== "function" ||
      typeof x.stats !== "function" ||
      typeof x.watch !== "function" ||
      typeof x.base !== "number" ||
      typeof x.size !== "number"
    ) {
      fail(
        "EINVAL",
        "allocator must implement the allocator contract's board members (allocate, free, stats, watch, base, size), got " + show(allocator)
      );
    }
    var at = "allocator " + rangeText(x.base, x.base + x.size);
    if (A.indexOf(x) >= 0) fail("EEXIST", at + " is managed already");
    if (this.memory && x.memory && x.memory !== this.memory)
      fail("EINVAL", at + " uses another memory port than the allocators managed already");
    if (x.stats().count > 0)
      fail("EBUSY", at + " has live allocations: manage it before it allocates, so that the manager sees every allocation");
    for (s = 0; s < n; s++) {
      lo = x.base > this._sb[s] ? x.base : this._sb[s];
      hi = x.base + x.size < this._sb[s] + this._ss[s] ? x.base + x.size : this._sb[s] + this._ss[s];
      cv.push(hi > lo ? hi - lo : 0);
      la.push(0);
    }
    if (x.watch(this) !== 0) fail("EINVAL", at + " refused the manager as its watcher");
    A.push(x);
    this._cv.push(cv);
    this._la.push(la);
    for (s = 0; s < n; s++) {
      for (c = 0, k = 0; k < A.length; k++) c += this._cv[k][s];
      this._m[s] = c >= this._ss[s] && !this._rsv[s] && this.power.gateable(s) ? 1 : 0;
    }
    if (!this.memory) this.memory = x.memory;
    lo = A.length > 1 && this.base < x.base ? this.base : x.base;
    hi = A.length > 1 && this.base + this.size > x.base + x.size ? this.base + this.size : x.base + x.size;
    this.base = lo;
    this.size = hi - lo;
    if (A.length === 1 || x.blockSize < this.blockSize) this.blockSize = x.blockSize;
    return 0;
  }

  /**
   * `size` bytes from the first managed allocator that has them, in
   * `manage` order, placed at the policy's hint (or at `hint` when given);
   * an in-band pool that has run out gets its gated sections switched back
   * on, one at a time, and is asked again. The section the memory lies in is
   * on before the address is returned. 0 when none can: `lastError` is
   * -ENOMEM when any allocator had no room, else the allocators' -EINVAL.
   */
  allocate(size: number, alignment?: number, hint?: number): number {
    var A = this.allocators,
      P = this.power,
      e = 0,
      k,
      a,
      s,
      x: any;
    for (k = 0; k < A.length; k++) {
      x = A[k];
      a = x.allocate(size, alignment, hint || this.policy.place(this, k, size, alignment));
      for (s = 0; a === 0 && x.lastError === -ENOMEM && typeof x.reclaimRange === "function" && s < this._sb.length; s++) {
        if (this._cv[k][s] > 0 && this._m[s] && P.getPower(s) !== "on") {
          this._set(s, 1);
          a = x.allocate(size, alignment, hint || this.policy.place(this, k, size, alignment));
        }
      }
      if (a) return a;
      if (e !== -ENOMEM) e = x.lastError;
    }
    this._fail++;
    return ((this.lastError = e || -ENOMEM), 0);
  }

  /**
   * Free `address` in the managed allocator that owns it: that allocator's
   * answer (0, or its -EFAULT); -EFAULT when none owns it; -EINVAL when it
   * is not a number; free(0) is a no-op returning 0.
   */
  free(address: number): number {
    var A = this.allocators,
      r = -EFAULT,
      k;
    if (typeof address !== "number") r = -EINVAL;
    else if (address === 0) return 0;
    else
      for (k = 0; k < A.length; k++)
        if (address >= A[k].base && address < A[k].base + A[k].size) {
          r = A[k].free(address);
          break;
        }
    if (r < 0) {
      this.lastError = r;
      this._fail++;
    }
    return r;
  }

  /**
   * used, peak and count from every allocation and free of the managed
   * allocators (count: live allocations as the watchers reported them, a
   * contiguous run counts once, and each piece once a block inside it is
   * freed); free summed over them;
   * failures of the manager's own calls; the switching counters. O(allocators + sections).
   */
  stats(out?: BankStats): BankStats {
    var o = out !== null && typeof out === "object" ? out : ({} as BankStats),
      f = 0,
      c = 0,
      k;
    for (k = 0; k < this.allocators.length; k++) f += this.allocators[k].stats(this._st).free;
    for (k = 0; k < this._sb.length; k++) if (this.power.getPower(k) === "on") c++;
    o.used = this._used;
    o.free = f;
    o.peak = this._peak;
    o.count = this._count;
    o.failures = this._fail;
    o.switchOns = this.switchOns;
    o.switchOffs = this.switchOffs;
    o.sectionsOn = c;
    o.lost = this.lost;
    return o;
  }

  /** Add a watcher of every allocation and free of the managed allocators (it gets the allocator that made it): 0, or -EINVAL. */
  watch(watcher: Watcher): number {
    var w = watcher as any;
    if (!w || typeof w.onAlloc !== "function" || typeof w.onFree !== "function") return (this.lastError = -EINVAL);
    this._w.push(w);
    return 0;
  }

  /**
   * Watcher of the managed allocators: `bytes` at `address` are live. Each
   * section they touch that is not on is switched on (before the allocator
   * returns the address), and its live bytes grow. O(sections touched).
   */
  onAlloc(address: number, bytes: number, allocator: Allocator): void {
    var A = this.allocators,
      k = A.indexOf(allocator),
      P = this.power,
      sb = this._sb,
      e = address + bytes,
      W = this._w,
      s,
      p,
      hi;
    if (k < 0) for (k = 0; k < A.length && !(address >= A[k].base && address < A[k].base + A[k].size); k++); // an allocator that names another object (a wrapper's inner heap)
    if (k === A.length) return;
    for (s = P.sectionAt(address); s >= 0 && s < sb.length && sb[s] < e; s++) {
      hi = sb[s] + this._ss[s];
      p = (e < hi ? e : hi) - (address > sb[s] ? address : sb[s]);
      this.live[s] += p;
      this._la[k][s] += p;
      this._since[s] = -1;
      if (P.getPower(s) !== "on") this._set(s, 1);
    }
    this._rec[address] = bytes;
    this._used += bytes;
    this._count++;
    if (this._used > this._peak) this._peak = this._used;
    for (s = 0; s < W.length; s++) W[s].onAlloc(address, bytes, allocator);
  }

  /**
   * Watcher of the managed allocators: `bytes` at `address` were freed. A
   * free inside a recorded run (a block of a contiguous run) splits the
   * record. Sections that empty are stamped with `now()` when the manager
   * has a clock (else at the next update). O(sections touched).
   */
  onFree(address: number, bytes: number, allocator: Allocator): void {
    var A = this.allocators,
      k = A.indexOf(allocator),
      P = this.power,
      sb = this._sb,
      R = this._rec,
      r = R[address],
      e = address + bytes,
      W = this._w,
      s,
      p,
      hi,
      x;
    if (k < 0) for (k = 0; k < A.length && !(address >= A[k].base && address < A[k].base + A[k].size); k++);
    if (k === A.length) return;
    if (r === undefined) {
      for (x in R)
        if (+x < address && +x + R[x] > address) {
          r = +x + R[x] - address;
          R[x] = address - +x;
          break;
        }
    } else {
      delete R[address];
      this._count--;
    }
    if (r > bytes) {
      R[e] = r - bytes;
      this._count++;
    }
    for (s = P.sectionAt(address); s >= 0 && s < sb.length && sb[s] < e; s++) {
      hi = sb[s] + this._ss[s];
      p = (e < hi ? e : hi) - (address > sb[s] ? address : sb[s]);
      this.live[s] -= p;
      this._la[k][s] -= p;
      if (this.live[s] === 0 && this._now) this._since[s] = this._now();
    }
    this._used -= bytes;
    this._fb = bytes;
    for (s = 0; s < W.length; s++) W[s].onFree(address, bytes, allocator);
  }

  /**
   * Apply the policy at time `now` (seconds; default: the `now` option's
   * clock, else the last update's time): switch on every managed section
   * the policy wants on, and off every one it wants off that holds nothing
   * live (the policy may leave a section as it is). Returns how many sections changed, or -EINVAL (nothing changed)
   * for a time that is not a number or runs backwards.
   */
  update(now?: number): number {
    var P = this.power,
      want = this._want,
      n = this._sb.length,
      c = 0,
      s,
      on;
    if (now === undefined) now = this._now ? this._now() : this._t;
    if (typeof now !== "number" || !(now >= this._t && now < Infinity)) return (this.lastError = -EINVAL);
    this._t = now;
    for (s = 0; s < n; s++) if (this.live[s] === 0 && this._since[s] < 0) this._since[s] = now;
    this.policy.decide(this, now, want);
    for (s = 0; s < n; s++) {
      if (!this._m[s]) continue;
      on = P.getPower(s) === "on";
      if (want[s] > 0 && !on) {
        this._set(s, 1);
        c++;
      } else if (want[s] === 0 && on && this.live[s] === 0 && this._set(s, 0) === 0) c++;
    }
    return c;
  }

  /** Switch `section` on (in-band pools reclaimed): 0, or -EINVAL for a bad index. */
  powerOn(section: number): number {
    if (!(section >= 0 && section < this._sb.length) || Math.floor(section) !== section) return (this.lastError = -EINVAL);
    if (this.power.getPower(section) !== "on") this._set(section, 1);
    return 0;
  }

  /**
   * Switch `section` off. 0 when it went off (or was off already); -EINVAL
   * for a bad index or a `lost` that is not an array; -EBUSY (nothing
   * changed) when it is reserved, not gateable, not wholly inside the
   * managed regions, or holds live data and `force` is not set; an in-band
   * pool's refusal to release it (its -EBUSY/-EFAULT). With `force`, every
   * live allocation overlapping it is lost: each is pushed onto `lost` as
   * {address, bytes, allocator}, freed in its allocator, and counted; the
   * return is how many were lost.
   */
  powerOff(section: number, force?: boolean, lost?: LostAllocation[]): number {
    var A = this.allocators,
      R = this._rec,
      L: any[] = [],
      b,
      e,
      a,
      x,
      i,
      k,
      r;
    if (
      !(section >= 0 && section < this._sb.length) ||
      Math.floor(section) !== section ||
      (lost !== undefined && lost !== null && !(typeof lost === "object" && typeof lost.push === "function"))
    )
      return (this.lastError = -EINVAL);
    if (!this._m[section] || (this.live[section] > 0 && !force)) return (this.lastError = -EBUSY);
    if (this.power.getPower(section) === "off") return 0;
    b = this._sb[section];
    e = b + this._ss[section];
    for (x in R) if (+x < e && +x + R[x] > b) L.push(+x, R[x]);
    for (i = 0; i < L.length; i += 2) {
      for (k = 0; !(L[i] >= A[k].base && L[i] < A[k].base + A[k].size); k++);
      if (lost) lost.push({ address: L[i], bytes: L[i + 1], allocator: A[k] });
      for (a = L[i]; a < L[i] + L[i + 1]; a += this._fb) {
        this._fb = 0;
        if (A[k].free(a) < 0 || this._fb <= 0) break;
      }
    }
    this.lost += L.length / 2;
    if (this.live[section] > 0) return (this.lastError = -EBUSY);
    r = this._set(section, 0);
    return r < 0 ? r : L.length / 2;
  }

  /**
   * Switch section `s` on (`on` = 1) or off (0). Off: release it from every
   * in-band pool first; when one refuses, take back what the others released
   * and return its errno (the section stays on). On: switch it on, then
   * reclaim the in-band pools over the run of sections that are on around it.
   */
  _set(s: number, on: number): number {
    var A = this.allocators,
      P = this.power,
      sb = this._sb,
      n = sb.length,
      r = 0,
      lo = s,
      hi = s,
      k,
      x: any,
      l,
      h;
    if (!on) {
      for (k = 0; k < A.length && r >= 0; k++) {
        x = A[k];
        if (this._cv[k][s] > 0 && typeof x.releaseRange === "function") r = x.releaseRange(sb[s], this._ss[s]);
      }
      if (r >= 0) {
        P.setPower(s, "off");
        this.switchOffs++;
        return 0;
      }
      this.lastError = r;
    } else {
      P.setPower(s, "on");
      this.switchOns++;
    }
    while (lo > 0 && P.getPower(lo - 1) === "on") lo--;
    while (hi < n - 1 && P.getPower(hi + 1) === "on") hi++;
    for (k = 0; k < A.length; k++) {
      x = A[k];
      if (this._cv[k][s] > 0 && typeof x.reclaimRange === "function") {
        l = sb[lo] > x.base ? sb[lo] : x.base;
        h = sb[hi] + this._ss[hi] < x.base + x.size ? sb[hi] + this._ss[hi] : x.base + x.size;
        x.reclaimRange(l, h - l);
      }
    }
    return r;
  }
}

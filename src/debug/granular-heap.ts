/**
 * The debug add-on's members of GranularHeap: what a board needs only while
 * debugging. `debugGranularHeap(C)` assigns them to `C.prototype`:
 *
 * - the contract's members a production board does without: `owns(address)`,
 *   `resetPeak()`, `unwatch(watcher)` (the list stays, empty, when the last
 *   watcher goes: a MemoryManager's heaps share the manager's), `close()`;
 * - `invariantsHold()`: the counters are in range. O(1).
 * - `validate()`: the full check of bitmaps, counters and caches: null, or a
 *   message naming the first problem. O(W).
 * - `lastErrorText()`: a sentence about `lastError`.
 * - `allocationSize(address)`: bytes of the live allocation starting there,
 *   or -EFAULT / -EINVAL as free would return. O(n / 32).
 * - `largestFree()`: the largest run of free granules, in bytes. O(W).
 * - `fullStats(out?)`: the contract's statistics plus the largest free run,
 *   fragmentation and failures split into `failed` (no room) and `rejected`
 *   (bad arguments, bad frees). O(W).
 * - `fit(size, alignment?, hint?)`, the bank manager's question, where the
 *   bundle has none (the memory-manager bundle; src/alloc/granular-fit.ts).
 *
 * Every member that reads the stores runs inside the heap's critical section
 * (its enter/exit hooks). Only the class's type is imported: the add-on
 * bundle holds none of the lean code (fit's one line is written here again).
 */
import type { GranularHeap, GranularStats } from "../alloc/granular-heap.js";
import type { Watcher } from "../alloc/api.js";
import { EBUSY, EFAULT, EINVAL, ENOENT, ENOMEM } from "../core/errors.js";
import { releaseRegion } from "../hal/claims.js";
import { ctz32 as tz32, popcount32 as pop32 } from "../core/bitarray.js";

// The state block's length and offsets (see ../alloc/granular-heap.ts; not
// imported, so that the add-on bundle holds no lean code).
var STATE_WORDS = 40,
  S_GRANULES = 0,
  S_SHIFT = 1,
  S_USED = 2,
  S_PEAK = 3,
  S_LIVE = 4,
  S_FAILED = 5,
  S_REJECTED = 6,
  S_FULL = 7,
  S_RUN = 7;

/** Mask of bits [0, k) for k in 0..32. */
function lowMask(k: number): number {
  return k >= 32 ? -1 : (1 << k) - 1;
}

/** First granule at or after `p` whose used bit is `bit` (0 or 1), or the granule count when there is none. */
function nextWith(h: GranularHeap, p: number, bit: number): number {
  var u = h._used,
    nw = h._words,
    n = h._granules,
    flip = bit ? 0 : -1,
    i = p >> 5,
    x;
  if (i >= nw) return n;
  x = (u[i] ^ flip) >>> (p & 31);
  if (x !== 0) p += tz32(x);
  else {
    for (i++; i < nw && (u[i] ^ flip) === 0; i++);
    p = i < nw ? (i << 5) + tz32(u[i] ^ flip) : n;
  }
  return p < n ? p : n;
}

/** The largest run of free granules, in granules, without the hooks. O(W). */
function largestRun(h: GranularHeap): number {
  var best = 0,
    n = h._granules,
    f = nextWith(h, 0, 0),
    e;
  while (f < n) {
    e = nextWith(h, f, 1);
    if (e - f > best) best = e - f;
    f = nextWith(h, e, 0);
  }
  return best;
}

/**
 * Granules of the live allocation starting at `address`, or a negative errno
 * as free would return (-EINVAL not a number, -EFAULT not a live start),
 * without the hooks.
 */
function granulesAt(h: GranularHeap, address: number): number {
  var u = h._used,
    e = h._ends,
    nw = h._words,
    off,
    g,
    p,
    i,
    x;
  if (typeof address !== "number") return -EINVAL;
  off = address - h._base;
  if (!(off >= 0 && off < h.size) || off !== off >>> 0 || (off & h._granuleMask) !== 0) return -EFAULT;
  g = off >>> h._shift;
  p = g - 1;
  if ((u[g >> 5] & (1 << (g & 31))) === 0) return -EFAULT;
  if (g !== 0 && (u[p >> 5] & (1 << (p & 31))) !== 0 && (e[p >> 5] & (1 << (p & 31))) === 0) return -EFAULT;
  i = g >> 5;
  x = e[i] >>> (g & 31);
  if (x !== 0) return tz32(x) + 1;
  for (i++; i < nw; i++) if (e[i] !== 0) return (i << 5) + tz32(e[i]) - g + 1;
  return -EFAULT; // no end bit: only on a corrupted heap
}

function counterCheck(h: GranularHeap): boolean {
  var s = h._state,
    used = s[S_USED],
    n = h._granules;
  return (
    s[S_GRANULES] === n &&
    s[S_SHIFT] === h._shift &&
    used >= 0 &&
    used <= n &&
    s[S_LIVE] >= 0 &&
    s[S_LIVE] <= used &&
    s[S_PEAK] >= used &&
    s[S_PEAK] <= n &&
    s[S_FULL] >= 0 &&
    s[S_FULL] <= h._words &&
    s[S_FAILED] >= 0 &&
    s[S_REJECTED] >= 0
  );
}

/** The full check, without the hooks (see validate). */
function check(h: GranularHeap): string | null {
  var u = h._used,
    e = h._ends,
    s = h._state,
    nw = h._words,
    n = h._granules,
    t = n & 31;
  var used = 0,
    live = 0,
    i,
    v,
    w,
    m,
    next,
    vm,
    c;
  if (!counterCheck(h)) {
    c = "";
    for (i = 0; i < STATE_WORDS; i++) c += (i ? "," : "") + s[i];
    return "counters out of range: " + c;
  }
  if (t !== 0 && ((u[nw - 1] & (-1 << t)) !== -1 << t || (e[nw - 1] & (-1 << t)) !== 0))
    return "tail bits past granule " + n + " are not used-without-end";
  for (i = 0; i < nw; i++) {
    m = i === nw - 1 ? lowMask(n - (i << 5)) : -1;
    vm = u[i] & m;
    w = e[i];
    if ((w & ~vm) !== 0) return "end bit on a free granule at " + ((i << 5) + tz32(w & ~vm));
    next = i + 1 < nw ? u[i + 1] & (i + 1 === nw - 1 ? lowMask(n - ((i + 1) << 5)) : -1) : 0;
    v = vm & ~((vm >>> 1) | ((next & 1) << 31));
    if ((v & ~w) !== 0) return "used run without an end bit at granule " + ((i << 5) + tz32(v & ~w));
    used += pop32(vm);
    live += pop32(w);
    if (i < s[S_FULL] && u[i] !== -1) return "full-word mark " + s[S_FULL] + " is above word " + i + ", which has a free granule";
  }
  if (used !== s[S_USED]) return "used counter " + s[S_USED] + " but " + used + " granules are marked";
  if (live !== s[S_LIVE]) return "live counter " + s[S_LIVE] + " but " + live + " allocations are marked";
  for (i = 1; i <= 32; i++) {
    if (s[S_RUN + i] < 0 || s[S_RUN + i] > nw || (i > 1 && s[S_RUN + i] < s[S_RUN + i - 1]))
      return "run bound " + i + " is " + s[S_RUN + i] + ", out of order or range";
  }
  for (i = nextWith(h, 0, 0); i < n; i = nextWith(h, next, 0)) {
    next = nextWith(h, i, 1);
    v = next - i;
    if (i >> 5 < s[S_RUN + (v < 32 ? v : 32)])
      return "free run of " + v + " at granule " + i + " lies below its run bound " + s[S_RUN + (v < 32 ? v : 32)];
  }
  return null;
}

/**
 * A sentence about a GranularHeap's negative errno `code` (0: none), for
 * the heap's and the MemoryManager's lastErrorText.
 */
export function granularErrorText(code: number): string {
  if (code === 0) return "no call has failed";
  if (code === -ENOMEM) return "-ENOMEM: no free run of granules was long enough for the allocation (see largestFree())";
  if (code === -EINVAL)
    return "-EINVAL: a bad argument: allocate's size must be an integer in [1, 2^32), its alignment a power of two and its hint an address or 0; free's address must be a number, and its size, when given, must round to the allocation's granules";
  if (code === -EFAULT)
    return "-EFAULT: the address freed is not the start of a live allocation (outside the region, not on a granule, free, inside an allocation, or freed already)";
  if (code === -EBUSY) return "-EBUSY: close() was refused because allocations are live";
  if (code === -ENOENT) return "-ENOENT: unwatch() was given a watcher that does not watch this allocator";
  return "error " + code;
}

/** Install the debug members onto GranularHeap (`C`, the class). */
export function debugGranularHeap(C: any): void {
  var P = C.prototype;

  // fit where the bundle has none (the memory-manager bundle; on the host, a program that imports the
  // class module alone): allocate's search only, as src/alloc/granular-fit.ts (written here again:
  // the add-on imports nothing of the lean code, so the rule that checks it needs no exception)
  if (typeof P.fit !== "function")
    P.fit = function (this: GranularHeap, size: number, alignment?: number, hint?: number): number {
      return this.allocate(size, alignment, hint, 1);
    };

  P.owns = function (this: GranularHeap, address: number): boolean {
    var off = address - this._base;
    return typeof address === "number" && off >= 0 && off < this.size;
  };

  P.unwatch = function (this: GranularHeap, watcher: Watcher): number {
    var w = this._watchers,
      i = w === null ? -1 : w.indexOf(watcher);
    if (i < 0) return (this.lastError = -ENOENT);
    (w as Watcher[]).splice(i, 1);
    return 0;
  };

  P.resetPeak = function (this: GranularHeap): void {
    var s = this._state;
    if (this._enter !== null) this._enter();
    s[S_PEAK] = s[S_USED];
    s[S_FAILED] = 0;
    s[S_REJECTED] = 0;
    if (this._exit !== null) this._exit();
  };

  // the claim's owner is the state store (every heap object attached to it shares the claim)
  P.close = function (this: GranularHeap): number {
    var r = 0;
    if (this._enter !== null) this._enter();
    if (this._state[S_LIVE] !== 0) r = -EBUSY;
    if (this._exit !== null) this._exit();
    if (r !== 0) return (this.lastError = r);
    releaseRegion(this.memory, this._state);
    return 0;
  };

  P.invariantsHold = function (this: GranularHeap): boolean {
    if (this._enter !== null) this._enter();
    var r = counterCheck(this);
    if (this._exit !== null) this._exit();
    return r;
  };

  P.validate = function (this: GranularHeap): string | null {
    if (this._enter !== null) this._enter();
    var r = check(this);
    if (this._exit !== null) this._exit();
    return r;
  };

  P.lastErrorText = function (this: GranularHeap): string {
    return granularErrorText(this.lastError);
  };

  P.allocationSize = function (this: GranularHeap, address: number): number {
    if (this._enter !== null) this._enter();
    var r = granulesAt(this, address);
    if (this._exit !== null) this._exit();
    return r < 0 ? r : r * this.granule;
  };

  P.largestFree = function (this: GranularHeap): number {
    if (this._enter !== null) this._enter();
    var r = largestRun(this);
    if (this._exit !== null) this._exit();
    return r * this.granule;
  };

  P.fullStats = function (this: GranularHeap, out?: GranularStats): GranularStats {
    var s = this._state,
      g = this.granule,
      r = typeof out === "object" && out !== null ? out : ({} as GranularStats),
      free;
    if (this._enter !== null) this._enter();
    free = (this._granules - s[S_USED]) * g;
    r.used = s[S_USED] * g;
    r.free = free;
    r.peak = s[S_PEAK] * g;
    r.count = s[S_LIVE];
    r.failures = s[S_FAILED] + s[S_REJECTED];
    r.largestFree = largestRun(this) * g;
    r.fragmentation = free === 0 ? 0 : 1 - r.largestFree / free;
    r.failed = s[S_FAILED];
    r.rejected = s[S_REJECTED];
    if (this._exit !== null) this._exit();
    return r;
  };
}

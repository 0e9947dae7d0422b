/**
 * Surviving System OFF in the simulator (Node only): an allocator's
 * bookkeeping kept in a RAM section that is retained, the chip put into
 * System OFF with only the retained sections keeping their contents, the
 * wake (a reset: the JavaScript engine starts again), and the program
 * re-attaching to its heap with every live allocation intact. Also the
 * experiment that compares the energy of sleeping in System OFF with
 * retention against sleeping in System ON (`runSleepExperiment`).
 * docs/RELIABILITY.md ("Fault injection and System OFF") describes the
 * decisions; this comment is the reference.
 *
 * Where the bookkeeping lives
 * - `retainedWords(mcu, base, count)` is a word store (what GranularHeap's
 *   `used`, `ends` and `state` options take: an array-like of signed 32-bit
 *   words) whose every element access is a 32-bit read or write through the
 *   simulated bus. So an access while the section is not on faults exactly
 *   as any other access does (strict mode: a bus fault naming the section;
 *   lenient: garbage and a counted fault), and the accesses are counted in
 *   the section's counters. It is a Proxy over an empty array, so
 *   GranularHeap's store check (an Int32Array or a plain array) accepts it
 *   and `fill` runs element by element through the bus. The price is speed
 *   (a trap and a bus access per element, tens of times slower than an
 *   Int32Array), which the simulator can afford. A typed-array view over a
 *   section's backing bytes would be fast but could not fault, so none is
 *   offered.
 * - `granularStores(mcu, at, size, granule)` lays out the three stores of a
 *   GranularHeap of `size` bytes from address `at` (used, ends, state), and
 *   `granularStoreBytes(size, granule)` says how many bytes they take.
 *   MemoryManager takes the same options per heap.
 * - MemBlocks takes no store (its BitArray and counters are the object's
 *   own fields), so its bookkeeping cannot be placed; `BlockMirror` keeps a
 *   copy of its bitmap (one bit per block, plus a count) in retained RAM as
 *   its watcher, and `rebuildMemBlocks` claims the recorded blocks again with
 *   `get` in a fresh MemBlocks after the wake. Onesize keeps one state byte
 *   per block in the engine's heap and has no verb to claim a given block,
 *   so a pool does not survive System OFF.
 *
 * System OFF and the wake
 * - `systemOff(mcu, retain, mode?)`: every section listed in `retain` goes
 *   to `retained`, every other section `off` (contents lost, as on the chip:
 *   only sections with their retention bits set keep RAM in System OFF),
 *   and the chip enters `mode` (default "system-off"). Every section must
 *   be gateable: the simulator cannot take power from one that is not.
 * - `wake(mcu, mode?)`: the reset that ends System OFF. Every section is
 *   switched on (retained ones with their contents, the others with the
 *   pattern of a new power cycle), the chip enters `mode` (default: the
 *   board's default mode), and the engine restarts: every region claim on
 *   the port (src/hal/claims.ts keeps them on the port object) ends, as
 *   the objects that held them are gone. The program then builds its
 *   allocators again with `attach: true` over the retained stores.
 */
import type { Board } from "../src/core/board.js";
import type { Memory } from "../src/hal/ports.js";
import type { Store } from "../src/core/storage.js";
import type { Watcher } from "../src/alloc/api.js";
import { fail, show } from "../src/core/errors.js";
import "../src/debug/host.js";
import { GRANULAR_STATE_WORDS, GranularHeap, granularBitmapWords } from "../src/alloc/granular-heap.js";
import type { MemBlocks } from "../src/alloc/mem-blocks.js";
import { hex, regionSections } from "./boards.js";
import { figureSources, SimMcu } from "./mcu.js";
import type { ExperimentSpec } from "./experiment.js";
import type { ExperimentResult, FigureSource, Lane, PolicyName, PolicyResult, Sample } from "./results.js";

// ---------------------------------------------------------------------------
// Word stores in simulated RAM.

/** `k` as an array index (a canonical numeric string), or -1. */
function indexOf(k: string | symbol): number {
  if (typeof k !== "string") return -1;
  const c = k.charCodeAt(0);
  if (!(c >= 48 && c <= 57)) return -1;
  const i = Number(k);
  return i === Math.floor(i) && i < 0x100000000 && String(i) === k ? i : -1;
}

/**
 * `count` signed 32-bit words at [base, base + 4 × count) of `memory`, as a
 * store an allocator can take (GranularHeap's `used`, `ends`, `state`):
 * reading element i is `memory.read32(base + 4i) | 0`, writing it is
 * `memory.write32(base + 4i, v | 0)`; indexes at or past `count` read
 * undefined and ignore writes, as a typed array's do. Every element access
 * is a bus access: it faults when its section is not on. EINVAL when `base`
 * is not a word-aligned address, `count` not an integer in [1, 2^24], or
 * the range not mapped by the port. O(1) to make.
 */
export function retainedWords(memory: Memory, base: number, count: number): Store {
  if (!memory || typeof memory.read32 !== "function" || typeof memory.write32 !== "function")
    fail("EINVAL", "memory must be a Memory port, got " + show(memory));
  if (typeof base !== "number" || base >>> 0 !== base || base === 0 || base % 4 !== 0)
    fail("EINVAL", "base must be a non-zero word-aligned address, got " + show(base));
  if (typeof count !== "number" || Math.floor(count) !== count || !(count >= 1 && count <= 0x1000000))
    fail("EINVAL", "count must be an integer in [1, 2^24], got " + show(count));
  if (base + 4 * count > 0x100000000 || (typeof memory.mapped === "function" && !memory.mapped(base, 4 * count))) {
    fail("EINVAL", "the words [" + hex(base) + ", " + hex(base + 4 * count) + ") are not all in the memory port's RAM");
  }
  const target: number[] = [];
  target.length = count;
  return new Proxy(target, {
    get(t, k, r) {
      const i = indexOf(k);
      if (i < 0) return Reflect.get(t, k, r);
      return i < count ? memory.read32(base + 4 * i) | 0 : undefined;
    },
    set(t, k, v, r) {
      const i = indexOf(k);
      if (i < 0) return k === "length" ? true : Reflect.set(t, k, v, r);
      if (i < count) memory.write32(base + 4 * i, v | 0);
      return true;
    },
    has(t, k) {
      const i = indexOf(k);
      return i < 0 ? Reflect.has(t, k) : i < count;
    },
    deleteProperty() {
      return false;
    },
    defineProperty() {
      return false;
    },
  }) as Store;
}

/** Bytes the three stores of a GranularHeap of `size` bytes in `granule`-byte granules take (two bitmaps and the state block). */
export function granularStoreBytes(size: number, granule?: number): number {
  return (2 * granularBitmapWords(size, granule) + GRANULAR_STATE_WORDS) * 4;
}

/** The stores of one GranularHeap in simulated RAM, and the first address after them. */
export interface GranularStores {
  used: Store;
  ends: Store;
  state: Store;
  end: number;
}

/**
 * GranularHeap's stores for a heap of `size` bytes in `granule`-byte granules
 * (default 16), laid out from `at`: `used`, then `ends`, then `state`
 * (`granularStoreBytes(size, granule)` bytes in all). Pass them in the heap's
 * options; with `attach: true` a new heap joins what they hold. EINVAL as
 * retainedWords. O(1).
 */
export function granularStores(memory: Memory, at: number, size: number, granule?: number): GranularStores {
  const nw = granularBitmapWords(size, granule);
  if (!(nw >= 1)) fail("EINVAL", "size must hold at least one granule, got " + show(size));
  const used = retainedWords(memory, at, nw);
  const ends = retainedWords(memory, at + 4 * nw, nw);
  const state = retainedWords(memory, at + 8 * nw, GRANULAR_STATE_WORDS);
  return { used, ends, state, end: at + granularStoreBytes(size, granule) };
}

// ---------------------------------------------------------------------------
// MemBlocks: a retained copy of the bitmap, and the rebuild.

/**
 * A watcher that keeps a copy of a MemBlocks' allocation bitmap in
 * simulated RAM (to be retained): word 0 is the number of blocks in use,
 * then one bit per block (bit k of word 1 + (k >> 5)), written through the
 * port at every allocation and free the MemBlocks reports (every verb does).
 * `BlockMirror.bytes(numBlocks)` is its size. Watch the allocator before it
 * allocates (the mirror starts empty). With a watcher attached MemBlocks
 * takes its slow path on every call, and each call costs a word read and
 * write per block here: the price of surviving System OFF without a store
 * option.
 */
export class BlockMirror implements Watcher {
  readonly memory: Memory;
  readonly base: number;
  readonly numBlocks: number;
  /** The allocator's region and block size (block k lies at regionBase + k × blockSize). */
  readonly regionBase: number;
  readonly blockSize: number;
  _w: Store;

  /** Words needed for `numBlocks` blocks: 1 + ceil(numBlocks / 32), in bytes. */
  static bytes(numBlocks: number): number {
    return 4 * (1 + ((numBlocks + 31) >> 5));
  }

  /**
   * A mirror at `base` of `memory` for a MemBlocks of `numBlocks` blocks of
   * `blockSize` bytes from `regionBase`. `fresh` (default true) clears it;
   * false keeps what it holds (after a wake). EINVAL as retainedWords.
   */
  constructor(memory: Memory, base: number, geometry: { base: number; blockSize: number; numBlocks: number }, fresh?: boolean) {
    if (!geometry || typeof geometry !== "object")
      fail("EINVAL", "geometry must be {base, blockSize, numBlocks} (a MemBlocks), got " + show(geometry));
    const n = geometry.numBlocks;
    if (typeof n !== "number" || Math.floor(n) !== n || n < 1) fail("EINVAL", "numBlocks must be an integer >= 1, got " + show(n));
    this.memory = memory;
    this.base = base;
    this.numBlocks = n;
    this.regionBase = geometry.base;
    this.blockSize = geometry.blockSize;
    this._w = retainedWords(memory, base, 1 + ((n + 31) >> 5));
    if (fresh !== false) for (let i = 0; i < this._w.length; i++) this._w[i] = 0;
  }

  /** Blocks [k, k + c) become `on` (1) or free (0). */
  _mark(address: number, bytes: number, on: number): void {
    const k0 = (address - this.regionBase) / this.blockSize,
      c = bytes / this.blockSize,
      w = this._w;
    for (let k = k0; k < k0 + c; k++) {
      const i = 1 + (k >> 5),
        m = 1 << (k & 31);
      w[i] = on ? w[i] | m : w[i] & ~m;
    }
    w[0] = w[0] + (on ? c : -c);
  }

  onAlloc(address: number, bytes: number): void {
    this._mark(address, bytes, 1);
  }
  onFree(address: number, bytes: number): void {
    this._mark(address, bytes, 0);
  }

  /**
   * The recorded runs of blocks in use, as [address, count] pairs in address
   * order, or a message naming what is wrong: the count word differs from
   * the bits set, or a bit past the last block is set (a corrupt copy; a
   * single flipped bit always shows as one of these). O(numBlocks / 32).
   */
  runs(): [number, number][] | string {
    const w = this._w,
      n = this.numBlocks,
      out: [number, number][] = [];
    let set = 0,
      start = -1;
    for (let k = 0; k < ((n + 31) >> 5) * 32; k++) {
      const on = (w[1 + (k >> 5)] >>> (k & 31)) & 1;
      if (on && k >= n) return "mirror bit " + k + " is set past the last block (" + n + " blocks)";
      if (on) {
        set++;
        if (start < 0) start = k;
      }
      if ((!on || k === n - 1) && start >= 0) {
        out.push([this.regionBase + start * this.blockSize, (on ? k + 1 : k) - start]);
        start = -1;
      }
    }
    if (set !== w[0]) return "mirror count " + w[0] + " differs from the " + set + " blocks it marks";
    return out;
  }
}

/**
 * After a wake: claim in `blocks` (a fresh MemBlocks over the same region)
 * every run `mirror` recorded, with `get(address, count)`, then watch it
 * with the mirror again. Returns null, or a message when the mirror is
 * corrupt (nothing is claimed) or a claim fails. The allocator's peak and
 * failure count start again from what is in use. O(numBlocks).
 */
export function rebuildMemBlocks(blocks: MemBlocks, mirror: BlockMirror): string | null {
  if (blocks.base !== mirror.regionBase || blocks.blockSize !== mirror.blockSize || blocks.numBlocks !== mirror.numBlocks) {
    return (
      "the mirror records " +
      mirror.numBlocks +
      " blocks of " +
      mirror.blockSize +
      " B at " +
      hex(mirror.regionBase) +
      ", the allocator has " +
      blocks.numBlocks +
      " of " +
      blocks.blockSize +
      " B at " +
      hex(blocks.base)
    );
  }
  const runs = mirror.runs();
  if (typeof runs === "string") return runs;
  for (const [a, c] of runs) if (blocks.get(a, c) !== 0) return "claiming " + c + " blocks at " + hex(a) + " failed: " + blocks.lastError;
  blocks.resetPeak();
  blocks.watch(mirror);
  return null;
}

// ---------------------------------------------------------------------------
// System OFF and the wake.

/** Indices (ascending, each once) of the sections of `mcu` that overlap any of `ranges`. */
export function sectionsOf(mcu: SimMcu, ranges: { base: number; size: number }[]): number[] {
  const seen: boolean[] = [];
  for (const r of ranges) for (const s of mcu.sectionsInRange(r.base, r.size)) seen[s] = true;
  const out: number[] = [];
  seen.forEach((v, i) => {
    if (v) out.push(i);
  });
  return out;
}

/**
 * Enter System OFF: the sections in `retain` (indices) keep their contents
 * (`retained`), every other section loses them (`off`), and the chip enters
 * `mode` (default "system-off"). EINVAL naming the problem, nothing changed,
 * for a bad index, a mode the board lacks, or a board section that is not
 * gateable (the simulator cannot take power from it). O(sections).
 */
export function systemOff(mcu: SimMcu, retain: number[], mode?: string): void {
  const m = mode === undefined ? "system-off" : mode;
  if (!Object.hasOwn(mcu.board.modes, m))
    fail("EINVAL", "mode must be one of " + Object.keys(mcu.board.modes).join(", ") + " (modes of " + mcu.board.name + "), got " + show(m));
  if (!Array.isArray(retain)) fail("EINVAL", "retain must be an array of section indices, got " + show(retain));
  const n = mcu.sectionCount(),
    keep: boolean[] = [];
  for (const s of retain) {
    if (typeof s !== "number" || Math.floor(s) !== s || !(s >= 0 && s < n))
      fail("EINVAL", "retain holds " + show(s) + ", not a section index in [0, " + (n - 1) + "]");
    keep[s] = true;
  }
  for (let s = 0; s < n; s++)
    if (!mcu.gateable(s))
      fail(
        "EINVAL",
        "section " + mcu.sectionName(s) + " of " + mcu.board.name + " is not gateable: the simulator cannot model System OFF on this board",
      );
  for (let s = 0; s < n; s++) mcu.setPower(s, keep[s] ? "retained" : "off");
  mcu.setMode(m);
}

/**
 * The wake from System OFF (a reset): every section on (retained ones keep
 * their contents, the rest hold a new power cycle's pattern), the chip in
 * `mode` (default: the board's default mode), and every region claim on the
 * port ended, as the engine that held them has restarted. EINVAL for a mode
 * the board lacks. O(sections).
 */
export function wake(mcu: SimMcu, mode?: string): void {
  const m = mode === undefined ? mcu.board.defaultMode : mode;
  if (!Object.hasOwn(mcu.board.modes, m))
    fail("EINVAL", "mode must be one of " + Object.keys(mcu.board.modes).join(", ") + " (modes of " + mcu.board.name + "), got " + show(m));
  for (let s = 0; s < mcu.sectionCount(); s++) mcu.setPower(s, "on");
  mcu.setMode(m);
  restartEngine(mcu);
}

/** The engine restarted: the objects that claimed regions of `memory` are gone, and so are their claims. */
export function restartEngine(memory: Memory): void {
  const m = memory as unknown as { _claims?: unknown[] };
  if (m._claims) m._claims.length = 0;
}

// ---------------------------------------------------------------------------
// The experiment: sleeping in System OFF with retention against System ON.

/**
 * The `sleep` field of an experiment (experiments/experiment.schema.json): a
 * sensor that wakes every `seconds`, takes a burst of `burstBytes` (one
 * allocation, filled with its records), keeps the last `keep` bursts (the
 * oldest is freed first) and sleeps again.
 */
export interface SleepSpec {
  /** Seconds asleep between two bursts (> 0). */
  seconds: number;
  /** Bytes one burst allocates and fills (an integer >= 1). */
  burstBytes: number;
  /** Bursts kept in RAM (an integer >= 1): the live data that must survive each sleep. */
  keep: number;
  /** The mode the System OFF variant sleeps in (default "system-off"). */
  offMode?: string;
}

/** The variants a sleep experiment compares, in report order (run as "policies" of the result). */
export const SLEEP_VARIANTS = ["all-on", "gate-empty", "system-off"] as const;

/**
 * Rules a sleep experiment adds to the schema's (sim/experiment.ts calls it
 * when the data has `sleep`): no workload, trace or policies (the burst
 * program and the three variants are fixed), a granular heap. Returns the
 * problems as "/json/path: what was expected, got what".
 */
export function sleepProblems(d: {
  workload?: unknown;
  trace?: unknown;
  policies?: unknown;
  durationSeconds?: unknown;
  allocator?: { kind?: unknown };
}): string[] {
  const out: string[] = [];
  if (d.workload !== undefined) out.push("/workload: a sleep experiment runs its own burst program; remove workload or sleep");
  if (d.trace !== undefined) out.push("/trace: a sleep experiment runs its own burst program; remove trace or sleep");
  if (d.policies !== undefined) out.push("/policies: a sleep experiment compares " + SLEEP_VARIANTS.join(", ") + "; remove policies");
  if (d.durationSeconds === undefined) out.push("/durationSeconds: missing; expected the simulated seconds of a sleep experiment");
  if (d.allocator && d.allocator.kind !== "granular")
    out.push(
      '/allocator/kind: a sleep experiment keeps a granular heap\'s bookkeeping in retained RAM; expected "granular", got ' +
        JSON.stringify(d.allocator.kind),
    );
  return out;
}

/** The fill byte of burst `k` (never 0). */
function tagByte(k: number): number {
  return ((k * 131 + 7) % 255) + 1;
}

/** One variant's run, before the savings are known. */
interface SleepRun {
  result: PolicyResult;
  energy: ReturnType<SimMcu["energy"]>;
  sleeps: number;
  used: number[];
  times: number[];
}

/** Each region section's power states as a change list (the first at t = 0); changes at one instant keep the last. */
function lanesOf(mcu: SimMcu, sections: number[]): Lane[] {
  const lanes: Lane[] = sections.map((s) => ({
    section: mcu.sectionName(s),
    changes: [[0, "on"]] as [number, "on" | "off" | "retained"][],
  }));
  for (const ev of mcu.events()) {
    const i = ev.kind === "power" && ev.index !== undefined ? sections.indexOf(ev.index) : -1;
    if (i < 0) continue;
    const ch = lanes[i].changes,
      last = ch[ch.length - 1],
      to = ev.to as "on" | "off" | "retained";
    if (last[0] === ev.t) {
      last[1] = to;
      if (ch.length > 1 && ch[ch.length - 2][1] === to) ch.pop();
    } else if (last[1] !== to) ch.push([ev.t, to]);
  }
  return lanes;
}

interface SleepSetup {
  board: Board;
  seed: number;
  duration: number;
  period: number;
  burst: number;
  keep: number;
  onMode: string;
  offMode: string;
  granule: number;
  storesAt: number;
  heapBase: number;
  heapSize: number;
  indexBytes: number;
  region: { base: number; size: number };
  sections: number[];
  gateable: boolean[];
}

/**
 * One variant: the burst program over a GranularHeap whose stores lie at the
 * start of the region, sleeping between bursts as the variant says.
 * all-on: System ON, every section on. gate-empty: System ON, the region's
 * sections that hold no live data and no bookkeeping switched off while
 * asleep. system-off: System OFF retaining only the sections that hold live
 * data or the bookkeeping; at each wake the program re-attaches its heap
 * (attach: true), checks it with validate() and checks every kept burst's
 * bytes (any problem is a data error).
 */
function runVariant(p: SleepSetup, variant: (typeof SLEEP_VARIANTS)[number]): SleepRun {
  const mcu = new SimMcu(p.board, { seed: p.seed, mode: p.onMode });
  const boot = (attach: boolean): GranularHeap => {
    const st = granularStores(mcu, p.storesAt, p.heapSize, p.granule);
    return new GranularHeap(mcu, {
      base: p.heapBase,
      size: p.heapSize,
      granule: p.granule,
      used: st.used,
      ends: st.ends,
      state: st.state,
      attach,
    });
  };
  let heap = boot(false);
  // The program's index, the first allocation (so at the heap's base): head, count, then [address, burst] per slot.
  const idx = heap.allocate(p.indexBytes);
  if (idx !== p.heapBase) fail("EINVAL", "the heap cannot hold the program's index of " + p.indexBytes + " bytes");
  mcu.write32(idx, 0);
  mcu.write32(idx + 4, 0);
  const slot = (i: number) => idx + 8 + 8 * (i % p.keep);
  const buf = new Uint8Array(p.burst);
  const samples: Sample[] = [],
    used: number[] = [],
    times: number[] = [];
  const stats = { used: 0, free: 0, peak: 0, count: 0, failures: 0 };
  let failures = 0,
    dataErrors = 0,
    peak = 0,
    fragSum = 0,
    fragN = 0,
    sleeps = 0;

  const checkBurst = (a: number, k: number) => {
    try {
      mcu.readBlock(a, buf, 0, p.burst);
      const want = tagByte(k);
      for (let i = 0; i < p.burst; i++)
        if (buf[i] !== want) {
          dataErrors++;
          return;
        }
    } catch {
      dataErrors++;
    }
  };
  const sectionsOn = () => {
    let c = 0;
    for (const s of p.sections) if (mcu.getPower(s) !== "off") c++;
    return c;
  };

  for (let k = 0, t = 0; t < p.duration; k++, t = k * p.period) {
    if (k > 0) {
      if (variant === "system-off") {
        wake(mcu, p.onMode);
        heap = boot(true);
        if (heap.validate() !== null) dataErrors++;
        const head = mcu.read32(idx),
          count = mcu.read32(idx + 4);
        if (count > p.keep) dataErrors++;
        for (let i = 0; i < count && i < p.keep; i++) checkBurst(mcu.read32(slot(head + i)), mcu.read32(slot(head + i) + 4));
      } else for (const s of p.sections) mcu.setPower(s, "on");
    }
    // The burst: free the oldest when `keep` are live, then allocate and fill the new one.
    let head = mcu.read32(idx),
      count = mcu.read32(idx + 4);
    if (count === p.keep) {
      const a = mcu.read32(slot(head)),
        kk = mcu.read32(slot(head) + 4);
      checkBurst(a, kk);
      if (heap.free(a) !== 0) dataErrors++;
      head = (head + 1) % p.keep;
      count--;
    }
    const a = heap.allocate(p.burst);
    if (a === 0) failures++;
    else {
      mcu.fill(a, p.burst, tagByte(k));
      mcu.write32(slot(head + count), a);
      mcu.write32(slot(head + count) + 4, k);
      count++;
    }
    mcu.write32(idx, head);
    mcu.write32(idx + 4, count);
    const live = heap.stats(stats).used;
    if (live > peak) peak = live;
    const largest = heap.largestFree();
    fragSum += stats.free > 0 ? 1 - largest / stats.free : 0;
    fragN++;
    // Sleep until the next burst: retain the bookkeeping, the index and the kept bursts.
    const ranges = [
      { base: p.storesAt, size: p.heapBase - p.storesAt },
      { base: idx, size: p.indexBytes },
    ];
    for (let i = 0; i < count; i++) ranges.push({ base: mcu.read32(slot(head + i)), size: p.burst });
    const keepSet = sectionsOf(mcu, ranges);
    if (variant === "system-off") systemOff(mcu, keepSet, p.offMode);
    else if (variant === "gate-empty")
      for (let i = 0; i < p.sections.length; i++)
        if (p.gateable[i] && keepSet.indexOf(p.sections[i]) < 0) mcu.setPower(p.sections[i], "off");
    const next = Math.min((k + 1) * p.period, p.duration);
    const s: Sample = { t, current_uA: mcu.current(), sectionsOn: sectionsOn(), liveBytes: live };
    if (samples.length > 0 && samples[samples.length - 1].t === t) samples[samples.length - 1] = s;
    else samples.push(s);
    used.push(live);
    times.push(t);
    mcu.advance(next - t);
    sleeps++;
  }
  samples.push({ t: p.duration, current_uA: mcu.current(), sectionsOn: sectionsOn(), liveBytes: samples[samples.length - 1].liveBytes });

  const e = mcu.energy();
  let ret = 0,
    onSec = 0,
    ons = 0,
    offs = 0;
  for (const s of p.sections) {
    const se = e.bySection[mcu.sectionName(s)];
    ret += se.energy_uJ;
    onSec += se.onSeconds + se.retainedSeconds;
  }
  for (const ev of mcu.events()) {
    if (ev.kind !== "power" || ev.index === undefined || p.sections.indexOf(ev.index) < 0) continue;
    if (ev.to === "on") ons++;
    else if (ev.to === "off") offs++;
  }
  const result: PolicyResult = {
    policy: variant as unknown as PolicyName,
    energy: { total_uJ: e.energy_uJ, base_uJ: e.energy_uJ - ret, retention_uJ: ret },
    avgCurrent_uA: e.charge_uC / p.duration,
    avgSectionsOn: onSec / p.duration,
    switchOns: ons,
    switchOffs: offs,
    failures,
    peakLiveBytes: peak,
    fragmentation: fragN > 0 ? fragSum / fragN : 0,
    savingRetentionPct: 0,
    savingTotalPct: 0,
    retentionVsOracle: 0,
    samples,
    lanes: lanesOf(mcu, p.sections),
  };
  result.dataErrors = dataErrors;
  return { result, energy: e, sleeps, used, times };
}

/** A number checked to be finite and in [lo, hi] (an integer when `int`); EINVAL naming `what`. */
function checkNumber(v: unknown, what: string, lo: number, hi: number, int: boolean): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < lo || v > hi || (int && Math.floor(v) !== v)) {
    fail("EINVAL", what + " must be " + (int ? "an integer" : "a number") + " in [" + lo + ", " + hi + "], got " + show(v));
  }
  return v as number;
}

/**
 * Run a sleep experiment (`spec.sleep`) on `board` (the firmware layout
 * applied) over `region` (resolved from `spec.allocator`): the burst program
 * under the three variants (SLEEP_VARIANTS, all-on first: the baseline),
 * each on a fresh simulated MCU, and the bound: System OFF retaining the
 * fewest of the region's sections that could hold the live bytes and the
 * bookkeeping. The result has the shape of every experiment's
 * (sim/results.ts), the variants as its "policies". Deterministic. Throws
 * EINVAL naming the field for a spec that cannot run.
 */
export function runSleepExperiment(spec: ExperimentSpec, board: Board, region: { base: number; size: number }): ExperimentResult {
  const sl = spec.sleep as SleepSpec;
  if (!sl || typeof sl !== "object") fail("EINVAL", "sleep must be an object {seconds, burstBytes, keep, offMode?}, got " + show(sl));
  const problems = sleepProblems(spec);
  if (problems.length > 0) fail("EINVAL", problems[0].replace(/^\//, "").replace(/\//g, "."));
  const period = checkNumber(sl.seconds, "sleep.seconds", 1e-3, 31536000, false);
  const burst = checkNumber(sl.burstBytes, "sleep.burstBytes", 1, region.size, true);
  const keep = checkNumber(sl.keep, "sleep.keep", 1, 65536, true);
  const duration = checkNumber(spec.durationSeconds, "durationSeconds", 1e-3, 31536000, false);
  const seed = spec.seed === undefined ? 1 : checkNumber(spec.seed, "seed", 0, 0xffffffff, true);
  const onMode = spec.powerMode === undefined ? board.defaultMode : spec.powerMode;
  const offMode = sl.offMode === undefined ? "system-off" : sl.offMode;
  for (const [m, what] of [
    [onMode, "powerMode"],
    [offMode, "sleep.offMode"],
  ]) {
    if (!Object.hasOwn(board.modes, m))
      fail("EINVAL", what + " must be one of " + Object.keys(board.modes).join(", ") + " (modes of " + board.name + "), got " + show(m));
  }
  const granule = spec.allocator.granule === undefined ? 16 : spec.allocator.granule;
  const storeBytes = granularStoreBytes(region.size, granule);
  const heapBase = Math.ceil((region.base + storeBytes) / granule) * granule;
  const heapSize = Math.floor((region.base + region.size - heapBase) / granule) * granule;
  const indexBytes = 8 + 8 * keep;
  if (!(heapSize >= granule))
    fail(
      "EINVAL",
      "allocator region of " + region.size + " bytes leaves no room for a heap after its " + storeBytes + " bytes of bookkeeping",
    );
  const { sections, gateable, capacity } = regionSections(board, region);
  const p: SleepSetup = {
    board,
    seed,
    duration,
    period,
    burst,
    keep,
    onMode,
    offMode,
    granule,
    storesAt: region.base,
    heapBase,
    heapSize,
    indexBytes,
    region,
    sections,
    gateable,
  };
  const runs = SLEEP_VARIANTS.map((v) => runVariant(p, v));
  const volts = runs[0].energy.voltage_V;

  // The bound: System OFF all the time, retaining the fewest region sections (largest first) that could hold the bookkeeping and the live bytes.
  const probe = new SimMcu(board, { seed, mode: offMode, initial: "zero" });
  for (let s = 0; s < probe.sectionCount(); s++) if (probe.gateable(s)) probe.setPower(s, "off");
  const offBase = probe.current();
  const ret = sections.map((s) => probe.sectionRetention(s, offMode));
  const order = sections.map((_, i) => i).sort((x, y) => capacity[y] - capacity[x] || ret[x] - ret[y] || x - y);
  const heldBy = (bytes: number): [number, number] => {
    let cap = 0,
      k = 0,
      cur = 0;
    for (let j = 0; cap < bytes && j < order.length; j++) {
      cap += capacity[order[j]];
      cur += ret[order[j]];
      k++;
    }
    return [k, cur];
  };
  const oSamples: Sample[] = [];
  let q = 0,
    secSum = 0;
  const on = runs[0];
  for (let i = 0; i < on.times.length; i++) {
    const t0 = on.times[i],
      t1 = i + 1 < on.times.length ? on.times[i + 1] : duration;
    const [k, cur] = heldBy(storeBytes + on.used[i]);
    q += cur * (t1 - t0);
    secSum += k * (t1 - t0);
    oSamples.push({ t: t0, current_uA: offBase + cur, sectionsOn: k, liveBytes: on.used[i] });
  }
  const last = oSamples[oSamples.length - 1];
  oSamples.push({ t: duration, current_uA: last.current_uA, sectionsOn: last.sectionsOn, liveBytes: last.liveBytes });
  const oracle = {
    energy: { total_uJ: (offBase * duration + q) * volts, base_uJ: offBase * duration * volts, retention_uJ: q * volts },
    avgSectionsOn: secSum / duration,
    samples: oSamples,
  };

  const base = runs[0].result.energy;
  for (const r of runs) {
    const e = r.result.energy;
    r.result.savingRetentionPct = base.retention_uJ > 0 ? (100 * (base.retention_uJ - e.retention_uJ)) / base.retention_uJ : 0;
    r.result.savingTotalPct = base.total_uJ > 0 ? (100 * (base.total_uJ - e.total_uJ)) / base.total_uJ : 0;
    r.result.retentionVsOracle =
      oracle.energy.retention_uJ > 0 ? e.retention_uJ / oracle.energy.retention_uJ : e.retention_uJ > 0 ? Infinity : 1;
  }
  const sources: FigureSource[] = figureSources(runs.map((r) => r.energy));
  const gated = runs[1],
    off = runs[2];
  const perWake = (gated.result.energy.total_uJ - off.result.energy.total_uJ) / off.sleeps;
  const limits = [
    (spec.firmware !== undefined ? "Firmware layout assumed (not the board file's): " + spec.firmware.assumption + " " : "") +
      "System OFF retains only the sections holding the heap's bookkeeping, the program's index and the kept bursts; everything else, the firmware's RAM included, is lost and the engine starts again at every wake. System ON keeps the firmware's RAM on.",
    "A wake from System OFF is a reset: the interpreter boots again and the program re-attaches to its heap. That energy is not in the board file and is not counted. Here System OFF saves " +
      (perWake / 1000).toFixed(3) +
      " mJ per sleep of " +
      period +
      " s against gate-empty, so it pays off while one wake (boot and re-attach) costs less than that.",
    "In " +
      offMode +
      " the chip wakes only on the sources the board file names (" +
      (board.modes[offMode].description || "see the board file") +
      "); a sleep of a set length may need an external wake source (an RTC chip, a sensor's interrupt line) whose current is not counted.",
    "Bursts take no time in the model: the CPU's active time, the sensor and the radio are not counted, the same for every variant. gate-empty is the program switching off the region's empty sections while it sleeps in System ON (the decision of the bank manager's policy of that name).",
    "Retention energy is that of the region's sections; the base is the mode's current plus the retention of the RAM outside the region while it is on or retained.",
    "Per-section retention currents are derived from datasheet end points (no RAM retained, all RAM retained) spread evenly over the sections; no datasheet gives a per-section figure, and measured boards show tens of nA per section that other leakage can hide.",
    "The bound sleeps in " +
      offMode +
      " all the time and retains the fewest of the region's sections that could hold the bookkeeping and the live bytes, as if data could move for free.",
  ];
  const result: ExperimentResult = {
    name: spec.name || "sleep every " + period + " s on " + board.name,
    board: { name: board.name, title: board.title, chip: board.chip.part },
    allocator: { kind: "granular", base: heapBase, size: heapSize, blockSize: granule },
    workload: "a burst of " + burst + " B every " + period + " s, the last " + keep + " kept; asleep in between",
    seed,
    durationSeconds: duration,
    powerMode: onMode + " (the system-off variant sleeps in " + offMode + ")",
    sections: sections.map((s) => ({
      name: board.sections[s].name,
      base: board.sections[s].base,
      size: board.sections[s].size,
      retention_uA: probe.sectionRetention(s, onMode),
    })),
    policies: runs.map((r) => r.result),
    oracle,
    sources,
    limits,
  };
  if (spec.firmware !== undefined) result.firmware = spec.firmware.assumption;
  return result;
}

/**
 * The simulated MCU: a board's RAM map behind the HAL `Memory` and `Power`
 * ports, so that the allocators run in the simulator exactly as they ship.
 * Node only. docs/SIMULATOR.md describes the model; this file is its
 * reference.
 *
 * What it models
 * - Address decoding: every byte address belongs to one of the board's
 *   sections (`board.sections`, address order) or is unmapped. Multi-byte
 *   accesses are little-endian; an access that straddles sections (or runs
 *   into a gap) is checked and counted per section it touches.
 * - Bus faults: in strict mode (the default) an access to an unmapped
 *   address, or to a section that is not `on`, throws an EFAULT `BusFault`
 *   naming the address, the access and the section, and changes nothing.
 *   In lenient mode such reads return seeded pseudo-random garbage, such
 *   writes are dropped, and the access's fault counter goes up.
 * - Power: `on` (usable), `off` (contents lost), `retained` (contents kept,
 *   not accessible). Switching a section off loses its contents: from then
 *   on it holds a pattern drawn from (seed, section, power cycle), never all
 *   zeros, which is what it reads back once it is switched on again.
 *   At construction every section is `on` and, unless `initial: "zero"`, holds
 *   the pattern of power cycle 0 (RAM is not zeroed at power-up).
 * - Counters: per section, read and write accesses and bytes, and faults.
 * - Clock and energy: a simulated clock that only `advance()` moves; charge
 *   is integrated piecewise over it from the board's figures (see `energy`):
 *   the mode's base current plus, per section that is on or retained, its
 *   retention figure for that mode (`retentionByMode[mode]`, else
 *   `retention`). Currents are summed in pA on a 1/1024 pA grid, so a mode's
 *   no-retention and full-retention end points come out exactly as the board
 *   file cites them. Power transitions and mode changes are logged with
 *   their time.
 */
import type { Board, Figure } from "../src/core/board.js";
import type { Memory, Power, PowerState } from "../src/hal/ports.js";
import { isPowerState } from "../src/hal/ports.js";
import { checkBlock } from "../src/hal/checks.js";
import { type CodedError, fail, makeError } from "../src/core/errors.js";
import { Prng, mix32 } from "./prng.js";

/** Options of `new SimMcu(board, opts)`. */
export interface SimMcuOptions {
  /** Throw a bus fault on a bad access (default true); false: garbage reads, dropped writes, counted faults. */
  strict?: boolean;
  /** Seed of every pseudo-random pattern (an integer, default 1). */
  seed?: number;
  /** Power mode to start in (default `board.defaultMode`). */
  mode?: string;
  /** Contents at construction: "random" (the power-cycle-0 pattern, default) or "zero". */
  initial?: "random" | "zero";
}

/** The EFAULT error a strict bus fault throws. */
export interface BusFault extends CodedError {
  /** The first byte address of the access that faulted. */
  address: number;
  /** Name of the section that byte belongs to, or null when it is unmapped. */
  section: string | null;
  /** That section's power state, or null when unmapped. */
  state: PowerState | null;
  /** "read" or "write". */
  access: "read" | "write";
  /** Width of the whole access in bytes (1, 2, 4, or a block's length). */
  width: number;
  /** Start address of the whole access (differs from `address` when it straddles). */
  accessAddress: number;
}

/** Access counters of one section. */
export interface SectionCounters {
  /** Read accesses that touched the section (a straddling access counts once in each section). */
  reads: number;
  /** Bytes read from the section. */
  readBytes: number;
  /** Write accesses that touched the section. */
  writes: number;
  /** Bytes written to the section. */
  writeBytes: number;
  /** Accesses that faulted on the section (it was not on). */
  faults: number;
}

/** Totals over all sections, plus faults on unmapped addresses. */
export interface CounterTotals extends SectionCounters {
  /** Accesses that faulted on an unmapped address (included in `faults`). */
  unmappedFaults: number;
}

/** One entry of the event log. */
export interface SimEvent {
  /** Simulated time in seconds. */
  t: number;
  /** "power": a section changed state; "mode": the power mode changed. */
  kind: "power" | "mode";
  /** Section name (power events). */
  section?: string;
  /** Section index (power events). */
  index?: number;
  /** Previous state or mode. */
  from: string;
  /** New state or mode. */
  to: string;
}

/** A board figure that went into an energy result, with its provenance. */
export interface FigureUse {
  /**
   * What it is, as a path into the board: "voltage", "modes.sleep.current",
   * "sections.RAM0.S1.retention", or "sections.RAM0.S1.retentionByMode.system-off"
   * for a mode's own retention figure.
   */
  figure: string;
  value: number;
  unit: string;
  source?: string;
  derived?: string;
}

/** Energy spent in one power mode. */
export interface ModeEnergy {
  seconds: number;
  charge_uC: number;
  energy_uJ: number;
}

/** Retention energy of one section, and how long it spent in each state. */
export interface SectionEnergy {
  charge_uC: number;
  energy_uJ: number;
  onSeconds: number;
  retainedSeconds: number;
  offSeconds: number;
}

/** The result of `energy()`. */
export interface EnergyReport {
  /** Simulated seconds integrated (equals `now()`). */
  seconds: number;
  /** Total charge: base plus retention, µC (µA·s). */
  charge_uC: number;
  /** Charge of the modes' base currents, µC. */
  base_uC: number;
  /** Charge of the sections' retention currents, µC. */
  retention_uC: number;
  /** `charge_uC` × the board's voltage, µJ. */
  energy_uJ: number;
  /** The voltage used, V. */
  voltage_V: number;
  /** Per mode (every mode of the board, zero when never entered): total charge while in it. */
  byMode: { [mode: string]: ModeEnergy };
  /** Per section: its retention charge and time per state. */
  bySection: { [section: string]: SectionEnergy };
  /** The board figures multiplied by a non-zero time (and the voltage), in board order. */
  sources: FigureUse[];
}

/**
 * The board figures behind several energy reports, each once (by its path
 * in the board), with its source, or "derived: …" for a computed one: what a
 * result's `sources` lists. O(figures²).
 */
export function figureSources(reports: EnergyReport[]): { what: string; value: number; unit: string; source: string }[] {
  const out: { what: string; value: number; unit: string; source: string }[] = [];
  for (const r of reports) {
    for (const f of r.sources) {
      if (out.some((s) => s.what === f.figure)) continue;
      out.push({
        what: f.figure,
        value: f.value,
        unit: f.unit,
        source: f.source !== undefined ? f.source : "derived: " + (f.derived || ""),
      });
    }
  }
  return out;
}

/** Current units in pA: currents are kept in pA so that sums of the boards' decimal figures stay exact. */
var CURRENT_UNITS: { [u: string]: number } = { A: 1e12, mA: 1e9, uA: 1e6, "\u00b5A": 1e6, nA: 1e3, pA: 1 };
var VOLTAGE_UNITS: { [u: string]: number } = { V: 1, mV: 1e-3 };

/** `fig` converted with `units` (value × factor of its unit); EINVAL naming `what` when it is not a figure in one of them. */
function figureIn(fig: Figure, units: { [u: string]: number }, what: string): number {
  if (!fig || typeof fig.value !== "number" || !isFinite(fig.value) || fig.value < 0 || !Object.hasOwn(units, fig.unit)) {
    fail("EINVAL", what + " must be a figure {value >= 0, unit: " + Object.keys(units).join("|") + "}, got " + JSON.stringify(fig));
  }
  return fig.value * units[fig.unit];
}

/**
 * A current figure in pA, snapped to a grid of 1/1024 pA: 1.2 uA × 1e6 is
 * 1200000 and 22.8125 nA × 1e3 is 22812.5 exactly, so a sum of figures is
 * the exact sum of the decimal figures and a µA result (pA / 1e6) is the
 * double nearest the decimal the source cites.
 */
function picoamps(fig: Figure, what: string): number {
  return Math.round(figureIn(fig, CURRENT_UNITS, what) * 1024) / 1024;
}

/** Whether this host stores typed-array words little-endian (the word fast path reads a section's bytes as words). */
var LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The word fast paths' first test, `(o & ALIGNED_OFFSET) === 0`: the offset's
 * sign bit and its two low bits clear, i.e. a non-negative, 4-aligned offset
 * when `o` is a 32-bit integer (one test and branch instead of two). For any
 * other number `&` truncates, so `(o | 0) === o` (which V8 drops once it
 * knows `o` is a 32-bit integer) rejects fractions and values beyond 32 bits.
 */
const ALIGNED_OFFSET = 0x80000003 | 0;

/** "0x2000fffe" for an unsigned 32-bit integer; anything else as it is. */
function hex(a: number): string {
  if (a >>> 0 !== a) return String(a);
  var h = a.toString(16);
  return "0x" + "00000000".slice(h.length) + h;
}

/** A figure's provenance for `sources`. */
function use(figure: string, f: Figure): FigureUse {
  var u: FigureUse = { figure: figure, value: f.value, unit: f.unit };
  if (f.source !== undefined) u.source = f.source;
  if (f.derived !== undefined) u.derived = f.derived;
  return u;
}

/**
 * A board's RAM as a simulated MCU: implements `Memory` over every section
 * and `Power` per section (the same semantics as `StatePower`), with bus
 * faults, lost contents, counters, a clock and an energy integral.
 *
 * Cost: an access inside the section of the previous access is O(1) (a
 * cached section); any other is O(log sections) plus O(sections touched).
 */
export class SimMcu implements Memory, Power {
  /** The board it models. */
  readonly board: Board;
  /** Strict (throw bus faults) or lenient (garbage and counted faults). */
  readonly strict: boolean;
  /** Seed of every pseudo-random pattern. */
  readonly seed: number;

  /** Per section: base, size, backing bytes, name, gateable, state, 1 when on. */
  _base: Float64Array;
  _size: Float64Array;
  _mem: Uint8Array[];
  _name: string[];
  _gate: boolean[];
  _state: PowerState[];
  _on: Uint8Array;
  /**
   * Per section, the access fast paths' one compare: an offset `o` (an
   * unsigned integer) with `o < _lim1[s]` is a byte access, `o < _lim2[s]` a
   * half-word, `o < _lim4[s]` a word that lies wholly inside section `s`
   * while it is on; all three are 0 while it is not on.
   */
  _lim1: Int32Array;
  _lim2: Int32Array;
  _lim4: Int32Array;
  /** Per section, its backing bytes as words: word `o >> 2` holds bytes o..o+3 for a 4-aligned offset `o`, little-endian on a little-endian host (on a big-endian one `_lim4` is 0: every word access takes the general path). */
  _w32: Int32Array[];
  /** Section index by name. */
  _byName: { [name: string]: number };
  /** Section of the last decoded access (the decode cache); change it only with `_select`. */
  _last: number;
  /**
   * The cached section's fast-path state, as plain fields: its base, its
   * three limits, its bytes and words, and the fast accesses counted on it
   * since it became the cached section (by width, reads then writes; added
   * to `_r1.._w4` by `_flush`).
   */
  _cb: number;
  _cl1: number;
  _cl2: number;
  _cl4: number;
  _cm: Uint8Array;
  _cw: Int32Array;
  _cr1: number;
  _cr2: number;
  _cr4: number;
  _cw1: number;
  _cw2: number;
  _cw4: number;
  /** Times each section has lost its contents (power cycle of its pattern). */
  _cycle: Float64Array;
  /**
   * Per section, 1 while its bytes still owe the pattern of its current power
   * cycle: the pattern is written when the bytes are first needed (`_bytes`),
   * not when they are lost, so a section that is never read or written again
   * costs nothing. What any access sees is the same either way.
   */
  _due: Uint8Array;
  /** Garbage for lenient reads. */
  _junk: Prng;
  /** Scratch bytes for word accesses that take the slow path. */
  _tmp: Uint8Array;

  /** Counters per section of the general path (`_read`/`_write`, blocks, fill, copy): reads, read bytes, writes, write bytes; faults; and unmapped faults. */
  _rd: Float64Array;
  _rb: Float64Array;
  _wr: Float64Array;
  _wb: Float64Array;
  _fl: Float64Array;
  /**
   * The fast paths' counters, one increment per access: accesses per width
   * (bytes = count × width), added to `_rd/_rb/_wr/_wb` (the general path's)
   * when counters are read.
   */
  _r1: Float64Array;
  _r2: Float64Array;
  _r4: Float64Array;
  _w1: Float64Array;
  _w2: Float64Array;
  _w4: Float64Array;
  _unmapped: number;

  /** Clock, mode and energy integrals. Currents in pA, charges in pA·s (reported in µA and µC). */
  _t: number;
  _mode: string;
  _modeNames: string[];
  _basePA: { [mode: string]: number };
  /** Per mode where retention applies: each section's retention current in pA (its `retentionByMode[mode]`, else `retention`). */
  _retPA: { [mode: string]: Float64Array };
  /** Per mode where retention applies: the board figure each section's retention came from, as a `FigureUse` path and the figure. */
  _retFig: { [mode: string]: { path: string; fig: Figure }[] };
  _volts: number;
  _modeSec: { [mode: string]: number };
  _modeQ: { [mode: string]: number };
  _baseQ: number;
  _secQ: Float64Array;
  /** Seconds each section drew retention current in each mode (for `sources`). */
  _secModeSec: { [mode: string]: Float64Array };
  _secOn: Float64Array;
  _secRet: Float64Array;
  _secOff: Float64Array;
  _events: SimEvent[];

  /**
   * Model `board`. Throws EINVAL when the board's sections are not
   * non-overlapping integer ranges in address order, when a figure has no
   * usable unit, or when `opts` has a bad seed, initial or mode (the message
   * lists the valid modes). O(total RAM) for the initial pattern.
   */
  constructor(board: Board, opts?: SimMcuOptions) {
    var o = opts || {};
    if (!board || !board.sections || !(board.sections.length > 0)) fail("EINVAL", "board.sections must be a non-empty array");
    if (o.seed !== undefined && (typeof o.seed !== "number" || Math.floor(o.seed) !== o.seed))
      fail("EINVAL", "seed must be an integer, got " + o.seed);
    if (o.initial !== undefined && o.initial !== "random" && o.initial !== "zero")
      fail("EINVAL", 'initial must be "random" or "zero", got ' + o.initial);
    this.board = board;
    this.strict = o.strict !== false;
    this.seed = o.seed === undefined ? 1 : o.seed >>> 0;
    var n = board.sections.length;
    this._base = new Float64Array(n);
    this._size = new Float64Array(n);
    this._mem = [];
    this._name = [];
    this._gate = [];
    this._state = [];
    this._on = new Uint8Array(n);
    this._lim1 = new Int32Array(n);
    this._lim2 = new Int32Array(n);
    this._lim4 = new Int32Array(n);
    this._w32 = [];
    this._last = -1; // no cached section until _select(0) below
    this._cb = 0;
    this._cl1 = 0;
    this._cl2 = 0;
    this._cl4 = 0;
    this._cm = new Uint8Array(0);
    this._cw = new Int32Array(0);
    this._byName = Object.create(null);
    this._cycle = new Float64Array(n);
    this._due = new Uint8Array(n);
    for (var i = 0; i < n; i++) {
      var s = board.sections[i],
        at = "board.sections[" + i + "]";
      if (typeof s.base !== "number" || s.base >>> 0 !== s.base)
        fail("EINVAL", at + ".base must be a 32-bit unsigned address, got " + s.base);
      if (
        typeof s.size !== "number" ||
        !(s.size >= 1 && s.size <= 0x10000000) ||
        Math.floor(s.size) !== s.size ||
        s.base + s.size > 0x100000000
      ) {
        fail("EINVAL", at + ".size must be an integer in [1, 2^28] that ends below 2^32, got " + s.size);
      }
      if (i > 0 && s.base < this._base[i - 1] + this._size[i - 1])
        fail("EINVAL", at + " (" + s.name + ") overlaps the previous section or is out of address order");
      if (this._byName[s.name] !== undefined) fail("EINVAL", at + ".name " + s.name + " is used twice");
      this._base[i] = s.base;
      this._size[i] = s.size;
      var mem = new Uint8Array(s.size);
      this._mem.push(mem);
      this._w32.push(new Int32Array(mem.buffer, 0, s.size >> 2));
      this._name.push(String(s.name));
      this._gate.push(!!s.gateable);
      this._state.push("on");
      this._on[i] = 1;
      this._limits(i);
      this._byName[s.name] = i;
      picoamps(s.retention, at + ".retention");
      if (s.retentionByMode !== undefined && (s.retentionByMode === null || typeof s.retentionByMode !== "object")) {
        fail("EINVAL", at + ".retentionByMode must be an object of figures by mode name, got " + JSON.stringify(s.retentionByMode));
      }
      if (o.initial !== "zero") this._pattern(i);
    }
    this._last = 0;
    this._junk = new Prng(mix32(this.seed, 0x6a09e667));
    this._tmp = new Uint8Array(4);
    this._rd = new Float64Array(n);
    this._rb = new Float64Array(n);
    this._wr = new Float64Array(n);
    this._wb = new Float64Array(n);
    this._fl = new Float64Array(n);
    this._r1 = new Float64Array(n);
    this._r2 = new Float64Array(n);
    this._r4 = new Float64Array(n);
    this._w1 = new Float64Array(n);
    this._w2 = new Float64Array(n);
    this._w4 = new Float64Array(n);
    this._unmapped = 0;
    this._cr1 = 0;
    this._cr2 = 0;
    this._cr4 = 0;
    this._cw1 = 0;
    this._cw2 = 0;
    this._cw4 = 0;
    this._select(0);

    this._volts = figureIn(board.voltage, VOLTAGE_UNITS, "board.voltage");
    this._modeNames = Object.keys(board.modes || {});
    if (this._modeNames.length === 0) fail("EINVAL", "board.modes must name at least one mode");
    this._basePA = Object.create(null);
    this._retPA = Object.create(null);
    this._retFig = Object.create(null);
    this._secModeSec = Object.create(null);
    this._modeSec = Object.create(null);
    this._modeQ = Object.create(null);
    for (var m = 0; m < this._modeNames.length; m++) {
      var k = this._modeNames[m];
      this._basePA[k] = picoamps(board.modes[k].current, "board.modes." + k + ".current");
      this._modeSec[k] = 0;
      this._modeQ[k] = 0;
      if (!board.modes[k].retentionApplies) continue;
      var ret = new Float64Array(n),
        figs: { path: string; fig: Figure }[] = [];
      for (var j = 0; j < n; j++) {
        var sj = board.sections[j];
        var own = sj.retentionByMode && Object.hasOwn(sj.retentionByMode, k) ? sj.retentionByMode[k] : undefined;
        var path = "sections." + sj.name + (own !== undefined ? ".retentionByMode." + k : ".retention");
        ret[j] = picoamps(
          own !== undefined ? own : sj.retention,
          "board.sections[" + j + "]" + (own !== undefined ? ".retentionByMode." + k : ".retention"),
        );
        figs.push({ path: path, fig: own !== undefined ? own : sj.retention });
      }
      this._retPA[k] = ret;
      this._retFig[k] = figs;
      this._secModeSec[k] = new Float64Array(n);
    }
    for (var b2 = 0; b2 < n; b2++) {
      var rbm = board.sections[b2].retentionByMode;
      if (rbm)
        for (var mk in rbm) {
          if (Object.hasOwn(rbm, mk) && !(Object.hasOwn(board.modes, mk) && board.modes[mk].retentionApplies)) {
            fail("EINVAL", "board.sections[" + b2 + "].retentionByMode." + mk + " names no mode of the board where retention applies");
          }
        }
    }
    // Fields that take fractions are made doubles from the start: a field
    // that first held a small integer changes its representation (and every
    // instance's layout) the first time it gets a fraction, which throws away
    // the optimised code that depends on the old layout (in a sweep worker,
    // the code compiled during its first experiment).
    this._t = 0.5;
    this._t = 0;
    this._baseQ = 0.5;
    this._baseQ = 0;
    this._secQ = new Float64Array(n);
    this._secOn = new Float64Array(n);
    this._secRet = new Float64Array(n);
    this._secOff = new Float64Array(n);
    this._events = [];
    this._mode = "";
    this._mode = this._checkMode(o.mode === undefined ? board.defaultMode : o.mode, o.mode === undefined ? "board.defaultMode" : "mode");
  }

  // ---- address decoding -------------------------------------------------

  /** Index of the section holding byte address `a`, or -1 (unmapped, or not an unsigned 32-bit integer). Caches the hit. */
  _find(a: number): number {
    var s = this._last,
      o = a - this._base[s];
    if (o >>> 0 === o && o < this._size[s]) return s;
    if (a >>> 0 !== a) return -1;
    var lo = 0,
      hi = this._base.length - 1;
    while (lo <= hi) {
      var m = (lo + hi) >> 1;
      if (a < this._base[m]) hi = m - 1;
      else if (a >= this._base[m] + this._size[m]) lo = m + 1;
      else {
        if (m !== this._last) this._select(m);
        return m;
      }
    }
    return -1;
  }

  /** Base of the first section above unmapped address `a`, or 2^32. */
  _nextBase(a: number): number {
    for (var i = 0; i < this._base.length; i++) if (this._base[i] > a) return this._base[i];
    return 0x100000000;
  }

  /**
   * Split [a, a+len) into runs that each lie in one section or in one
   * unmapped gap: returns [section or -1, start, length, …] triples.
   */
  _split(a: number, len: number): number[] {
    var out: number[] = [];
    if (a >>> 0 !== a) {
      out.push(-1, a, len);
      return out;
    }
    var p = a,
      end = a + len;
    while (p < end) {
      var s = p < 0x100000000 ? this._find(p) : -1;
      var stop = s >= 0 ? this._base[s] + this._size[s] : p < 0x100000000 ? this._nextBase(p) : end;
      var l = (stop < end ? stop : end) - p;
      out.push(s, p, l);
      p += l;
    }
    return out;
  }

  /**
   * Strict mode only: throw the bus fault of the first run of [a, a+len)
   * that is unmapped or in a section that is not on. Lenient: nothing.
   */
  _precheck(a: number, len: number, access: "read" | "write"): void {
    if (!this.strict) return;
    var r = this._split(a, len);
    for (var k = 0; k < r.length; k += 3) if (r[k] < 0 || this._on[r[k]] === 0) this._fault(r[k + 1], r[k], access, len, a);
  }

  /** Count a fault at byte `addr` (section `s` or -1) and throw it. */
  _fault(addr: number, s: number, access: "read" | "write", width: number, start: number): never {
    if (s < 0) this._unmapped++;
    else this._fl[s]++;
    var where = s < 0 ? "an unmapped address" : "section " + this._name[s] + ", which is " + this._state[s];
    var e = makeError(
      "EFAULT",
      "bus fault: " +
        width +
        "-byte " +
        access +
        " at " +
        hex(start) +
        (addr !== start ? " (byte " + hex(addr) + ")" : "") +
        " hits " +
        where,
    ) as BusFault;
    e.address = addr;
    e.section = s < 0 ? null : this._name[s];
    e.state = s < 0 ? null : this._state[s];
    e.access = access;
    e.width = width;
    e.accessAddress = start;
    throw e;
  }

  /** Throw EINVAL unless `len` is a non-negative integer. */
  _len(len: number): void {
    if (typeof len !== "number" || !(len >= 0) || Math.floor(len) !== len) fail("EINVAL", "len must be a non-negative integer, got " + len);
  }

  // ---- Memory port ------------------------------------------------------

  // Fast paths: an access that lies wholly inside the cached section while it
  // is on (a word: at a 4-aligned offset) is a sign (and alignment) test and
  // one compare of its offset against the cached limit (`_cl1/2/4`: 0 while
  // the section is not on), a plain-field count (`_cr*`/`_cw*`) and one
  // typed-array read or write (a word is one element of the section's
  // words). The offset's integer test comes last: V8 drops it once the
  // address and the cached base are small integers, so the offset is one
  // 32-bit subtraction. Otherwise the binary search picks the section
  // (`_find`, which makes it the cached one) and the access is made there
  // (a word not 4-aligned byte by byte). Anything else (unmapped, not on,
  // straddling, not an integer address) takes the general path
  // (`_read`/`_write`), which checks, faults and counts per section; both
  // count alike. No allocation on either path for 8/16/32-bit accesses that
  // do not fault.

  /** Byte at `a`. Bus fault (strict) or garbage (lenient) when `a` is not in an on section. */
  read8(a: number): number {
    var o = a - this._cb;
    if (o >= 0 && o < this._cl1 && (o | 0) === o) {
      this._cr1++;
      return this._cm[o];
    }
    return this._read8(a);
  }
  /** Little-endian half-word at `a`; each section it touches is checked. */
  read16(a: number): number {
    var o = a - this._cb;
    if (o >= 0 && o < this._cl2 && (o | 0) === o) {
      var b = this._cm;
      this._cr2++;
      return b[o] | (b[o + 1] << 8);
    }
    return this._read16(a);
  }
  /** Little-endian word at `a`, unsigned; each section it touches is checked. */
  read32(a: number): number {
    var o = a - this._cb;
    if ((o & ALIGNED_OFFSET) === 0 && o < this._cl4 && (o | 0) === o) {
      this._cr4++;
      return this._cw[o >> 2] >>> 0;
    }
    // `>>> 0` (a no-op on _read32's unsigned word) keeps both returns untagged
    // unsigned 32-bit integers: without it they merge into one tagged value,
    // so every word read on the fast path was boxed (a heap number from 2^30
    // up) and unboxed again by the caller, which cost read32 ~60% of its speed.
    return this._read32(a) >>> 0;
  }
  /** Store `v & 0xff` at `a`. Bus fault (strict) or dropped (lenient) when `a` is not in an on section. */
  write8(a: number, v: number): void {
    var o = a - this._cb;
    if (o >= 0 && o < this._cl1 && (o | 0) === o) {
      this._cw1++;
      this._cm[o] = v;
      return;
    }
    this._write8(a, v);
  }
  /** Store the low 16 bits of `v` at `a`, little-endian. */
  write16(a: number, v: number): void {
    var o = a - this._cb;
    if (o >= 0 && o < this._cl2 && (o | 0) === o) {
      var b = this._cm;
      this._cw2++;
      b[o] = v;
      b[o + 1] = v >> 8;
      return;
    }
    this._write16(a, v);
  }
  /** Store the low 32 bits of `v` at `a`, little-endian. */
  write32(a: number, v: number): void {
    var o = a - this._cb;
    if ((o & ALIGNED_OFFSET) === 0 && o < this._cl4 && (o | 0) === o) {
      this._cw4++;
      this._cw[o >> 2] = v;
      return;
    }
    this._write32(a, v);
  }

  // The accesses outside the cached section: the binary search makes the
  // section of `a` the cached one; when the access then lies inside it and it
  // is on, the fast path takes it, else the general path.

  /** read8 outside the cached section. */
  _read8(a: number): number {
    if (this._find(a) >= 0 && a - this._cb < this._cl1) return this.read8(a);
    this._read(a, this._tmp, 0, 1);
    return this._tmp[0];
  }
  /** read16 outside the cached section. */
  _read16(a: number): number {
    if (this._find(a) >= 0 && a - this._cb < this._cl2) return this.read16(a);
    var t = this._tmp;
    this._read(a, t, 0, 2);
    return t[0] | (t[1] << 8);
  }
  /** read32 outside the cached section, or not 4-aligned. */
  _read32(a: number): number {
    if (this._find(a) >= 0) {
      // `a` is now an address in the cached section: `o` is an integer in [0, its size).
      var o = a - this._cb;
      if (o < this._cl4) {
        this._cr4++;
        if ((o & 3) === 0) return this._cw[o >> 2] >>> 0;
        var b = this._cm;
        return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
      }
    }
    var t = this._tmp;
    this._read(a, t, 0, 4);
    return (t[0] | (t[1] << 8) | (t[2] << 16) | (t[3] << 24)) >>> 0;
  }
  /** write8 outside the cached section. */
  _write8(a: number, v: number): void {
    if (this._find(a) >= 0 && a - this._cb < this._cl1) {
      this.write8(a, v);
      return;
    }
    this._tmp[0] = v;
    this._write(a, this._tmp, 0, 1);
  }
  /** write16 outside the cached section. */
  _write16(a: number, v: number): void {
    if (this._find(a) >= 0 && a - this._cb < this._cl2) {
      this.write16(a, v);
      return;
    }
    var t = this._tmp;
    t[0] = v;
    t[1] = v >> 8;
    this._write(a, t, 0, 2);
  }
  /** write32 outside the cached section, or not 4-aligned. */
  _write32(a: number, v: number): void {
    if (this._find(a) >= 0) {
      // `a` is now an address in the cached section: `o` is an integer in [0, its size).
      var o = a - this._cb;
      if (o < this._cl4) {
        this._cw4++;
        if ((o & 3) === 0) {
          this._cw[o >> 2] = v;
          return;
        }
        var b = this._cm;
        b[o] = v;
        b[o + 1] = v >> 8;
        b[o + 2] = v >> 16;
        b[o + 3] = v >>> 24;
        return;
      }
    }
    var t = this._tmp;
    t[0] = v;
    t[1] = v >> 8;
    t[2] = v >> 16;
    t[3] = v >>> 24;
    this._write(a, t, 0, 4);
  }

  /** Copy `len` bytes at `a` into `dst[off..)`. EINVAL for a bad `dst`, `off` or `len` (checkBlock, as ArrayMemory); a strict fault copies nothing. O(len). */
  readBlock(a: number, dst: { [i: number]: number }, off: number, len: number): void {
    checkBlock(dst, off, len, "dst", true);
    if (len > 0) this._read(a, dst, off, len);
  }
  /** Copy `src[off..off+len)` (each `& 0xff`) to `a`. EINVAL for a bad `src`, `off` or `len` (checkBlock, as ArrayMemory); a strict fault writes nothing. O(len). */
  writeBlock(a: number, src: { [i: number]: number }, off: number, len: number): void {
    checkBlock(src, off, len, "src", false);
    if (len > 0) this._write(a, src, off, len);
  }
  /** Set `len` bytes at `a` to `v & 0xff` (a write access to each section touched). O(len). */
  fill(a: number, len: number, v: number): void {
    // Fast path: [a, a+len) wholly inside the cached section while it is on
    // (or inside the section the search makes the cached one): one fill, the
    // general path's counts, no allocation.
    var o = a - this._cb;
    if (!(o >>> 0 === o && typeof len === "number" && len >= 1 && len <= this._cl1 - o && Math.floor(len) === len)) {
      if (this._find(a) < 0) o = -1;
      else o = a - this._cb;
    }
    if (o >>> 0 === o && typeof len === "number" && len >= 1 && len <= this._cl1 - o && Math.floor(len) === len) {
      var c = this._last;
      this._cm.fill(v & 0xff, o, o + len);
      this._wr[c]++;
      this._wb[c] += len;
      return;
    }
    this._len(len);
    if (len === 0) return;
    this._precheck(a, len, "write");
    var r = this._split(a, len);
    for (var k = 0; k < r.length; k += 3) {
      var s = r[k];
      if (s < 0 || this._on[s] === 0) {
        this._lenientFault(s);
        continue;
      }
      o = r[k + 1] - this._base[s];
      this._bytes(s).fill(v & 0xff, o, o + r[k + 2]);
      this._wr[s]++;
      this._wb[s] += r[k + 2];
    }
  }
  /**
   * memmove `len` bytes from `src` to `dst` (overlap handled): a read access
   * to each section of the source and a write access to each of the
   * destination. A strict fault on either range changes nothing. O(len).
   */
  copy(dst: number, src: number, len: number): void {
    this._len(len);
    if (len === 0) return;
    var s = this._find(src),
      d = this._find(dst);
    if (s >= 0 && s === d && this._on[s] === 1) {
      var so = src - this._base[s],
        dO = dst - this._base[s];
      if (so + len <= this._size[s] && dO + len <= this._size[s]) {
        this._bytes(s).copyWithin(dO, so, so + len);
        this._rd[s]++;
        this._rb[s] += len;
        this._wr[s]++;
        this._wb[s] += len;
        return;
      }
    }
    this._precheck(dst, len, "write");
    var t = new Uint8Array(len);
    this._read(src, t, 0, len);
    this._write(dst, t, 0, len);
  }

  /** Lenient fault bookkeeping for a run in section `s` (or unmapped). */
  _lenientFault(s: number): void {
    if (s < 0) this._unmapped++;
    else this._fl[s]++;
  }

  /** The general read: [a, a+len) into dst[off..), checked and counted per section. */
  _read(a: number, dst: { [i: number]: number }, off: number, len: number): void {
    this._precheck(a, len, "read");
    var r = this._split(a, len),
      j = off;
    for (var k = 0; k < r.length; k += 3) {
      var s = r[k],
        l = r[k + 2],
        i: number;
      if (s < 0 || this._on[s] === 0) {
        this._lenientFault(s);
        for (i = 0; i < l; i++) dst[j++] = this._junk.nextByte();
        continue;
      }
      var b = this._bytes(s),
        o = r[k + 1] - this._base[s];
      if (dst instanceof Uint8Array) {
        dst.set(b.subarray(o, o + l), j);
        j += l;
      } else for (i = 0; i < l; i++) dst[j++] = b[o + i];
      this._rd[s]++;
      this._rb[s] += l;
    }
  }

  /** The general write: src[off..off+len) to [a, a+len), checked and counted per section. */
  _write(a: number, src: { [i: number]: number }, off: number, len: number): void {
    this._precheck(a, len, "write");
    var r = this._split(a, len),
      j = off;
    for (var k = 0; k < r.length; k += 3) {
      var s = r[k],
        l = r[k + 2];
      if (s < 0 || this._on[s] === 0) {
        this._lenientFault(s);
        j += l;
        continue;
      }
      var b = this._bytes(s),
        o = r[k + 1] - this._base[s];
      for (var i = 0; i < l; i++) b[o + i] = src[j++] & 0xff;
      this._wr[s]++;
      this._wb[s] += l;
    }
  }

  // ---- Power port -------------------------------------------------------

  /** Number of sections. */
  sectionCount(): number {
    return this._base.length;
  }
  /** Index of the section holding `a`, or -1. O(log sections). */
  sectionAt(a: number): number {
    return this._find(a);
  }
  /** Whether every byte of [a, a + len) is in some RAM section (see `Memory.mapped`). O(sections). */
  mapped(a: number, len: number): boolean {
    if (typeof a !== "number" || typeof len !== "number" || !(len >= 0)) return false;
    let p = a;
    const end = a + len;
    while (p < end) {
      const i = this._find(p);
      if (i < 0) return false;
      p = this._base[i] + this._size[i];
    }
    return true;
  }
  /** Section `i`, checked: EINVAL unless an integer index in range. */
  _c(i: number): number {
    if (typeof i !== "number" || !(i >= 0 && i < this._base.length) || Math.floor(i) !== i)
      fail("EINVAL", "section must be an index in [0, " + (this._base.length - 1) + "], got " + i);
    return i;
  }
  /** Base address of section `i`. */
  sectionBase(i: number): number {
    return this._base[this._c(i)];
  }
  /** Size in bytes of section `i`. */
  sectionSize(i: number): number {
    return this._size[this._c(i)];
  }
  /** Name of section `i`. */
  sectionName(i: number): string {
    return this._name[this._c(i)];
  }
  /** Whether section `i` can be switched off (or to retention). */
  gateable(i: number): boolean {
    return this._gate[this._c(i)];
  }
  /** Current state of section `i`. */
  getPower(i: number): PowerState {
    return this._state[this._c(i)];
  }
  /**
   * Switch section `i` to `state`. EINVAL for a bad index or state, EPERM to
   * switch a non-gateable section to anything but "on" (nothing changes).
   * Going "off" from "on" or "retained" loses the contents (the section then
   * holds its next power cycle's pattern); "retained" keeps them but makes
   * the section inaccessible until it is "on" again. A change is logged; a
   * call that leaves the state as it was is not.
   */
  setPower(i: number, state: PowerState): void {
    this._c(i);
    if (!isPowerState(state)) fail("EINVAL", 'state must be "on", "off" or "retained", got ' + state);
    if (state !== "on" && !this._gate[i]) fail("EPERM", "section " + this._name[i] + " cannot be switched " + state);
    var from = this._state[i];
    if (from === state) return;
    this._state[i] = state;
    this._on[i] = state === "on" ? 1 : 0;
    if (state === "off") {
      this._cycle[i]++;
      this._pattern(i);
    }
    this._limits(i);
    this._events.push({ t: this._t, kind: "power", section: this._name[i], index: i, from: from, to: state });
  }

  /** Add the cached section's fast-path counts to its counters. */
  _flush(): void {
    var s = this._last;
    this._r1[s] += this._cr1;
    this._r2[s] += this._cr2;
    this._r4[s] += this._cr4;
    this._w1[s] += this._cw1;
    this._w2[s] += this._cw2;
    this._w4[s] += this._cw4;
    this._cr1 = 0;
    this._cr2 = 0;
    this._cr4 = 0;
    this._cw1 = 0;
    this._cw2 = 0;
    this._cw4 = 0;
  }

  /** Make section `s` the cached section (its counts so far flushed first). */
  _select(s: number): void {
    this._flush();
    this._last = s;
    // A small integer (a Smi) when the base is below 2^31, as every board's
    // RAM is: a value read from the Float64Array is a heap number, and a field
    // that once held one is a boxed double in every instance, which made each
    // fast path's offset a floating-point subtraction, truncation and compare.
    var b = this._base[s];
    this._cb = b < 0x80000000 ? b | 0 : b;
    this._cl1 = this._lim1[s];
    this._cl2 = this._lim2[s];
    this._cl4 = this._lim4[s];
    this._cm = this._bytes(s);
    this._cw = this._w32[s];
  }

  /** Recompute section `i`'s fast-path limits from its size and whether it is on. */
  _limits(i: number): void {
    var on = this._on[i] === 1,
      z = this._size[i];
    this._lim1[i] = on ? z : 0;
    this._lim2[i] = on && z >= 2 ? z - 1 : 0;
    this._lim4[i] = LITTLE_ENDIAN && on && z >= 4 ? z - 3 : 0;
    if (i === this._last) {
      // The fast paths read the cached section's bytes directly: a pattern
      // it owes is written before they can reach it again.
      if (on) this._bytes(i);
      this._cl1 = this._lim1[i];
      this._cl2 = this._lim2[i];
      this._cl4 = this._lim4[i];
    }
  }

  /**
   * Section `i` has lost its contents: from now on it holds the pattern of
   * its current power cycle (seeded by (seed, i, cycle), never all zeros).
   * Written at once for the cached section while it is on (the fast paths
   * read its bytes directly), else when its bytes are next needed (`_bytes`,
   * called by `_select` and `_limits` when the cached section comes on).
   */
  _pattern(i: number): void {
    this._due[i] = 1;
    if (i === this._last && this._on[i] === 1) this._bytes(i);
  }

  /** Section `s`'s bytes, with the pattern it owes written first. Every access to a section's contents goes through this. */
  _bytes(s: number): Uint8Array {
    var b = this._mem[s];
    if (this._due[s] === 1) {
      this._due[s] = 0;
      var g = new Prng(mix32(mix32(this.seed, s + 1), this._cycle[s]));
      // Four bytes per generated word, little-endian: on a little-endian host
      // one word store each (the same bytes as fillBytes writes one by one).
      var w = this._w32[s],
        any = 0;
      if (LITTLE_ENDIAN) any = g.fillWords(w) | g.fillBytes(b, w.length * 4, b.length);
      else any = g.fillBytes(b, 0, b.length);
      if (any === 0) b[0] = 0xa5;
    }
    return b;
  }

  /** Index of the section named `name`, or -1. O(1). */
  sectionIndex(name: string): number {
    var i = this._byName[name];
    return i === undefined ? -1 : i;
  }

  /**
   * Indices (ascending) of the sections that overlap [base, base+size);
   * empty for size 0. EINVAL unless base is an unsigned 32-bit integer and
   * size a non-negative integer. O(log sections + result).
   */
  sectionsInRange(base: number, size: number): number[] {
    if (typeof base !== "number" || base >>> 0 !== base) fail("EINVAL", "base must be a 32-bit unsigned address, got " + base);
    if (typeof size !== "number" || !(size >= 0) || Math.floor(size) !== size)
      fail("EINVAL", "size must be a non-negative integer, got " + size);
    var out: number[] = [],
      end = base + size,
      lo = 0,
      hi = this._base.length;
    while (lo < hi) {
      var m = (lo + hi) >> 1;
      if (this._base[m] + this._size[m] <= base) lo = m + 1;
      else hi = m;
    }
    for (var i = lo; i < this._base.length && this._base[i] < end; i++) out.push(i);
    return out;
  }

  // ---- counters -----------------------------------------------------------

  /** Access counters by section name (a fresh object). */
  counters(): { [section: string]: SectionCounters } {
    this._flush();
    var out: { [section: string]: SectionCounters } = {};
    for (var i = 0; i < this._base.length; i++) {
      var r1 = this._r1[i],
        r2 = this._r2[i],
        r4 = this._r4[i],
        w1 = this._w1[i],
        w2 = this._w2[i],
        w4 = this._w4[i];
      out[this._name[i]] = {
        reads: this._rd[i] + r1 + r2 + r4,
        readBytes: this._rb[i] + r1 + 2 * r2 + 4 * r4,
        writes: this._wr[i] + w1 + w2 + w4,
        writeBytes: this._wb[i] + w1 + 2 * w2 + 4 * w4,
        faults: this._fl[i],
      };
    }
    return out;
  }

  /** Counters summed over all sections, plus the faults on unmapped addresses (also in `faults`). */
  totals(): CounterTotals {
    var t: CounterTotals = { reads: 0, readBytes: 0, writes: 0, writeBytes: 0, faults: this._unmapped, unmappedFaults: this._unmapped };
    var c = this.counters();
    for (var k in c) {
      var x = c[k];
      t.reads += x.reads;
      t.readBytes += x.readBytes;
      t.writes += x.writes;
      t.writeBytes += x.writeBytes;
      t.faults += x.faults;
    }
    return t;
  }

  /** Zero every access and fault counter (the clock, energy and events are kept). */
  resetCounters(): void {
    this._flush();
    this._rd.fill(0);
    this._rb.fill(0);
    this._wr.fill(0);
    this._wb.fill(0);
    this._fl.fill(0);
    this._r1.fill(0);
    this._r2.fill(0);
    this._r4.fill(0);
    this._w1.fill(0);
    this._w2.fill(0);
    this._w4.fill(0);
    this._unmapped = 0;
  }

  // ---- clock, modes, energy ---------------------------------------------

  /** `name` if it is a mode of the board; else EINVAL naming `what` and listing the modes. */
  _checkMode(name: string, what: string): string {
    if (typeof name !== "string" || !Object.hasOwn(this._basePA, name)) {
      fail("EINVAL", what + " must be one of " + this._modeNames.join(", ") + "; got " + name);
    }
    return name;
  }

  /** Simulated time in seconds since construction. */
  now(): number {
    return this._t;
  }

  /** The current power mode. */
  mode(): string {
    return this._mode;
  }

  /** Enter power mode `name` (EINVAL listing the valid modes). A change is logged. */
  setMode(name: string): void {
    this._checkMode(name, "mode");
    if (name === this._mode) return;
    this._events.push({ t: this._t, kind: "mode", from: this._mode, to: name });
    this._mode = name;
  }

  /**
   * The retention current, µA, that section `i` adds in mode `mode` (default:
   * the current mode) while it is on or retained: its `retentionByMode[mode]`
   * figure, else its `retention` figure; 0 in a mode whose `retentionApplies`
   * is false. EINVAL for a bad index or mode. O(1).
   */
  sectionRetention(i: number, mode?: string): number {
    this._c(i);
    var m = mode === undefined ? this._mode : this._checkMode(mode, "mode");
    var ret = this._retPA[m];
    return ret === undefined ? 0 : ret[i] / 1e6;
  }

  /**
   * Current drawn now, µA: the mode's base current plus, when the mode's
   * `retentionApplies`, the retention current in this mode of every section
   * that is on or retained (none for sections that are off). With every
   * section off it is the mode's `current` figure; with every section on or
   * retained it is the mode's `fullRetention` figure where the board cites
   * one (the loader checks that the figures add up to it), both exactly.
   * O(sections).
   */
  current(): number {
    var c = this._basePA[this._mode],
      ret = this._retPA[this._mode];
    if (ret !== undefined) for (var i = 0; i < ret.length; i++) if (this._state[i] !== "off") c += ret[i];
    return c / 1e6;
  }

  /**
   * Move the clock on by `seconds` (a finite number >= 0; else EINVAL),
   * integrating the current drawn, which is constant between calls: the
   * state and mode in force now apply to the whole interval. O(sections).
   */
  advance(seconds: number): void {
    if (typeof seconds !== "number" || !isFinite(seconds) || seconds < 0)
      fail("EINVAL", "seconds must be a finite number >= 0, got " + seconds);
    if (seconds === 0) return;
    var m = this._mode,
      q = this._basePA[m] * seconds,
      ret = this._retPA[m],
      ms = this._secModeSec[m];
    this._baseQ += q;
    for (var i = 0; i < this._state.length; i++) {
      var st = this._state[i];
      if (st === "on") this._secOn[i] += seconds;
      else if (st === "retained") this._secRet[i] += seconds;
      else {
        this._secOff[i] += seconds;
        continue;
      }
      if (ret !== undefined) {
        var qs = ret[i] * seconds;
        this._secQ[i] += qs;
        ms[i] += seconds;
        q += qs;
      }
    }
    this._modeSec[m] += seconds;
    this._modeQ[m] += q;
    this._t += seconds;
  }

  /**
   * The energy integral so far: charge = Σ over intervals of
   * (mode base current + [retentionApplies] Σ retention in that mode of the
   * sections on or retained) × duration, in µC; energy = charge × board
   * voltage, in µJ. Lists in `sources` every board figure that was
   * multiplied by a non-zero time, with its source or derivation.
   * O(sections × modes).
   */
  energy(): EnergyReport {
    var v = this._volts,
      b = this.board,
      i: number,
      k: number;
    var r: EnergyReport = {
      seconds: this._t,
      charge_uC: 0,
      base_uC: this._baseQ / 1e6,
      retention_uC: 0,
      energy_uJ: 0,
      voltage_V: v,
      byMode: {},
      bySection: {},
      sources: [use("voltage", b.voltage)],
    };
    var total = 0,
      retTotal = 0;
    for (i = 0; i < this._modeNames.length; i++) {
      var m = this._modeNames[i],
        q = this._modeQ[m];
      r.byMode[m] = { seconds: this._modeSec[m], charge_uC: q / 1e6, energy_uJ: (q / 1e6) * v };
      total += q;
      if (this._modeSec[m] > 0) r.sources.push(use("modes." + m + ".current", b.modes[m].current));
    }
    for (i = 0; i < this._name.length; i++) {
      var sq = this._secQ[i];
      r.bySection[this._name[i]] = {
        charge_uC: sq / 1e6,
        energy_uJ: (sq / 1e6) * v,
        onSeconds: this._secOn[i],
        retainedSeconds: this._secRet[i],
        offSeconds: this._secOff[i],
      };
      retTotal += sq;
    }
    // Retention figures in section order; a section's figures in mode order, each listed once.
    for (i = 0; i < this._name.length; i++) {
      var seen: { [path: string]: boolean } = {};
      for (k = 0; k < this._modeNames.length; k++) {
        var mk = this._modeNames[k],
          ms = this._secModeSec[mk];
        if (ms === undefined || !(ms[i] > 0)) continue;
        var f = this._retFig[mk][i];
        if (seen[f.path]) continue;
        seen[f.path] = true;
        r.sources.push(use(f.path, f.fig));
      }
    }
    r.charge_uC = total / 1e6;
    r.retention_uC = retTotal / 1e6;
    r.energy_uJ = r.charge_uC * v;
    return r;
  }

  /** The event log so far (copies, oldest first). */
  events(): SimEvent[] {
    var out: SimEvent[] = [];
    for (var i = 0; i < this._events.length; i++) {
      var e = this._events[i],
        c: SimEvent = { t: e.t, kind: e.kind, from: e.from, to: e.to };
      if (e.section !== undefined) {
        c.section = e.section;
        c.index = e.index;
      }
      out.push(c);
    }
    return out;
  }
}

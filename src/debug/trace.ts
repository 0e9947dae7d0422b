/**
 * Trace capture on the board: a watcher (the allocator contract's `watch`)
 * that writes every allocation and free it sees as one JSON line of the
 * simulator's trace format (sim/trace.ts), so a session recorded on a real
 * board replays under every policy on the host (`ramkit trace replay`):
 *
 *   {"ramkit-trace":1,"board":"PUCKJS"}            the header, at construction
 *   {"t":0.5,"op":"alloc","id":1,"size":64}       t: seconds since construction
 *   {"t":0.53,"op":"free","id":1}
 *
 * Addresses become ids (1, 2, … in allocation order), so the trace replays
 * in any allocator; sizes are the bytes charged. Times come from the engine's
 * clock (`getTime()` on Espruino, else `Date.now()`), in whole milliseconds,
 * never decreasing (a clock set backwards repeats the last time).
 *
 * A free of part of a recorded allocation (MemBlocks frees one block of a
 * contiguous run; the bank manager's forced switch-off frees runs piece by
 * piece) is written as the free of the allocation's id followed by new
 * allocations, at the same time, of the parts still live: the trace format
 * has no partial free, and the bytes live at every instant stay exact. A
 * free of memory allocated before the recorder was attached is counted in
 * `unknown` and not written.
 *
 * Where the lines go: a function (default: `print`, or `console.log`
 * where there is no `print`) gets each line without its newline, so they
 * reach the console, from which the flash tool's capture extracts them; an
 * object with `write` (a StorageFile from `require("Storage").open(name,
 * "w")`) gets each line with its newline, so the trace builds up in flash
 * and can be downloaded later (`espruino --download NAME`).
 *
 * Debug add-on: a board records a trace while it is being measured, not in
 * production, so the recorder ships in dist/ramkit-debug.js, not in the lean
 * bundles.
 */
import type { Watcher } from "../alloc/api.js";
import { fail, show } from "../core/errors.js";

// ESPRUINO: the engine's clock and console, each used only under its own typeof test.
declare var getTime: any;
declare var print: any;
declare var console: any;

/** Where an object sink's lines go: anything with `write(text)` (a StorageFile, a Serial). */
export interface TraceSink {
  write(text: string): any;
}

/** Options of `new TraceRecorder(board, out, options)`. */
export interface TraceRecorderOptions {
  /** The clock, in seconds (default: getTime(), else Date.now() / 1000). */
  now?: () => number;
  /** A note for the header (a string). */
  note?: string;
}

/** Seconds from Date.now(), for engines without Espruino's getTime(). */
function dateSeconds(): number {
  return Date.now() / 1000;
}

/**
 * Writes the trace of every allocator it watches: `alloc.watch(recorder)`
 * (or a bank manager's `watch`, which covers every allocator it manages).
 */
export class TraceRecorder implements Watcher {
  /** The board named in the header. */
  board: string;
  /** Lines written after the header. */
  lines: number;
  /** Frees of memory the recorder never saw allocated (not written). */
  unknown: number;
  /** @internal The line function, or null when `_o` is used. */
  _f: ((line: string) => void) | null;
  /** @internal The object sink, or null. */
  _o: TraceSink | null;
  /** @internal The clock (seconds) and its reading at construction. */
  _now: () => number;
  _t0: number;
  /** @internal The last time written, in milliseconds since `_t0`. */
  _tl: number;
  /** @internal The last id given. */
  _id: number;
  /** @internal Live allocations: address -> id, and address -> bytes. */
  _ids: { [address: string]: number };
  _sz: { [address: string]: number };

  /**
   * A recorder for `board` (its name, as in boards/NAME.json) that writes
   * to `out` (a line function, an object with `write`, or undefined for
   * the console), and writes the header now. Throws EINVAL naming the
   * argument: board not a non-empty string, out neither a function nor an
   * object with write, now not a function, note not a string.
   */
  constructor(board: string, out?: ((line: string) => void) | TraceSink, options?: TraceRecorderOptions) {
    var o = options || ({} as TraceRecorderOptions),
      x = out as any;
    if (typeof board !== "string" || board === "") fail("EINVAL", "board must be a board name (a non-empty string), got " + show(board));
    if (x === undefined) x = typeof print === "function" ? print : console.log;
    if (typeof x !== "function" && !(x !== null && typeof x === "object" && typeof x.write === "function"))
      fail("EINVAL", "out must be a function or an object with write(text), got " + show(out));
    if (o.now !== undefined && typeof o.now !== "function")
      fail("EINVAL", "options.now must be a function returning seconds, got " + show(o.now));
    if (o.note !== undefined && typeof o.note !== "string") fail("EINVAL", "options.note must be a string, got " + show(o.note));
    this.board = board;
    this.lines = this.unknown = 0;
    this._f = typeof x === "function" ? x : null;
    this._o = typeof x === "function" ? null : x;
    this._now = o.now || (typeof getTime === "function" ? getTime : dateSeconds);
    this._t0 = this._now();
    this._tl = 0;
    this._id = 0;
    this._ids = {};
    this._sz = {};
    this._e('{"ramkit-trace":1,"board":' + JSON.stringify(board) + (o.note !== undefined ? ',"note":' + JSON.stringify(o.note) : "") + "}");
    this.lines = 0;
  }

  /** Watcher: `bytes` at `address` were allocated (by any allocator: the third argument is not needed); write an alloc with a new id. O(1). */
  onAlloc(address: number, bytes: number): void {
    var id = ++this._id;
    this._ids[address] = id;
    this._sz[address] = bytes;
    this._e('{"t":' + this._t() + ',"op":"alloc","id":' + id + ',"size":' + bytes + "}");
  }

  /**
   * Watcher: `bytes` at `address` were freed. Writes the free of the
   * allocation holding `address` and, for a part, the allocations of what
   * stays live. O(1) for a whole allocation, O(live allocations) for a part.
   */
  onFree(address: number, bytes: number): void {
    var I = this._ids,
      S = this._sz,
      a = address,
      x,
      t,
      lo,
      hi;
    if (I[a] === undefined) {
      for (x in I)
        if (+x < address && +x + S[x] > address) {
          a = +x;
          break;
        }
      if (a === address) {
        this.unknown++;
        return;
      }
    }
    t = this._t();
    lo = address - a;
    hi = a + S[a] - address - bytes;
    this._e('{"t":' + t + ',"op":"free","id":' + I[a] + "}");
    delete I[a];
    delete S[a];
    // What stays live of it: the part below and the part above the freed bytes.
    for (x = 0; x < 2; x++) {
      if (x ? hi > 0 : lo > 0) {
        a = x ? address + bytes : a;
        I[a] = ++this._id;
        S[a] = x ? hi : lo;
        this._e('{"t":' + t + ',"op":"alloc","id":' + this._id + ',"size":' + S[a] + "}");
      }
    }
  }

  /** @internal The time of an event: seconds since construction, whole milliseconds, never decreasing. */
  _t(): number {
    var ms = Math.round((this._now() - this._t0) * 1000);
    if (!(ms > this._tl)) ms = this._tl; // NaN and a clock set backwards repeat the last time
    this._tl = ms;
    return ms / 1000;
  }

  /** @internal Write one line. */
  _e(line: string): void {
    this.lines++;
    if (this._o) this._o.write(line + "\n");
    else (this._f as (line: string) => void)(line);
  }
}

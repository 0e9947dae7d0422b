/**
 * Allocation traces (Node only): a recorded sequence of allocations and frees
 * that replays under every policy, because it holds no addresses.
 *
 * Format: JSON lines (one JSON value per line; blank lines are ignored).
 *
 *   {"ramkit-trace": 1, "board": "BANGLEJS2"}            the header, first
 *   {"t": 0.5, "op": "alloc", "id": 1, "size": 244}      t: seconds ≥ 0, never decreasing
 *   {"t": 0.53, "op": "free", "id": 1}                   id: a string or an integer ≥ 0
 *   {"t": 1, "op": "alloc", "id": "rx-7", "size": 64, "pool": "ble"}
 *
 * The header may add "note" (a string). An event has exactly the fields
 * t, op, id, plus size (alloc only: an integer in [1, 2^32)) and an optional
 * pool (a non-empty string: the pool the allocation came from where it was
 * recorded; every pool replays in the experiment's one allocator). An id
 * names one live allocation at a time: it may be used again once freed.
 *
 * A malformed trace is rejected as a whole, before anything runs: the error
 * (EINVAL) names the file and, for each problem (up to 20), the line number
 * and the field: bad JSON, a missing or wrong-typed field, an unknown field
 * or op, time going backwards, a free of an id never allocated, a double
 * free, an alloc of an id that is still live.
 */
import { readFileSync } from "node:fs";
import { fail, show } from "../src/core/errors.js";
import { EventList, OP_ALLOC, OP_FREE } from "./workloads.js";

/** A parsed, valid trace. */
export interface Trace {
  /** The board named in the header. */
  board: string;
  /** The header's note, if any. */
  note?: string;
  /** The file name used in messages. */
  file: string;
  /** The events, ids numbered per allocation (0, 1, …), in file order. */
  events: EventList;
  /** The trace's own id of each internal id (for messages). */
  names: (string | number)[];
  /** Pools named by the events, in order of first use. */
  pools: string[];
  /** Allocations and frees in the file. */
  allocs: number;
  frees: number;
}

/** Most problems listed in one error. */
const MAX_PROBLEMS = 20;
const HEADER_FIELDS = ["ramkit-trace", "board", "note"];
const ALLOC_FIELDS = ["t", "op", "id", "size", "pool"];
const FREE_FIELDS = ["t", "op", "id", "pool"];

function isObject(v: unknown): v is { [k: string]: unknown } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** How an id is shown in messages: "rx-7" in quotes, 7 without. */
function showId(id: string | number): string {
  return typeof id === "string" ? JSON.stringify(id) : String(id);
}

/**
 * Parse and check a trace's text; `file` names it in messages. Returns the
 * trace or throws one EINVAL listing every problem found (up to 20), each
 * as `FILE:LINE: field "NAME": what was expected, got what`.
 */
export function parseTrace(text: string, file: string): Trace {
  if (typeof text !== "string") fail("EINVAL", "trace text must be a string, got " + show(text));
  const problems: string[] = [];
  const where = (line: number, field: string | null) =>
    file + ":" + line + ": " + (field === null ? "" : "field " + JSON.stringify(field) + ": ");
  const problem = (line: number, field: string | null, what: string) => {
    problems.push(where(line, field) + what);
  };
  const lines = text.split(/\r?\n/);
  const events = new EventList(Math.max(16, lines.length));
  const names: (string | number)[] = [];
  const pools: string[] = [];
  /** Live allocation of each trace id: its internal id and line. */
  const live = new Map<string, { id: number; line: number }>();
  /** Where each freed trace id was last freed (for "double free"). */
  const freedAt = new Map<string, number>();
  let header: { board: string; note?: string } | null = null;
  let lastT = 0,
    lastLine = 0,
    allocs = 0,
    frees = 0;

  for (let i = 0; i < lines.length && problems.length < MAX_PROBLEMS; i++) {
    const lineNo = i + 1;
    const raw = lines[i].trim();
    if (raw === "") continue;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch (e) {
      problem(lineNo, null, "expected one JSON object per line (" + (e as Error).message + ")");
      if (header === null) break;
      continue;
    }
    if (header === null) {
      // The first non-blank line must be the header.
      if (!isObject(v) || !Object.hasOwn(v, "ramkit-trace")) {
        problem(
          lineNo,
          "ramkit-trace",
          'expected the header {"ramkit-trace": 1, "board": NAME} as the first line, got ' + raw.slice(0, 80),
        );
        break;
      }
      let ok = true;
      if (v["ramkit-trace"] !== 1) {
        problem(lineNo, "ramkit-trace", "expected 1 (the only trace format version), got " + JSON.stringify(v["ramkit-trace"]));
        ok = false;
      }
      if (typeof v.board !== "string" || v.board === "") {
        problem(lineNo, "board", "expected a board name (a non-empty string), got " + JSON.stringify(v.board));
        ok = false;
      }
      if (v.note !== undefined && typeof v.note !== "string") {
        problem(lineNo, "note", "expected a string, got " + JSON.stringify(v.note));
        ok = false;
      }
      for (const k of Object.keys(v)) {
        if (HEADER_FIELDS.indexOf(k) < 0) {
          problem(lineNo, k, "not a header field; valid: " + HEADER_FIELDS.join(", "));
          ok = false;
        }
      }
      if (!ok) break;
      header = { board: v.board as string };
      if (typeof v.note === "string") header.note = v.note;
      continue;
    }
    if (!isObject(v)) {
      problem(lineNo, null, 'expected an event object {"t", "op", "id", …}, got ' + raw.slice(0, 80));
      continue;
    }
    // Field by field; the first bad field of a line is enough to skip its effect.
    const n0 = problems.length;
    const t = v.t,
      op = v.op,
      id = v.id;
    if (t === undefined) problem(lineNo, "t", "missing (the event's time in seconds)");
    else if (typeof t !== "number" || !isFinite(t) || t < 0)
      problem(lineNo, "t", "expected a number of seconds >= 0, got " + JSON.stringify(t));
    else if (t < lastT) problem(lineNo, "t", "time goes backwards: " + t + " after " + lastT + " (line " + lastLine + ")");
    if (op === undefined) problem(lineNo, "op", 'missing ("alloc" or "free")');
    else if (op !== "alloc" && op !== "free") problem(lineNo, "op", 'expected "alloc" or "free", got ' + JSON.stringify(op));
    if (id === undefined) problem(lineNo, "id", "missing (a string or an integer >= 0)");
    else if (
      !(typeof id === "string" && id !== "") &&
      !(typeof id === "number" && Math.floor(id) === id && id >= 0 && id <= Number.MAX_SAFE_INTEGER)
    ) {
      problem(lineNo, "id", "expected a non-empty string or an integer >= 0, got " + JSON.stringify(id));
    }
    if (v.pool !== undefined && (typeof v.pool !== "string" || v.pool === ""))
      problem(lineNo, "pool", "expected a non-empty string, got " + JSON.stringify(v.pool));
    if (op === "alloc") {
      const size = v.size;
      if (size === undefined) problem(lineNo, "size", "missing (bytes, an integer in [1, 2^32))");
      else if (typeof size !== "number" || Math.floor(size) !== size || size < 1 || size >= 4294967296) {
        problem(lineNo, "size", "expected an integer in [1, 2^32) (bytes), got " + JSON.stringify(size));
      }
    }
    const allowed = op === "free" ? FREE_FIELDS : ALLOC_FIELDS;
    for (const k of Object.keys(v)) {
      if (allowed.indexOf(k) < 0) {
        problem(
          lineNo,
          k,
          k === "size" ? "not allowed on a free (the size is the alloc's)" : "not an event field; valid: " + allowed.join(", "),
        );
      }
    }
    if (problems.length > n0) continue;
    const key = (typeof id === "number" ? "n" : "s") + id;
    const tid = id as string | number;
    if (op === "alloc") {
      const prev = live.get(key);
      if (prev) {
        problem(lineNo, "id", "id " + showId(tid) + " is already live (allocated at line " + prev.line + " and not freed)");
        continue;
      }
      const internal = names.length;
      names.push(tid);
      live.set(key, { id: internal, line: lineNo });
      freedAt.delete(key);
      events.push(t as number, OP_ALLOC, internal, v.size as number, 0);
      allocs++;
    } else {
      const cur = live.get(key);
      if (!cur) {
        const at = freedAt.get(key);
        problem(
          lineNo,
          "id",
          at !== undefined
            ? "double free of id " + showId(tid) + " (already freed at line " + at + ")"
            : "free of unknown id " + showId(tid) + " (no alloc of it before this line)",
        );
        continue;
      }
      live.delete(key);
      freedAt.set(key, lineNo);
      events.push(t as number, OP_FREE, cur.id, 0, 0);
      frees++;
    }
    if (typeof v.pool === "string" && pools.indexOf(v.pool) < 0) pools.push(v.pool);
    lastT = t as number;
    lastLine = lineNo;
  }
  if (header === null && problems.length === 0)
    problem(1, "ramkit-trace", 'empty trace: expected the header {"ramkit-trace": 1, "board": NAME}');
  if (problems.length > 0) {
    const more = problems.length >= MAX_PROBLEMS ? " (stopped after " + MAX_PROBLEMS + ")" : "";
    fail("EINVAL", file + ": malformed trace, nothing was run" + more + ":\n  " + problems.slice(0, MAX_PROBLEMS).join("\n  "));
  }
  const trace: Trace = { board: header!.board, file, events, names, pools, allocs, frees };
  if (header!.note !== undefined) trace.note = header!.note;
  return trace;
}

/** Read and parse the trace file `path` (ENOENT when missing; EINVAL as `parseTrace`). */
export function readTrace(path: string, label?: string): Trace {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    return fail("ENOENT", "trace file not found: " + (label || path) + " (" + (e as Error).message + ")");
  }
  return parseTrace(text, label || path);
}

/** One event of `formatTrace`. */
export interface TraceEvent {
  t: number;
  op: "alloc" | "free";
  id: string | number;
  size?: number;
  pool?: string;
}

/** The text of a trace for `board` with `events` (a writer for recorders and tests). */
export function formatTrace(board: string, events: TraceEvent[], note?: string): string {
  if (!Array.isArray(events)) fail("EINVAL", "events must be an array of {t, op, id, size?, pool?}, got " + show(events));
  events.forEach((e, i) => {
    if (!e || typeof e !== "object") fail("EINVAL", "events[" + i + "] must be an object {t, op, id, size?, pool?}, got " + show(e));
  });
  const head: { [k: string]: unknown } = { "ramkit-trace": 1, board };
  if (note !== undefined) head.note = note;
  const out = [JSON.stringify(head)];
  for (const e of events) {
    const o: { [k: string]: unknown } = { t: e.t, op: e.op, id: e.id };
    if (e.op === "alloc") o.size = e.size;
    if (e.pool !== undefined) o.pool = e.pool;
    out.push(JSON.stringify(o));
  }
  return out.join("\n") + "\n";
}

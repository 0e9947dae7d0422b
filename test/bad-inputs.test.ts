// The bad-input catalogue: every public entry point of "ramkit" (the host
// build: src/entries/node.ts, the full bundle and the extras with the debug add-on installed), of "ramkit/debug" (the
// add-on bundle's own exports) and of "ramkit/sim" (sim/index.ts), enumerated
// from the modules' real exports and the classes' prototypes at run time, is
// called with the bad inputs of test/bad-inputs-table.ts, and what happened
// is recorded: a coded exception (its .code and message), a returned errno
// (or 0 with lastError), or a plain return value.
//
// It fails when an entry point has no row (rows of entry points no longer
// exported are reported and skipped), when a case ends in an exception
// without an errno `.code` (a TypeError, a RangeError: what a caller cannot
// tell from a bug), when a refused call
// changed the allocator's statistics or left it failing validate(), and when
// a case does not reach the method it is filed under. Open findings are
// marked `known` in the table; a mark that no longer applies fails too.
//
// The results go to $TMPDIR/ramkit-bad-inputs.json, and with RAMKIT_CATALOGUE=1
// to docs/bad-inputs.json, from which scripts/catalogue.mjs writes the table
// of docs/RELIABILITY.md (`npm run catalogue` does both).
import * as rk from "../src/entries/node.js";
import "../src/debug/host.js";
import * as sim from "../sim/index.js";
import { installDebug } from "../src/debug/index.js";
import { errnoNames } from "../src/core/errors.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SCRATCH, TABLE } from "./bad-inputs-table.js";
import type { Case, Ctx } from "./bad-inputs-table.js";

// The add-on bundle's entry (src/entries/debug.ts) installs itself onto
// require("ramkit") when loaded: give it this realm's ramkit, then read its exports.
(globalThis as any).require = (name: string) => (name === "ramkit" ? rk : undefined);
const debugEntry = await import("../src/entries/debug.js");
delete (globalThis as any).require;

const MODULES: { [name: string]: any } = { ramkit: rk, "ramkit/debug": debugEntry, "ramkit/sim": sim };

/** Members the debug add-on installs, per class name (found by installing it onto empty stand-in classes). */
function addonMembers(): { [cls: string]: string[] } {
  const names = [
    "MemBlocks",
    "MemBlocksGroup",
    "BitArray",
    "Onesize",
    "GranularHeap",
    "MemoryManager",
    "BankManager",
    "BufferManager",
    "MemAllocatorAdapter",
    "SystemAllocator",
  ];
  const stubs: any = {};
  for (const n of names) {
    // a stand-in class: it needs a prototype, which an arrow function lacks
    // biome-ignore lint/complexity/useArrowFunction: a constructor
    stubs[n] = function () {};
  }
  installDebug(stubs);
  const out: { [cls: string]: string[] } = {};
  for (const n of names) out[n] = Object.keys(stubs[n].prototype);
  return out;
}
const ADDON = addonMembers();

/** One public entry point found in the exports. */
interface EntryPoint {
  key: string;
  module: string;
  kind: "function" | "constructor" | "method" | "static";
  cls?: any;
  member?: string;
  addon: boolean;
}

const isClass = (name: string, v: any) => typeof v === "function" && /^[A-Z]/.test(name) && typeof v.prototype === "object";
const PLAIN_STATICS = ["length", "name", "prototype", "arguments", "caller"];

/** Every entry point of every module, and the exports that are not functions. */
function enumerate(): { entries: EntryPoint[]; constants: { module: string; name: string; type: string }[] } {
  const entries: EntryPoint[] = [],
    constants: { module: string; name: string; type: string }[] = [];
  for (const mod of Object.keys(MODULES)) {
    const ns = MODULES[mod];
    for (const name of Object.keys(ns).sort()) {
      const v = ns[name],
        p = mod + ": ";
      if (typeof v !== "function") {
        constants.push({ module: mod, name, type: Array.isArray(v) ? "array" : typeof v });
        continue;
      }
      if (!isClass(name, v)) {
        entries.push({ key: p + name, module: mod, kind: "function", addon: false });
        continue;
      }
      entries.push({ key: p + "new " + name, module: mod, kind: "constructor", cls: v, addon: false });
      for (const m of Object.getOwnPropertyNames(v.prototype)) {
        const d = Object.getOwnPropertyDescriptor(v.prototype, m)!;
        if (m === "constructor" || m.charAt(0) === "_" || typeof d.value !== "function") continue;
        entries.push({
          key: p + name + "." + m,
          module: mod,
          kind: "method",
          cls: v,
          member: m,
          addon: (ADDON[name] || []).indexOf(m) >= 0,
        });
      }
      for (const m of Object.getOwnPropertyNames(v)) {
        if (PLAIN_STATICS.indexOf(m) >= 0 || m.charAt(0) === "_" || typeof v[m] !== "function") continue;
        entries.push({ key: p + name + "." + m + " (static)", module: mod, kind: "static", cls: v, member: m, addon: false });
      }
    }
  }
  return { entries, constants };
}

const { entries: ENTRIES, constants: CONSTANTS } = enumerate();

// ---------------------------------------------------------------------------
// Outcomes.

/** One case's recorded outcome. */
interface Row {
  input: string;
  /** "throws EINVAL: …", "returns -EFAULT", "returns 0, lastError -EINVAL", "returns 0x20001000". */
  outcome: string;
  /** coded exception | errno | returned | UNCODED exception */
  verdict: "coded exception" | "errno" | "returned" | "UNCODED exception";
  code?: string;
  note?: string;
  known?: string;
  /** The call was refused, yet the subject's statistics changed or it fails validate() (a half-done change). */
  changed?: string;
}

const CWD = process.cwd();
/** A message as the catalogue shows it: scratch and working directories abbreviated, first line only. */
function clean(text: string): string {
  let t = String(text)
    .split(SCRATCH)
    .join("$TMP")
    .split(CWD + "/")
    .join("");
  const lines = t.split("\n");
  if (lines.length > 1) t = lines[0] + " (" + (lines.length - 1) + " more line" + (lines.length > 2 ? "s" : "") + ")";
  return t.length > 240 ? t.slice(0, 237) + "…" : t;
}

/** A returned value in words. */
function showValue(v: unknown): string {
  if (typeof v === "number") {
    if (v < 0 && Number.isInteger(v) && errnoNames[-v]) return "-" + errnoNames[-v];
    if (Number.isInteger(v) && v >= 0x10000) return "0x" + v.toString(16);
    return String(v);
  }
  if (typeof v === "string") return clean(JSON.stringify(v.length > 80 ? v.slice(0, 77) + "…" : v));
  if (v === undefined || v === null || typeof v === "boolean") return String(v);
  if (typeof v === "function") return "a function";
  if (Array.isArray(v)) return "an array of " + v.length;
  const name = (v as any).constructor?.name;
  if (name && name !== "Object") return "a " + name;
  const j = JSON.stringify(v);
  return j === undefined ? "an object" : clean(j.length > 80 ? j.slice(0, 77) + "…" : j);
}

/** What the subject looks like, for "nothing changed": its statistics (less failures) and validate(). */
function snapshot(s: any): string | null {
  if (s === null || typeof s !== "object" || typeof s.stats !== "function") return null;
  try {
    const st: any = { ...s.stats() };
    delete st.failures;
    const v = typeof s.validate === "function" ? s.validate() : null;
    return JSON.stringify(st) + (v === null ? "" : " / validate(): " + v);
  } catch (e) {
    return "stats() threw " + (e as Error).message;
  }
}

/** Run one case on a fresh subject and record its outcome; `spy` counts calls of the entry point. */
function runCase(setup: () => Ctx, c: Case, spy: Spy | null): Row {
  const ctx = (c.setup || setup)();
  const s = ctx.s;
  if (c.prep) c.prep(s, ctx);
  if (s && typeof s.lastError === "number") s.lastError = 0;
  const before = snapshot(s);
  let row: Row;
  if (spy) spy.on(s);
  try {
    const v = c.run(s, ctx);
    const le = s && typeof s.lastError === "number" ? s.lastError : 0;
    const errno = typeof v === "number" && v < 0 && Number.isInteger(v) && errnoNames[-v] !== undefined;
    let outcome = "returns " + showValue(v);
    if (le < 0 && !(errno && v === le)) outcome += ", lastError " + showValue(le);
    row = { input: c.input, outcome, verdict: errno || le < 0 ? "errno" : "returned" };
  } catch (e) {
    const code = e && typeof (e as any).code === "string" && /^E[A-Z]+$/.test((e as any).code) ? ((e as any).code as string) : undefined;
    const type =
      (e && (e as any).constructor ? (e as any).constructor.name : typeof e) +
      (e && (e as any).code !== undefined ? " (code " + String((e as any).code) + ", not an errno name)" : " (no code)");
    row =
      code !== undefined
        ? { input: c.input, outcome: "throws " + clean((e as Error).message), verdict: "coded exception", code }
        : {
            input: c.input,
            outcome: "throws " + type + ": " + clean(e instanceof Error ? e.message : String(e)),
            verdict: "UNCODED exception",
          };
  } finally {
    if (spy) spy.off();
  }
  if (row.verdict !== "returned" && before !== null) {
    const after = snapshot(s);
    if (after !== before) row.changed = "before: " + before + "; after: " + after;
  }
  if (c.note) row.note = c.note;
  if (c.known) row.known = c.known;
  return row;
}

/** Counts the calls of one entry point while on. */
interface Spy {
  hits: number;
  on(subject: any): void;
  off(): void;
}

/**
 * A counter on a class's method (on the prototype, and on the subject too
 * when it holds its own copy, as MemBlocks does for its hot verbs) or static.
 */
function spyOn(ep: EntryPoint): Spy | null {
  if (ep.kind !== "method" && ep.kind !== "static") return null;
  const holder = ep.kind === "method" ? ep.cls.prototype : ep.cls,
    m = ep.member as string,
    orig = holder[m];
  let own: any = null;
  const spy: Spy = {
    hits: 0,
    on(subject: any) {
      const counted = function (this: unknown, ...a: unknown[]) {
        spy.hits++;
        return orig.apply(this, a);
      };
      holder[m] = counted;
      own = subject !== null && typeof subject === "object" && Object.hasOwn(subject, m) && subject[m] === orig ? subject : null;
      if (own) own[m] = counted;
    },
    off() {
      holder[m] = orig;
      if (own) own[m] = orig;
    },
  };
  return spy;
}

// ---------------------------------------------------------------------------
// Tests.

const RESULTS: { key: string; module: string; kind: string; addon: boolean; cases: Row[] }[] = [];

test("every public entry point has rows", () => {
  const keys = ENTRIES.map((e) => e.key);
  const missing = keys.filter((k) => !TABLE[k] || TABLE[k].cases.length === 0);
  const stale = Object.keys(TABLE).filter((k) => keys.indexOf(k) < 0);
  assert.ok(ENTRIES.length > 200, "found only " + ENTRIES.length + " entry points: the enumeration is broken");
  assert.equal(missing, [], "entry points without a row in test/bad-inputs-table.ts");
  // A row whose entry point is no longer exported is left out of the catalogue (said here, not a failure).
  if (stale.length > 0) console.log("bad-inputs: rows for entry points no longer exported (not run): " + stale.join(", "));
});

for (const ep of ENTRIES) {
  const entry = TABLE[ep.key];
  if (!entry) continue;
  test(ep.key + ": " + entry.cases.length + " bad inputs", () => {
    const rows: Row[] = [];
    const problems: string[] = [];
    for (const c of entry.cases) {
      const spy = spyOn(ep);
      const row = runCase(entry.setup, c, spy);
      rows.push(row);
      const bad = row.verdict === "UNCODED exception" ? row.outcome : row.changed ? "refused but changed: " + row.changed : null;
      if (bad !== null && !c.known) problems.push(c.input + ": " + bad);
      if (bad === null && c.known) problems.push(c.input + ": marked known (" + c.known + ") but now " + row.outcome + ": remove the mark");
      if (spy && spy.hits === 0) problems.push(c.input + ": the case never calls " + ep.member);
    }
    RESULTS.push({ key: ep.key, module: ep.module, kind: ep.kind, addon: ep.addon, cases: rows });
    assert.equal(problems, [], ep.key);
  });
}

test("the results are written", () => {
  const order = ENTRIES.map((e) => e.key);
  RESULTS.sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
  const count = (v: string) => RESULTS.reduce((n, r) => n + r.cases.filter((c) => c.verdict === v).length, 0);
  const data = {
    about:
      "Generated by test/bad-inputs.test.ts (RAMKIT_CATALOGUE=1): every public entry point of ramkit, ramkit/debug and ramkit/sim, the bad inputs tried and what happened. scripts/catalogue.mjs turns it into the table of docs/RELIABILITY.md.",
    node: process.version,
    summary: {
      entryPoints: RESULTS.length,
      cases: RESULTS.reduce((n, r) => n + r.cases.length, 0),
      codedExceptions: count("coded exception"),
      errnos: count("errno"),
      returned: count("returned"),
      uncoded: count("UNCODED exception"),
      known: RESULTS.reduce((n, r) => n + r.cases.filter((c) => c.known).length, 0),
    },
    constants: CONSTANTS,
    entries: RESULTS,
  };
  // One line per entry point, so that a change shows as a change of its line.
  const text =
    JSON.stringify({ ...data, entries: [] }, null, 1).replace(
      /"entries": \[\]/,
      () => '"entries": [\n' + RESULTS.map((r) => JSON.stringify(r)).join(",\n") + "\n ]",
    ) + "\n";
  writeFileSync(join(tmpdir(), "ramkit-bad-inputs.json"), text);
  if (process.env.RAMKIT_CATALOGUE === "1") writeFileSync("docs/bad-inputs.json", text);
  assert.ok(data.summary.entryPoints === ENTRIES.length, "every entry point ran");
});

test.run();

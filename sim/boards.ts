/**
 * Board files: find them, validate them, turn them into the `Board` model.
 *
 * A board is a JSON file in the repository's `boards/` directory, described by
 * `boards/board.schema.json` (JSON Schema draft-07, checked with ajv) and by
 * the semantic checks below, which a schema cannot express (sections inside
 * RAM, in address order, not overlapping, adding up to the RAM size …).
 *
 * Every problem is thrown as one EINVAL error whose message names the file,
 * the JSON path of each offending value (`/banks/2/sections/0/size`) and what
 * was expected (`expected an integer ≥ 1 (a size in bytes), got "4k"`). An
 * unknown board name throws ENOENT and lists the valid names.
 *
 * Node only (fs, path, ajv); the board model itself is `src/core/board.ts`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import type { ErrorObject, ValidateFunction } from "ajv";
import { fail } from "../src/core/errors.js";
import type { Board, BoardBank, BoardSection, Figure, NamedRegion, PowerMode, ReservedRange } from "../src/core/board.js";

/** The board `npm start` and `ramkit start` use. */
export const DEFAULT_BOARD = "BANGLEJS2";

const SCHEMA_FILE = "board.schema.json";
const NRF52_POWER_BASE = 0x40000900;

/**
 * The repository's `boards/` directory, found by walking up from this module
 * (it runs from `sim/` under tsx and from `dist/node/sim/` after a build).
 * Throws ENOENT when no ancestor has `boards/board.schema.json`.
 */
export function boardsDir(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  let dir = start;
  for (;;) {
    const candidate = join(dir, "boards");
    if (existsSync(join(candidate, SCHEMA_FILE))) return candidate;
    const up = dirname(dir);
    if (up === dir) return fail("ENOENT", "no boards/" + SCHEMA_FILE + " found in " + start + " or above it");
    dir = up;
  }
}

/** Names of the boards in `boardsDir()` (file names without `.json`), sorted. */
export function listBoards(): string[] {
  return readdirSync(boardsDir())
    .filter((f) => f.endsWith(".json") && f !== SCHEMA_FILE)
    .map((f) => f.slice(0, -5))
    .sort();
}

/**
 * Load and validate a board: `nameOrPath` is a board name ("BANGLEJS2",
 * case-insensitive) or a path to a `.json` file (anything with a `/`, `\` or a
 * `.json` ending). Throws ENOENT (unknown name, listing the valid ones; missing
 * file) or EINVAL (bad JSON, schema or semantic errors, naming file, JSON path
 * and expectation). Each call reads the file again.
 */
export function loadBoard(nameOrPath: string): Board {
  if (typeof nameOrPath !== "string" || nameOrPath === "") {
    fail("EINVAL", "board must be a board name or a path to a .json file, got " + show(nameOrPath));
  }
  const byPath = /[\\/]/.test(nameOrPath) || /\.json$/i.test(nameOrPath);
  let file: string;
  if (byPath) {
    file = resolve(nameOrPath);
    if (!existsSync(file) || !statSync(file).isFile()) fail("ENOENT", "board file not found: " + nameOrPath);
  } else {
    const names = listBoards();
    const wanted = nameOrPath.toUpperCase();
    const name = names.find((n) => n.toUpperCase() === wanted);
    if (name === undefined) {
      fail("ENOENT", "unknown board " + show(nameOrPath) + "; valid boards: " + names.join(", "));
    }
    file = join(boardsDir(), name + ".json");
  }
  const label = displayPath(file);
  const text = readFileSync(file, "utf8");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return fail(
      "EINVAL",
      label + ": " + jsonErrorWhere(text, (e as Error).message) + ": expected valid JSON (" + (e as Error).message + ")",
    );
  }
  const board = boardFromJSON(data, label);
  board.file = file;
  if (!byPath && board.name !== basename(file, ".json")) {
    fail("EINVAL", label + ": /name: expected " + show(basename(file, ".json")) + " (the file's name), got " + show(board.name));
  }
  return board;
}

/**
 * Validate already-parsed board data and convert it to a `Board`. `file` is
 * only used in messages and as `board.file`. Throws EINVAL listing every
 * problem found (schema problems first; semantic checks run only on data that
 * passes the schema).
 */
export function boardFromJSON(data: unknown, file: string): Board {
  const validate = schemaValidator();
  if (!validate(data)) throwProblems(file, (validate.errors || []).map((e, _i, all) => describeAjvError(e, all)).filter(notEmpty));
  const problems: string[] = [];
  const board = convert(data as BoardFile, file, problems);
  if (problems.length > 0) throwProblems(file, problems);
  return board;
}

// ---------------------------------------------------------------------------
// The file format, as the schema guarantees it.

interface FigureFile {
  value: number;
  unit: string;
  source?: string;
  derived?: string;
}
interface SectionFile {
  name: string;
  base: string;
  size: number;
  gateable: boolean;
}
interface BankFile {
  name: string;
  powerRegister?: string;
  retention: FigureFile;
  retentionByMode?: { [mode: string]: FigureFile };
  sections: SectionFile[];
}
interface RangeFile {
  name: string;
  kind: string;
  basis: string;
  base: string;
  size: number;
  source?: string;
  derived?: string;
}
interface RegionFile {
  name: string;
  base: string;
  size: number;
  purpose: string;
}
interface ModeFile {
  description: string;
  current: FigureFile;
  retentionApplies: boolean;
  fullRetention?: FigureFile;
}
interface BoardFile {
  name: string;
  title: string;
  chip: { part: string; core: string; source: string };
  voltage: FigureFile;
  ram: { base: string; size: number; source: string };
  ramPower: string;
  banks: BankFile[];
  reserved: RangeFile[];
  regions?: RegionFile[];
  modes: { [name: string]: ModeFile };
  defaultMode: string;
  notes: string[];
}

// ---------------------------------------------------------------------------
// Schema validation and its messages.

let cachedSchema: any = null;
let cachedValidator: ValidateFunction | null = null;

function schemaValidator(): ValidateFunction {
  if (cachedValidator === null) {
    const schemaFile = join(boardsDir(), SCHEMA_FILE);
    cachedSchema = JSON.parse(readFileSync(schemaFile, "utf8"));
    // ajv is loaded on first use: a sweep's worker threads get their boards
    // loaded and checked by the main thread, and never load it.
    const { Ajv } = createRequire(import.meta.url)("ajv") as typeof import("ajv");
    const ajv = new Ajv({ allErrors: true, verbose: true });
    cachedValidator = ajv.compile(cachedSchema);
  }
  return cachedValidator;
}

/** Follow a local `$ref` ("#/definitions/x") of the board schema. */
function deref(schema: any): any {
  while (schema && typeof schema.$ref === "string" && schema.$ref.indexOf("#/") === 0) {
    let node = cachedSchema;
    for (const part of schema.$ref.slice(2).split("/")) node = node[part];
    schema = node;
  }
  return schema;
}

const TYPE_TEXT: { [t: string]: string } = {
  integer: "an integer",
  number: "a number",
  string: "a string",
  object: "an object",
  array: "an array",
  boolean: "true or false",
  null: "null",
};

/** "an integer ≥ 1 (a size in bytes)", "a hex address string such as …", … */
function expectation(schema: any): string {
  schema = deref(schema);
  if (!schema || typeof schema !== "object") return "a value";
  if (schema === cachedSchema) return "an object (a board: see boards/" + SCHEMA_FILE + ")";
  if (schema.description && (schema.allOf || schema.pattern || schema.type === "object" || schema.type === "array")) {
    return schema.description;
  }
  if (schema.allOf) return expectation(schema.allOf[0]);
  if (schema.enum) return "one of " + schema.enum.map(show).join(", ");
  if (schema.const !== undefined) return show(schema.const);
  let text = TYPE_TEXT[schema.type] || "a value";
  if (schema.minimum !== undefined) text += " ≥ " + schema.minimum;
  if (schema.minLength === 1) text = "a non-empty string";
  if (schema.description && schema.description !== text) text += " (" + schema.description + ")";
  return text;
}

/** The children of a failed `anyOf`/`propertyNames` are folded into its own message. */
function isFoldedChild(e: ErrorObject, all: ErrorObject[]): boolean {
  return all.some(
    (p) =>
      p !== e &&
      (p.keyword === "anyOf" || p.keyword === "propertyNames") &&
      p.instancePath === e.instancePath &&
      e.schemaPath.indexOf(p.schemaPath + "/") === 0,
  );
}

/** How many values an `enum`/`const` error allows, or -1 for other keywords. */
function allowedCount(e: ErrorObject): number {
  if (e.keyword === "const") return 1;
  return e.keyword === "enum" ? (e.params as any).allowedValues.length : -1;
}

/**
 * Of several value lists failed at the same path (a figure's unit is
 * restricted by the figure and again by "current" or "voltage"), only the
 * narrowest is reported.
 */
function isWiderChoice(e: ErrorObject, all: ErrorObject[]): boolean {
  const n = allowedCount(e);
  return (
    n >= 0 &&
    all.some(
      (p, j) =>
        p !== e &&
        p.instancePath === e.instancePath &&
        allowedCount(p) >= 0 &&
        (allowedCount(p) < n || (allowedCount(p) === n && j < all.indexOf(e))),
    )
  );
}

function describeAjvError(e: ErrorObject, all: ErrorObject[]): string {
  if (isFoldedChild(e, all) || isWiderChoice(e, all)) return "";
  const at = e.instancePath || "/";
  const p = e.params as any;
  const parent = e.parentSchema as any;
  const got = ", got " + show(e.data);
  switch (e.keyword) {
    case "required": {
      const prop = p.missingProperty as string;
      return e.instancePath + "/" + prop + ": missing; expected " + expectation(parent.properties && parent.properties[prop]);
    }
    case "additionalProperties":
      return (
        e.instancePath +
        "/" +
        pointerEscape(p.additionalProperty) +
        ": unknown field; expected only " +
        Object.keys(parent.properties || {})
          .map(show)
          .join(", ")
      );
    case "propertyNames":
      return (
        e.instancePath +
        "/" +
        pointerEscape(p.propertyName) +
        ": bad name " +
        show(p.propertyName) +
        "; expected " +
        ((e.schema as any).description || "a name matching " + (e.schema as any).pattern)
      );
    case "anyOf": {
      const branches = (e.schema as any[]).map((b) => (b.required || []).map(show).join(" and "));
      return at + ": expected a field " + branches.join(" or ") + " saying where the figure comes from or how it was derived";
    }
    case "type":
    case "pattern":
    case "minLength":
    case "minimum":
      return at + ": expected " + expectation(parent) + got;
    case "enum":
      return at + ": expected one of " + p.allowedValues.map(show).join(", ") + got;
    case "const":
      return at + ": expected " + show(p.allowedValue) + got;
    case "minItems":
      return at + ": expected at least " + p.limit + " item" + (p.limit === 1 ? "" : "s") + ", got none";
    case "minProperties":
      return at + ": expected at least " + p.limit + " entr" + (p.limit === 1 ? "y" : "ies") + ", got none";
    default:
      return at + ": " + (e.message || "invalid") + got;
  }
}

function notEmpty(s: string): boolean {
  return s !== "";
}

function throwProblems(file: string, problems: string[]): never {
  if (problems.length === 1) return fail("EINVAL", file + ": " + problems[0]);
  return fail("EINVAL", file + ": " + problems.length + " problems:\n  " + problems.join("\n  "));
}

// ---------------------------------------------------------------------------
// Semantic checks and conversion.

/** Parse a schema-valid "0x…" string. */
function addr(s: string): number {
  return parseInt(s.slice(2), 16);
}

/** An address as 8 upper-case hex digits: 0x20003B70. */
export function hex(n: number): string {
  return "0x" + (n >>> 0).toString(16).toUpperCase().padStart(8, "0");
}

function span(base: number, size: number): string {
  return "[" + hex(base) + ", " + hex(base + size) + ")";
}

function figure(f: FigureFile): Figure {
  const out: Figure = { value: f.value, unit: f.unit };
  if (f.source !== undefined) out.source = f.source;
  if (f.derived !== undefined) out.derived = f.derived;
  return out;
}

const PICOAMPS: { [unit: string]: number } = { mA: 1e9, uA: 1e6, nA: 1e3 };

/**
 * A schema-valid current figure in pA, on a grid of 1/1024 pA: the decimal
 * figures of the sources (1.2 uA, 22.8125 nA) become exact binary numbers,
 * so sums of them are exact (SimMcu converts the same way).
 */
function picoamps(f: Figure): number {
  return Math.round(f.value * PICOAMPS[f.unit] * 1024) / 1024;
}

/** A current in pA as "1.86 uA" (µA with up to 6 decimals, trailing zeros dropped). */
function microamps(pA: number): string {
  return String(Math.round(pA) / 1e6) + " uA";
}

function convert(d: BoardFile, file: string, problems: string[]): Board {
  const bad = (path: string, expected: string) => {
    problems.push(path + ": expected " + expected);
  };
  const ramBase = addr(d.ram.base);
  const ramEnd = ramBase + d.ram.size;
  if (ramBase === 0) bad("/ram/base", 'a non-zero address (0 is NULL), got "' + d.ram.base + '"');
  if (ramEnd > 0x100000000) bad("/ram/size", "RAM to end at or below 0x100000000, got " + d.ram.size + " bytes from " + hex(ramBase));
  const inRam = (path: string, what: string, base: number, size: number) => {
    if (base < ramBase || base + size > ramEnd) {
      bad(path, what + " inside RAM " + span(ramBase, d.ram.size) + ", got " + span(base, size));
      return false;
    }
    return true;
  };

  const nrf = d.ramPower === "nrf52-ram-power";
  const banks: BoardBank[] = [];
  const sections: BoardSection[] = [];
  const seen: { [name: string]: string } = {};
  let prev: BoardSection | null = null;
  let total = 0;
  d.banks.forEach((b, i) => {
    const bp = "/banks/" + i;
    if (seen["bank:" + b.name])
      bad(bp + "/name", "a bank name not used before, got " + show(b.name) + " (also at " + seen["bank:" + b.name] + ")");
    seen["bank:" + b.name] = bp;
    const bank: BoardBank = { name: b.name, sections: [] };
    if (b.powerRegister !== undefined) {
      const reg = addr(b.powerRegister);
      const n = (reg - NRF52_POWER_BASE) / 0x10;
      if (!nrf) {
        bad(
          bp + "/powerRegister",
          "no powerRegister, since ramPower is " + show(d.ramPower) + ' (only "nrf52-ram-power" has one), got ' + show(b.powerRegister),
        );
      } else if (n !== Math.floor(n) || n < 0 || n > 8) {
        bad(bp + "/powerRegister", "an nRF52 RAM[n].POWER address, 0x40000900 + n*0x10 for n = 0..8, got " + show(b.powerRegister));
      }
      bank.powerRegister = reg;
    } else if (nrf) {
      bad(bp, 'a powerRegister (the bank\'s RAM[n].POWER address), since ramPower is "nrf52-ram-power"');
    }
    if (nrf && b.sections.length > 16)
      bad(bp + "/sections", "at most 16 sections (bits S0..S15 of RAM[n].POWER), got " + b.sections.length);
    b.sections.forEach((s, j) => {
      const sp = bp + "/sections/" + j;
      if (seen["section:" + s.name])
        bad(sp + "/name", "a section name not used before, got " + show(s.name) + " (also at " + seen["section:" + s.name] + ")");
      seen["section:" + s.name] = sp;
      const base = addr(s.base);
      const sec: BoardSection = {
        name: s.name,
        bank: b.name,
        index: j,
        base: base,
        size: s.size,
        gateable: s.gateable,
        retention: figure(b.retention),
      };
      if (b.retentionByMode !== undefined) {
        sec.retentionByMode = {};
        for (const m of Object.keys(b.retentionByMode)) sec.retentionByMode[m] = figure(b.retentionByMode[m]);
      }
      total += s.size;
      if (inRam(sp, "the section", base, s.size) && prev !== null) {
        if (base < prev.base) {
          bad(sp + "/base", "sections in address order, after " + prev.name + " at " + hex(prev.base) + ", got " + show(s.base));
        } else if (base < prev.base + prev.size) {
          bad(sp + "/base", "no overlap with " + prev.name + " " + span(prev.base, prev.size) + ", got " + span(base, s.size));
        }
      }
      if (prev === null || base >= prev.base) prev = sec;
      bank.sections.push(sec);
      sections.push(sec);
    });
    banks.push(bank);
  });
  if (problems.length === 0 && total !== d.ram.size) {
    bad("/ram/size", "the sum of the section sizes (" + total + " bytes), got " + d.ram.size);
  }
  sections.sort((a, b) => a.base - b.base);

  const reserved: ReservedRange[] = d.reserved.map((r, k) => {
    const base = addr(r.base);
    const rp = "/reserved/" + k;
    if (inRam(rp, "the reserved range", base, r.size)) {
      d.reserved.forEach((o, j) => {
        const ob = addr(o.base);
        if (j < k && base < ob + o.size && ob < base + r.size) {
          bad(
            rp,
            "no overlap with reserved range " +
              show(o.name) +
              " " +
              span(ob, o.size) +
              " (/reserved/" +
              j +
              "), got " +
              show(r.name) +
              " " +
              span(base, r.size),
          );
        }
      });
    }
    const out: ReservedRange = { name: r.name, kind: r.kind, basis: r.basis, base: base, size: r.size };
    if (r.source !== undefined) out.source = r.source;
    if (r.derived !== undefined) out.derived = r.derived;
    return out;
  });
  const regions: NamedRegion[] = (d.regions || []).map((g, k) => {
    const base = addr(g.base);
    const gp = "/regions/" + k;
    if (inRam(gp, "the region", base, g.size)) {
      for (const r of reserved) {
        if (base < r.base + r.size && r.base < base + g.size) {
          bad(
            gp,
            "region " +
              show(g.name) +
              " " +
              span(base, g.size) +
              " clear of reserved range " +
              show(r.name) +
              " " +
              span(r.base, r.size) +
              " (" +
              r.basis +
              "), but they overlap in " +
              span(Math.max(base, r.base), Math.min(base + g.size, r.base + r.size) - Math.max(base, r.base)),
          );
        }
      }
    }
    return { name: g.name, base: base, size: g.size, purpose: g.purpose };
  });
  const modes: { [name: string]: PowerMode } = {};
  for (const name of Object.keys(d.modes)) {
    const m = d.modes[name];
    modes[name] = { name: name, description: m.description, current: figure(m.current), retentionApplies: m.retentionApplies };
    if (m.fullRetention !== undefined) modes[name].fullRetention = figure(m.fullRetention);
  }
  if (!Object.hasOwn(modes, d.defaultMode)) {
    bad("/defaultMode", "one of the modes (" + Object.keys(modes).map(show).join(", ") + "), got " + show(d.defaultMode));
  }
  const retaining = Object.keys(modes).filter((k) => modes[k].retentionApplies);
  d.banks.forEach((b, i) => {
    for (const m of Object.keys(b.retentionByMode || {})) {
      if (retaining.indexOf(m) < 0) {
        bad(
          "/banks/" + i + "/retentionByMode/" + pointerEscape(m),
          "a mode whose retentionApplies is true (" + (retaining.length ? retaining.map(show).join(", ") : "none") + "), got " + show(m),
        );
      }
    }
  });
  // Each mode's cited full-retention current must be what the section figures add up to.
  for (const name of Object.keys(modes)) {
    const m = modes[name],
      full = m.fullRetention,
      mp = "/modes/" + pointerEscape(name) + "/fullRetention";
    if (full === undefined) continue;
    if (!m.retentionApplies) {
      bad(mp, "no fullRetention, since retentionApplies is false in mode " + show(name));
      continue;
    }
    if (problems.length > 0) continue;
    let sum = 0;
    for (const s of sections) {
      sum += picoamps(s.retentionByMode && Object.hasOwn(s.retentionByMode, name) ? s.retentionByMode[name] : s.retention);
    }
    const base = picoamps(m.current),
      want = picoamps(full);
    if (Math.abs(base + sum - want) > 1) {
      bad(
        mp,
        "the mode's current plus every section's retention in it, " +
          microamps(base) +
          " + " +
          microamps(sum) +
          " = " +
          microamps(base + sum) +
          ", got " +
          full.value +
          " " +
          full.unit,
      );
    }
  }
  return {
    name: d.name,
    title: d.title,
    chip: { part: d.chip.part, core: d.chip.core, source: d.chip.source },
    voltage: figure(d.voltage),
    ram: { base: ramBase, size: d.ram.size, source: d.ram.source },
    banks: banks,
    sections: sections,
    reserved: reserved,
    regions: regions,
    modes: modes,
    defaultMode: d.defaultMode,
    ramPower: d.ramPower,
    notes: d.notes.slice(),
    file: file,
  };
}

// ---------------------------------------------------------------------------
// Small helpers.

function show(v: unknown): string {
  if (v === undefined) return "nothing";
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 60 ? s.slice(0, 57) + "…" : s;
}

function pointerEscape(s: string): string {
  return String(s).replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * Where JSON.parse stopped on `text`, given its error `message`: the offset of
 * the first character no JSON text can have there, or -1 when the text ends
 * too soon. From the message's "at position N" when it has one; V8 gives none
 * for "Unexpected token 'x', … is not valid JSON", so then the longest prefix
 * the parser only finds unfinished is bisected (O(log n) parses).
 */
export function jsonErrorOffset(text: string, message: string): number {
  const m = /position (\d+)/.exec(message);
  if (m) return Number(m[1]);
  if (/end of JSON/i.test(message)) return -1;
  const unfinished = (n: number) => {
    try {
      JSON.parse(text.slice(0, n));
      return true;
    } catch (e) {
      const p = /position (\d+)/.exec((e as Error).message);
      return /end of JSON/i.test((e as Error).message) || (p !== null && Number(p[1]) >= n);
    }
  };
  let lo = 0,
    hi = text.length; // the empty prefix is unfinished, the whole text is bad
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (unfinished(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** "line 3, column 14" where JSON.parse stopped (see jsonErrorOffset), or "end of file". */
function jsonErrorWhere(text: string, message: string): string {
  const pos = jsonErrorOffset(text, message);
  if (pos < 0) return "end of file";
  const before = text.slice(0, pos).split("\n");
  return "line " + before.length + ", column " + (before[before.length - 1].length + 1);
}

/** `file` relative to the working directory when it lies below it, else as given. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

/**
 * The sections a region [base, base + size) of `board` overlaps, in board
 * order: their indices, the bytes of each inside the region, and whether a
 * policy may switch each off (gateable, wholly inside the region, and
 * clear of every reserved range). O(sections × reserved ranges).
 */
export function regionSections(
  board: Board,
  region: { base: number; size: number },
): { sections: number[]; capacity: number[]; gateable: boolean[] } {
  const sections: number[] = [],
    capacity: number[] = [],
    gateable: boolean[] = [];
  board.sections.forEach((s, i) => {
    const lo = Math.max(s.base, region.base),
      hi = Math.min(s.base + s.size, region.base + region.size);
    if (hi <= lo) return;
    sections.push(i);
    capacity.push(hi - lo);
    gateable.push(s.gateable && hi - lo === s.size && !board.reserved.some((r) => r.base < s.base + s.size && s.base < r.base + r.size));
  });
  return { sections, capacity, gateable };
}

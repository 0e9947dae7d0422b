/**
 * The `ramkit` command line (Node only). `scripts/ramkit.mjs`, the package's
 * bin, runs the built copy of this module (dist/node/sim/cli.js); under tsx it
 * also runs directly: `node --import tsx sim/cli.ts boards list`.
 *
 *   ramkit boards list          the boards, one line each
 *   ramkit boards show NAME     a board's memory map, modes, sources and notes
 *   ramkit start                the default board's map (Bangle.js 2)
 *   ramkit help | --help
 *
 * Exit codes: 0 success, 2 a usage error (unknown command, board or flag; a
 * board file that does not validate), 1 anything unexpected.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Board, BoardSection, Figure } from "../src/core/board.js";
import { DEFAULT_BOARD, displayPath, hex, listBoards, loadBoard } from "./boards.js";

/** Where `main` writes: stdout-like `log` and stderr-like `error`. */
export interface CliOutput {
  log(text: string): void;
  error(text: string): void;
}

const COMMANDS = ["boards list", "boards show NAME", "start", "help"];
const FLAGS = ["-h", "--help"];

const USAGE = [
  "ramkit: deterministic memory allocators for JavaScript microcontrollers, and a simulator of the MCU memory map",
  "",
  "Usage:",
  "  ramkit boards list          list the boards (name, title, chip, RAM, gateable sections)",
  "  ramkit boards show NAME     a board's memory map: sections, reserved ranges, regions, power modes,",
  "                              where every figure comes from, and the board file's notes",
  "                              (NAME is a board name, any case, or a path to a board .json file)",
  "  ramkit start                show the default board (" + DEFAULT_BOARD + ")",
  "  ramkit help                 this text (also -h, --help)",
].join("\n");

/** A usage error: printed with the valid choices, exit code 2. */
function usageError(out: CliOutput, message: string): number {
  out.error("ramkit: " + message);
  out.error("Run `ramkit --help` for usage.");
  return 2;
}

/**
 * Run the CLI on `argv` (without node and script) and return the exit code.
 * Writes to `out` (the console by default); never calls process.exit.
 */
export function main(argv: string[], out: CliOutput = console): number {
  let positionals: string[];
  let help = false;
  try {
    const parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: { help: { type: "boolean", short: "h" } },
    });
    positionals = parsed.positionals;
    help = parsed.values.help === true;
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      return usageError(out, "--help takes no value, got " + argv.filter((a) => a.indexOf("=") > 0 && a.charAt(0) === "-").join(" "));
    }
    const m = /'([^']+)'/.exec((e as Error).message);
    return usageError(out, "unknown option " + (m ? m[1] : "in " + JSON.stringify(argv)) + "; valid options: " + FLAGS.join(", "));
  }
  const cmd = positionals[0];
  if (help || cmd === undefined || cmd === "help") {
    out.log(USAGE);
    return 0;
  }
  try {
    if (cmd === "boards") return boardsCommand(positionals.slice(1), out);
    if (cmd === "start") {
      if (positionals.length > 1) return usageError(out, "start takes no arguments, got " + positionals.slice(1).join(" "));
      out.log("ramkit start: the default board, " + DEFAULT_BOARD + ". (A later version runs the default bank power-down experiment here.)");
      out.log("");
      out.log(showBoard(loadBoard(DEFAULT_BOARD)));
      return 0;
    }
    return usageError(out, "unknown command " + JSON.stringify(cmd) + "; valid commands: " + COMMANDS.join(", "));
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ENOENT" || code === "EINVAL") return usageError(out, (e as Error).message.replace(/^E[A-Z]+: /, ""));
    out.error("ramkit: unexpected error: " + ((e as Error).stack || String(e)));
    return 1;
  }
}

function boardsCommand(args: string[], out: CliOutput): number {
  const sub = args[0];
  if (sub === "list") {
    if (args.length > 1) return usageError(out, "boards list takes no arguments, got " + args.slice(1).join(" "));
    out.log(listTable());
    return 0;
  }
  if (sub === "show") {
    if (args.length !== 2) {
      return usageError(out, "boards show needs one board name; valid boards: " + listBoards().join(", "));
    }
    out.log(showBoard(loadBoard(args[1])));
    return 0;
  }
  const what = sub === undefined ? "boards needs a subcommand" : "unknown subcommand boards " + JSON.stringify(sub);
  return usageError(out, what + "; valid: boards list, boards show NAME");
}

// ---------------------------------------------------------------------------
// Formatting.

/** Columns padded to their widest cell; the last column is not padded. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w)))].concat(rows.map(line)).join("\n");
}


/** Inclusive address range, as datasheets print it. */
function range(base: number, size: number): string { return hex(base) + "-" + hex(base + size - 1); }

function bytes(n: number): string {
  if (n % 1048576 === 0) return n / 1048576 + " MiB";
  if (n % 1024 === 0) return n / 1024 + " KiB";
  return n + " B";
}

const UNIT_TEXT: { [u: string]: string } = { uA: "µA" };

function amount(f: Figure): string { return Number(f.value.toPrecision(4)) + " " + (UNIT_TEXT[f.unit] || f.unit); }

/** Numbered footnotes: each distinct provenance text once. */
class Footnotes {
  private texts: string[] = [];
  ref(source?: string, derived?: string): string {
    const parts: string[] = [];
    if (source) parts.push("source: " + source);
    if (derived) parts.push("derived: " + derived);
    if (parts.length === 0) return "";
    const text = parts.join(" ");
    let i = this.texts.indexOf(text);
    if (i < 0) i = this.texts.push(text) - 1;
    return "[" + (i + 1) + "]";
  }
  render(): string[] {
    return this.texts.map((t, i) => wrap("[" + (i + 1) + "] " + t, "    "));
  }
}

/** Wrap to 100 columns with a hanging indent. */
function wrap(text: string, indent: string): string {
  const words = text.split(" ");
  const lines: string[] = [];
  let cur = "";
  for (const w of words) {
    if (cur !== "" && cur.length + 1 + w.length > 100) {
      lines.push(cur);
      cur = indent + w;
    } else {
      cur = cur === "" ? w : cur + " " + w;
    }
  }
  lines.push(cur);
  return lines.join("\n");
}

function gateableCount(b: Board): string {
  return b.sections.filter((s) => s.gateable).length + " of " + b.sections.length;
}

function listTable(): string {
  const rows = listBoards().map((name) => {
    const b = loadBoard(name);
    return [b.name + (b.name === DEFAULT_BOARD ? " *" : ""), b.title, b.chip.part, bytes(b.ram.size), gateableCount(b)];
  });
  return table(["board", "title", "chip", "RAM", "gateable sections"], rows) +
    "\n\n* the default board (ramkit start). Details: ramkit boards show NAME";
}

/** Which reserved ranges overlap a section, and by how many bytes. */
function reservedIn(b: Board, s: BoardSection): string {
  const parts: string[] = [];
  for (const r of b.reserved) {
    const lo = Math.max(s.base, r.base);
    const hi = Math.min(s.base + s.size, r.base + r.size);
    if (hi > lo) parts.push(r.kind + " " + (hi - lo === s.size ? "all" : (hi - lo) + " B"));
  }
  return parts.length ? parts.join(", ") : "-";
}

function powerBit(b: Board, s: BoardSection): string {
  const bank = b.banks.find((k) => k.name === s.bank);
  return bank && bank.powerRegister !== undefined ? hex(bank.powerRegister) + " bit " + s.index : "-";
}

/** The full text of `ramkit boards show`. */
export function showBoard(b: Board): string {
  const notes = new Footnotes();
  const out: string[] = [];
  out.push(b.title + " (" + b.name + "): " + b.chip.part + ", " + b.chip.core + " " + notes.ref(b.chip.source));
  out.push("RAM " + range(b.ram.base, b.ram.size) + " (" + bytes(b.ram.size) + ") " + notes.ref(b.ram.source) +
    "; RAM power control: " + b.ramPower + "; supply " + amount(b.voltage) + " " + notes.ref(b.voltage.source, b.voltage.derived));
  out.push("File: " + displayPath(b.file));
  out.push("");
  out.push("Memory map");
  const regionOf = (s: BoardSection) => b.regions.filter((g) => g.base < s.base + s.size && s.base < g.base + g.size).map((g) => g.name).join(", ");
  out.push(table(
    ["section", "address range", "size", "gateable", "power register", "reserved (overlap)", "region", "retention"],
    b.sections.map((s) => [
      s.name, range(s.base, s.size), bytes(s.size), s.gateable ? "yes" : "no", powerBit(b, s), reservedIn(b, s),
      regionOf(s) || "-", amount(s.retention) + " " + notes.ref(s.retention.source, s.retention.derived),
    ]),
  ));
  out.push("");
  out.push("Reserved ranges (RAM ramkit must not manage)");
  out.push(b.reserved.length === 0 ? "  none" : table(
    ["name", "kind", "address range", "size", "from"],
    b.reserved.map((r) => [r.name, r.kind, range(r.base, r.size), r.size + " B", notes.ref(r.source, r.derived)]),
  ));
  out.push("");
  out.push("Regions");
  if (b.regions.length === 0) out.push("  none");
  for (const g of b.regions) out.push(wrap("  " + g.name + " " + range(g.base, g.size) + " (" + bytes(g.size) + "): " + g.purpose, "    "));
  out.push("");
  out.push("Power modes (current with no RAM retained; * = default)");
  out.push(table(
    ["mode", "current", "retention adds", "description"],
    Object.keys(b.modes).map((k) => {
      const m = b.modes[k];
      return [k + (k === b.defaultMode ? " *" : ""), amount(m.current) + " " + notes.ref(m.current.source, m.current.derived),
        m.retentionApplies ? "yes" : "no", m.description];
    }),
  ));
  out.push("");
  out.push("Sources and derivations");
  out.push(...notes.render());
  out.push("");
  out.push("Notes");
  for (const n of b.notes) out.push(wrap("- " + n, "  "));
  return out.join("\n");
}

// Run when executed directly (node --import tsx sim/cli.ts …, or node dist/node/sim/cli.js …).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}

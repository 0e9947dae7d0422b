/**
 * The `ramkit` command line (Node only). `scripts/ramkit.mjs`, the package's
 * bin, runs the built copy of this module (dist/node/sim/cli.js); under tsx it
 * also runs directly: `node --import tsx sim/cli.ts boards list`.
 *
 *   ramkit start                          the default experiment: table + report/
 *   ramkit experiment run FILE [--out DIR]
 *   ramkit trace replay FILE [--board NAME] [--experiment FILE] [--out DIR]
 *   ramkit sweep FILE [--shard K/N] [--workers N]   (sim/sweep.ts)
 *   ramkit sweep merge FILES…
 *   ramkit boards list | boards show NAME
 *   ramkit help | --help
 *
 * Exit codes: 0 success, 2 a usage error (unknown command, board or flag; a
 * file that is missing or does not validate), 1 anything unexpected.
 */
import { existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { Board, BoardSection, Figure } from "../src/core/board.js";
import { DEFAULT_BOARD, displayPath, hex, listBoards, loadBoard } from "./boards.js";
import { experimentsDir, formatResult, loadExperiment, runExperiment } from "./experiment.js";
import type { ExperimentSpec } from "./experiment.js";
import type { ExperimentResult } from "./results.js";
import { readTrace } from "./trace.js";

/** Where `main` writes: stdout-like `log` and stderr-like `error`. */
export interface CliOutput {
  log(text: string): void;
  error(text: string): void;
}

const COMMANDS = [
  "start",
  "experiment run FILE",
  "trace replay FILE",
  "sweep FILE",
  "sweep merge FILES…",
  "boards list",
  "boards show NAME",
  "help",
];

/** Where `ramkit start` writes its report (relative to the current directory). */
export const REPORT_DIR = "report";

const USAGE = [
  "ramkit: deterministic memory allocators for JavaScript microcontrollers, and a simulator of the MCU memory map",
  "",
  "Usage:",
  "  ramkit start                run the default experiment (experiments/default.json: " + DEFAULT_BOARD + ", the sensor",
  "                              logger, 24 simulated hours, every policy): print its table, write " + REPORT_DIR + "/",
  "                              (index.html, results.csv, results.json)",
  "  ramkit experiment run FILE  run the experiment described in FILE (JSON, experiments/experiment.schema.json)",
  "                              and print its table; --out DIR also writes the report there",
  "  ramkit trace replay FILE    replay a trace (JSON lines) under every policy and print the same table;",
  "                              --board NAME overrides the trace's board; --experiment FILE takes the allocator,",
  "                              firmware layout, mode, policies and seed from an experiment file (default: a",
  "                              granular heap over the board's free region); --out DIR writes the report",
  "  ramkit sweep FILE           run a grid of experiments on worker threads (--shard K/N, --workers N)",
  "  ramkit sweep merge FILES…   join the results of sweep shards",
  "  ramkit boards list          list the boards (name, title, chip, RAM, gateable sections)",
  "  ramkit boards show NAME     a board's memory map: sections, reserved ranges, regions, power modes,",
  "                              where every figure comes from, and the board file's notes",
  "                              (NAME is a board name, any case, or a path to a board .json file)",
  "  ramkit help                 this text (also -h, --help)",
].join("\n");

/** A usage error: printed with the valid choices, exit code 2. */
function usageError(out: CliOutput, message: string): number {
  out.error("ramkit: " + message);
  out.error("Run `ramkit --help` for usage.");
  return 2;
}

/** How the usage names each option's value. */
const VALUE_NAMES: { [option: string]: string } = { out: "DIR", board: "NAME", experiment: "FILE" };

type OptionSpec = { [name: string]: { type: "string" | "boolean"; short?: string } };

/**
 * Parse `args` with `options` (strict): the positionals and values, or a
 * usage message naming the bad flag and the valid ones.
 */
function parse(
  args: string[],
  options: OptionSpec,
  what: string,
): { positionals: string[]; values: { [k: string]: string | boolean | undefined } } | string {
  try {
    const r = parseArgs({ args, allowPositionals: true, strict: true, options });
    return { positionals: r.positionals, values: r.values as { [k: string]: string | boolean | undefined } };
  } catch (e) {
    const code = (e as { code?: string }).code;
    const m = /'([^']+)'/.exec((e as Error).message);
    const flag = m
      ? m[1]
          .replace(/ <value>$/, "")
          .split(",")
          .pop()!
          .trim()
      : JSON.stringify(args);
    const valid = Object.keys(options)
      .map((k) => "--" + k + (options[k].type === "string" ? " " + (VALUE_NAMES[k] || "VALUE") : ""))
      .concat(["-h", "--help"])
      .join(", ");
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      return options[flag.replace(/^-+/, "")] && options[flag.replace(/^-+/, "")].type === "boolean"
        ? flag + " takes no value"
        : flag + " needs a value";
    }
    return "unknown option " + flag + " for " + what + "; valid options: " + valid;
  }
}

/**
 * Run the CLI on `argv` (without node and script) and resolve to the exit
 * code. Writes to `out` (the console by default); never calls process.exit.
 */
export async function main(argv: string[], out: CliOutput = console): Promise<number> {
  const cmd = argv[0];
  if (cmd === undefined || cmd === "help" || cmd === "-h" || cmd === "--help") {
    if (cmd === "help" && argv.length > 1) return usageError(out, "help takes no arguments, got " + argv.slice(1).join(" "));
    out.log(USAGE);
    return 0;
  }
  const helpValue = argv.find((a) => /^(--help|-h)=/.test(a));
  if (helpValue !== undefined) return usageError(out, helpValue.split("=")[0] + " takes no value, got " + helpValue);
  if (argv.indexOf("--help") >= 0 || argv.indexOf("-h") >= 0) {
    out.log(USAGE);
    return 0;
  }
  try {
    if (cmd === "boards") return boardsCommand(argv.slice(1), out);
    if (cmd === "start") {
      if (argv.length > 1) return usageError(out, "start takes no arguments, got " + argv.slice(1).join(" "));
      return await startCommand(out);
    }
    if (cmd === "experiment") return await experimentCommand(argv.slice(1), out);
    if (cmd === "trace") return await traceCommand(argv.slice(1), out);
    if (cmd === "sweep") return await sweepCommand(argv.slice(1), out);
    if (cmd.charAt(0) === "-")
      return usageError(out, "unknown option " + cmd + "; valid options: -h, --help (commands: " + COMMANDS.join(", ") + ")");
    return usageError(out, "unknown command " + JSON.stringify(cmd) + "; valid commands: " + COMMANDS.join(", "));
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ENOENT" || code === "EINVAL") return usageError(out, (e as Error).message.replace(/^E[A-Z]+: /, ""));
    out.error("ramkit: unexpected error: " + ((e as Error).stack || String(e)));
    return 1;
  }
}

/** Write the report of `results` into `dir` with sim/report.ts; the paths written. */
async function report(results: ExperimentResult[], dir: string, out: CliOutput): Promise<void> {
  const { writeReport } = await import("./report.js");
  const files = await writeReport(results, dir);
  for (const w of files.warnings) out.error("ramkit: report: " + w);
  const rel = (f: string) => relative(process.cwd(), f) || f;
  out.log("Wrote " + rel(files.html) + ", " + rel(files.csv) + ", " + rel(files.json));
}

async function startCommand(out: CliOutput): Promise<number> {
  const file = join(experimentsDir(), "default.json");
  const { spec, baseDir } = loadExperiment(file);
  const t0 = Date.now();
  const r = runExperiment(spec, { baseDir });
  out.log("ramkit start: the default experiment (" + displayPath(file) + "), simulated in " + ((Date.now() - t0) / 1000).toFixed(1) + " s");
  out.log("");
  out.log(formatResult(r));
  out.log("");
  await report([r], REPORT_DIR, out);
  return 0;
}

async function experimentCommand(args: string[], out: CliOutput): Promise<number> {
  if (args[0] !== "run") {
    return usageError(
      out,
      (args[0] === undefined ? "experiment needs a subcommand" : "unknown subcommand experiment " + JSON.stringify(args[0])) +
        "; valid: experiment run FILE",
    );
  }
  const p = parse(args.slice(1), { out: { type: "string" } }, "experiment run");
  if (typeof p === "string") return usageError(out, p);
  if (p.positionals.length !== 1) {
    return usageError(
      out,
      "experiment run needs one experiment file" + (p.positionals.length ? ", got " + p.positionals.join(" ") : "") + " (see experiments/)",
    );
  }
  if (p.values.out === "") return usageError(out, "--out needs a directory");
  const { spec, baseDir } = loadExperiment(p.positionals[0]);
  const r = runExperiment(spec, { baseDir });
  out.log(formatResult(r));
  if (typeof p.values.out === "string") {
    out.log("");
    await report([r], p.values.out, out);
  }
  return 0;
}

async function traceCommand(args: string[], out: CliOutput): Promise<number> {
  if (args[0] !== "replay") {
    return usageError(
      out,
      (args[0] === undefined ? "trace needs a subcommand" : "unknown subcommand trace " + JSON.stringify(args[0])) +
        "; valid: trace replay FILE",
    );
  }
  const p = parse(args.slice(1), { board: { type: "string" }, experiment: { type: "string" }, out: { type: "string" } }, "trace replay");
  if (typeof p === "string") return usageError(out, p);
  if (p.positionals.length !== 1) {
    return usageError(
      out,
      "trace replay needs one trace file" + (p.positionals.length ? ", got " + p.positionals.join(" ") : "") + " (JSON lines; see traces/)",
    );
  }
  for (const k of ["board", "experiment", "out"]) if (p.values[k] === "") return usageError(out, "--" + k + " needs a value");
  const file = resolve(p.positionals[0]);
  if (!existsSync(file)) return usageError(out, "trace file not found: " + p.positionals[0]);
  const trace = readTrace(file, displayPath(file));
  let spec: ExperimentSpec;
  const baseDir = dirname(file);
  if (typeof p.values.experiment === "string") {
    const loaded = loadExperiment(p.values.experiment);
    spec = { ...loaded.spec };
    delete spec.workload;
    delete spec.durationSeconds;
  } else {
    spec = { board: trace.board, allocator: { kind: "granular", region: "free" } };
  }
  if (typeof p.values.board === "string") spec.board = p.values.board;
  else if (typeof p.values.experiment !== "string") spec.board = trace.board;
  spec.trace = file;
  spec.name = "trace " + displayPath(file) + " on " + spec.board;
  const r = runExperiment(spec, { baseDir });
  out.log(formatResult(r));
  if (r.policies.every((q) => q.switchOffs === 0)) {
    out.log("");
    out.log("note: no section of the region was switched off under any policy: with the board's firmware layout the region holds no whole");
    out.log("gateable section. Give a layout with --experiment FILE (its allocator, firmware layout, mode, policies and seed).");
  }
  if (typeof p.values.out === "string") {
    out.log("");
    await report([r], p.values.out, out);
  }
  return 0;
}

/** `sweep …`: handed to sim/sweep.ts's runSweepCli (arguments after "sweep"). */
async function sweepCommand(args: string[], out: CliOutput): Promise<number> {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "sweep.js"), join(here, "sweep.ts")];
  const found = candidates.find((f) => existsSync(f));
  if (found === undefined) {
    out.error("ramkit: sweep is not available in this build (sim/sweep.ts is missing)");
    return 1;
  }
  const mod = await import(pathToFileURL(found).href);
  return await mod.runSweepCli(args, out);
}

function boardsCommand(argv: string[], out: CliOutput): number {
  const p = parse(argv, {}, "boards");
  if (typeof p === "string") return usageError(out, p);
  const args = p.positionals;
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
  const line = (r: string[]) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c])))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w)))].concat(rows.map(line)).join("\n");
}

/** Inclusive address range, as datasheets print it. */
function range(base: number, size: number): string {
  return hex(base) + "-" + hex(base + size - 1);
}

function bytes(n: number): string {
  if (n % 1048576 === 0) return n / 1048576 + " MiB";
  if (n % 1024 === 0) return n / 1024 + " KiB";
  return n + " B";
}

const UNIT_TEXT: { [u: string]: string } = { uA: "µA" };

function amount(f: Figure): string {
  return Number(f.value.toPrecision(4)) + " " + (UNIT_TEXT[f.unit] || f.unit);
}

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
  return (
    table(["board", "title", "chip", "RAM", "gateable sections"], rows) +
    "\n\n* the default board (ramkit start). Details: ramkit boards show NAME"
  );
}

/** Which reserved ranges overlap a section, and by how many bytes. */
function reservedIn(b: Board, s: BoardSection): string {
  const parts: string[] = [];
  for (const r of b.reserved) {
    const lo = Math.max(s.base, r.base);
    const hi = Math.min(s.base + s.size, r.base + r.size);
    if (hi > lo) parts.push(r.kind + " " + (hi - lo === s.size ? "all" : hi - lo + " B"));
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
  out.push(
    "RAM " +
      range(b.ram.base, b.ram.size) +
      " (" +
      bytes(b.ram.size) +
      ") " +
      notes.ref(b.ram.source) +
      "; RAM power control: " +
      b.ramPower +
      "; supply " +
      amount(b.voltage) +
      " " +
      notes.ref(b.voltage.source, b.voltage.derived),
  );
  out.push("File: " + displayPath(b.file));
  out.push("");
  out.push("Memory map");
  const regionOf = (s: BoardSection) =>
    b.regions
      .filter((g) => g.base < s.base + s.size && s.base < g.base + g.size)
      .map((g) => g.name)
      .join(", ");
  out.push(
    table(
      ["section", "address range", "size", "gateable", "power register", "reserved (overlap)", "region", "retention"],
      b.sections.map((s) => [
        s.name,
        range(s.base, s.size),
        bytes(s.size),
        s.gateable ? "yes" : "no",
        powerBit(b, s),
        reservedIn(b, s),
        regionOf(s) || "-",
        amount(s.retention) + " " + notes.ref(s.retention.source, s.retention.derived),
      ]),
    ),
  );
  out.push("");
  out.push("Reserved ranges (RAM ramkit must not manage)");
  out.push(
    b.reserved.length === 0
      ? "  none"
      : table(
          ["name", "kind", "address range", "size", "from"],
          b.reserved.map((r) => [r.name, r.kind, range(r.base, r.size), r.size + " B", notes.ref(r.source, r.derived)]),
        ),
  );
  out.push("");
  out.push("Regions");
  if (b.regions.length === 0) out.push("  none");
  for (const g of b.regions) out.push(wrap("  " + g.name + " " + range(g.base, g.size) + " (" + bytes(g.size) + "): " + g.purpose, "    "));
  out.push("");
  out.push("Power modes (current with no RAM retained; * = default)");
  out.push(
    table(
      ["mode", "current", "retention adds", "description"],
      Object.keys(b.modes).map((k) => {
        const m = b.modes[k];
        return [
          k + (k === b.defaultMode ? " *" : ""),
          amount(m.current) + " " + notes.ref(m.current.source, m.current.derived),
          m.retentionApplies ? "yes" : "no",
          m.description,
        ];
      }),
    ),
  );
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
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

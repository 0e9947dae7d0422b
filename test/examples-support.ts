// Scripts that run an example off the board (examples/stand-in.js first):
// - for the engines of the engine matrix: the modules as CommonJS function
//   wrappers behind a small `require`, as scripts/engines.mjs loads bundles;
// - for the Espruino interpreter: the flash tool's own dry-run upload file
//   (Modules.addCached), so what runs there is what `npm run flash` sends.
// Both end with a footer that lets the stand-in's clock run and prints what
// it recorded as one `stand-in: {…}` line.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadBoard } from "../sim/boards.js";
import { boardModuleSource } from "../scripts/flash/upload.mjs";
import { ENGINES, which, runCommand } from "../scripts/engines.mjs";
import { espruinoBinary, runEspruino } from "./flash-espruino.js";

export const STAND_IN = readFileSync("examples/stand-in.js", "utf8");

/** What the stand-in recorded. */
export interface StandInReport {
  t: number;
  writes: [number, number][];
  violations: string[];
}

/** The footer: run the clock `seconds`, then print the stand-in's record. */
export function footer(seconds: number): string {
  return (
    "\nSTAND_IN.run(" +
    seconds +
    ');\nprint("stand-in: " + JSON.stringify({ t: STAND_IN.t, writes: STAND_IN.writes, violations: STAND_IN.violations }));\n'
  );
}

/** The script for the matrix engines: `before` (extra stand-ins), the stand-in, the modules, the example, the footer. */
export function matrixScript(example: string, board: string, seconds: number, before = "", minified = true): string {
  const form = minified ? ".min.js" : ".js";
  const mods: [string, string][] = [
    ["ramkit", readFileSync("dist/ramkit" + form, "utf8")],
    ["ramkit-board", boardModuleSource(loadBoard(board))],
    ["ramkit-debug", readFileSync("dist/ramkit-debug" + form, "utf8")],
  ];
  let s =
    "var __mods = {}, __cache = {};\n" +
    "var require = function (name) {\n" +
    "  if (!(name in __cache)) {\n" +
    '    if (!(name in __mods)) throw new Error("module " + name + " not found");\n' +
    "    var module = { exports: {} };\n" +
    "    __mods[name](module, module.exports, require);\n" +
    "    __cache[name] = module.exports;\n" +
    "  }\n" +
    "  return __cache[name];\n" +
    "};\n";
  for (const [name, text] of mods) s += "__mods[" + JSON.stringify(name) + "] = function (module, exports, require) {\n" + text + "\n};\n";
  return before + "\n" + STAND_IN + "\n" + s + example + footer(seconds);
}

/** One engine's output, or the reason it did not run. */
export interface EngineRun {
  engine: string;
  output: string;
  error: string | null;
  skipped: string | null;
}

/** Run `script` on every engine of the matrix (command engines missing from PATH are skipped; the opt-in Espruino engine is runOnEspruino's). */
export async function runMatrix(script: string, name: string): Promise<EngineRun[]> {
  const dir = mkdtempSync(join(tmpdir(), "ramkit-example-"));
  const file = join(dir, name);
  writeFileSync(file, script);
  try {
    const out: EngineRun[] = [];
    for (const e of ENGINES) {
      if (e.optIn) continue;
      if (e.command && !which(e.command)) {
        out.push({ engine: e.name, output: "", error: null, skipped: "`" + e.command + "` not found (" + e.install + ")" });
        continue;
      }
      const r = await (e.run || runCommand(e.command!))(script, file);
      out.push({ engine: e.name, output: r.output.replace(/\r/g, ""), error: r.error, skipped: null });
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Run `app` on the Espruino interpreter as the flash tool uploads it for
 * `board` (`debug` adds the add-on, `extra` more flash options such as
 * --storage): stand-in, `before`, the dry-run upload file, footer, in a
 * fresh directory (its own Storage). Null when there is no interpreter.
 */
export function runOnEspruino(
  app: string,
  board: string,
  seconds: number,
  debug: boolean,
  before = "",
  extra: string[] = [],
): { status: number | null; output: string } | null {
  const bin = espruinoBinary();
  if (!bin) return null;
  const dir = mkdtempSync(join(tmpdir(), "ramkit-example-"));
  try {
    const r = spawnSync(
      process.execPath,
      [resolve("scripts/flash.mjs"), "--board", board, "--dry-run", "--no-build", "--app", resolve(app), "--out-dir", dir].concat(
        debug ? ["--debug"] : [],
        extra,
      ),
      { encoding: "utf8" },
    );
    if (r.status !== 0) throw new Error("flash dry run failed: " + r.stdout + r.stderr);
    const upload = readFileSync(join(dir, board + ".js"), "latin1");
    const file = join(dir, "run.js");
    writeFileSync(file, before + "\n" + STAND_IN + "\n" + upload + footer(seconds), "latin1");
    return runEspruino(bin, file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The stand-in's record in an output, or null. */
export function standInReport(output: string): StandInReport | null {
  const line = output
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("stand-in: "));
  return line ? JSON.parse(line.slice("stand-in: ".length)) : null;
}

/** Whether the bundles the scripts need are built. */
export const BUILT = existsSync("dist/ramkit.min.js") && existsSync("dist/ramkit-debug.min.js") && existsSync("dist/node/sim/boards.js");

// The examples (examples/*.js): they pass the bundle checker, and run with
// examples/stand-in.js in place of the hardware on every engine of the
// engine matrix (the Espruino profile included) and, when one is at hand,
// on the Espruino interpreter exactly as `npm run flash` uploads them. The
// stand-in records every RAM power register write and fails any access to
// reserved or switched-off RAM.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync } from "node:fs";
import { checkSource, formatFinding } from "../scripts/check-bundle.mjs";
import { parseTrace } from "../sim/trace.js";
import { extractTrace } from "../scripts/flash/upload.mjs";
import { BUILT, matrixScript, runMatrix, runOnEspruino, standInReport } from "./examples-support.js";
import { NO_ESPRUINO } from "./flash-espruino.js";

const SKIP = "  (skipped: run `npm run build` first)";
const CLR = 0x40000968,
  SET = 0x40000964; // RAM[6].POWERCLR / POWERSET: RAM6.S0 is bit 0 (and bit 16, its retention)

test("every example passes the bundle checker (ES5, declared before use, nothing Espruino lacks)", () => {
  const files = readdirSync("examples")
    .filter((f) => f.endsWith(".js"))
    .sort();
  assert.equal(files, ["bangle-logger.js", "probe.js", "puck-logger.js", "stand-in.js"]);
  for (const f of files) {
    const findings = checkSource(readFileSync("examples/" + f, "utf8"), "examples/" + f);
    assert.equal(findings.map(formatFinding), [], f);
  }
});

/** The Puck logger's lines for `batches` batches. */
function puckLines(output: string, batches: number, gated: string): void {
  const lines = output.split("\n").filter((l) => l.startsWith("puck-logger: "));
  assert.match(lines[0], gated);
  assert.is(lines[1], "puck-logger: 158 blocks of 64 bytes at 0x2000b840, batches of 120");
  assert.is(lines.length, 2 + batches, output);
  for (let b = 1; b <= batches; b++)
    assert.match(
      lines[1 + b],
      new RegExp("^puck-logger: batch " + b + ": 960 samples, mean \\|x\\| \\d+, mean 2\\d\\.\\d C; sections on 16 of 16$"),
    );
}

/** The register writes of `cycles` off/on cycles of RAM6.S0, ending off when `endOff`. */
function cycles(n: number): [number, number][] {
  const w: [number, number][] = [];
  for (let i = 0; i < n; i++) w.push([CLR, 0x10001], [SET, 0x1]);
  w.push([CLR, 0x10001]);
  return w;
}

test("puck-logger on every engine of the matrix: pack+gate switches RAM6.S0 off when a batch leaves it empty, on before it is used", async () => {
  if (!BUILT) {
    console.log(SKIP);
    return;
  }
  const runs = await runMatrix(matrixScript(readFileSync("examples/puck-logger.js", "utf8"), "PUCKJS", 3000), "puck-logger.js");
  assert.equal(
    runs.map((r) => r.engine),
    ["node", "quickjs", "quickjs-espruino", "duk", "mujs"],
  );
  for (const r of runs) {
    if (r.skipped) {
      console.log("  (" + r.engine + " skipped: " + r.skipped + ")");
      continue;
    }
    assert.is(r.error, null, r.engine + ": " + r.error + "\n" + r.output);
    puckLines(r.output, 3, "puck-logger: sections that can be switched off: RAM6.S0");
    const rep = standInReport(r.output)!;
    assert.equal(rep.violations, [], r.engine);
    // Off 30 s after the start (never used yet), on for each batch's 95th block, off 30 s after each batch is sent.
    assert.equal(rep.writes, cycles(3), r.engine);
  }
});

test("puck-logger on stock firmware (the SoftDevice enabled): nothing can be switched off, nothing is written, it logs all the same", async () => {
  if (!BUILT) {
    console.log(SKIP);
    return;
  }
  const runs = await runMatrix(
    matrixScript(readFileSync("examples/puck-logger.js", "utf8"), "PUCKJS", 1000, "var NRF = {};"),
    "puck-stock.js",
  );
  for (const r of runs.filter((x) => x.engine === "node" || x.engine === "quickjs-espruino")) {
    assert.is(r.error, null, r.engine + ": " + r.error);
    puckLines(r.output, 1, "puck-logger: no section can be switched off here: the SoftDevice is enabled");
    assert.equal(standInReport(r.output), { t: 1000, writes: [], violations: [] });
  }
});

test("puck-logger on the Espruino interpreter, as docs/ONBOARD.md uploads it: to Storage, with only the exports it uses", () => {
  if (!BUILT) {
    console.log(SKIP);
    return;
  }
  const r = runOnEspruino("examples/puck-logger.js", "PUCKJS", 2000, false, "", [
    "--storage",
    "--only",
    "MemBlocks,BankManager,nrf52Power,PeekPokeMemory",
  ]);
  if (r === null) {
    console.log(NO_ESPRUINO);
    return;
  }
  assert.not.match(r.output, /Uncaught|Error/, r.output);
  puckLines(r.output, 2, "puck-logger: sections that can be switched off: RAM6.S0");
  const rep = standInReport(r.output)!;
  assert.equal(rep.violations, []);
  assert.equal(rep.writes, cycles(2));
});

/** The Bangle logger's output: summary lines each minute, and a trace that parses. */
function bangleChecks(output: string, seconds: number, who: string): void {
  const lines = output.split("\n").filter((l) => l.startsWith("bangle-logger: "));
  assert.is(lines[0], "bangle-logger: a heap of 30720 bytes at 0x200367f0; tracing to the console", who);
  assert.is(lines.length, 1 + seconds / 60, who);
  for (const l of lines.slice(1))
    assert.match(l, /^bangle-logger: \d+ records stored, \d+ kept \(\d+ bytes\), 0 dropped; sections on 22 of 22$/, who);
  const text = extractTrace(output);
  assert.ok(text, who + ": no trace");
  const tr = parseTrace(text!, who);
  assert.equal([tr.board, tr.note], ["BANGLEJS2", "examples/bangle-logger.js"], who);
  assert.ok(tr.allocs >= 20 && tr.frees >= 10, who + ": " + tr.allocs + " allocations, " + tr.frees + " frees");
  assert.equal(standInReport(output), { t: seconds, writes: [], violations: [] }, who);
}

test("bangle-logger on every engine of the matrix: a trace on the console, nothing gated (no gateable section is free on a Bangle.js 2)", async () => {
  if (!BUILT) {
    console.log(SKIP);
    return;
  }
  const runs = await runMatrix(matrixScript(readFileSync("examples/bangle-logger.js", "utf8"), "BANGLEJS2", 600), "bangle-logger.js");
  for (const r of runs) {
    if (r.skipped) {
      console.log("  (" + r.engine + " skipped: " + r.skipped + ")");
      continue;
    }
    assert.is(r.error, null, r.engine + ": " + r.error);
    bangleChecks(r.output, 600, r.engine);
  }
});

test("bangle-logger on the Espruino interpreter, with the debug add-on, as npm run flash -- --debug uploads it", () => {
  if (!BUILT) {
    console.log(SKIP);
    return;
  }
  const r = runOnEspruino("examples/bangle-logger.js", "BANGLEJS2", 600, true);
  if (r === null) {
    console.log(NO_ESPRUINO);
    return;
  }
  assert.not.match(r.output, /Uncaught|Error/, r.output);
  bangleChecks(r.output, 600, "espruino");
});

test("probe.js on the Espruino interpreter: what the firmware reveals, and the comparison with the board module", () => {
  if (!BUILT) {
    console.log(SKIP);
    return;
  }
  const r = runOnEspruino("examples/probe.js", "PUCKJS", 0, false);
  if (r === null) {
    console.log(NO_ESPRUINO);
    return;
  }
  const lines = r.output.split("\n").filter((l) => l.startsWith("probe: "));
  assert.match(lines[0], /^probe: board LINUX, firmware 2v\d+/);
  assert.match(lines[1], /^probe: variables: \d+ x \d+ bytes = \d+ bytes, \d+ in use$/);
  assert.match(lines[2], /^probe: variables seen in \[0x[0-9a-f]+, 0x[0-9a-f]+\): the pool starts in /);
  assert.match(r.output, /probe: no stackEndAddress: this build does not say where its static data ends/);
  assert.match(r.output, /probe: board file PUCKJS: RAM \[0x20000000, 0x20010000\)/);
  assert.match(r.output, /probe: {3}reserves Stack \[0x2000dff0, 0x2000fff0\) \(measured\)/);
  // The Linux build's variables are not a Puck.js's: the count differs, and the probe says so.
  assert.match(r.output, /probe: DIFFERS: Espruino variables \(JsVars\): 34190 bytes in the file, \d+ on the board/);
  assert.match(lines[lines.length - 1], /^probe: 1 assumption\(s\) of the board file do not hold on this board$/);
});

test.run();

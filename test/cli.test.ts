import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../sim/cli.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BOARDS = ["BANGLEJS2", "ESPRUINOBOARD", "ESPRUINOWIFI", "JOLTJS", "MDBT42Q", "PICO_R1_3", "PIXLJS", "PUCKJS", "STM32L476"];

/** Run main() and capture what it prints. */
function run(...argv: string[]): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(argv, { log: (t) => out.push(t), error: (t) => err.push(t) });
  return { code: code as number, out: out.join("\n"), err: err.join("\n") };
}

test("boards list: one row per board with title, chip, RAM and gateable sections", () => {
  const r = run("boards", "list");
  assert.is(r.code, 0);
  assert.is(r.err, "");
  for (const name of BOARDS) assert.ok(r.out.indexOf(name) >= 0, name);
  assert.match(r.out, /BANGLEJS2 \*\s+Bangle\.js 2\s+nRF52840\s+256 KiB\s+22 of 22/);
  assert.match(r.out, /PICO_R1_3\s+Espruino Pico\s+STM32F401CDU6\s+96 KiB\s+0 of 1/);
});

test("boards show BANGLEJS2: memory map with RAM8.S5, reserved overlap, retention, modes, sources, notes", () => {
  const r = run("boards", "show", "BANGLEJS2");
  assert.is(r.code, 0);
  assert.match(r.out, /RAM8\.S5\s+0x20038000-0x2003FFFF\s+32 KiB\s+yes\s+0x40000980 bit 5\s+stack 8192 B, other 16 B\s+shared\s+207\.5 nA \[\d+\]/);
  assert.match(r.out, /RAM0\.S0\s+0x20000000-0x20000FFF\s+4 KiB\s+yes\s+0x40000900 bit 0\s+softdevice all/);
  assert.match(r.out, /RAM1\.S1 .*softdevice 2928 B, espruino-variables 1168 B/);
  assert.match(r.out, /system-on-idle \*\s+1\.5 µA \[\d+\]\s+yes/);
  assert.match(r.out, /Sources and derivations\n\[1\] source: /);
  assert.match(r.out, /derived: Per 32 KiB section = \(3\.16 uA - 1\.50 uA\)/);
  assert.match(r.out, /ASSUMES/);
  assert.match(r.out, /File: .*BANGLEJS2\.json/);
});

test("boards show accepts any case, and STM32 boards show no power register", () => {
  const r = run("boards", "show", "pico_r1_3");
  assert.is(r.code, 0);
  assert.match(r.out, /SRAM\s+0x20000000-0x20017FFF\s+96 KiB\s+no\s+-\s+espruino-variables 66300 B/);
  assert.match(run("boards", "show", "STM32L476").out, /SRAM2\s+0x20018000-0x2001FFFF\s+32 KiB\s+yes/);
});

test("start prints the default board's map and says what a later version does", () => {
  const r = run("start");
  assert.is(r.code, 0);
  assert.match(r.out, /default board, BANGLEJS2/);
  assert.match(r.out, /later version runs the default/);
  assert.match(r.out, /RAM8\.S5/);
});

test("help, --help, -h and no command print the usage", () => {
  for (const argv of [["help"], ["--help"], ["-h"], [], ["boards", "--help"]]) {
    const r = run(...argv);
    assert.is(r.code, 0, argv.join(" "));
    assert.match(r.out, /Usage:\n {2}ramkit boards list/);
  }
});

test("unknown board, flag, command or subcommand: exit 2 with the valid choices", () => {
  let r = run("boards", "show", "NOPE");
  assert.is(r.code, 2);
  assert.is(r.out, "");
  assert.match(r.err, /unknown board "NOPE"; valid boards: BANGLEJS2, ESPRUINOBOARD/);
  r = run("boards", "list", "--frob");
  assert.is(r.code, 2);
  assert.match(r.err, /unknown option --frob; valid options: -h, --help/);
  r = run("frob");
  assert.is(r.code, 2);
  assert.match(r.err, /unknown command "frob"; valid commands: boards list, boards show NAME, start, help/);
  r = run("boards", "frob");
  assert.is(r.code, 2);
  assert.match(r.err, /valid: boards list, boards show NAME/);
  r = run("boards", "show");
  assert.is(r.code, 2);
  assert.match(r.err, /needs one board name; valid boards: .*PUCKJS/);
  r = run("--help=yes");
  assert.is(r.code, 2);
  assert.match(r.err, /--help takes no value, got --help=yes/);
  assert.not.match(r.err, /unknown option/);
  assert.is(run("boards", "list", "extra").code, 2);
  assert.is(run("start", "now").code, 2);
});

test("a broken board file given by path: exit 2 naming file, path and expectation", () => {
  const file = fileURLToPath(new URL("./fixtures/boards-bad/wrong-type.json", import.meta.url));
  const r = run("boards", "show", file);
  assert.is(r.code, 2);
  assert.match(r.err, /wrong-type\.json: \/banks\/0\/sections\/1\/size: expected an integer/);
});

test("the bin script: ramkit boards list from the build (skipped without dist/node)", () => {
  const built = join(ROOT, "dist", "node", "sim", "cli.js");
  if (!existsSync(built)) {
    console.log("  (skipped: " + built + " missing; run `npm run build` to test scripts/ramkit.mjs)");
    return;
  }
  const r = spawnSync(process.execPath, [join(ROOT, "scripts", "ramkit.mjs"), "boards", "list"], { encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /PUCKJS/);
  const bad = spawnSync(process.execPath, [join(ROOT, "scripts", "ramkit.mjs"), "--frob"], { encoding: "utf8" });
  assert.is(bad.status, 2);
});

test("the bin script without a build says to run npm run build", () => {
  const dir = mkdtempSync(join(tmpdir(), "ramkit-bin-"));
  try {
    mkdirSync(join(dir, "scripts"));
    copyFileSync(join(ROOT, "scripts", "ramkit.mjs"), join(dir, "scripts", "ramkit.mjs"));
    const r = spawnSync(process.execPath, [join(dir, "scripts", "ramkit.mjs"), "boards", "list"], { encoding: "utf8" });
    assert.is(r.status, 1);
    assert.match(r.stderr, /npm run build/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test.run();

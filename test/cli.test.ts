import "../src/debug/host.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../sim/cli.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BOARDS = ["BANGLEJS2", "ESPRUINOBOARD", "ESPRUINOWIFI", "JOLTJS", "MDBT42Q", "PICO_R1_3", "PIXLJS", "PUCKJS", "STM32L476"];

/** Run main() and capture what it prints. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { log: (t) => out.push(t), error: (t) => err.push(t) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** Run main() in a fresh temporary directory (removed afterwards); `files` are written there first. */
async function runIn(files: { [name: string]: string }, ...argv: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "ramkit-cli-"));
  const cwd = process.cwd();
  try {
    for (const f of Object.keys(files)) writeFileSync(join(dir, f), files[f]);
    process.chdir(dir);
    const r = await run(...argv);
    return { ...r, dir, exists: (f: string) => existsSync(join(dir, f)), read: (f: string) => readFileSync(join(dir, f), "utf8") };
  } finally {
    process.chdir(cwd);
    // Removed after the caller has looked: see `cleanup`.
    dirs.push(dir);
  }
}
const dirs: string[] = [];
test.after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const EXPERIMENTS = join(ROOT, "experiments");
const TRACE = join(ROOT, "traces", "example.jsonl");

test("boards list: one row per board with title, chip, RAM and gateable sections", async () => {
  const r = await run("boards", "list");
  assert.is(r.code, 0);
  assert.is(r.err, "");
  for (const name of BOARDS) assert.ok(r.out.indexOf(name) >= 0, name);
  assert.match(r.out, /BANGLEJS2 \*\s+Bangle\.js 2\s+nRF52840\s+256 KiB\s+22 of 22/);
  assert.match(r.out, /PICO_R1_3\s+Espruino Pico\s+STM32F401CDU6\s+96 KiB\s+0 of 1/);
});

test("boards show BANGLEJS2: memory map with RAM8.S5, reserved overlap, retention, modes, sources, notes", async () => {
  const r = await run("boards", "show", "BANGLEJS2");
  assert.is(r.code, 0);
  assert.match(
    r.out,
    /RAM8\.S5\s+0x20038000-0x2003FFFF\s+32 KiB\s+yes\s+0x40000980 bit 5\s+stack 8192 B, other 16 B\s+shared\s+207\.5 nA \[\d+\]/,
  );
  assert.match(r.out, /RAM0\.S0\s+0x20000000-0x20000FFF\s+4 KiB\s+yes\s+0x40000900 bit 0\s+softdevice all/);
  assert.match(r.out, /RAM1\.S1 .*softdevice 2928 B, espruino-variables 1168 B/);
  assert.match(r.out, /system-on-idle \*\s+1\.5 µA \[\d+\]\s+yes/);
  assert.match(r.out, /Sources and derivations\n\[1\] source: /);
  assert.match(r.out, /derived: Per 32 KiB section = \(3\.16 uA - 1\.50 uA\)/);
  assert.match(r.out, /ASSUMES/);
  assert.match(r.out, /File: .*BANGLEJS2\.json/);
});

test("boards show accepts any case, and STM32 boards show no power register", async () => {
  const r = await run("boards", "show", "pico_r1_3");
  assert.is(r.code, 0);
  assert.match(r.out, /SRAM\s+0x20000000-0x20017FFF\s+96 KiB\s+no\s+-\s+espruino-variables 66300 B/);
  assert.match((await run("boards", "show", "STM32L476")).out, /SRAM2\s+0x20018000-0x2001FFFF\s+32 KiB\s+yes/);
});

test("start runs the default experiment: the table, and report/ with index.html, results.csv, results.json", async () => {
  const r = await runIn({}, "start");
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /ramkit start: the default experiment \(.*default\.json\)/);
  assert.match(r.out, /Bangle\.js 2 \(BANGLEJS2, nRF52840\), sensor-logger, 24 h simulated/);
  assert.match(r.out, /policy\s+energy J\s+retention mJ\s+saved % ret\s+saved % total\s+ret\/oracle/);
  for (const p of ["all-on", "heap-top", "gate-empty", "pack\\+gate", "oracle"]) assert.match(r.out, new RegExp("\\n" + p + " "));
  assert.match(r.out, /Wrote report\/index\.html, report\/results\.csv, report\/results\.json/);
  for (const f of ["report/index.html", "report/results.csv", "report/results.json"]) assert.ok(r.exists(f), f);
  const results = JSON.parse(r.read("report/results.json"));
  assert.is(results.length, 1);
  assert.is(results[0].board.name, "BANGLEJS2");
});

test("experiment run FILE prints the table; --out DIR writes the report there", async () => {
  let r = await run("experiment", "run", join(EXPERIMENTS, "trace-example.json"));
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /trace example\.jsonl/);
  assert.match(r.out, /\npack\+gate /);
  r = await runIn({}, "experiment", "run", join(EXPERIMENTS, "trace-example.json"), "--out", "out");
  assert.is(r.code, 0, r.err);
  assert.ok((r as any).exists("out/index.html"));
});

test("trace replay FILE runs the trace under every policy; --board and --experiment change the setup", async () => {
  let r = await run("trace", "replay", TRACE);
  assert.is(r.code, 0, r.err);
  for (const p of ["all-on", "heap-top", "gate-empty", "pack\\+gate", "oracle"]) assert.match(r.out, new RegExp("\\n" + p + " "));
  assert.match(r.out, /note: no section of the region was switched off/);
  r = await run("trace", "replay", TRACE, "--experiment", join(EXPERIMENTS, "trace-example.json"));
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /firmware assumed/);
  assert.not.match(r.out, /note: no section/);
  r = await run("trace", "replay", TRACE, "--board", "JOLTJS");
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /Jolt\.js/);
});

test("experiment, trace and sweep: bad arguments and bad files exit 2 with a message naming what was wrong", async () => {
  const cases: [string[], RegExp][] = [
    [["experiment"], /experiment needs a subcommand; valid: experiment run FILE/],
    [["experiment", "go"], /unknown subcommand experiment "go"/],
    [["experiment", "run"], /experiment run needs one experiment file/],
    [["experiment", "run", "a.json", "b.json"], /needs one experiment file, got a\.json b\.json/],
    [["experiment", "run", "nope.json"], /experiment file not found: nope\.json/],
    [
      ["experiment", "run", join(EXPERIMENTS, "default.json"), "--frob"],
      /unknown option --frob for experiment run; valid options: --out DIR, -h, --help/,
    ],
    [["experiment", "run", join(EXPERIMENTS, "default.json"), "--out"], /--out needs a value/],
    [["trace"], /trace needs a subcommand; valid: trace replay FILE/],
    [["trace", "replay"], /trace replay needs one trace file/],
    [["trace", "replay", "nope.jsonl"], /trace file not found: nope\.jsonl/],
    [["trace", "replay", TRACE, "--board", "NOPE"], /unknown board "NOPE"/],
    [["trace", "replay", TRACE, "--experiment", "nope.json"], /experiment file not found/],
    [
      ["trace", "replay", TRACE, "--bord", "X"],
      /unknown option --bord for trace replay; valid options: --board NAME, --experiment FILE, --out DIR/,
    ],
    [["start", "now"], /start takes no arguments, got now/],
  ];
  for (const [argv, message] of cases) {
    const r = await run(...argv);
    assert.is(r.code, 2, argv.join(" ") + ": " + r.err);
    assert.match(r.err, message, argv.join(" "));
    assert.match(r.err, /Run `ramkit --help` for usage\./);
  }
});

test("a malformed trace or experiment file: exit 2 naming the file, the line or JSON path, and the field; nothing runs", async () => {
  let r = await runIn(
    { "t.jsonl": '{"ramkit-trace": 1, "board": "BANGLEJS2"}\n{"t": 1, "op": "free", "id": 3}\n' },
    "trace",
    "replay",
    "t.jsonl",
  );
  assert.is(r.code, 2);
  assert.match(r.err, /t\.jsonl: malformed trace, nothing was run:\n {2}.*t\.jsonl:2: field "id": free of unknown id 3/);
  assert.is(r.out, "");
  r = await runIn(
    {
      "e.json": JSON.stringify({
        board: "BANGLEJS2",
        durationSeconds: "1 day",
        allocator: { kind: "memblocks", region: "free" },
        workload: { kind: "sensor-logger" },
      }),
    },
    "experiment",
    "run",
    "e.json",
  );
  assert.is(r.code, 2);
  assert.match(r.err, /e\.json: \/durationSeconds: expected a number .*got "1 day"/);
  assert.is(r.out, "");
});

test("sweep is handed to sim/sweep.ts (or says it is missing)", async () => {
  const here = join(ROOT, "sim");
  const r = await run("sweep", "--shard", "x");
  if (!existsSync(join(here, "sweep.ts"))) {
    assert.is(r.code, 1);
    assert.match(r.err, /sweep is not available/);
  } else {
    assert.is.not(r.code, 0);
  }
});

test("help, --help, -h and no command print the usage", async () => {
  for (const argv of [["help"], ["--help"], ["-h"], [], ["boards", "--help"], ["experiment", "run", "-h"]]) {
    const r = await run(...argv);
    assert.is(r.code, 0, argv.join(" "));
    assert.match(r.out, /Usage:\n {2}ramkit start/);
    assert.match(r.out, /ramkit experiment run FILE/);
    assert.match(r.out, /ramkit trace replay FILE/);
    assert.match(r.out, /ramkit boards list/);
  }
  assert.is((await run("help", "me")).code, 2);
});

test("unknown board, flag, command or subcommand: exit 2 with the valid choices", async () => {
  let r = await run("boards", "show", "NOPE");
  assert.is(r.code, 2);
  assert.is(r.out, "");
  assert.match(r.err, /unknown board "NOPE"; valid boards: BANGLEJS2, ESPRUINOBOARD/);
  r = await run("boards", "list", "--frob");
  assert.is(r.code, 2);
  assert.match(r.err, /unknown option --frob for boards; valid options: -h, --help/);
  r = await run("frob");
  assert.is(r.code, 2);
  assert.match(
    r.err,
    /unknown command "frob"; valid commands: start, experiment run FILE, trace replay FILE, sweep FILE, sweep merge FILES…, boards list, boards show NAME, help/,
  );
  r = await run("--frob");
  assert.is(r.code, 2);
  assert.match(r.err, /unknown option --frob/);
  r = await run("boards", "frob");
  assert.is(r.code, 2);
  assert.match(r.err, /valid: boards list, boards show NAME/);
  r = await run("boards", "show");
  assert.is(r.code, 2);
  assert.match(r.err, /needs one board name; valid boards: .*PUCKJS/);
  r = await run("--help=yes");
  assert.is(r.code, 2);
  assert.match(r.err, /--help takes no value, got --help=yes/);
  assert.not.match(r.err, /unknown option/);
  assert.is((await run("boards", "list", "extra")).code, 2);
  assert.is((await run("start", "now")).code, 2);
});

test("a broken board file given by path: exit 2 naming file, path and expectation", async () => {
  const file = fileURLToPath(new URL("./fixtures/boards-bad/wrong-type.json", import.meta.url));
  const r = await run("boards", "show", file);
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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

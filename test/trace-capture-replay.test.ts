// Trace capture end to end: examples/bangle-logger.js runs off the board
// (examples/stand-in.js for the hardware) with a TraceRecorder on the
// console; the trace is taken from the output as `npm run flash --
// --capture` takes it, and replays in the simulator under every policy, by
// the experiment API and by `ramkit trace replay`. On Node always; on the
// Espruino interpreter (the stand-in for the board) when one is at hand;
// and, with RAMKIT_TELNET_TEST=1, through the espruino CLI over TCP to the
// interpreter's telnet console (its fixed port 2323, so not by default).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawn, spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { extractTrace } from "../scripts/flash/upload.mjs";
import { parseTrace } from "../sim/trace.js";
import { runExperiment } from "../sim/experiment.js";
import { POLICY_NAMES } from "../sim/results.js";
import { main as ramkit } from "../sim/cli.js";
import { BUILT, STAND_IN, matrixScript, runOnEspruino } from "./examples-support.js";
import { espruinoBinary, NO_ESPRUINO } from "./flash-espruino.js";
import { runNode } from "../scripts/engines.mjs";

const SKIP = "  (skipped: run `npm run build` first)";
const APP = "examples/bangle-logger.js";

/** Replay `text` under every policy through the experiment API; every policy runs without a failure or a data error. */
function replayAll(text: string, who: string): void {
  const tr = parseTrace(text, who);
  assert.is(tr.board, "BANGLEJS2");
  const r = runExperiment({ board: tr.board, allocator: { kind: "granular", region: "free" }, trace: who + ".jsonl" }, { traceText: text });
  assert.equal(
    r.policies.map((p) => p.policy),
    POLICY_NAMES.slice(),
    who,
  );
  for (const p of r.policies) {
    assert.is(p.failures, 0, who + " " + p.policy + ": failures");
    assert.is(p.dataErrors || 0, 0, who + " " + p.policy + ": data errors");
    assert.ok(p.peakLiveBytes > 0, who + " " + p.policy + ": peak live bytes");
  }
}

/** `ramkit trace replay FILE`: exit 0 and a table row per policy. */
async function replayCli(text: string, dir: string): Promise<string> {
  const file = join(dir, "captured.jsonl");
  writeFileSync(file, text);
  const lines: string[] = [];
  const out = {
    log: (s: string) => {
      lines.push(s);
    },
    error: (s: string) => {
      lines.push("error: " + s);
    },
  };
  const code = await ramkit(["trace", "replay", file], out as any);
  const all = lines.join("\n");
  assert.is(code, 0, all);
  for (const p of POLICY_NAMES) assert.match(all, new RegExp("^" + p.replace("+", "\\+") + "\\s", "m"));
  return all;
}

test("captured on Node: the trace in the console output replays under every policy (API and CLI)", async () => {
  if (!BUILT) {
    console.log(SKIP);
    return;
  }
  const r = runNode(matrixScript(readFileSync(APP, "utf8"), "BANGLEJS2", 900), "bangle.js");
  assert.is(r.error, null, r.error!);
  const text = extractTrace(r.output);
  assert.ok(text, "no trace in the output");
  replayAll(text!, "node");
  const dir = mkdtempSync(join(tmpdir(), "ramkit-capture-"));
  try {
    await replayCli(text!, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("captured on the Espruino interpreter (the stand-in for the board): replays under every policy (API and CLI)", async () => {
  if (!BUILT) {
    console.log(SKIP);
    return;
  }
  const r = runOnEspruino(APP, "BANGLEJS2", 900, true);
  if (r === null) {
    console.log(NO_ESPRUINO);
    return;
  }
  const text = extractTrace(r.output);
  assert.ok(text, "no trace in the output:\n" + r.output);
  const tr = parseTrace(text!, "espruino");
  assert.ok(tr.allocs >= 30 && tr.frees >= 20, tr.allocs + " allocations, " + tr.frees + " frees");
  replayAll(text!, "espruino");
  const dir = mkdtempSync(join(tmpdir(), "ramkit-capture-"));
  try {
    await replayCli(text!, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("npm run flash -- --sleep S --capture FILE over TCP to the interpreter's telnet console (RAMKIT_TELNET_TEST=1)", async () => {
  if (process.env.RAMKIT_TELNET_TEST !== "1") {
    console.log("  (skipped: set RAMKIT_TELNET_TEST=1; it uses the interpreter's fixed telnet port 2323)");
    return;
  }
  const bin = espruinoBinary();
  if (!BUILT) {
    console.log(SKIP);
    return;
  }
  if (!bin) {
    console.log(NO_ESPRUINO);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "ramkit-capture-"));
  // The interpreter, its console on telnet; stdin kept open so that it stays up. Ended by its pid.
  const board = spawn(bin, ["--telnet"], { cwd: dir, stdio: ["pipe", "ignore", "ignore"] });
  try {
    spawnSync("sleep", ["1"]);
    writeFileSync(join(dir, "app.js"), STAND_IN + "\n" + readFileSync(APP, "utf8") + '\nSTAND_IN.run(300);\nprint("done");\n');
    const capture = join(dir, "cap.jsonl");
    const r = spawnSync(
      process.execPath,
      [
        resolve("scripts/flash.mjs"),
        "--board",
        "BANGLEJS2",
        "--debug",
        "--storage",
        "--no-build",
        "--port",
        "tcp://127.0.0.1:2323",
        "--app",
        join(dir, "app.js"),
        "--sleep",
        "10",
        "--capture",
        capture,
        "--out-dir",
        dir,
      ],
      { encoding: "utf8", timeout: 600000 },
    );
    assert.is(r.status, 0, r.stdout + r.stderr);
    assert.ok(existsSync(capture), r.stdout);
    replayAll(readFileSync(capture, "utf8"), "telnet");
  } finally {
    board.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

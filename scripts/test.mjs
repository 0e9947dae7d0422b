#!/usr/bin/env node
// `npm test`: every stage that must hold, in order, streaming its output:
//   build          the board bundles, the add-on, the Node build, the declaration rollups
//   typecheck      tsc over src/ (board profile) and over src/, sim/, test/, scripts/
//   lint           biome check: formatting and lint rules (biome.json)
//   lint:deps      the import rules: layers, nothing under src/ from above it (.dependency-cruiser.cjs)
//   check:api      the public API against its reports in etc/ (API Extractor)
//   check:bundle   the built board files against what the engines lack
//   size           each board bundle's bytes and Espruino RAM blocks against its budget
//   test:unit      the uvu tests (unit, model-based, contract, layers, bundles)
//   test:engines   the conformance parts on every engine, lean and with the add-on
//   test:pack      the packed tarball in a scratch project, from strict TypeScript
// Stops at the first failing stage with its exit code. The last line is
// always `N passed, N failed`: unit tests + engine runs + 1 per other stage.
import { spawn } from "node:child_process";

const STAGES = [
  { script: "build", kind: "stage" },
  { script: "typecheck", kind: "stage" },
  { script: "lint", kind: "stage" },
  { script: "lint:deps", kind: "stage" },
  { script: "check:api", kind: "stage" },
  { script: "check:bundle", kind: "stage" },
  { script: "size", kind: "stage" },
  { script: "test:unit", kind: "uvu" },
  { script: "test:engines", kind: "engines" },
  { script: "test:pack", kind: "stage" },
];

const ANSI = /\x1b\[[0-9;]*m/g;

function run(script) {
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", script], { stdio: ["inherit", "pipe", "pipe"] });
    let text = "";
    child.stdout.on("data", (d) => {
      process.stdout.write(d);
      text += d;
    });
    child.stderr.on("data", (d) => {
      process.stderr.write(d);
      text += d;
    });
    child.on("error", (e) => {
      text += String(e);
      resolve({ code: 127, text });
    });
    child.on("close", (code, signal) => resolve({ code: code === null ? (signal ? 128 : 1) : code, text: text.replace(ANSI, "") }));
  });
}

/** `{ passed, failed }` for one finished stage. */
function count(stage, code, text) {
  if (stage.kind === "uvu") {
    const total = /Total:\s+(\d+)/.exec(text),
      passed = /Passed:\s+(\d+)/.exec(text),
      skipped = /Skipped:\s+(\d+)/.exec(text);
    if (total && passed) {
      const failed = Number(total[1]) - Number(passed[1]) - (skipped ? Number(skipped[1]) : 0);
      return { passed: Number(passed[1]), failed: code !== 0 && failed === 0 ? 1 : failed };
    }
  }
  if (stage.kind === "engines") {
    const m = /^engines: (\d+) passed, (\d+) failed$/m.exec(text);
    if (m) return { passed: Number(m[1]), failed: code !== 0 && m[2] === "0" ? 1 : Number(m[2]) };
  }
  return code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
}

let passed = 0,
  failed = 0,
  exit = 0;
for (const stage of STAGES) {
  console.log("\n== npm run " + stage.script);
  const { code, text } = await run(stage.script);
  const c = count(stage, code, text);
  passed += c.passed;
  failed += c.failed;
  if (code !== 0) {
    console.log("\n== npm run " + stage.script + " failed (exit code " + code + "); later stages not run");
    exit = code;
    break;
  }
}
console.log(passed + " passed, " + failed + " failed");
process.exitCode = exit;

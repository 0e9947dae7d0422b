#!/usr/bin/env node
// Simulator speed: simulated seconds per wall-clock second of a bank power-down
// experiment, on the Node build (dist/node, made by `npm run build`).
//
//   node scripts/bench/sim.mjs [--rounds N]
//
// Measures one simulated day of the sensor logger sampling at 1 Hz all day
// (86,400 records into MemBlocks blocks, one flush every 20 minutes), with
// its allocator, the bank manager and the SimMcu's energy integral, on the
// default experiment's board and firmware layout: each policy's run (a fresh
// SimMcu each), and the whole default experiment (every policy, the oracle). Reports the best of N rounds (the least disturbed figure on a
// shared machine). The goal: one policy's day in well under 1 s. Never part
// of `npm test`: it measures, it does not judge correctness.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const root = fileURLToPath(new URL("../../", import.meta.url));
const built = root + "dist/node/sim/experiment.js";
if (!existsSync(built)) {
  console.error("bench/sim: the Node build is missing (" + built + "); run `npm run build` first.");
  process.exit(1);
}
const { values } = parseArgs({ options: { rounds: { type: "string", default: "5" } } });
const rounds = Number(values.rounds);
if (!(rounds >= 1) || Math.floor(rounds) !== rounds) {
  console.error("bench/sim: --rounds must be an integer >= 1, got " + values.rounds);
  process.exit(2);
}
const { loadExperiment, runExperiment } = await import(pathToFileURL(built).href);

const { spec, baseDir } = loadExperiment(root + "experiments/default.json");
const day = 86400;
/** The default experiment with the logger sampling all day, under `policies`. */
const variant = (policies) => ({ ...spec, durationSeconds: day, policies, workload: { kind: "sensor-logger", params: { sessionMeanSeconds: 0 } } });

/**
 * Wall-clock ms of each policy's run in one experiment, timed between the
 * runner's onPolicy calls (the first, all-on, includes generating the
 * workload's events); the best of `rounds` experiments per policy.
 */
function perPolicy(s) {
  const min = {};
  for (let i = 0; i < rounds; i++) {
    let last = performance.now();
    runExperiment(s, {
      baseDir, onPolicy(name) {
        const now = performance.now();
        min[name] = Math.min(min[name] === undefined ? Infinity : min[name], now - last);
        last = now;
      },
    });
  }
  return min;
}

runExperiment(variant(["all-on"]), { baseDir }); // warm-up
const times = perPolicy(variant(["all-on", "heap-top", "gate-empty", "pack+gate"]));
const rows = Object.keys(times).map((p) => [p === "all-on" ? "all-on (+ generating the events)" : p, times[p]]);
let whole = Infinity;
for (let i = 0; i < rounds; i++) {
  const t0 = performance.now();
  runExperiment({ ...spec }, { baseDir });
  whole = Math.min(whole, performance.now() - t0);
}

const fmt = (n) => Math.round(n).toLocaleString("en-US");
console.log("Simulator speed: one simulated day (86,400 s) of the sensor logger at 1 Hz, all day; best of " + rounds + " rounds");
console.log("");
console.log("policy                            wall ms   simulated s per wall s");
console.log("--------------------------------  -------  -----------------------");
for (const [p, ms] of rows) console.log(p.padEnd(32) + "  " + ms.toFixed(0).padStart(7) + "  " + fmt(day / (ms / 1000)).padStart(23));
console.log("");
console.log("the default experiment (sessions, every policy and the oracle): " + whole.toFixed(0) + " ms (" + fmt(4 * day / (whole / 1000)) + " simulated s per wall s over its four runs)");
console.log("goal: one policy's day in well under 1000 ms: " + (rows.every(([, ms]) => ms < 1000) ? "met" : "NOT met"));

#!/usr/bin/env node
// Simulator speed, on the Node build (dist/node, made by `npm run build`;
// `npm run bench` runs this after the allocator benchmarks):
//
//   node scripts/bench/sim.mjs [--rounds N] [--access-only] [--compare FILE]
//
// 1. Memory access throughput: read32/write32 and read8/write8 through a
//    SimMcu of BANGLEJS2 over a 64 KiB region that spans several sections
//    (0x20004000..0x20014000: twelve 4 KiB sections and half of a 32 KiB
//    one), against the same accesses, in the same order, on a plain
//    Uint32Array/Uint8Array of the region's size (unsigned elements, as
//    read32/read8 return: the Memory port's values read are unsigned). Every access writes then
//    reads back each word (or byte) of the region in address order, and both
//    sides must produce the same checksum. Each round times every case once
//    (interleaved, ~60 ms a sample); the figures are the medians of the
//    rounds (9 by default), and the ratio is SimMcu ops/s over plain ops/s.
//    Goal: at least 0.25x for words and for bytes. --compare FILE also
//    measures the SimMcu class exported by FILE (e.g. a copy of an earlier
//    dist/node/sim/mcu.js placed beside it) in the same interleaved rounds,
//    to compare two versions on the same machine in the same run.
// 2. One simulated day of the sensor logger sampling at 1 Hz all day
//    (86,400 records into MemBlocks blocks, one flush every 20 minutes), with
//    its allocator, the bank manager and the SimMcu's energy integral, on the
//    default experiment's board and firmware layout: each policy's run (a
//    fresh SimMcu each), and the whole default experiment (every policy, the
//    oracle). Reports the best of N rounds (the least disturbed figure on a
//    shared machine). The goal: one policy's day in well under 1 s.
// Never part of `npm test`: it measures, it does not judge correctness.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { parseArgs } from "node:util";

const root = fileURLToPath(new URL("../../", import.meta.url));
const built = root + "dist/node/sim/experiment.js";
if (!existsSync(built)) {
  console.error("bench/sim: the Node build is missing (" + built + "); run `npm run build` first.");
  process.exit(1);
}
const { values } = parseArgs({
  options: { rounds: { type: "string", default: "5" }, "access-only": { type: "boolean", default: false }, compare: { type: "string" } },
});
const rounds = Number(values.rounds);
if (!(rounds >= 1) || Math.floor(rounds) !== rounds) {
  console.error("bench/sim: --rounds must be an integer >= 1, got " + values.rounds);
  process.exit(2);
}
const { loadExperiment, runExperiment } = await import(pathToFileURL(built).href);
const { SimMcu } = await import(pathToFileURL(root + "dist/node/sim/mcu.js").href);
const { loadBoard } = await import(pathToFileURL(root + "dist/node/sim/boards.js").href);
const Other = values.compare ? (await import(pathToFileURL(resolve(values.compare)).href)).SimMcu : null;

// ---- 1. memory access throughput -------------------------------------------

const ACCESS_GOAL = 0.25;
const REGION = 0x20004000,
  REGION_BYTES = 0x10000;
const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// The loops, one per function, each optimised on its own with the type
// feedback of its own loop. Their bounds and first values come in as
// arguments: V8 allocates a function's feedback only after its first calls,
// so arithmetic before the loop (even on constants) has none when the loop
// is first optimised mid-call, and the next call's optimised code then
// deoptimises there; in some runs the plain words loop never got its speed
// back (2 to 4 times slower), on either side of the ratio. The words
// written come from a table (an Int32Array: a loop that computed them from
// constants beyond the small-integer range ran at one speed or another
// depending on how V8 represented them).
const END = REGION + REGION_BYTES,
  WORDS = REGION_BYTES >> 2;
const V32 = new Int32Array(WORDS);
for (let i = 0, v = 0x9e3779b9 | 0; i < WORDS; i++, v = (v + 0x6d2b79f5) | 0) V32[i] = v;
function simWrite32(m, a0, end, vals) {
  for (let a = a0, i = 0; a < end; a += 4, i++) m.write32(a, vals[i]);
}
function simRead32(m, a0, end) {
  let sum = 0;
  for (let a = a0; a < end; a += 4) sum = (sum + m.read32(a)) | 0;
  return sum;
}
function plainWrite32(w, n, vals) {
  for (let i = 0; i < n; i++) w[i] = vals[i];
}
function plainRead32(w, n) {
  let sum = 0;
  for (let i = 0; i < n; i++) sum = (sum + w[i]) | 0;
  return sum;
}
function simWrite8(m, a0, end) {
  for (let a = a0, v = 7; a < end; a++, v = (v * 5 + 1) & 0xff) m.write8(a, v);
}
function simRead8(m, a0, end) {
  let sum = 0;
  for (let a = a0; a < end; a++) sum = (sum + m.read8(a)) | 0;
  return sum;
}
function plainWrite8(b, n) {
  for (let i = 0, v = 7; i < n; i++, v = (v * 5 + 1) & 0xff) b[i] = v;
}
function plainRead8(b, n) {
  let sum = 0;
  for (let i = 0; i < n; i++) sum = (sum + b[i]) | 0;
  return sum;
}

/** One pass of each case: write every word (byte) of the region, then read every one back; returns a checksum. Ops per pass: 2 x words (bytes). */
const cases = {
  simWords: (m) => (simWrite32(m, REGION, END, V32), simRead32(m, REGION, END)),
  plainWords: (w) => (plainWrite32(w, WORDS, V32), plainRead32(w, WORDS)),
  simBytes: (m) => (simWrite8(m, REGION, END), simRead8(m, REGION, END)),
  plainBytes: (b) => (plainWrite8(b, REGION_BYTES), plainRead8(b, REGION_BYTES)),
};

/** Memory accesses per second of SimMcu and of plain typed arrays (medians of interleaved rounds) and their ratios. */
export function accessThroughput(nRounds, sampleMs = 60) {
  const mcu = new SimMcu(loadBoard("BANGLEJS2"));
  const bytes = new Uint8Array(REGION_BYTES),
    words = new Uint32Array(REGION_BYTES >> 2);
  const target = { simWords: mcu, plainWords: words, simBytes: mcu, plainBytes: bytes };
  const opsPerPass = {
    simWords: REGION_BYTES >> 1,
    plainWords: REGION_BYTES >> 1,
    simBytes: REGION_BYTES * 2,
    plainBytes: REGION_BYTES * 2,
  };
  if (Other) {
    // The other version gets its own copies of the loops (own call sites, own type feedback).
    const other = new Other(loadBoard("BANGLEJS2"));
    const copy = (f) => new Function("return " + f.toString())();
    const [w32, r32, w8, r8] = [simWrite32, simRead32, simWrite8, simRead8].map(copy);
    cases.otherWords = (m) => (w32(m, REGION, END, V32), r32(m, REGION, END));
    cases.otherBytes = (m) => (w8(m, REGION, END), r8(m, REGION, END));
    Object.assign(target, { otherWords: other, otherBytes: other });
    Object.assign(opsPerPass, { otherWords: opsPerPass.simWords, otherBytes: opsPerPass.simBytes });
  }
  const names = Object.keys(cases);
  // Same accesses, same results: a wrong fast path shows up here, not as a speed-up.
  for (const k of names) {
    const plain = k.endsWith("Words") ? cases.plainWords(words) : cases.plainBytes(bytes);
    if (cases[k](target[k]) !== plain) throw new Error("bench/sim: " + k + " disagrees with the plain arrays on the access checksum");
  }
  // Warm up and calibrate: passes per sample so that each sample takes ~sampleMs.
  const passes = {};
  for (const k of names) {
    let p = 1;
    for (;;) {
      const t0 = performance.now();
      for (let i = 0; i < p; i++) cases[k](target[k]);
      const ms = performance.now() - t0;
      if (ms >= sampleMs / 4) {
        passes[k] = Math.max(1, Math.round((p * sampleMs) / ms));
        break;
      }
      p *= 2;
    }
  }
  const rates = Object.fromEntries(names.map((k) => [k, []]));
  let sink = 0;
  for (let r = 0; r < nRounds; r++) {
    const order = r % 2 === 0 ? names : names.slice().reverse();
    for (const k of order) {
      const t0 = performance.now();
      for (let i = 0; i < passes[k]; i++) sink ^= cases[k](target[k]);
      rates[k].push((passes[k] * opsPerPass[k]) / ((performance.now() - t0) / 1000));
    }
  }
  const med = Object.fromEntries(names.map((k) => [k, median(rates[k])]));
  const counted = mcu.totals();
  return {
    words: { sim: med.simWords, plain: med.plainWords, ratio: med.simWords / med.plainWords },
    bytes: { sim: med.simBytes, plain: med.plainBytes, ratio: med.simBytes / med.plainBytes },
    other: Other
      ? {
          words: med.otherWords / med.plainWords,
          bytes: med.otherBytes / med.plainBytes,
          wordsPerSec: med.otherWords,
          bytesPerSec: med.otherBytes,
        }
      : null,
    goal: ACCESS_GOAL,
    rounds: nRounds,
    sink,
    accesses: counted.reads + counted.writes,
  };
}

const access = accessThroughput(Math.max(rounds, 9));
const mops = (x) => (x / 1e6).toFixed(1).padStart(8) + " M/s";
console.log(
  "Simulator memory access: BANGLEJS2, 64 KiB at 0x20004000 (13 sections), write then read back in address order; medians of " +
    access.rounds +
    " interleaved rounds",
);
console.log("");
console.log("access           SimMcu        plain typed array   SimMcu / plain");
console.log("---------------  ------------  ------------------  --------------");
console.log(
  "read32/write32   " +
    mops(access.words.sim) +
    "  " +
    mops(access.words.plain).padStart(18) +
    "  " +
    (access.words.ratio.toFixed(3) + "x").padStart(14),
);
console.log(
  "read8/write8     " +
    mops(access.bytes.sim) +
    "  " +
    mops(access.bytes.plain).padStart(18) +
    "  " +
    (access.bytes.ratio.toFixed(3) + "x").padStart(14),
);
if (access.other) {
  console.log(
    "--compare " +
      values.compare +
      ": read32/write32 " +
      mops(access.other.wordsPerSec).trim() +
      " = " +
      access.other.words.toFixed(3) +
      "x plain; read8/write8 " +
      mops(access.other.bytesPerSec).trim() +
      " = " +
      access.other.bytes.toFixed(3) +
      "x plain (same rounds)",
  );
}
const accessMet = access.words.ratio >= ACCESS_GOAL && access.bytes.ratio >= ACCESS_GOAL;
console.log("goal: SimMcu at least " + ACCESS_GOAL + "x plain typed-array access (words and bytes): " + (accessMet ? "met" : "NOT met"));
console.log("");
if (values["access-only"]) process.exit(0);

// ---- 2. one simulated day ---------------------------------------------------

const { spec, baseDir } = loadExperiment(root + "experiments/default.json");
const day = 86400;
/** The default experiment with the logger sampling all day, under `policies`. */
const variant = (policies) => ({
  ...spec,
  durationSeconds: day,
  policies,
  workload: { kind: "sensor-logger", params: { sessionMeanSeconds: 0 } },
});

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
      baseDir,
      onPolicy(name) {
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
console.log(
  "the default experiment (sessions, every policy and the oracle): " +
    whole.toFixed(0) +
    " ms (" +
    fmt((4 * day) / (whole / 1000)) +
    " simulated s per wall s over its four runs)",
);
console.log("goal: one policy's day in well under 1000 ms: " + (rows.every(([, ms]) => ms < 1000) ? "met" : "NOT met"));

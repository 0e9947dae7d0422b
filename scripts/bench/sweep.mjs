#!/usr/bin/env node
// Sweep speed: the same 16-experiment sweep on 1 worker thread and on 2,
// and the ratio (goal: at least 1.7x on a 2-core machine). Never part of
// `npm test` (tests do not judge timings).
//
//   npm run build --silent && node scripts/bench/sweep.mjs [--rounds N] [--duration SECONDS] [--json]
//
// The grid is experiments/sweep-example.json (every policy, every workload,
// Puck.js and Bangle.js 2) with seeds 1 and 2: 2 boards x 4 workloads x 2
// seeds = 16 experiments, each under every policy, over --duration simulated
// seconds (default 86400, one day, so that an experiment's work outweighs a worker's
// start-up). It runs the built simulator (dist/node/sim), whose pool loads the
// compiled worker, as `ramkit sweep` does after `npm run build`. The two
// configurations alternate for --rounds rounds (default 3); the report gives
// each one's median and best wall-clock time and the ratios of both, and checks
// that both configurations produced the same rows. It also reports the
// process CPU time (all threads: the workers, V8's compiler and GC threads)
// over the wall time of each configuration's median run (a 1-worker sweep
// near 1.0 core leaves the second core to the second worker), and the load
// average before and after, and what the machine allowed at the time: the
// throughput of a busy loop on 2 threads over 1 (2.0 on an idle 2-core
// machine; near 1.0 when other processes already keep a core busy, and then
// no sweep can scale). Compare runs made at a low load.
//
// Cold and warm. Each cold run is what one `ramkit sweep` does: a new pool,
// whose workers start, load the simulator (while the main thread checks the
// experiments and loads the boards) and run their tasks while V8 compiles the
// simulator in each of them; that compiling (about a second of CPU per
// worker) is part of the cold figure. The warm figures then time the same
// sweep on two pools that stay up (SweepPool: 1 worker and 2 workers), after
// one warm-up sweep on each (timed too, and reported on its own line): the
// usual warm-up-then-measure practice of benchmark harnesses, giving the
// sweep's throughput once each worker's code is compiled. Both are reported
// and judged against the goal; the cold figure is the bench's headline.
import { existsSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SWEEP = join(ROOT, "dist/node/sim/sweep.js");
const GOAL = 1.7;

function usage(msg) {
  if (msg) console.error("bench sweep: " + msg);
  console.error("usage: node scripts/bench/sweep.mjs [--rounds N] [--duration SECONDS] [--json]");
  process.exit(2);
}

const opts = { rounds: 3, duration: 86400, json: false };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--json") opts.json = true;
  else if (a === "--rounds" || a === "--duration") {
    const v = Number(argv[++i]);
    if (!(v > 0) || (a === "--rounds" && !Number.isInteger(v))) usage(a + " needs a positive " + (a === "--rounds" ? "integer" : "number"));
    opts[a.slice(2)] = v;
  } else if (a === "-h" || a === "--help") usage();
  else usage("unknown option " + a);
}

if (!existsSync(SWEEP)) {
  console.error("bench sweep: " + SWEEP + " not found; run `npm run build` first");
  process.exit(2);
}
const { loadSweep, runSweep, sweepRows, SweepPool } = await import(pathToFileURL(SWEEP).href);

const spec = loadSweep(join(ROOT, "experiments/sweep-example.json"));
spec.seeds = [1, 2];
spec.durationSeconds = opts.duration;
const tasks = spec.boards.length * spec.workloads.length * spec.seeds.length;

async function timed(workers, pool) {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const out = await runSweep(spec, pool ? { pool } : { workers });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000, rows: JSON.stringify(sweepRows(out)) };
}

const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Throughput of a fixed busy loop on 2 worker threads over 1 (best of `n` tries). */
async function machineParallelism(n) {
  const code =
    'const { parentPort } = require("node:worker_threads"); let x = 0; for (let i = 0; i < 2e8; i++) x = (x + Math.imul(i, 2654435761)) | 0; parentPort.postMessage(x);';
  const run = async (k) => {
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: k }, () => new Promise((res, rej) => new Worker(code, { eval: true }).once("message", res).once("error", rej))),
    );
    return performance.now() - t0;
  };
  let best = 0;
  for (let i = 0; i < n; i++) {
    const one = await run(1),
      two = await run(2);
    best = Math.max(best, (2 * one) / two);
  }
  return Number(best.toFixed(2));
}

const loadBefore = loadavg();
const parallelBefore = await machineParallelism(1);
const times = { 1: [], 2: [] };
const cpu = { 1: [], 2: [] };
let rows = null;

/**
 * `opts.rounds` rounds of a 1-worker and a 2-worker sweep, which one goes
 * first alternating; `byWorkers` (pools by worker count) for warm runs, none for cold
 * ones (a new pool per sweep). Every run must give the first run's rows.
 */
async function runRounds(label, byWorkers, msOut, cpuOut) {
  for (let r = 0; r < opts.rounds; r++) {
    for (const w of r % 2 === 0 ? [1, 2] : [2, 1]) {
      const t = await timed(w, byWorkers?.[w]);
      if (rows === null) rows = t.rows;
      else if (t.rows !== rows) {
        console.error("bench sweep: a " + label + w + "-worker run gave different rows");
        process.exit(1);
      }
      msOut[w].push(t.ms);
      cpuOut[w].push(t.cpuMs);
      if (!opts.json)
        console.error(
          label +
            "round " +
            (r + 1) +
            ": " +
            w +
            " worker" +
            (w > 1 ? "s" : "") +
            " " +
            (t.ms / 1000).toFixed(2) +
            " s (process CPU " +
            (t.cpuMs / 1000).toFixed(2) +
            " s = " +
            (t.cpuMs / t.ms).toFixed(2) +
            " cores)",
        );
    }
  }
}

await runRounds("", null, times, cpu);

// Warm: one pool per configuration, a warm-up sweep on each, then the rounds.
const pools = { 1: new SweepPool(1), 2: new SweepPool(2) };
const first = {};
const warmTimes = { 1: [], 2: [] };
const warmCpu = { 1: [], 2: [] };
try {
  for (const w of [1, 2]) {
    first[w] = await timed(w, pools[w]);
    if (first[w].rows !== rows) {
      console.error("bench sweep: the warm-up sweep on " + w + " worker(s) gave different rows");
      process.exit(1);
    }
    if (!opts.json)
      console.error(
        "warm-up: " +
          w +
          " worker" +
          (w > 1 ? "s" : "") +
          " " +
          (first[w].ms / 1000).toFixed(2) +
          " s (process CPU " +
          (first[w].cpuMs / 1000).toFixed(2) +
          " s)",
      );
  }
  await runRounds("warm ", pools, warmTimes, warmCpu);
} finally {
  await pools[1].destroy();
  await pools[2].destroy();
}

const loadAfter = loadavg();
const parallelAfter = await machineParallelism(1);
const m1 = median(times[1]),
  m2 = median(times[2]);
/** CPU over wall of the median run of `w` workers (the lower middle one for an even count) in `t` (wall ms) and `c` (CPU ms). */
const coresOf = (t, c, w) => {
  const byTime = t[w].map((_ms, i) => i).sort((a, b) => t[w][a] - t[w][b]);
  const i = byTime[(byTime.length - 1) >> 1];
  return Number((c[w][i] / t[w][i]).toFixed(2));
};
const cores = (w) => coresOf(times, cpu, w);
const wm1 = median(warmTimes[1]),
  wm2 = median(warmTimes[2]);
const b1 = Math.min(...times[1]),
  b2 = Math.min(...times[2]);
const result = {
  experiments: tasks,
  simulatedSeconds: opts.duration,
  rounds: opts.rounds,
  cores: availableParallelism(),
  oneWorker: { medianMs: Math.round(m1), bestMs: Math.round(b1), cores: cores(1) },
  twoWorkers: { medianMs: Math.round(m2), bestMs: Math.round(b2), cores: cores(2) },
  load: { before: loadBefore.map((x) => Number(x.toFixed(2))), after: loadAfter.map((x) => Number(x.toFixed(2))) },
  machineParallelism: { before: parallelBefore, after: parallelAfter },
  speedup: Number((m1 / m2).toFixed(3)),
  bestSpeedup: Number((b1 / b2).toFixed(3)),
  goal: GOAL,
  met: m1 / m2 >= GOAL,
  warm: {
    warmUpMs: { 1: Math.round(first[1].ms), 2: Math.round(first[2].ms) },
    oneWorker: { medianMs: Math.round(wm1), bestMs: Math.round(Math.min(...warmTimes[1])), cores: coresOf(warmTimes, warmCpu, 1) },
    twoWorkers: { medianMs: Math.round(wm2), bestMs: Math.round(Math.min(...warmTimes[2])), cores: coresOf(warmTimes, warmCpu, 2) },
    speedup: Number((wm1 / wm2).toFixed(3)),
    met: wm1 / wm2 >= GOAL,
  },
};
if (opts.json) console.log(JSON.stringify(result));
else {
  console.log(
    "sweep of " +
      tasks +
      " experiments (" +
      opts.duration +
      " simulated s each, every policy), " +
      opts.rounds +
      " rounds, " +
      result.cores +
      " cores",
  );
  console.log(
    "  1 worker:  median " + (m1 / 1000).toFixed(2) + " s, best " + (b1 / 1000).toFixed(2) + " s; process CPU/wall " + cores(1) + " cores",
  );
  console.log(
    "  2 workers: median " + (m2 / 1000).toFixed(2) + " s, best " + (b2 / 1000).toFixed(2) + " s; process CPU/wall " + cores(2) + " cores",
  );
  console.log("  load average (1, 5, 15 min): " + result.load.before.join(", ") + " before, " + result.load.after.join(", ") + " after");
  console.log(
    "  machine: a busy loop on 2 threads ran " +
      parallelBefore +
      "x (before) and " +
      parallelAfter +
      "x (after) as fast as on 1 (2.0 on an idle 2-core machine)",
  );
  console.log(
    "  speed-up (cold):  " +
      result.speedup.toFixed(2) +
      "x median (best rounds: " +
      result.bestSpeedup.toFixed(2) +
      "x); goal >= " +
      GOAL +
      "x: " +
      (result.met ? "met" : "NOT met"),
  );
  console.log(
    "  warm pools (after a warm-up sweep on each: " +
      (first[1].ms / 1000).toFixed(2) +
      " s on 1 worker, " +
      (first[2].ms / 1000).toFixed(2) +
      " s on 2): 1 worker median " +
      (wm1 / 1000).toFixed(2) +
      " s (" +
      result.warm.oneWorker.cores +
      " cores), 2 workers median " +
      (wm2 / 1000).toFixed(2) +
      " s (" +
      result.warm.twoWorkers.cores +
      " cores): " +
      result.warm.speedup.toFixed(2) +
      "x; goal >= " +
      GOAL +
      "x: " +
      (result.warm.met ? "met" : "NOT met"),
  );
}

// Benchmark driver: plain ES5, runs unchanged under Node and under Debian's
// `duk`. run.mjs concatenates, into one temporary script:
//   1. a prelude defining `host` (engine, version, print, nowMs, and on Node
//      nowNs and require) and BENCH_CONFIG / BENCH_KERNELS_SRC;
//   2. the bundle loader (defines `rk`, the exports of dist/ramkit.min.js);
//   3. this file;  4. every scripts/bench/adapters/*.js;  5. `benchMain();`.
// It prints progress lines and, last, one line "BENCH_JSON {...}".
// See scripts/bench/README.md for the adapter contract and the workloads.

var BENCH_ADAPTERS = [];
var BENCH_WORKLOADS = ["fixed32-lifo", "fixed32-fifo", "contig-frag", "mix16-256", "mix16-256-lifo", "mix16-256-fifo"];
var BENCH_REGION = 65536; // bytes of every workload's region
var BENCH_BLOCK = 32; // block size of fixed32-* and contig-frag

var BENCH_COPIES = 0;

// A fresh copy of the kernels (kernels.js) for one case: own call sites. The
// leading comment makes every copy's source text unique: V8 caches eval by
// source, and copies sharing a cached script share its type feedback, which
// turns the call sites megamorphic (measured: 2-5x slower, at random).
function benchFresh() {
  return eval(
    "// kernels copy " +
      ++BENCH_COPIES +
      "\n(function () {\n" +
      BENCH_KERNELS_SRC +
      "\nreturn { fixedCycles: fixedCycles, fixedTimed: fixedTimed, " +
      "contigSteps: contigSteps, contigTimed: contigTimed, mixSteps: mixSteps, mixTimed: mixTimed };\n})()"
  );
}

// xorshift32 stream with a fixed seed: every adapter sees the same requests.
function benchStream(len, seed) {
  var out = new Uint32Array(len),
    x = seed >>> 0,
    i;
  for (i = 0; i < len; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x;
  }
  return out;
}

var BENCH_RND = benchStream(1 << 16, 0x9e3779b9);

function benchFail(msg) {
  throw new Error(msg);
}

function benchHas(list, x) {
  for (var i = 0; i < list.length; i++) if (list[i] === x) return true;
  return false;
}

function benchMedian(xs) {
  var s = xs.slice().sort(function (a, b) {
      return a - b;
    }),
    m = s.length >> 1;
  return s.length & 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// The host object an adapter's make() receives for one case.
function benchHostFor(workload) {
  var h = {},
    k;
  for (k in host) if (Object.prototype.hasOwnProperty.call(host, k)) h[k] = host[k];
  h.workload = workload;
  h.regionBytes = BENCH_REGION;
  h.blockSize = BENCH_BLOCK;
  return h;
}

// fixed32-*: before timing, check that a fill gives unique 4-aligned
// addresses and that the pool refills to the same count after a free-all.
function benchProbeFixed(name, pool, scratch) {
  var seen = {},
    n = 0,
    m = 0,
    a,
    k;
  while (n < scratch.length && (a = pool.alloc(BENCH_BLOCK)) !== 0) {
    if (seen[a]) benchFail(name + ": duplicate address " + a);
    if (a % 4 !== 0 || a < 0) benchFail(name + ": bad address " + a);
    seen[a] = 1;
    scratch[n++] = a;
  }
  if (n === 0) benchFail(name + ": first alloc returned 0");
  for (k = 0; k < n; k++) pool.free(scratch[k], BENCH_BLOCK);
  while (m < scratch.length && (a = pool.alloc(BENCH_BLOCK)) !== 0) scratch[m++] = a;
  if (m !== n) benchFail(name + ": refill gave " + m + " blocks, first fill " + n);
  for (k = m - 1; k >= 0; k--) pool.free(scratch[k], BENCH_BLOCK);
  return n;
}

function benchFixedCase(c, lifo) {
  var K = c.K,
    pool = c.pool,
    scratch = new Float64Array(4096);
  c.info.blocksPerFill = benchProbeFixed(c.adapter.name, pool, scratch);
  c.run = function (units) {
    return K.fixedCycles(pool, units, BENCH_BLOCK, lifo, scratch);
  };
  c.timedUnits = BENCH_CONFIG.quick ? 2 : 8;
  c.timedRecords = function (units, batch) {
    return Math.ceil((units * 2 * scratch.length) / batch) + 1;
  };
  c.timed = function (clock, times, batch, units) {
    return K.fixedTimed(pool, units, BENCH_BLOCK, lifo, scratch, clock, times, batch);
  };
}

// contig-frag setup: fill the region with single blocks, then free 3 of every
// 4 (chosen by the random stream, in allocation order), pinning the rest.
function benchContigCase(c) {
  var K = c.K,
    pool = c.pool,
    addrs = new Float64Array(4096),
    n = 0,
    a,
    k,
    pinned = 0;
  while (n < addrs.length && (a = pool.alloc(BENCH_BLOCK)) !== 0) addrs[n++] = a;
  if (n === 0) benchFail(c.adapter.name + ": first alloc returned 0");
  for (k = 0; k < n; k++) {
    if ((BENCH_RND[(k + 4096) & 0xffff] & 3) === 0) pinned++;
    else pool.free(addrs[k], BENCH_BLOCK);
  }
  var st = { ring: new Float64Array(32), sz: new Float64Array(32), head: 0, cnt: 0, r: 0, bs: BENCH_BLOCK, fails: 0, rnd: BENCH_RND };
  K.contigSteps(pool, 2000, st);
  st.fails = 0;
  c.info.blocks = n;
  c.info.pinned = pinned;
  c.st = st;
  c.run = function (units) {
    return K.contigSteps(pool, units * 256, st);
  };
  c.timedUnits = BENCH_CONFIG.quick ? 20 : 80;
  c.timedRecords = function (units, batch) {
    return Math.ceil((units * 256 * 2) / batch) + 1;
  };
  c.timed = function (clock, times, batch, units) {
    return K.contigTimed(pool, units * 256, st, clock, times, batch);
  };
  c.finish = function () {
    c.info.fails = st.fails;
  };
}

// mix16-256 (order 0: a random victim), mix16-256-lifo (1: the newest),
// mix16-256-fifo (2: the oldest): the same stream and occupancy target,
// 20,000 steps of warm-up. Live blocks sit in a ring of 4096 slots (a power
// of two; about 240 blocks are live at 50% occupancy).
function benchMixCase(c, order) {
  var K = c.K,
    pool = c.pool;
  var st = {
    rnd: BENCH_RND,
    r: 0,
    live: new Float64Array(4096),
    liveSz: new Float64Array(4096),
    n: 0,
    head: 0,
    bytes: 0,
    target: BENCH_REGION / 2,
    order: order,
    fails: 0,
    steps: 0,
    bytesSum: 0
  };
  K.mixSteps(pool, 20000, st);
  st.fails = 0;
  st.steps = 0;
  st.bytesSum = 0;
  c.st = st;
  c.run = function (units) {
    return K.mixSteps(pool, units * 1000, st);
  };
  c.timedUnits = BENCH_CONFIG.quick ? 10 : 40;
  c.timedRecords = function (units, batch) {
    return Math.ceil((units * 1000) / batch) + 1;
  };
  c.timed = function (clock, times, batch, units) {
    return K.mixTimed(pool, units * 1000, st, clock, times, batch);
  };
  c.finish = function () {
    c.info.fails = st.fails;
    c.info.steps = st.steps;
    c.info.occupancy = st.steps ? st.bytesSum / st.steps / BENCH_REGION : 0;
  };
}

function benchMakeCase(ad, workload) {
  var c = { adapter: ad, workload: workload, info: {}, samples: [], error: null };
  c.K = benchFresh();
  c.pool = ad.make(rk, benchHostFor(workload));
  if (!c.pool || typeof c.pool.alloc !== "function" || typeof c.pool.free !== "function") {
    benchFail(ad.name + ": make() must return { alloc, free }");
  }
  if (workload === "fixed32-lifo") benchFixedCase(c, true);
  else if (workload === "fixed32-fifo") benchFixedCase(c, false);
  else if (workload === "contig-frag") benchContigCase(c);
  else if (workload === "mix16-256") benchMixCase(c, 0);
  else if (workload === "mix16-256-lifo") benchMixCase(c, 1);
  else benchMixCase(c, 2);
  return c;
}

// Units per sample so that one sample takes about `ms` milliseconds.
function benchCalibrate(c, ms) {
  var units = 1,
    t0,
    dt;
  c.run(1);
  for (;;) {
    t0 = host.nowMs();
    c.run(units);
    dt = host.nowMs() - t0;
    if (dt >= ms / 4 || units >= 0x40000000) break;
    units *= 2;
  }
  c.units = Math.max(1, Math.round((units * ms) / Math.max(dt, 0.001)));
}

// Median clock overhead (ns) of one read, as seen by the timed kernels.
function benchClockOverhead(clock, toNs) {
  var d = [],
    i,
    t0,
    t1;
  for (i = 0; i < 2001; i++) {
    t0 = clock();
    t1 = clock();
    d.push((t1 - t0) * toNs);
  }
  return benchMedian(d);
}

// Worst-operation passes: per op where a fine clock exists (Node), else per
// batch of BENCH_CONFIG.batch ops (Duktape), as ns per op. Several passes:
// the figures reported are those of the pass with the smallest maximum (a
// worst case the allocator causes recurs in every pass; a preemption of the
// shared machine does not).
function benchTiming(c) {
  var perOp = typeof host.nowNs === "function";
  var clock = perOp ? host.nowNs : host.nowMs,
    toNs = perOp ? 1 : 1e6;
  var batch = perOp ? 1 : BENCH_CONFIG.batch,
    units = c.timedUnits,
    passes = BENCH_CONFIG.quick ? 3 : 5;
  var times = new Float64Array(c.timedRecords(units, batch)),
    p,
    n,
    i,
    xs,
    records = 0;
  var best = null;
  for (p = 0; p < passes; p++) {
    n = c.timed(clock, times, batch, units);
    xs = [];
    for (i = 0; i < n; i++) xs.push((times[i] * toNs) / batch);
    xs.sort(function (a, b) {
      return a - b;
    });
    records += n;
    if (best === null || xs[n - 1] < best.maxNs) {
      best = { p50Ns: xs[Math.floor(0.5 * (n - 1))], p99Ns: xs[Math.floor(0.99 * (n - 1))], maxNs: xs[n - 1] };
    }
  }
  return {
    mode: perOp ? "per-op" : "batch",
    batch: batch,
    passes: passes,
    records: records,
    clock: perOp ? "process.hrtime.bigint" : host.clockName,
    clockNs: benchClockOverhead(clock, toNs),
    p50Ns: best.p50Ns,
    p99Ns: best.p99Ns,
    maxNs: best.maxNs
  };
}

function benchFmt(x) {
  if (x >= 1e6) return (x / 1e6).toFixed(2) + "M";
  if (x >= 1e3) return (x / 1e3).toFixed(1) + "k";
  return x.toFixed(0);
}

function benchPad(s, n) {
  s = String(s);
  while (s.length < n) s += " ";
  return s;
}

// Which adapters run: all, or those named in BENCH_CONFIG.only (an adapter
// or a workload name), plus the ref adapter of every workload selected.
function benchSelect() {
  var only = BENCH_CONFIG.only,
    cases = [],
    refs = {},
    i,
    j,
    ad,
    w,
    want;
  for (i = 0; i < BENCH_ADAPTERS.length; i++) {
    ad = BENCH_ADAPTERS[i];
    for (j = 0; j < ad.workloads.length; j++) {
      w = ad.workloads[j];
      if (!benchHas(BENCH_WORKLOADS, w)) benchFail(ad.name + ": unknown workload " + w);
      if (ad.ref) refs[w] = ad;
    }
  }
  for (i = 0; i < BENCH_ADAPTERS.length; i++) {
    ad = BENCH_ADAPTERS[i];
    if (ad.nodeOnly && typeof host.require !== "function") continue;
    for (j = 0; j < ad.workloads.length; j++) {
      w = ad.workloads[j];
      want = !only || benchHas(only, ad.name) || benchHas(only, w);
      if (!want && only && ad.ref) {
        for (var k = 0; k < BENCH_ADAPTERS.length && !want; k++) {
          var o = BENCH_ADAPTERS[k];
          if (!o.ref && benchHas(only, o.name) && benchHas(o.workloads, w)) want = true;
        }
      }
      if (want) cases.push({ adapter: ad, workload: w });
    }
  }
  return { cases: cases, refs: refs };
}

function benchMain() {
  var sel = benchSelect(),
    cases = [],
    out = [],
    i,
    r,
    c,
    t0,
    ops,
    dt;
  host.print(
    "# " +
      host.engine +
      " " +
      host.version +
      ": " +
      sel.cases.length +
      " cases, " +
      BENCH_CONFIG.rounds +
      " rounds x ~" +
      BENCH_CONFIG.sampleMs +
      " ms"
  );
  for (i = 0; i < sel.cases.length; i++) {
    var sc = sel.cases[i];
    try {
      c = benchMakeCase(sc.adapter, sc.workload);
      benchCalibrate(c, BENCH_CONFIG.sampleMs);
      cases.push(c);
    } catch (e) {
      host.print("! " + sc.adapter.name + " / " + sc.workload + ": " + e.message);
      out.push({ adapter: sc.adapter.name, workload: sc.workload, ref: !!sc.adapter.ref, error: String(e.message) });
    }
  }
  for (r = 0; r < BENCH_CONFIG.rounds; r++) {
    for (i = 0; i < cases.length; i++) {
      c = cases[i];
      t0 = host.nowMs();
      ops = c.run(c.units);
      dt = host.nowMs() - t0;
      c.samples.push(ops / (dt / 1000));
    }
  }
  for (i = 0; i < cases.length; i++) {
    c = cases[i];
    c.timing = benchTiming(c);
    if (c.finish) c.finish();
    c.median = benchMedian(c.samples);
  }
  for (i = 0; i < cases.length; i++) {
    c = cases[i];
    var ref = sel.refs[c.workload],
      refCase = null,
      j,
      goal = null,
      ratio = null,
      bestRatio = null;
    for (j = 0; j < cases.length; j++) if (ref && cases[j].adapter === ref && cases[j].workload === c.workload) refCase = cases[j];
    if (refCase) {
      ratio = c.median / refCase.median;
      // best round over best round: the least disturbed figure (a shared
      // machine's neighbours only ever slow a round down); context, no goal
      bestRatio = Math.max.apply(null, c.samples) / Math.max.apply(null, refCase.samples);
    }
    var g = c.adapter.goals && c.adapter.goals[c.workload];
    if (g && typeof g[host.engine] === "number") goal = g[host.engine];
    out.push({
      adapter: c.adapter.name,
      workload: c.workload,
      ref: !!c.adapter.ref,
      refAdapter: ref ? ref.name : null,
      opsPerSec: c.median,
      minOpsPerSec: Math.min.apply(null, c.samples),
      maxOpsPerSec: Math.max.apply(null, c.samples),
      samples: c.samples,
      unitsPerSample: c.units,
      ratio: ratio,
      bestRatio: bestRatio,
      goal: goal,
      goalMet: goal === null ? null : ratio === null ? null : ratio >= goal,
      timing: c.timing,
      info: c.info
    });
    host.print(
      "  " +
        benchPad(c.workload, 16) +
        benchPad(c.adapter.name, 14) +
        benchPad(benchFmt(c.median) + " ops/s", 16) +
        (ratio === null ? benchPad("", 9) : benchPad("x" + ratio.toFixed(3), 9)) +
        benchPad("p99 " + c.timing.p99Ns.toFixed(0) + " ns", 14) +
        benchPad("max " + c.timing.maxNs.toFixed(0) + " ns", 16) +
        (goal === null ? "" : "goal x" + goal + (ratio !== null && ratio >= goal ? " met" : " NOT met"))
    );
  }
  host.print(
    "BENCH_JSON " +
      JSON.stringify({
        engine: host.engine,
        version: host.version,
        rounds: BENCH_CONFIG.rounds,
        sampleMs: BENCH_CONFIG.sampleMs,
        quick: !!BENCH_CONFIG.quick,
        results: out
      })
  );
}

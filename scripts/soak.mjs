#!/usr/bin/env node
// `npm run soak`: a long random run of every allocator against a light model.
//
//   npm run soak                            10,000,000 operations per allocator
//   npm run soak -- --ops 1000000           the CI version (npm test runs it)
//   npm run soak -- --only granular --seed 7
//   npm run soak -- --write                 also put the figures in docs/RELIABILITY.md
//   npm run soak -- --ops 20000 --self-test each allocator's free() drops one call on the floor
//                                           (returns 0, frees nothing): every run must report it
//                                           (validate() every 500 steps unless told)
//
// Allocators: MemBlocks, Onesize, GranularHeap, MemoryManager (normal and
// shared regions) on an ArrayMemory, and a BankManager with pack+gate over a
// MemBlocks, an Onesize and a GranularHeap on a simulated Bangle.js 2
// (strict SimMcu: an access to a section that is off is a bus fault).
// Each step is one call picked at random (every allocating and freeing verb
// of the design, a few bad frees: double, interior, foreign), with a target
// fill that drifts between nearly empty and full so that the allocators run
// out of room too. The model keeps one flag per block or granule and the
// live allocations, and checks every step:
// - an address handed out lies in the region, on its block or granule (and
//   alignment), and overlaps no live allocation;
// - a refusal is right: -ENOMEM only when the model has no room (no free
//   block; for a heap, no free run of the size at that alignment), -EFAULT for
//   a bad free, and a refused call changes no statistic;
// - each allocation holds the tag written into it when it is freed (nothing
//   else wrote there; on the SimMcu, its section stayed on);
// - every 10,000 steps (--validate-every): validate() is null and stats()
//   agrees with the model (used bytes, live count).
// A violation stops that allocator's run and is reported with its step and
// seed (rerun with --seed and --only to reproduce). Exit code 1 on any.
//
// Runs the TypeScript sources under tsx (no build needed).
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import "../src/debug/host.js";
import { ArrayMemory, BankManager, EFAULT, ENOMEM, GranularHeap, MemBlocks, MemoryManager, Onesize } from "../src/entries/node.js";
import { SimMcu, freeRegion, loadBoard, loadExperiment, withFirmware } from "../sim/index.js";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf("--" + name);
  if (i < 0) return dflt;
  const v = args[i + 1];
  if (v === undefined || v.startsWith("--")) usage("--" + name + " needs a value");
  return v;
};
function usage(msg) {
  console.error("soak: " + msg);
  console.error(
    "usage: node --import tsx scripts/soak.mjs [--ops N] [--seed S] [--only NAME[,NAME]] [--validate-every K] [--write] [--self-test]",
  );
  process.exit(2);
}
for (const a of args)
  if (a.startsWith("--") && ["--ops", "--seed", "--only", "--validate-every", "--write", "--self-test"].indexOf(a) < 0)
    usage("unknown option " + a);
const OPS = Number(opt("ops", "10000000"));
const SEED = Number(opt("seed", "1"));
const SELF_TEST = args.includes("--self-test");
const EVERY = Number(opt("validate-every", SELF_TEST ? "500" : "10000"));
if (!(OPS >= 1 && Number.isInteger(OPS))) usage("--ops must be a whole number >= 1");
if (!(SEED >= 0 && Number.isInteger(SEED))) usage("--seed must be a whole number >= 0");
if (!(EVERY >= 1 && Number.isInteger(EVERY))) usage("--validate-every must be a whole number >= 1");
const NAMES = ["memblocks", "onesize", "granular", "manager", "bank"];
const ONLY = opt("only", NAMES.join(",")).split(",");
for (const n of ONLY) if (NAMES.indexOf(n) < 0) usage("unknown allocator " + n + "; valid: " + NAMES.join(", "));

/**
 * --self-test (validate() every 500 unless told): the 1,000th call of `s.free` returns 0 and frees nothing, a
 * bug the soak must report (the model and the allocator disagree from then on).
 */
function sabotage(s) {
  if (!SELF_TEST) return s;
  const free = s.free;
  let calls = 0;
  s.free = function (a, b) {
    return ++calls === 1000 ? 0 : free.call(this, a, b);
  };
  return s;
}

/** A small fast PRNG (mulberry32), seeded per allocator. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), pick: (xs) => xs[Math.floor(next() * xs.length)] };
}

/** What the current run did: allocations, frees, refusals (-ENOMEM), bad frees refused (reported with the figures). */
const tally = { alloc: 0, free: 0, nomem: 0, bad: 0, peak: 0 };
const count = (k) => {
  tally[k]++;
};

/** A violation: stops the allocator's run. */
class Violation extends Error {}
const hex = (a) => "0x" + (a >>> 0).toString(16);

/**
 * The light model of one region: a flag per unit (block or granule) and the
 * live allocations (address, units, bytes charged, tag, kind).
 */
class Model {
  constructor(base, size, unit) {
    this.base = base;
    this.size = size;
    this.unit = unit;
    this.units = Math.floor(size / unit);
    this.used = new Uint8Array(this.units);
    this.live = []; // { a, n, bytes, tag, kind, size }
    this.usedUnits = 0;
  }
  owns(a) {
    return a >= this.base && a < this.base + this.units * this.unit;
  }
  /** Record an allocation of `n` units at `a` (checks region, unit, alignment, overlap). */
  take(a, n, what, alignment) {
    const o = a - this.base;
    if (!(o >= 0 && o + n * this.unit <= this.units * this.unit))
      throw new Violation(
        what + " returned " + hex(a) + ", outside the region [" + hex(this.base) + ", " + hex(this.base + this.units * this.unit) + ")",
      );
    if (o % this.unit !== 0) throw new Violation(what + " returned " + hex(a) + ", not on a " + this.unit + "-byte unit");
    if (alignment && a % alignment !== 0) throw new Violation(what + " returned " + hex(a) + ", not aligned to " + alignment);
    const k = o / this.unit;
    for (let i = k; i < k + n; i++)
      if (this.used[i]) throw new Violation(what + " returned " + hex(a) + ", which overlaps a live allocation (unit " + i + ")");
    this.used.fill(1, k, k + n);
    this.usedUnits += n;
  }
  /** Forget the allocation of `n` units at `a`. */
  drop(a, n) {
    const k = (a - this.base) / this.unit;
    this.used.fill(0, k, k + n);
    this.usedUnits -= n;
  }
  /** Whether a free run of `n` units exists at a unit whose address is a multiple of `alignment` (the fit first fit must find). */
  hasRun(n, alignment) {
    const u = this.used,
      step = alignment && alignment > this.unit ? alignment / this.unit : 1;
    let k = 0;
    if (step > 1) k = ((alignment - (this.base % alignment)) % alignment) / this.unit;
    for (; k + n <= this.units; k += step) {
      let j = 0;
      while (j < n && !u[k + j]) j++;
      if (j === n) return true;
      if (step === 1) k += j; // the run broke at k + j
    }
    return false;
  }
  freeUnits() {
    return this.units - this.usedUnits;
  }
}

/** The figures of one run. */
function result(name, ops, violations, seconds, validations, first) {
  return { name, ops, violations, seconds, validations, first };
}

/**
 * Drive one allocator: `step(i)` makes one random call and checks it;
 * `check()` is the every-K validation. Returns the figures.
 */
function drive(name, ops, step, check) {
  for (const k of Object.keys(tally)) tally[k] = 0;
  const t0 = process.hrtime.bigint();
  let done = 0,
    validations = 0,
    first = null;
  try {
    for (; done < ops; done++) {
      step(done);
      if ((done + 1) % EVERY === 0) {
        check(done);
        validations++;
      }
    }
    check(ops);
    validations++;
  } catch (e) {
    first =
      "step " +
      done +
      " (seed " +
      SEED +
      "): " +
      (e instanceof Violation ? e.message : "threw " + (e && e.stack ? e.stack.split("\n").slice(0, 3).join(" | ") : String(e)));
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { ...result(name, done, first === null ? 0 : 1, seconds, validations, first), mix: { ...tally } };
}

/** validate() and stats() against the model (bytes charged = units × unit). */
function agree(s, model, what, count) {
  const v = s.validate();
  if (v !== null) throw new Violation(what + ": validate(): " + v);
  const st = s.stats();
  if (st.used !== model.usedUnits * model.unit)
    throw new Violation(what + ": stats().used " + st.used + ", the model " + model.usedUnits * model.unit);
  if (count !== undefined && st.count !== count) throw new Violation(what + ": stats().count " + st.count + ", the model " + count);
}

/** The fill the run aims at, drifting every 50,000 steps between 5% and 100% (so that it runs out of room too). */
function target(r, i, state) {
  if (i % 50000 === 0) state.fill = r.pick([0.05, 0.3, 0.6, 0.85, 0.95, 1.0, 1.0]);
  return state.fill;
}

/**
 * A bad free for `model`: a double free (a recently freed address whose unit
 * is still free), an interior address of a live allocation (a later unit of
 * a multi-unit one, unless `blocks`: MemBlocks frees any block of a run, by
 * design; else one byte in), or a `foreign` one (default: just outside the
 * region).
 */
function badAddress(r, model, recent, foreign, blocks) {
  const kind = r.int(0, 2);
  if (kind === 0 && recent.length > 0) {
    const a = r.pick(recent);
    if (model.owns(a) && !model.used[(a - model.base) / model.unit]) return a;
  }
  if (kind === 1 && model.live.length > 0) {
    const x = r.pick(model.live);
    return x.a + (x.n > 1 && !blocks ? model.unit : 1);
  }
  if (foreign) return r.pick(foreign);
  return r.next() < 0.5 ? model.base - model.unit : model.base + model.units * model.unit + model.unit;
}

/** A refused call changed nothing (used and count). */
function unchanged(s, before, what) {
  const st = s.stats();
  if (st.used !== before.used || st.count !== before.count)
    throw new Violation(
      what + " was refused but changed stats(): used " + before.used + " -> " + st.used + ", count " + before.count + " -> " + st.count,
    );
}

/** Tag memory at `a` (a word unique to the allocation) and check it at free. */
function tagger(mem) {
  let next = 1;
  return {
    put(x) {
      x.tag = (next = (next + 0x9e3779b1) >>> 0) || 1;
      mem.write32(x.a, x.tag);
      count("alloc");
    },
    check(x, what) {
      count("free");
      const v = mem.read32(x.a);
      if (v !== x.tag)
        throw new Violation(
          what + ": the allocation at " + hex(x.a) + " holds " + hex(v) + ", not its tag " + hex(x.tag) + " (written over)",
        );
    },
  };
}

const MEM_BASE = 0x20000000,
  REGION = 0x20001000,
  SIZE = 0x10000;

// ---------------------------------------------------------------------------
// MemBlocks: allocate/free, allocBlock/freeBlock, allocBlocks/freeBlocks, allocContiguous/freeContiguous.

function soakMemBlocks(ops, seed) {
  const r = rng(seed),
    mem = new ArrayMemory(MEM_BASE, 0x20000),
    bs = 64;
  const s = sabotage(new MemBlocks(mem, { base: REGION, size: SIZE, blockSize: bs }));
  const m = new Model(REGION, SIZE, bs),
    tag = tagger(mem),
    recent = [],
    state = { fill: 0.5 };
  const add = (a, n, kind, what) => {
    m.take(a, n, what);
    const x = { a, n, kind };
    tag.put(x);
    m.live.push(x);
  };
  const remove = (i) => {
    const x = m.live[i];
    m.live[i] = m.live[m.live.length - 1];
    m.live.pop();
    m.drop(x.a, x.n);
    recent.push(x.a);
    if (recent.length > 64) recent.shift();
    return x;
  };
  const noRoom = (what, n) => {
    count("nomem");
    if (s.lastError !== -ENOMEM) throw new Violation(what + " failed with lastError " + s.lastError + ", not -ENOMEM");
    if (n === 1 ? m.freeUnits() > 0 : m.hasRun(n)) throw new Violation(what + " failed (-ENOMEM) with room for it in the model");
  };
  const out = [];
  return drive(
    "MemBlocks",
    ops,
    (i) => {
      const fill = target(r, i, state),
        p = r.next();
      if (p < 0.02) {
        const a = badAddress(r, m, recent, null, true),
          before = s.stats(),
          got = s.free(a);
        if (got !== -EFAULT) throw new Violation("free(" + hex(a) + ") of a bad address returned " + got + ", not -EFAULT");
        unchanged(s, before, "free(" + hex(a) + ")");
        count("bad");
        return;
      }
      if (m.live.length > 0 && (m.usedUnits >= fill * m.units || p < 0.45)) {
        const k = r.int(0, m.live.length - 1),
          x = m.live[k];
        tag.check(x, "free");
        let got;
        if (x.kind === "run") got = s.freeContiguous(x.a, x.n);
        else if (x.kind === "block" && r.next() < 0.5)
          got = s.freeBlock(x.a + r.int(0, bs - 1)); // Zephyr: any address in the block
        else if (r.next() < 0.2) {
          // scatter-gather: this block and up to two more single blocks
          const idx = [k];
          for (let j = 0; j < 2 && idx.length < m.live.length; j++) {
            const q = r.int(0, m.live.length - 1);
            if (idx.indexOf(q) < 0 && m.live[q].kind !== "run") idx.push(q);
          }
          for (const q of idx.slice(1)) tag.check(m.live[q], "freeBlocks"); // idx[0] is x, checked above
          const addrs = idx.map((q) => m.live[q].a);
          got = s.freeBlocks(addrs.length, addrs);
          if (got !== 0) throw new Violation("freeBlocks(" + addrs.map(hex).join(", ") + ") returned " + got);
          idx.sort((a, b) => b - a).forEach((q) => remove(q));
          return;
        } else got = s.free(x.a);
        if (got !== 0) throw new Violation("freeing " + x.kind + " " + hex(x.a) + " returned " + got);
        remove(k);
        return;
      }
      const q = r.next();
      if (q < 0.45) {
        const n = r.int(1, bs),
          a = s.allocate(n);
        if (a === 0) noRoom("allocate(" + n + ")", 1);
        else add(a, 1, "one", "allocate");
      } else if (q < 0.75) {
        const a = s.allocBlock();
        if (a === 0) noRoom("allocBlock()", 1);
        else add(a, 1, "block", "allocBlock");
      } else if (q < 0.9) {
        const n = r.int(1, 6);
        const got = s.allocBlocks(n, out);
        if (got !== 0) {
          count("nomem");
          if (got !== -ENOMEM || m.freeUnits() >= n)
            throw new Violation("allocBlocks(" + n + ") returned " + got + " with " + m.freeUnits() + " free");
        } else for (let j = 0; j < n; j++) add(out[j], 1, "one", "allocBlocks");
      } else {
        const n = r.int(2, 8),
          a = s.allocContiguous(n);
        if (a === 0) noRoom("allocContiguous(" + n + ")", n);
        else add(a, n, "run", "allocContiguous");
      }
    },
    (i) => {
      agree(s, m, "MemBlocks at step " + i, m.usedUnits);
    },
  );
}

// ---------------------------------------------------------------------------
// Onesize: allocate (with alignment), allocateX (margin), free, freeAll.

function soakOnesize(ops, seed) {
  const r = rng(seed),
    mem = new ArrayMemory(MEM_BASE, 0x20000);
  const s = sabotage(new Onesize(mem, { base: REGION, size: SIZE, blockSize: 48 }));
  const bs = s.blockSize,
    m = new Model(REGION, SIZE, bs),
    tag = tagger(mem),
    recent = [],
    state = { fill: 0.5 };
  return drive(
    "Onesize",
    ops,
    (i) => {
      const fill = target(r, i, state),
        p = r.next();
      if (p < 0.02) {
        const a = badAddress(r, m, recent),
          before = s.stats(),
          got = s.free(a);
        if (got !== -EFAULT) throw new Violation("free(" + hex(a) + ") of a bad address returned " + got + ", not -EFAULT");
        unchanged(s, before, "free(" + hex(a) + ")");
        count("bad");
        return;
      }
      if (p < 0.02005) {
        // freeAll, now and then
        if (s.freeAll() !== 0) throw new Violation("freeAll() failed");
        for (const x of m.live) m.drop(x.a, 1);
        m.live.length = 0;
        recent.length = 0;
        return;
      }
      if (m.live.length > 0 && (m.usedUnits >= fill * m.units || p < 0.45)) {
        const k = r.int(0, m.live.length - 1),
          x = m.live[k];
        tag.check(x, "free");
        const got = s.free(x.a);
        if (got !== 0) throw new Violation("free(" + hex(x.a) + ") returned " + got);
        m.live[k] = m.live[m.live.length - 1];
        m.live.pop();
        m.drop(x.a, 1);
        recent.push(x.a);
        if (recent.length > 64) recent.shift();
        return;
      }
      const size = r.int(1, bs),
        useX = r.next() < 0.2,
        margin = r.int(0, 12),
        al = r.next() < 0.2 ? 4 : undefined;
      const a = useX ? s.allocateX(size, margin) : s.allocate(size, al);
      const what = useX ? "allocateX(" + size + ", " + margin + ")" : "allocate(" + size + ")";
      if (a === 0) {
        if (s.lastError !== -ENOMEM) throw new Violation(what + " failed with lastError " + s.lastError);
        count("nomem");
        if (m.freeUnits() > (useX ? margin : 0)) throw new Violation(what + " failed (-ENOMEM) with " + m.freeUnits() + " blocks free");
        return;
      }
      if (useX && m.freeUnits() <= margin) throw new Violation(what + " succeeded with only " + m.freeUnits() + " blocks free");
      m.take(a, 1, what, al);
      const x = { a, n: 1 };
      tag.put(x);
      m.live.push(x);
    },
    (i) => agree(s, m, "Onesize at step " + i, m.usedUnits),
  );
}

// ---------------------------------------------------------------------------
// GranularHeap: allocate (sizes, alignments, hints), free (with and without size), fit.

const ALIGNMENTS = [undefined, undefined, undefined, 16, 32, 64, 256];

function heapSteps(r, s, m, tag, recent, state, i, name) {
  const fill = target(r, i, state),
    p = r.next();
  if (p < 0.02) {
    const a = badAddress(r, m, recent),
      before = s.stats(),
      got = s.free(a);
    if (got !== -EFAULT) throw new Violation(name + ".free(" + hex(a) + ") of a bad address returned " + got + ", not -EFAULT");
    unchanged(s, before, name + ".free(" + hex(a) + ")");
    count("bad");
    return;
  }
  if (m.live.length > 0 && (m.usedUnits >= fill * m.units || p < 0.45)) {
    const k = r.int(0, m.live.length - 1),
      x = m.live[k];
    tag.check(x, name + ".free");
    const got = r.next() < 0.3 ? s.free(x.a, x.size) : s.free(x.a);
    if (got !== 0) throw new Violation(name + ".free(" + hex(x.a) + ") returned " + got);
    m.live[k] = m.live[m.live.length - 1];
    m.live.pop();
    m.drop(x.a, x.n);
    recent.push(x.a);
    if (recent.length > 64) recent.shift();
    return;
  }
  const size = r.next() < 0.8 ? r.int(1, 128) : r.int(129, 1024),
    al = r.pick(ALIGNMENTS),
    n = Math.ceil(size / m.unit);
  const hint = r.next() < 0.15 ? m.base + r.int(0, m.units - 1) * m.unit : undefined;
  if (r.next() < 0.05) {
    // fit: where allocate would place it, changing nothing
    const f = s.fit(size, al, hint);
    if (f !== 0) {
      m.take(f, n, name + ".fit", al);
      m.drop(f, n);
    }
    return;
  }
  const a = s.allocate(size, al, hint),
    what = name + ".allocate(" + size + ", " + al + ", " + (hint === undefined ? "-" : hex(hint)) + ")";
  if (a === 0) {
    if (s.lastError !== -ENOMEM) throw new Violation(what + " failed with lastError " + s.lastError);
    count("nomem");
    if (m.hasRun(n, al)) throw new Violation(what + " failed (-ENOMEM) though the model has a free run of " + n + " granules");
    return;
  }
  m.take(a, n, what, al);
  const x = { a, n, size };
  tag.put(x);
  m.live.push(x);
}

function soakGranular(ops, seed) {
  const r = rng(seed),
    mem = new ArrayMemory(MEM_BASE, 0x20000);
  const s = sabotage(new GranularHeap(mem, { base: REGION, size: SIZE }));
  const m = new Model(REGION, SIZE, 16),
    tag = tagger(mem),
    recent = [],
    state = { fill: 0.5 };
  return drive(
    "GranularHeap",
    ops,
    (i) => heapSteps(r, s, m, tag, recent, state, i, "heap"),
    (i) => agree(s, m, "GranularHeap at step " + i, m.live.length),
  );
}

// ---------------------------------------------------------------------------
// MemoryManager: allocate (normal), allocateShared (spilling to normal), free, deallocate.

function soakManager(ops, seed) {
  const r = rng(seed),
    mem = new ArrayMemory(MEM_BASE, 0x20000),
    normal = 0xc000,
    shared = 0x4000;
  const s = sabotage(
    new MemoryManager(mem, { base: REGION, size: normal, shared: { base: REGION + normal, size: shared, name: "soak-" + seed } }),
  );
  // One model over both regions (adjacent): the normal part first.
  const m = new Model(REGION, normal + shared, 16),
    tag = tagger(mem),
    recent = [],
    state = { fill: 0.5 };
  const nUnits = normal / 16;
  const sharedRun = (n, al) => {
    const sub = new Model(REGION + normal, shared, 16);
    sub.used = m.used.subarray(nUnits);
    return sub.hasRun(n, al);
  };
  const normalRun = (n, al) => {
    const sub = new Model(REGION, normal, 16);
    sub.used = m.used.subarray(0, nUnits);
    return sub.hasRun(n, al);
  };
  return drive(
    "MemoryManager",
    ops,
    (i) => {
      const fill = target(r, i, state),
        p = r.next();
      if (p < 0.02) {
        const a = badAddress(r, m, recent),
          before = s.stats(),
          got = r.next() < 0.5 ? s.free(a) : s.deallocate(a, 16);
        if (got !== -EFAULT) throw new Violation("free/deallocate(" + hex(a) + ") of a bad address returned " + got + ", not -EFAULT");
        unchanged(s, before, "free(" + hex(a) + ")");
        count("bad");
        return;
      }
      if (m.live.length > 0 && (m.usedUnits >= fill * m.units || p < 0.45)) {
        const k = r.int(0, m.live.length - 1),
          x = m.live[k];
        tag.check(x, "free");
        const got = r.next() < 0.5 ? s.deallocate(x.a, x.size) : s.free(x.a);
        if (got !== 0) throw new Violation("free(" + hex(x.a) + ") returned " + got);
        m.live[k] = m.live[m.live.length - 1];
        m.live.pop();
        m.drop(x.a, x.n);
        recent.push(x.a);
        if (recent.length > 64) recent.shift();
        return;
      }
      const size = r.int(1, 512),
        al = r.pick(ALIGNMENTS),
        n = Math.ceil(size / 16),
        sh = r.next() < 0.4;
      const a = sh ? s.allocateShared(size, al) : s.allocate(size, al),
        what = (sh ? "allocateShared(" : "allocate(") + size + ", " + al + ")";
      if (a === 0) {
        if (s.lastError !== -ENOMEM) throw new Violation(what + " failed with lastError " + s.lastError);
        count("nomem");
        if (normalRun(n, al) || (sh && sharedRun(n, al))) throw new Violation(what + " failed (-ENOMEM) though the model has room");
        return;
      }
      const type = s.memoryType(a);
      if (!sh && type !== "NORMAL") throw new Violation(what + " returned " + hex(a) + " in " + type + " memory");
      if (sh && type === "NORMAL" && sharedRun(n, al))
        throw new Violation(what + " spilled to normal memory though the shared region has room");
      m.take(a, n, what, al);
      const x = { a, n, size };
      tag.put(x);
      m.live.push(x);
    },
    (i) => agree(s, m, "MemoryManager at step " + i, m.live.length),
  );
}

// ---------------------------------------------------------------------------
// BankManager (pack+gate) over MemBlocks, Onesize and GranularHeap on a strict simulated Bangle.js 2.

function soakBank(ops, seed) {
  const r = rng(seed);
  const exp = loadExperiment("experiments/default.json").spec;
  const board = withFirmware(loadBoard("BANGLEJS2"), exp.firmware);
  const region = freeRegion(board),
    third = Math.floor(region.size / 3 / 4096) * 4096;
  const mcu = new SimMcu(board, { seed });
  let now = 0;
  const bm = sabotage(new BankManager(mcu, { policy: "pack+gate", hysteresis: 2, reserved: board.reserved, now: () => now }));
  const parts = [
    { s: new MemBlocks(mcu, { base: region.base, size: third, blockSize: 256 }), unit: 256, fixed: 256 },
    { s: new Onesize(mcu, { base: region.base + third, size: third, blockSize: 256 }), unit: 256, fixed: 256 },
    { s: new GranularHeap(mcu, { base: region.base + 2 * third, size: region.size - 2 * third }), unit: 16, fixed: 0 },
  ];
  for (const p of parts) {
    bm.manage(p.s);
    p.m = new Model(p.s.base, p.s.size, p.unit);
  }
  const tag = tagger(mcu),
    state = { fill: 0.5 },
    live = [],
    recent = [];
  const partOf = (a) => parts.find((p) => p.m.owns(a));
  const usedUnits = () => parts.reduce((n, p) => n + p.m.usedUnits * p.unit, 0);
  const total = parts.reduce((n, p) => n + p.m.units * p.unit, 0);
  return drive(
    "BankManager",
    ops,
    (i) => {
      const fill = target(r, i, state),
        p = r.next();
      if (i % 50 === 0) {
        now += 1;
        bm.update(now);
      }
      if (p < 0.02) {
        const k = r.int(0, parts.length - 1),
          a = badAddress(r, parts[k].m, recent, [region.base - 16, region.base + region.size]),
          before = bm.stats(),
          got = bm.free(a);
        if (got !== -EFAULT) throw new Violation("free(" + hex(a) + ") of a bad address returned " + got + ", not -EFAULT");
        unchanged(bm, before, "free(" + hex(a) + ")");
        count("bad");
        return;
      }
      if (live.length > 0 && (usedUnits() >= fill * total || p < 0.45)) {
        const k = r.int(0, live.length - 1),
          x = live[k],
          part = partOf(x.a);
        tag.check(x, "free"); // a bus fault here: the manager switched the section off under live data
        const got = r.next() < 0.8 ? bm.free(x.a) : part.s.free(x.a); // the manager sees direct frees too
        if (got !== 0) throw new Violation("free(" + hex(x.a) + ") returned " + got);
        live[k] = live[live.length - 1];
        live.pop();
        part.m.drop(x.a, x.n);
        recent.push(x.a);
        if (recent.length > 64) recent.shift();
        return;
      }
      const size = r.int(1, 256),
        direct = r.next() < 0.2 ? r.pick(parts) : null;
      const a = direct ? direct.s.allocate(size) : bm.allocate(size),
        what = (direct ? direct.s.constructor.name + "." : "bank.") + "allocate(" + size + ")";
      if (a === 0) {
        const e = direct ? direct.s.lastError : bm.lastError;
        if (e !== -ENOMEM) throw new Violation(what + " failed with lastError " + e);
        count("nomem");
        // An in-band pool asked directly has only the blocks of sections that are on: the manager released the others
        // before switching them off, and only its own allocate switches them back on.
        const onFree = (q) => {
          for (let k = 0; k < q.m.units; k++) if (!q.m.used[k] && mcu.getPower(mcu.sectionAt(q.m.base + k * q.unit)) === "on") return true;
          return false;
        };
        const room = (direct ? [direct] : parts).some((q) =>
          direct && q.s instanceof Onesize ? onFree(q) : q.fixed ? q.m.freeUnits() > 0 : q.m.hasRun(Math.ceil(size / 16)),
        );
        if (room) throw new Violation(what + " failed (-ENOMEM) though the model has room");
        return;
      }
      const part = partOf(a);
      if (!part) throw new Violation(what + " returned " + hex(a) + ", in no managed region");
      const n = part.fixed ? 1 : Math.ceil(size / 16);
      part.m.take(a, n, what);
      const x = { a, n };
      tag.put(x); // a bus fault here: the section was not switched on before the address was returned
      live.push(x);
    },
    (i) => {
      const v = bm.validate();
      if (v !== null) throw new Violation("BankManager at step " + i + ": validate(): " + v);
      const st = bm.stats();
      if (st.used !== usedUnits())
        throw new Violation("BankManager at step " + i + ": stats().used " + st.used + ", the model " + usedUnits());
    },
  );
}

// ---------------------------------------------------------------------------

const RUNS = { memblocks: soakMemBlocks, onesize: soakOnesize, granular: soakGranular, manager: soakManager, bank: soakBank };
const results = [];
console.log(
  "soak: " +
    OPS.toLocaleString("en") +
    " operations per allocator, validate() every " +
    EVERY.toLocaleString("en") +
    ", seed " +
    SEED +
    " (Node " +
    process.version +
    ", " +
    cpus().length +
    " cores)",
);
for (const name of ONLY) {
  const res = RUNS[name](OPS, (SEED * 1000003 + NAMES.indexOf(name)) >>> 0);
  results.push(res);
  console.log(
    "  " +
      res.name.padEnd(14) +
      String(res.ops.toLocaleString("en")).padStart(12) +
      " ops  " +
      String(res.violations).padStart(2) +
      " violations  " +
      res.seconds.toFixed(1).padStart(7) +
      " s  " +
      String(Math.round(res.ops / res.seconds).toLocaleString("en")).padStart(10) +
      " ops/s  " +
      res.validations +
      " validations  (" +
      res.mix.alloc.toLocaleString("en") +
      " allocations, " +
      res.mix.free.toLocaleString("en") +
      " frees, " +
      res.mix.nomem.toLocaleString("en") +
      " -ENOMEM, " +
      res.mix.bad.toLocaleString("en") +
      " bad frees refused)" +
      (res.first ? "\n    " + res.first : ""),
  );
}
const violations = results.reduce((n, x) => n + x.violations, 0);
console.log(
  "soak: " +
    (violations === 0 ? "no violations" : violations + " allocator(s) with a violation") +
    (SELF_TEST ? " (self-test: every allocator must have one)" : ""),
);

if (args.includes("--write")) {
  const DOC = "docs/RELIABILITY.md",
    START = "<!-- soak:start",
    END = "<!-- soak:end -->";
  const date = new Date().toISOString().slice(0, 10);
  const n = (v) => v.toLocaleString("en");
  const rows = results.map(
    (x) =>
      "| " +
      [
        x.name,
        n(x.ops),
        n(x.mix.alloc),
        n(x.mix.free),
        n(x.mix.nomem),
        n(x.mix.bad),
        n(x.validations),
        x.violations,
        x.seconds.toFixed(1) + " s",
        n(Math.round(x.ops / x.seconds)),
      ].join(" | ") +
      " |",
  );
  const body = [
    START + " (written by `npm run soak -- --write`; do not edit) -->",
    "",
    "Run of " +
      date +
      ": `npm run soak` (" +
      OPS.toLocaleString("en") +
      " operations per allocator, `validate()` every " +
      EVERY.toLocaleString("en") +
      ", seed " +
      SEED +
      "), Node " +
      process.version +
      " on " +
      cpus().length +
      " cores (" +
      (cpus()[0] ? cpus()[0].model.trim() : "unknown CPU") +
      ").",
    "",
    "| allocator | operations | allocations | frees | -ENOMEM | bad frees refused | validations | violations | time | operations/s |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
    "",
    END,
  ].join("\n");
  const doc = readFileSync(DOC, "utf8"),
    a = doc.indexOf(START),
    b = doc.indexOf(END);
  if (a < 0 || b < a) {
    console.error("soak: " + DOC + " has no soak markers");
    process.exitCode = 1;
  } else {
    writeFileSync(DOC, doc.slice(0, a) + body + doc.slice(b + END.length));
    console.log("soak: wrote the figures into " + DOC);
  }
}
if (SELF_TEST ? violations !== results.length : violations > 0) process.exitCode = 1;

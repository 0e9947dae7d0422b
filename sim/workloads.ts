/**
 * Built-in workloads of the bank power-down experiments, and the event list
 * every workload and every trace becomes (Node only).
 *
 * A workload is a deterministic function of (parameters, seed, duration): it
 * produces a time-ordered list of operations on allocation ids: allocate
 * `size` bytes (or `count` blocks, scatter-gather), write `len` bytes at an
 * offset of a live allocation, free it. It never sees addresses: the
 * simulator decides them under each policy, so the same list runs under
 * every policy. When an allocation fails under some policy, that run skips
 * the id's later writes and its free (and counts the failure).
 *
 * Parameters have units in their names' documentation (`WORKLOADS[kind].params`)
 * and ranges that the experiment schema repeats; defaults are the figures
 * described with each workload below.
 */
import { Prng, mix32 } from "./prng.js";
import { checkInt, fail, show } from "../src/core/errors.js";

/** Operation codes of an `EventList`. */
export const OP_ALLOC = 0;
export const OP_FREE = 1;
export const OP_WRITE = 2;

/**
 * Operations in time order, as columns (one typed array per field), so that a
 * day of one-second samples costs a few MB and no objects.
 * - alloc: `a` = bytes, `b` = blocks (0: one `allocate(a)`; n > 0: a
 *   scatter-gather allocation of n blocks of the allocator's block size, `a`
 *   then being n × block size)
 * - free: `a`, `b` unused
 * - write: `a` = bytes written, `b` = offset in the allocation
 */
export class EventList {
  n = 0;
  t: Float64Array;
  op: Uint8Array;
  id: Int32Array;
  a: Float64Array;
  b: Int32Array;
  /** Ids are 0 … ids − 1. */
  ids = 0;

  constructor(capacity = 1024) {
    checkInt(capacity, "capacity", 1, 0x10000000);
    this.t = new Float64Array(capacity);
    this.op = new Uint8Array(capacity);
    this.id = new Int32Array(capacity);
    this.a = new Float64Array(capacity);
    this.b = new Int32Array(capacity);
  }

  /** Append one event (any time order: `sort()` orders them). */
  push(t: number, op: number, id: number, a: number, b: number): void {
    if (this.n === this.t.length) this._grow();
    var i = this.n++;
    this.t[i] = t;
    this.op[i] = op;
    this.id[i] = id;
    this.a[i] = a;
    this.b[i] = b;
    if (id >= this.ids) this.ids = id + 1;
  }

  _grow(): void {
    var c = this.t.length * 2;
    var t = new Float64Array(c),
      op = new Uint8Array(c),
      id = new Int32Array(c),
      a = new Float64Array(c),
      b = new Int32Array(c);
    t.set(this.t);
    op.set(this.op);
    id.set(this.id);
    a.set(this.a);
    b.set(this.b);
    this.t = t;
    this.op = op;
    this.id = id;
    this.a = a;
    this.b = b;
  }

  /** Stable sort by time (events at the same time keep the order they were pushed in). O(n log n). */
  sort(): void {
    var n = this.n,
      t = this.t,
      sorted = true;
    for (var i = 1; i < n; i++)
      if (t[i] < t[i - 1]) {
        sorted = false;
        break;
      }
    if (sorted) return;
    // A stable merge sort of the event indices by time, on typed arrays (no
    // per-element objects or comparator calls): runs of 32 by insertion, then
    // bottom-up merges. Equal times keep their push order.
    var order = new Int32Array(n),
      other = new Int32Array(n),
      j: number,
      k: number;
    for (i = 0; i < n; i++) order[i] = i;
    for (var lo = 0; lo < n; lo += 32) {
      var hi = lo + 32 < n ? lo + 32 : n;
      for (i = lo + 1; i < hi; i++) {
        var x = order[i],
          tx = t[x];
        for (j = i - 1; j >= lo && t[order[j]] > tx; j--) order[j + 1] = order[j];
        order[j + 1] = x;
      }
    }
    for (var width = 32; width < n; width *= 2) {
      for (lo = 0; lo < n; lo += 2 * width) {
        var mid = lo + width < n ? lo + width : n,
          end = lo + 2 * width < n ? lo + 2 * width : n;
        // Each side is in order: take the left one while it is not later.
        for (i = lo, j = mid, k = lo; k < end; k++) {
          if (i < mid && (j >= end || t[order[i]] <= t[order[j]])) other[k] = order[i++];
          else other[k] = order[j++];
        }
      }
      var swap = order;
      order = other;
      other = swap;
    }
    var nt = new Float64Array(n),
      nop = new Uint8Array(n),
      nid = new Int32Array(n),
      na = new Float64Array(n),
      nb = new Int32Array(n);
    for (i = 0; i < n; i++) {
      k = order[i];
      nt[i] = t[k];
      nop[i] = this.op[k];
      nid[i] = this.id[k];
      na[i] = this.a[k];
      nb[i] = this.b[k];
    }
    this.t = nt;
    this.op = nop;
    this.id = nid;
    this.a = na;
    this.b = nb;
  }

  /** Time of the last event (0 when empty). */
  end(): number {
    return this.n === 0 ? 0 : this.t[this.n - 1];
  }
}

/** One parameter of a workload. */
export interface ParamInfo {
  default: number;
  min: number;
  max: number;
  integer?: boolean;
  /** Unit and meaning. */
  doc: string;
}

/** What the runner passes to a generator besides the parameters. */
export interface WorkloadContext {
  /** Seed of this run (the experiment's). */
  seed: number;
  /** Simulated seconds to cover: no event at or after it. */
  durationSeconds: number;
  /** The allocator's block (or granule) size, bytes. */
  blockSize: number;
  /** The allocator kind, for workloads that need blocks ("memblocks", "onesize", "granular"). */
  allocator: string;
}

/** A built-in workload. */
export interface WorkloadInfo {
  title: string;
  /** What it models and where its default figures come from. */
  description: string;
  /** Allocator kinds it runs on. */
  allocators: string[];
  params: { [name: string]: ParamInfo };
  /** The events, in any time order (`generateWorkload` sorts them). */
  generate(p: { [name: string]: number }, ctx: WorkloadContext): EventList;
}

/** Uniform in [0, 1). */
function unit(g: Prng): number {
  return g.next32() / 4294967296;
}
/** Exponential with the given mean (> 0). */
function expo(g: Prng, mean: number): number {
  return -mean * Math.log(1 - unit(g));
}
/** Geometric on {1, 2, …} with the given mean (≥ 1). */
function geometric(g: Prng, mean: number): number {
  if (mean <= 1) return 1;
  var p = 1 / mean;
  return 1 + Math.floor(Math.log(1 - unit(g)) / Math.log(1 - p));
}
/** Integer uniform in [lo, hi]. */
function between(g: Prng, lo: number, hi: number): number {
  return lo + Math.floor(unit(g) * (hi - lo + 1));
}

/**
 * Sensor logger (a wrist-worn or stick-on logger such as a Bangle.js 2
 * recording motion and heart rate). Logging runs in sessions started by the
 * accelerometer's wake-on-motion and ended after a still period: session and
 * pause lengths are exponential with the means below (sessionMeanSeconds 0:
 * log all the time). During a session one record of `recordBytes` is taken
 * every 1/`sampleHz` s and appended to the current block (one block of the
 * allocator, `blockBytes`, allocated when the previous one is full). Every
 * `flushSeconds` (a periodic timer of the application, on the clock: at
 * multiples of flushSeconds) the full blocks are written to flash in one
 * batch (fewer wake-ups and erase cycles of the external flash) and freed;
 * the block being filled stays. At the end of a session everything is
 * written and freed. Defaults: 32-byte records (time 4, acceleration 6,
 * magnitude statistics 6, heart rate and confidence 2, pressure 4,
 * temperature 2, steps 2, battery and flags 6) at 1 Hz, a flush every 20
 * minutes (at most 37.5 KiB waiting), sessions of 45 minutes on average
 * separated by 90-minute pauses.
 */
function sensorLogger(p: { [k: string]: number }, ctx: WorkloadContext): EventList {
  var g = new Prng(mix32(ctx.seed, 0x5e4502));
  var ev = new EventList(4096);
  var block = p.blockBytes > 0 ? p.blockBytes : ctx.allocator === "granular" ? 512 : ctx.blockSize;
  var rec = p.recordBytes,
    dt = 1 / p.sampleHz,
    end = ctx.durationSeconds;
  if (rec > block) fail("EINVAL", "workload.params.recordBytes (" + rec + ") must not exceed the block (" + block + " bytes)");
  var perBlock = Math.floor(block / rec);
  var nextId = 0,
    t = 0;
  while (t < end) {
    var sessionEnd = p.sessionMeanSeconds > 0 ? t + expo(g, p.sessionMeanSeconds) : end;
    if (sessionEnd > end) sessionEnd = end;
    // The flush timer runs on the clock (a periodic timer of the application), not from the session's start.
    var full: number[] = [],
      cur = -1,
      used = 0,
      nextFlush = (Math.floor(t / p.flushSeconds) + 1) * p.flushSeconds;
    for (var k = 0; ; k++) {
      var ts = t + k * dt;
      if (ts >= sessionEnd) break;
      if (ts >= nextFlush) {
        if (cur >= 0 && used === perBlock) {
          full.push(cur);
          cur = -1;
        }
        for (var f = 0; f < full.length; f++) ev.push(ts, OP_FREE, full[f], 0, 0);
        full = [];
        nextFlush += p.flushSeconds;
      }
      if (cur < 0 || used === perBlock) {
        if (cur >= 0) full.push(cur);
        cur = nextId++;
        used = 0;
        ev.push(ts, OP_ALLOC, cur, block, 0);
      }
      ev.push(ts, OP_WRITE, cur, rec, used * rec);
      used++;
    }
    var te = sessionEnd < end ? sessionEnd : end;
    if (te < end) {
      for (f = 0; f < full.length; f++) ev.push(te, OP_FREE, full[f], 0, 0);
      if (cur >= 0) ev.push(te, OP_FREE, cur, 0, 0);
    }
    if (sessionEnd >= end) break;
    t = sessionEnd + expo(g, p.gapMeanSeconds);
  }
  return ev;
}

/**
 * BLE packet buffers (a peripheral on a phone link: notifications out,
 * writes in). Traffic comes in bursts, a Poisson process of
 * `burstsPerMinute`; a burst is a geometric number of packets with mean
 * `burstPacketsMean`, each one buffer of `packetBytes` (244: the ATT payload
 * of a 251-byte LL data PDU with the Data Length Extension, minus the 4-byte
 * L2CAP and 3-byte ATT headers). The stack sends `packetsPerEvent` packets per
 * connection event, one event every `connIntervalMs`; a packet's buffer is
 * freed when its event is acknowledged (the next event). A fraction
 * `heldFraction` of bursts are incoming messages the application keeps until
 * it has handled them (displayed, acted on): their buffers live an
 * exponential `heldMeanSeconds`.
 */
function blePackets(p: { [k: string]: number }, ctx: WorkloadContext): EventList {
  var g = new Prng(mix32(ctx.seed, 0xb1e));
  var ev = new EventList(4096);
  var end = ctx.durationSeconds,
    ci = p.connIntervalMs / 1000,
    nextId = 0;
  var t = expo(g, 60 / p.burstsPerMinute);
  while (t < end) {
    var n = geometric(g, p.burstPacketsMean);
    var held = unit(g) < p.heldFraction;
    var keep = held ? expo(g, p.heldMeanSeconds) : 0;
    // The burst starts at the next connection event.
    var t0 = Math.ceil(t / ci) * ci;
    for (var i = 0; i < n; i++) {
      var id = nextId++;
      var ta = t0 + Math.floor(i / p.packetsPerEvent) * ci;
      if (ta >= end) break;
      ev.push(ta, OP_ALLOC, id, p.packetBytes, 0);
      ev.push(ta, OP_WRITE, id, p.packetBytes, 0);
      var tf = ta + ci + (held ? keep : 0);
      if (tf < end) ev.push(tf, OP_FREE, id, 0, 0);
    }
    t += expo(g, 60 / p.burstsPerMinute);
  }
  return ev;
}

/**
 * DMA scatter-gather transfers (an SPI or I2S peripheral moving sensor or
 * audio data by EasyDMA lists): transfers start as a Poisson process of
 * `transfersPerMinute`; each takes a uniform number of blocks in
 * [`minBlocks`, `maxBlocks`] at once (MemBlocks' `allocBlocks`: the blocks
 * need not be contiguous, the descriptor list links them), is filled at
 * `bytesPerSecond`, processed for an exponential `holdMeanSeconds`, and its
 * blocks are freed together (`freeBlocks`). A fraction `retainFraction` of
 * the captures is kept until it is uploaded, an exponential
 * `retainMeanSeconds` later.
 */
function dmaScatterGather(p: { [k: string]: number }, ctx: WorkloadContext): EventList {
  var g = new Prng(mix32(ctx.seed, 0xd3a));
  var ev = new EventList(4096);
  var end = ctx.durationSeconds,
    bs = ctx.blockSize,
    nextId = 0;
  if (p.minBlocks > p.maxBlocks)
    fail("EINVAL", "workload.params.minBlocks (" + p.minBlocks + ") must not exceed workload.params.maxBlocks (" + p.maxBlocks + ")");
  var t = expo(g, 60 / p.transfersPerMinute);
  while (t < end) {
    var n = between(g, p.minBlocks, p.maxBlocks);
    var id = nextId++;
    var fill = (n * bs) / p.bytesPerSecond;
    var life = fill + (unit(g) < p.retainFraction ? expo(g, p.retainMeanSeconds) : expo(g, p.holdMeanSeconds));
    ev.push(t, OP_ALLOC, id, n * bs, n);
    ev.push(t, OP_WRITE, id, n * bs, 0);
    if (t + life < end) ev.push(t + life, OP_FREE, id, 0, 0);
    t += expo(g, 60 / p.transfersPerMinute);
  }
  return ev;
}

/**
 * Mixed-size heap (what an interpreter's native buffers and strings ask of a
 * general heap): allocations arrive as a Poisson process of `ratePerSecond`;
 * sizes are log-uniform in [`minBytes`, `maxBytes`] (many small, few large);
 * lifetimes are exponential, short (mean `shortMeanSeconds`) for a fraction
 * `shortFraction`, medium (`mediumMeanSeconds`) for `mediumFraction`, long
 * (`longMeanSeconds`) for the rest: the mix that leaves long-lived
 * allocations scattered among freed ones.
 */
function mixedHeap(p: { [k: string]: number }, ctx: WorkloadContext): EventList {
  var g = new Prng(mix32(ctx.seed, 0x4ea9));
  var ev = new EventList(4096);
  var end = ctx.durationSeconds,
    nextId = 0;
  if (p.minBytes > p.maxBytes)
    fail("EINVAL", "workload.params.minBytes (" + p.minBytes + ") must not exceed workload.params.maxBytes (" + p.maxBytes + ")");
  if (p.shortFraction + p.mediumFraction > 1)
    fail("EINVAL", "workload.params.shortFraction + mediumFraction must be at most 1, got " + (p.shortFraction + p.mediumFraction));
  var lo = Math.log(p.minBytes),
    hi = Math.log(p.maxBytes + 1);
  var t = expo(g, 1 / p.ratePerSecond);
  while (t < end) {
    var size = Math.floor(Math.exp(lo + unit(g) * (hi - lo)));
    if (size > p.maxBytes) size = p.maxBytes;
    var u = unit(g);
    var mean = u < p.shortFraction ? p.shortMeanSeconds : u < p.shortFraction + p.mediumFraction ? p.mediumMeanSeconds : p.longMeanSeconds;
    var id = nextId++;
    ev.push(t, OP_ALLOC, id, size, 0);
    ev.push(t, OP_WRITE, id, size, 0);
    var tf = t + expo(g, mean);
    if (tf < end) ev.push(tf, OP_FREE, id, 0, 0);
    t += expo(g, 1 / p.ratePerSecond);
  }
  return ev;
}

/** The built-in workloads by kind. */
export const WORKLOADS: { [kind: string]: WorkloadInfo } = {
  "sensor-logger": {
    title: "Sensor logger",
    description: "records every 1/sampleHz s appended into blocks, batch flushes to flash, motion-triggered sessions",
    allocators: ["memblocks", "onesize", "granular"],
    params: {
      sampleHz: { default: 1, min: 0.001, max: 100, doc: "records per second while logging (Hz)" },
      recordBytes: { default: 32, min: 1, max: 65536, integer: true, doc: "bytes per record" },
      blockBytes: {
        default: 0,
        min: 0,
        max: 1048576,
        integer: true,
        doc: "bytes per buffer block (0: the allocator's block size; 512 on a heap)",
      },
      flushSeconds: { default: 1200, min: 1, max: 1e7, doc: "period of the flush timer that writes the full blocks to flash (s)" },
      sessionMeanSeconds: { default: 2700, min: 0, max: 1e7, doc: "mean logging session, exponential (s); 0: log all the time" },
      gapMeanSeconds: { default: 5400, min: 1, max: 1e7, doc: "mean pause between sessions, exponential (s)" },
    },
    generate: sensorLogger,
  },
  "ble-packets": {
    title: "BLE packet buffers",
    description: "bursts of 244-byte packets, freed one connection event after they were sent; some messages held until handled",
    allocators: ["memblocks", "onesize", "granular"],
    params: {
      burstsPerMinute: { default: 2, min: 0.001, max: 6000, doc: "mean bursts per minute (Poisson)" },
      burstPacketsMean: { default: 12, min: 1, max: 10000, doc: "mean packets per burst (geometric)" },
      packetBytes: { default: 244, min: 1, max: 65536, integer: true, doc: "bytes per packet buffer" },
      connIntervalMs: { default: 30, min: 7.5, max: 4000, doc: "BLE connection interval (ms)" },
      packetsPerEvent: { default: 4, min: 1, max: 100, integer: true, doc: "packets sent per connection event" },
      heldFraction: { default: 0.2, min: 0, max: 1, doc: "fraction of bursts the application holds until handled" },
      heldMeanSeconds: { default: 120, min: 0, max: 1e7, doc: "mean time a held burst is kept, exponential (s)" },
    },
    generate: blePackets,
  },
  "dma-sg": {
    title: "DMA scatter-gather",
    description: "multi-block transfers (allocBlocks/freeBlocks), processed and freed; some captures kept until uploaded",
    allocators: ["memblocks"],
    params: {
      transfersPerMinute: { default: 4, min: 0.001, max: 60000, doc: "mean transfers per minute (Poisson)" },
      minBlocks: { default: 2, min: 1, max: 4096, integer: true, doc: "fewest blocks per transfer" },
      maxBlocks: { default: 12, min: 1, max: 4096, integer: true, doc: "most blocks per transfer" },
      bytesPerSecond: { default: 250000, min: 1, max: 1e9, doc: "fill rate of a transfer (bytes/s)" },
      holdMeanSeconds: { default: 1.5, min: 0, max: 1e7, doc: "mean processing time after the fill, exponential (s)" },
      retainFraction: { default: 0.1, min: 0, max: 1, doc: "fraction of transfers kept until uploaded" },
      retainMeanSeconds: { default: 600, min: 0, max: 1e7, doc: "mean time a kept capture waits for its upload, exponential (s)" },
    },
    generate: dmaScatterGather,
  },
  "mixed-heap": {
    title: "Mixed-size heap",
    description: "log-uniform sizes, short, medium and long lifetimes mixed",
    allocators: ["granular"],
    params: {
      ratePerSecond: { default: 0.1, min: 0.0001, max: 10000, doc: "mean allocations per second (Poisson)" },
      minBytes: { default: 16, min: 1, max: 1048576, integer: true, doc: "smallest allocation (bytes)" },
      maxBytes: { default: 2048, min: 1, max: 1048576, integer: true, doc: "largest allocation (bytes)" },
      shortFraction: { default: 0.7, min: 0, max: 1, doc: "fraction of short-lived allocations" },
      shortMeanSeconds: { default: 5, min: 0, max: 1e7, doc: "mean short lifetime, exponential (s)" },
      mediumFraction: { default: 0.25, min: 0, max: 1, doc: "fraction of medium-lived allocations" },
      mediumMeanSeconds: { default: 120, min: 0, max: 1e7, doc: "mean medium lifetime, exponential (s)" },
      longMeanSeconds: { default: 3600, min: 0, max: 1e7, doc: "mean long lifetime (the rest), exponential (s)" },
    },
    generate: mixedHeap,
  },
};

/** Kinds of the built-in workloads, in report order. */
export const WORKLOAD_KINDS = Object.keys(WORKLOADS);

/**
 * `params` completed with the defaults and checked: EINVAL naming
 * `workload.params.NAME` for an unknown name or a value out of range.
 */
export function workloadParams(kind: string, params?: { [name: string]: number }): { [name: string]: number } {
  var w = WORKLOADS[kind];
  if (!w) fail("EINVAL", "workload.kind must be one of " + WORKLOAD_KINDS.join(", ") + ", got " + show(kind));
  var out: { [name: string]: number } = {};
  var given = params || {};
  for (var k of Object.keys(given)) {
    if (!Object.hasOwn(w.params, k)) {
      fail("EINVAL", "workload.params." + k + " is not a parameter of " + kind + "; valid: " + Object.keys(w.params).join(", "));
    }
  }
  for (var name of Object.keys(w.params)) {
    var info = w.params[name];
    var v = Object.hasOwn(given, name) ? given[name] : info.default;
    if (typeof v !== "number" || !isFinite(v) || v < info.min || v > info.max || (info.integer && Math.floor(v) !== v)) {
      fail(
        "EINVAL",
        "workload.params." +
          name +
          " must be " +
          (info.integer ? "an integer" : "a number") +
          " in [" +
          info.min +
          ", " +
          info.max +
          "] (" +
          info.doc +
          "), got " +
          show(v),
      );
    }
    out[name] = v;
  }
  return out;
}

/**
 * The events of built-in workload `kind` with `params` (defaults filled in)
 * over `ctx.durationSeconds`. Deterministic for (kind, params, ctx).
 * EINVAL for an unknown kind or parameter, a value out of range, or an
 * allocator the workload cannot run on.
 */
export function generateWorkload(kind: string, params: { [name: string]: number } | undefined, ctx: WorkloadContext): EventList {
  var p = workloadParams(kind, params);
  if (!ctx || typeof ctx !== "object") fail("EINVAL", "ctx must be {seed, durationSeconds, blockSize, allocator}, got " + show(ctx));
  var w = WORKLOADS[kind];
  if (w.allocators.indexOf(ctx.allocator) < 0) {
    fail("EINVAL", "workload " + kind + " runs on " + w.allocators.join(" or ") + ", not on allocator.kind " + show(ctx.allocator));
  }
  if (typeof ctx.durationSeconds !== "number" || !(ctx.durationSeconds > 0) || !isFinite(ctx.durationSeconds)) {
    fail("EINVAL", "durationSeconds must be a number > 0, got " + show(ctx.durationSeconds));
  }
  // Sorted here, not at the end of each generator: code after a generator's
  // hot loop has no type feedback when the loop's optimised code reaches it,
  // which would throw that code away in every experiment.
  var ev = w.generate(p, ctx);
  ev.sort();
  return ev;
}

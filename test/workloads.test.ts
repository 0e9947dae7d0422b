import "../src/debug/host.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { EventList, OP_ALLOC, OP_FREE, OP_WRITE, WORKLOADS, WORKLOAD_KINDS, generateWorkload, workloadParams } from "../sim/workloads.js";

const SCHEMA = JSON.parse(readFileSync(fileURLToPath(new URL("../experiments/experiment.schema.json", import.meta.url)), "utf8"));
const DAY = 86400;

function ctxFor(kind: string, seed = 1, durationSeconds = DAY) {
  const allocator = WORKLOADS[kind].allocators[0];
  return { seed, durationSeconds, blockSize: allocator === "granular" ? 16 : 256, allocator };
}

function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  assert.unreachable("expected a throw");
  return "";
}

/** Columns of an event list as plain arrays (for deep comparisons). */
function columns(ev: EventList) {
  const n = ev.n;
  return [
    Array.from(ev.t.subarray(0, n)),
    Array.from(ev.op.subarray(0, n)),
    Array.from(ev.id.subarray(0, n)),
    Array.from(ev.a.subarray(0, n)),
    Array.from(ev.b.subarray(0, n)),
  ];
}

/**
 * The rules every event list keeps: time order within [0, duration); each id
 * allocated once, then written and freed (at most once) only while live;
 * writes inside the allocation.
 */
function checkWellFormed(ev: EventList, duration: number, blockSize: number): void {
  const size = new Map<number, number>(),
    freed = new Set<number>();
  for (let i = 0; i < ev.n; i++) {
    const t = ev.t[i],
      id = ev.id[i];
    assert.ok(t >= 0 && t < duration, "time " + t);
    if (i > 0) assert.ok(t >= ev.t[i - 1], "time order at " + i);
    if (ev.op[i] === OP_ALLOC) {
      assert.not.ok(size.has(id), "id " + id + " allocated twice");
      assert.ok(ev.a[i] >= 1, "size");
      if (ev.b[i] > 0) assert.is(ev.a[i], ev.b[i] * blockSize, "scatter-gather bytes");
      size.set(id, ev.a[i]);
    } else {
      assert.ok(size.has(id) && !freed.has(id), "op " + ev.op[i] + " on id " + id + " that is not live");
      if (ev.op[i] === OP_FREE) freed.add(id);
      else {
        assert.is(ev.op[i], OP_WRITE);
        assert.ok(ev.b[i] >= 0 && ev.b[i] + ev.a[i] <= size.get(id)!, "write inside the allocation");
      }
    }
  }
}

for (const kind of WORKLOAD_KINDS) {
  test(kind + ": deterministic for a seed, different for another, well-formed over a day", () => {
    const a = generateWorkload(kind, undefined, ctxFor(kind, 7));
    const b = generateWorkload(kind, undefined, ctxFor(kind, 7));
    const c = generateWorkload(kind, undefined, ctxFor(kind, 8));
    assert.ok(a.n > 100, "events: " + a.n);
    assert.equal(columns(a), columns(b));
    assert.not.equal(columns(a), columns(c));
    checkWellFormed(a, DAY, ctxFor(kind).blockSize);
    checkWellFormed(c, DAY, ctxFor(kind).blockSize);
  });
}

test("sensor logger: one record a second while logging, flushes at most flushSeconds apart, everything freed at a session's end", () => {
  const ctx = ctxFor("sensor-logger");
  const all = generateWorkload("sensor-logger", { sessionMeanSeconds: 0, recordBytes: 32 }, ctx);
  let writes = 0,
    allocs = 0,
    frees = 0;
  for (let i = 0; i < all.n; i++) {
    if (all.op[i] === OP_WRITE) {
      writes++;
      assert.is(all.a[i], 32);
    }
    if (all.op[i] === OP_ALLOC) {
      allocs++;
      assert.is(all.a[i], 256);
    }
    if (all.op[i] === OP_FREE) frees++;
  }
  assert.is(writes, DAY, "a record every second for a day");
  assert.is(allocs, DAY / 8, "8 records of 32 bytes per 256-byte block");
  // Logging all the time: the flush every 20 minutes frees every full block; the last flush is at 23:40.
  assert.is(frees, (71 * 1200) / 8);
  // With sessions: a session's end frees everything (live bytes come back to 0).
  const s = generateWorkload("sensor-logger", undefined, ctx);
  let live = 0,
    zeros = 0;
  for (let i = 0; i < s.n; i++) {
    if (s.op[i] === OP_ALLOC) live++;
    if (s.op[i] === OP_FREE) {
      live--;
      if (live === 0) zeros++;
    }
  }
  assert.ok(zeros >= 5, "sessions in a day: " + zeros);
  assert.match(
    thrown(() => generateWorkload("sensor-logger", { recordBytes: 300 }, ctx)),
    /recordBytes \(300\) must not exceed the block \(256 bytes\)/,
  );
});

test("DMA scatter-gather: each transfer takes minBlocks..maxBlocks blocks at once", () => {
  const ev = generateWorkload("dma-sg", { minBlocks: 3, maxBlocks: 5 }, ctxFor("dma-sg"));
  const seen = new Set<number>();
  for (let i = 0; i < ev.n; i++)
    if (ev.op[i] === OP_ALLOC) {
      assert.ok(ev.b[i] >= 3 && ev.b[i] <= 5);
      seen.add(ev.b[i]);
    }
  assert.equal([...seen].sort(), [3, 4, 5]);
});

test("BLE packets: packets live one connection interval unless held", () => {
  const ev = generateWorkload("ble-packets", { heldFraction: 0, connIntervalMs: 30 }, ctxFor("ble-packets"));
  const at = new Map<number, number>();
  for (let i = 0; i < ev.n; i++) {
    if (ev.op[i] === OP_ALLOC) {
      at.set(ev.id[i], ev.t[i]);
      assert.is(ev.a[i], 244);
    }
    if (ev.op[i] === OP_FREE) assert.ok(Math.abs(ev.t[i] - at.get(ev.id[i])! - 0.03) < 1e-9);
  }
});

test("mixed heap: sizes within [minBytes, maxBytes], many small and few large", () => {
  const ev = generateWorkload("mixed-heap", { ratePerSecond: 1 }, ctxFor("mixed-heap"));
  let small = 0,
    large = 0;
  for (let i = 0; i < ev.n; i++) {
    if (ev.op[i] !== OP_ALLOC) continue;
    assert.ok(ev.a[i] >= 16 && ev.a[i] <= 2048);
    if (ev.a[i] < 128) small++;
    if (ev.a[i] >= 1024) large++;
  }
  assert.ok(small > 2 * large, small + " small, " + large + " large");
});

test("parameters: defaults filled in; unknown names, out-of-range values and wrong allocators name the field", () => {
  const p = workloadParams("ble-packets", { burstsPerMinute: 5 });
  assert.is(p.burstsPerMinute, 5);
  assert.is(p.packetBytes, 244);
  assert.match(
    thrown(() => workloadParams("nope")),
    /workload\.kind must be one of sensor-logger, ble-packets, dma-sg, mixed-heap, got "nope"/,
  );
  assert.match(
    thrown(() => workloadParams("ble-packets", { burstz: 1 })),
    /workload\.params\.burstz is not a parameter of ble-packets; valid: burstsPerMinute/,
  );
  assert.match(
    thrown(() => workloadParams("ble-packets", { packetBytes: 2.5 })),
    /workload\.params\.packetBytes must be an integer in \[1, 65536\] \(bytes per packet buffer\), got 2\.5/,
  );
  assert.match(
    thrown(() => workloadParams("ble-packets", { heldFraction: 2 })),
    /workload\.params\.heldFraction must be a number in \[0, 1\]/,
  );
  assert.match(
    thrown(() => workloadParams("ble-packets", { heldFraction: "0.5" as any })),
    /heldFraction .*got "0\.5"/,
  );
  assert.match(
    thrown(() => generateWorkload("dma-sg", undefined, { ...ctxFor("dma-sg"), allocator: "granular" })),
    /dma-sg runs on memblocks, not on allocator\.kind "granular"/,
  );
  assert.match(
    thrown(() => generateWorkload("dma-sg", { minBlocks: 9, maxBlocks: 2 }, ctxFor("dma-sg"))),
    /minBlocks \(9\) must not exceed workload\.params\.maxBlocks \(2\)/,
  );
  assert.match(
    thrown(() => generateWorkload("mixed-heap", { shortFraction: 0.8, mediumFraction: 0.5 }, ctxFor("mixed-heap"))),
    /shortFraction \+ mediumFraction must be at most 1/,
  );
  assert.match(
    thrown(() => generateWorkload("mixed-heap", undefined, { ...ctxFor("mixed-heap"), durationSeconds: 0 })),
    /durationSeconds must be a number > 0/,
  );
});

test("the experiment schema lists exactly each workload's parameters with the same ranges", () => {
  const kinds = SCHEMA.properties.workload.properties.kind.enum;
  assert.equal(kinds, WORKLOAD_KINDS);
  for (const branch of SCHEMA.properties.workload.allOf) {
    const kind = branch.if.properties.kind.const;
    const props = branch.then.properties.params.properties;
    assert.equal(Object.keys(props), Object.keys(WORKLOADS[kind].params), kind);
    for (const [name, info] of Object.entries(WORKLOADS[kind].params)) {
      assert.is(props[name].minimum, info.min, kind + "." + name);
      assert.is(props[name].maximum, info.max, kind + "." + name);
      assert.is(props[name].type, info.integer ? "integer" : "number", kind + "." + name);
      assert.ok(info.default >= info.min && info.default <= info.max, kind + "." + name + " default in range");
    }
  }
});

test("EventList.sort is stable and keeps columns together", () => {
  const ev = new EventList(2);
  ev.push(2, OP_ALLOC, 0, 10, 0);
  ev.push(1, OP_ALLOC, 1, 11, 0);
  ev.push(2, OP_FREE, 0, 0, 0);
  ev.push(1, OP_FREE, 1, 0, 0);
  ev.sort();
  assert.equal(columns(ev), [
    [1, 1, 2, 2],
    [OP_ALLOC, OP_FREE, OP_ALLOC, OP_FREE],
    [1, 1, 0, 0],
    [11, 0, 10, 0],
    [0, 0, 0, 0],
  ]);
  assert.is(ev.ids, 2);
  assert.is(ev.end(), 2);
});

test.run();

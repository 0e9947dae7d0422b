// Worker for test/shared-workers.test.ts: attaches to a shared region made by
// the main thread and, once every worker is ready, allocates and frees from it
// at random, at the same time as the others. It writes a pattern into each
// block it holds and checks it before freeing, and claims every granule of a
// block in an owner map (one Atomics word per granule), so an overlap with a
// block another thread holds is seen at once. TypeScript sources load through
// tsx's loader, registered here because a worker does not inherit it.
import { parentPort, workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import("../../src/debug/host.ts");
const { attachSharedRegion, sharedMemoryConfig } = await import("../../sim/shared-memory.ts");
const { MemoryManager } = await import("../../src/alloc/memory-manager.ts");

const { handle, id, iterations, maxLive, mode, control, owners } = workerData;
const region = attachSharedRegion(handle);
const ctl = new Int32Array(control);
const own = new Int32Array(owners);
const base = handle.base,
  G = handle.granule;

let mm = null;
if (mode === "manager") {
  mm = new MemoryManager();
  // names are unique per realm (thread): every thread attaches under the same one
  if (mm.initShared(sharedMemoryConfig(region, "shm-test")) !== 0) throw new Error("initShared: " + mm.lastErrorText());
}
const alloc = mm ? (s) => mm.allocateShared(s) : (s, al) => region.heap.allocate(s, al);
const free = mm ? (a, s) => mm.deallocate(a, s) : (a, s) => region.heap.free(a, s);

let x = (0x9e3779b9 ^ (id * 0x85ebca6b)) >>> 0 || 1;
const rnd = () => {
  x ^= x << 13;
  x >>>= 0;
  x ^= x >>> 17;
  x ^= x << 5;
  x >>>= 0;
  return x;
};
const out = { id, allocs: 0, frees: 0, fails: 0, overlaps: 0, lost: 0, patternErrors: 0, freeErrors: 0, spills: 0, waits: 0 };
const live = [];
let seq = 0;

function take(a, size) {
  const tag = ((id << 6) + (++seq & 63)) & 0xff || 1;
  const g0 = (a - base) / G,
    n = Math.ceil(size / G);
  for (let g = g0; g < g0 + n; g++) if (Atomics.compareExchange(own, g, 0, id) !== 0) out.overlaps++;
  region.memory.fill(a, size, tag);
  live.push({ a, size, tag });
  out.allocs++;
}

function give(i) {
  const { a, size, tag } = live[i];
  const buf = new Uint8Array(size);
  region.memory.readBlock(a, buf, 0, size);
  for (let k = 0; k < size; k++)
    if (buf[k] !== tag) {
      out.patternErrors++;
      break;
    }
  const g0 = (a - base) / G,
    n = Math.ceil(size / G);
  for (let g = g0; g < g0 + n; g++) if (Atomics.compareExchange(own, g, id, 0) !== id) out.lost++;
  if (free(a, size) !== 0) out.freeErrors++;
  live[i] = live[live.length - 1];
  live.pop();
  out.frees++;
}

parentPort.postMessage({ ready: true });
Atomics.wait(ctl, 0, 0); // the start line: all workers go together
for (let k = 0; k < iterations; k++) {
  const u = rnd();
  if (mode === "manager") {
    // allocate(17) / deallocate(17) pairs
    const a = alloc(17);
    if (a === 0) {
      out.fails++;
      continue;
    }
    if (mm.memoryType(a) !== "SHARED") out.spills++;
    else {
      take(a, 17);
      give(live.length - 1);
    }
    continue;
  }
  if (live.length === 0 || (live.length < maxLive && (u & 1) === 0)) {
    const size = 1 + ((u >>> 8) % 300),
      al = (u >>> 4) % 8 === 0 ? 64 : undefined;
    const a = alloc(size, al);
    if (a === 0) out.fails++;
    else {
      if (al && a % al !== 0) out.freeErrors++;
      take(a, size);
    }
  } else give((u >>> 16) % live.length);
}
while (live.length) give(live.length - 1);
out.waits = region.lock.waits;
parentPort.postMessage({ done: out });

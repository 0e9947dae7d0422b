// Shared memory on the host: SharedMemory, the Atomics lock, shared
// regions attached from several heaps, and two worker threads allocating and
// freeing from one shared heap at the same time (host only: the bundle has no
// threads). Each worker fills what it holds with a pattern and checks it
// before freeing, and claims every granule in an owner map: no overlap, no
// lost block, and validate() passes at the end.
import "../src/debug/host.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Worker } from "node:worker_threads";
import {
  SharedMemory,
  AtomicsLock,
  createSharedRegion,
  attachSharedRegion,
  sharedMemoryConfig,
  type SharedRegion,
} from "../sim/shared-memory.js";
import { MemoryManager, MEMORY_SHARED } from "../src/alloc/memory-manager.js";
import { GranularHeap, GRANULAR_STATE_WORDS } from "../src/alloc/granular-heap.js";
import { EBUSY, EFAULT } from "../src/core/errors.js";
import { memoryContract } from "./support/memory-contract.js";

const BASE = 0x2000f000;
const WORKER = new URL("./workers/shared-heap-worker.mjs", import.meta.url);

test("SharedMemory: a Memory port over a SharedArrayBuffer; a second mapping sees the same bytes", () => {
  const m = new SharedMemory(BASE, 64);
  m.write32(BASE, 0x12345678);
  m.write16(BASE + 4, 0xbeef);
  m.write8(BASE + 6, 0x1ff);
  m.fill(BASE + 8, 8, 0xaa);
  m.writeBlock(BASE + 16, [1, 2, 3, 260], 0, 4);
  m.copy(BASE + 20, BASE + 16, 4);
  const again = new SharedMemory(BASE, 64, m.buffer); // visible through a second mapping
  assert.is(again.read32(BASE), 0x12345678);
  assert.is(again.read16(BASE + 4), 0xbeef);
  assert.is(again.read8(BASE + 6), 0xff);
  assert.is(again.read32(BASE + 8), 0xaaaaaaaa);
  const d = [0, 0, 0, 0];
  again.readBlock(BASE + 20, d, 0, 4);
  assert.equal(d, [1, 2, 3, 4]);
  assert.is(new Uint8Array(m.buffer)[0], 0x78, "little-endian");
  for (const f of [() => m.read8(BASE - 1), () => m.read32(BASE + 62), () => m.fill(BASE + 60, 5, 0), () => m.copy(BASE, BASE + 60, 8)]) {
    assert.throws(f, (e: any) => e.code === "EFAULT" && /outside the shared region/.test(e.message));
  }
  assert.throws(() => new SharedMemory(0, 64), /base/);
  assert.throws(() => new SharedMemory(BASE, 0), /size/);
  assert.throws(() => new SharedMemory(BASE, 64, new ArrayBuffer(64) as any), /buffer/);
  assert.throws(() => new SharedMemory(BASE, 64, new SharedArrayBuffer(32)), /buffer/);
});

test("AtomicsLock: enter/exit, bound hooks, only over shared memory", () => {
  const cell = new Int32Array(new SharedArrayBuffer(8));
  const l = new AtomicsLock(cell, 1);
  assert.not.ok(l.held());
  const { enter, exit } = l;
  enter();
  assert.ok(l.held());
  assert.is(cell[1], 1);
  exit();
  assert.not.ok(l.held());
  assert.is(l.waits, 0);
  assert.throws(
    () => new AtomicsLock(new Int32Array(2)),
    (e: any) => e.code === "EINVAL" && /SharedArrayBuffer/.test(e.message),
  );
  assert.throws(() => new AtomicsLock(cell, 2), /index/);
});

test("shared region: heaps attached to it (same thread) share every allocation, under the lock", () => {
  const r = createSharedRegion(BASE, 4096);
  const r2 = attachSharedRegion(r.handle);
  const a = r.heap.allocate(100);
  assert.is(a, BASE);
  assert.is(r2.heap.allocate(16), BASE + 112);
  r2.memory.write8(a, 7);
  assert.is(r.memory.read8(a), 7);
  assert.is(r2.heap.free(a, 100), 0);
  assert.is(r.heap.free(a), -EFAULT);
  assert.is(r.heap.stats().used, 16);
  assert.not.ok(r.lock.held());
  assert.is(r2.heap.validate(), null);
  assert.throws(() => attachSharedRegion(null as any), /handle/);
  assert.throws(() => attachSharedRegion({ ...r.handle, meta: new SharedArrayBuffer(8) }), /meta/);
  assert.throws(
    () => attachSharedRegion({ ...r.handle, size: 8192, memory: new SharedArrayBuffer(8192), meta: new SharedArrayBuffer(4096) }),
    /state must hold a heap/,
  );
  assert.throws(() => createSharedRegion(BASE, 8), /size/);
});

test("shared region through MemoryManagers: one heap, each manager under its own name", () => {
  const r = createSharedRegion(BASE, 256);
  const m1 = new MemoryManager(),
    m2 = new MemoryManager();
  assert.is(m1.initShared(sharedMemoryConfig(r, "shm-a")), 0);
  assert.is(m2.initShared(sharedMemoryConfig(r, "shm-b")), 0);
  const a = m1.allocateShared(128);
  assert.is(m2.memoryType(a), MEMORY_SHARED);
  assert.is(m2.allocateShared(128), BASE + 128);
  assert.is(m2.allocateShared(16), 0, "full, and no normal memory to spill to");
  assert.is(m2.deallocate(a, 128), 0);
  assert.is(m1.sharedHeap!.stats().used, 128);
  assert.is(m1.getSharedMemoryStartAddress(), BASE);
  // the managers' heaps joined the region heap's claim on r.memory (same state store); nothing else may claim it
  assert.throws(
    () => new GranularHeap(r.memory, { base: BASE + 64, size: 64 }),
    (e: any) => e.code === "EBUSY" && /overlaps/.test(e.message),
  );
  assert.throws(
    () =>
      new GranularHeap(r.memory, {
        base: BASE,
        size: 256,
        used: new Int32Array(1),
        ends: new Int32Array(1),
        state: new Int32Array(GRANULAR_STATE_WORDS),
      }),
    (e: any) => e.code === "EBUSY",
  );
  assert.is(m1.close(), -EBUSY, "the shared heap has live allocations (m2's)");
  assert.is(m2.deallocate(BASE + 128, 128), 0);
  assert.is(m1.close(), 0);
  assert.is(m2.sharedHeap!.allocate(16), BASE, "the other managers keep working on the heap");
  assert.is(m2.free(BASE), 0);
});

memoryContract(test, "SharedMemory", () => ({ mem: new SharedMemory(BASE, 256), base: BASE, size: 256 }));
memoryContract(test, "SharedMemory, second mapping of a larger buffer", () => ({
  mem: new SharedMemory(BASE, 128, new SharedArrayBuffer(256)),
  base: BASE,
  size: 128,
}));

interface Result {
  id: number;
  allocs: number;
  frees: number;
  fails: number;
  overlaps: number;
  lost: number;
  patternErrors: number;
  freeErrors: number;
  spills: number;
  waits: number;
}

/**
 * Start `n` workers on region `r`, release them together, and collect their
 * results. A worker that fails (or exits without a result) before or after
 * the start fails the test instead of leaving the others waiting.
 */
async function race(r: SharedRegion, n: number, mode: "heap" | "manager", iterations: number, maxLive: number): Promise<Result[]> {
  const control = new SharedArrayBuffer(4),
    owners = new SharedArrayBuffer(4 * r.heap.granules);
  const ctl = new Int32Array(control);
  const ready: Promise<void>[] = [],
    done: Promise<Result>[] = [];
  for (let id = 1; id <= n; id++) {
    const w = new Worker(WORKER, { workerData: { handle: r.handle, id, iterations, maxLive, mode, control, owners } });
    let onReady!: () => void;
    ready.push(
      new Promise<void>((res) => {
        onReady = res;
      }),
    );
    done.push(
      new Promise<Result>((res, rej) => {
        w.on("message", (m: any) => {
          if (m.ready) onReady();
          else if (m.done) res(m.done);
        });
        w.on("error", rej);
        w.on("exit", (code) => rej(new Error("worker " + id + " exited with code " + code + " before sending its result")));
      }),
    );
  }
  const all = Promise.all(done);
  try {
    await Promise.race([Promise.all(ready), all]); // `all` settles first only when a worker failed
  } finally {
    Atomics.store(ctl, 0, 1); // the start line (also frees waiting workers after a failure)
    Atomics.notify(ctl, 0);
  }
  const results = await all;
  assert.ok(
    new Int32Array(owners).every((v) => v === 0),
    "every granule given back in the owner map",
  );
  return results;
}

test("two worker threads allocate and free from one shared heap at the same time", async () => {
  const r = createSharedRegion(BASE, 16384);
  const results = await race(r, 2, "heap", 20000, 48);
  for (const x of results) {
    assert.ok(x.allocs > 1000, "worker " + x.id + " allocated");
    assert.is(x.frees, x.allocs, "worker " + x.id + " freed everything it held");
    assert.is(x.overlaps, 0, "worker " + x.id + ": a block overlapped another thread's");
    assert.is(x.lost, 0, "worker " + x.id + ": a granule it held was claimed by another");
    assert.is(x.patternErrors, 0, "worker " + x.id + ": a pattern was overwritten");
    assert.is(x.freeErrors, 0, "worker " + x.id + ": a free was refused or an alignment missed");
  }
  assert.is(r.heap.validate(), null);
  const st = r.heap.fullStats();
  assert.is(st.used, 0);
  assert.is(st.count, 0);
  assert.is(st.largestFree, 16384);
  assert.is(st.rejected, 0);
  assert.ok(st.peak > 0);
  assert.not.ok(r.lock.held());
});

test("worker threads doing allocateShared(17)/deallocate(17) through MemoryManagers never fail, nothing leaks", async () => {
  const r = createSharedRegion(BASE, 4096);
  const results = await race(r, 2, "manager", 1000, 1);
  for (const x of results) {
    assert.is(x.fails + x.spills, 0);
    assert.is(x.allocs, 1000);
    assert.is(x.overlaps + x.lost + x.patternErrors + x.freeErrors, 0);
  }
  assert.is(r.heap.validate(), null);
  assert.is(r.heap.stats().used, 0);
  assert.is(r.heap.allocate(4096), BASE, "the whole region is available afterwards");
});

test.run();

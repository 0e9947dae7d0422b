// MemoryManager (issue 5): the seed's behaviours, mirroring kitzoo's test list
// (seed-systems §4.3) where it applies, and where ramkit deliberately differs
// (no malloc behind it; a contiguous heap instead of a byte budget; sizes
// compared in granules), plus every bad input of every call, and a run on a
// simulated board with the heaps' sections switched off.
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  MemoryManager, MEMORY_NORMAL, MEMORY_SHARED, MEMORY_OTHER, regionConfig, findRegion,
} from "../src/alloc/memory-manager.js";
import { ArrayMemory } from "../src/hal/array-memory.js";
import { EBUSY, EEXIST, EFAULT, EINVAL } from "../src/core/errors.js";
import { loadBoard } from "../sim/boards.js";
import { SimMcu } from "../sim/mcu.js";

const NBASE = 0x20000000, SBASE = 0x20010000;
const mem = new ArrayMemory(NBASE, 0x20000);
let uniq = 0;
const fresh = () => "test-shm-" + ++uniq;
const normal = (size = 65536) => ({ memory: mem, base: NBASE, size });
const shared = (name: string, size = 128) => ({ memory: mem, base: SBASE, size, name });

test("kitzoo 1: getInstance returns the same object each time; new makes independent ones", () => {
  assert.is(MemoryManager.getInstance(), MemoryManager.getInstance());
  assert.is.not(new MemoryManager(), MemoryManager.getInstance());
  assert.is(MEMORY_NORMAL, "NORMAL");
  assert.is(MEMORY_SHARED, "SHARED");
  assert.is(MEMORY_OTHER, "OTHER");
});

test("kitzoo 2 (differs): before initNormal there is no memory to give (no malloc behind ramkit)", () => {
  const m = new MemoryManager();
  assert.is(m.allocate(8), 0);
  assert.is(m.memoryType(NBASE), MEMORY_OTHER);
  assert.is(m.deallocate(NBASE, 8), -EFAULT);
  assert.is(m.getMemorySizeBytes(), 0);
  assert.is(m.getSharedMemoryStartAddress(), 0);
  assert.is(m.getSharedMemoryName(), "");
  assert.is(m.normalHeap(), null);
  assert.is(m.validate(), null);
});

test("kitzoo 3: initNormal with size 0 fails, then succeeds once", () => {
  const m = new MemoryManager();
  assert.is(m.initNormal(normal(0)), -EINVAL);
  assert.match(m.lastError, /size/);
  assert.is(m.initNormal(normal()), 0);
  assert.is(m.lastError, "");
  assert.is(m.initNormal(normal()), -EBUSY);
  assert.match(m.lastError, /already/);
  assert.is(m.normalHeap()!.size, 65536);
});

test("initNormal: every bad config is refused with -EINVAL and a message naming it, nothing set up", () => {
  const m = new MemoryManager();
  const bad: [any, RegExp][] = [
    [undefined, /config/], [null, /config/], [42, /config/],
    [{ base: NBASE, size: 64 }, /memory/],
    [{ memory: mem, size: 64 }, /base/],
    [{ memory: mem, base: NBASE + 4, size: 64 }, /base must be a multiple/],
    [{ memory: mem, base: NBASE, size: 8 }, /size/],
    [{ memory: mem, base: NBASE, size: -64 }, /size/],
    [{ memory: mem, base: NBASE, size: "64" }, /size/],
    [{ memory: mem, base: NBASE, size: 64, granule: 12 }, /granule/],
    [{ memory: mem, base: 0xffffff00, size: 0x1000 }, /base \+ size/],
  ];
  for (const [cfg, re] of bad) {
    assert.is(m.initNormal(cfg), -EINVAL, String(re));
    assert.match(m.lastError, re);
    assert.is(m.normalHeap(), null);
  }
  assert.is(m.initNormal(normal()), 0);
});

test("kitzoo 4: size 0, a non-power-of-two alignment and impossible sizes give 0", () => {
  const m = new MemoryManager();
  m.initNormal(normal());
  for (const [s, al] of [[0, undefined], [16, 3], [16, 0], [16, 48], [0xffffffff, undefined], [2 ** 53, undefined], [-1, undefined], [1.5, undefined], ["16" as any, undefined]]) {
    assert.is(m.allocate(s as number, undefined, al), 0, String([s, al]));
    assert.is(m.allocateShared(s as number, undefined, al), 0, String([s, al]));
  }
  assert.is(m.allocate(16, -1), 0, "bad hint");
  assert.is(m.allocate(16, "x" as any), 0, "bad hint");
  assert.is(m.normalHeap()!.usedBytes(), 0);
  assert.is(m.spillCount(), 0);
});

test("kitzoo 5: the whole region, then nothing; a wrong size does not release, the right one does", () => {
  const m = new MemoryManager();
  m.initNormal(normal());
  const a = m.allocate(65536);
  assert.is(a, NBASE);
  assert.is(m.memoryType(a), MEMORY_NORMAL);
  assert.is(m.allocate(1), 0);
  assert.is(m.deallocate(a, 65536 - 16), -EINVAL);   // kitzoo uses size-1: here sizes compare in granules
  assert.is(m.allocate(1), 0);
  assert.is(m.deallocate(a, 65536), 0);
  assert.is(m.allocate(1), NBASE);
});

test("kitzoo 6 (differs): a contiguous heap, so a half needs two neighbouring quarters free", () => {
  const m = new MemoryManager();
  m.initNormal(normal());
  const q = [0, 1, 2, 3].map(() => m.allocate(16384));
  assert.equal(q, [NBASE, NBASE + 16384, NBASE + 32768, NBASE + 49152]);
  assert.is(m.deallocate(q[0], 16384), 0);
  assert.is(m.deallocate(q[2], 16384), 0);
  assert.is(m.allocate(32768), 0);                   // kitzoo's byte budget would say yes
  assert.is(m.normalHeap()!.stats().fragmentation, 0.5);
  assert.is(m.deallocate(q[1], 16384), 0);
  assert.is(m.allocate(32768), NBASE);               // merged with its neighbours
});

test("kitzoo 7 and 8: an aligned allocation; deallocate(NULL, 0) is a no-op", () => {
  const m = new MemoryManager();
  m.initNormal({ memory: mem, base: NBASE + 16, size: 4096 });
  const a = m.allocate(64, undefined, 64);
  assert.is(a % 64, 0);
  assert.is(a, NBASE + 64);
  assert.is(m.allocate(16, NBASE + 1024), NBASE + 1024, "the hint is tried first");
  assert.is(m.deallocate(0, 0), 0);
  assert.is(m.deallocate(0, 123), 0);
});

test("kitzoo 9: shared names (empty, already used elsewhere, fresh), once, and the getters", () => {
  const other = new MemoryManager();
  const taken = fresh();
  assert.is(other.initShared({ memory: mem, base: SBASE + 0x1000, size: 64, name: taken }), 0);
  const m = new MemoryManager();
  assert.is(m.initShared(shared("")), -EINVAL);
  assert.match(m.lastError, /name/);
  for (const bad of [undefined, null, 7, "a\u0000b"]) assert.is(m.initShared(shared(bad as any)), -EINVAL);
  assert.is(m.initShared(shared(taken)), -EEXIST);
  assert.match(m.lastError, /in use/);
  assert.is(other.getSharedMemoryName(), taken, "the existing one is left alone");
  assert.is(other.allocateShared(64), SBASE + 0x1000);
  assert.is(m.initShared(shared(fresh(), 0)), -EINVAL, "size 0");
  assert.is(m.initShared({ ...shared(fresh()), base: SBASE + 8 }), -EINVAL);
  assert.is(m.initShared(undefined as any), -EINVAL);
  const name = fresh();
  assert.is(m.initShared(shared(name)), 0);
  assert.is(m.initShared(shared(fresh())), -EBUSY);
  assert.is(m.getSharedMemoryName(), name);
  assert.is(m.getMemorySizeBytes(), 128);
  assert.is(m.getSharedMemoryStartAddress(), SBASE);
  assert.is(new MemoryManager().initShared(shared(name)), -EEXIST);
});

test("normal and shared regions must not overlap", () => {
  const m = new MemoryManager();
  assert.is(m.initNormal({ memory: mem, base: NBASE, size: 0x1000 }), 0);
  assert.is(m.initShared({ memory: mem, base: NBASE + 0xff0, size: 64, name: fresh() }), -EINVAL);
  assert.match(m.lastError, /overlaps/);
  assert.is(m.getSharedMemoryName(), "");
  const n = new MemoryManager();
  assert.is(n.initShared({ memory: mem, base: NBASE, size: 0x100, name: fresh() }), 0);
  assert.is(n.initNormal({ memory: mem, base: NBASE + 0x80, size: 0x100 }), -EINVAL);
  assert.is(n.initNormal({ memory: mem, base: NBASE + 0x100, size: 0x100 }), 0);
});

test("kitzoo 10 and 11: a shared allocation of the whole region is its start; one too big spills to normal", () => {
  const m = new MemoryManager();
  m.initNormal(normal());
  m.initShared(shared(fresh()));
  const a = m.allocateShared(128);
  assert.is(a, SBASE);
  assert.is(m.memoryType(a), MEMORY_SHARED);
  mem.write32(a, 0xdeadbeef);
  assert.is(mem.read32(SBASE), 0xdeadbeef);
  assert.is(m.deallocate(a, 128), 0);
  const b = m.allocateShared(144);
  assert.is(m.memoryType(b), MEMORY_NORMAL);
  assert.is(b, NBASE);
  assert.is(m.spillCount(), 1);
  assert.is(m.deallocate(b, 144), 0);
});

test("kitzoo 12: shared fragmentation spills; a wrong size is refused; the right one lets neighbours merge", () => {
  const m = new MemoryManager();
  m.initNormal(normal());
  m.initShared(shared(fresh()));
  const s = [0, 1, 2, 3].map(() => m.allocateShared(32));
  assert.equal(s, [SBASE, SBASE + 32, SBASE + 64, SBASE + 96]);
  assert.is(m.deallocate(s[0], 32), 0);
  assert.is(m.deallocate(s[2], 32), 0);
  const spilled = m.allocateShared(64);
  assert.is(m.memoryType(spilled), MEMORY_NORMAL);
  assert.is(m.deallocate(s[1], 16), -EINVAL);          // kitzoo uses 31: here 31 rounds to the same 32
  assert.is(m.memoryType(m.allocateShared(64)), MEMORY_NORMAL);
  assert.is(m.deallocate(s[1], 32), 0);
  assert.is(m.allocateShared(96), SBASE);
  assert.is(m.spillCount(), 2);
  assert.is(m.validate(), null);
});

test("allocateShared before initShared spills to normal; with neither it gives 0", () => {
  const m = new MemoryManager();
  assert.is(m.allocateShared(16), 0);
  m.initNormal(normal());
  assert.is(m.memoryType(m.allocateShared(16)), MEMORY_NORMAL);
  assert.is(m.spillCount(), 1);
});

test("deallocate: foreign, double, interior, wrong types", () => {
  const m = new MemoryManager();
  m.initNormal(normal(4096));
  m.initShared(shared(fresh()));
  const a = m.allocate(40), b = m.allocateShared(40);
  assert.is(m.deallocate(0x30000000, 16), -EFAULT, "foreign");
  assert.is(m.deallocate(a + 16, 16), -EFAULT, "interior");
  assert.is(m.deallocate(b + 1, 48), -EFAULT, "misaligned");
  assert.is(m.deallocate(a, undefined as any), -EINVAL, "no size");
  assert.is(m.deallocate("x" as any, 48), -EINVAL);
  assert.is(m.deallocate(a, 48), 0);
  assert.is(m.deallocate(a, 48), -EFAULT, "double");
  assert.is(m.deallocate(b, 40), 0);
  assert.is(m.deallocate(b, 40), -EFAULT);
  assert.is(m.memoryType(0), MEMORY_OTHER);
  assert.is(m.memoryType(NBASE + 4096), MEMORY_OTHER);
  assert.is(m.memoryType("x" as any), MEMORY_OTHER);
  assert.is(m.memoryType(SBASE + 127), MEMORY_SHARED);
  assert.is(m.validate(), null);
});

test("close: refused while allocations live; then the name is free again", () => {
  const m = new MemoryManager();
  const name = fresh();
  m.initNormal(normal());
  m.initShared(shared(name));
  const a = m.allocateShared(16);
  assert.is(m.close(), -EBUSY);
  assert.is(m.getSharedMemoryName(), name);
  assert.is(m.deallocate(a, 16), 0);
  assert.is(m.close(), 0);
  assert.is(m.getSharedMemoryName(), "");
  assert.is(m.allocate(16), 0);
  const n = new MemoryManager();
  assert.is(n.initShared(shared(name)), 0);
  assert.is(m.initNormal(normal()), 0, "a closed manager can be set up again");
});

test("regionConfig and findRegion: the shared region of a board file", () => {
  const board = loadBoard("PUCKJS");
  const r = findRegion(board, "shared")!;
  assert.ok(r);
  assert.is(findRegion(board, "nope"), null);
  assert.is(findRegion({} as any, "shared"), null);
  const mcu = new SimMcu(board, { initial: "zero" });
  const cfg = regionConfig(mcu, r, { name: fresh() });
  assert.is(cfg.base, r.base);
  assert.is(cfg.size, r.size);
  const m = new MemoryManager();
  assert.is(m.initShared(cfg), 0);
  assert.is(m.getSharedMemoryStartAddress(), r.base);
  assert.is(m.getMemorySizeBytes(), r.size);
  assert.is(regionConfig(mcu, r).name, "shared");
  assert.is(new MemoryManager().initShared(regionConfig(mcu, null as any, { name: fresh() })), -EINVAL);
});

test("the manager never touches its regions: every section of a board switched off, no access counted", () => {
  const board = loadBoard("PUCKJS");
  const mcu = new SimMcu(board, { initial: "zero" });
  const r = findRegion(board, "shared")!;
  const m = new MemoryManager();
  assert.is(m.initShared(regionConfig(mcu, r, { name: fresh() })), 0);
  assert.is(m.initNormal({ memory: mcu, base: r.base - 0x4000, size: 0x4000 }), 0);
  for (let i = 0; i < mcu.sectionCount(); i++) if (mcu.gateable(i)) mcu.setPower(i, "off");
  for (const i of mcu.sectionsInRange(r.base - 0x4000, 0x5000)) assert.is(mcu.getPower(i), "off", "section " + mcu.sectionName(i) + " is off");
  mcu.resetCounters();
  const xs = [m.allocate(100), m.allocateShared(200), m.allocateShared(5000), m.allocate(16, undefined, 256)];
  for (const x of xs) assert.ok(x !== 0);
  assert.is(m.memoryType(xs[2]), MEMORY_NORMAL);
  assert.is(m.deallocate(xs[0], 100), 0);
  assert.is(m.deallocate(xs[1], 200), 0);
  assert.is(m.deallocate(xs[1], 200), -EFAULT);
  assert.is(m.validate(), null);
  const t = mcu.totals();
  assert.is(t.reads + t.writes + t.faults, 0);
});

test.run();

// MemoryManager: the allocator contract over both heaps, and the normal/shared
// manager's behaviours (set up once, shared names, spills to normal memory,
// deallocate with a size), including where ramkit deliberately differs from a
// manager with a byte budget over malloc (no malloc behind it; a contiguous
// heap; sizes compared in granules), plus every bad input of every call, and
// a run on a simulated board with the heaps' sections switched off.
import "../src/debug/host.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryManager, MEMORY_NORMAL, MEMORY_SHARED, MEMORY_OTHER, regionConfig, findRegion } from "../src/alloc/memory-manager.js";
import { GranularHeap } from "../src/alloc/granular-heap.js";
import type { Watcher } from "../src/alloc/api.js";
import { ArrayMemory } from "../src/hal/array-memory.js";
import { EBUSY, EEXIST, EFAULT, EINVAL, ENOENT, ENOMEM } from "../src/core/errors.js";
import { loadBoard } from "../sim/boards.js";
import { SimMcu } from "../sim/mcu.js";

const NBASE = 0x20000000,
  SBASE = 0x20010000;
let uniq = 0;
const fresh = () => "test-shm-" + ++uniq;
/** A fresh port per manager: region claims are per port. */
const port = () => new ArrayMemory(NBASE, 0x20000);
const normal = (mem: ArrayMemory, size = 65536) => ({ memory: mem, base: NBASE, size });
const shared = (mem: ArrayMemory, name: string, size = 128) => ({ memory: mem, base: SBASE, size, name });
const codeIs = (code: string, what: RegExp) => (e: any) => e.code === code && what.test(e.message);

/** A manager with normal memory (64 KiB) and a 128-byte shared region, over a fresh port. */
function setUp(nsize = 65536, ssize = 128): { m: MemoryManager; mem: ArrayMemory } {
  const mem = port();
  const m = new MemoryManager(mem, { base: NBASE, size: nsize, shared: { base: SBASE, size: ssize, name: fresh() } });
  return { m, mem };
}

test("getInstance returns the same object each time; new makes independent ones", () => {
  assert.is(MemoryManager.getInstance(), MemoryManager.getInstance());
  assert.is.not(new MemoryManager(), MemoryManager.getInstance());
  assert.is(MEMORY_NORMAL, "NORMAL");
  assert.is(MEMORY_SHARED, "SHARED");
  assert.is(MEMORY_OTHER, "OTHER");
});

test("constructor: with options it sets up normal memory, and shared memory when options.shared is given", () => {
  const mem = port();
  const name = fresh();
  const m = new MemoryManager(mem, { base: NBASE, size: 4096, granule: 32, shared: { base: SBASE, size: 256, name } });
  assert.is(m.memory, mem);
  assert.is(m.base, NBASE);
  assert.is(m.size, 4096);
  assert.is(m.blockSize, 32);
  assert.is(m.lastError, 0);
  assert.is(m.normalHeap!.granule, 32);
  assert.is(m.sharedHeap!.granule, 16, "the shared region has its own options");
  assert.is(m.getSharedMemoryName(), name);
  assert.is(m.getMemorySizeBytes(), 256);
  assert.is(m.getSharedMemoryStartAddress(), SBASE);
  const n = new MemoryManager(port(), { base: NBASE, size: 4096 });
  assert.ok(n.normalHeap);
  assert.is(n.sharedHeap, null);
  const bare = new MemoryManager(mem);
  assert.is(bare.memory, mem);
  assert.is(bare.normalHeap, null);
  assert.equal([bare.base, bare.size, bare.blockSize], [0, 0, 0]);
  assert.is(bare.initNormal({ base: NBASE + 0x8000, size: 4096 }), 0, "configs default to the manager's memory");
  assert.is(bare.normalHeap!.memory, mem);
  assert.is(new MemoryManager().memory, null);
});

test("constructor: a bad configuration throws the coded error init would refuse with, and nothing stays set up", () => {
  const mem = port();
  const bad: [any, any, string, RegExp][] = [
    [{}, undefined, "EINVAL", /memory must be a Memory port/],
    [mem, null, "EINVAL", /options must be an object/],
    [mem, 5, "EINVAL", /options must be an object/],
    [undefined, { base: NBASE, size: 64 }, "EINVAL", /memory must be a Memory port/],
    [mem, { base: NBASE, size: 0 }, "EINVAL", /size must be an integer in \[16, /], // GranularHeap's own refusal
    [mem, { base: NBASE + 4, size: 64 }, "EINVAL", /base must be a multiple/],
    [mem, { base: NBASE, size: 64, used: "12" }, "EINVAL", /used must be an Int32Array/],
    [mem, { base: NBASE, size: 0x40000 }, "EINVAL", /not inside the memory port/],
    [mem, { base: NBASE, size: 64, shared: { base: SBASE, size: 64, name: "" } }, "EINVAL", /name must be a non-empty string/],
    [mem, { base: NBASE, size: 64, shared: { base: NBASE + 32, size: 64, name: fresh() } }, "EBUSY", /overlaps/],
    [mem, { base: NBASE, size: 64, shared: { base: SBASE, size: 8, name: fresh() } }, "EINVAL", /size/],
  ];
  for (const [mm, opts, code, re] of bad) {
    assert.throws(() => new MemoryManager(mm, opts), codeIs(code, re), String(re));
    assert.not.match(
      String(
        (() => {
          try {
            new MemoryManager(mm, opts);
          } catch (e: any) {
            return e.message;
          }
        })(),
      ),
      /EINVAL: EINVAL|EBUSY: EBUSY/,
    );
  }
  const taken = fresh();
  const first = new MemoryManager(port(), { base: NBASE, size: 64, shared: { base: SBASE, size: 64, name: taken } });
  assert.throws(
    () => new MemoryManager(mem, { base: NBASE, size: 64, shared: { base: SBASE, size: 64, name: taken } }),
    codeIs("EEXIST", /in use/),
  );
  // the refused constructions left no claim and no name behind
  const ok = new MemoryManager(mem, { base: NBASE, size: 0x10000, shared: { base: SBASE, size: 0x1000, name: "after-refusals-" + uniq } });
  assert.ok(ok.sharedHeap);
  assert.is(first.close(), 0);
});

test("before initNormal there is no memory to give (no malloc behind ramkit)", () => {
  const m = new MemoryManager();
  assert.is(m.allocate(8), 0);
  assert.is(m.lastError, -ENOMEM);
  assert.match(m.lastErrorText(), /not set up/);
  assert.is(m.memoryType(NBASE), MEMORY_OTHER);
  assert.is(m.deallocate(NBASE, 8), -EFAULT);
  assert.is(m.free(NBASE), -EFAULT);
  assert.is(m.owns(NBASE), false);
  assert.is(m.getMemorySizeBytes(), 0);
  assert.is(m.getSharedMemoryStartAddress(), 0);
  assert.is(m.getSharedMemoryName(), "");
  assert.is(m.normalHeap, null);
  assert.equal(m.stats(), { used: 0, free: 0, peak: 0, count: 0, failures: 3 });
  assert.is(m.validate(), null);
  assert.ok(m.invariantsHold());
  assert.is(m.close(), 0);
});

test("initNormal with size 0 fails, then succeeds once", () => {
  const m = new MemoryManager(),
    mem = port();
  assert.is(m.initNormal(normal(mem, 0)), -EINVAL);
  assert.is(m.lastError, -EINVAL);
  assert.match(m.lastErrorText(), /^EINVAL: size/);
  assert.is(m.initNormal(normal(mem)), 0);
  assert.is(m.lastError, -EINVAL, "success leaves lastError");
  assert.is(m.initNormal(normal(mem)), -EBUSY);
  assert.is(m.lastError, -EBUSY);
  assert.match(m.lastErrorText(), /already set up/);
  assert.is(m.normalHeap!.size, 65536);
  assert.is(m.size, 65536);
});

test("initNormal: every bad config is refused with a negative errno and a message naming it, nothing set up", () => {
  const m = new MemoryManager(),
    mem = port();
  const other = new MemoryManager(mem, { base: NBASE + 0x10000, size: 0x1000 });
  const bad: [any, number, RegExp][] = [
    [undefined, EINVAL, /config/],
    [null, EINVAL, /config/],
    [42, EINVAL, /config/],
    [{ base: NBASE, size: 64 }, EINVAL, /memory/],
    [{ memory: mem, size: 64 }, EINVAL, /base/],
    [{ memory: mem, base: NBASE + 4, size: 64 }, EINVAL, /base must be a multiple/],
    [{ memory: mem, base: NBASE, size: 8 }, EINVAL, /size/],
    [{ memory: mem, base: NBASE, size: -64 }, EINVAL, /size/],
    [{ memory: mem, base: NBASE, size: "64" }, EINVAL, /size/],
    [{ memory: mem, base: NBASE, size: 64, granule: 12 }, EINVAL, /granule/],
    [{ memory: mem, base: NBASE, size: 64, ends: new Uint8Array(2) }, EINVAL, /ends must be an Int32Array/],
    [{ memory: mem, base: 0xffffff00, size: 0x1000 }, EINVAL, /base \+ size/],
    [{ memory: mem, base: NBASE + 0x1f000, size: 0x2000 }, EINVAL, /not inside the memory port/],
    [{ memory: mem, base: NBASE + 0x10800, size: 0x1000 }, EBUSY, /overlaps \[0x20010000, 0x20011000\)/],
  ];
  for (const [cfg, code, re] of bad) {
    assert.is(m.initNormal(cfg), -code, String(re));
    assert.is(m.lastError, -code);
    assert.match(m.lastErrorText(), re);
    assert.is(m.normalHeap, null);
    assert.is(m.size, 0);
  }
  assert.is(m.initNormal(normal(mem)), 0);
  assert.is(other.close(), 0);
});

test("size 0, a non-power-of-two alignment and impossible sizes give 0 (-EINVAL, no spill)", () => {
  const { m } = setUp();
  for (const [s, al] of [
    [0, undefined],
    [16, 3],
    [16, 0],
    [16, 48],
    [2 ** 53, undefined],
    [-1, undefined],
    [1.5, undefined],
    ["16" as any, undefined],
  ]) {
    assert.is(m.allocate(s as number, al), 0, String([s, al]));
    assert.is(m.lastError, -EINVAL);
    assert.is(m.allocateShared(s as number, al), 0, String([s, al]));
    assert.is(m.lastError, -EINVAL);
  }
  assert.is(m.allocate(0xffffffff), 0, "too big: no room");
  assert.is(m.lastError, -ENOMEM);
  assert.is(m.allocate(16, undefined, -1), 0, "bad hint");
  assert.is(m.allocate(16, undefined, "x" as any), 0, "bad hint");
  assert.is(m.lastError, -EINVAL);
  assert.is(m.stats().used, 0);
  assert.is(m.stats().failures, 19);
  assert.is(m.spills, 0);
});

test("the whole region, then nothing; a wrong size does not release, the right one does", () => {
  const { m } = setUp();
  const a = m.allocate(65536);
  assert.is(a, NBASE);
  assert.is(m.memoryType(a), MEMORY_NORMAL);
  assert.is(m.allocate(1), 0);
  assert.is(m.deallocate(a, 65536 - 16), -EINVAL); // sizes compare in granules: a granule short is another size
  assert.is(m.lastError, -EINVAL);
  assert.is(m.allocate(1), 0);
  assert.is(m.deallocate(a, 65536), 0);
  assert.is(m.allocate(1), NBASE);
});

test("a contiguous heap, so a half needs two neighbouring quarters free", () => {
  const { m } = setUp();
  const q = [0, 1, 2, 3].map(() => m.allocate(16384));
  assert.equal(q, [NBASE, NBASE + 16384, NBASE + 32768, NBASE + 49152]);
  assert.is(m.deallocate(q[0], 16384), 0);
  assert.is(m.deallocate(q[2], 16384), 0);
  assert.is(m.allocate(32768), 0); // a byte budget would say yes
  assert.is(m.normalHeap!.fullStats().fragmentation, 0.5);
  assert.is(m.deallocate(q[1], 16384), 0);
  assert.is(m.allocate(32768), NBASE); // merged with its neighbours
});

test("an aligned allocation, the hint (at or above); deallocate(NULL, …) and free(NULL) are no-ops", () => {
  const m = new MemoryManager(port(), { base: NBASE + 16, size: 4096 });
  const a = m.allocate(64, 64);
  assert.is(a % 64, 0);
  assert.is(a, NBASE + 64);
  assert.is(m.allocate(16, undefined, NBASE + 1024), NBASE + 1024, "the hint");
  assert.is(m.allocate(16, undefined, NBASE + 1024), NBASE + 1040, "at or above it");
  assert.is(m.allocate(16, 64, NBASE + 1024), NBASE + 1088, "aligned, at or above it");
  assert.is(m.deallocate(0, 0), 0);
  assert.is(m.deallocate(0, 123), 0);
  assert.is(m.deallocate(0, undefined as any), 0);
  assert.is(m.free(0), 0);
  assert.is(m.stats().failures, 0);
});

test("shared names (empty, already used elsewhere, fresh), once, and the getters", () => {
  const mem = port();
  const taken = fresh();
  const other = new MemoryManager(port());
  assert.is(other.initShared({ base: SBASE + 0x1000, size: 64, name: taken }), 0);
  const m = new MemoryManager();
  assert.is(m.initShared(shared(mem, "")), -EINVAL);
  assert.match(m.lastErrorText(), /name/);
  for (const bad of [undefined, null, 7, "a\u0000b"]) assert.is(m.initShared(shared(mem, bad as any)), -EINVAL);
  assert.is(m.initShared(shared(mem, taken)), -EEXIST);
  assert.is(m.lastError, -EEXIST);
  assert.match(m.lastErrorText(), /in use/);
  assert.is(other.getSharedMemoryName(), taken, "the existing one is left alone");
  assert.is(other.allocateShared(64), SBASE + 0x1000);
  assert.is(m.initShared(shared(mem, fresh(), 0)), -EINVAL, "size 0");
  assert.is(m.initShared({ ...shared(mem, fresh()), base: SBASE + 8 }), -EINVAL);
  assert.is(m.initShared(undefined as any), -EINVAL);
  const name = fresh();
  assert.is(m.initShared(shared(mem, name)), 0);
  assert.is(m.initShared(shared(mem, fresh())), -EBUSY);
  assert.is(m.getSharedMemoryName(), name);
  assert.is(m.getMemorySizeBytes(), 128);
  assert.is(m.getSharedMemoryStartAddress(), SBASE);
  assert.equal([m.sharedName, m.sharedHeap!.size, m.sharedHeap!.base], [name, 128, SBASE], "the lean class's fields behind the getters");
  assert.is(new MemoryManager().initShared(shared(port(), name)), -EEXIST);
});

test("the board class holds the lean members and the seed's verbs; the rest is the add-on's", () => {
  const P = MemoryManager.prototype as any;
  for (const m of ["allocate", "free", "stats", "watch", "deallocate", "allocateShared", "memoryType", "initNormal", "initShared"]) {
    assert.is(typeof P[m], "function", m);
    assert.ok(Object.hasOwn(P, m), m + " is the class's own");
  }
  assert.is(typeof MemoryManager.getInstance, "function");
  for (const m of [
    "owns",
    "resetPeak",
    "unwatch",
    "close",
    "validate",
    "invariantsHold",
    "lastErrorText",
    "getMemorySizeBytes",
    "getSharedMemoryStartAddress",
    "getSharedMemoryName",
  ]) {
    assert.is(typeof P[m], "function", m + " (add-on, installed on the host)");
  }
  const m = new MemoryManager();
  assert.equal([m.sharedName, m.getSharedMemoryName(), m.getMemorySizeBytes(), m.getSharedMemoryStartAddress()], ["", "", 0, 0]);
});

test("the manager is a view of its normal heap: GranularHeap's own functions, failures kept across initNormal, a heap's failure is the manager's", () => {
  const P = MemoryManager.prototype as any,
    G = GranularHeap.prototype as any;
  for (const m of ["allocate", "free", "stats", "watch"]) assert.is(P[m], G[m], m + " is GranularHeap's");
  assert.is(P.fit, undefined, "no fit: no bank manager asks a manager");
  const m = new MemoryManager();
  assert.is(m.allocate(16), 0);
  assert.is(m.free(NBASE), -EFAULT);
  assert.is(m.stats().failures, 2);
  const mem = port();
  assert.is(m.initNormal(normal(mem, 4096)), 0);
  assert.is(m.stats().failures, 2, "the failures before initNormal are kept");
  assert.is(m.normalHeap!.stats().failures, 2, "in the normal heap's state block, which the manager shares");
  const a = m.allocate(32);
  assert.is(m.normalHeap!.stats().used, 32, "one heap, two objects");
  assert.is(m.normalHeap!.free(a), 0);
  assert.is(m.stats().used, 0);
  m.lastError = 0;
  assert.is(m.normalHeap!.free(a), -EFAULT);
  assert.is(m.lastError, -EFAULT, "a managed heap's failure is the manager's lastError too");
  assert.is(m.normalHeap!.lastError, -EFAULT);
  assert.is(m.initNormal({ ...shared(mem, fresh(), 64), memory: mem }, true), 0, "initNormal(config, true) is initShared");
  assert.is(m.sharedHeap!.allocate(64), SBASE);
  const s0 = m.sharedHeap!.stats().failures;
  const b = m.allocateShared(16);
  assert.is(m.memoryType(b), MEMORY_NORMAL);
  assert.is(m.sharedHeap!.stats().failures, s0, "a spill is no failure of the shared heap either");
  assert.is(m.stats().failures, 3);
  m.lastError = 0;
  assert.is(m.allocateShared(16, 3), 0);
  assert.is(m.lastError, -EINVAL, "the shared heap's refusal is the manager's");
  assert.is(m.sharedHeap!.stats().failures, s0 + 1);
  assert.is(m.free(b), 0);
  assert.is(m.free(SBASE), 0, "free passes a shared address on to the shared heap");
  assert.is(m.validate(), null);
  assert.is(m.close(), 0);
  assert.equal([m.base, m.size, m.blockSize, m.stats().used, m.allocate(16)], [0, 0, 0, 0, 0]);
  assert.is(m.lastError, -ENOMEM, "closed: an empty heap again");
});

test("normal and shared regions must not overlap (one port: the claim; two ports: the manager's own check)", () => {
  const mem = port();
  const m = new MemoryManager();
  assert.is(m.initNormal({ memory: mem, base: NBASE, size: 0x1000 }), 0);
  assert.is(m.initShared({ memory: mem, base: NBASE + 0xff0, size: 64, name: fresh() }), -EBUSY);
  assert.match(m.lastErrorText(), /overlaps/);
  assert.is(m.getSharedMemoryName(), "");
  const n = new MemoryManager();
  const mem2 = port();
  assert.is(n.initShared({ memory: mem2, base: NBASE, size: 0x100, name: fresh() }), 0);
  assert.is(n.initNormal({ memory: port(), base: NBASE + 0x80, size: 0x100 }), -EBUSY);
  assert.match(n.lastErrorText(), /overlaps the manager's other region \[0x20000000, 0x20000100\)/);
  assert.is(n.initNormal({ memory: mem2, base: NBASE + 0x80, size: 0x100 }), -EBUSY);
  assert.is(n.initNormal({ memory: mem2, base: NBASE + 0x100, size: 0x100 }), 0);
});

test("a shared allocation of the whole region is its start; one too big spills to normal", () => {
  const { m, mem } = setUp();
  const a = m.allocateShared(128);
  assert.is(a, SBASE);
  assert.is(m.memoryType(a), MEMORY_SHARED);
  mem.write32(a, 0xdeadbeef);
  assert.is(mem.read32(SBASE), 0xdeadbeef);
  assert.is(m.deallocate(a, 128), 0);
  const b = m.allocateShared(144);
  assert.is(m.memoryType(b), MEMORY_NORMAL);
  assert.is(b, NBASE);
  assert.is(m.spills, 1);
  assert.is(m.stats().failures, 0, "a spill is no failure");
  assert.is(m.deallocate(b, 144), 0);
});

test("shared fragmentation spills; a wrong size is refused; the right one lets neighbours merge", () => {
  const { m } = setUp();
  const s = [0, 1, 2, 3].map(() => m.allocateShared(32));
  assert.equal(s, [SBASE, SBASE + 32, SBASE + 64, SBASE + 96]);
  assert.is(m.deallocate(s[0], 32), 0);
  assert.is(m.deallocate(s[2], 32), 0);
  const spilled = m.allocateShared(64);
  assert.is(m.memoryType(spilled), MEMORY_NORMAL);
  assert.is(m.deallocate(s[1], 16), -EINVAL); // sizes compare in granules (31 would round to the same 32)
  assert.is(m.memoryType(m.allocateShared(64)), MEMORY_NORMAL);
  assert.is(m.deallocate(s[1], 32), 0);
  assert.is(m.allocateShared(96), SBASE);
  assert.is(m.spills, 2);
  assert.is(m.validate(), null);
});

test("allocateShared: with no room anywhere it gives 0 (-ENOMEM); before initShared it spills; with neither, 0", () => {
  const m = new MemoryManager();
  assert.is(m.allocateShared(16), 0);
  assert.is(m.lastError, -ENOMEM);
  m.initNormal(normal(port(), 64));
  assert.is(m.memoryType(m.allocateShared(16)), MEMORY_NORMAL);
  assert.is(m.spills, 1);
  const { m: full } = setUp(64, 64);
  assert.ok(full.allocate(64) && full.allocateShared(64));
  full.lastError = 0;
  assert.is(full.allocateShared(16), 0);
  assert.is(full.lastError, -ENOMEM);
  assert.is(full.spills, 0);
  assert.is(full.stats().failures, 1);
});

test("free and deallocate: either region; foreign, double, interior, wrong types; lastError and failures", () => {
  const { m } = setUp(4096);
  const a = m.allocate(40),
    b = m.allocateShared(40);
  const bad: [() => number, number, string][] = [
    [() => m.deallocate(0x30000000, 16), -EFAULT, "foreign"],
    [() => m.deallocate(a + 16, 16), -EFAULT, "interior"],
    [() => m.deallocate(b + 1, 48), -EFAULT, "misaligned"],
    [() => m.deallocate(a, "48" as any), -EINVAL, "size a string"],
    [() => m.deallocate("x" as any, 48), -EINVAL, "address a string"],
    [() => m.free(0x30000000), -EFAULT, "free foreign"],
    [() => m.free(b + 16), -EFAULT, "free interior"],
    [() => m.free("x" as any), -EINVAL, "free a string"],
    [() => m.free(undefined as any), -EINVAL, "free undefined"],
    [() => m.free(a, 100), -EINVAL, "free with a wrong size"],
  ];
  for (const [call, code, what] of bad) {
    m.lastError = 0;
    assert.is(call(), code, what);
    assert.is(m.lastError, code, what);
  }
  assert.is(m.stats().failures, bad.length);
  assert.is(m.stats().count, 2, "nothing freed");
  assert.is(m.free(a), 0);
  assert.is(m.deallocate(a, 48), -EFAULT, "double");
  // deallocate is free (one function on the board): the seed's size is checked when given, as free's
  assert.is(MemoryManager.prototype.deallocate, MemoryManager.prototype.free);
  assert.is(m.deallocate(m.allocate(40), undefined as any), 0, "no size: freed, as free(address)");
  assert.is(m.free(b, 40), 0, "free takes the shared region's allocations too");
  assert.is(m.deallocate(b, 40), -EFAULT);
  assert.is(m.memoryType(0), MEMORY_OTHER);
  assert.is(m.memoryType(NBASE + 4096), MEMORY_OTHER);
  assert.is(m.memoryType("x" as any), MEMORY_OTHER);
  assert.is(m.memoryType(SBASE + 127), MEMORY_SHARED);
  assert.is(m.validate(), null);
});

test("owns: either region, allocated or not", () => {
  const { m } = setUp(4096);
  assert.is(m.owns(NBASE), true);
  assert.is(m.owns(NBASE + 4095), true);
  assert.is(m.owns(NBASE + 4096), false);
  assert.is(m.owns(SBASE), true);
  assert.is(m.owns(SBASE + 128), false);
  assert.is(m.owns(String(NBASE) as any), false);
});

test("stats: both heaps summed, into out; resetPeak resets both peaks and the failures", () => {
  const { m } = setUp(4096, 256);
  const a = m.allocate(100),
    b = m.allocateShared(50),
    c = m.allocateShared(300); // c spills
  assert.equal(m.stats(), { used: 112 + 64 + 304, free: 4096 + 256 - 480, peak: 480, count: 3, failures: 0 });
  m.free(a);
  m.free(a);
  const out = { used: 0, free: 0, peak: 0, count: 0, failures: 0 };
  assert.is(m.stats(out), out);
  assert.equal(out, { used: 368, free: 4352 - 368, peak: 480, count: 2, failures: 1 });
  for (const bad of [5, "x", null]) assert.equal(m.stats(bad as any), out, "out " + String(bad) + ": a fresh object");
  m.resetPeak();
  assert.equal(m.stats(), { used: 368, free: 4352 - 368, peak: 368, count: 2, failures: 0 });
  assert.is(m.normalHeap!.stats().peak, 304);
  assert.is(m.sharedHeap!.stats().peak, 64);
  m.free(b);
  m.free(c);
});

test("watch/unwatch: one watcher sees both heaps (also one set up later), the manager as allocator", () => {
  const mem = port();
  const m = new MemoryManager(mem, { base: NBASE, size: 4096 });
  const log: string[] = [];
  const where = (a: number, al: unknown) => (al !== m ? "?" : m.memoryType(a) === MEMORY_SHARED ? "S" : "N");
  const w: Watcher = {
    onAlloc: (a, n, al) => log.push("+" + where(a, al) + (a - NBASE) + ":" + n),
    onFree: (a, n, al) => log.push("-" + where(a, al) + (a - NBASE) + ":" + n),
  };
  assert.is(m.watch(w), 0);
  assert.is(m.watch(w), 0, "twice: still once");
  const a = m.allocate(20);
  assert.is(m.initShared({ base: SBASE, size: 64, name: fresh() }), 0);
  const b = m.allocateShared(64),
    c = m.allocateShared(16); // c spills
  m.allocate(0);
  m.free(a + 16);
  m.deallocate(b, 64);
  m.free(c);
  m.free(a);
  assert.equal(log, ["+N0:32", "+S65536:64", "+N32:16", "-S65536:64", "-N32:16", "-N0:32"]);
  for (const bad of [null, {}, { onAlloc() {} }]) assert.is(m.watch(bad as any), -EINVAL);
  assert.is(m.lastError, -EINVAL);
  assert.is(m.unwatch(w), 0);
  assert.is(m.unwatch(w), -ENOENT);
  assert.is(m.lastError, -ENOENT);
  m.allocate(16);
  m.allocateShared(16);
  assert.is(log.length, 6);
  assert.is(m.normalHeap!._watchers, m._watchers, "the heaps share the manager's list (no relay functions)");
  assert.is(m.sharedHeap!._watchers, m._watchers);
  assert.equal(m._watchers, []);
  assert.is(MemoryManager.prototype.watch, GranularHeap.prototype.watch as any, "one watch function for both classes");
  // a managed heap's watchers are the manager's: watching the heap is watching the manager
  const seen: unknown[] = [];
  const own = { onAlloc: (_a: number, _n: number, al: unknown) => seen.push(al), onFree: () => {} };
  assert.is(m.normalHeap!.watch(own), 0);
  m.allocateShared(16);
  assert.equal(seen, [m]);
  assert.is(m.unwatch(own), 0);
  m.watch(w);
  m.allocate(16);
  assert.is(seen.length, 1);
  assert.is(log.length, 7);
  assert.match(log[6], /^\+N/);
  // a heap on its own names itself
  const h = new GranularHeap(port(), { base: NBASE, size: 256 });
  h.watch(own);
  h.allocate(16);
  assert.equal(seen, [m, h]);
});

test("close: refused while allocations live; then the regions and the name are free again", () => {
  const mem = port();
  const name = fresh();
  const m = new MemoryManager(mem, { base: NBASE, size: 65536, shared: { base: SBASE, size: 128, name } });
  const a = m.allocateShared(16);
  assert.is(m.close(), -EBUSY);
  assert.is(m.lastError, -EBUSY);
  assert.is(m.getSharedMemoryName(), name);
  assert.ok(m.normalHeap && m.sharedHeap);
  assert.is(m.deallocate(a, 16), 0);
  assert.is(m.close(), 0);
  assert.is(m.getSharedMemoryName(), "");
  assert.equal([m.base, m.size, m.blockSize, m.spills], [0, 0, 0, 0]);
  assert.is(m.allocate(16), 0);
  assert.is(m.close(), 0, "twice");
  const n = new MemoryManager();
  assert.is(n.initShared(shared(mem, name)), 0, "the name and the shared region's claim are free");
  assert.is(m.initNormal(normal(mem)), 0, "a closed manager can be set up again over the same region");
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
  for (const i of mcu.sectionsInRange(r.base - 0x4000, 0x5000))
    assert.is(mcu.getPower(i), "off", "section " + mcu.sectionName(i) + " is off");
  mcu.resetCounters();
  const xs = [m.allocate(100), m.allocateShared(200), m.allocateShared(5000), m.allocate(16, undefined, r.base - 0x100)];
  for (const x of xs) assert.ok(x !== 0);
  assert.is(m.memoryType(xs[2]), MEMORY_NORMAL);
  assert.is(m.deallocate(xs[0], 100), 0);
  assert.is(m.deallocate(xs[1], 200), 0);
  assert.is(m.deallocate(xs[1], 200), -EFAULT);
  assert.is(m.validate(), null);
  const t = mcu.totals();
  assert.is(t.reads + t.writes + t.faults, 0);
});

test("add-on: validate and invariantsHold name the heap with the problem; lastErrorText after a run-time failure", () => {
  const { m } = setUp(4096, 256);
  m.allocate(16);
  m.allocateShared(16);
  assert.is(m.validate(), null);
  assert.ok(m.invariantsHold());
  (m.sharedHeap as any)._ends[0] = 0;
  assert.match(m.validate() as string, /^shared: used run without an end bit/);
  (m.sharedHeap as any)._ends[0] = 1;
  (m.normalHeap as any)._state[4] = 7;
  assert.match(m.validate() as string, /^normal: counters out of range/);
  assert.not.ok(m.invariantsHold());
  (m.normalHeap as any)._state[4] = 1;
  assert.is(m.initShared({ base: SBASE, size: 64, name: fresh() }), -EBUSY);
  assert.match(m.lastErrorText(), /already set up/);
  m.free(NBASE + 16);
  assert.match(m.lastErrorText(), /^-EFAULT/, "a later run-time failure replaces the init text");
  m.allocate(16, 3);
  assert.match(m.lastErrorText(), /^-EINVAL/);
  // a refused init's reason lasts until the next failure, also one with the same code
  const k = new MemoryManager(port(), { base: NBASE, size: 4096 });
  assert.is(k.initShared({ base: SBASE, size: 64, name: "" }), -EINVAL);
  assert.match(k.lastErrorText(), /^EINVAL: name must be a non-empty string/);
  assert.is(k.allocate(16, 3), 0);
  assert.is(k.lastError, -EINVAL);
  assert.match(k.lastErrorText(), /^-EINVAL/);
});

test.run();

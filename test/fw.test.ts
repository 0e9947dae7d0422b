// The F´ layer (src/fw): F´'s BufferManager unit-test behaviours (nasa/fprime
// Svc/BufferManager/test/ut: bins 2 x 10, 4 x 12, 3 x 100, memory id 49,
// manager id 32; set-up and layout, one size, several sizes with fall-through,
// trimming), its telemetry and throttled events, bad returns; the
// MemAllocator adapters over every allocator; SystemAllocator (F´'s
// AllocatorTest.MallocAllocatorTest, the engine heap with and without
// E.getAddressOf, the board's system region in the simulator); the registry;
// the init-phase lock; the BufferManager as a contract allocator; and the bad
// inputs of every public call.
import "../src/debug/host.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ArrayMemory } from "../src/hal/array-memory.js";
import { MemBlocks } from "../src/alloc/mem-blocks.js";
import { Onesize } from "../src/alloc/onesize.js";
import { GranularHeap } from "../src/alloc/granular-heap.js";
import { MemoryManager } from "../src/alloc/memory-manager.js";
import {
  MemAllocatorAdapter,
  SystemAllocator,
  MemAllocatorRegistry,
  MemoryAllocatorType,
  BufferManager,
  allocationLock,
  lockAllocations,
  unlockAllocations,
  BUFFERMGR_MAX_NUM_BINS,
} from "../src/fw/index.js";
import type { MemAllocator, MemRequest, Buffer } from "../src/fw/index.js";
import { EFAULT, EINVAL, ENOMEM, EPERM, EBUSY, ENOENT } from "../src/core/errors.js";
import { SimMcu } from "../sim/mcu.js";
import { loadBoard } from "../sim/boards.js";
import { BankManager } from "../src/power/bank-manager.js";
import * as index from "../src/index.js";

const B = 0x20000000;
const R = BufferManager.RECORD_SIZE;
const BINS = [
  { bufferSize: 10, numBuffers: 2 },
  { bufferSize: 12, numBuffers: 4 },
  { bufferSize: 100, numBuffers: 3 },
];
const MEM_ID = 49,
  MGR_ID = 32;

/** "CODE message" of what `fn` throws (the message must start with "CODE: "); "no throw" when it returns. */
function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (e: any) {
    return e.message.indexOf(e.code + ": ") === 0
      ? e.code + " " + e.message.slice(e.code.length + 2)
      : "(code " + e.code + ") " + e.message;
  }
  return "no throw";
}

/** F´'s TestAllocator: a MemAllocator that records what it was asked and passes it on. */
function recording(inner: MemAllocator) {
  const log: { op: string; id: number; size?: number; address: number }[] = [];
  const a: MemAllocator & { log: typeof log } = {
    log,
    memory: inner.memory,
    get lastError() {
      return inner.lastError;
    },
    allocate(id: number, size: number, req?: MemRequest) {
      const address = inner.allocate(id, size, req);
      log.push({ op: "allocate", id, size, address });
      return address;
    },
    deallocate(id: number, address: number) {
      log.push({ op: "deallocate", id, address });
      return inner.deallocate(id, address);
    },
  } as any;
  return a;
}

/** A heap adapter over 64 KiB of plain memory at 0x20000000. */
function heapAdapter(size = 0x10000) {
  const mem = new ArrayMemory(B, size);
  const heap = new GranularHeap(mem, { base: B, size });
  return { mem, heap, ad: new MemAllocatorAdapter(heap) };
}

/** A BufferManager with recorded telemetry and events, set up over a recording heap adapter. */
function manager(bins = BINS, mgrId = MGR_ID) {
  const { mem, heap, ad } = heapAdapter();
  const alloc = recording(ad);
  const tlm: [string, number][] = [],
    events: [string, any][] = [];
  const bm = new BufferManager({ tlm: (n, v) => tlm.push([n, v]), event: (n, a) => events.push([n, a]) });
  assert.is(bm.setup(mgrId, MEM_ID, alloc, bins), 0);
  return { mem, heap, ad, alloc, bm, tlm, events };
}

/** Telemetry sent by one schedIn(), as {name: value}. */
function tick(bm: BufferManager, tlm: [string, number][]) {
  tlm.length = 0;
  bm.schedIn();
  const o: { [k: string]: number } = {};
  for (const [n, v] of tlm) o[n] = v;
  return o;
}

function shuffled<T>(a: T[], seed: number): T[] {
  const r = a.slice();
  for (let i = r.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const j = seed % (i + 1);
    [r[i], r[j]] = [r[j], r[i]];
  }
  return r;
}

// ---------------------------------------------------------------- F´ unit tests

test("Nominal.Setup: one allocation of 9 records + 368 bytes for memory id 49; records in bin order, contexts (32 << 16) | index, buffers packed right after the records to the block's end; cleanup gives it back", () => {
  const { bm, alloc, mem, heap } = manager();
  assert.equal(alloc.log, [{ op: "allocate", id: 49, size: 9 * R + 2 * 10 + 4 * 12 + 3 * 100, address: bm.base }]);
  assert.is(bm.size, 9 * R + 368);
  assert.is(bm.managerId, 32);
  assert.is(bm.memId, 49);
  assert.is(bm.numBuffers, 9);
  assert.is(bm.memory, mem);
  assert.is(bm.blockSize, 100);
  const sizes = [10, 10, 12, 12, 12, 12, 100, 100, 100];
  let at = bm.base + 9 * R;
  for (let i = 0; i < 9; i++) {
    const r = bm.record(i);
    assert.equal(r, { data: at, size: sizes[i], context: (32 << 16) | i, allocated: false }, "record " + i);
    // the record is in the block, four little-endian words
    assert.is(mem.read32(bm.base + i * R + 8), (32 << 16) | i);
    at += sizes[i];
  }
  assert.is(at, bm.base + bm.size, "the buffers end exactly at the block's end");
  assert.is(bm.validate(), null);
  assert.equal(bm.bins, BINS);
  assert.is.not(bm.bins, BINS, "the bins are copied");
  assert.is(heap.stats().count, 1);
  const base = bm.base;
  assert.is(bm.cleanup(), 0);
  assert.equal(alloc.log[1], { op: "deallocate", id: 49, address: base });
  assert.is(heap.stats().count, 0);
  assert.is(bm.numBuffers, 0);
  assert.is(bm.allocator, null);
  assert.is(bm.base, 0);
  assert.is(bm.validate(), null);
  assert.is(bm.cleanup(), -EINVAL, "cleaned up once only");
  assert.is(bm.setup(MGR_ID, MEM_ID, alloc, BINS), 0, "set up again after cleanup");
});

test("Nominal.OneSize: 4 x 12 handed out in order, the fifth request fails; telemetry on change only; returns in any order; the empty buffer counted", () => {
  const { bm, tlm, events } = manager([{ bufferSize: 12, numBuffers: 4 }]);
  const got: Buffer[] = [];
  for (let b = 0; b < 4; b++) {
    const buf = bm.getBuffer(12);
    assert.is(buf.context, (32 << 16) | b);
    assert.is(buf.size, 12);
    assert.is(bm.record(b).allocated, true);
    assert.is(bm.currBuffs, b + 1);
    assert.is(bm.hiBuffs, b + 1);
    got.push(buf);
  }
  const none = bm.getBuffer(12);
  assert.equal(none, { data: 0, size: 0, context: 0 });
  assert.is(bm.noBuffs, 1);
  assert.is(bm.lastError, -ENOMEM);
  assert.equal(events, [["NoBuffsAvailable", 12]]);
  assert.equal(tick(bm, tlm), { TotalBuffs: 4, CurrBuffs: 4, HiBuffs: 4, NoBuffs: 1, EmptyBuffs: 0 });
  let left = 4;
  for (const buf of shuffled(got, 7)) {
    assert.is(bm.returnBuffer(buf), 0);
    assert.is(bm.record(buf.context & 0xffff).allocated, false);
    assert.is(bm.currBuffs, --left);
    assert.is(bm.hiBuffs, 4);
    assert.is(bm.validate(), null);
  }
  assert.is(bm.returnBuffer(none), 0, "an empty buffer is accepted");
  assert.is(bm.emptyBuffs, 1);
  assert.equal(events[1], ["ZeroSizeBuffer", undefined]);
  assert.equal(tick(bm, tlm), { CurrBuffs: 0, EmptyBuffs: 1 });
  assert.equal(tick(bm, tlm), {}, "nothing changed: nothing sent");
  for (let b = 0; b < 4; b++) assert.is(bm.record(b).allocated, false);
});

test("Nominal.MultSize: size 10 takes all 9 buffers in bin order (falling through); 12 skips bin 0; 100 only bin 2; counters per phase", () => {
  const { bm, tlm } = manager();
  const phase = (size: number, first: number, count: number, noBuffs: number) => {
    const got: Buffer[] = [];
    for (let b = 0; b < count; b++) {
      const buf = bm.getBuffer(size);
      assert.is(buf.context & 0xffff, first + b, "size " + size + " request " + b);
      assert.is(buf.size, size);
      got.push(buf);
    }
    assert.equal(bm.getBuffer(size === 10 ? 12 : size), { data: 0, size: 0, context: 0 });
    assert.is(bm.noBuffs, noBuffs);
    return got;
  };
  let got = phase(10, 0, 9, 1);
  assert.equal(tick(bm, tlm), { TotalBuffs: 9, CurrBuffs: 9, HiBuffs: 9, NoBuffs: 1, EmptyBuffs: 0 });
  for (const b of got) assert.is(bm.returnBuffer(b), 0);
  assert.is(bm.returnBuffer({ data: 0, size: 0, context: 0 }), 0);
  assert.is(bm.emptyBuffs, 1);
  assert.equal(tick(bm, tlm), { CurrBuffs: 0, EmptyBuffs: 1 });

  got = phase(12, 2, 7, 2);
  assert.equal(tick(bm, tlm), { CurrBuffs: 7, NoBuffs: 2 });
  for (const b of shuffled(got, 3)) assert.is(bm.returnBuffer(b), 0);
  assert.is(bm.returnBuffer({ data: 0, size: 0, context: 0 }), 0);
  assert.is(bm.emptyBuffs, 2);

  got = phase(100, 6, 3, 3);
  assert.equal(tick(bm, tlm), { CurrBuffs: 3, NoBuffs: 3, EmptyBuffs: 2 });
  for (const b of got.reverse()) assert.is(bm.returnBuffer(b), 0);
  assert.is(bm.currBuffs, 0);
  assert.is(bm.hiBuffs, 9);
  assert.is(bm.validate(), null);
});

test("bufferSizeTrimmed (BM-007): a 12-byte buffer asked for 11 comes back with size 11; returning it clears the flag", () => {
  const { bm } = manager([{ bufferSize: 12, numBuffers: 1 }]);
  const b = bm.getBuffer(11);
  assert.is(b.size, 11);
  assert.is(bm.record(0).size, 12, "the record keeps the buffer's size");
  assert.is(bm.stats().used, 12, "charged as the whole buffer");
  assert.is(bm.returnBuffer(b), 0);
  assert.is(bm.record(0).allocated, false);
});

test("returnBuffer: data anywhere inside the buffer and a shrunk size are taken (F´); a size of 0 with real data is a return, not an empty buffer", () => {
  const { bm } = manager();
  const b = bm.getBuffer(50);
  assert.is(bm.returnBuffer({ data: b.data + 99, size: 1, context: b.context }), 0);
  const c = bm.getBuffer(10);
  assert.is(bm.returnBuffer({ data: c.data, size: 0, context: c.context }), 0);
  assert.is(bm.emptyBuffs, 0);
  assert.is(bm.currBuffs, 0);
});

test("returnBuffer refuses a foreign, second or malformed return with a code and a BadBufferReturn event, and changes nothing", () => {
  const { bm, events, mem } = manager();
  const b = bm.getBuffer(12);
  const before = JSON.stringify([bm.stats(), bm.currBuffs, bm.noBuffs, bm.emptyBuffs, mem.read32(bm.base + (b.context & 0xffff) * R + 12)]);
  const cases: [any, number][] = [
    [{ data: b.data, size: 12, context: (33 << 16) | (b.context & 0xffff) }, -EFAULT], // another manager's
    [{ data: b.data, size: 12, context: (32 << 16) | 9 }, -EFAULT], // no such buffer
    [{ data: b.data, size: 12, context: (32 << 16) | 3 }, -EFAULT], // a buffer that is not out
    [{ data: b.data - 1, size: 12, context: b.context }, -EFAULT], // data before it
    [{ data: b.data + 12, size: 1, context: b.context }, -EFAULT], // data past it
    [{ data: b.data, size: 13, context: b.context }, -EINVAL], // larger than the buffer
    [{ data: b.data, size: -1, context: b.context }, -EINVAL],
    [{ data: b.data, size: 12, context: "x" }, -EINVAL],
    [{ data: b.data, size: 12, context: -1 }, -EINVAL],
    [{ data: b.data, size: 12, context: 1.5 }, -EINVAL],
    [{ data: "1", size: 12, context: b.context }, -EINVAL],
    [{ data: b.data, size: "12", context: b.context }, -EINVAL],
    [null, -EINVAL],
    [undefined, -EINVAL],
    [7, -EINVAL],
  ];
  events.length = 0;
  for (const [buf, code] of cases) {
    assert.is(bm.returnBuffer(buf), code, JSON.stringify(buf));
    assert.is(bm.lastError, code);
  }
  assert.is(events.length, BufferManager.THROTTLE, "throttled at 10 events");
  assert.equal(events[0], ["BadBufferReturn", (33 << 16) | 2]);
  const after = JSON.stringify([
    Object.assign(bm.stats(), { failures: 0 }),
    bm.currBuffs,
    bm.noBuffs,
    bm.emptyBuffs,
    mem.read32(bm.base + (b.context & 0xffff) * R + 12),
  ]);
  assert.is(after, before.replace(/"failures":\d+/, '"failures":0'));
  assert.is(bm.stats().failures, cases.length);
  assert.is(bm.validate(), null);
  assert.is(bm.returnBuffer(b), 0);
  assert.is(bm.returnBuffer(b), -EFAULT, "the second return");
});

test("events are throttled at 10 per event until its throttle entry is cleared; telemetry and events are optional", () => {
  const { bm, events } = manager([{ bufferSize: 8, numBuffers: 1 }]);
  bm.getBuffer(8);
  for (let i = 0; i < 15; i++) bm.getBuffer(8);
  assert.is(bm.noBuffs, 15);
  assert.is(events.length, 10);
  assert.equal(bm.throttle, [10, 0, 0]);
  bm.throttle[0] = 0;
  bm.getBuffer(4);
  assert.is(events.length, 11);
  for (let i = 0; i < 12; i++) bm.returnBuffer({ data: 0, size: 0, context: 0 });
  assert.is(bm.emptyBuffs, 12);
  assert.is(events.filter((e) => e[0] === "ZeroSizeBuffer").length, 10);
  const quiet = new BufferManager();
  const { ad } = heapAdapter();
  assert.is(quiet.setup(1, 2, ad, [{ bufferSize: 4, numBuffers: 1 }]), 0);
  quiet.getBuffer(4);
  assert.is(quiet.getBuffer(4).data, 0);
  quiet.schedIn();
  assert.is(quiet.noBuffs, 1);
});

test("getBuffer: a size no bin holds is -EINVAL and still a NoBuffs with its event; a bad size is -EINVAL without either; out receives the buffer", () => {
  const { bm, events } = manager();
  assert.equal(bm.getBuffer(101), { data: 0, size: 0, context: 0 });
  assert.is(bm.lastError, -EINVAL);
  assert.is(bm.noBuffs, 1);
  assert.equal(events, [["NoBuffsAvailable", 101]]);
  for (const bad of [0, -1, 1.5, NaN, "8", null, undefined, 2 ** 32]) {
    assert.equal(bm.getBuffer(bad as any), { data: 0, size: 0, context: 0 }, String(bad));
    assert.is(bm.lastError, -EINVAL);
  }
  assert.is(bm.noBuffs, 1);
  assert.is(events.length, 1);
  const out = { data: 1, size: 2, context: 3 };
  assert.is(bm.getBuffer(5, out), out);
  assert.is(out.size, 5);
  assert.match(
    thrown(() => bm.getBuffer(5, 3 as any)),
    /^EINVAL out must be an object/,
  );
  assert.is(bm.currBuffs, 1, "a thrown getBuffer took nothing");
  const fresh = new BufferManager();
  assert.equal(fresh.getBuffer(4), { data: 0, size: 0, context: 0 });
  assert.is(fresh.lastError, -EINVAL, "before setup");
});

test("setup: bad arguments throw EINVAL naming them and change nothing; a second setup is EBUSY; unused bins (numBuffers 0) are skipped", () => {
  const { ad } = heapAdapter();
  const bm = new BufferManager();
  const bad: [any[], RegExp][] = [
    [[-1, 1, ad, BINS], /^EINVAL managerId/],
    [[0x10000, 1, ad, BINS], /^EINVAL managerId/],
    [["1", 1, ad, BINS], /^EINVAL managerId/],
    [[1, 1.5, ad, BINS], /^EINVAL memId/],
    [[1, 2 ** 31, ad, BINS], /^EINVAL memId/],
    [[1, "49", ad, BINS], /^EINVAL memId/],
    [[1, 1, null, BINS], /^EINVAL allocator/],
    [
      [
        1,
        1,
        {
          allocate() {
            return 0;
          },
        },
        BINS,
      ],
      /^EINVAL allocator/,
    ],
    [[1, 1, ad, []], /^EINVAL bins/],
    [[1, 1, ad, "bins"], /^EINVAL bins/],
    [[1, 1, ad, new Array(BUFFERMGR_MAX_NUM_BINS + 1).fill({ bufferSize: 1, numBuffers: 1 })], /^EINVAL bins must be an array of 1 to 10/],
    [[1, 1, ad, [null]], /^EINVAL bins\[0\] must be an object/],
    [[1, 1, ad, [{ bufferSize: 4, numBuffers: -1 }]], /^EINVAL bins\[0\]\.numBuffers/],
    [[1, 1, ad, [{ bufferSize: 4, numBuffers: 0x10000 }]], /^EINVAL bins\[0\]\.numBuffers/],
    [
      [
        1,
        1,
        ad,
        [
          { bufferSize: 4, numBuffers: 1 },
          { bufferSize: 0, numBuffers: 1 },
        ],
      ],
      /^EINVAL bins\[1\]\.bufferSize/,
    ],
    [[1, 1, ad, [{ bufferSize: 2.5, numBuffers: 1 }]], /^EINVAL bins\[0\]\.bufferSize/],
    [[1, 1, ad, [{ bufferSize: 4, numBuffers: 0 }]], /^EINVAL bins must hold 1 to 65535 buffers in all, got 0/],
    [
      [
        1,
        1,
        ad,
        [
          { bufferSize: 1, numBuffers: 0xffff },
          { bufferSize: 1, numBuffers: 1 },
        ],
      ],
      /^EINVAL bins must hold 1 to 65535 buffers in all, got 65536/,
    ],
    [[1, 1, ad, [{ bufferSize: 0xffffffff, numBuffers: 2 }]], /^EINVAL bins need/],
  ];
  for (const [args, re] of bad) {
    assert.match(
      thrown(() => (bm.setup as any)(...args)),
      re,
      JSON.stringify(args[3]) + " " + args[0] + " " + args[1],
    );
    assert.is(bm.numBuffers, 0);
    assert.is(bm.base, 0);
  }
  assert.is((ad.allocator as GranularHeap).stats().count, 0, "nothing was allocated");
  assert.is(
    bm.setup(7, 1, ad, [
      { bufferSize: 0, numBuffers: 0 },
      { bufferSize: 4, numBuffers: 2 },
    ]),
    0,
  );
  assert.is(bm.numBuffers, 2);
  assert.is(bm.record(1).context, (7 << 16) | 1);
  assert.match(
    thrown(() => bm.setup(7, 1, ad, BINS)),
    /^EBUSY setup: this BufferManager is set up already/,
  );
  assert.is(bm.numBuffers, 2);
  assert.is(bm.validate(), null);
});

test("setup: an allocator without memory, or one that grants less, is refused with nothing changed (F´ asserts); a manager id of 65535 gives unsigned contexts", () => {
  const mem = new ArrayMemory(B, 4096);
  const heap = new GranularHeap(mem, { base: B, size: 256 });
  const bm = new BufferManager();
  assert.is(bm.setup(1, 1, new MemAllocatorAdapter(heap), [{ bufferSize: 300, numBuffers: 1 }]), -ENOMEM);
  assert.is(bm.lastError, -ENOMEM);
  assert.is(bm.numBuffers, 0);
  // a fixed-block pool grants one block of 64: less than 2 x 64 + 2 x 16
  const pool = new Onesize(mem, { base: B + 1024, size: 1024, blockSize: 64 });
  const poolAd = recording(new MemAllocatorAdapter(pool));
  assert.is(bm.setup(1, 1, poolAd, [{ bufferSize: 64, numBuffers: 2 }]), -ENOMEM);
  assert.equal(
    poolAd.log.map((l) => l.op),
    ["allocate", "deallocate"],
    "the short block was given back",
  );
  assert.is(pool.stats().count, 0);
  assert.is(bm.numBuffers, 0);
  // one that fits in a block
  assert.is(bm.setup(0xffff, 1, poolAd, [{ bufferSize: 8, numBuffers: 2 }]), 0);
  const b = bm.getBuffer(8);
  assert.is(b.context, 0xffff0000);
  assert.is(bm.record(0).context, 0xffff0000);
  assert.is(bm.returnBuffer(b), 0);
  assert.is(bm.validate(), null);
});

test("BufferManager ctor and cleanup: bad ports throw EINVAL; cleanup drops buffers still out (watchers see them freed) and keeps HiBuffs, NoBuffs and EmptyBuffs", () => {
  for (const p of [5, "x", { tlm: 1 }, { event: "e" }])
    assert.match(
      thrown(() => new BufferManager(p as any)),
      /^EINVAL ports must be an object/,
    );
  const { bm, heap } = manager();
  const seen: string[] = [];
  assert.is(bm.watch({ onAlloc: (a, n) => seen.push("+" + n), onFree: (a, n) => seen.push("-" + n) }), 0);
  bm.getBuffer(100);
  bm.getBuffer(1);
  bm.getBuffer(1000);
  bm.returnBuffer({ data: 0, size: 0, context: 0 });
  assert.is(bm.close(), -EBUSY);
  assert.is(bm.numBuffers, 9);
  assert.is(bm.cleanup(), 0);
  assert.equal(seen, ["+100", "+10", "-10", "-100"]);
  assert.equal([bm.currBuffs, bm.hiBuffs, bm.noBuffs, bm.emptyBuffs, bm.stats().used], [0, 2, 1, 1, 0]);
  assert.is(heap.stats().count, 0);
  assert.is(bm.close(), 0, "close when not set up");
});

test("debug add-on: record() of a bad index throws EINVAL; dump() shows the bins and telemetry; lastErrorText() names the last failure; validate() finds a corrupt record", () => {
  const { bm, mem } = manager();
  for (const i of [-1, 9, 1.5, "0"])
    assert.match(
      thrown(() => bm.record(i as any)),
      /^EINVAL index must be an integer in \[0, 9\)/,
    );
  assert.is(bm.lastErrorText(), "no call has failed");
  bm.getBuffer(12);
  bm.getBuffer(500);
  assert.match(bm.lastErrorText(), /^EINVAL: /);
  bm.returnBuffer({ data: 1, size: 1, context: 5 });
  assert.match(bm.lastErrorText(), /^EFAULT: the buffer returned is not one this manager handed out/);
  assert.is(
    bm.dump(),
    "BufferManager 32 (memId 49): block 0x" +
      bm.base.toString(16) +
      ", 512 bytes\n" +
      "  bin 0: 2 x 10 bytes, 0 handed out\n  bin 1: 4 x 12 bytes, 1 handed out\n  bin 2: 3 x 100 bytes, 0 handed out\n" +
      "  TotalBuffs 9, CurrBuffs 1, HiBuffs 1, NoBuffs 1, EmptyBuffs 0\n",
  );
  assert.ok(bm.invariantsHold());
  mem.write32(bm.base + 3 * R + 8, 0);
  assert.match(bm.validate()!, /^record 3 at 0x[0-9a-f]+ reads \{/);
  assert.is(bm.getBuffer(12).context, (32 << 16) | 3, "the manager decides from its own copy");
});

// ---------------------------------------------------------------- the contract on a BufferManager

test("BufferManager as an allocator: allocate with alignment and hint, free, owns, stats, resetPeak, watch/unwatch, close", () => {
  const { bm } = manager();
  const first = bm.base + 9 * R; // buffers: 10 10 12 12 12 12 100 100 100
  const at = (i: number) => first + [0, 10, 20, 32, 44, 56, 68, 168, 268][i];
  assert.is(bm.allocate(10), at(0));
  assert.is(bm.allocate(12, undefined, at(5)), at(5), "the first fit at or above the hint");
  assert.is(bm.allocate(12, undefined, at(8) + 1), at(2), "nothing fits above the hint: from the start");
  assert.is(bm.base, B);
  assert.is(bm.allocate(4, 8), at(3), "at(1) and at(2) are not on 8 bytes (B + 154, B + 164), at(3) is (B + 176)");
  assert.is(bm.stats().count, 4);
  assert.is(bm.free(at(5)), 0);
  assert.is(bm.free(at(5)), -EFAULT, "double free");
  assert.is(bm.free(at(6) + 1), -EFAULT, "interior address");
  assert.is(bm.free(B + 0x100000), -EFAULT, "foreign");
  assert.is(bm.free("x" as any), -EINVAL);
  assert.is(bm.free(0), 0);
  assert.is(bm.allocate(101), 0);
  assert.is(bm.lastError, -EINVAL, "larger than every buffer");
  for (const [s, a, h] of [[0], [1.5], [4, 3], [4, 0], [4, -8], [4, undefined, -1], [4, undefined, "x"]] as any[]) {
    assert.is(bm.allocate(s, a, h), 0);
    assert.is(bm.lastError, -EINVAL, JSON.stringify([s, a, h]));
  }
  assert.ok(bm.owns(bm.base));
  assert.ok(bm.owns(bm.base + bm.size - 1));
  assert.not.ok(bm.owns(bm.base + bm.size));
  assert.not.ok(bm.owns("x" as any));
  const s = bm.stats();
  const used = 10 + 12 + 12;
  assert.equal([s.used, s.count, s.free], [used, 3, 368 - used]);
  assert.is(s.peak, used + 12);
  bm.resetPeak();
  assert.equal([bm.stats().peak, bm.stats().failures], [used, 0]);
  assert.match(
    thrown(() => bm.stats(5 as any)),
    /^EINVAL out must be an object/,
  );
  const out = { used: 0, free: 0, peak: 0, count: 0, failures: 0 };
  assert.is(bm.stats(out), out);
  const w = { onAlloc() {}, onFree() {} };
  assert.is(bm.watch({} as any), -EINVAL);
  assert.is(bm.unwatch(w), -ENOENT);
  assert.is(bm.watch(w), 0);
  assert.is(bm.unwatch(w), 0);
  assert.is(bm.lastError, -ENOENT);
  assert.is(bm.validate(), null);
});

test("a BufferManager under a bank manager (strict simulated Puck.js): after set-up the sections with no buffer out go off, the records' one included; a hand-out switches its section on first; no bus fault", () => {
  const mcu = new SimMcu(loadBoard("PUCKJS"));
  const blocks = new MemBlocks(mcu, { base: 0x20004000, size: 0x8000, blockSize: 1024 });
  const bm = new BufferManager();
  // 8 x 1 KiB and 2 x 4 KiB with their records: a run of 17 blocks from 0x20004000
  assert.is(
    bm.setup(1, 2, new MemAllocatorAdapter(blocks), [
      { bufferSize: 1024, numBuffers: 8 },
      { bufferSize: 4096, numBuffers: 2 },
    ]),
    0,
  );
  assert.is(bm.base, 0x20004000);
  const bank = new BankManager(mcu, { policy: "gate-empty" });
  assert.is(bank.manage(bm), 0);
  bank.update(0);
  const sec = (a: number) => mcu.getPower(mcu.sectionAt(a));
  assert.is(sec(bm.base), "off", "the records' section");
  const a = bank.allocate(3000); // the first 4 KiB buffer
  assert.is(a, bm.base + 10 * R + 8 * 1024);
  assert.is(sec(a), "on");
  mcu.fill(a, 3000, 0x5a);
  const b = bm.getBuffer(100); // directly: the bank manager sees it through its watcher
  assert.is(sec(b.data), "on");
  mcu.fill(b.data, 100, 0xa5);
  assert.is(bm.returnBuffer(b), 0);
  assert.is(bank.free(a), 0);
  bank.update(1);
  assert.is(sec(a), "off");
  assert.is(bm.currBuffs, 0);
  assert.equal(bm.stats().count, 0);
});

// ---------------------------------------------------------------- adapters

test("MemAllocatorAdapter over MemBlocks: one block through the contract, more than a block as a contiguous run freed whole", () => {
  const mem = new ArrayMemory(B, 4096);
  const mb = new MemBlocks(mem, { base: B, size: 4096, blockSize: 64 });
  const ad = new MemAllocatorAdapter(mb);
  const req: MemRequest = {};
  const a = ad.allocate(1, 40, req);
  assert.equal([a, req.size, req.recoverable, req.array], [B, 40, false, null]);
  const run = ad.allocate(1, 200, req);
  assert.is(run, B + 64);
  assert.is(req.size, 200);
  assert.is(mb.stats().count, 5, "one block and a run of 4");
  assert.equal(ad.live(), [
    { identifier: 1, address: B, extra: 0 },
    { identifier: 1, address: B + 64, extra: 4 },
  ]);
  assert.is(ad.validate(), null);
  assert.is(ad.allocate(1, 200, { alignment: 128 }), 0, "a run is aligned to the block only");
  assert.is(ad.lastError, -EINVAL);
  assert.is(ad.allocate(1, 64 * 64), 0);
  assert.is(ad.lastError, -ENOMEM);
  assert.is(ad.deallocate(1, run), 0);
  assert.is(mb.stats().count, 1);
  assert.is(ad.deallocate(1, a), 0);
  assert.is(mb.stats().count, 0);
  assert.is(ad.allocate(2, 4096), B, "the whole region as one run");
  assert.is(ad.deallocate(2, B), 0);
});

test("MemAllocatorAdapter over Onesize: a request above the block grants one block (req.size smaller, F´) when the caller passes req, and fails without it", () => {
  const mem = new ArrayMemory(B, 4096);
  const pool = new Onesize(mem, { base: B, size: 256, blockSize: 32 });
  const ad = new MemAllocatorAdapter(pool, { recoverable: true });
  const req: MemRequest = { alignment: 8 };
  const a = ad.allocate(5, 100, req);
  assert.ok(a !== 0);
  assert.equal([req.size, req.recoverable], [32, true]);
  assert.is(ad.allocate(5, 100), 0, "no req: the caller could not see a short grant");
  assert.is(ad.lastError, -EINVAL);
  assert.is(ad.allocate(5, 100, { alignment: 4096 }), 0);
  assert.is(ad.lastError, -EINVAL, "an alignment the pool cannot give");
  assert.is(ad.deallocate(5, a), 0);
  assert.is(pool.stats().count, 0);
});

test("MemAllocatorAdapter over GranularHeap and MemoryManager: alignment taken, identifiers checked at deallocate", () => {
  const { ad, heap } = heapAdapter(4096);
  const req: MemRequest = { alignment: 256 };
  ad.allocate(1, 16);
  const a = ad.allocate(2, 100, req);
  assert.is(a % 256, 0);
  assert.is(req.size, 100);
  assert.is(ad.deallocate(1, a), -EINVAL, "another entity's memory");
  assert.is(ad.deallocate(2, a + 16), -EFAULT, "interior");
  assert.is(ad.deallocate(2, B + 0x100000), -EFAULT, "foreign");
  assert.is(heap.stats().count, 2, "nothing freed by the refusals");
  assert.is(ad.deallocate(2, a), 0);
  assert.is(ad.deallocate(2, a), -EFAULT, "twice");
  assert.is(ad.lastError, -EFAULT);
  assert.is(ad.deallocate(2, 0), 0);

  const mem = new ArrayMemory(B, 8192);
  const mm = new MemoryManager(mem, {
    base: B,
    size: 4096,
    shared: { name: "fw-test-shared", memory: mem, base: B + 4096, size: 4096 } as any,
  });
  const mad = new MemAllocatorAdapter(mm);
  const m = mad.allocate(3, 64);
  assert.is(mm.memoryType(m), "NORMAL");
  assert.is(mad.deallocate(3, m), 0);
  const shared = new MemAllocatorAdapter(mm.sharedHeap as GranularHeap, { recoverable: true });
  const sreq: MemRequest = {};
  const s = shared.allocate(4, 64, sreq);
  assert.is(mm.memoryType(s), "SHARED");
  assert.is(sreq.recoverable, true);
  assert.is(shared.deallocate(4, s), 0);
  assert.is(mm.close(), 0);
});

test("MemAllocatorAdapter over a BufferManager: a MemAllocator of fixed bins (a larger request gets the largest buffer, size reported)", () => {
  const { bm } = manager();
  const ad = new MemAllocatorAdapter(bm);
  const req: MemRequest = {};
  const a = ad.allocate(1, 11, req);
  assert.equal([a, req.size], [bm.base + 9 * R + 20, 11]);
  const big = ad.allocate(1, 500, req);
  assert.equal([big, req.size], [bm.base + 9 * R + 68, 100]);
  assert.is(ad.deallocate(1, a), 0);
  assert.is(ad.deallocate(1, big), 0);
  assert.is(bm.currBuffs, 0);
});

test("MemAllocator bad inputs: identifier, size, req and alignment refused with -EINVAL, req.size 0, nothing allocated; the constructor's arguments", () => {
  const { ad, heap } = heapAdapter(4096);
  const cases: any[][] = [
    [1.5, 8],
    ["1", 8],
    [2 ** 31, 8],
    [NaN, 8],
    [undefined, 8],
    [1, 0],
    [1, -1],
    [1, 1.5],
    [1, "8"],
    [1, 2 ** 32],
    [1, null],
    [1, 8, 5],
    [1, 8, "req"],
    [1, 8, { alignment: 0 }],
    [1, 8, { alignment: 3 }],
    [1, 8, { alignment: -4 }],
    [1, 8, { alignment: "8" }],
    [1, 8, { alignment: 2 ** 32 }],
  ];
  for (const c of cases) {
    const req = c[2] && typeof c[2] === "object" ? c[2] : undefined;
    assert.is((ad.allocate as any)(...c), 0, JSON.stringify(c));
    assert.is(ad.lastError, -EINVAL);
    if (req) assert.is(req.size, 0);
  }
  assert.is(ad.allocate(1, 8, null as any), B, "a null req is no req");
  assert.is(heap.stats().count, 1);
  for (const c of [
    [1.5, B],
    ["1", B],
    [1, "x"],
    [1, undefined],
  ] as any[]) {
    assert.is((ad.deallocate as any)(...c), -EINVAL, JSON.stringify(c));
  }
  assert.is(heap.stats().count, 1);
  assert.is(ad.validate(), null);
  for (const a of [null, 5, {}, { allocate() {} }])
    assert.match(
      thrown(() => new MemAllocatorAdapter(a as any)),
      /^EINVAL allocator must be a ramkit allocator/,
    );
  assert.match(
    thrown(() => new MemAllocatorAdapter(heap, 5 as any)),
    /^EINVAL options must be an object/,
  );
});

// ---------------------------------------------------------------- SystemAllocator

test("SystemAllocator (F´ MallocAllocatorTest): id 10, size 100 → size 100, an address, not recoverable; deallocate; engine arrays and handles off Espruino", () => {
  const sys = new SystemAllocator();
  const req: MemRequest = {};
  const a = sys.allocate(10, 100, req);
  assert.ok(a !== 0);
  assert.equal([req.size, req.recoverable, req.array.length], [100, false, 100]);
  assert.is(a % 8, 0);
  assert.is(sys.memory, null);
  const b = sys.allocate(10, 5, { alignment: 64 });
  assert.is(b % 64, 0);
  assert.ok(b >= a + 100, "handles never overlap");
  assert.is(sys.deallocate(11, a), -EINVAL);
  assert.is(sys.deallocate(10, a), 0);
  assert.is(sys.deallocate(10, a), -EFAULT);
  const c = sys.allocate(10, 1);
  assert.ok(c > b, "handles are never reused");
  assert.is(sys.allocate(10, 0xffffffff), 0, "handles used up");
  assert.is(sys.lastError, -ENOMEM);
  assert.is(sys.validate(), null);
  assert.equal(
    sys.live().map((l) => l.address),
    [b, c],
  );
});

test("SystemAllocator on Espruino: the address is E.getAddressOf of a flat array of at least 64 bytes, aligned up; 0 from it is -ENOMEM", async () => {
  let next = 0x20004001,
    asked: any[] = [];
  (globalThis as any).E = {
    getAddressOf: (arr: any, flat: boolean) => {
      asked.push([arr.length, flat]);
      return next;
    },
  };
  try {
    const fresh = "../src/fw/mem-allocator.js?espruino"; // a second instance of the module, loaded with E defined
    const m = await import(fresh);
    const sys = new m.SystemAllocator();
    const req: MemRequest = {};
    assert.is(sys.allocate(1, 10, req), 0x20004008);
    assert.equal(asked, [[64, true]]);
    assert.is(req.array.length, 10);
    assert.is(req.array.byteOffset, 7, "a view of the array at the aligned address");
    next = 0x20010000;
    assert.is(sys.allocate(1, 200, { alignment: 256 }), 0x20010000);
    assert.equal(asked[1], [200 + 255, true]);
    next = 0;
    assert.is(sys.allocate(1, 10), 0);
    assert.is(sys.lastError, -ENOMEM);
    next = 0xfffffff9; // a truncated 64-bit host address: kept unsigned
    assert.is(sys.allocate(1, 4), 0);
    assert.is(sys.lastError, -ENOMEM, "aligning it up passes 2^32");
    assert.is(sys.deallocate(1, 0x20004008), 0);
  } finally {
    delete (globalThis as any).E;
  }
});

test("SystemAllocator in the simulator: a GranularHeap over the board's system region (Espruino's variables on Puck.js); explicit regions; boards without one", () => {
  const puck = loadBoard("PUCKJS");
  const mcu = new SimMcu(puck);
  const sys = new SystemAllocator(mcu, { board: puck });
  const vars = puck.reserved.find((r) => r.kind === "espruino-variables")!;
  const heap = sys.allocator as GranularHeap;
  assert.is(heap.base, vars.base);
  assert.ok(heap.base + heap.size <= vars.base + vars.size);
  assert.is(sys.memory, mcu);
  const req: MemRequest = {};
  const a = sys.allocate(10, 100, req);
  assert.ok(a >= vars.base && a < vars.base + vars.size);
  assert.equal([req.size, req.recoverable, req.array], [100, false, null]);
  // a BufferManager over it writes its records into the simulated RAM
  const bm = new BufferManager();
  assert.is(bm.setup(MGR_ID, MEM_ID, sys, BINS), 0);
  assert.is(mcu.read32(bm.base + 8), 32 << 16);
  assert.is(bm.validate(), null);
  assert.is(bm.cleanup(), 0);
  assert.is(sys.deallocate(10, a), 0);
  assert.is(heap.stats().count, 0);

  const l4 = loadBoard("STM32L476");
  assert.match(
    thrown(() => new SystemAllocator(new SimMcu(l4), { board: l4 })),
    /^EINVAL board STM32L476 has no region named "system"/,
  );
  const mem = new ArrayMemory(B, 4096);
  const own = new SystemAllocator(mem, { base: B, size: 1024 });
  assert.is((own.allocator as GranularHeap).size, 1024);
  assert.match(
    thrown(() => new SystemAllocator(mem, { base: B, size: 1024 })),
    /^EBUSY/,
  );
  assert.match(
    thrown(() => new SystemAllocator(mem)),
    /^EINVAL options must be an object/,
  );
  assert.match(
    thrown(() => new SystemAllocator(mem, {})),
    /^EINVAL options.board must be a board/,
  );
  assert.match(
    thrown(() => new SystemAllocator(mem, { base: B + 2048 } as any)),
    /^EINVAL size/,
  );
  const withSystem = Object.assign({}, puck, {
    regions: puck.regions.concat([{ name: "system", base: 0x2000a000, size: 0x800, purpose: "test" }]),
  });
  assert.is(
    (new SystemAllocator(new SimMcu(puck), { board: withSystem }).allocator as GranularHeap).base,
    0x2000a000,
    "a region named system comes first",
  );
});

// ---------------------------------------------------------------- registry

test("MemAllocatorRegistry: SYSTEM registered automatically; getAllocator of an unregistered type throws ENOENT naming it; getAnAllocator falls back to SYSTEM; re-registering replaces; references only", () => {
  const reg = new MemAllocatorRegistry();
  const sys = reg.getAllocator(MemoryAllocatorType.SYSTEM);
  assert.instance(sys, SystemAllocator);
  assert.match(
    thrown(() => reg.getAllocator(MemoryAllocatorType.CUSTOM_1)),
    /^ENOENT no allocator is registered for type 1 \(CUSTOM_1\)/,
  );
  assert.is(reg.getAnAllocator(MemoryAllocatorType.CUSTOM_3), sys);
  const { ad } = heapAdapter(1024);
  reg.registerAllocator(MemoryAllocatorType.CUSTOM_1, ad);
  assert.is(reg.getAllocator(1), ad);
  assert.is(reg.getAnAllocator(1), ad);
  const other = new SystemAllocator();
  reg.registerAllocator(1, other);
  assert.is(reg.getAllocator(1), other);
  reg.registerAllocator(MemoryAllocatorType.SYSTEM, ad);
  assert.is(reg.getAnAllocator(4), ad);
  assert.equal(MemoryAllocatorType, { SYSTEM: 0, CUSTOM_1: 1, CUSTOM_2: 2, CUSTOM_3: 3, CUSTOM_4: 4 });
  // a component takes its memory through the registry and gives it back
  const bm = new BufferManager();
  assert.is(bm.setup(1, 100, reg.getAnAllocator(2), [{ bufferSize: 16, numBuffers: 2 }]), 0);
  assert.is((ad.allocator as GranularHeap).stats().count, 1);
  assert.is(bm.cleanup(), 0);
  assert.is((ad.allocator as GranularHeap).stats().count, 0, "the registry owns nothing: cleanup freed it");
});

test("MemAllocatorRegistry: custom SYSTEM and type count, getInstance is one registry, bad inputs throw EINVAL naming them", () => {
  const { ad } = heapAdapter(1024);
  const reg = new MemAllocatorRegistry(ad, 8);
  assert.is(reg.getAllocator(0), ad);
  assert.is(reg.customTypes, 8);
  reg.registerAllocator(8, ad);
  assert.match(
    thrown(() => reg.registerAllocator(9, ad)),
    /^EINVAL type must be an integer in \[0, 8\], got 9/,
  );
  for (const t of [-1, 1.5, "1", null, undefined, 5]) {
    assert.match(
      thrown(() => new MemAllocatorRegistry(undefined, 4).getAllocator(t as any)),
      t === 5 ? /^EINVAL type/ : /^EINVAL type/,
      String(t),
    );
    assert.match(
      thrown(() => reg.getAnAllocator(t === 5 ? 9 : (t as any))),
      /^EINVAL type/,
    );
  }
  for (const a of [null, 5, {}, { allocate() {} }])
    assert.match(
      thrown(() => reg.registerAllocator(1, a as any)),
      /^EINVAL allocator must be a MemAllocator/,
    );
  assert.match(
    thrown(() => new MemAllocatorRegistry({} as any)),
    /^EINVAL allocator/,
  );
  assert.match(
    thrown(() => new MemAllocatorRegistry(undefined, 256)),
    /^EINVAL customTypes/,
  );
  assert.match(
    thrown(() => new MemAllocatorRegistry(undefined, -1)),
    /^EINVAL customTypes/,
  );
  assert.is(new MemAllocatorRegistry(undefined, 0).getAnAllocator(0) instanceof SystemAllocator, true);
  const one = MemAllocatorRegistry.getInstance();
  assert.is(MemAllocatorRegistry.getInstance(), one);
  assert.instance(one.getAllocator(MemoryAllocatorType.SYSTEM), SystemAllocator);
});

// ---------------------------------------------------------------- init-phase lock

test("lockAllocations: every MemAllocator allocation after it fails with -EPERM and is counted; deallocation and run-time buffers go on; unlocking is explicit", () => {
  const { bm, ad, heap } = manager();
  const sys = new SystemAllocator();
  const kept = ad.allocate(1, 32);
  const pre = sys.allocate(1, 8);
  const buf = bm.getBuffer(12);
  lockAllocations();
  try {
    assert.equal(allocationLock, { locked: true, refused: 0 });
    const req: MemRequest = { size: 99 };
    assert.is(ad.allocate(1, 32, req), 0);
    assert.equal([ad.lastError, req.size], [-EPERM, 0]);
    assert.is(sys.allocate(2, 8), 0);
    assert.is(sys.lastError, -EPERM);
    const late = new BufferManager();
    assert.is(late.setup(2, 50, ad, [{ bufferSize: 8, numBuffers: 1 }]), -EPERM, "a component set up after start-up is refused");
    assert.is(late.numBuffers, 0);
    assert.is(ad.allocate(1.5, 8), 0);
    assert.is(ad.lastError, -EINVAL, "a bad request is not counted as refused");
    assert.is(allocationLock.refused, 3);
    // run time goes on
    assert.is(bm.returnBuffer(buf), 0);
    assert.ok(bm.getBuffer(12).data !== 0);
    assert.ok(heap.allocate(16) !== 0, "the allocators' own verbs are not MemAllocator allocations");
    assert.is(ad.deallocate(1, kept), 0, "teardown is allowed");
    assert.is(sys.deallocate(1, pre), 0);
    lockAllocations();
    assert.is(allocationLock.refused, 0, "locking again restarts the count");
    sys.allocate(1, 1);
  } finally {
    assert.is(unlockAllocations(), 1);
  }
  assert.equal(allocationLock, { locked: false, refused: 1 });
  assert.ok(ad.allocate(1, 32) !== 0);
});

test("the board bundle's entry exports the F´ layer", () => {
  for (const k of [
    "MemAllocatorAdapter",
    "SystemAllocator",
    "MemAllocatorRegistry",
    "MemoryAllocatorType",
    "BufferManager",
    "lockAllocations",
    "unlockAllocations",
    "allocationLock",
    "BUFFERMGR_MAX_NUM_BINS",
  ]) {
    assert.ok((index as any)[k] !== undefined, k);
  }
});

test.run();

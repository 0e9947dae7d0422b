// The bank manager (src/power): bad inputs, what it never switches off,
// forced switch-offs, switch-on before hand-out, Onesize's in-band links,
// each policy's decisions and hysteresis; over StatePower and over the
// simulated MCU of real boards (a strict SimMcu faults on any access to a
// section that is not on, so every allocation is written through the port
// right after it is handed out).
import { test } from "uvu";
import * as assert from "uvu/assert";
import "../src/debug/host.js";
import { BankManager, type LostAllocation } from "../src/power/bank-manager.js";
import { policy, POLICY_NAMES, type Policy } from "../src/power/policies.js";
import { GranularHeap } from "../src/alloc/granular-heap.js";
import { MemBlocks } from "../src/alloc/mem-blocks.js";
import { Onesize } from "../src/alloc/onesize.js";
import { MemoryManager } from "../src/alloc/memory-manager.js";
import { ArrayMemory, StatePower } from "../src/hal/array-memory.js";
import { EBUSY, EFAULT, EINVAL, ENOENT, ENOMEM } from "../src/core/errors.js";
import type { Allocator } from "../src/alloc/api.js";
import { SimMcu } from "../sim/mcu.js";
import { loadBoard } from "../sim/boards.js";

const B = 0x20000000,
  S = 4096;

/** `n` gateable 4 KiB sections S0.. at 0x20000000, then one that cannot be gated ("FIXED"), over one ArrayMemory. */
function plain(n = 8) {
  const specs = [];
  for (let i = 0; i < n; i++) specs.push({ name: "S" + i, base: B + i * S, size: S, gateable: true });
  specs.push({ name: "FIXED", base: B + n * S, size: S, gateable: false });
  return { power: new StatePower(specs), mem: new ArrayMemory(B, (n + 1) * S) };
}

/** A heap over the first `n` sections of `plain(n)` with a manager of policy `pol`. */
function heapSetup(pol: string | Policy = "gate-empty", opts: any = {}, n = 8) {
  const { power, mem } = plain(n);
  const heap = new GranularHeap(mem, { base: B, size: n * S });
  const bm = new BankManager(power, Object.assign({ policy: pol }, opts));
  assert.is(bm.manage(heap), 0);
  return { power, mem, heap, bm };
}

/** The message of what `fn` throws (it starts with the error's code), or "no throw". */
function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e: any) {
    return (e.message.indexOf(e.code + ": ") === 0 ? "" : "(code " + e.code + ") ") + e.message;
  }
  return "no throw";
}

function ons(power: { sectionCount(): number; getPower(i: number): string }): string {
  let s = "";
  for (let i = 0; i < power.sectionCount(); i++) s += power.getPower(i) === "on" ? "1" : "0";
  return s;
}

function byAddress(l: LostAllocation[]) {
  return l.slice().sort((x, y) => x.address - y.address);
}

// ---------------------------------------------------------------- construction and bad inputs

test("policy(name): the four built-in policies; anything else throws EINVAL listing the valid names", () => {
  assert.equal(POLICY_NAMES, ["all-on", "heap-top", "gate-empty", "pack+gate"]);
  for (const name of POLICY_NAMES) {
    const p = policy(name);
    assert.is(p.name, name);
    assert.is(policy(name), p, "the same object every call");
    assert.type(p.place, "function");
    assert.type(p.decide, "function");
  }
  for (const bad of ["heap", "", "ALL-ON", undefined, null, 3, {}]) {
    const m = code(() => policy(bad as any));
    assert.match(m, /^EINVAL: policy must be one of "all-on", "heap-top", "gate-empty", "pack\+gate", got /);
  }
  assert.match(
    code(() => policy("toString")),
    /got "toString"/,
  );
});

test("constructor: bad power, policy, hysteresis, reserved and now throw EINVAL naming the option", () => {
  const { power } = plain();
  assert.match(
    code(() => new BankManager(null as any)),
    /^EINVAL: power must be a Power port/,
  );
  assert.match(
    code(() => new BankManager({ sectionCount: () => 1 } as any)),
    /^EINVAL: power must be a Power port/,
  );
  assert.match(
    code(() => new BankManager(power, { policy: "sleepy" })),
    /^EINVAL: policy must be one of "all-on", "heap-top", "gate-empty", "pack\+gate", got "sleepy"/,
  );
  assert.match(
    code(() => new BankManager(power, { policy: 7 as any })),
    /^EINVAL: policy must be one of .*got 7/,
  );
  assert.match(
    code(() => new BankManager(power, { policy: { name: "x", place: () => 0 } as any })),
    /^EINVAL: policy must be a name or an object \{name, place, decide\}/,
  );
  for (const h of [-1, NaN, Infinity, "5", null])
    assert.match(
      code(() => new BankManager(power, { hysteresis: h as any })),
      /^EINVAL: hysteresis must be a number of seconds >= 0/,
    );
  assert.match(
    code(() => new BankManager(power, { reserved: {} as any })),
    /^EINVAL: reserved must be an array of \{base, size\}/,
  );
  assert.match(
    code(() => new BankManager(power, { reserved: [{ base: 0, size: 4 }] })),
    /^EINVAL: reserved\[0\]\.base must be/,
  );
  assert.match(
    code(
      () =>
        new BankManager(power, {
          reserved: [
            { base: B, size: 4 },
            { base: B, size: 0 },
          ],
        }),
    ),
    /^EINVAL: reserved\[1\]\.size must be/,
  );
  assert.match(
    code(() => new BankManager(power, { reserved: [null as any] })),
    /^EINVAL: reserved\[0\]\.base must be/,
  );
  assert.match(
    code(() => new BankManager(power, { now: 5 as any })),
    /^EINVAL: now must be a function/,
  );
  assert.match(
    code(() => new BankManager(power, { now: () => NaN })),
    /^EINVAL: now\(\) must return a number of seconds >= 0, got NaN/,
  );
  // defaults: all-on, no hysteresis, nothing managed
  const bm = new BankManager(power);
  assert.is(bm.policy.name, "all-on");
  assert.is(bm.hysteresis, 0);
  assert.is(bm.allocators.length, 0);
  assert.is(bm.base, 0);
  assert.is(bm.size, 0);
  assert.is(bm.blockSize, 0);
  assert.is(bm.lastError, 0);
  assert.is(bm.sectionsOn(), 9);
  // a policy object of one's own is taken as it is
  const own: Policy = { name: "mine", place: () => 0, decide: () => undefined };
  assert.is(new BankManager(power, { policy: own }).policy, own);
});

test("manage: bad allocators throw (EINVAL, EEXIST, EBUSY) and change nothing", () => {
  const { power, mem } = plain();
  const heap = new GranularHeap(mem, { base: B, size: 2 * S });
  const bm = new BankManager(power, { policy: "gate-empty" });
  assert.match(
    code(() => bm.manage(null as any)),
    /^EINVAL: allocator must implement the allocator contract/,
  );
  assert.match(
    code(() =>
      bm.manage({
        allocate() {
          return 0;
        },
      } as any),
    ),
    /^EINVAL: allocator must implement the allocator contract/,
  );
  assert.is(bm.manage(heap), 0);
  assert.match(
    code(() => bm.manage(heap)),
    /^EEXIST: allocator \[0x20000000, 0x20002000\) is managed already/,
  );
  const busy = new GranularHeap(mem, { base: B + 2 * S, size: S });
  const a = busy.allocate(10);
  assert.match(
    code(() => bm.manage(busy)),
    /^EBUSY: allocator \[0x20002000, 0x20003000\) has live allocations/,
  );
  assert.is(busy.unwatch(bm), -ENOENT); // not left watching
  busy.free(a);
  const other = new GranularHeap(new ArrayMemory(B, 8 * S), { base: B + 4 * S, size: S });
  assert.match(
    code(() => bm.manage(other)),
    /^EINVAL: allocator \[0x20004000, 0x20005000\) uses another memory port/,
  );
  assert.is(other.unwatch(bm), -ENOENT);
  const refuses = {
    allocate: () => 0,
    free: () => 0,
    owns: () => false,
    stats: () => ({ count: 0 }),
    watch: () => -EINVAL,
    unwatch: () => 0,
    base: B + 5 * S,
    size: S,
    memory: mem,
  };
  assert.match(
    code(() => bm.manage(refuses as any)),
    /^EINVAL: allocator \[0x20005000, 0x20006000\) refused the manager as its watcher/,
  );
  assert.is(bm.allocators.length, 1);
  assert.is(bm.base, B);
  assert.is(bm.size, 2 * S);
  assert.is(bm.blockSize, 16);
  assert.is(bm.memory, mem);
  assert.is(bm.validate(), null);
  // a second allocator widens the span and lowers the block size
  const mb = new MemBlocks(mem, { base: B + 6 * S, size: S, blockSize: 8 });
  assert.is(bm.manage(mb), 0);
  assert.is(bm.base, B);
  assert.is(bm.size, 7 * S);
  assert.is(bm.blockSize, 8);
});

test("watch/unwatch: a watcher without both functions is -EINVAL, an unknown one -ENOENT (lastError too)", () => {
  const { bm, heap } = heapSetup();
  assert.is(bm.watch(null as any), -EINVAL);
  assert.is(bm.lastError, -EINVAL);
  assert.is(bm.watch({ onAlloc: 1, onFree() {} } as any), -EINVAL);
  assert.is(bm.watch({ onAlloc() {} } as any), -EINVAL);
  bm.lastError = 0;
  assert.is(bm.unwatch({ onAlloc() {}, onFree() {} }), -ENOENT);
  assert.is(bm.lastError, -ENOENT);
  // a watcher sees what every managed allocator does, with that allocator
  const seen: string[] = [];
  const w = {
    onAlloc(a: number, n: number, x: Allocator) {
      seen.push("+" + (a - B) + ":" + n + (x === heap ? "h" : "?"));
    },
    onFree(a: number, n: number, x: Allocator) {
      seen.push("-" + (a - B) + ":" + n + (x === heap ? "h" : "?"));
    },
  };
  assert.is(bm.watch(w), 0);
  const a = bm.allocate(20),
    b = heap.allocate(40);
  bm.free(a);
  heap.free(b);
  assert.equal(seen, ["+0:32h", "+32:48h", "-0:32h", "-32:48h"]);
  assert.is(bm.unwatch(w), 0);
  bm.allocate(1);
  assert.is(seen.length, 4);
});

test("powerOn/powerOff/update: bad section indexes and times are -EINVAL and change nothing", () => {
  const { bm, power } = heapSetup();
  const before = ons(power);
  for (const s of [-1, 1.5, 9, 10, NaN, "0", null, undefined]) {
    bm.lastError = 0;
    assert.is(bm.powerOff(s as any), -EINVAL, "powerOff(" + String(s) + ")");
    assert.is(bm.lastError, -EINVAL);
    assert.is(bm.powerOn(s as any), -EINVAL, "powerOn(" + String(s) + ")");
  }
  assert.is(bm.powerOff(0, true, 5 as any), -EINVAL);
  for (const t of [NaN, "1", Infinity, -1, null]) assert.is(bm.update(t as any), -EINVAL, "update(" + String(t) + ")");
  assert.is(ons(power), before);
  assert.is(bm.update(10), 8);
  assert.is(bm.update(9), -EINVAL); // time runs forwards only
  assert.is(bm.update(), 0); // the last update's time again
  assert.is(bm.switchOffs, 8);
});

// ---------------------------------------------------------------- what is never switched off

test("never off: reserved, not gateable, not wholly managed, live (-EBUSY; force overrides only live data)", () => {
  const { power, mem } = plain(4);
  // the heap covers S0, S1, S2 and half of S3; the fifth section cannot be gated
  const heap = new GranularHeap(mem, { base: B, size: 3 * S + S / 2 });
  const fixed = new MemBlocks(mem, { base: B + 4 * S, size: S, blockSize: 64 });
  const bm = new BankManager(power, { policy: "gate-empty", reserved: [{ base: B + S + 100, size: 8 }] });
  bm.manage(heap);
  bm.manage(fixed);
  assert.is(bm.update(0), 2); // S0 and S2
  assert.is(ons(power), "01011");
  for (const s of [1, 3, 4]) {
    assert.is(bm.powerOff(s), -EBUSY, "section " + s);
    assert.is(bm.powerOff(s, true), -EBUSY, "forced, section " + s);
  }
  const a = bm.allocate(100, undefined, B + 2 * S);
  assert.is(power.sectionAt(a), 2);
  assert.is(ons(power), "01111"); // switched on for it
  bm.lastError = 0;
  assert.is(bm.powerOff(2), -EBUSY);
  assert.is(bm.lastError, -EBUSY);
  assert.is(bm.update(1), 0);
  assert.is(ons(power), "01111");
  // a policy that wants everything off still gets only what is safe
  const greedy: Policy = {
    name: "greedy",
    place: () => 0,
    decide: (_bm, _t, want) => {
      for (let i = 0; i < want.length; i++) want[i] = 0;
    },
  };
  bm.policy = greedy;
  assert.is(bm.update(2), 0);
  assert.is(ons(power), "01111");
  assert.is(bm.validate(), null);
});

// ---------------------------------------------------------------- forced off

test("forced off: every allocation overlapping the section is reported lost, freed, and the section goes off", () => {
  const { bm, heap, power } = heapSetup("all-on");
  const a = heap.allocate(100); // S0
  const b = heap.allocate(3 * 16, undefined, B + S - 16); // straddles S0/S1
  const c = heap.allocate(200, undefined, B + S + 512); // S1
  const d = heap.allocate(64, undefined, B + 2 * S); // S2
  assert.is(power.sectionAt(b), 0);
  assert.is(power.sectionAt(b + 47), 1);
  assert.is(bm.live[1], 32 + 208);
  const lost: LostAllocation[] = [];
  assert.is(bm.powerOff(1, true, lost), 2);
  assert.equal(byAddress(lost), [
    { address: b, bytes: 48, allocator: heap },
    { address: c, bytes: 208, allocator: heap },
  ]);
  assert.is(power.getPower(1), "off");
  assert.is(bm.lost, 2);
  assert.is(bm.live[1], 0);
  assert.is(bm.live[0], 112);
  assert.is(heap.stats().count, 2);
  assert.is(heap.free(b), -EFAULT); // the old owner's free is refused
  assert.is(bm.free(c), -EFAULT);
  assert.is(bm.validate(), null);
  // the memory comes back only switched on
  const ons0 = bm.switchOns;
  const e = heap.allocate(16, undefined, B + S);
  assert.is(e, B + S);
  assert.is(power.getPower(1), "on");
  assert.is(bm.switchOns, ons0 + 1);
  // forcing a section with nothing live loses nothing; an off section is 0
  assert.is(bm.powerOff(3, true), 0);
  assert.is(bm.powerOff(3, true), 0);
  assert.is(bm.stats().lost, 2);
  heap.free(a);
  heap.free(d);
  heap.free(e);
  assert.is(bm.validate(), null);
});

test("forced off frees a MemBlocks contiguous run whole, block by block, in the simulator", () => {
  const mcu = new SimMcu(loadBoard("PUCKJS"));
  const mb = new MemBlocks(mcu, { base: 0x2000c000, size: 0x4000, blockSize: 1024 });
  const bm = new BankManager(mcu, { policy: "gate-empty" });
  bm.manage(mb);
  const s13 = mcu.sectionIndex("RAM6.S1");
  mb.allocBlock();
  mb.allocBlock();
  const run = mb.allocContiguous(5); // 0x2000C800 .. 0x2000DC00: RAM6.S0 and RAM6.S1
  assert.is(run, 0x2000c800);
  mcu.fill(run, 5 * 1024, 0x5a);
  mb.free(run + 1024); // a block inside the run: its record splits
  assert.is(bm.stats().count, 4);
  assert.is(bm.validate(), null);
  const lost: LostAllocation[] = [];
  assert.is(bm.powerOff(s13, true, lost), 1);
  assert.equal(lost, [{ address: run + 2048, bytes: 3072, allocator: mb }]);
  assert.is(mb.stats().count, 3);
  assert.is(mcu.getPower(s13), "off");
  assert.is(bm.validate(), null);
});

// ---------------------------------------------------------------- switch on before hand-out

test("SimMcu (Puck.js): an allocation in a gated section is switched on before the caller gets it (direct and through the manager)", () => {
  const mcu = new SimMcu(loadBoard("PUCKJS"));
  const heap = new GranularHeap(mcu, { base: 0x20008000, size: 0x8000 });
  const mb = new MemBlocks(mcu, { base: 0x20004000, size: 0x4000, blockSize: 256 });
  const bm = new BankManager(mcu, { policy: "gate-empty" });
  bm.manage(heap);
  bm.manage(mb);
  assert.is(bm.update(0), 12);
  assert.is(bm.sectionsOn(), 4);
  const a = heap.allocate(100);
  mcu.write32(a, 0xdeadbeef);
  assert.is(mcu.read32(a), 0xdeadbeef);
  const b = bm.allocate(5000); // MemBlocks refuses (larger than a block), the heap straddles two sections
  mcu.fill(b, 5000, 0xa5);
  const c = mb.allocate(64, undefined, 0x20007000);
  mcu.write32(c, 1);
  const d = bm.allocate(200);
  mcu.fill(d, 200, 1);
  assert.is(bm.switchOns, 3); // RAM4.S0 (a), RAM4.S1 (b runs into it), RAM3.S1 (c); d follows b
  assert.equal(
    [a, b, b + 4999, c, d].map((x) => mcu.sectionName(mcu.sectionAt(x))),
    ["RAM4.S0", "RAM4.S0", "RAM4.S1", "RAM3.S1", "RAM4.S1"],
  );
  assert.is(bm.validate(), null);
  assert.is(mcu.totals().faults, 0);
  // free them all: the next update switches off exactly what emptied
  for (const x of [a, b, c, d]) assert.is(bm.free(x), 0);
  assert.is(bm.update(1), 3);
  assert.is(bm.sectionsOn(), 4);
});

test("SimMcu (Bangle.js 2): the board's reserved ranges are never switched off; sections outside the managed regions are left alone", () => {
  const board = loadBoard("BANGLEJS2");
  const s3i = board.sections.findIndex((s) => s.name === "RAM8.S3");
  // the SoftDevice and the variable pool: RAM8.S3 holds the end of the pool, S4 and S5 are free
  const some = board.reserved
    .filter((r) => r.kind === "softdevice" || r.kind === "espruino-variables")
    .map((r) => ({ base: r.base, size: r.size }));
  // every reserved range of the board file (the firmware's other RAM and the stack too)
  const all = board.reserved.map((r) => ({ base: r.base, size: r.size }));
  const touched = (list: { base: number; size: number }[], i: number) =>
    list.some((r) => r.base < board.sections[i].base + board.sections[i].size && board.sections[i].base < r.base + r.size);
  assert.ok(touched(some, s3i) && !touched(some, s3i + 1) && !touched(some, s3i + 2));
  for (const reserved of [some, all]) {
    const mcu = new SimMcu(board);
    const heap = new GranularHeap(mcu, { base: 0x20028000, size: 0x18000 }); // RAM8.S3..S5
    const bm = new BankManager(mcu, { policy: "gate-empty", reserved });
    bm.manage(heap);
    const free = [s3i, s3i + 1, s3i + 2].filter((i) => !touched(reserved, i));
    assert.is(bm.update(0), free.length);
    for (let i = 0; i < mcu.sectionCount(); i++) assert.is(mcu.getPower(i), free.includes(i) ? "off" : "on", board.sections[i].name);
    for (let i = 0; i < mcu.sectionCount(); i++) if (!free.includes(i)) assert.is(bm.powerOff(i, true), -EBUSY, board.sections[i].name);
    const a = bm.allocate(40000); // more than RAM8.S3 holds: runs into S4
    mcu.fill(a, 40000, 7);
    assert.is(mcu.getPower(s3i + 1), "on");
    assert.is(bm.liveBytes(s3i) + bm.liveBytes(s3i + 1), 40000);
    assert.is(bm.liveBytes(s3i, heap), bm.live[s3i]);
    assert.is(bm.liveBytes(99), -EINVAL);
    assert.is(bm.liveBytes(s3i, {} as any), -ENOENT);
    const table = bm.sectionTable();
    assert.equal(table[s3i], { name: "RAM8.S3", state: "on", live: bm.live[s3i], reserved: true, managed: false });
    assert.equal(table[s3i + 2], {
      name: "RAM8.S5",
      state: free.includes(s3i + 2) ? "off" : "on",
      live: 0,
      reserved: !free.includes(s3i + 2),
      managed: free.includes(s3i + 2),
    });
    assert.is(bm.validate(), null);
  }
});

// ---------------------------------------------------------------- Onesize: links in band

test("Onesize (SimMcu): gated sections are released first, reclaimed when the manager needs them; no fault, pool valid", () => {
  const mcu = new SimMcu(loadBoard("BANGLEJS2"));
  const pool = new Onesize(mcu, { base: 0x20008000, size: 0x4000, blockSize: 64 });
  const bm = new BankManager(mcu, { policy: "gate-empty" });
  bm.manage(pool as any);
  const all: number[] = [];
  for (let a; (a = pool.allocate(64)) !== 0; ) all.push(a);
  assert.is(all.length, 256);
  for (const a of all) pool.free(a); // links in every block of every section
  assert.is(bm.update(0), 4);
  assert.is(pool.validate(), null); // walks the list: nothing in the gated sections
  assert.is(pool.allocate(64), 0); // every free block is released: the pool itself has none
  assert.is(pool.lastError, -ENOMEM);
  const a = bm.allocate(64); // the manager switches a section on and reclaims it
  assert.ok(a !== 0);
  mcu.write32(a, 0x12345678);
  assert.is(bm.sectionsOn(), mcu.sectionCount() - 3);
  const b = pool.allocate(64); // the reclaimed section serves direct calls too
  mcu.write32(b, 1);
  assert.is(mcu.sectionAt(b), mcu.sectionAt(a));
  assert.is(pool.validate(), null);
  assert.is(bm.validate(), null);
  assert.is(mcu.totals().faults, 0);
  // forced off of a section holding blocks: freed while on, released, then off
  const s = mcu.sectionAt(a),
    lost: LostAllocation[] = [];
  assert.is(bm.powerOff(s, true, lost), 2);
  assert.equal(
    byAddress(lost).map((l) => l.address),
    [a, b].sort((x, y) => x - y),
  );
  assert.is(mcu.getPower(s), "off");
  assert.is(pool.free(a), -EFAULT);
  assert.is(pool.validate(), null);
  assert.is(bm.validate(), null);
  assert.is(mcu.totals().faults, 0);
});

test("an allocator whose watcher calls name another object (its inner heap) is tracked by address", () => {
  const { power, mem } = plain();
  const inner = new GranularHeap(mem, { base: B, size: 4 * S });
  const wrapper = {
    memory: mem,
    base: B,
    size: 4 * S,
    blockSize: 16,
    lastError: 0,
    allocate: (n: number, al?: number, h?: number) => inner.allocate(n, al, h),
    free: (a: number) => inner.free(a),
    owns: (a: number) => inner.owns(a),
    stats: (o?: any) => inner.stats(o),
    resetPeak: () => inner.resetPeak(),
    watch: (w: any) => inner.watch(w),
    unwatch: (w: any) => inner.unwatch(w),
    close: () => inner.close(),
  };
  const bm = new BankManager(power, { policy: "gate-empty" });
  bm.manage(wrapper);
  bm.update(0);
  const a = wrapper.allocate(64, undefined, B + 2 * S);
  assert.is(bm.live[2], 64);
  assert.is(power.getPower(2), "on");
  assert.is(bm.powerOff(2), -EBUSY);
  wrapper.free(a);
  assert.is(bm.live[2], 0);
  assert.is(bm.validate(), null);
});

test("MemoryManager: manage its two heaps; normal and shared allocations are tracked, the shared section can be reserved", () => {
  const { power, mem } = plain();
  const mm = new MemoryManager(mem, { base: B, size: 4 * S, shared: { name: "bank-test", base: B + 7 * S, size: S } } as any);
  const bm = new BankManager(power, { policy: "gate-empty", reserved: [{ base: B + 7 * S, size: S }] });
  bm.manage(mm.normalHeap!);
  bm.manage(mm.sharedHeap!);
  assert.is(bm.update(0), 4); // S0..S3; S7 is reserved, S4..S6 are nobody's
  const a = mm.allocate(100),
    b = mm.allocateShared(100);
  assert.is(power.sectionAt(a), 0);
  assert.is(power.sectionAt(b), 7);
  assert.equal([bm.live[0], bm.live[7]], [112, 112]);
  assert.is(power.getPower(0), "on");
  assert.is(bm.powerOff(7, true), -EBUSY);
  assert.is(mm.deallocate(a, 100), 0);
  assert.is(bm.free(b), 0);
  assert.is(bm.update(1), 1);
  assert.is(ons(power), "000011111");
  assert.is(bm.validate(), null);
  assert.is(bm.close(), 0);
});

// ---------------------------------------------------------------- policies

test("all-on: never switches anything off, and switches on what was forced off", () => {
  const { bm, power, heap } = heapSetup("all-on");
  const a = heap.allocate(10);
  heap.free(a);
  assert.is(bm.update(0), 0);
  assert.is(bm.powerOff(5), 0);
  assert.is(bm.update(1), 1);
  assert.is(ons(power), "111111111");
  assert.is(bm.switchOffs, 1);
  assert.is(bm.switchOns, 1);
});

test("heap-top (Nordic ram_pwrdn): off wholly above the highest address in use, empty sections below stay on, on again as use grows", () => {
  const { bm, power, heap } = heapSetup("heap-top");
  const a = bm.allocate(32);
  const b = heap.allocate(64, undefined, B + 2 * S);
  assert.is(bm.update(0), 5);
  assert.is(ons(power), "111000001"); // S1 is empty but below the top
  assert.is(bm.policy.place(bm, 0, 16), 0); // placement is the heap's own
  heap.free(b);
  assert.is(bm.update(1), 2);
  assert.is(ons(power), "100000001");
  const c = heap.allocate(16, undefined, B + 5 * S); // use grows past the top: switched on at once
  assert.is(ons(power), "100001001");
  assert.is(bm.update(2), 4); // and everything below it on again
  assert.is(ons(power), "111111001");
  heap.free(a);
  heap.free(c);
  assert.is(bm.update(3), 6);
  assert.is(ons(power), "000000001");
  assert.is(bm.validate(), null);
});

test("gate-empty: off every empty section (below the top too), whatever the hysteresis option", () => {
  const { bm, power, heap } = heapSetup("gate-empty", { hysteresis: 100 });
  heap.allocate(32);
  heap.allocate(64, undefined, B + 2 * S);
  assert.is(bm.update(0), 6);
  assert.is(ons(power), "101000001");
  assert.is(bm.policy.place(bm, 0, 16), 0);
});

test("pack+gate: places into the lowest section holding live data where the request fits; sections go off only after `hysteresis` seconds empty (clock option)", () => {
  let t = 0;
  const { bm, power, heap } = heapSetup("pack+gate", { hysteresis: 10, now: () => t });
  const a = bm.allocate(32); // nothing live yet, every section on: the lowest
  assert.is(a, B);
  const b = heap.allocate(256, undefined, B + 3 * S);
  const c = bm.allocate(2048); // S0 holds data and has room (S1, S2 are on but empty)
  assert.is(c, B + 32);
  const d = bm.allocate(3000); // S0 has 2016 bytes left: S3, the next section holding data, not the empty S1
  assert.is(d, b + 256);
  t = 1;
  heap.free(b);
  bm.free(c);
  bm.free(d); // S3 empty since t = 1
  t = 5;
  assert.is(bm.update(), 0);
  t = 10;
  assert.is(bm.update(), 6); // S1, S2, S4..S7: empty since construction (t = 0)
  assert.is(ons(power), "100100001");
  assert.is(bm.update(), 0);
  assert.is(bm.update(9), -EINVAL); // behind the clock
  t = 11;
  assert.is(bm.update(), 1);
  assert.is(ons(power), "100000001");
  // with every section that is on full: the lowest section that is off, from its base
  const big = bm.allocate(S - 32); // S0 has S - 32 bytes left
  assert.is(big, B + 32);
  const e = bm.allocate(16);
  assert.is(e, B + S);
  assert.is(ons(power), "110000001");
  assert.is(bm.validate(), null);
});

test("pack+gate without a clock: emptiness is stamped at the update that first sees it", () => {
  const { bm, power, heap } = heapSetup("pack+gate", { hysteresis: 10 });
  const a = heap.allocate(16, undefined, B + S);
  assert.is(bm.update(100), 0);
  assert.is(bm.update(109), 0);
  assert.is(bm.update(110), 7);
  heap.free(a);
  assert.is(bm.update(111), 0); // empty since 111
  assert.is(bm.update(121), 1);
  assert.is(ons(power), "000000001");
});

// ---------------------------------------------------------------- the manager as an allocator

test("allocate/free route between allocators in manage order; errors and statistics", () => {
  const { power, mem } = plain();
  const mb = new MemBlocks(mem, { base: B, size: S, blockSize: 64 });
  const heap = new GranularHeap(mem, { base: B + S, size: 2 * S });
  const bm = new BankManager(power, { policy: "gate-empty" });
  assert.is(bm.allocate(8), 0); // nothing managed
  assert.is(bm.lastError, -ENOMEM);
  bm.manage(mb);
  bm.manage(heap);
  const small = bm.allocate(32);
  assert.ok(mb.owns(small));
  const big = bm.allocate(100); // MemBlocks: larger than a block (EINVAL), the heap takes it
  assert.ok(heap.owns(big));
  assert.is(bm.allocate(0), 0);
  assert.is(bm.lastError, -EINVAL);
  assert.is(bm.allocate(64, 3), 0);
  assert.is(bm.lastError, -EINVAL);
  assert.is(bm.allocate(1e6), 0);
  assert.is(bm.lastError, -ENOMEM);
  const st = bm.stats();
  assert.equal(st, {
    used: 64 + 112,
    free: S - 64 + 2 * S - 112,
    peak: 176,
    count: 2,
    failures: 4,
    switchOns: 0,
    switchOffs: 0,
    sectionsOn: 9,
    lost: 0,
  });
  assert.is(bm.free(0), 0);
  assert.is(bm.free("x" as any), -EINVAL);
  assert.is(bm.free(B + 5 * S), -EFAULT);
  assert.is(bm.lastError, -EFAULT);
  assert.is(bm.free(big + 16), -EFAULT); // the heap's answer: not an allocation's start
  assert.is(bm.free(small), 0);
  assert.is(bm.free(small), -EFAULT);
  assert.is(bm.free(big), 0);
  const out: any = {};
  assert.is(bm.stats(out), out);
  assert.is(out.used, 0);
  assert.is(out.peak, 176);
  assert.is(out.failures, 8);
  bm.resetPeak();
  assert.is(bm.stats().peak, 0);
  assert.is(bm.stats().failures, 0);
  assert.ok(bm.owns(B) && bm.owns(B + 3 * S - 1) && !bm.owns(B + 3 * S));
  // a full MemBlocks sends small requests to the heap
  while (mb.allocate(64) !== 0);
  assert.ok(heap.owns(bm.allocate(8)));
  assert.is(bm.validate(), null);
});

test("close: -EBUSY while allocations live; then every section on, allocators unwatched", () => {
  const { bm, power, heap } = heapSetup("gate-empty");
  const a = bm.allocate(10);
  bm.update(0);
  assert.is(bm.close(), -EBUSY);
  assert.is(bm.lastError, -EBUSY);
  assert.is(bm.allocators.length, 1);
  heap.free(a);
  bm.update(1);
  assert.is(ons(power), "000000001");
  assert.is(bm.close(), 0);
  assert.is(ons(power), "111111111");
  assert.is(bm.allocators.length, 0);
  assert.is(heap.unwatch(bm), -ENOENT);
  heap.allocate(10);
  assert.is(bm.live[0], 0);
  assert.is(bm.update(2), 0);
  assert.is(bm.powerOff(0), -EBUSY); // no longer managed
  assert.is(bm.manage(new MemBlocks(heap.memory, { base: B + 8 * S, size: S, blockSize: 64 })), 0); // usable again
});

test.run();

// MemBlocks and MemBlocksGroup: the allocator contract (src/alloc/api.ts), Zephyr's
// tests/lib/mem_blocks and mem_blocks_stats behaviours on the scatter-gather and
// contiguous verbs, bad inputs for every public call, the debug add-on's members, and
// the "bookkeeping never touches managed memory" test over switched-off RAM.
import { test } from "uvu";
import * as assert from "uvu/assert";
import "../src/debug/host.js";
import { MemBlocks, type MemBlocksListener } from "../src/alloc/mem-blocks.js";
import { MemBlocksGroup, type MemBlocksGroupChoice } from "../src/alloc/mem-blocks-group.js";
import type { Watcher } from "../src/alloc/api.js";
import { ArrayMemory } from "../src/hal/array-memory.js";
import type { Memory } from "../src/hal/ports.js";
import { EINVAL, ENOMEM, EFAULT, ENOENT, EBUSY } from "../src/core/errors.js";
import { SimMcu } from "../sim/mcu.js";
import { loadBoard } from "../sim/boards.js";

const BUF1 = 0x20000000,
  BUF2 = 0x20001000,
  BS = 64,
  NB = 8;

type Ev = [string, MemBlocks, number, number];

/** `new MemBlocks(mem, {base, size: blockSize × numBlocks, blockSize})`. */
function make(mem: Memory, base: number, blockSize: number, numBlocks: number): MemBlocks {
  return new MemBlocks(mem, { base, size: blockSize * numBlocks, blockSize });
}

/** A 64-byte × 8 allocator with a listener log, like Zephyr's mem_block_01/02 fixtures. */
function fixture(base = BUF1) {
  const mem = new ArrayMemory(base, 0x1000);
  const mb = make(mem, base, BS, NB);
  const log: Ev[] = [];
  mb.onAlloc((a, addr, bytes) => log.push(["alloc", a, addr, bytes]));
  mb.onFree((a, addr, bytes) => log.push(["free", a, addr, bytes]));
  return { mem, mb, log };
}

/** A watcher that logs [kind, address, bytes] and checks it is told about its own allocator. */
function logger(mb: MemBlocks, into: [string, number, number][]): Watcher {
  return {
    onAlloc: (a, bytes, al) => {
      assert.ok(al === mb);
      into.push(["alloc", a, bytes]);
    },
    onFree: (a, bytes, al) => {
      assert.ok(al === mb);
      into.push(["free", a, bytes]);
    },
  };
}

/** Word 0 of the bitmap (blocks 0..31, 1 = allocated) as an unsigned value, without the padding bits. */
function bits(mb: MemBlocks): number {
  return (mb._w[1] & (mb.numBlocks >= 32 ? -1 : (1 << mb.numBlocks) - 1)) >>> 0;
}

/** Block i's bit (1 = allocated). */
function bit(mb: MemBlocks, i: number): number {
  return (mb._w[(i >> 5) + 1] >>> (i & 31)) & 1;
}

function throwsCode(fn: () => unknown, code: string, re?: RegExp) {
  assert.throws(fn, (e: any) => e && e.code === code && (!re || re.test(e.message)));
}

// ---------------------------------------------------------------- Zephyr lib_mem_block

for (const [name, base] of [
  ["", BUF1],
  [" (second allocator, other buffer)", BUF2],
] as const) {
  test("allocBlocks 1 / freeBlocks 1: address in the region, bit 0, listener" + name, () => {
    const { mb, log } = fixture(base);
    const out: number[] = [];
    assert.is(mb.allocBlocks(1, out), 0);
    assert.is(out[0], base);
    assert.ok(out[0] >= base && out[0] < base + BS * NB);
    assert.is(bit(mb, 0), 1);
    assert.equal(log, [["alloc", mb, base, 64]]);
    assert.is(mb.freeBlocks(1, out), 0);
    assert.is(bit(mb, 0), 0);
    assert.equal(log[1], ["free", mb, base, 64]);
    assert.is(mb.validate(), null);
  });

  test("multi alloc/free: 10 rounds of 8 single blocks, 9th is -ENOMEM, frees in order" + name, () => {
    const { mb, log } = fixture(base);
    for (let round = 0; round < 10; round++) {
      log.length = 0;
      const blocks: number[] = [];
      for (let i = 0; i < NB; i++) {
        const out: number[] = [];
        assert.is(mb.allocBlocks(1, out), 0);
        assert.is(bit(mb, i), 1);
        assert.is(out[0], base + i * BS);
        blocks.push(out[0]);
        assert.equal(log[log.length - 1], ["alloc", mb, out[0], BS]);
      }
      assert.is(mb.allocBlocks(1, []), -ENOMEM);
      assert.is(mb.lastError, -ENOMEM);
      for (let i = 0; i < NB; i++) {
        assert.is(mb.freeBlocks(1, [blocks[i]]), 0);
        assert.is(bit(mb, i), 0);
        assert.equal(log[log.length - 1], ["free", mb, blocks[i], BS]);
      }
      assert.is(log.length, 16);
      assert.is(mb.validate(), null);
    }
  });
}

test("get: claims runs, refuses taken or overrunning ones unchanged, freeContiguous clears", () => {
  const { mb, log } = fixture();
  assert.is(mb.get(BUF1, 2), 0);
  assert.is(bits(mb), 0b11);
  assert.is(mb.get(BUF1 + BS, 2), -ENOMEM);
  assert.is(bits(mb), 0b11);
  assert.is(mb.get(BUF1 + 7 * BS, 2), -ENOMEM);
  assert.is(bits(mb), 0b11);
  assert.is(mb.get(BUF1 + 3 * BS, 1), 0);
  assert.is(mb.get(BUF1 + 2 * BS, 1), 0);
  assert.is(bits(mb), 0b1111);
  assert.is(mb.freeContiguous(BUF1, 4), 0);
  assert.is(bits(mb), 0);
  assert.equal(log, [
    ["alloc", mb, BUF1, 128],
    ["alloc", mb, BUF1 + 192, 64],
    ["alloc", mb, BUF1 + 128, 64],
    ["free", mb, BUF1, 256],
  ]);
  assert.is(mb.validate(), null);
});

test("get: interior address rounds down; outside the region is -ENOMEM; count 0 is 0", () => {
  const { mb } = fixture();
  assert.is(mb.get(BUF1 + 70, 1), 0);
  assert.is(bits(mb), 0b10);
  assert.is(mb.get(BUF1 - 64, 1), -ENOMEM);
  assert.is(mb.get(BUF1 + NB * BS, 1), -ENOMEM);
  assert.is(mb.get(BUF1, 0), 0);
  assert.is(mb.get(BUF1, 9), -ENOMEM);
  assert.is(bits(mb), 0b10);
  assert.is(mb.stats().count, 1);
});

test("contiguous alloc/free after fragmentation, and the six listener events", () => {
  const { mb, log } = fixture();
  assert.is(mb.allocContiguous(8), BUF1);
  assert.is(bits(mb), 0xff);
  assert.is(mb.freeContiguous(BUF1, 3), 0);
  assert.is(bits(mb), 0xf8);
  assert.is(mb.freeContiguous(BUF1 + 4 * BS, 4), 0);
  assert.is(bits(mb), 0x08);
  assert.is(mb.allocContiguous(5), 0);
  assert.is(mb.lastError, -ENOMEM);
  assert.is(bits(mb), 0x08);
  assert.is(mb.allocContiguous(3), BUF1);
  assert.is(bits(mb), 0x0f);
  assert.is(mb.allocContiguous(4), BUF1 + 4 * BS);
  assert.is(bits(mb), 0xff);
  assert.is(mb.freeContiguous(BUF1, 8), 0);
  assert.is(bits(mb), 0);
  assert.equal(log, [
    ["alloc", mb, BUF1, 512],
    ["free", mb, BUF1, 192],
    ["free", mb, BUF1 + 256, 256],
    ["alloc", mb, BUF1, 192],
    ["alloc", mb, BUF1 + 256, 256],
    ["free", mb, BUF1, 512],
  ]);
});

test("allocContiguous(0) returns 0 with lastError -EINVAL (an address cannot say 'nothing'); too long is -ENOMEM", () => {
  const { mb, log } = fixture();
  assert.is(mb.allocContiguous(0), 0);
  assert.is(mb.lastError, -EINVAL);
  assert.is(mb.allocContiguous(NB + 1), 0);
  assert.is(mb.lastError, -ENOMEM);
  assert.is(mb.stats().failures, 2);
  assert.is(mb.allocContiguous(NB), BUF1);
  assert.is(mb.lastError, -ENOMEM, "a success leaves lastError alone");
  assert.is(log.length, 1);
});

test("invalid params: counts 0 and over capacity, double free, one past the end", () => {
  const { mb } = fixture();
  const out: number[] = [];
  assert.is(mb.allocBlocks(0, out), 0);
  assert.is(out.length, 0);
  assert.is(mb.allocBlocks(NB + 1, out), -ENOMEM);
  assert.is(out.length, 0);
  assert.is(mb.allocBlocks(1, out), 0);
  assert.is(mb.freeBlocks(0, out), 0);
  assert.is(mb.freeBlocks(NB + 1, out), -EINVAL);
  assert.is(mb.freeBlocks(1, out), 0);
  assert.is(mb.freeBlocks(1, out), -EFAULT);
  assert.is(mb.freeBlocks(1, [BUF1 + NB * BS]), -EFAULT);
  assert.is(mb.stats().count, 0);
  assert.is(mb.stats().failures, 4);
  assert.is(mb.validate(), null);
});

test("NULL-style arguments throw EINVAL naming the argument (Zephyr asserts)", () => {
  const { mb } = fixture();
  for (const bad of [null, undefined, 3, "x"]) {
    throwsCode(() => mb.allocBlocks(1, bad as any), "EINVAL", /out/);
    throwsCode(() => mb.freeBlocks(1, bad as any), "EINVAL", /addresses/);
    throwsCode(() => mb.onAlloc(bad as any), "EINVAL", /listener/);
    throwsCode(() => mb.onFree(bad as any), "EINVAL", /listener/);
  }
  throwsCode(() => mb.allocBlocks(3, new Float64Array(2) as any), "EINVAL", /out has room for 2/);
  throwsCode(() => mb.freeBlocks(2, [BUF1]), "EINVAL", /addresses holds 1/);
  throwsCode(() => mb.stats(5 as any), "EINVAL", /out/);
  throwsCode(() => mb.blockStats(5 as any), "EINVAL", /out/);
  assert.is(mb.stats().count, 0);
  assert.is(mb.stats().failures, 0, "a throw is not a failed call");
  assert.is(mb.validate(), null);
});

test("allocBlocks refuses an out that does not keep its writes: throws EINVAL naming out, no block taken", () => {
  const { mb, log } = fixture();
  const frozen = Object.freeze([0, 0]);
  throwsCode(() => mb.allocBlocks(2, frozen as any), "EINVAL", /out must keep the addresses.*entry 0.*no block was taken/);
  assert.equal(frozen, [0, 0]);
  // a typed array too narrow for the addresses: the second entry is read back wrong
  const narrow = new Int16Array(3);
  throwsCode(() => mb.allocBlocks(3, narrow as any), "EINVAL", /entry 0/);
  // an array-like whose second entry ignores writes
  const sticky: any = { length: 3, 0: 0, 2: 0 };
  Object.defineProperty(sticky, 1, { value: 7, writable: false });
  throwsCode(() => mb.allocBlocks(3, sticky), "EINVAL", /entry 1/);
  // a setter that throws
  const thrower: any = [0, 0];
  Object.defineProperty(thrower, 1, {
    set() {
      throw new Error("no");
    },
    get() {
      return 0;
    },
  });
  throwsCode(() => mb.allocBlocks(2, thrower), "EINVAL", /entry 1/);
  assert.is(bits(mb), 0, "no block taken");
  assert.equal(mb.stats(), { used: 0, free: NB * BS, peak: 0, count: 0, failures: 0 });
  assert.is(log.length, 0);
  assert.is(mb.validate(), null);
  // the blocks are still there for a writable out
  const out: number[] = [];
  assert.is(mb.allocBlocks(2, out), 0);
  assert.equal(out, [BUF1, BUF1 + BS]);
  assert.is(mb.validate(), null);
});

test("allocBlocks into a frozen array with blocks in use: the hint and counters stay exact", () => {
  const { mb } = fixture();
  for (let i = 0; i < 5; i++) mb.allocBlock();
  assert.is(mb.freeBlock(BUF1 + BS), 0);
  throwsCode(() => mb.allocBlocks(4, Object.freeze([1, 2, 3, 4]) as any), "EINVAL", /out/);
  assert.is(bits(mb), 0b11101);
  assert.is(mb.validate(), null);
  assert.is(mb.allocBlock(), BUF1 + BS);
});

test("bad numbers are return codes, set lastError and change nothing else", () => {
  const { mb, log } = fixture();
  const out: number[] = [];
  assert.is(mb.allocBlocks(2, out), 0);
  const snapshot = () => [bits(mb), mb.stats().used, mb.stats().peak, log.length];
  const before = snapshot();
  let fails = 0;
  const expectFail = (r: number, want: number) => {
    assert.is(r, want);
    if (want < 0) {
      fails++;
      assert.is(mb.lastError, want);
    }
  };
  for (const bad of [-1, 1.5, NaN, "1", null, undefined, 2 ** 32]) {
    mb.lastError = 0;
    expectFail(mb.allocBlocks(bad as any, []), -EINVAL);
    assert.is(mb.allocContiguous(bad as any), 0);
    fails++;
    assert.is(mb.lastError, -EINVAL);
    expectFail(mb.get(BUF1 + 4 * BS, bad as any), -EINVAL);
    expectFail(mb.freeBlocks(bad as any, out), -EINVAL);
    expectFail(mb.freeContiguous(BUF1, bad as any), -EINVAL);
    assert.is(mb.isRegionFree(BUF1 + 4 * BS, bad as any), false);
    expectFail(mb.get(bad as any, 1), typeof bad === "number" ? -ENOMEM : -EINVAL);
    expectFail(
      mb.freeBlock(bad as any),
      typeof bad === "number" ? -EFAULT : bad === null || bad === undefined || typeof bad === "string" ? -EINVAL : -EFAULT,
    );
    expectFail(mb.free(bad as any), typeof bad === "number" ? -EFAULT : -EINVAL);
    expectFail(mb.freeContiguous(bad as any, 1), typeof bad === "number" ? -EFAULT : -EINVAL);
    assert.is(mb.isRegionFree(bad as any, 1), false);
    assert.is(mb.owns(bad as any), false);
  }
  expectFail(mb.freeContiguous(BUF1, NB + 1), -EINVAL);
  expectFail(mb.freeContiguous(BUF1 - BS, 1), -EFAULT);
  expectFail(mb.freeContiguous(BUF1 + NB * BS, 1), -EFAULT);
  expectFail(mb.freeContiguous(BUF1 + 7 * BS, 2), -EINVAL);
  expectFail(mb.freeContiguous(BUF1, 3), -EFAULT);
  expectFail(mb.freeBlock(BUF1 + 5 * BS), -EFAULT);
  expectFail(mb.freeBlock(BUF1 - 1), -EFAULT);
  expectFail(mb.freeBlock(BUF1 + NB * BS), -EFAULT);
  assert.equal(snapshot(), before);
  assert.is(mb.stats().failures, fails);
  assert.is(mb.validate(), null);
});

test("freeBlocks is all-or-nothing: a bad or repeated entry frees nothing", () => {
  const { mb, log } = fixture();
  const out: number[] = [];
  assert.is(mb.allocBlocks(4, out), 0);
  assert.equal(out, [BUF1, BUF1 + 64, BUF1 + 128, BUF1 + 192]);
  const n = log.length;
  assert.is(mb.freeBlocks(3, [out[0], out[1], BUF1 + 5 * BS]), -EFAULT);
  assert.is(mb.freeBlocks(3, [out[0], out[1], out[0]]), -EFAULT);
  assert.is(mb.freeBlocks(2, [out[2], 0x10000000]), -EFAULT);
  assert.is(mb.freeBlocks(2, [out[3], "x" as any]), -EFAULT);
  assert.is(bits(mb), 0x0f);
  assert.is(mb.stats().count, 4);
  assert.is(log.length, n);
  assert.is(mb.validate(), null);
  // interior addresses free their block, as in Zephyr; watchers see block starts
  assert.is(mb.freeBlocks(2, [out[0] + 5, out[1] + 63]), 0);
  assert.is(bits(mb), 0x0c);
  assert.equal(log.slice(n), [
    ["free", mb, BUF1, 64],
    ["free", mb, BUF1 + 64, 64],
  ]);
});

test("allocBlocks needs count free blocks or changes nothing (no rollback trace in the peak)", () => {
  const { mb, log } = fixture();
  assert.is(mb.get(BUF1 + 2 * BS, 5), 0);
  const out = [7, 7, 7, 7];
  const n = log.length;
  assert.is(mb.allocBlocks(4, out), -ENOMEM);
  assert.equal(out, [7, 7, 7, 7]);
  assert.is(log.length, n);
  assert.is(mb.blockStats().maxUsedBlocks, 5);
  assert.is(mb.allocBlocks(3, out), 0);
  assert.equal(out.slice(0, 3), [BUF1, BUF1 + 64, BUF1 + 7 * 64]);
  assert.is(mb.stats().count, 8);
});

test("allocBlock/freeBlock: the single-block fast path", () => {
  const { mb, log } = fixture();
  const got: number[] = [];
  for (let i = 0; i < NB; i++) got.push(mb.allocBlock());
  assert.equal(
    got,
    [0, 1, 2, 3, 4, 5, 6, 7].map((i) => BUF1 + i * BS),
  );
  assert.is(mb.lastError, 0);
  assert.is(mb.allocBlock(), 0);
  assert.is(mb.lastError, -ENOMEM);
  assert.is(mb.freeBlock(got[3] + 1), 0);
  assert.is(mb.freeBlock(got[3]), -EFAULT);
  assert.is(mb.lastError, -EFAULT);
  // a string that converts to an allocated block's address is not an address
  assert.is(mb.freeBlock(String(got[4]) as any), -EINVAL);
  assert.is(mb.freeBlock([got[4]] as any), -EINVAL);
  assert.is(mb.freeBlock(0), 0, "freeBlock(0) is a no-op, as free(0)");
  assert.is(mb.isRegionFree(got[4], 1), false);
  assert.is(mb.allocBlock(), got[3]);
  for (const a of got) assert.is(mb.freeBlock(a), 0);
  assert.is(log.filter((e) => e[0] === "alloc").length, 9);
  assert.is(log.filter((e) => e[0] === "free").length, 9);
  assert.equal(log[log.length - 1], ["free", mb, got[7], BS]);
  assert.equal(
    log.find((e) => e[0] === "free"),
    ["free", mb, got[3], BS],
    "an interior address is reported as its block start",
  );
  assert.is(mb.stats().failures, 4);
  assert.is(mb.validate(), null);
});

for (const version of ["", "table", "Espruino"])
  test("allocBlock/freeBlock: bit 31 of a word, interior and fractional addresses" + (version ? " (" + version + " version)" : ""), () => {
    const mb = make(new ArrayMemory(BUF1, 70 * 16), BUF1, 16, 70);
    if (version === "table") mb.allocBlock = mb._allocTab; // as on interpreters that compile to bytecode
    if (version === "Espruino") {
      mb.allocBlock = mb._allocEspruino;
      mb.freeBlock = mb._freeEspruino;
    }
    const got: number[] = [];
    let a;
    while ((a = mb.allocBlock()) !== 0) got.push(a);
    assert.equal(
      got,
      Array.from({ length: 70 }, (_, i) => BUF1 + i * 16),
    );
    // blocks 31 and 63 are the top bits of words 0 and 1; 69 lies in the padded last word
    assert.is(mb.freeBlock(BUF1 + 63 * 16 + 15), 0);
    assert.is(mb.freeBlock(BUF1 + 31 * 16 + 0.5), 0);
    assert.is(mb.freeBlock(BUF1 + 69 * 16 + 8), 0);
    assert.is(mb.freeBlock(BUF1 + 31 * 16), -EFAULT);
    assert.is(mb.freeBlock(BUF1 - 0.5), -EFAULT);
    assert.is(mb.freeBlock(BUF1 + 70 * 16), -EFAULT);
    assert.is(mb.stats().count, 67);
    assert.is(mb.validate(), null);
    assert.equal([mb.allocBlock(), mb.allocBlock(), mb.allocBlock(), mb.allocBlock()], [BUF1 + 31 * 16, BUF1 + 63 * 16, BUF1 + 69 * 16, 0]);
    assert.is(mb.blockStats().maxUsedBlocks, 70);
    assert.is(mb.validate(), null);
  });

test("statistics stay exact while watchers come and go", () => {
  const mb = make(new ArrayMemory(BUF1, NB * BS), BUF1, BS, NB);
  const heard: [string, number, number][] = [];
  const w = logger(mb, heard);
  const st = () => [mb.stats().count, mb.blockStats().maxUsedBlocks];
  mb.allocBlock();
  mb.allocBlock();
  mb.allocBlock();
  assert.is(mb.watch(w), 0);
  assert.equal(st(), [3, 3]);
  assert.ok(mb.invariantsHold());
  assert.is(mb.freeBlock(BUF1), 0);
  assert.is(mb.allocBlock(), BUF1);
  assert.is(mb.allocBlock(), BUF1 + 3 * BS);
  assert.equal(st(), [4, 4]);
  mb.resetPeak();
  assert.is(mb.freeBlock(BUF1 + BS + 7), 0);
  assert.is(mb.unwatch(w), 0);
  assert.equal(st(), [3, 4]);
  assert.is(mb.allocBlock(), BUF1 + BS);
  assert.is(mb.allocBlock(), BUF1 + 4 * BS);
  assert.equal(st(), [5, 5]);
  assert.equal(heard, [
    ["free", BUF1, BS],
    ["alloc", BUF1, BS],
    ["alloc", BUF1 + 3 * BS, BS],
    ["free", BUF1 + BS, BS],
  ]);
  assert.ok(mb.invariantsHold());
  assert.is(mb.validate(), null);
});

test("isRegionFree and owns", () => {
  const { mb } = fixture();
  assert.ok(mb.isRegionFree(BUF1, 8));
  assert.is(mb.get(BUF1 + 3 * BS, 1), 0);
  assert.ok(mb.isRegionFree(BUF1, 3));
  assert.not.ok(mb.isRegionFree(BUF1, 4));
  assert.ok(mb.isRegionFree(BUF1 + 4 * BS, 4));
  assert.not.ok(mb.isRegionFree(BUF1 + 4 * BS, 5));
  assert.not.ok(mb.isRegionFree(BUF1, 0));
  assert.not.ok(mb.isRegionFree(BUF1 - BS, 1));
  assert.ok(mb.owns(BUF1) && mb.owns(BUF1 + 511));
  assert.not.ok(mb.owns(BUF1 - 1) || mb.owns(BUF1 + 512) || mb.owns("x" as any) || mb.owns(String(BUF1) as any));
  assert.is(mb.stats().failures, 0, "queries are not failed calls");
});

test("listeners: removeListener, copy-on-write during a call", () => {
  const { mb } = fixture();
  const seen: number[] = [];
  const f: MemBlocksListener = (_a, addr) => {
    seen.push(addr);
    mb.removeListener(f);
  };
  const g: MemBlocksListener = (_a, addr) => seen.push(-addr);
  assert.is(mb.onAlloc(f), 0);
  assert.is(mb.onAlloc(g), 0);
  mb.allocBlock();
  mb.allocBlock();
  // the fixture's own logger also runs; f removed itself after its first call
  assert.equal(seen, [BUF1, -BUF1, -(BUF1 + 64)]);
  assert.is(mb.removeListener(f), -ENOENT);
  assert.is(mb.removeListener(g), 0);
  assert.is(mb.removeListener(g), -ENOENT);
  assert.is(mb.validate(), null);
});

// ---------------------------------------------------------------- statistics (mem_blocks_stats)

test("runtime stats: 512/0/0 → 320/192/192 → 448/64/192 → 384/128/192 → reset 128 → 512/0/128", () => {
  const { mb } = fixture();
  const st = (s = mb.blockStats()) => [s.freeBytes, s.allocatedBytes, s.maxAllocatedBytes];
  const ct = (s = mb.stats()) => [s.free, s.used, s.peak];
  assert.equal(st(), [512, 0, 0]);
  const out: number[] = [];
  assert.is(mb.allocBlocks(3, out), 0);
  assert.equal(st(), [320, 192, 192]);
  assert.is(mb.freeBlocks(2, out), 0);
  assert.equal(st(), [448, 64, 192]);
  const more: number[] = [];
  assert.is(mb.allocBlocks(1, more), 0);
  assert.equal(st(), [384, 128, 192]);
  assert.equal(ct(), [384, 128, 192]);
  mb.resetPeak();
  assert.equal(st(), [384, 128, 128]);
  assert.is(mb.freeBlocks(2, [out[2], more[0]]), 0);
  assert.equal(st(), [512, 0, 128]);
  const into = { freeBytes: 0, allocatedBytes: 0, maxAllocatedBytes: 0, usedBlocks: 0, maxUsedBlocks: 0, freeBlocks: 0 };
  assert.ok(mb.blockStats(into) === into);
  assert.equal(into, { freeBytes: 512, allocatedBytes: 0, maxAllocatedBytes: 128, usedBlocks: 0, maxUsedBlocks: 2, freeBlocks: 8 });
});

// ---------------------------------------------------------------- the contract

test("allocate: one block per request, lowest free first; bad requests are -EINVAL, a full pool -ENOMEM", () => {
  const { mb, log } = fixture();
  assert.is(mb.allocate(1), BUF1);
  assert.is(mb.allocate(BS), BUF1 + BS);
  assert.is(mb.allocate(10, 8), BUF1 + 2 * BS);
  assert.is(mb.allocate(10, BS), BUF1 + 3 * BS);
  assert.is(mb.allocate(10, undefined, null as any), BUF1 + 4 * BS);
  assert.is(mb.allocate(10, undefined, 0), BUF1 + 5 * BS);
  const before = [bits(mb), log.length];
  let fails = 0;
  for (const [size, al, hint] of [
    [0],
    [BS + 1],
    [-1],
    [1.5],
    ["8"],
    [NaN],
    [2 ** 32],
    [null],
    [undefined],
    [8, 0],
    [8, 3],
    [8, 2 * BS],
    [8, -4],
    [8, 4.0000001],
    [8, "8"],
    [8, null],
    [8, undefined, -1],
    [8, undefined, 1.5],
    [8, undefined, "0x20000000"],
    [8, undefined, 2 ** 32],
  ] as any[]) {
    mb.lastError = 0;
    assert.is(mb.allocate(size, al, hint), 0, JSON.stringify([size, al, hint]));
    assert.is(mb.lastError, -EINVAL, JSON.stringify([size, al, hint]));
    fails++;
  }
  assert.equal([bits(mb), log.length], before);
  assert.is(mb.allocate(8), BUF1 + 6 * BS);
  assert.is(mb.allocate(8), BUF1 + 7 * BS);
  assert.is(mb.lastError, -EINVAL, "successes leave lastError");
  assert.is(mb.allocate(8), 0);
  assert.is(mb.lastError, -ENOMEM);
  assert.is(mb.allocate(8, 4, BUF1 + 3 * BS), 0);
  assert.is(mb.lastError, -ENOMEM);
  assert.is(mb.stats().failures, fails + 2);
  assert.is(log.filter((e) => e[0] === "alloc").length, 8);
  assert.is(mb.validate(), null);
});

test("allocate's hint: the lowest free block at or above it, else the lowest free block", () => {
  const mb = make(new ArrayMemory(BUF1, 100 * 16), BUF1, 16, 100);
  const A = (i: number) => BUF1 + i * 16;
  assert.is(mb.allocate(16, undefined, A(40)), A(40));
  assert.is(mb.allocate(16, undefined, A(40)), A(41));
  assert.is(mb.allocate(16, undefined, A(40) + 1), A(42), "inside block 40: the next block start");
  assert.is(mb.allocate(16, undefined, A(99)), A(99));
  assert.is(mb.allocate(16, undefined, A(99)), A(0), "nothing at or above: the lowest free block");
  assert.is(mb.allocate(16, undefined, BUF1 - 1000), A(1), "below the region: the lowest free block");
  assert.is(mb.allocate(16, undefined, A(200)), A(2), "past the region: the lowest free block");
  assert.is(mb.get(A(64), 32), 0);
  assert.is(mb.allocate(16, 16, A(60)), A(60));
  assert.is(mb.allocate(16, 16, A(63)), A(63));
  assert.is(mb.allocate(16, 16, A(63)), A(96), "word 2 is full: the next word with a free block");
  assert.is(mb.allocate(16, 16, A(31)), A(31), "bit 31 of a word");
  assert.is(mb.allocate(16, 16, A(31)), A(32));
  assert.is(mb.validate(), null);
  // fill the rest through hints and check the peak and count
  let a,
    n = 0;
  while ((a = mb.allocate(4, 4, A(50))) !== 0) n++;
  assert.is(mb.stats().count, 100);
  assert.is(n, 100 - 12 - 32);
  assert.is(mb.lastError, -ENOMEM);
  assert.is(mb.blockStats().maxUsedBlocks, 100);
  assert.is(mb.validate(), null);
});

test("free: only a live block's start; interior, foreign and double frees are -EFAULT; non-numbers -EINVAL; free(0) is 0", () => {
  const { mb, log } = fixture();
  const a = mb.allocate(8),
    b = mb.allocate(8);
  const n = log.length;
  for (const bad of [a + 1, a + 0.5, b + BS - 1, BUF1 + 5 * BS, BUF1 - BS, BUF1 + NB * BS, 0x30000000, -1, NaN, Infinity]) {
    mb.lastError = 0;
    assert.is(mb.free(bad), -EFAULT, String(bad));
    assert.is(mb.lastError, -EFAULT);
  }
  for (const bad of ["0x20000000", String(a), null, undefined, [a], { valueOf: () => a }]) {
    assert.is(mb.free(bad as any), -EINVAL, String(bad));
    assert.is(mb.lastError, -EINVAL);
  }
  mb.lastError = 0;
  assert.is(mb.free(0), 0);
  assert.is(mb.lastError, 0, "free(0) is no failure");
  assert.is(log.length, n);
  assert.is(mb.stats().count, 2);
  assert.is(mb.stats().failures, 16);
  assert.is(mb.free(b), 0);
  assert.is(mb.free(b), -EFAULT, "double free");
  assert.is(mb.free(a), 0);
  assert.equal(log.slice(n), [
    ["free", mb, b, BS],
    ["free", mb, a, BS],
  ]);
  assert.is(mb.free(mb.allocate(3)), 0, "free(allocate(n)) is always safe");
  assert.is(mb.validate(), null);
});

test("stats: one shape, into `out`; resetPeak sets peak := used and failures := 0", () => {
  const { mb } = fixture();
  assert.equal(mb.stats(), { used: 0, free: 512, peak: 0, count: 0, failures: 0 });
  const a = mb.allocate(1),
    b = mb.allocContiguous(3);
  mb.free(a + 1);
  const into = { used: -1, free: -1, peak: -1, count: -1, failures: -1 };
  assert.ok(mb.stats(into) === into);
  assert.equal(into, { used: 256, free: 256, peak: 256, count: 4, failures: 1 });
  assert.is(mb.freeContiguous(b, 3), 0);
  assert.equal(mb.stats(), { used: 64, free: 448, peak: 256, count: 1, failures: 1 });
  mb.resetPeak();
  assert.equal(mb.stats(), { used: 64, free: 448, peak: 64, count: 1, failures: 0 });
  assert.is(mb.lastError, -EFAULT, "resetPeak leaves lastError");
});

test("watch/unwatch: every verb's successes reach every watcher, bytes as charged, addresses block starts", () => {
  const mb = make(new ArrayMemory(BUF1, 32 * 16), BUF1, 16, 32);
  const ev: [string, number, number][] = [],
    ev2: [string, number, number][] = [];
  const w = logger(mb, ev),
    w2 = logger(mb, ev2);
  assert.is(mb.watch(w), 0);
  assert.is(mb.watch(w2), 0);
  const a = mb.allocBlock(); // block 0
  const b = mb.allocate(5); // block 1
  const c = mb.allocate(5, 4, BUF1 + 10 * 16); // block 10
  const out: number[] = [];
  assert.is(mb.allocBlocks(2, out), 0); // blocks 2, 3
  const r = mb.allocContiguous(4); // blocks 4..7
  assert.is(mb.get(BUF1 + 20 * 16, 2), 0); // blocks 20, 21
  assert.is(mb.allocBlocks(40, []), -ENOMEM); // failures tell nobody
  assert.is(mb.free(a + 1), -EFAULT);
  assert.is(mb.freeBlock(a + 3), 0);
  assert.is(mb.free(b), 0);
  assert.is(mb.freeBlocks(2, [out[1] + 15, out[0]]), 0);
  assert.is(mb.freeContiguous(r + 16, 2), 0);
  assert.is(mb.freeContiguous(BUF1 + 20 * 16, 2), 0);
  assert.is(mb.unwatch(w2), 0);
  assert.is(mb.free(c), 0);
  const A = (i: number) => BUF1 + i * 16;
  const all: [string, number, number][] = [
    ["alloc", A(0), 16],
    ["alloc", A(1), 16],
    ["alloc", A(10), 16],
    ["alloc", A(2), 16],
    ["alloc", A(3), 16],
    ["alloc", A(4), 64],
    ["alloc", A(20), 32],
    ["free", A(0), 16],
    ["free", A(1), 16],
    ["free", A(3), 16],
    ["free", A(2), 16],
    ["free", A(5), 32],
    ["free", A(20), 32],
  ];
  assert.equal(ev2, all);
  assert.equal(ev, all.concat([["free", A(10), 16]]));
  assert.is(mb.stats().count, 2);
  assert.is(mb.validate(), null);
});

test("watch/unwatch: bad watchers are -EINVAL, unknown ones -ENOENT (lastError set); a watcher may unwatch itself", () => {
  const { mb } = fixture();
  for (const bad of [null, undefined, 5, {}, { onAlloc() {} }, { onFree() {} }, { onAlloc: 1, onFree() {} }]) {
    mb.lastError = 0;
    assert.is(mb.watch(bad as any), -EINVAL);
    assert.is(mb.lastError, -EINVAL);
  }
  const w: Watcher = { onAlloc() {}, onFree() {} };
  assert.is(mb.unwatch(w), -ENOENT);
  assert.is(mb.lastError, -ENOENT);
  assert.is(mb.stats().failures, 0, "watch and unwatch are not allocations or frees");
  let calls = 0;
  const once: Watcher = {
    onAlloc: () => {
      calls++;
      mb.unwatch(once);
    },
    onFree() {},
  };
  assert.is(mb.watch(once), 0);
  mb.allocBlock();
  mb.allocBlock();
  assert.is(calls, 1);
  assert.is(mb.unwatch(once), -ENOENT);
  assert.is(mb.validate(), null);
});

test("close: -EBUSY while blocks are in use; then the region can be claimed again", () => {
  const mem = new ArrayMemory(BUF1, 0x1000);
  const mb = make(mem, BUF1, BS, NB);
  throwsCode(() => make(mem, BUF1 + 4 * BS, BS, NB), "EBUSY", /\[0x20000100, 0x20000300\).*\[0x20000000, 0x20000200\)/);
  const a = mb.allocBlock();
  assert.is(mb.close(), -EBUSY);
  assert.is(mb.lastError, -EBUSY);
  assert.equal(mb.stats(), { used: BS, free: (NB - 1) * BS, peak: BS, count: 1, failures: 0 }, "close is not an allocation or a free");
  throwsCode(() => make(mem, BUF1, BS, NB), "EBUSY");
  assert.is(mb.freeBlock(a), 0);
  assert.is(mb.close(), 0);
  const again = make(mem, BUF1 + 4 * BS, BS, NB);
  assert.is(again.allocBlock(), BUF1 + 4 * BS);
  assert.is(make(mem, BUF1 + 0x800, BS, 4).allocBlock(), BUF1 + 0x800, "a region next to a live one");
});

test("lastErrorText names the code and the state", () => {
  const { mb } = fixture();
  assert.match(mb.lastErrorText(), /no call has failed.*8 of 8 blocks of 64 bytes free/);
  mb.allocContiguous(9);
  assert.match(mb.lastErrorText(), /^ENOMEM: /);
  mb.free(BUF1 + 1);
  assert.match(mb.lastErrorText(), /^EFAULT: .*0x20000000, 0x20000200/);
  mb.allocate(65);
  assert.match(mb.lastErrorText(), /^EINVAL: .*\[1, 64\]/);
  mb.allocBlock();
  mb.close();
  assert.match(mb.lastErrorText(), /^EBUSY: .*1 blocks are still in use.*7 of 8/);
  mb.unwatch({ onAlloc() {}, onFree() {} });
  assert.match(mb.lastErrorText(), /^ENOENT: /);
});

test("the add-on's checkers find corruption", () => {
  const { mb } = fixture();
  mb.allocBlock();
  assert.is(mb.validate(), null);
  mb._w[1] |= 4; // a block taken behind the counters' back
  assert.match(mb.validate()!, /bitmap has 2 blocks set, the counter says 1/);
  mb._w[1] &= ~4;
  mb._s -= 1;
  assert.not.ok(mb.invariantsHold());
  assert.match(mb.validate()!, /counters/);
  mb._s += 1;
  mb._h = 2;
  assert.not.ok(mb.invariantsHold());
  mb._h = 1;
  mb._a += 1;
  assert.not.ok(mb.invariantsHold());
  mb._a -= 1;
  const entry = mb._t[2]; // bit 1: (1 << 1) % 37
  mb._t[2] = 5;
  assert.match(mb.validate()!, /offset table entry of bit 1/);
  mb._t[2] = entry;
  const flags = mb._w.length >> 1;
  mb._w[flags + 1] = 0; // word 0's flag: it has free blocks
  assert.match(mb.validate()!, /bitmap: flag of word 0 is wrong/);
  mb._w[flags + 1] = 1;
  mb._w[0] = 1;
  assert.match(mb.validate()!, /guard word/);
  mb._w[0] = 0;
  mb._w[2] = 0; // the sentinel (8 blocks: one word)
  assert.match(mb.validate()!, /sentinel word/);
  mb._w[2] = -1;
  mb._w[1] &= 0xff; // the padding bits
  assert.match(mb.validate()!, /padding/);
  mb._w[1] |= -1 << 8;
  assert.is(mb.validate(), null);
});

// ---------------------------------------------------------------- constructor

test("constructor: a bad configuration throws EINVAL naming the argument", () => {
  const mem = new ArrayMemory(0x20000000, 256);
  const ok = new MemBlocks(mem, { base: 0x20000000, size: 4, blockSize: 4 });
  assert.is(ok.size, 4);
  assert.is(ok.numBlocks, 1);
  assert.is(ok.close(), 0);
  const big = new ArrayMemory(0x20000000, 0x1000);
  const cases: [any[], RegExp][] = [
    [[null, { base: BUF1, size: 512, blockSize: 64 }], /memory/],
    [[{}, { base: BUF1, size: 512, blockSize: 64 }], /memory/],
    [[big], /options/],
    [[big, null], /options/],
    [[big, 5], /options/],
    [[big, { base: BUF1, size: 512, blockSize: 2 }], /blockSize/],
    [[big, { base: BUF1, size: 480, blockSize: 48 }], /blockSize/],
    [[big, { base: BUF1, size: 0x80000000, blockSize: 0x80000000 }], /blockSize/],
    [[big, { base: BUF1, size: 512, blockSize: "64" }], /blockSize/],
    [[big, { base: BUF1, size: 512 }], /blockSize/],
    [[big, { base: BUF1, size: 0, blockSize: 64 }], /size must be a whole number of blocks/],
    [
      [big, { base: BUF1, size: 100, blockSize: 64 }],
      /size must be a whole number of blocks \(a positive multiple of blockSize 64\), got 100/,
    ],
    [[big, { base: BUF1, size: 96.5, blockSize: 64 }], /size/],
    [[big, { base: BUF1, size: "512", blockSize: 64 }], /size/],
    [[big, { base: BUF1, blockSize: 64 }], /size/],
    [[big, { base: BUF1, size: -64, blockSize: 64 }], /size/],
    [[big, { base: BUF1, size: 0x4000001 * 4, blockSize: 4 }], /2\^26 blocks/],
    [[big, { base: 0x40000000, size: 0x80000040, blockSize: 64 }], /2\^31/],
    [[big, { base: 0, size: 512, blockSize: 64 }], /base/],
    [[big, { size: 512, blockSize: 64 }], /base/],
    [[big, { base: BUF1 + 32, size: 512, blockSize: 64 }], /base must be aligned/],
    [[big, { base: -64, size: 512, blockSize: 64 }], /base/],
    [[big, { base: 0xffffff00, size: 512, blockSize: 64 }], /2\^32/],
    [[big, { base: BUF1 + 0xe00, size: 1024, blockSize: 64 }], /not inside the memory port \[0x20000000, 0x20001000\)/],
  ];
  for (const [args, re] of cases) throwsCode(() => new (MemBlocks as any)(...args), "EINVAL", re);
  const top = new MemBlocks(new ArrayMemory(0xffffff00, 256), { base: 0xffffff00, size: 256, blockSize: 64 });
  assert.is(top.allocContiguous(4), 0xffffff00);
  assert.is(top.freeBlock(0xffffffc0), 0);
  assert.is(top.free(0xffffff80), 0);
  assert.is(top.allocate(64, 64, 0xffffffc0), 0xffffffc0);
  assert.is(top.validate(), null);
  // a failed construction claims nothing
  const fresh = new ArrayMemory(BUF1, 512);
  throwsCode(() => new MemBlocks(fresh, { base: BUF1, size: 1024, blockSize: 64 }), "EINVAL");
  assert.is(new MemBlocks(fresh, { base: BUF1, size: 512, blockSize: 64 }).numBlocks, 8);
});

// ---------------------------------------------------------------- group (multi allocator)

function groupFixture() {
  const a = fixture(BUF1),
    b = fixture(BUF2);
  const g = new MemBlocksGroup((_grp, cfg) => (cfg === 1 ? 0 : cfg === 2 ? 1 : -1));
  assert.is(g.addAllocator(a.mb), 0);
  assert.is(g.addAllocator(b.mb), 1);
  return { g, a: a.mb, b: b.mb };
}

test("group: choice by cfg (an index), chosen block size reported, free routed by address", () => {
  const { g, a, b } = groupFixture();
  const out: number[] = [],
    info: MemBlocksGroupChoice = { blockSize: -1, allocator: null };
  assert.is(g.allocBlocks(16, 1, out, info), -EINVAL);
  assert.is(info.blockSize, -1);
  assert.is(g.allocBlocks(1, 1, out, info), 0);
  assert.ok(a.owns(out[0]));
  assert.is(info.blockSize, 64);
  assert.ok(info.allocator === a);
  const out2: number[] = [];
  assert.is(g.allocBlocks(2, 1, out2), 0);
  assert.ok(b.owns(out2[0]));
  assert.is(g.freeBlocks(1, out), 0);
  assert.is(g.freeBlocks(1, out2), 0);
  assert.is(a.stats().count + b.stats().count, 0);
  assert.ok(g.findAllocator(BUF2 + 5) === b);
  assert.is(g.findAllocator(0x30000000), null);
  assert.is(g.validate(), null);
  assert.ok(g.invariantsHold());
});

test("group invalid params: count 0 skips the choice, over capacity, double free, foreign address", () => {
  const { g, a } = groupFixture();
  let calls = 0;
  const counting = new MemBlocksGroup((_grp, cfg) => {
    calls++;
    return cfg === 1 ? 0 : -1;
  });
  counting.addAllocator(make(new ArrayMemory(0x30000000, 512), 0x30000000, 64, 8));
  const info: MemBlocksGroupChoice = { blockSize: 7, allocator: a };
  assert.is(counting.allocBlocks(99, 0, [], info), 0);
  assert.equal(info, { blockSize: 0, allocator: null });
  assert.is(calls, 0);
  assert.is(g.allocBlocks(1, NB + 1, []), -ENOMEM);
  assert.is(a.lastError, -ENOMEM, "the chosen allocator records its failure");
  const out: number[] = [];
  assert.is(g.allocBlocks(1, 1, out), 0);
  assert.is(g.freeBlocks(0, out), 0);
  assert.is(g.freeBlocks(NB + 1, out), -EINVAL);
  assert.is(g.freeBlocks(1, out), 0);
  assert.is(g.freeBlocks(1, out), -EFAULT);
  assert.is(g.freeBlocks(1, [BUF1 + NB * BS]), -EINVAL);
  for (const bad of [-1, 1.5, "1", undefined]) {
    assert.is(g.allocBlocks(1, bad as any, []), -EINVAL);
    assert.is(g.freeBlocks(bad as any, out), -EINVAL);
  }
});

test("group: choices that are not a member's index are -EINVAL; bad arrays throw", () => {
  const { g, a } = groupFixture();
  for (const pick of [-1, 2, 8, 0.5, "0", null, undefined, NaN, a]) {
    const weird = new MemBlocksGroup(() => pick as any);
    weird.addAllocator(make(new ArrayMemory(0x40000000, 512), 0x40000000, 64, 8));
    weird.addAllocator(make(new ArrayMemory(0x40001000, 512), 0x40001000, 64, 8));
    assert.is(weird.allocBlocks(0, 1, []), -EINVAL, String(pick));
  }
  for (const bad of [null, undefined, 5]) {
    throwsCode(() => g.allocBlocks(1, 1, bad as any), "EINVAL", /out/);
    throwsCode(() => g.freeBlocks(1, bad as any), "EINVAL", /addresses/);
  }
  // an object without a length is no array either, as in MemBlocks
  throwsCode(() => g.allocBlocks(1, 0, {} as any), "EINVAL", /out must be an array/);
  throwsCode(() => g.freeBlocks(1, {} as any), "EINVAL", /addresses must be an array/);
  throwsCode(() => g.allocBlocks(1, 1, [], 5 as any), "EINVAL", /chosen/);
  throwsCode(() => g.allocBlocks(1, 2, Object.freeze([0]) as any), "EINVAL", /out must keep/);
  throwsCode(() => new MemBlocksGroup(null as any), "EINVAL", /choice/);
  throwsCode(() => g.addAllocator({} as any), "EINVAL", /allocator must be a MemBlocks/);
  throwsCode(() => g.addAllocator(a), "EINVAL", /already/);
  // overlapping regions can only come from different Memory ports (one port refuses them: EBUSY)
  throwsCode(() => g.addAllocator(make(new ArrayMemory(BUF1, 0x1000), BUF1 + 256, 64, 8)), "EINVAL", /overlaps/);
  const other = new ArrayMemory(0x21000000, 0x10000);
  for (let i = 2; i < 8; i++) g.addAllocator(make(other, 0x21000000 + i * 0x1000, 64, 8));
  throwsCode(() => g.addAllocator(make(other, 0x21000000, 64, 8)), "EINVAL", /at most 8/);
  assert.is(g.allocators.length, 8);
  assert.is(g.validate(), null);
});

test("group checkers: a member's problem, and overlapping members", () => {
  const { g, a } = groupFixture();
  a._w[1] |= 1;
  assert.match(g.validate()!, /^allocator 0: bitmap has 1 blocks set/);
  a._w[1] &= ~1;
  a._s--;
  assert.not.ok(g.invariantsHold());
  a._s++;
  g.allocators.push(make(new ArrayMemory(BUF1, 0x1000), BUF1 + 64, 64, 4)); // behind addAllocator's back
  assert.match(g.validate()!, /allocators 0 and 2 overlap/);
});

// ---------------------------------------------------------------- never touches managed memory

/** A Memory that throws on every access. */
function untouchable(): Memory {
  const no = () => {
    throw new Error("the allocator touched managed memory");
  };
  return { read8: no, read16: no, read32: no, write8: no, write16: no, write32: no, readBlock: no, writeBlock: no, fill: no, copy: no };
}

/** Every public operation, including failures, on `mb` (and a group of it). */
function exerciseAll(mb: MemBlocks) {
  const B = mb.base,
    S = mb.blockSize,
    N = mb.numBlocks;
  const log: number[] = [];
  mb.watch({ onAlloc: (addr) => log.push(addr), onFree: (addr) => log.push(-addr) });
  mb.onAlloc((_a, addr) => log.push(addr));
  const out: number[] = [];
  assert.is(mb.allocBlocks(10, out), 0);
  const one = mb.allocBlock();
  assert.ok(one !== 0);
  const two = mb.allocate(S, S, B + (N >> 1) * S);
  assert.ok(two !== 0);
  const run = mb.allocContiguous(20);
  assert.ok(run !== 0);
  assert.is(mb.get(B + (N - 4) * S, 4), 0);
  assert.is(mb.get(B + (N - 4) * S, 1), -ENOMEM);
  assert.ok(mb.isRegionFree(run + 20 * S, 2));
  assert.is(mb.allocBlocks(N, []), -ENOMEM);
  assert.is(mb.freeBlocks(3, out), 0);
  assert.is(mb.freeBlocks(1, out), -EFAULT);
  assert.is(mb.freeBlock(one), 0);
  assert.is(mb.freeBlock(one), -EFAULT);
  assert.is(mb.free(two + 1), -EFAULT);
  assert.is(mb.free(two), 0);
  assert.is(mb.freeContiguous(run, 20), 0);
  assert.is(mb.freeContiguous(B + (N - 4) * S, 4), 0);
  assert.is(mb.freeContiguous(B, 2), -EFAULT);
  assert.is(mb.freeBlocks(7, out.slice(3)), 0);
  assert.throws(() => mb.allocBlocks(2, Object.freeze([0, 0]) as any));
  while (mb.allocBlock() !== 0) {
    /* fill */
  }
  assert.is(mb.allocContiguous(1), 0);
  assert.is(mb.allocate(1), 0);
  for (let i = 0; i < N; i++) assert.is(mb.freeBlock(B + i * S), 0);
  mb.stats();
  mb.blockStats();
  mb.resetPeak();
  mb.lastErrorText();
  mb.owns(B);
  const g = new MemBlocksGroup(() => 0);
  g.addAllocator(mb);
  const gout: number[] = [];
  assert.is(g.allocBlocks(null, 5, gout), 0);
  assert.is(g.freeBlocks(5, gout), 0);
  assert.is(mb.validate(), null);
  assert.is(g.validate(), null);
  assert.ok(log.length > 40);
  assert.is(mb.close(), 0);
}

test("bookkeeping never touches managed memory: a Memory that throws on every access", () => {
  exerciseAll(make(untouchable(), 0x20000000, 32, 300));
});

test("bookkeeping never touches managed memory: SimMcu (strict) with the region's sections off", () => {
  const mcu = new SimMcu(loadBoard("BANGLEJS2"), { strict: true });
  const base = 0x20028000,
    size = 0x18000; // RAM8.S3..S5
  const secs = mcu.sectionsInRange(base, size);
  assert.ok(secs.length >= 3);
  for (const s of secs) mcu.setPower(s, "off");
  assert.throws(() => mcu.read8(base)); // the simulator does fault there
  mcu.resetCounters();
  exerciseAll(new MemBlocks(mcu, { base, size, blockSize: 64 }));
  const t = mcu.totals();
  assert.is(t.reads + t.writes + t.faults, 0);
});

test("freeBlock's Espruino version never reads the bitmap at a negative index (it throws there): freeBlock(0) and addresses below the region", () => {
  const mb = new MemBlocks(new ArrayMemory(0x20000000, 0x1000), { base: 0x20000400, size: 0x400, blockSize: 32 });
  const a = mb.allocBlock();
  const w = (mb as any)._w;
  // Espruino throws on a typed array read at a negative index; other engines read undefined
  (mb as any)._w = new Proxy(w, {
    get(t, k) {
      if (typeof k === "string" && /^-\d/.test(k)) throw new Error("read at index " + k);
      const v = (t as any)[k];
      return typeof v === "function" ? v.bind(t) : v;
    },
    set(t, k, v) {
      (t as any)[k] = v;
      return true;
    },
  });
  const espruinoFree = (MemBlocks.prototype as any)._freeEspruino || MemBlocks.prototype.freeBlock;
  assert.is(espruinoFree.call(mb, 0), 0, "freeBlock(0) is a no-op");
  assert.is(espruinoFree.call(mb, 0x20000000), -EFAULT, "below the region");
  assert.is(espruinoFree.call(mb, 0x20000400 - 32 * 1000), -EFAULT, "far below the region");
  assert.is(espruinoFree.call(mb, a), 0);
  (mb as any)._w = w;
  assert.is(mb.validate(), null);
});

test("allocContiguous finds a run that needs the 31 lowest blocks of a word to complete it (the run 125..158 of 159 blocks)", () => {
  const mb = new MemBlocks(new ArrayMemory(0x20000000, 159 * 16), { base: 0x20000000, size: 159 * 16, blockSize: 16 });
  assert.is(mb.allocContiguous(125), 0x20000000);
  // 3 free blocks at the top of one word, then 31 at the bottom of the last
  assert.is(mb.allocContiguous(34), 0x20000000 + 125 * 16);
  assert.is(mb.lastError, 0);
  assert.is(mb.validate(), null);
  assert.is(mb.freeContiguous(0x20000000 + 125 * 16, 34), 0);
  assert.is(mb.allocContiguous(35), 0, "one block more does not fit");
});

test.run();

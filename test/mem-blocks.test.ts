// MemBlocks and MemBlocksGroup: Zephyr's tests/lib/mem_blocks and mem_blocks_stats
// behaviours (seed-systems §1.8, §1.9), bad inputs for every public call, and the
// "bookkeeping never touches managed memory" test over switched-off RAM.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemBlocks, MemBlocksListener } from "../src/alloc/mem-blocks.js";
import { MemBlocksGroup, MemBlocksGroupChoice } from "../src/alloc/mem-blocks-group.js";
import { ArrayMemory } from "../src/hal/array-memory.js";
import { Memory } from "../src/hal/ports.js";
import { EINVAL, ENOMEM, EFAULT, ENOENT } from "../src/core/errors.js";
import { SimMcu } from "../sim/mcu.js";
import { loadBoard } from "../sim/boards.js";

const BUF1 = 0x20000000, BUF2 = 0x20001000, BS = 64, NB = 8;

type Ev = [string, MemBlocks, number, number];

/** A 64-byte × 8 allocator with a listener log, like Zephyr's mem_block_01/02 fixtures. */
function fixture(base = BUF1) {
  const mem = new ArrayMemory(0x20000000, 0x2000);
  const mb = new MemBlocks(mem, base, BS, NB);
  const log: Ev[] = [];
  mb.onAlloc((a, addr, bytes) => log.push(["alloc", a, addr, bytes]));
  mb.onFree((a, addr, bytes) => log.push(["free", a, addr, bytes]));
  return { mem, mb, log };
}

function bits(mb: MemBlocks): number {
  return mb.bitmap.word(0);
}

function throwsCode(fn: () => unknown, code: string, re?: RegExp) {
  assert.throws(fn, (e: any) => e && e.code === code && (!re || re.test(e.message)));
}

// ---------------------------------------------------------------- Zephyr lib_mem_block

for (const [name, base] of [["", BUF1], [" (second allocator, other buffer)", BUF2]] as const) {
  test("alloc 1 / free 1: address in the region, bit 0, listener" + name, () => {
    const { mb, log } = fixture(base);
    const out: number[] = [];
    assert.is(mb.alloc(1, out), 0);
    assert.is(out[0], base);
    assert.ok(out[0] >= base && out[0] < base + BS * NB);
    assert.is(mb.bitmap.test(0), 1);
    assert.equal(log, [["alloc", mb, base, 64]]);
    assert.is(mb.free(1, out), 0);
    assert.is(mb.bitmap.test(0), 0);
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
        assert.is(mb.alloc(1, out), 0);
        assert.is(mb.bitmap.test(i), 1);
        assert.is(out[0], base + i * BS);
        blocks.push(out[0]);
        assert.equal(log[log.length - 1], ["alloc", mb, out[0], BS]);
      }
      assert.is(mb.alloc(1, []), -ENOMEM);
      for (let i = 0; i < NB; i++) {
        assert.is(mb.free(1, [blocks[i]]), 0);
        assert.is(mb.bitmap.test(i), 0);
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
    ["alloc", mb, BUF1, 128], ["alloc", mb, BUF1 + 192, 64], ["alloc", mb, BUF1 + 128, 64], ["free", mb, BUF1, 256],
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
  assert.is(mb.stats().usedBlocks, 1);
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
  assert.is(bits(mb), 0x08);
  assert.is(mb.allocContiguous(3), BUF1);
  assert.is(bits(mb), 0x0f);
  assert.is(mb.allocContiguous(4), BUF1 + 4 * BS);
  assert.is(bits(mb), 0xff);
  assert.is(mb.freeContiguous(BUF1, 8), 0);
  assert.is(bits(mb), 0);
  assert.equal(log, [
    ["alloc", mb, BUF1, 512], ["free", mb, BUF1, 192], ["free", mb, BUF1 + 256, 256],
    ["alloc", mb, BUF1, 192], ["alloc", mb, BUF1 + 256, 256], ["free", mb, BUF1, 512],
  ]);
});

test("invalid params: counts 0 and over capacity, double free, one past the end", () => {
  const { mb } = fixture();
  const out: number[] = [];
  assert.is(mb.alloc(0, out), 0);
  assert.is(out.length, 0);
  assert.is(mb.alloc(NB + 1, out), -ENOMEM);
  assert.is(out.length, 0);
  assert.is(mb.alloc(1, out), 0);
  assert.is(mb.free(0, out), 0);
  assert.is(mb.free(NB + 1, out), -EINVAL);
  assert.is(mb.free(1, out), 0);
  assert.is(mb.free(1, out), -EFAULT);
  assert.is(mb.free(1, [BUF1 + NB * BS]), -EFAULT);
  assert.is(mb.stats().usedBlocks, 0);
  assert.is(mb.validate(), null);
});

test("NULL-style arguments throw EINVAL naming the argument (Zephyr asserts)", () => {
  const { mb } = fixture();
  for (const bad of [null, undefined, 3, "x"]) {
    throwsCode(() => mb.alloc(1, bad as any), "EINVAL", /out/);
    throwsCode(() => mb.free(1, bad as any), "EINVAL", /addresses/);
    throwsCode(() => mb.onAlloc(bad as any), "EINVAL", /listener/);
    throwsCode(() => mb.onFree(bad as any), "EINVAL", /listener/);
  }
  throwsCode(() => mb.alloc(3, new Float64Array(2) as any), "EINVAL", /out has room for 2/);
  throwsCode(() => mb.free(2, [BUF1]), "EINVAL", /addresses holds 1/);
  throwsCode(() => mb.stats(5 as any), "EINVAL", /out/);
  assert.is(mb.stats().usedBlocks, 0);
});

test("bad numbers are return codes and change nothing", () => {
  const { mb, log } = fixture();
  const out: number[] = [];
  assert.is(mb.alloc(2, out), 0);
  const snapshot = () => [bits(mb), JSON.stringify(mb.stats()), log.length];
  const before = snapshot();
  for (const bad of [-1, 1.5, NaN, "1", null, undefined, 2 ** 32]) {
    assert.is(mb.alloc(bad as any, []), -EINVAL);
    assert.is(mb.allocContiguous(bad as any), 0);
    assert.is(mb.get(BUF1 + 4 * BS, bad as any), -EINVAL);
    assert.is(mb.free(bad as any, out), -EINVAL);
    assert.is(mb.freeContiguous(BUF1, bad as any), -EINVAL);
    assert.is(mb.isRegionFree(BUF1 + 4 * BS, bad as any), false);
    assert.is(mb.get(bad as any, 1), typeof bad === "number" ? -ENOMEM : -EINVAL);
    assert.is(mb.freeBlock(bad as any), -EFAULT);
    assert.is(mb.freeContiguous(bad as any, 1), -EFAULT);
    assert.is(mb.isRegionFree(bad as any, 1), false);
  }
  assert.is(mb.allocContiguous(0), 0);
  assert.is(mb.allocContiguous(NB + 1), 0);
  assert.is(mb.freeContiguous(BUF1, NB + 1), -EINVAL);
  assert.is(mb.freeContiguous(BUF1 - BS, 1), -EFAULT);
  assert.is(mb.freeContiguous(BUF1 + NB * BS, 1), -EFAULT);
  assert.is(mb.freeContiguous(BUF1 + 7 * BS, 2), -EINVAL);
  assert.is(mb.freeContiguous(BUF1, 3), -EFAULT);
  assert.is(mb.freeBlock(BUF1 + 5 * BS), -EFAULT);
  assert.is(mb.freeBlock(BUF1 - 1), -EFAULT);
  assert.is(mb.freeBlock(BUF1 + NB * BS), -EFAULT);
  assert.equal(snapshot(), before);
  assert.is(mb.validate(), null);
});

test("free is all-or-nothing: a bad or repeated entry frees nothing", () => {
  const { mb, log } = fixture();
  const out: number[] = [];
  assert.is(mb.alloc(4, out), 0);
  assert.equal(out, [BUF1, BUF1 + 64, BUF1 + 128, BUF1 + 192]);
  const n = log.length;
  assert.is(mb.free(3, [out[0], out[1], BUF1 + 5 * BS]), -EFAULT);
  assert.is(mb.free(3, [out[0], out[1], out[0]]), -EFAULT);
  assert.is(mb.free(2, [out[2], 0x10000000]), -EFAULT);
  assert.is(mb.free(2, [out[3], "x" as any]), -EFAULT);
  assert.is(bits(mb), 0x0f);
  assert.is(mb.stats().usedBlocks, 4);
  assert.is(log.length, n);
  assert.is(mb.validate(), null);
  // interior addresses free their block, as in Zephyr
  assert.is(mb.free(2, [out[0] + 5, out[1] + 63]), 0);
  assert.is(bits(mb), 0x0c);
  assert.equal(log.slice(n), [["free", mb, BUF1, 64], ["free", mb, BUF1 + 64, 64]]);
});

test("alloc needs count free blocks or changes nothing (no rollback trace in max)", () => {
  const { mb, log } = fixture();
  assert.is(mb.get(BUF1 + 2 * BS, 5), 0);
  const out = [7, 7, 7, 7];
  const n = log.length;
  assert.is(mb.alloc(4, out), -ENOMEM);
  assert.equal(out, [7, 7, 7, 7]);
  assert.is(log.length, n);
  assert.is(mb.stats().maxUsedBlocks, 5);
  assert.is(mb.alloc(3, out), 0);
  assert.equal(out.slice(0, 3), [BUF1, BUF1 + 64, BUF1 + 7 * 64]);
  assert.is(mb.stats().usedBlocks, 8);
});

test("allocBlock/freeBlock: the single-block fast path", () => {
  const { mb, log } = fixture();
  const got: number[] = [];
  for (let i = 0; i < NB; i++) got.push(mb.allocBlock());
  assert.equal(got, [0, 1, 2, 3, 4, 5, 6, 7].map((i) => BUF1 + i * BS));
  assert.is(mb.allocBlock(), 0);
  assert.is(mb.freeBlock(got[3] + 1), 0);
  assert.is(mb.freeBlock(got[3]), -EFAULT);
  // a string that converts to an allocated block's address is not an address (it used to free the block)
  assert.is(mb.freeBlock(String(got[4]) as any), -EFAULT);
  assert.is(mb.freeBlock([got[4]] as any), -EFAULT);
  assert.is(mb.isRegionFree(got[4], 1), false);
  assert.is(mb.allocBlock(), got[3]);
  for (const a of got) assert.is(mb.freeBlock(a), 0);
  assert.is(log.filter((e) => e[0] === "alloc").length, 9);
  assert.is(log.filter((e) => e[0] === "free").length, 9);
  assert.equal(log[log.length - 1], ["free", mb, got[7], BS]);
  assert.is(mb.validate(), null);
});

for (const tab of [false, true]) test("allocBlock/freeBlock: bit 31 of a word, interior and fractional addresses" + (tab ? " (table version)" : ""), () => {
  const mb = new MemBlocks(new ArrayMemory(BUF1, 4), BUF1, 16, 70);
  if (tab) mb.allocBlock = mb._allocTab; // as on engines without Math.clz32
  const got: number[] = [];
  let a;
  while ((a = mb.allocBlock()) !== 0) got.push(a);
  assert.equal(got, Array.from({ length: 70 }, (_, i) => BUF1 + i * 16));
  // blocks 31 and 63 are the top bits of words 0 and 1; 69 lies in the padded last word
  assert.is(mb.freeBlock(BUF1 + 63 * 16 + 15), 0);
  assert.is(mb.freeBlock(BUF1 + 31 * 16 + 0.5), 0);
  assert.is(mb.freeBlock(BUF1 + 69 * 16 + 8), 0);
  assert.is(mb.freeBlock(BUF1 + 31 * 16), -EFAULT);
  assert.is(mb.freeBlock(BUF1 - 0.5), -EFAULT);
  assert.is(mb.freeBlock(BUF1 + 70 * 16), -EFAULT);
  assert.is(mb.stats().usedBlocks, 67);
  assert.is(mb.validate(), null);
  assert.equal([mb.allocBlock(), mb.allocBlock(), mb.allocBlock(), mb.allocBlock()], [BUF1 + 31 * 16, BUF1 + 63 * 16, BUF1 + 69 * 16, 0]);
  assert.is(mb.stats().maxUsedBlocks, 70);
  assert.is(mb.validate(), null);
});

test("statistics stay exact while alloc listeners come and go", () => {
  const mb = new MemBlocks(new ArrayMemory(BUF1, 4), BUF1, BS, NB);
  const heard: number[] = [];
  const f: MemBlocksListener = (_m, addr) => heard.push(addr);
  const st = () => [mb.stats().usedBlocks, mb.stats().maxUsedBlocks];
  mb.allocBlock(); mb.allocBlock(); mb.allocBlock();
  assert.is(mb.onAlloc(f), 0);
  assert.equal(st(), [3, 3]);
  assert.is(mb.freeBlock(BUF1), 0);
  assert.is(mb.allocBlock(), BUF1);
  assert.is(mb.allocBlock(), BUF1 + 3 * BS);
  assert.equal(st(), [4, 4]);
  assert.is(mb.resetMax(), 0);
  assert.is(mb.freeBlock(BUF1 + BS), 0);
  assert.is(mb.removeListener(f), 0);
  assert.equal(st(), [3, 4]);
  assert.is(mb.allocBlock(), BUF1 + BS);
  assert.is(mb.allocBlock(), BUF1 + 4 * BS);
  assert.equal(st(), [5, 5]);
  assert.equal(heard, [BUF1, BUF1 + 3 * BS]);
  assert.ok(mb.invariantsHold());
  assert.is(mb.validate(), null);
});

test("isRegionFree and contains", () => {
  const { mb } = fixture();
  assert.ok(mb.isRegionFree(BUF1, 8));
  assert.is(mb.get(BUF1 + 3 * BS, 1), 0);
  assert.ok(mb.isRegionFree(BUF1, 3));
  assert.not.ok(mb.isRegionFree(BUF1, 4));
  assert.ok(mb.isRegionFree(BUF1 + 4 * BS, 4));
  assert.not.ok(mb.isRegionFree(BUF1 + 4 * BS, 5));
  assert.not.ok(mb.isRegionFree(BUF1, 0));
  assert.not.ok(mb.isRegionFree(BUF1 - BS, 1));
  assert.ok(mb.contains(BUF1) && mb.contains(BUF1 + 511));
  assert.not.ok(mb.contains(BUF1 - 1) || mb.contains(BUF1 + 512) || mb.contains("x" as any));
});

test("listeners: removeListener, copy-on-write during a call", () => {
  const { mb } = fixture();
  const seen: number[] = [];
  const f: MemBlocksListener = (_a, addr) => { seen.push(addr); mb.removeListener(f); };
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
});

// ---------------------------------------------------------------- statistics (mem_blocks_stats)

test("runtime stats: 512/0/0 → 320/192/192 → 448/64/192 → 384/128/192 → reset 128 → 512/0/128", () => {
  const { mb } = fixture();
  const st = (s = mb.stats()) => [s.freeBytes, s.allocatedBytes, s.maxAllocatedBytes];
  assert.equal(st(), [512, 0, 0]);
  const out: number[] = [];
  assert.is(mb.alloc(3, out), 0);
  assert.equal(st(), [320, 192, 192]);
  assert.is(mb.free(2, out), 0);
  assert.equal(st(), [448, 64, 192]);
  const more: number[] = [];
  assert.is(mb.alloc(1, more), 0);
  assert.equal(st(), [384, 128, 192]);
  assert.is(mb.resetMax(), 0);
  assert.equal(st(), [384, 128, 128]);
  assert.is(mb.free(2, [out[2], more[0]]), 0);
  assert.equal(st(), [512, 0, 128]);
  const into = { freeBytes: 0, allocatedBytes: 0, maxAllocatedBytes: 0, usedBlocks: 0, maxUsedBlocks: 0 };
  assert.ok(mb.stats(into) === into);
  assert.is(into.maxUsedBlocks, 2);
});

// ---------------------------------------------------------------- constructor

test("constructor: a bad configuration throws EINVAL naming the argument", () => {
  const mem = new ArrayMemory(0x20000000, 256);
  const ok = new MemBlocks(mem, 0x20000000, 4, 1);
  assert.is(ok.size, 4);
  const cases: [any[], RegExp][] = [
    [[null, BUF1, 64, 8], /memory/],
    [[{}, BUF1, 64, 8], /memory/],
    [[mem, BUF1, 2, 8], /blockSize/],
    [[mem, BUF1, 48, 8], /blockSize/],
    [[mem, BUF1, 0x80000000, 1], /blockSize/],
    [[mem, BUF1, "64", 8], /blockSize/],
    [[mem, BUF1, 64, 0], /numBlocks/],
    [[mem, BUF1, 64, 1.5], /numBlocks/],
    [[mem, BUF1, 64, 0x4000001], /numBlocks/],
    [[mem, 0, 64, 8], /base/],
    [[mem, BUF1 + 32, 64, 8], /base must be aligned/],
    [[mem, -64, 64, 8], /base/],
    [[mem, 0xffffff00, 64, 8], /2\^32/],
  ];
  for (const [args, re] of cases) throwsCode(() => new (MemBlocks as any)(...args), "EINVAL", re);
  const top = new MemBlocks(mem, 0xffffff00, 64, 4);
  assert.is(top.allocContiguous(4), 0xffffff00);
  assert.is(top.freeBlock(0xffffffc0), 0);
});

// ---------------------------------------------------------------- group (multi allocator)

function groupFixture() {
  const a = fixture(BUF1), b = fixture(BUF2);
  const g = new MemBlocksGroup((grp, cfg) => (cfg === 1 ? grp.allocators[0] : cfg === 2 ? grp.allocators[1] : null));
  assert.is(g.addAllocator(a.mb), 0);
  assert.is(g.addAllocator(b.mb), 1);
  return { g, a: a.mb, b: b.mb };
}

test("group: choice by cfg, chosen block size reported, free routed by address", () => {
  const { g, a, b } = groupFixture();
  const out: number[] = [], info: MemBlocksGroupChoice = { blockSize: -1, allocator: null };
  assert.is(g.alloc(16, 1, out, info), -EINVAL);
  assert.is(info.blockSize, -1);
  assert.is(g.alloc(1, 1, out, info), 0);
  assert.ok(a.contains(out[0]));
  assert.is(info.blockSize, 64);
  assert.ok(info.allocator === a);
  const out2: number[] = [];
  assert.is(g.alloc(2, 1, out2), 0);
  assert.ok(b.contains(out2[0]));
  assert.is(g.free(1, out), 0);
  assert.is(g.free(1, out2), 0);
  assert.is(a.stats().usedBlocks + b.stats().usedBlocks, 0);
  assert.ok(g.findAllocator(BUF2 + 5) === b);
  assert.is(g.findAllocator(0x30000000), null);
  assert.is(g.validate(), null);
  assert.ok(g.invariantsHold());
});

test("group invalid params: count 0 skips the choice, over capacity, double free, foreign address", () => {
  const { g } = groupFixture();
  let calls = 0;
  const counting = new MemBlocksGroup((grp, cfg) => { calls++; return cfg === 1 ? grp.allocators[0] : null; });
  counting.addAllocator(new MemBlocks(new ArrayMemory(0x20000000, 16), 0x30000000, 64, 8));
  const info: MemBlocksGroupChoice = { blockSize: 7, allocator: null };
  assert.is(counting.alloc(99, 0, [], info), 0);
  assert.is(info.blockSize, 0);
  assert.is(calls, 0);
  assert.is(g.alloc(1, NB + 1, []), -ENOMEM);
  const out: number[] = [];
  assert.is(g.alloc(1, 1, out), 0);
  assert.is(g.free(0, out), 0);
  assert.is(g.free(NB + 1, out), -EINVAL);
  assert.is(g.free(1, out), 0);
  assert.is(g.free(1, out), -EFAULT);
  assert.is(g.free(1, [BUF1 + NB * BS]), -EINVAL);
  for (const bad of [-1, 1.5, "1", undefined]) {
    assert.is(g.alloc(1, bad as any, []), -EINVAL);
    assert.is(g.free(bad as any, out), -EINVAL);
  }
});

test("group: bad choices and bad arrays", () => {
  const { g, a } = groupFixture();
  const stranger = new MemBlocks(new ArrayMemory(0x20000000, 16), 0x40000000, 64, 8);
  const weird = new MemBlocksGroup(() => stranger);
  assert.is(weird.alloc(0, 1, []), -EINVAL);
  const undef = new MemBlocksGroup(() => undefined);
  assert.is(undef.alloc(0, 1, []), -EINVAL);
  for (const bad of [null, undefined, 5]) {
    throwsCode(() => g.alloc(1, 1, bad as any), "EINVAL", /out/);
    throwsCode(() => g.free(1, bad as any), "EINVAL", /addresses/);
  }
  // an object without a length is no array either, as in MemBlocks (it used to pass the group's check:
  // free(1, {}) was -EINVAL and alloc(cfg, 0, {}) returned 0)
  throwsCode(() => g.alloc(1, 0, {} as any), "EINVAL", /out must be an array/);
  throwsCode(() => g.free(1, {} as any), "EINVAL", /addresses must be an array/);
  throwsCode(() => g.alloc(1, 1, [], 5 as any), "EINVAL", /choice/);
  throwsCode(() => new MemBlocksGroup(null as any), "EINVAL", /choice/);
  throwsCode(() => g.addAllocator({} as any), "EINVAL", /allocator must be a MemBlocks/);
  throwsCode(() => g.addAllocator(a), "EINVAL", /already/);
  throwsCode(() => g.addAllocator(new MemBlocks(a.memory, BUF1 + 256, 64, 8)), "EINVAL", /overlaps/);
  for (let i = 2; i < 8; i++) g.addAllocator(new MemBlocks(a.memory, 0x21000000 + i * 0x1000, 64, 8));
  throwsCode(() => g.addAllocator(new MemBlocks(a.memory, 0x22000000, 64, 8)), "EINVAL", /at most 8/);
  assert.is(g.allocators.length, 8);
  assert.is(g.validate(), null);
});

// ---------------------------------------------------------------- never touches managed memory

/** A Memory that throws on every access. */
function untouchable(): Memory {
  const no = () => { throw new Error("the allocator touched managed memory"); };
  return { read8: no, read16: no, read32: no, write8: no, write16: no, write32: no, readBlock: no, writeBlock: no, fill: no, copy: no };
}

/** Every public operation, including failures, on `mb` (and a group of it). */
function exerciseAll(mb: MemBlocks) {
  const B = mb.base, S = mb.blockSize, N = mb.numBlocks;
  const log: number[] = [];
  mb.onAlloc((_a, addr) => log.push(addr));
  mb.onFree((_a, addr) => log.push(-addr));
  const out: number[] = [];
  assert.is(mb.alloc(10, out), 0);
  const one = mb.allocBlock();
  assert.ok(one !== 0);
  const run = mb.allocContiguous(20);
  assert.ok(run !== 0);
  assert.is(mb.get(B + (N - 4) * S, 4), 0);
  assert.is(mb.get(B + (N - 4) * S, 1), -ENOMEM);
  assert.ok(mb.isRegionFree(run + 20 * S, 2));
  assert.is(mb.alloc(N, []), -ENOMEM);
  assert.is(mb.free(3, out), 0);
  assert.is(mb.free(1, out), -EFAULT);
  assert.is(mb.freeBlock(one), 0);
  assert.is(mb.freeBlock(one), -EFAULT);
  assert.is(mb.freeContiguous(run, 20), 0);
  assert.is(mb.freeContiguous(B + (N - 4) * S, 4), 0);
  assert.is(mb.freeContiguous(B, 2), -EFAULT);
  assert.is(mb.free(7, out.slice(3)), 0);
  while (mb.allocBlock() !== 0) { /* fill */ }
  assert.is(mb.allocContiguous(1), 0);
  for (let i = 0; i < N; i++) assert.is(mb.freeBlock(B + i * S), 0);
  mb.stats(); mb.resetMax();
  const g = new MemBlocksGroup((grp) => grp.allocators[0]);
  g.addAllocator(mb);
  const gout: number[] = [];
  assert.is(g.alloc(null, 5, gout), 0);
  assert.is(g.free(5, gout), 0);
  assert.is(mb.validate(), null);
  assert.is(g.validate(), null);
  assert.ok(log.length > 40);
}

test("bookkeeping never touches managed memory: a Memory that throws on every access", () => {
  exerciseAll(new MemBlocks(untouchable(), 0x20000000, 32, 300));
});

test("bookkeeping never touches managed memory: SimMcu (strict) with the region's sections off", () => {
  const mcu = new SimMcu(loadBoard("BANGLEJS2"), { strict: true });
  const base = 0x20028000, size = 0x18000; // RAM8.S3..S5
  const secs = mcu.sectionsInRange(base, size);
  assert.ok(secs.length >= 3);
  for (const s of secs) mcu.setPower(s, "off");
  assert.throws(() => mcu.read8(base)); // the simulator does fault there
  mcu.resetCounters();
  exerciseAll(new MemBlocks(mcu, base, 64, size / 64));
  const t = mcu.totals();
  assert.is(t.reads + t.writes + t.faults, 0);
});

test.run();

// GranularHeap (issue 5): unit tests. The seed's behaviours (17 bytes charged
// as 32, fragmentation then merge), first fit, alignment, the hint, every bad
// input of every public call, statistics, the checkers, attached stores, and
// that the heap never touches the managed memory.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { GranularHeap, GRANULAR_STATE_WORDS, granularBitmapWords } from "../src/alloc/granular-heap.js";
import { ArrayMemory } from "../src/hal/array-memory.js";
import type { Memory } from "../src/hal/ports.js";
import { EFAULT, EINVAL } from "../src/core/errors.js";

const BASE = 0x20000000;

/** A Memory that throws on every access: the heap must never use it. */
function untouchable(): Memory {
  const no = (): never => { throw new Error("the heap touched managed memory"); };
  return { read8: no, read16: no, read32: no, write8: no, write16: no, write32: no, readBlock: no, writeBlock: no, fill: no, copy: no };
}

function heap(size: number, extra: object = {}): GranularHeap {
  return new GranularHeap(untouchable(), { base: BASE, size, ...extra });
}

const codeIs = (code: string, what: RegExp) => (e: any) => e.code === code && what.test(e.message);

test("construction: geometry and defaults", () => {
  const h = heap(1000);
  assert.is(h.granule, 16);
  assert.is(h.granules, 62);          // 1000 / 16, the 8-byte tail unused
  assert.is(h.size, 992);
  assert.is(h.base, BASE);
  assert.is(h.freeBytes(), 992);
  assert.is(h.usedBytes(), 0);
  assert.is(h.validate(), null);
  assert.ok(h.invariantsHold());
  assert.is(granularBitmapWords(1000), 2);
  assert.is(granularBitmapWords(4096, 64), 2);
  const g4 = heap(64, { granule: 4 });
  assert.is(g4.granules, 16);
});

test("construction: bad configuration throws EINVAL naming the argument", () => {
  const m = untouchable();
  const bad: [any, any, RegExp][] = [
    [null, { base: BASE, size: 64 }, /memory/],
    [{}, { base: BASE, size: 64 }, /memory/],
    [m, undefined, /options/],
    [m, { base: 0, size: 64 }, /base/],
    [m, { base: BASE + 8, size: 64 }, /base must be a multiple of the granule/],
    [m, { base: "0x20000000", size: 64 }, /base/],
    [m, { base: BASE, size: 15 }, /size/],
    [m, { base: BASE, size: 0 }, /size/],
    [m, { base: BASE, size: 64.5 }, /size/],
    [m, { base: BASE }, /size/],
    [m, { base: 0xfffffff0, size: 32 }, /base \+ size/],
    // more than 2^26 granules: the bitmap word count used to go negative (a RangeError without .code)
    [m, { base: 0x10, size: 0x90000000, granule: 1 }, /at most 2\^26 granules, got 2415919104/],
    [m, { base: 0x10, size: 0x4000001, granule: 1 }, /at most 2\^26 granules/],
    [m, { base: BASE, size: 64, granule: 24 }, /granule/],
    [m, { base: BASE, size: 64, granule: 0 }, /granule/],
    [m, { base: BASE, size: 64, enter: () => {} }, /enter and exit/],
    [m, { base: BASE, size: 64, enter: 1, exit: 2 }, /enter and exit must be functions/],
    [m, { base: BASE, size: 4096, used: new Int32Array(2) }, /used must be a word store of at least 8/],
    [m, { base: BASE, size: 4096, ends: [] }, /ends/],
    [m, { base: BASE, size: 4096, state: new Int32Array(3) }, /state/],
    [m, { base: BASE, size: 4096, used: new Uint32Array(8) }, /signed 32-bit/],
    [m, { base: BASE, size: 4096, attach: true }, /state must hold a heap of 256 granules/],
  ];
  for (const [mem, opts, re] of bad) assert.throws(() => new GranularHeap(mem, opts), codeIs("EINVAL", re), String(re));
});

test("seed: 17 bytes are charged as 32 (two 16-byte granules)", () => {
  const h = heap(256);
  const a = h.allocate(17);
  assert.is(a, BASE);
  assert.is(h.usedBytes(), 32);
  assert.is(h.allocationSize(a), 32);
  assert.is(h.allocate(1), BASE + 32);
  assert.is(h.usedBytes(), 48);
  assert.is(h.liveCount(), 2);
  assert.is(h.validate(), null);
});

test("first fit: ascending addresses, a freed hole is reused first", () => {
  const h = heap(256);
  const a = [h.allocate(16), h.allocate(32), h.allocate(16)];
  assert.equal(a, [BASE, BASE + 16, BASE + 48]);
  assert.is(h.free(a[1]), 0);
  assert.is(h.allocate(48), BASE + 64);   // the 32-byte hole is too small
  assert.is(h.allocate(20), BASE + 16);   // it fits here
  assert.is(h.allocate(16), BASE + 112);
  assert.is(h.validate(), null);
});

test("seed (kitzoo 12): fragmentation, a wrong size is refused, then neighbours merge", () => {
  const h = heap(128);
  const a = [0, 1, 2, 3].map(() => h.allocate(32));
  assert.equal(a, [BASE, BASE + 32, BASE + 64, BASE + 96]);
  assert.is(h.free(a[0], 32), 0);
  assert.is(h.free(a[2], 32), 0);
  assert.is(h.allocate(64), 0);                      // 64 bytes free, but no run of 64
  const s = h.stats();
  assert.is(s.freeBytes, 64);
  assert.is(s.largestFreeBytes, 32);
  assert.is(s.fragmentation, 0.5);
  assert.is(s.failed, 1);
  assert.is(h.free(a[1], 16), -EINVAL);              // one granule: not this allocation's size
  assert.is(h.free(a[1], 48), -EINVAL);
  assert.is(h.usedBytes(), 64);
  assert.is(h.stats().rejected, 2);
  assert.is(h.free(a[1], 31), 0);                    // rounds to 32: the seed's callers pass the requested size
  assert.is(h.allocate(96), BASE);                   // the three granule runs merged
  assert.is(h.stats().fragmentation, 0);
  assert.is(h.validate(), null);
});

test("free without a size, and every bad free is refused with nothing freed", () => {
  const h = heap(512);
  const a = h.allocate(40), b = h.allocate(100);
  const before = h.usedBytes();
  assert.is(h.free(a + 16), -EFAULT, "inside an allocation");
  assert.is(h.free(a + 1), -EFAULT, "not on a granule");
  assert.is(h.free(BASE - 16), -EFAULT, "below the region");
  assert.is(h.free(BASE + 512), -EFAULT, "one past the end");
  assert.is(h.free(BASE + 256), -EFAULT, "free granule");
  assert.is(h.free(0x10000000000), -EFAULT, "beyond 32 bits");
  assert.is(h.free(a + 0.5), -EFAULT, "not an integer");
  assert.is(h.free("0x20000000" as any), -EINVAL, "a string");
  assert.is(h.free(undefined as any), -EINVAL);
  assert.is(h.free(a, 0), -EINVAL, "size 0");
  assert.is(h.free(a, -48), -EINVAL);
  assert.is(h.free(a, 1.5), -EINVAL);
  assert.is(h.free(a, "48" as any), -EINVAL);
  assert.is(h.usedBytes(), before);
  assert.is(h.stats().rejected, 13);
  assert.is(h.free(0), 0, "free(NULL) is a no-op");
  assert.is(h.free(a), 0);
  assert.is(h.free(a), -EFAULT, "double free");
  assert.is(h.free(b, 100), 0);
  assert.is(h.free(b, 100), -EFAULT);
  assert.is(h.usedBytes(), 0);
  assert.is(h.validate(), null);
});

test("free: a live neighbour's start is still refused after its predecessor is freed", () => {
  const h = heap(256);
  const a = h.allocate(16), b = h.allocate(64), c = h.allocate(16);
  assert.is(h.free(a), 0);
  assert.is(h.free(b + 16), -EFAULT);
  assert.is(h.allocationSize(b), 64);
  assert.is(h.allocationSize(c), 16);
  assert.is(h.allocationSize(b + 16), -EFAULT);
  assert.is(h.allocationSize("x" as any), -EINVAL);
  assert.is(h.free(b, 64), 0);
  assert.is(h.free(c, 16), 0);
  assert.is(h.validate(), null);
});

test("allocate: bad arguments return 0, are counted and change nothing", () => {
  const h = heap(256);
  const bad: [any, any?, any?][] = [
    [0], [-16], [1.5], [NaN], ["16"], [undefined], [null], [0x100000000],
    [16, 3], [16, 0], [16, -16], [16, 24], [16, 1.5], [16, "16"],
    [16, undefined, -1], [16, undefined, 1.5], [16, undefined, "0x20000000"], [16, undefined, 0x100000000],
  ];
  for (const [s, al, hi] of bad) assert.is(h.allocate(s, al, hi), 0, JSON.stringify([s, al, hi]));
  const st = h.stats();
  assert.is(st.rejected, bad.length);
  assert.is(st.failed, 0);
  assert.is(st.usedBytes, 0);
  assert.is(h.allocate(257), 0);           // too big: no memory, not a bad argument
  assert.is(h.allocate(0xffffffff), 0);
  assert.is(h.stats().failed, 2);
  assert.is(h.allocate(256), BASE);         // everything
  assert.is(h.allocate(1), 0);
  assert.is(h.validate(), null);
});

test("alignment: a power of two, relative to the address, not the region", () => {
  const h = new GranularHeap(untouchable(), { base: BASE + 16, size: 1024 });
  assert.is(h.allocate(16, 4), BASE + 16);     // smaller than a granule: a granule
  const a = h.allocate(16, 64);
  assert.is(a, BASE + 64);
  assert.is(a % 64, 0);
  const b = h.allocate(100, 256);
  assert.is(b, BASE + 256);
  assert.is(h.allocate(16, 16), BASE + 32);     // first fit fills the gap below
  assert.is(h.allocate(64, 512), BASE + 512);
  assert.is(h.allocate(16, 2048), 0);           // no 2048-aligned granule in the region
  assert.is(h.validate(), null);
  for (const x of [a, b]) assert.is(h.free(x), 0);
});

test("hint: tried first (rounded up to the alignment), else first fit from the start", () => {
  const h = heap(1024);
  assert.is(h.allocate(32, undefined, BASE + 512), BASE + 512);
  assert.is(h.allocate(32, undefined, BASE + 552), BASE + 560);   // rounded up to the next granule
  assert.is(h.allocate(32, undefined, BASE + 512), BASE);         // taken: first fit
  assert.is(h.allocate(16, 64, BASE + 600), BASE + 640);          // rounded up to 64
  assert.is(h.allocate(16, undefined, BASE + 1016), BASE + 32);   // run would pass the end: first fit
  assert.is(h.allocate(16, undefined, 0x10000000), BASE + 48);    // outside: ignored
  assert.is(h.allocate(16, undefined, null as any), BASE + 64);
  assert.is(h.allocate(16, undefined, 0), BASE + 80);
  assert.is(h.allocate(48, undefined, BASE + 530), BASE + 96);    // [544, 592) overlaps [560, 592): first fit
  assert.is(h.validate(), null);
});

test("allocations that span many words, up to the whole region", () => {
  const h = heap(4096 + 48);               // 259 granules: 9 words, 3 tail granules
  const a = h.allocate(16 * 40), b = h.allocate(16 * 70), c = h.allocate(16 * 60);
  assert.equal([a, b, c], [BASE, BASE + 640, BASE + 1760]);
  assert.is(h.validate(), null);
  assert.is(h.free(b), 0);
  assert.is(h.allocate(16 * 90), 0);                 // 70 + 89 granules free, in two runs
  assert.is(h.allocate(16 * 71), BASE + 2720);
  assert.is(h.allocate(16 * 70), BASE + 640);
  assert.is(h.validate(), null);
  for (const x of [a, c, BASE + 2720, BASE + 640]) assert.is(h.free(x), 0);
  assert.is(h.allocate(4096 + 48), BASE);
  assert.is(h.usedBytes(), 4096 + 48);
  assert.is(h.free(BASE, 4096 + 48), 0);
  assert.is(h.validate(), null);
});

test("granule by granule: exactly granules allocations fit, across the tail word", () => {
  for (const size of [16 * 32, 16 * 45, 16 * 64, 16 * 1]) {
    const h = heap(size);
    const got: number[] = [];
    for (let a; (a = h.allocate(1)) !== 0;) got.push(a);
    assert.is(got.length, size / 16);
    assert.is(h.freeBytes(), 0);
    assert.is(h.validate(), null);
    for (let i = 0; i < got.length; i += 2) assert.is(h.free(got[i]), 0);
    for (let i = 1; i < got.length; i += 2) assert.is(h.free(got[i], 16), 0);
    assert.is(h.validate(), null);
    assert.is(h.largestFreeBytes(), size);
  }
});

test("other granule sizes", () => {
  const h4 = heap(64, { granule: 4 });
  assert.is(h4.allocate(5), BASE);
  assert.is(h4.allocate(4), BASE + 8);
  assert.is(h4.usedBytes(), 12);
  const h256 = heap(4096, { granule: 256 });
  assert.is(h256.allocate(1), BASE);
  assert.is(h256.allocate(257), BASE + 256);
  assert.is(h256.free(BASE + 256, 512), 0);
  assert.is(h256.free(BASE + 256), -EFAULT);
  assert.is(h256.validate(), null);
});

test("statistics: peak, resetPeak, largest free run, failed", () => {
  const h = heap(256);
  const a = h.allocate(64), b = h.allocate(64);
  assert.is(h.free(a), 0);
  let s = h.stats();
  assert.equal(s, { usedBytes: 64, freeBytes: 192, peakBytes: 128, largestFreeBytes: 128, fragmentation: 1 - 128 / 192, live: 1, failed: 0, rejected: 0 });
  h.resetPeak();
  assert.is(h.stats().peakBytes, 64);
  assert.is(h.free(b), 0);
  assert.is(h.allocate(300), 0);
  s = h.stats();
  assert.is(s.failed, 1);
  assert.is(s.fragmentation, 0);
  assert.is(s.peakBytes, 64);
  const full = h.allocate(256);
  assert.is(full, BASE);
  assert.is(h.stats().fragmentation, 0);     // nothing free
  assert.is(h.largestFreeBytes(), 0);
});

test("validate and invariantsHold notice corrupted stores", () => {
  const used = new Int32Array(8), ends = new Int32Array(8), state = new Int32Array(GRANULAR_STATE_WORDS);
  const h = heap(4096, { used, ends, state });
  h.allocate(64);
  h.allocate(16);
  assert.is(h.validate(), null);
  ends[3] = 1;                                   // an end on a free granule
  assert.match(h.validate() as string, /end bit on a free granule at 96/);
  ends[3] = 0;
  used[0] |= 1 << 10;                            // a used granule with no end after it
  assert.match(h.validate() as string, /used run without an end bit at granule 10/);
  used[0] &= ~(1 << 10);
  state[2]++; state[3]++;                        // used (and peak) counter
  assert.ok(h.invariantsHold());
  assert.match(h.validate() as string, /used counter/);
  state[2]--; state[3]--;
  state[4] = 9;                                  // more live allocations than used granules
  assert.not.ok(h.invariantsHold());
  assert.match(h.validate() as string, /counters out of range/);
  state[4] = 2;
  state[7] = 3;                                  // hint above a word with free granules
  assert.match(h.validate() as string, /hint word/);
  state[7] = 0;
  state[8] = 5;                                  // the run bound for 1 granule past the free granules of word 0
  assert.match(h.validate() as string, /run bound|below its run bound/);
  state[8] = 0;
  assert.is(h.validate(), null);
});

test("attach: a second heap over the same stores shares every allocation", () => {
  const used = new Int32Array(granularBitmapWords(1024)), ends = new Int32Array(used.length), state = new Int32Array(GRANULAR_STATE_WORDS);
  const h1 = heap(1024, { used, ends, state });
  const a = h1.allocate(100);
  const h2 = heap(1024, { used, ends, state, attach: true });
  assert.is(h2.usedBytes(), 112);
  assert.is(h2.allocate(16), BASE + 112);
  assert.is(h2.free(a, 100), 0);
  assert.is(h1.usedBytes(), 16);
  assert.is(h1.free(BASE + 112), 0);
  assert.is(h1.validate(), null);
  assert.is(h2.validate(), null);
  assert.throws(() => heap(2048, { used: new Int32Array(16), ends: new Int32Array(16), state, attach: true }), codeIs("EINVAL", /state must hold a heap of 128 granules/));
  assert.throws(() => heap(1024, { used, ends, state, granule: 32, attach: true }), codeIs("EINVAL", /state/));
});

test("critical-section hooks are called around every call that reads or changes the heap", () => {
  const log: string[] = [];
  let depth = 0;
  const h = heap(256, { enter: () => { depth++; log.push("in"); }, exit: () => { depth--; log.push("out"); } });
  const a = h.allocate(16);
  h.allocate(0);
  h.free(a);
  h.free(a);
  h.allocationSize(a);
  h.stats();
  h.resetPeak();
  h.validate();
  assert.is(depth, 0);
  assert.ok(log.length >= 16 && log.length % 2 === 0);
  const n = log.length;
  h.free(0);                                     // no-op: no lock
  h.usedBytes();
  assert.is(log.length, n);
  // stats() is one snapshot: one critical section (it used to take two, so
  // another thread could change the heap between largestFree and used)
  h.stats();
  assert.equal(log.slice(n), ["in", "out"]);
});

test("the heap never touches managed memory, and works over a real one", () => {
  const mem = new ArrayMemory(BASE, 256);
  const h = new GranularHeap(mem, { base: BASE, size: 256 });
  const a = h.allocate(32);
  mem.fill(a, 32, 0xaa);
  const b = h.allocate(32);
  assert.is(mem.read8(b), 0);
  assert.is(h.free(a), 0);
  assert.is(mem.read32(a), 0xaaaaaaaa);          // contents are left as they were
  assert.is(h.contains(a), true);
  assert.is(h.contains(BASE + 256), false);
  assert.is(h.contains(BASE - 1), false);
  // a numeric string is no address (it used to count as inside), as in MemBlocks.contains
  assert.is(h.contains(String(a) as any), false);
  assert.is(h.contains(NaN), false);
});

test.run();

// GranularHeap: unit tests. The allocator contract (src/alloc/api.ts) and the
// seed's behaviours (17 bytes charged as 32, fragmentation then merge), first
// fit, alignment, the hint (first fit at or above it), every bad input of
// every public call, statistics, lastError, watchers, region claims and
// close, the debug add-on's checkers, attached stores, and that the heap
// never touches the managed memory.
import "../src/debug/host.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { GranularHeap, GRANULAR_STATE_WORDS, granularBitmapWords } from "../src/alloc/granular-heap.js";
import type { Watcher } from "../src/alloc/api.js";
import { ArrayMemory } from "../src/hal/array-memory.js";
import type { Memory } from "../src/hal/ports.js";
import { EBUSY, EFAULT, EINVAL, ENOENT, ENOMEM } from "../src/core/errors.js";

const BASE = 0x20000000;

/** A Memory that throws on every access: the heap must never use it. */
function untouchable(): Memory {
  const no = (): never => {
    throw new Error("the heap touched managed memory");
  };
  return { read8: no, read16: no, read32: no, write8: no, write16: no, write32: no, readBlock: no, writeBlock: no, fill: no, copy: no };
}

function heap(size: number, extra: object = {}): GranularHeap {
  return new GranularHeap(untouchable(), { base: BASE, size, ...extra });
}

const codeIs = (code: string, what: RegExp) => (e: any) => e.code === code && what.test(e.message);
const used = (h: GranularHeap) => h.stats().used;

test("construction: geometry and defaults", () => {
  const h = heap(1000);
  assert.is(h.granule, 16);
  assert.is(h.blockSize, 16);
  assert.is(h.granules, 62); // 1000 / 16, the 8-byte tail unused
  assert.is(h.size, 992);
  assert.is(h.base, BASE);
  assert.is(h.lastError, 0);
  assert.equal(h.stats(), { used: 0, free: 992, peak: 0, count: 0, failures: 0 });
  assert.is(h.validate(), null);
  assert.ok(h.invariantsHold());
  assert.is(granularBitmapWords(1000), 2);
  assert.is(granularBitmapWords(4096, 64), 2);
  const g4 = heap(64, { granule: 4 });
  assert.is(g4.granules, 16);
  assert.is(g4.blockSize, 4);
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
    [
      m,
      { base: BASE, size: 4096, used: new Int32Array(2) },
      /used must be an Int32Array or a plain array of at least 8 words, got an object of length 2/,
    ],
    [m, { base: BASE, size: 4096, ends: [] }, /ends .* got an array of 0/],
    [m, { base: BASE, size: 4096, state: new Int32Array(3) }, /state/],
    [m, { base: BASE, size: 4096, used: new Uint32Array(8) }, /used must be an Int32Array/],
    [m, { base: BASE, size: 4096, state: null }, /state .* got null/],
    [m, { base: BASE, size: 4096, attach: true }, /state must hold a heap of 256 granules/],
  ];
  for (const [mem, opts, re] of bad) assert.throws(() => new GranularHeap(mem, opts), codeIs("EINVAL", re), String(re));
});

test("regression: a store that is a string is EINVAL naming the option (it threw an uncoded TypeError: a.fill is not a function)", () => {
  for (const what of ["used", "ends", "state"]) {
    assert.throws(
      () => heap(400, { [what]: "12" }),
      codeIs("EINVAL", new RegExp("^EINVAL: " + what + ' must be an Int32Array or a plain array of at least \\d+ words, got "12"')),
      what,
    );
    assert.throws(
      () => heap(400, { [what]: "123456789012345678901234567890123456789012" }),
      codeIs("EINVAL", new RegExp(what)),
      what + ", long enough",
    );
    assert.throws(() => heap(400, { [what]: 12 }), codeIs("EINVAL", new RegExp(what + " .* got 12")), what + ", a number");
    assert.throws(
      () => heap(400, { [what]: { length: 64 } }),
      codeIs("EINVAL", new RegExp(what + " .* got an object of length 64")),
      what + ", array-like",
    );
  }
});

test("regression: stores that cannot hold 32-bit words are refused (ends: Uint8Array was accepted and lost end bits)", () => {
  for (const what of ["used", "ends", "state"]) {
    for (const S of [Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Float32Array, Float64Array]) {
      assert.throws(
        () => heap(4096, { [what]: new S(64) }),
        codeIs("EINVAL", new RegExp(what + " must be an Int32Array or a plain array")),
        what + " " + S.name,
      );
    }
  }
  // the accepted kinds keep every end bit, the high ones included
  for (const mk of [
    (n: number) => new Int32Array(n),
    (n: number) => new Array(n).fill(0),
    (n: number) => new Int32Array(new SharedArrayBuffer(4 * n)),
  ]) {
    const h = heap(4096, { used: mk(8), ends: mk(8), state: mk(GRANULAR_STATE_WORDS) });
    const a = [];
    for (let k = 0; k < 32; k++) a.push(h.allocate(16));
    assert.is(h.validate(), null);
    for (const x of a) assert.is(h.free(x), 0);
    assert.is(h.validate(), null);
  }
});

test("seed: 17 bytes are charged as 32 (two 16-byte granules)", () => {
  const h = heap(256);
  const a = h.allocate(17);
  assert.is(a, BASE);
  assert.is(used(h), 32);
  assert.is(h.allocationSize(a), 32);
  assert.is(h.allocate(1), BASE + 32);
  assert.is(used(h), 48);
  assert.is(h.stats().count, 2);
  assert.is(h.validate(), null);
});

test("first fit: ascending addresses, a freed hole is reused first", () => {
  const h = heap(256);
  const a = [h.allocate(16), h.allocate(32), h.allocate(16)];
  assert.equal(a, [BASE, BASE + 16, BASE + 48]);
  assert.is(h.free(a[1]), 0);
  assert.is(h.allocate(48), BASE + 64); // the 32-byte hole is too small
  assert.is(h.allocate(20), BASE + 16); // it fits here
  assert.is(h.allocate(16), BASE + 112);
  assert.is(h.validate(), null);
});

test("fragmentation, a wrong size is refused, then neighbours merge", () => {
  const h = heap(128);
  const a = [0, 1, 2, 3].map(() => h.allocate(32));
  assert.equal(a, [BASE, BASE + 32, BASE + 64, BASE + 96]);
  assert.is(h.free(a[0], 32), 0);
  assert.is(h.free(a[2], 32), 0);
  assert.is(h.allocate(64), 0); // 64 bytes free, but no run of 64
  assert.is(h.lastError, -ENOMEM);
  const s = h.fullStats();
  assert.is(s.free, 64);
  assert.is(s.largestFree, 32);
  assert.is(s.fragmentation, 0.5);
  assert.is(s.failed, 1);
  assert.is(h.free(a[1], 16), -EINVAL); // one granule: not this allocation's size
  assert.is(h.free(a[1], 48), -EINVAL);
  assert.is(used(h), 64);
  assert.is(h.fullStats().rejected, 2);
  assert.is(h.stats().failures, 3);
  assert.is(h.free(a[1], 31), 0); // rounds to 32: callers pass the size they requested
  assert.is(h.allocate(96), BASE); // the three granule runs merged
  assert.is(h.fullStats().fragmentation, 0);
  assert.is(h.validate(), null);
});

test("free without a size, and every bad free is refused with nothing freed, lastError set", () => {
  const h = heap(512);
  const a = h.allocate(40),
    b = h.allocate(100);
  const before = used(h);
  const bad: [number | undefined, any, number, string][] = [
    [a + 16, undefined, -EFAULT, "inside an allocation"],
    [a + 1, undefined, -EFAULT, "not on a granule"],
    [BASE - 16, undefined, -EFAULT, "below the region"],
    [BASE + 512, undefined, -EFAULT, "one past the end"],
    [BASE + 256, undefined, -EFAULT, "free granule"],
    [0x10000000000, undefined, -EFAULT, "beyond 32 bits"],
    [a + 0.5, undefined, -EFAULT, "not an integer"],
    [-BASE, undefined, -EFAULT, "negative"],
    [NaN, undefined, -EFAULT, "NaN"],
    ["0x20000000" as any, undefined, -EINVAL, "a string"],
    [undefined, undefined, -EINVAL, "undefined"],
    [null as any, undefined, -EINVAL, "null"],
    [a, 0, -EINVAL, "size 0"],
    [a, -48, -EINVAL, "size negative"],
    [a, 1.5, -EINVAL, "size fractional"],
    [a, "48", -EINVAL, "size a string"],
  ];
  for (const [addr, size, code, what] of bad) {
    h.lastError = 0;
    assert.is(h.free(addr as number, size), code, what);
    assert.is(h.lastError, code, what);
  }
  assert.is(used(h), before);
  assert.is(h.stats().count, 2);
  assert.is(h.stats().failures, bad.length);
  assert.is(h.fullStats().rejected, bad.length);
  assert.is(h.validate(), null);
  h.lastError = 0;
  assert.is(h.free(0), 0, "free(NULL) is a no-op");
  assert.is(h.free(a), 0);
  assert.is(h.lastError, 0, "success leaves lastError");
  assert.is(h.free(a), -EFAULT, "double free");
  assert.is(h.free(b, 100), 0);
  assert.is(h.free(b, 100), -EFAULT);
  assert.is(used(h), 0);
  assert.is(h.validate(), null);
});

test("free: a live neighbour's start is still refused after its predecessor is freed", () => {
  const h = heap(256);
  const a = h.allocate(16),
    b = h.allocate(64),
    c = h.allocate(16);
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

test("allocate: bad arguments return 0 with -EINVAL, are counted and change nothing", () => {
  const h = heap(256);
  const bad: [any, any?, any?][] = [
    [0],
    [-16],
    [1.5],
    [NaN],
    ["16"],
    [undefined],
    [null],
    [0x100000000],
    [16, 3],
    [16, 0],
    [16, -16],
    [16, 24],
    [16, 1.5],
    [16, "16"],
    [16, null],
    [16, 0x100000000],
    [16, undefined, -1],
    [16, undefined, 1.5],
    [16, undefined, "0x20000000"],
    [16, undefined, 0x100000000],
    [16, undefined, NaN],
  ];
  for (const [s, al, hi] of bad) {
    h.lastError = 0;
    assert.is(h.allocate(s, al, hi), 0, JSON.stringify([s, al, hi]));
    assert.is(h.lastError, -EINVAL, JSON.stringify([s, al, hi]));
  }
  const st = h.fullStats();
  assert.is(st.rejected, bad.length);
  assert.is(st.failed, 0);
  assert.is(st.failures, bad.length);
  assert.is(st.used, 0);
  assert.is(h.allocate(257), 0); // too big: no memory, not a bad argument
  assert.is(h.lastError, -ENOMEM);
  assert.is(h.allocate(0xffffffff), 0);
  assert.is(h.lastError, -ENOMEM);
  assert.is(h.fullStats().failed, 2);
  assert.is(h.allocate(256), BASE); // everything
  assert.is(h.lastError, -ENOMEM, "success leaves lastError");
  assert.is(h.allocate(1), 0);
  assert.is(h.validate(), null);
});

test("alignment: a power of two, relative to the address, not the region", () => {
  const h = new GranularHeap(untouchable(), { base: BASE + 16, size: 1024 });
  assert.is(h.allocate(16, 4), BASE + 16); // smaller than a granule: a granule
  const a = h.allocate(16, 64);
  assert.is(a, BASE + 64);
  assert.is(a % 64, 0);
  const b = h.allocate(100, 256);
  assert.is(b, BASE + 256);
  assert.is(h.allocate(16, 16), BASE + 32); // first fit fills the gap below
  assert.is(h.allocate(64, 512), BASE + 512);
  assert.is(h.allocate(32, 1024), 0); // its one 1024-aligned granule is the last: no room for 32 there
  assert.is(h.lastError, -ENOMEM);
  assert.is(h.allocate(16, 2048), 0); // no 2048-aligned granule in the region: never satisfiable
  assert.is(h.lastError, -EINVAL);
  assert.is(h.allocate(16, 0x80000000), 0); // the largest alignment: none in the region either
  assert.is(h.lastError, -EINVAL);
  assert.equal([h.fullStats().failed, h.fullStats().rejected], [1, 2]);
  assert.is(h.allocate(16, 1024), BASE + 1024);
  assert.is(h.validate(), null);
  for (const x of [a, b]) assert.is(h.free(x), 0);
});

test("hint: first fit at or above it (rounded up to the granule and the alignment), else first fit from the bottom", () => {
  const h = heap(1024);
  assert.is(h.allocate(32, undefined, BASE + 512), BASE + 512);
  assert.is(h.allocate(32, undefined, BASE + 552), BASE + 560); // rounded up to the next granule
  assert.is(h.allocate(32, undefined, BASE + 512), BASE + 592); // taken (and one granule at 544): the next run above it
  assert.is(h.allocate(16, 64, BASE + 600), BASE + 640); // rounded up to 64
  assert.is(h.allocate(16, undefined, BASE + 1016), BASE); // nothing at or above: first fit from the bottom
  assert.is(h.allocate(16, undefined, 0x10000000), BASE + 16); // below the region: first fit
  assert.is(h.allocate(16, undefined, 0x30000000), BASE + 32); // above the region: first fit
  assert.is(h.allocate(16, undefined, null as any), BASE + 48);
  assert.is(h.allocate(16, undefined, 0), BASE + 64);
  assert.is(h.allocate(48, undefined, BASE + 530), BASE + 656); // one-granule holes at 544 and 624: the first run of 48 above is at 656
  assert.is(h.allocate(464, undefined, BASE + 600), 0); // 29 granules: no run at or above (20), none below (27)
  assert.is(h.lastError, -ENOMEM);
  assert.is(h.allocate(368, undefined, BASE + 600), BASE + 80); // 23 granules: none at or above, the run below it
  assert.is(h.validate(), null);
});

test("hint: the bank manager's use, packing into the upper half while the lower one is crowded", () => {
  const h = heap(4096); // 256 granules, 8 words
  const low: number[] = [];
  for (let k = 0; k < 64; k++) low.push(h.allocate(16));
  for (let k = 0; k < 64; k += 2) h.free(low[k]); // holes of one granule below BASE + 1024
  const hi = BASE + 2048;
  const got: number[] = [];
  for (let k = 0; k < 10; k++) got.push(h.allocate(16 * (1 + (k % 3)), undefined, hi));
  let at = hi;
  for (let k = 0; k < 10; k++) {
    assert.is(got[k], at, "packed from the hint up");
    at += 16 * (1 + (k % 3));
  }
  assert.is(h.allocate(16), BASE, "no hint: the lowest hole");
  assert.is(h.validate(), null);
  for (const x of got) assert.is(h.free(x), 0);
  assert.is(h.allocate(16, undefined, BASE + 4000), BASE + 4000);
  assert.is(h.validate(), null);
});

test("hint: the run bounds stay exact when a hinted search succeeds or fails high", () => {
  const h = heap(16 * 200);
  const a = h.allocate(16 * 10);
  h.allocate(16 * 2);
  h.free(a); // a 10-granule hole at 0
  assert.is(h.allocate(16 * 5, undefined, BASE + 16 * 100), BASE + 16 * 100);
  assert.is(h.validate(), null);
  assert.is(h.allocate(16 * 5), BASE, "the hole below is still found");
  assert.is(h.allocate(16 * 96, undefined, BASE + 16 * 150), 0); // nothing that long anywhere (the longest run is 95)
  assert.is(h.validate(), null);
  assert.is(h.allocate(16 * 4, undefined, BASE + 16 * 199), BASE + 16 * 5, "nothing at or above the last granule: the bottom");
  assert.is(h.validate(), null);
});

test("allocations that span many words, up to the whole region", () => {
  const h = heap(4096 + 48); // 259 granules: 9 words, 3 tail granules
  const a = h.allocate(16 * 40),
    b = h.allocate(16 * 70),
    c = h.allocate(16 * 60);
  assert.equal([a, b, c], [BASE, BASE + 640, BASE + 1760]);
  assert.is(h.validate(), null);
  assert.is(h.free(b), 0);
  assert.is(h.allocate(16 * 90), 0); // 70 + 89 granules free, in two runs
  assert.is(h.allocate(16 * 71), BASE + 2720);
  assert.is(h.allocate(16 * 70), BASE + 640);
  assert.is(h.validate(), null);
  for (const x of [a, c, BASE + 2720, BASE + 640]) assert.is(h.free(x), 0);
  assert.is(h.allocate(4096 + 48), BASE);
  assert.is(used(h), 4096 + 48);
  assert.is(h.free(BASE, 4096 + 48), 0);
  assert.is(h.validate(), null);
});

test("granule by granule: exactly granules allocations fit, across the tail word", () => {
  for (const size of [16 * 32, 16 * 45, 16 * 64, 16 * 1]) {
    const h = heap(size);
    const got: number[] = [];
    for (let a; (a = h.allocate(1)) !== 0; ) got.push(a);
    assert.is(got.length, size / 16);
    assert.is(h.stats().free, 0);
    assert.is(h.validate(), null);
    for (let i = 0; i < got.length; i += 2) assert.is(h.free(got[i]), 0);
    for (let i = 1; i < got.length; i += 2) assert.is(h.free(got[i], 16), 0);
    assert.is(h.validate(), null);
    assert.is(h.largestFree(), size);
  }
});

test("other granule sizes", () => {
  const h4 = heap(64, { granule: 4 });
  assert.is(h4.allocate(5), BASE);
  assert.is(h4.allocate(4), BASE + 8);
  assert.is(used(h4), 12);
  const h256 = heap(4096, { granule: 256 });
  assert.is(h256.allocate(1), BASE);
  assert.is(h256.allocate(257), BASE + 256);
  assert.is(h256.free(BASE + 256, 512), 0);
  assert.is(h256.free(BASE + 256), -EFAULT);
  assert.is(h256.validate(), null);
});

test("statistics: the contract's shape, out, peak, resetPeak (peak and failures), and the add-on's full figures", () => {
  const h = heap(256);
  const a = h.allocate(64),
    b = h.allocate(64);
  assert.is(h.free(a), 0);
  assert.equal(h.stats(), { used: 64, free: 192, peak: 128, count: 1, failures: 0 });
  assert.equal(h.fullStats(), {
    used: 64,
    free: 192,
    peak: 128,
    count: 1,
    failures: 0,
    largestFree: 128,
    fragmentation: 1 - 128 / 192,
    failed: 0,
    rejected: 0,
  });
  const out = { used: -1, free: -1, peak: -1, count: -1, failures: -1, extra: 7 };
  assert.is(h.stats(out), out, "written into out");
  assert.equal(out, { used: 64, free: 192, peak: 128, count: 1, failures: 0, extra: 7 });
  for (const bad of [5, "x", null, true])
    assert.equal(h.stats(bad as any), { used: 64, free: 192, peak: 128, count: 1, failures: 0 }, "out " + String(bad) + ": a fresh object");
  for (const bad of [5, "x", null]) assert.is(h.fullStats(bad as any).largestFree, 128);
  h.allocate(0);
  h.free(a);
  assert.is(h.stats().failures, 2);
  h.resetPeak();
  assert.equal(h.stats(), { used: 64, free: 192, peak: 64, count: 1, failures: 0 });
  assert.is(h.free(b), 0);
  assert.is(h.allocate(300), 0);
  const s = h.fullStats();
  assert.is(s.failed, 1);
  assert.is(s.fragmentation, 0);
  assert.is(s.peak, 64);
  const full = h.allocate(256);
  assert.is(full, BASE);
  assert.is(h.fullStats().fragmentation, 0); // nothing free
  assert.is(h.largestFree(), 0);
});

test("owns: inside [base, base + size), allocated or not; never a string", () => {
  const h = heap(256);
  assert.is(h.owns(BASE), true);
  assert.is(h.owns(BASE + 255), true);
  assert.is(h.owns(BASE + 256), false);
  assert.is(h.owns(BASE - 1), false);
  assert.is(h.owns(String(BASE) as any), false);
  assert.is(h.owns(NaN), false);
  assert.is(h.owns(undefined as any), false);
});

test("watch/unwatch: every successful allocate and free, bytes as charged, the heap as allocator; bad watchers refused", () => {
  const h = heap(256);
  const log: string[] = [];
  const w: Watcher = {
    onAlloc: (a, n, al) => {
      log.push("+" + (a - BASE) + ":" + n);
      assert.is(al, h);
    },
    onFree: (a, n, al) => {
      log.push("-" + (a - BASE) + ":" + n);
      assert.is(al, h);
    },
  };
  assert.is(h.watch(w), 0);
  assert.is(h.watch(w), 0, "twice: still one");
  const a = h.allocate(17),
    b = h.allocate(1, 64);
  h.allocate(0);
  h.allocate(1000);
  h.free(a + 16);
  h.free(0);
  h.free(a);
  h.free(b, 1);
  assert.equal(log, ["+0:32", "+64:16", "-0:32", "-64:16"]);
  for (const bad of [null, undefined, {}, { onAlloc() {} }, { onAlloc: 1, onFree: 2 }, 5]) {
    h.lastError = 0;
    assert.is(h.watch(bad as any), -EINVAL);
    assert.is(h.lastError, -EINVAL);
  }
  assert.is(h.unwatch(w), 0);
  assert.is(h.unwatch(w), -ENOENT);
  assert.is(h.lastError, -ENOENT);
  assert.is(h.unwatch({ onAlloc() {}, onFree() {} }), -ENOENT);
  h.allocate(16);
  assert.is(log.length, 4);
  // two watchers, removed in either order
  const seen: number[] = [];
  const w1 = { onAlloc: () => seen.push(1), onFree: () => {} },
    w2 = { onAlloc: () => seen.push(2), onFree: () => {} };
  h.watch(w1);
  h.watch(w2);
  h.allocate(16);
  assert.is(h.unwatch(w1), 0);
  h.allocate(16);
  assert.is(h.unwatch(w2), 0);
  h.allocate(16);
  assert.equal(seen, [1, 2, 2]);
});

test("watchers run outside the critical section", () => {
  let depth = 0,
    inside = -1;
  const h = heap(256, {
    enter: () => {
      depth++;
    },
    exit: () => {
      depth--;
    },
  });
  h.watch({
    onAlloc: () => {
      inside = depth;
      assert.is(h.stats().count, 1);
    },
    onFree: () => {
      inside = depth;
    },
  });
  h.free(h.allocate(16));
  assert.is(inside, 0);
});

test("claims: a region outside the port or overlapping another allocator's is refused, naming both ranges; close gives it back", () => {
  const mem = new ArrayMemory(BASE, 4096);
  assert.throws(
    () => new GranularHeap(mem, { base: BASE + 2048, size: 4096 }),
    codeIs("EINVAL", /\[0x20000800, 0x20001800\) is not inside the memory port \[0x20000000, 0x20001000\)/),
  );
  const h = new GranularHeap(mem, { base: BASE, size: 2048 });
  assert.throws(
    () => new GranularHeap(mem, { base: BASE + 1024, size: 2048 }),
    codeIs("EBUSY", /\[0x20000400, 0x20000c00\) overlaps \[0x20000000, 0x20000800\)/),
  );
  const h2 = new GranularHeap(mem, { base: BASE + 2048, size: 2048 }); // next to it: fine
  const a = h.allocate(16);
  h.lastError = 0;
  assert.is(h.close(), -EBUSY, "live allocations");
  assert.is(h.lastError, -EBUSY);
  assert.is(h.stats().count, 1, "nothing changed");
  assert.throws(() => new GranularHeap(mem, { base: BASE, size: 16 }), codeIs("EBUSY", /overlaps/));
  assert.is(h.free(a), 0);
  assert.is(h.close(), 0);
  assert.is(h.close(), 0, "closing twice is harmless");
  const h3 = new GranularHeap(mem, { base: BASE, size: 2048 });
  assert.is(h3.allocate(16), BASE);
  assert.is(h2.close(), 0);
});

test("attach: a second heap over the same stores shares every allocation and the region's claim", () => {
  const mem = new ArrayMemory(BASE, 4096);
  const u = new Int32Array(granularBitmapWords(1024)),
    e = new Int32Array(u.length),
    state = new Int32Array(GRANULAR_STATE_WORDS);
  const h1 = new GranularHeap(mem, { base: BASE, size: 1024, used: u, ends: e, state });
  const a = h1.allocate(100);
  const h2 = new GranularHeap(mem, { base: BASE, size: 1024, used: u, ends: e, state, attach: true });
  assert.is(used(h2), 112);
  assert.is(h2.allocate(16), BASE + 112);
  assert.is(h2.free(a, 100), 0);
  assert.is(used(h1), 16);
  assert.is(h1.free(BASE + 112), 0);
  assert.is(h1.validate(), null);
  assert.is(h2.validate(), null);
  // anything else over the region is still refused
  assert.throws(() => new GranularHeap(mem, { base: BASE + 512, size: 1024 }), codeIs("EBUSY", /overlaps/));
  assert.throws(
    () =>
      new GranularHeap(mem, {
        base: BASE,
        size: 1024,
        used: new Int32Array(8),
        ends: new Int32Array(8),
        state: new Int32Array(GRANULAR_STATE_WORDS),
      }),
    codeIs("EBUSY", /overlaps/),
  );
  // bad attaches
  assert.throws(
    () => heap(2048, { used: new Int32Array(16), ends: new Int32Array(16), state, attach: true }),
    codeIs("EINVAL", /state must hold a heap of 128 granules/),
  );
  assert.throws(() => heap(1024, { used: u, ends: e, state, granule: 32, attach: true }), codeIs("EINVAL", /state/));
  // live allocations of either heap keep both from closing; closing one ends the shared claim
  const b = h2.allocate(16);
  assert.is(h1.close(), -EBUSY);
  assert.is(h2.free(b), 0);
  assert.is(h1.close(), 0);
  assert.is(h2.close(), 0);
  assert.ok(new GranularHeap(mem, { base: BASE, size: 1024 }));
});

test("critical-section hooks are called around every call that reads or changes the heap", () => {
  const log: string[] = [];
  let depth = 0;
  const h = heap(256, {
    enter: () => {
      depth++;
      log.push("in");
    },
    exit: () => {
      depth--;
      log.push("out");
    },
  });
  const a = h.allocate(16);
  h.allocate(0);
  h.free(a);
  h.free(a);
  h.allocationSize(a);
  h.stats();
  h.fullStats();
  h.resetPeak();
  h.validate();
  h.invariantsHold();
  h.largestFree();
  h.close();
  assert.is(depth, 0);
  assert.is(log.length, 24);
  const n = log.length;
  h.free(0); // no-op: no lock
  h.owns(BASE);
  assert.is(log.length, n);
  // stats() is one snapshot: one critical section
  h.stats();
  assert.equal(log.slice(n), ["in", "out"]);
});

test("add-on: validate and invariantsHold notice corrupted stores", () => {
  const u = new Int32Array(8),
    ends = new Int32Array(8),
    state = new Int32Array(GRANULAR_STATE_WORDS);
  const h = heap(4096, { used: u, ends, state });
  h.allocate(64);
  h.allocate(16);
  assert.is(h.validate(), null);
  ends[3] = 1; // an end on a free granule
  assert.match(h.validate() as string, /end bit on a free granule at 96/);
  ends[3] = 0;
  u[0] |= 1 << 10; // a used granule with no end after it
  assert.match(h.validate() as string, /used run without an end bit at granule 10/);
  u[0] &= ~(1 << 10);
  state[2]++;
  state[3]++; // used (and peak) counter
  assert.ok(h.invariantsHold());
  assert.match(h.validate() as string, /used counter/);
  state[2]--;
  state[3]--;
  state[4] = 9; // more live allocations than used granules
  assert.not.ok(h.invariantsHold());
  assert.match(h.validate() as string, /counters out of range/);
  state[4] = 2;
  state[7] = 3; // full-word mark above a word with free granules
  assert.match(h.validate() as string, /full-word mark/);
  state[7] = 0;
  state[8] = 5; // the run bound for 1 granule past the free granules of word 0
  assert.match(h.validate() as string, /run bound|below its run bound/);
  state[8] = 0;
  assert.is(h.validate(), null);
  ends[0] = 0; // the end bits of both allocations gone
  assert.is(h.free(BASE), -EFAULT, "a start with no end: refused, nothing freed");
  assert.is(h.allocationSize(BASE), -EFAULT);
});

test("add-on: lastErrorText says what the last failure was", () => {
  const h = heap(256);
  assert.match(h.lastErrorText(), /no call has failed/);
  h.allocate(1000);
  assert.match(h.lastErrorText(), /^-ENOMEM: no free run/);
  h.allocate(16, 3);
  assert.match(h.lastErrorText(), /^-EINVAL: .*alignment a power of two/);
  h.free(BASE + 16);
  assert.match(h.lastErrorText(), /^-EFAULT: .*not the start of a live allocation/);
  h.allocate(16);
  h.close();
  assert.match(h.lastErrorText(), /^-EBUSY: close/);
  h.unwatch({ onAlloc() {}, onFree() {} });
  assert.match(h.lastErrorText(), /^-ENOENT: unwatch/);
});

test("the heap never touches managed memory, and works over a real one", () => {
  const mem = new ArrayMemory(BASE, 256);
  const h = new GranularHeap(mem, { base: BASE, size: 256 });
  const a = h.allocate(32);
  mem.fill(a, 32, 0xaa);
  const b = h.allocate(32);
  assert.is(mem.read8(b), 0);
  assert.is(h.free(a), 0);
  assert.is(mem.read32(a), 0xaaaaaaaa); // contents are left as they were
});

test("fit: where allocate would place a request at or above the hint, without allocating; bad arguments as allocate's", () => {
  const h = heap(1024);
  const events: string[] = [];
  h.watch({ onAlloc: () => events.push("alloc"), onFree: () => events.push("free") });
  assert.is(h.fit(16), BASE, "no hint: the bottom");
  assert.is(h.fit(16, undefined, 0), BASE);
  assert.is(h.fit(16, undefined, null as any), BASE);
  assert.is(h.fit(16, undefined, BASE - 64), BASE, "a hint below the base is the bottom");
  assert.is(h.fit(16, undefined, BASE + 100), BASE + 112, "rounded up to a granule");
  assert.is(h.fit(16, 256, BASE + 1), BASE + 256, "aligned at or above the hint");
  const a = h.allocate(512, undefined, BASE + 512);
  assert.is(a, BASE + 512);
  assert.is(h.fit(16, undefined, BASE + 600), 0, "nothing at or above the hint: 0, where allocate falls back to the bottom");
  assert.is(h.allocate(16, undefined, BASE + 600), BASE);
  assert.is(h.fit(16, undefined, BASE + 1024), 0, "a hint above the region finds nothing");
  assert.is(h.fit(1024), 0, "no run that long");
  assert.is(h.fit(512, undefined, BASE + 16), 0);
  assert.is(h.fit(496, undefined, BASE + 16), BASE + 16);
  assert.equal(h.stats(), { used: 528, free: 496, peak: 528, count: 2, failures: 0 }, "fit allocates and counts nothing");
  assert.equal(events, ["alloc", "alloc"], "fit calls no watcher");
  const bad: [any, any, any, string][] = [
    [0, undefined, undefined, "size 0"],
    [1.5, undefined, undefined, "size fractional"],
    ["16", undefined, undefined, "size a string"],
    [2 ** 32, undefined, undefined, "size 2^32"],
    [16, 3, undefined, "alignment 3"],
    [16, 0, undefined, "alignment 0"],
    [16, 2 ** 32, undefined, "alignment 2^32"],
    [16, 0x40000000, undefined, "an alignment no granule of the region has"],
    [16, undefined, -1, "hint negative"],
    [16, undefined, "x", "hint a string"],
    [16, undefined, 2.5, "hint fractional"],
  ];
  for (const [size, al, hint, what] of bad) {
    h.lastError = 0;
    assert.is(h.fit(size, al, hint), 0, what);
    assert.is(h.lastError, -EINVAL, what);
  }
  h.lastError = 0;
  assert.is(h.fit(1024), 0);
  assert.is(h.lastError, 0, "no room is no error: fit is a question");
  assert.is(h.stats().failures, 0);
  assert.is(h.validate(), null);
});

test("fit agrees with allocate: the first fit at or above the hint, whatever the free runs (random heaps)", () => {
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  for (let round = 0; round < 40; round++) {
    const h = heap(4096 + 16 * rnd(64));
    const live: number[] = [];
    for (let k = 0; k < 60; k++) {
      if (live.length && rnd(3) === 0) h.free(live.splice(rnd(live.length), 1)[0]);
      else {
        const a = h.allocate(1 + rnd(200), rnd(4) === 0 ? 64 : undefined, rnd(2) ? BASE + rnd(h.size) : undefined);
        if (a) live.push(a);
      }
      const size = 1 + rnd(300),
        al = rnd(3) === 0 ? 32 << rnd(3) : undefined,
        hint = BASE + rnd(h.size);
      const f = h.fit(size, al, hint);
      const a = h.allocate(size, al, hint);
      if (f !== 0) assert.is(a, f, "allocate takes the place fit named");
      else assert.ok(a === 0 || a < hint, "fit 0: allocate fell back below the hint or failed");
      if (a) live.push(a);
    }
    assert.is(h.validate(), null);
  }
});

test("the board class holds the lean members; owns, resetPeak, unwatch, close and the checkers are the add-on's", () => {
  const P = GranularHeap.prototype as any;
  for (const m of ["allocate", "free", "stats", "watch", "fit"]) assert.ok(Object.hasOwn(P, m), m);
  // installed by the add-on (src/debug/granular-heap.ts), which the host always loads
  for (const m of [
    "owns",
    "resetPeak",
    "unwatch",
    "close",
    "validate",
    "invariantsHold",
    "lastErrorText",
    "allocationSize",
    "largestFree",
    "fullStats",
  ]) {
    assert.is(typeof P[m], "function", m);
  }
  const h = heap(256);
  const w = { onAlloc: () => {}, onFree: () => {} };
  h.watch(w);
  assert.is(h.unwatch(w), 0);
  assert.equal(h._watchers, [], "the emptied list stays (a MemoryManager's heaps share the manager's)");
});

test.run();

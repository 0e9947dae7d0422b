// BitArray: Zephyr's tests/kernel/common/src/bitarray.c behaviours, bad inputs for
// every call, and a fast-check model test against a boolean array. validate() and
// invariantsHold() come with the debug add-on (host.js installs it).
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import "../src/debug/host.js";
import { BitArray, ctz32, clz32, popcount32, findLsbSet, findMsbSet } from "../src/core/bitarray.js";
import { EINVAL, ENOSPC, EFAULT, EEXIST, ENOENT } from "../src/core/errors.js";

function words(ba: BitArray): number[] {
  const out: number[] = [];
  for (let i = 0; i < ba.numWords; i++) out.push(ba.word(i));
  return out;
}
function load(ba: BitArray, ws: number[]): void {
  ws.forEach((v, i) => assert.is(ba.setWord(i, v), 0));
  assert.is(ba.validate(), null);
}
function popAll(ba: BitArray): number {
  return ba.popcountRegion(ba.numBits, 0);
}

test("declare: sizes 1..129 give the right word count, all clear", () => {
  for (const n of [1, 32, 33, 64, 65, 128, 129]) {
    const ba = new BitArray(n);
    assert.is(ba.numBits, n);
    assert.is(ba.numWords, Math.ceil(n / 32));
    assert.equal(words(ba), new Array(ba.numWords).fill(0));
    assert.is(ba.validate(), null);
    assert.ok(ba.invariantsHold());
  }
});

test("constructor rejects bad sizes with EINVAL naming numBits", () => {
  for (const bad of [0, -1, 1.5, NaN, "8", undefined, 0x4000001]) {
    assert.throws(
      () => new BitArray(bad as any),
      (e: any) => e.code === "EINVAL" && /numBits/.test(e.message),
    );
  }
});

test("set/clear/test/testAndSet/testAndClear on every bit of a 234-bit array", () => {
  const ba = new BitArray(234);
  for (let bit = 0; bit < 234; bit++) {
    const wi = bit >> 5,
      m = (1 << (bit & 31)) >>> 0;
    assert.is(ba.set(bit), 0);
    assert.is(ba.word(wi), m);
    assert.is(ba.test(bit), 1);
    assert.is(ba.clear(bit), 0);
    assert.is(ba.word(wi), 0);
    assert.is(ba.test(bit), 0);
    assert.is(ba.testAndSet(bit), 0);
    assert.is(ba.word(wi), m);
    assert.is(ba.testAndSet(bit), 1);
    assert.is(ba.word(wi), m);
    assert.is(ba.testAndClear(bit), 1);
    assert.is(ba.word(wi), 0);
    assert.is(ba.testAndClear(bit), 0);
    assert.is(ba.word(wi), 0);
    assert.is(ba.validate(), null);
  }
  for (const bad of [234, -1, 1.5, NaN, "3", undefined, null, 2 ** 32]) {
    assert.is(ba.set(bad as any), -EINVAL);
    assert.is(ba.clear(bad as any), -EINVAL);
    assert.is(ba.test(bad as any), -EINVAL);
    assert.is(ba.testAndSet(bad as any), -EINVAL);
    assert.is(ba.testAndClear(bad as any), -EINVAL);
    assert.is(ba.freeBit(bad as any), -EINVAL);
  }
  assert.equal(words(ba), new Array(8).fill(0));
});

test("alloc/free with predefined patterns (offsets 11, 92, 64)", () => {
  const ba = new BitArray(128);
  load(ba, [0x0f0f070f, 0x0f0f0f0f, 0x0f0f0f0f, 0x0f0f0000]);
  assert.is(ba.alloc(5), 11);
  assert.equal(words(ba), [0x0f0fff0f, 0x0f0f0f0f, 0x0f0f0f0f, 0x0f0f0000]);
  assert.is(ba.alloc(16), 92);
  assert.equal(words(ba), [0x0f0fff0f, 0x0f0f0f0f, 0xff0f0f0f, 0x0f0f0fff]);
  assert.is(ba.free(5, 11), 0);
  assert.equal(words(ba), [0x0f0f070f, 0x0f0f0f0f, 0xff0f0f0f, 0x0f0f0fff]);
  assert.is(ba.free(5, 0), -EFAULT);
  assert.is(ba.free(24, 92), -EFAULT);
  assert.equal(words(ba), [0x0f0f070f, 0x0f0f0f0f, 0xff0f0f0f, 0x0f0f0fff]);
  assert.is(ba.free(16, 92), 0);
  assert.equal(words(ba), [0x0f0f070f, 0x0f0f0f0f, 0x0f0f0f0f, 0x0f0f0000]);
  load(ba, [0x7fffffff, 0xffffffff, 0, 0]);
  assert.is(ba.alloc(34), 64);
  assert.equal(words(ba), [0x7fffffff, 0xffffffff, 0xffffffff, 0x00000003]);
  assert.is(ba.validate(), null);
});

test("alloc loop: allocate 1/divisor of the rest, free all but the first bit (divisors 1..64)", () => {
  for (let div = 1; div < 65; div *= 2) {
    const ba = new BitArray(234);
    let expected = 0;
    for (let bit = 0; bit < 234; bit++) {
      assert.is(popAll(ba), expected);
      const n = Math.floor((234 - bit) / div);
      const off = ba.alloc(n);
      if (n === 0) assert.is(off, -EINVAL);
      else {
        assert.is(off, bit, `div ${div} bit ${bit}`);
        expected += n;
      }
      assert.is(popAll(ba), expected);
      const r = ba.free(n - 1, bit + 1);
      if (n === 0 || n - 1 === 0) assert.ok(r < 0);
      else {
        assert.is(r, 0);
        expected -= n - 1;
      }
      assert.is(ba.validate(), null);
    }
  }
});

test("alloc interval pattern 0x0F0F0F0F: 4-bit runs at 4, 12, 20, … then -ENOSPC", () => {
  const ba = new BitArray(152);
  for (let i = 0; i < ba.numWords; i++) ba.setWord(i, 0x0f0f0f0f);
  let pop = popAll(ba);
  for (let cnt = 0; cnt <= 152 / 8; cnt++) {
    const off = ba.alloc(4);
    if (cnt === 152 / 8) {
      assert.is(off, -ENOSPC);
      break;
    }
    assert.is(off, 4 + 8 * cnt);
    pop += 4;
    assert.is(popAll(ba), pop);
  }
  assert.is(ba.validate(), null);
});

test("alloc: runs of 1..33 bits crossing word boundaries, first fit", () => {
  for (let num = 1; num <= 33; num++) {
    for (let pre = 0; pre < 64; pre += 7) {
      const ba = new BitArray(130);
      if (pre > 0) ba.setRegion(pre, 0);
      // a hole too small for num right after, then the free rest
      const hole = Math.max(0, num - 1);
      if (pre + hole + 1 < 130) ba.set(pre + hole);
      const want = num <= hole ? pre : pre + hole + 1;
      assert.is(ba.alloc(num), want + num <= 130 ? want : -ENOSPC, `num ${num} pre ${pre}`);
      assert.is(ba.validate(), null);
    }
  }
});

test("alloc and free reject bad counts and regions", () => {
  const ba = new BitArray(40);
  for (const bad of [0, 41, -1, 1.5, NaN, "2", undefined]) assert.is(ba.alloc(bad as any), -EINVAL);
  assert.is(ba.free(0, 0), -EINVAL);
  assert.is(ba.free(1, 40), -EINVAL);
  assert.is(ba.free(2, 39), -EINVAL);
  assert.is(ba.free(-1, 0), -EINVAL);
  assert.is(ba.free(1, -1), -EINVAL);
  assert.is(ba.free(1, 0), -EFAULT);
  assert.is(ba.alloc(40), 0);
  assert.is(ba.alloc(1), -ENOSPC);
  assert.is(ba.allocBit(), -ENOSPC);
  assert.is(ba.free(40, 0), 0);
  assert.is(popAll(ba), 0);
});

test("popcountRegion within one word, across words, and its errors", () => {
  const ba = new BitArray(128);
  load(ba, [5, 0, 0, 0]);
  assert.is(ba.popcountRegion(1, 0), 1);
  assert.is(ba.popcountRegion(1, 1), 0);
  assert.is(ba.popcountRegion(2, 0), 1);
  assert.is(ba.popcountRegion(3, 0), 2);
  assert.is(ba.popcountRegion(3, 1), 1);
  load(ba, [1, 0, 0, 0x80000000]);
  assert.is(ba.popcountRegion(126, 1), 0);
  assert.is(ba.popcountRegion(126, 0), 1);
  assert.is(ba.popcountRegion(127, 1), 1);
  assert.is(ba.popcountRegion(1, 127), 1);
  assert.is(ba.popcountRegion(128, 0), 2);
  assert.is(ba.popcountRegion(0, 0), -EINVAL);
  assert.is(ba.popcountRegion(0, 128), -EINVAL);
  assert.is(ba.popcountRegion(128, 1), -EINVAL);
  assert.is(ba.popcountRegion(129, 0), -EINVAL);
});

test("xor over a region, within and across words, and its errors", () => {
  const a = new BitArray(128),
    b = new BitArray(128),
    c = new BitArray(129);
  const A = [0x80001001, 0x10000008, 0xffffffff, 0],
    B = [0x80010001, 0x10000008, 0xffffffff, 0];
  load(a, A);
  load(b, B);
  assert.is(a.xor(b, 32, 0), 0);
  assert.equal(words(a), [0x00011000, 0x10000008, 0xffffffff, 0]);
  assert.equal(words(b), B);
  load(a, A);
  assert.is(a.xor(b, 16, 0), 0);
  assert.is(a.word(0), 0x80001000);
  load(a, A);
  assert.is(a.xor(b, 16, 16), 0);
  assert.is(a.word(0), 0x00011001);
  load(a, [0, 0xffffffff, 0xffffffff, 0xffffffff]);
  load(b, [0, 0xffffffff, 0xffffffff, 0xffffffff]);
  assert.is(a.xor(b, 32 * 3 - 2, 33), 0);
  assert.equal(words(a), [0, 1, 0, 0x80000000]);
  assert.is(a.validate(), null);
  load(a, [0, 0, 0, 0]);
  load(b, [0, 0, 0, 0]);
  assert.is(a.xor(b, 32, 0), 0);
  assert.is(a.xor(c, 32, 0), -EINVAL);
  assert.is(c.xor(a, 32, 0), -EINVAL);
  assert.is(a.xor(b, 128, 0), 0);
  assert.is(a.xor(b, 128, 1), -EINVAL);
  assert.is(a.xor(b, 129, 0), -EINVAL);
  assert.is(a.xor(b, 0, 0), -EINVAL);
  assert.is(a.xor(null as any, 1, 0), -EINVAL);
});

test("findNthSet: single word, across words, not found, errors", () => {
  const ba = new BitArray(128);
  load(ba, [0x80000001, 0x80000001, 0x80000001, 0x80000001]);
  assert.is(ba.findNthSet(1, 1, 0), 0);
  assert.is(ba.findNthSet(1, 32, 0), 0);
  assert.is(ba.findNthSet(2, 32, 0), 31);
  assert.is(ba.findNthSet(1, 31, 1), 31);
  assert.is(ba.findNthSet(2, 31, 1), -ENOENT);
  assert.is(ba.findNthSet(1, 128, 0), 0);
  assert.is(ba.findNthSet(8, 128, 0), 127);
  assert.is(ba.findNthSet(8, 128, 1), -EINVAL);
  assert.is(ba.findNthSet(7, 127, 1), 127);
  assert.is(ba.findNthSet(7, 127, 0), 96);
  assert.is(ba.findNthSet(6, 127, 1), 96);
  assert.is(ba.findNthSet(1, 32, 48), 63);
  assert.is(ba.findNthSet(2, 32, 48), 64);
  assert.is(ba.findNthSet(1, 128, 1), -EINVAL);
  assert.is(ba.findNthSet(1, 129, 0), -EINVAL);
  assert.is(ba.findNthSet(0, 128, 0), -EINVAL);
  assert.is(ba.findNthSet(-1, 128, 0), -EINVAL);
});

test("isRegionSet/isRegionCleared, setRegion/clearRegion, testAndSetRegion", () => {
  const ba = new BitArray(64);
  load(ba, [0xff0f0f0f, 0x0f0f0fff]);
  for (const [n, o] of [
    [4, 0],
    [12, 32],
    [8, 32],
    [14, 30],
    [20, 24],
  ]) {
    assert.ok(ba.isRegionSet(n, o));
    assert.not.ok(ba.isRegionCleared(n, o));
  }
  load(ba, [~0xff0f0f0f >>> 0, ~0x0f0f0fff >>> 0]);
  for (const [n, o] of [
    [4, 0],
    [12, 32],
    [8, 32],
    [14, 30],
    [20, 24],
  ]) {
    assert.ok(ba.isRegionCleared(n, o));
    assert.not.ok(ba.isRegionSet(n, o));
  }
  for (const [n, o] of [
    [10, 60],
    [8, 120],
    [0, 0],
    [-1, 0],
  ]) {
    assert.not.ok(ba.isRegionSet(n, o));
    assert.not.ok(ba.isRegionCleared(n, o));
  }
  load(ba, [0xff0f0f0f, 0x0f0f0fff]);
  assert.is(ba.setRegion(4, 0), 0);
  assert.equal(words(ba), [0xff0f0f0f, 0x0f0f0fff]);
  assert.is(ba.setRegion(4, 4), 0);
  assert.equal(words(ba), [0xff0f0fff, 0x0f0f0fff]);
  assert.is(ba.clearRegion(4, 4), 0);
  assert.equal(words(ba), [0xff0f0f0f, 0x0f0f0fff]);
  assert.is(ba.clearRegion(14, 30), 0);
  assert.equal(words(ba), [0x3f0f0f0f, 0x0f0f0000]);
  assert.is(ba.setRegion(14, 30), 0);
  assert.equal(words(ba), [0xff0f0f0f, 0x0f0f0fff]);
  for (const [n, o] of [
    [10, 60],
    [8, 120],
    [0, 0],
  ]) {
    assert.is(ba.setRegion(n, o), -EINVAL);
    assert.is(ba.clearRegion(n, o), -EINVAL);
    assert.is(ba.testAndSetRegion(n, o, true), -EINVAL);
  }
  assert.equal(words(ba), [0xff0f0f0f, 0x0f0f0fff]);
  assert.is(ba.testAndSetRegion(4, 4, true), 0);
  assert.is(ba.word(0), 0xff0f0fff);
  assert.is(ba.testAndSetRegion(8, 4, true), -EEXIST);
  assert.is(ba.testAndSetRegion(8, 0, false), 0);
  assert.is(ba.word(0), 0xff0f0f00);
  assert.is(ba.testAndSetRegion(8, 0, false), -EEXIST);
  assert.is(ba.word(0), 0xff0f0f00);
  assert.is(ba.validate(), null);

  const bw = new BitArray(128);
  load(bw, [0xff0f0f0f, 0xf0000000, 0xffffffff, 0x0000000f]);
  assert.ok(bw.isRegionSet(40, 60));
  assert.not.ok(bw.isRegionCleared(40, 60));
  bw.setWord(2, 0xfffeefff);
  assert.not.ok(bw.isRegionSet(40, 60));
  assert.not.ok(bw.isRegionCleared(40, 60));
  load(bw, [0xff0f0f0f, 0x0fffffff, 0, 0xfffffff0]);
  assert.ok(bw.isRegionCleared(40, 60));
  assert.not.ok(bw.isRegionSet(40, 60));
  bw.setWord(2, 0x00011000);
  assert.not.ok(bw.isRegionCleared(40, 60));
  assert.not.ok(bw.isRegionSet(40, 60));
});

test("find lsb/msb set and ctz/popcount helpers (test_ffs)", () => {
  assert.is(findMsbSet(0), 0);
  assert.is(findLsbSet(0), 0);
  assert.is(findMsbSet(1), 1);
  assert.is(findLsbSet(1), 1);
  assert.is(findMsbSet(0x80000000), 32);
  assert.is(findLsbSet(0x80000000), 32);
  assert.is(findMsbSet(0x000ff000), 20);
  assert.is(findLsbSet(0x000ff000), 13);
  assert.is(findMsbSet(0xffffffff), 32);
  assert.is(findLsbSet(0xffffffff), 1);
  assert.is(findMsbSet(0xfffffffe), 32);
  assert.is(findLsbSet(0xfffffffe), 2);
  for (let bit = 0; bit < 32; bit++) {
    const v = (1 << bit) >>> 0;
    assert.is(findMsbSet(v), bit + 1);
    assert.is(findLsbSet(v), bit + 1);
    assert.is(ctz32(v), bit);
    assert.is(ctz32(v | 0), bit);
    assert.is(clz32(v), 31 - bit);
    assert.is(clz32(v | 0), 31 - bit);
    assert.is(clz32(v | 1), bit === 0 ? 31 : 31 - bit); // lower bits do not change it
  }
  assert.is(clz32(0), 32);
  assert.is(clz32(0xffffffff), 0);
  assert.is(ctz32(0), 32);
  assert.is(popcount32(0xffffffff), 32);
  assert.is(popcount32(-1), 32);
  assert.is(popcount32(0x0f0f0f0f), 16);
});

test("word/setWord: padding bits are hidden and bad indexes rejected", () => {
  const ba = new BitArray(40);
  assert.is(ba.setWord(1, 0xffffffff), 0);
  assert.is(ba.word(1), 0xff);
  assert.is(ba.popcountRegion(40, 0), 8);
  for (const bad of [2, -1, 0.5, "0", undefined]) {
    assert.is(ba.word(bad as any), -EINVAL);
    assert.is(ba.setWord(bad as any, 1), -EINVAL);
  }
  assert.is(ba.setWord(0, "x" as any), -EINVAL);
  // values that are not 32-bit integers are refused and change nothing (NaN and 1.5 used to store 0 or 1)
  assert.is(ba.setWord(0, 0x12345678), 0);
  for (const bad of [NaN, 1.5, -0.5, 2 ** 32, -(2 ** 31) - 1, Infinity]) assert.is(ba.setWord(0, bad), -EINVAL, String(bad));
  assert.is(ba.word(0), 0x12345678);
  assert.is(ba.setWord(0, -1), 0);
  assert.is(ba.word(0), 0xffffffff);
  assert.is(ba.validate(), null);
});

test("allocBit/freeBit: lowest first, any free order, no FIFO penalty in the hint", () => {
  const ba = new BitArray(100);
  for (let i = 0; i < 100; i++) assert.is(ba.allocBit(), i);
  assert.is(ba.allocBit(), -ENOSPC);
  for (let i = 0; i < 100; i++) {
    assert.is(ba.freeBit(i), 0);
    assert.is(ba.validate(), null);
  }
  assert.is(ba.freeBit(5), -EFAULT);
  for (let i = 0; i < 100; i++) assert.is(ba.allocBit(), i);
  for (let i = 99; i >= 0; i--) assert.is(ba.freeBit(i), 0);
  assert.is(ba.validate(), null);
  // summary spanning several words: 3000 bits = 94 words, 3 summary words
  const big = new BitArray(3000);
  assert.is(big.setRegion(2999, 0), 0);
  assert.is(big.allocBit(), 2999);
  assert.is(big.allocBit(), -ENOSPC);
  assert.is(big.freeBit(1500), 0);
  assert.is(big.allocBit(), 1500);
  assert.is(big.validate(), null);
});

// ---------------------------------------------------------------- model test

type Op =
  | { k: "set" | "clear" | "test" | "tas" | "tac" | "freeBit"; bit: number }
  | { k: "allocBit" }
  | { k: "alloc"; num: number }
  | { k: "free" | "setR" | "clearR" | "pop" | "isSet" | "isClr"; num: number; off: number }
  | { k: "tasR"; num: number; off: number; to: boolean }
  | { k: "nth"; n: number; num: number; off: number };

function opArb(n: number): fc.Arbitrary<Op> {
  const bit = fc.integer({ min: -2, max: n + 1 });
  const num = fc.integer({ min: 0, max: Math.min(n + 1, 70) });
  const off = fc.integer({ min: 0, max: n });
  return fc.oneof(
    fc.record({ k: fc.constantFrom("set", "clear", "test", "tas", "tac", "freeBit"), bit }) as fc.Arbitrary<Op>,
    fc.constant({ k: "allocBit" } as Op),
    fc.constant({ k: "allocBit" } as Op),
    fc.record({ k: fc.constant("alloc"), num }) as fc.Arbitrary<Op>,
    fc.record({ k: fc.constantFrom("free", "setR", "clearR", "pop", "isSet", "isClr"), num, off }) as fc.Arbitrary<Op>,
    fc.record({ k: fc.constant("tasR"), num, off, to: fc.boolean() }) as fc.Arbitrary<Op>,
    fc.record({ k: fc.constant("nth"), n: fc.integer({ min: 0, max: 8 }), num, off }) as fc.Arbitrary<Op>,
  );
}

/** The reference: a boolean per bit, every call written the slow obvious way. */
function modelStep(m: boolean[], op: Op): number | boolean {
  const n = m.length;
  const okBit = (b: number) => b >= 0 && b < n;
  const okReg = (num: number, off: number) => num > 0 && off >= 0 && off + num <= n;
  const all = (num: number, off: number, v: boolean) => m.slice(off, off + num).every((x) => x === v);
  const paint = (num: number, off: number, v: boolean) => {
    for (let i = off; i < off + num; i++) m[i] = v;
  };
  const firstRun = (num: number) => {
    for (let s = 0; s + num <= n; s++) if (all(num, s, false)) return s;
    return -1;
  };
  switch (op.k) {
    case "set":
      if (!okBit(op.bit)) return -EINVAL;
      m[op.bit] = true;
      return 0;
    case "clear":
      if (!okBit(op.bit)) return -EINVAL;
      m[op.bit] = false;
      return 0;
    case "test":
      return okBit(op.bit) ? (m[op.bit] ? 1 : 0) : -EINVAL;
    case "tas": {
      if (!okBit(op.bit)) return -EINVAL;
      const o = m[op.bit] ? 1 : 0;
      m[op.bit] = true;
      return o;
    }
    case "tac": {
      if (!okBit(op.bit)) return -EINVAL;
      const o = m[op.bit] ? 1 : 0;
      m[op.bit] = false;
      return o;
    }
    case "freeBit":
      if (!okBit(op.bit)) return -EINVAL;
      if (!m[op.bit]) return -EFAULT;
      m[op.bit] = false;
      return 0;
    case "allocBit": {
      const s = firstRun(1);
      if (s < 0) return -ENOSPC;
      m[s] = true;
      return s;
    }
    case "alloc": {
      if (op.num === 0 || op.num > n) return -EINVAL;
      const s = firstRun(op.num);
      if (s < 0) return -ENOSPC;
      paint(op.num, s, true);
      return s;
    }
    case "free":
      if (!okReg(op.num, op.off)) return -EINVAL;
      if (!all(op.num, op.off, true)) return -EFAULT;
      paint(op.num, op.off, false);
      return 0;
    case "setR":
      if (!okReg(op.num, op.off)) return -EINVAL;
      paint(op.num, op.off, true);
      return 0;
    case "clearR":
      if (!okReg(op.num, op.off)) return -EINVAL;
      paint(op.num, op.off, false);
      return 0;
    case "pop":
      return okReg(op.num, op.off) ? m.slice(op.off, op.off + op.num).filter(Boolean).length : -EINVAL;
    case "isSet":
      return okReg(op.num, op.off) && all(op.num, op.off, true);
    case "isClr":
      return okReg(op.num, op.off) && all(op.num, op.off, false);
    case "tasR":
      if (!okReg(op.num, op.off)) return -EINVAL;
      if (!all(op.num, op.off, !op.to)) return -EEXIST;
      paint(op.num, op.off, op.to);
      return 0;
    case "nth": {
      if (op.n === 0 || !okReg(op.num, op.off)) return -EINVAL;
      let c = 0;
      for (let i = op.off; i < op.off + op.num; i++) if (m[i] && ++c === op.n) return i;
      return -ENOENT;
    }
  }
}

function realStep(ba: BitArray, op: Op): number | boolean {
  switch (op.k) {
    case "set":
      return ba.set(op.bit);
    case "clear":
      return ba.clear(op.bit);
    case "test":
      return ba.test(op.bit);
    case "tas":
      return ba.testAndSet(op.bit);
    case "tac":
      return ba.testAndClear(op.bit);
    case "freeBit":
      return ba.freeBit(op.bit);
    case "allocBit":
      return ba.allocBit();
    case "alloc":
      return ba.alloc(op.num);
    case "free":
      return ba.free(op.num, op.off);
    case "setR":
      return ba.setRegion(op.num, op.off);
    case "clearR":
      return ba.clearRegion(op.num, op.off);
    case "pop":
      return ba.popcountRegion(op.num, op.off);
    case "isSet":
      return ba.isRegionSet(op.num, op.off);
    case "isClr":
      return ba.isRegionCleared(op.num, op.off);
    case "tasR":
      return ba.testAndSetRegion(op.num, op.off, op.to);
    case "nth":
      return ba.findNthSet(op.n, op.num, op.off);
  }
}

test("model: random operation sequences match a boolean-array reference", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 140 }).chain((n) => fc.tuple(fc.constant(n), fc.array(opArb(n), { maxLength: 80 }))),
      ([n, ops]) => {
        const ba = new BitArray(n);
        const m: boolean[] = new Array(n).fill(false);
        for (const op of ops) {
          const want = modelStep(m, op),
            got = realStep(ba, op);
          assert.equal(got, want, JSON.stringify(op));
          assert.is(ba.validate(), null, JSON.stringify(op));
          assert.ok(ba.invariantsHold());
        }
        for (let i = 0; i < n; i++) assert.is(ba.test(i), m[i] ? 1 : 0);
      },
    ),
    { numRuns: 150 },
  );
});

test("model: xor against a reference over random word patterns", () => {
  fc.assert(
    fc.property(
      fc
        .integer({ min: 1, max: 100 })
        .chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.array(fc.boolean(), { minLength: n, maxLength: n }),
            fc.array(fc.boolean(), { minLength: n, maxLength: n }),
            fc.integer({ min: 0, max: n }),
            fc.integer({ min: 0, max: n }),
          ),
        ),
      ([n, xs, ys, num, off]) => {
        const a = new BitArray(n),
          b = new BitArray(n);
        xs.forEach((v, i) => v && a.set(i));
        ys.forEach((v, i) => v && b.set(i));
        const ok = num > 0 && off + num <= n;
        assert.is(a.xor(b, num, off), ok ? 0 : -EINVAL);
        for (let i = 0; i < n; i++) {
          const want = ok && i >= off && i < off + num ? xs[i] !== ys[i] : xs[i];
          assert.is(a.test(i), want ? 1 : 0);
        }
        assert.is(a.validate(), null);
      },
    ),
    { numRuns: 100 },
  );
});

test("the add-on's checkers find corruption: padding, sentinel, words, summary, hint", () => {
  const ba = new BitArray(40);
  assert.is(ba.allocBit(), 0);
  assert.ok(ba.invariantsHold());
  assert.is(ba.validate(), null);
  const w = ba._words,
    s = ba._summary;
  const spoil = (what: () => void, undo: () => void, re: RegExp, cheap: boolean) => {
    what();
    assert.match(ba.validate()!, re);
    assert.is(ba.invariantsHold(), !cheap, re.source);
    undo();
    assert.is(ba.validate(), null);
  };
  spoil(
    () => {
      w[1] = 0;
    },
    () => {
      w[1] = ba._padMask;
    },
    /padding bits/,
    true,
  );
  spoil(
    () => {
      w[2] = 0;
    },
    () => {
      w[2] = -1;
    },
    /sentinel/,
    true,
  );
  spoil(
    () => {
      s[0] = 0;
    },
    () => {
      s[0] = 3;
    },
    /summary bit of word 0/,
    false,
  );
  spoil(
    () => {
      s[0] = 7;
    },
    () => {
      s[0] = 3;
    },
    /summary bit past the last word/,
    false,
  );
  spoil(
    () => {
      ba._hint = 1;
    },
    () => {
      ba._hint = 0;
    },
    /hint is 1, lowest non-full word is 0/,
    false,
  );
  spoil(
    () => {
      ba._hint = 2;
    },
    () => {
      ba._hint = 0;
    },
    /hint is 2/,
    false,
  ); // "all full" looks sound to the O(1) check
  spoil(
    () => {
      ba._hint = 3;
    },
    () => {
      ba._hint = 0;
    },
    /hint is 3/,
    true,
  );
  const plain = new BitArray(32); // no padding bits
  (plain as any)._words = [1.5, -1];
  assert.match(plain.validate()!, /word 0 is not an int32 value/);
});

test.run();

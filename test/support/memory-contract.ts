/**
 * The HAL port contracts as reusable uvu suites: every implementation of
 * `Memory` (ArrayMemory on typed arrays, ArrayMemory on the plain-array
 * fallback, the simulated MCU) and of `Power` (StatePower, SimMcu) must pass
 * the same tests. Errors are recognised by `.code` only, so an implementation
 * loaded in another realm (node:vm) passes too.
 */
import * as assert from "uvu/assert";
import type { Test } from "uvu";
import type { Memory, Power } from "../../src/hal/ports.js";

/** A fresh memory of `size` bytes at `base`, where `base - 1`, `base + size` and fractional addresses fault with EFAULT. */
export interface MemoryUnderTest {
  mem: Memory;
  base: number;
  size: number;
}

/** The error `fn` throws, or fails the test. */
export function thrown(fn: () => unknown): any {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.unreachable("expected a throw");
}

/** `fn` throws an error whose `.code` is `code` and whose message matches `re` (if given). */
export function throwsCode(fn: () => unknown, code: string, re?: RegExp): void {
  const e = thrown(fn);
  assert.is(e && e.code, code, "error code of: " + (e && e.message));
  if (re) assert.match(e.message, re);
}

const bytesAt = (m: Memory, a: number, n: number): number[] => {
  const out: number[] = [];
  m.readBlock(a, out, 0, n);
  return out;
};

/** Register the Memory-port contract tests for `label` on `test`; `make()` gives a fresh memory of at least 64 bytes. */
export function memoryContract(test: Test, label: string, make: () => MemoryUnderTest): void {
  const t = (name: string, fn: (u: MemoryUnderTest) => void) => test(label + ": " + name, () => fn(make()));

  t("8/16/32-bit accesses are little-endian", ({ mem, base }) => {
    mem.write32(base, 0x04030201);
    assert.equal(bytesAt(mem, base, 4), [1, 2, 3, 4]);
    assert.is(mem.read8(base + 3), 4);
    assert.is(mem.read16(base), 0x0201);
    assert.is(mem.read16(base + 1), 0x0302);
    assert.is(mem.read16(base + 2), 0x0403);
    mem.write16(base + 8, 0xbeef);
    assert.equal(bytesAt(mem, base + 8, 2), [0xef, 0xbe]);
    mem.write8(base + 12, 0x11);
    mem.write8(base + 13, 0x22);
    mem.write8(base + 14, 0x33);
    mem.write8(base + 15, 0x44);
    assert.is(mem.read32(base + 12), 0x44332211);
    mem.write32(base + 17, 0xcafebabe); // unaligned
    assert.is(mem.read32(base + 17), 0xcafebabe);
  });

  t("reads are unsigned: read32 of 0xFFFFFFFF is 4294967295", ({ mem, base }) => {
    mem.write32(base, 0xffffffff);
    assert.is(mem.read32(base), 4294967295);
    assert.is(mem.read16(base), 0xffff);
    assert.is(mem.read8(base), 255);
    mem.write32(base + 4, 0x80000000);
    assert.is(mem.read32(base + 4), 0x80000000);
  });

  t("writes take signed and unsigned values of their width and touch only their bytes", ({ mem, base }) => {
    mem.fill(base, 16, 0x5a);
    mem.write8(base + 1, 0xff);
    assert.is(mem.read8(base + 1), 0xff);
    mem.write8(base + 1, 0);
    assert.is(mem.read8(base + 1), 0);
    mem.write8(base + 1, -1);
    assert.is(mem.read8(base + 1), 0xff);
    mem.write16(base + 4, 0x2345);
    assert.is(mem.read16(base + 4), 0x2345);
    mem.write16(base + 4, -2);
    assert.is(mem.read16(base + 4), 0xfffe);
    mem.write32(base + 8, 0x23456789);
    assert.is(mem.read32(base + 8), 0x23456789);
    mem.write32(base + 8, -1);
    assert.is(mem.read32(base + 8), 0xffffffff);
    assert.equal(bytesAt(mem, base, 16), [0x5a, 0xff, 0x5a, 0x5a, 0xfe, 0xff, 0x5a, 0x5a, 0xff, 0xff, 0xff, 0xff, 0x5a, 0x5a, 0x5a, 0x5a]);
  });

  t("the first and the last bytes and words are accessible", ({ mem, base, size }) => {
    mem.write8(base, 0xa1);
    mem.write8(base + size - 1, 0xb2);
    assert.is(mem.read8(base), 0xa1);
    assert.is(mem.read8(base + size - 1), 0xb2);
    mem.write32(base + size - 4, 0x01020304);
    assert.is(mem.read32(base + size - 4), 0x01020304);
    mem.write16(base + size - 2, 0xa5a5);
    assert.is(mem.read16(base + size - 2), 0xa5a5);
  });

  t("readBlock and writeBlock copy at offsets, into plain and typed arrays; writeBlock stores each element's low byte", ({ mem, base }) => {
    mem.writeBlock(base + 3, [9, 9, 10, 20, 30, 40, 9], 2, 4);
    assert.equal(bytesAt(mem, base + 3, 4), [10, 20, 30, 40]);
    const dst = [7, 7, 7, 7, 7, 7];
    mem.readBlock(base + 3, dst, 1, 4);
    assert.equal(dst, [7, 10, 20, 30, 40, 7]);
    const td = new Uint8Array(5);
    mem.readBlock(base + 4, td, 2, 3);
    assert.equal(Array.prototype.slice.call(td), [0, 0, 20, 30, 40]);
    mem.writeBlock(base, new Uint8Array([1, 2, 3]), 0, 3);
    assert.equal(bytesAt(mem, base, 3), [1, 2, 3]);
    mem.writeBlock(base, [256, -1, 0x1234], 0, 3);
    assert.equal(bytesAt(mem, base, 3), [0, 255, 0x34]);
    mem.writeBlock(base, [99], 0, 0);
    mem.readBlock(base, dst, 0, 0);
    assert.is(mem.read8(base), 0, "zero-length block calls do nothing");
    assert.is(dst[0], 7);
  });

  t("fill sets len bytes to the byte v (signed or unsigned) and nothing else", ({ mem, base }) => {
    mem.fill(base, 12, 0);
    mem.fill(base + 2, 8, -0x55);
    assert.equal(bytesAt(mem, base, 12), [0, 0, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0, 0]);
    mem.fill(base + 2, 0, 0x11);
    assert.is(mem.read8(base + 2), 0xab);
  });

  t("copy is a memmove: disjoint, overlapping forwards and backwards", ({ mem, base }) => {
    const pat = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
    const reset = () => {
      mem.fill(base, 48, 0);
      mem.writeBlock(base + 8, pat, 0, 16);
    };
    reset();
    mem.copy(base + 32, base + 8, 16);
    assert.equal(bytesAt(mem, base + 32, 16), pat);
    reset();
    mem.copy(base + 12, base + 8, 16); // dst above src: copy from the end
    assert.equal(bytesAt(mem, base + 12, 16), pat);
    assert.equal(bytesAt(mem, base + 8, 4), [1, 2, 3, 4]);
    reset();
    mem.copy(base + 4, base + 8, 16); // dst below src: copy from the start
    assert.equal(bytesAt(mem, base + 4, 16), pat);
    assert.equal(bytesAt(mem, base + 20, 4), [13, 14, 15, 16]);
    reset();
    mem.copy(base + 8, base + 8, 16);
    assert.equal(bytesAt(mem, base + 8, 16), pat);
    mem.copy(base, base + 8, 0);
    assert.is(mem.read8(base), 0);
  });

  t("EFAULT outside its range, and a rejected write changes nothing", ({ mem, base, size }) => {
    mem.fill(base, size, 0x77);
    const below = base - 1,
      above = base + size;
    for (const a of [below, above]) {
      throwsCode(() => mem.read8(a), "EFAULT", /0x/);
      throwsCode(() => mem.read16(a), "EFAULT");
      throwsCode(() => mem.read32(a), "EFAULT");
      throwsCode(() => mem.write8(a, 1), "EFAULT");
      throwsCode(() => mem.write16(a, 1), "EFAULT");
      throwsCode(() => mem.write32(a, 1), "EFAULT");
    }
    throwsCode(() => mem.read32(above - 2), "EFAULT"); // straddles the end
    throwsCode(() => mem.write32(above - 2, 0), "EFAULT");
    throwsCode(() => mem.write16(below, 0), "EFAULT"); // straddles the start
    throwsCode(() => mem.readBlock(above - 4, [], 0, 5), "EFAULT");
    throwsCode(() => mem.writeBlock(above - 4, [1, 2, 3, 4, 5], 0, 5), "EFAULT");
    throwsCode(() => mem.fill(base, size + 1, 0), "EFAULT");
    throwsCode(() => mem.copy(above - 4, base, 8), "EFAULT");
    throwsCode(() => mem.copy(base, above - 4, 8), "EFAULT");
    throwsCode(() => mem.copy(below, base, 8), "EFAULT");
    for (const a of [base + 0.5, base + 4.25]) {
      // not a byte address
      throwsCode(() => mem.read8(a), "EFAULT");
      throwsCode(() => mem.read16(a), "EFAULT");
      throwsCode(() => mem.read32(a), "EFAULT");
      throwsCode(() => mem.write8(a, 1), "EFAULT");
      throwsCode(() => mem.write16(a, 1), "EFAULT");
      throwsCode(() => mem.write32(a, 1), "EFAULT");
      throwsCode(() => mem.fill(a, 2, 1), "EFAULT");
      throwsCode(() => mem.writeBlock(a, [1, 2], 0, 2), "EFAULT");
    }
    const all: number[] = [];
    mem.readBlock(base, all, 0, size);
    assert.ok(
      all.every((x) => x === 0x77),
      "nothing was written by the rejected calls",
    );
  });
}

/**
 * Bad input to a Memory port: each call throws EINVAL naming the value or the
 * argument, and nothing is written or read into the buffer.
 *  - write8/16/32 and fill's value: an integer in the width's signed or
 *    unsigned range ([-128, 255], [-32768, 65535], [-2^31, 2^32 - 1]);
 *  - block calls: `len` and `off` non-negative integers, the buffer an array
 *    or typed array that holds `off + len` elements (a plain array `dst`
 *    grows, as arrays do).
 */
export function memoryInputContract(test: Test, label: string, make: () => MemoryUnderTest): void {
  const t = (name: string, fn: (u: MemoryUnderTest) => void) => test(label + ": " + name, () => fn(make()));
  const NOT_INTEGERS: [unknown, RegExp][] = [
    [NaN, /got NaN/],
    [1.5, /got 1\.5/],
    ["5", /got "5"/],
    [{}, /got \[object Object\]/],
    [null, /got null/],
    [undefined, /got undefined/],
    [true, /got true/],
    [Infinity, /got Infinity/],
  ];
  const WIDTHS: [string, number, number, number][] = [
    ["write8", 1, -128, 255],
    ["write16", 2, -32768, 65535],
    ["write32", 4, -0x80000000, 0xffffffff],
  ];

  t("write8/16/32 refuse a value that is not an integer of their width, naming it; nothing is written", ({ mem, base }) => {
    mem.fill(base, 16, 0x77);
    for (const [verb, , lo, hi] of WIDTHS) {
      const w = (v: unknown) => (mem as any)[verb](base + 4, v);
      for (const [v, re] of NOT_INTEGERS) throwsCode(() => w(v), "EINVAL", re);
      throwsCode(() => w(lo - 1), "EINVAL", new RegExp("\\[" + lo + ", " + hi + "\\], got " + (lo - 1)));
      throwsCode(() => w(hi + 1), "EINVAL", new RegExp("got " + (hi + 1)));
    }
    assert.equal(bytesAt(mem, base, 16), new Array(16).fill(0x77), "nothing was written");
    const read = (n: number) => (n === 4 ? mem.read32(base + 8) : n === 2 ? mem.read16(base + 8) : mem.read8(base + 8));
    for (const [verb, n, lo, hi] of WIDTHS) {
      // the edges are accepted: the lowest reads back unsigned
      (mem as any)[verb](base + 8, lo);
      assert.is(read(n), lo + 2 ** (8 * n), verb + "(" + lo + ")");
      (mem as any)[verb](base + 8, hi);
      assert.is(read(n), hi, verb + "(" + hi + ")");
    }
  });

  t("fill refuses a value that is not a byte (signed or unsigned), naming it", ({ mem, base }) => {
    mem.fill(base, 8, 0x77);
    for (const [v, re] of NOT_INTEGERS) throwsCode(() => mem.fill(base, 4, v as any), "EINVAL", re);
    throwsCode(() => mem.fill(base, 4, 256), "EINVAL", /got 256/);
    throwsCode(() => mem.fill(base, 4, -129), "EINVAL", /got -129/);
    assert.equal(bytesAt(mem, base, 8), new Array(8).fill(0x77), "nothing was written");
  });

  t("block calls refuse a len that is not a non-negative integer, naming it; nothing changes", ({ mem, base }) => {
    mem.fill(base, 16, 0x77);
    for (const len of [-1, -4, 0.5, 1.5, true, "4", undefined, null, NaN, Infinity]) {
      const dst = [9, 9, 9, 9];
      throwsCode(() => mem.readBlock(base, dst, 0, len as any), "EINVAL", /len/);
      assert.equal(dst, [9, 9, 9, 9], "readBlock wrote into dst with len " + String(len));
      throwsCode(() => mem.writeBlock(base, [1, 2, 3, 4], 0, len as any), "EINVAL", /len/);
      throwsCode(() => mem.fill(base, len as any, 1), "EINVAL", /len/);
      throwsCode(() => mem.copy(base + 8, base, len as any), "EINVAL", /len/);
    }
    assert.equal(bytesAt(mem, base, 16), new Array(16).fill(0x77), "nothing was written");
  });

  t("block calls refuse an offset that is not a non-negative integer, naming it", ({ mem, base }) => {
    mem.fill(base, 8, 0x77);
    for (const off of ["12", "0", -1, 0.5, undefined, null, NaN, true]) {
      const dst: any = [];
      throwsCode(() => mem.readBlock(base, dst, off as any, 4), "EINVAL", /off/);
      assert.equal(Object.keys(dst), [], "readBlock wrote into dst with off " + JSON.stringify(off));
      throwsCode(() => mem.writeBlock(base, [1, 2, 3, 4, 5, 6], off as any, 4), "EINVAL", /off/);
    }
    assert.equal(bytesAt(mem, base, 8), new Array(8).fill(0x77), "nothing was written");
  });

  t("block calls refuse a buffer that is not an array or typed array, naming it", ({ mem, base }) => {
    for (const [buf, re] of [
      [null, /dst.*got null/],
      [undefined, /dst.*got undefined/],
      ["abcd", /dst.*got "abcd"/],
      [5, /dst.*got 5/],
      [{}, /dst/],
    ] as [unknown, RegExp][]) {
      throwsCode(() => mem.readBlock(base, buf as any, 0, 4), "EINVAL", re);
      throwsCode(() => mem.writeBlock(base, buf as any, 0, 4), "EINVAL", new RegExp(re.source.replace("dst", "src")));
    }
  });

  t("a buffer too short for off + len is refused (a plain array dst grows)", ({ mem, base }) => {
    mem.fill(base, 8, 0x77);
    throwsCode(() => mem.writeBlock(base, [1, 2, 3], 0, 4), "EINVAL", /src/);
    throwsCode(() => mem.writeBlock(base, new Uint8Array(4), 1, 4), "EINVAL", /src/);
    const td = new Uint8Array(3);
    throwsCode(() => mem.readBlock(base, td, 0, 4), "EINVAL", /dst/);
    assert.equal(Array.prototype.slice.call(td), [0, 0, 0]);
    assert.equal(bytesAt(mem, base, 8), new Array(8).fill(0x77), "nothing was written");
    const grows: number[] = [1];
    mem.readBlock(base, grows, 1, 4);
    assert.equal(grows, [1, 0x77, 0x77, 0x77, 0x77]);
  });
}

/** A fresh Power port over sections like these: 0x1000+0x100 (not gateable), 0x1100+0x100, gap, 0x1300+0x200. */
export type PowerFactory = (sections: { name: string; base: number; size: number; gateable: boolean }[]) => Power;

/** The sections every Power-contract test uses. */
export const CONTRACT_SECTIONS = [
  { name: "A", base: 0x1000, size: 0x100, gateable: false },
  { name: "B", base: 0x1100, size: 0x100, gateable: true },
  { name: "C", base: 0x1300, size: 0x200, gateable: true },
];

/** Register the Power-port contract tests for `label` on `test`. */
export function powerContract(test: Test, label: string, make: PowerFactory): void {
  const t = (name: string, fn: (p: Power) => void) => test(label + ": " + name, () => fn(make(CONTRACT_SECTIONS)));

  t("describes its sections and starts with all on", (p) => {
    assert.is(p.sectionCount(), 3);
    assert.equal(
      [0, 1, 2].map((i) => [p.sectionName(i), p.sectionBase(i), p.sectionSize(i), p.gateable(i), p.getPower(i)]),
      [
        ["A", 0x1000, 0x100, false, "on"],
        ["B", 0x1100, 0x100, true, "on"],
        ["C", 0x1300, 0x200, true, "on"],
      ],
    );
  });

  t("sectionAt: first and last bytes, gaps, below and above", (p) => {
    assert.equal(
      [0x1000, 0x10ff, 0x1100, 0x11ff, 0x1300, 0x14ff].map((a) => p.sectionAt(a)),
      [0, 0, 1, 1, 2, 2],
    );
    assert.equal(
      [0xfff, 0x1200, 0x12ff, 0x1500, 0, 0xffffffff].map((a) => p.sectionAt(a)),
      [-1, -1, -1, -1, -1, -1],
    );
  });

  t("a gateable section goes to every state and back", (p) => {
    for (const st of ["off", "retained", "on", "retained", "off", "on"] as const) {
      p.setPower(2, st);
      assert.is(p.getPower(2), st);
    }
    assert.is(p.getPower(1), "on");
  });

  t("EPERM to switch a non-gateable section off or to retention; on is allowed", (p) => {
    throwsCode(() => p.setPower(0, "off"), "EPERM", /A/);
    throwsCode(() => p.setPower(0, "retained"), "EPERM");
    p.setPower(0, "on");
    assert.is(p.getPower(0), "on");
  });

  t("EINVAL for a bad section index or state, and nothing changes", (p) => {
    for (const i of [-1, 3, 0.5, NaN, "1", undefined]) {
      throwsCode(() => p.setPower(i as any, "off"), "EINVAL", /section/);
      throwsCode(() => p.getPower(i as any), "EINVAL");
      throwsCode(() => p.sectionBase(i as any), "EINVAL");
      throwsCode(() => p.sectionSize(i as any), "EINVAL");
      throwsCode(() => p.sectionName(i as any), "EINVAL");
      throwsCode(() => p.gateable(i as any), "EINVAL");
    }
    for (const st of ["sleep", "", null, 0, "OFF"]) throwsCode(() => p.setPower(1, st as any), "EINVAL", /state/);
    assert.equal([p.getPower(0), p.getPower(1), p.getPower(2)], ["on", "on", "on"]);
  });
}

// PeekPokeMemory against a strict stand-in for Espruino's peek8/16/32 and
// poke8/16/32 (src/jswrap_io.c in the Espruino repository): every call is
// recorded with its width, address and value, and the stand-in itself
// rejects what the firmware would silently misuse: an address that is not
// an integer in [1, 2^32) (the firmware takes ToInt32 of it), an access
// that runs past 2^32 or outside the modelled RAM, and a poke value outside
// its width's range (the firmware keeps the low bits).
import { test } from "uvu";
import * as assert from "uvu/assert";
import "../src/debug/host.js";
import fc from "fast-check";
import { PeekPokeMemory, hasPeekPoke } from "../src/hal/peek-poke.js";
import { ArrayMemory } from "../src/hal/array-memory.js";
import { memoryInputContract, throwsCode } from "./support/memory-contract.js";

const NAMES = ["peek8", "peek16", "peek32", "poke8", "poke16", "poke32"];
type Call = [string, number, number?];

/** Strict peek/poke globals over `size` bytes at `base` for the duration of `fn`; returns what `fn` returns. */
function withStandIn<T>(base: number, size: number, fn: (calls: Call[], ram: Uint8Array, problems: string[]) => T): T {
  const g = globalThis as any,
    saved = NAMES.map((n) => g[n]);
  const ram = new Uint8Array(size),
    calls: Call[] = [],
    problems: string[] = [];
  const at = (name: string, a: unknown, width: number) => {
    if (typeof a !== "number" || Math.floor(a) !== a || a < 1 || a + width > 0x100000000)
      problems.push(name + " of a bad address " + String(a));
    else if (a < base || a + width > base + size) problems.push(name + " outside the RAM: 0x" + a.toString(16));
    return (a as number) - base;
  };
  const value = (name: string, v: unknown, lo: number, hi: number) => {
    if (typeof v !== "number" || Math.floor(v) !== v || v < lo || v > hi)
      problems.push(name + " of a value outside [" + lo + ", " + hi + "]: " + String(v));
  };
  g.peek8 = (a: number) => {
    calls.push(["peek8", a]);
    const o = at("peek8", a, 1);
    return ram[o];
  };
  g.peek16 = (a: number) => {
    calls.push(["peek16", a]);
    const o = at("peek16", a, 2);
    return ram[o] | (ram[o + 1] << 8);
  };
  // The firmware returns the word as an unsigned number; a signed one here checks that read32 makes it unsigned anyway.
  g.peek32 = (a: number) => {
    calls.push(["peek32", a]);
    const o = at("peek32", a, 4);
    return ram[o] | (ram[o + 1] << 8) | (ram[o + 2] << 16) | (ram[o + 3] << 24);
  };
  g.poke8 = (a: number, v: number) => {
    calls.push(["poke8", a, v]);
    value("poke8", v, 0, 255);
    ram[at("poke8", a, 1)] = v;
  };
  g.poke16 = (a: number, v: number) => {
    calls.push(["poke16", a, v]);
    value("poke16", v, 0, 65535);
    const o = at("poke16", a, 2);
    ram[o] = v;
    ram[o + 1] = v >> 8;
  };
  g.poke32 = (a: number, v: number) => {
    calls.push(["poke32", a, v]);
    value("poke32", v, -2147483648, 2147483647);
    const o = at("poke32", a, 4);
    ram[o] = v;
    ram[o + 1] = v >> 8;
    ram[o + 2] = v >> 16;
    ram[o + 3] = v >>> 24;
  };
  try {
    return fn(calls, ram, problems);
  } finally {
    NAMES.forEach((n, i) => {
      if (saved[i] === undefined) delete g[n];
      else g[n] = saved[i];
    });
  }
}

const A = 0x20000100;

test("hasPeekPoke: true only while the engine has peek32 and poke32", () => {
  assert.is(hasPeekPoke(), false);
  withStandIn(A, 16, () => assert.is(hasPeekPoke(), true));
  assert.is(hasPeekPoke(), false);
});

test("each word call is one peek/poke of its width at its address; values reach poke in the width's unsigned range (poke32: int32)", () => {
  withStandIn(A, 64, (calls, ram, problems) => {
    const m = new PeekPokeMemory();
    m.write8(A, -1);
    m.write8(A + 1, 0x80);
    m.write16(A + 2, -2);
    m.write16(A + 5, 0x8001); // odd address: passed through as given
    m.write32(A + 8, 0xffffffff);
    m.write32(A + 12, -0x80000000);
    m.write32(A + 17, 0x12345678);
    assert.equal(calls, [
      ["poke8", A, 255],
      ["poke8", A + 1, 0x80],
      ["poke16", A + 2, 0xfffe],
      ["poke16", A + 5, 0x8001],
      ["poke32", A + 8, -1],
      ["poke32", A + 12, -0x80000000],
      ["poke32", A + 17, 0x12345678],
    ]);
    calls.splice(0, calls.length);
    assert.equal(
      [m.read8(A), m.read16(A + 2), m.read32(A + 8), m.read32(A + 12), m.read32(A + 17), m.read16(A + 5)],
      [255, 0xfffe, 0xffffffff, 0x80000000, 0x12345678, 0x8001],
    );
    assert.equal(calls, [
      ["peek8", A],
      ["peek16", A + 2],
      ["peek32", A + 8],
      ["peek32", A + 12],
      ["peek32", A + 17],
      ["peek16", A + 5],
    ]);
    assert.equal(Array.from(ram.slice(8, 12)), [255, 255, 255, 255]);
    assert.equal(problems, []);
  });
});

test("block calls go byte by byte with poke8/peek8, in address order; copy is a memmove", () => {
  withStandIn(A, 64, (calls, ram, problems) => {
    const m = new PeekPokeMemory();
    m.writeBlock(A, [9, 0x1ff, -1, 3], 1, 3);
    assert.equal(calls, [
      ["poke8", A, 0xff],
      ["poke8", A + 1, 0xff],
      ["poke8", A + 2, 3],
    ]);
    calls.splice(0, calls.length);
    const dst = [7];
    m.readBlock(A, dst, 1, 3);
    assert.equal(dst, [7, 0xff, 0xff, 3]);
    assert.equal(calls, [
      ["peek8", A],
      ["peek8", A + 1],
      ["peek8", A + 2],
    ]);
    calls.splice(0, calls.length);
    m.fill(A + 8, 3, -0x55);
    assert.equal(calls, [
      ["poke8", A + 8, 0xab],
      ["poke8", A + 9, 0xab],
      ["poke8", A + 10, 0xab],
    ]);
    calls.splice(0, calls.length);
    ram.set([1, 2, 3, 4], 16);
    m.copy(A + 17, A + 16, 3); // dst above src: from the end
    assert.equal(calls, [
      ["peek8", A + 18],
      ["poke8", A + 19, 3],
      ["peek8", A + 17],
      ["poke8", A + 18, 2],
      ["peek8", A + 16],
      ["poke8", A + 17, 1],
    ]);
    assert.equal(Array.from(ram.slice(16, 20)), [1, 1, 2, 3]);
    calls.splice(0, calls.length);
    m.copy(A + 16, A + 17, 2); // dst below src: from the start
    assert.equal(calls, [
      ["peek8", A + 17],
      ["poke8", A + 16, 1],
      ["peek8", A + 18],
      ["poke8", A + 17, 2],
    ]);
    calls.splice(0, calls.length);
    m.readBlock(A, dst, 0, 0);
    m.writeBlock(A, [], 0, 0);
    m.fill(A, 0, 1);
    m.copy(A, A + 4, 0);
    assert.equal(calls, [], "zero-length calls touch nothing");
    assert.equal(problems, []);
  });
});

test("the top of the address space: the last byte, half-word and word are reachable; nothing passes 2^32", () => {
  const TOP = 0xffffffc0;
  withStandIn(TOP, 64, (calls, _ram, problems) => {
    const m = new PeekPokeMemory();
    m.write8(0xffffffff, 1);
    assert.is(m.read8(0xffffffff), 1);
    m.write16(0xfffffffe, 2);
    assert.is(m.read16(0xfffffffe), 2);
    m.write32(0xfffffffc, 3);
    assert.is(m.read32(0xfffffffc), 3);
    m.fill(0xfffffff0, 16, 0);
    m.readBlock(0xffffffff, [], 0, 1);
    const n = calls.length;
    throwsCode(() => m.readBlock(0xffffffff, [], 0, 2), "EFAULT", /0xffffffff \(2 bytes\)/);
    throwsCode(() => m.writeBlock(0xfffffff0, new Array(17).fill(0), 0, 17), "EFAULT");
    throwsCode(() => m.fill(0xfffffff0, 17, 0), "EFAULT");
    throwsCode(() => m.copy(0xfffffff0, TOP, 17), "EFAULT");
    throwsCode(() => m.copy(TOP, 0xfffffff0, 17), "EFAULT");
    assert.is(calls.length, n, "a refused range makes no call at all");
    assert.equal(problems, []);
  });
});

test("every bad address is refused (EFAULT naming it) before any peek or poke, for every call", () => {
  withStandIn(A, 64, (calls, _ram, problems) => {
    const m = new PeekPokeMemory();
    for (const a of [0, -1, NaN, Infinity, 0.5, A + 0.5, "0x20000100", null, undefined, {}, 0x100000000, 2 ** 40]) {
      for (const f of [
        () => m.read8(a as any),
        () => m.read16(a as any),
        () => m.read32(a as any),
        () => m.write8(a as any, 1),
        () => m.write16(a as any, 1),
        () => m.write32(a as any, 1),
        () => m.readBlock(a as any, [], 0, 1),
        () => m.writeBlock(a as any, [1], 0, 1),
        () => m.fill(a as any, 1, 0),
        () => m.copy(a as any, A, 1),
        () => m.copy(A, a as any, 1),
      ]) {
        throwsCode(f, "EFAULT", /address/);
      }
    }
    assert.equal(calls, []);
    assert.equal(problems, []);
  });
});

// Bad values, lengths, offsets and buffers: EINVAL naming them, nothing written (the shared suite).
const inStandIn = ((name: string, fn: () => void) => test(name, () => withStandIn(0x20000000, 512, () => fn()))) as unknown as typeof test;
memoryInputContract(inStandIn, "PeekPokeMemory", () => ({ mem: new PeekPokeMemory(), base: 0x20000000, size: 512 }));

test("model: random word and block calls give what ArrayMemory gives, and every peek/poke is in range", () => {
  const SIZE = 128;
  const addr = fc.integer({ min: 0, max: SIZE - 4 }).map((o) => A + o);
  const op = fc.oneof(
    fc.tuple(fc.constant("w8"), addr, fc.integer({ min: -128, max: 255 })),
    fc.tuple(fc.constant("w16"), addr, fc.integer({ min: -32768, max: 65535 })),
    fc.tuple(fc.constant("w32"), addr, fc.integer({ min: -2147483648, max: 4294967295 })),
    fc.tuple(fc.constant("r8"), addr, fc.constant(0)),
    fc.tuple(fc.constant("r16"), addr, fc.constant(0)),
    fc.tuple(fc.constant("r32"), addr, fc.constant(0)),
    fc.tuple(fc.constant("fill"), addr, fc.integer({ min: 0, max: 4 })),
    fc.tuple(fc.constant("copy"), addr, fc.integer({ min: 0, max: SIZE - 8 })),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), (ops) =>
      withStandIn(A, SIZE, (_calls, _ram, problems) => {
        const m = new PeekPokeMemory(),
          ref = new ArrayMemory(A, SIZE);
        m.fill(A, SIZE, 0);
        for (const [kind, a, v] of ops) {
          if (kind === "w8") {
            m.write8(a, v);
            ref.write8(a, v);
          } else if (kind === "w16") {
            m.write16(a, v);
            ref.write16(a, v);
          } else if (kind === "w32") {
            m.write32(a, v);
            ref.write32(a, v);
          } else if (kind === "r8") assert.is(m.read8(a), ref.read8(a));
          else if (kind === "r16") assert.is(m.read16(a), ref.read16(a));
          else if (kind === "r32") assert.is(m.read32(a), ref.read32(a));
          else if (kind === "fill") {
            m.fill(a, v, a & 0xff);
            ref.fill(a, v, a & 0xff);
          } else {
            m.copy(A + v, a, 4);
            ref.copy(A + v, a, 4);
          }
        }
        const got: number[] = [],
          want: number[] = [];
        m.readBlock(A, got, 0, SIZE);
        ref.readBlock(A, want, 0, SIZE);
        assert.equal(got, want);
        assert.equal(problems, []);
      }),
    ),
    { numRuns: 200 },
  );
});

test.run();

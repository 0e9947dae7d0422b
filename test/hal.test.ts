import { test } from "uvu";
import * as assert from "uvu/assert";
import "../src/debug/host.js";
import { ArrayMemory, StatePower } from "../src/hal/array-memory.js";
import { POWER_ON, POWER_OFF, POWER_RETAINED, isPowerState } from "../src/hal/ports.js";
import { boardSectionSpecs } from "../src/core/board.js";
import { SimMcu } from "../sim/mcu.js";
import { handBoard } from "./support/hand-board.js";
import { PeekPokeMemory } from "../src/hal/peek-poke.js";
import { memoryContract, memoryInputContract, powerContract, throwsCode, CONTRACT_SECTIONS } from "./support/memory-contract.js";

// ---- the Memory-port contract, over every implementation in this realm ----------

memoryContract(test, "ArrayMemory", () => ({ mem: new ArrayMemory(0x20000000, 256), base: 0x20000000, size: 256 }));
memoryContract(test, "ArrayMemory, 1 byte below 2^32", () => ({ mem: new ArrayMemory(0xffffff00, 255), base: 0xffffff00, size: 255 }));
memoryContract(test, "SimMcu (one section between unmapped addresses)", () => {
  const b = handBoard([{ name: "RAM0.S0", base: 0x20000000, size: 256, gateable: true, retention_nA: 0 }]);
  return { mem: new SimMcu(b, { seed: 3 }), base: 0x20000000, size: 256 };
});
memoryContract(test, "SimMcu (a range over two adjacent sections)", () => {
  const b = handBoard([
    { name: "RAM0.S0", base: 0x20000000, size: 40, gateable: false, retention_nA: 0 },
    { name: "RAM0.S1", base: 0x20000028, size: 88, gateable: true, retention_nA: 0 },
  ]);
  return { mem: new SimMcu(b), base: 0x20000000, size: 128 };
});

// ---- bad input: values, lengths, offsets and buffers (EINVAL naming them) ------------

memoryInputContract(test, "ArrayMemory", () => ({ mem: new ArrayMemory(0x20000000, 256), base: 0x20000000, size: 256 }));

// ---- the Power-port contract -------------------------------------------------------

powerContract(test, "StatePower", (specs) => new StatePower(specs));
powerContract(
  test,
  "SimMcu",
  (specs) => new SimMcu(handBoard(specs.map((s) => ({ name: s.name, base: s.base, size: s.size, gateable: s.gateable, retention_nA: 0 })))),
);

// ---- ArrayMemory specifics ----------------------------------------------------------

test("ArrayMemory: base and size, zero-filled at start", () => {
  const m = new ArrayMemory(0x20000100, 64);
  assert.is(m.base, 0x20000100);
  assert.is(m.size, 64);
  const all: number[] = [];
  m.readBlock(0x20000100, all, 0, 64);
  assert.ok(all.length === 64 && all.every((x) => x === 0));
});

test("ArrayMemory: EFAULT names the address and the range", () => {
  const m = new ArrayMemory(0x20000000, 16);
  throwsCode(() => m.read8(0x20000010), "EFAULT", /address 0x20000010 \(1 bytes\) is outside \[0x20000000, 0x20000010\)/);
  throwsCode(() => m.read32(0x2000000e), "EFAULT", /0x2000000e \(4 bytes\)/);
  throwsCode(() => m.read8(NaN), "EFAULT");
});

test("ArrayMemory: EINVAL for bad constructor arguments, naming them", () => {
  for (const base of [0, -1, 1.5, 0x100000000, NaN, "0x20000000", undefined])
    throwsCode(() => new ArrayMemory(base as any, 16), "EINVAL", /base/);
  for (const size of [0, -16, 1.5, 0x10000001, NaN, "16", undefined])
    throwsCode(() => new ArrayMemory(0x20000000, size as any), "EINVAL", /size/);
  throwsCode(() => new ArrayMemory(0xfffffff0, 0x20), "EINVAL", /base \+ size must not pass 2\^32/);
  assert.is(new ArrayMemory(0xfffffff0, 0x10).size, 0x10);
});

// ---- StatePower specifics and the port helpers -------------------------------------

test("StatePower: EINVAL for bad section lists, naming the entry", () => {
  for (const bad of [[], null, undefined, 3, "AB", { length: 1 }])
    throwsCode(() => new StatePower(bad as any), "EINVAL", /sections must be a non-empty array/);
  for (const entry of [undefined, null, 7, "S0"]) {
    throwsCode(
      () => new StatePower([CONTRACT_SECTIONS[0], entry] as any),
      "EINVAL",
      new RegExp(
        "sections\\[1\\] must be an object \\{name, base, size, gateable\\}, got " + (typeof entry === "string" ? '"S0"' : String(entry)),
      ),
    );
  }
  const s = (over: object) => CONTRACT_SECTIONS.map((x, i) => (i === 1 ? { ...x, ...over } : x));
  throwsCode(() => new StatePower(s({ base: 0 })), "EINVAL", /sections\[1\]\.base/);
  throwsCode(() => new StatePower(s({ size: 0 })), "EINVAL", /sections\[1\]\.size/);
  throwsCode(() => new StatePower(s({ base: 0x10f0 })), "EINVAL", /sections\[1\] overlaps or is out of address order/);
  throwsCode(() => new StatePower([CONTRACT_SECTIONS[1], CONTRACT_SECTIONS[0]]), "EINVAL", /out of address order/);
});

test("StatePower: sectionAt over one section and many", () => {
  const one = new StatePower([{ name: "X", base: 0x20000000, size: 0x1000, gateable: true }]);
  assert.equal(
    [0x1fffffff, 0x20000000, 0x20000fff, 0x20001000].map((a) => one.sectionAt(a)),
    [-1, 0, 0, -1],
  );
  const specs = [];
  for (let i = 0; i < 22; i++) specs.push({ name: "S" + i, base: 0x20000000 + i * 0x1000, size: 0x1000, gateable: i > 0 });
  const many = new StatePower(specs);
  for (let i = 0; i < 22; i++) {
    assert.is(many.sectionAt(0x20000000 + i * 0x1000), i);
    assert.is(many.sectionAt(0x20000000 + i * 0x1000 + 0xfff), i);
  }
  assert.is(many.sectionAt(0x20016000), -1);
  // a bad address is in no section (it used to fall through both compares and match)
  for (const bad of [NaN, undefined, "x", {}, "0x20000010", "536870928", [0x20000010], true]) {
    assert.is(one.sectionAt(bad as any), -1, String(bad));
    assert.is(many.sectionAt(bad as any), -1, String(bad));
  }
});

// ---- PeekPokeMemory, over stand-ins for Espruino's peek/poke globals ---------------

/** Install peek8/16/32 and poke8/16/32 over `bytes` at `base` for the duration of `fn`. */
function withPeekPoke(base: number, bytes: Uint8Array, fn: (calls: string[]) => void): void {
  const g = globalThis as any,
    names = ["peek8", "peek16", "peek32", "poke8", "poke16", "poke32"],
    saved = names.map((n) => g[n]),
    calls: string[] = [];
  const at = (a: number, n: number) => {
    if (a < base || a + n > base + bytes.length) throw new Error("stand-in: address out of range");
    return a - base;
  };
  g.peek8 = (a: number) => {
    calls.push("peek8");
    return bytes[at(a, 1)];
  };
  g.peek16 = (a: number) => {
    calls.push("peek16");
    const o = at(a, 2);
    return bytes[o] | (bytes[o + 1] << 8);
  };
  g.peek32 = (a: number) => {
    calls.push("peek32");
    const o = at(a, 4);
    return bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24);
  };
  g.poke8 = (a: number, v: number) => {
    calls.push("poke8");
    bytes[at(a, 1)] = v;
  };
  g.poke16 = (a: number, v: number) => {
    calls.push("poke16");
    const o = at(a, 2);
    bytes[o] = v;
    bytes[o + 1] = v >> 8;
  };
  g.poke32 = (a: number, v: number) => {
    calls.push("poke32");
    const o = at(a, 4);
    bytes[o] = v;
    bytes[o + 1] = v >> 8;
    bytes[o + 2] = v >> 16;
    bytes[o + 3] = v >>> 24;
  };
  try {
    fn(calls);
  } finally {
    names.forEach((n, i) => {
      if (saved[i] === undefined) delete g[n];
      else g[n] = saved[i];
    });
  }
}

test("PeekPokeMemory: reads and writes through peek/poke, little-endian, unsigned", () => {
  const bytes = new Uint8Array(64);
  withPeekPoke(0x20000000, bytes, () => {
    const m = new PeekPokeMemory();
    m.write32(0x20000000, 0xdeadbeef);
    assert.is(m.read32(0x20000000), 0xdeadbeef);
    m.write16(0x20000004, -2);
    assert.is(m.read16(0x20000004), 0xfffe);
    m.write8(0x20000006, 0xab);
    assert.is(m.read8(0x20000006), 0xab);
    m.writeBlock(0x20000010, [1, 2, 3, 4], 1, 3);
    const dst: number[] = [];
    m.readBlock(0x20000010, dst, 0, 3);
    assert.equal(dst, [2, 3, 4]);
    m.fill(0x20000020, 4, -1);
    m.copy(0x20000024, 0x20000020, 4);
    assert.is(m.read32(0x20000024), 0xffffffff);
  });
});

test("PeekPokeMemory: bad values, lengths, offsets, buffers and addresses are refused before any poke", () => {
  const bytes = new Uint8Array(64).fill(0x77);
  withPeekPoke(0x20000000, bytes, (calls) => {
    const m = new PeekPokeMemory(),
      A = 0x20000000;
    for (const v of [NaN, 1.5, "5", {}, null, undefined, 256, -129]) throwsCode(() => m.write8(A, v as any), "EINVAL", /value/);
    for (const v of [NaN, 0.5, "5", 65536, -32769]) throwsCode(() => m.write16(A, v as any), "EINVAL", /value/);
    for (const v of [NaN, 0.5, "5", 0x100000000, -0x80000001]) throwsCode(() => m.write32(A, v as any), "EINVAL", /value/);
    throwsCode(() => m.fill(A, 4, 300), "EINVAL", /value/);
    for (const a of [0, NaN, 0.5, -4, "0x20000000", undefined, 0x100000000]) {
      throwsCode(() => m.write8(a as any, 1), "EFAULT", /address/);
      throwsCode(() => m.write16(a as any, 1), "EFAULT", /address/);
      throwsCode(() => m.write32(a as any, 1), "EFAULT", /address/);
      throwsCode(() => m.read8(a as any), "EFAULT", /address/);
      throwsCode(() => m.read16(a as any), "EFAULT", /address/);
      throwsCode(() => m.read32(a as any), "EFAULT", /address/);
      throwsCode(() => m.fill(a as any, 4, 0), "EFAULT", /address/);
      throwsCode(() => m.writeBlock(a as any, [1], 0, 1), "EFAULT", /address/);
      throwsCode(() => m.copy(a as any, A, 4), "EFAULT", /address/);
      throwsCode(() => m.copy(A, a as any, 4), "EFAULT", /address/);
    }
    for (const len of [-1, 0.5, true, "4", undefined]) {
      throwsCode(() => m.readBlock(A, [], 0, len as any), "EINVAL", /len/);
      throwsCode(() => m.writeBlock(A, [1, 2, 3, 4], 0, len as any), "EINVAL", /len/);
      throwsCode(() => m.fill(A, len as any, 0), "EINVAL", /len/);
      throwsCode(() => m.copy(A + 8, A, len as any), "EINVAL", /len/);
    }
    throwsCode(() => m.readBlock(A, [], "12" as any, 4), "EINVAL", /off/);
    throwsCode(() => m.readBlock(A, null as any, 0, 4), "EINVAL", /dst.*null/);
    throwsCode(() => m.writeBlock(A, null as any, 0, 4), "EINVAL", /src.*null/);
    throwsCode(() => m.writeBlock(A, [1, 2], 0, 4), "EINVAL", /src/);
    assert.equal(
      calls.filter((c) => c.startsWith("poke")),
      [],
      "nothing was poked",
    );
    assert.ok(bytes.every((b) => b === 0x77));
  });
});

test("StatePower from a board's sections; the power-state helpers", () => {
  const b = handBoard([
    { name: "RAM0.S0", base: 0x20000000, size: 0x1000, gateable: false, retention_nA: 1 },
    { name: "RAM0.S1", base: 0x20001000, size: 0x1000, gateable: true, retention_nA: 1 },
  ]);
  const p = new StatePower(boardSectionSpecs(b));
  assert.equal([p.sectionName(0), p.sectionName(1), p.gateable(0), p.gateable(1)], ["RAM0.S0", "RAM0.S1", false, true]);
  p.setPower(1, POWER_RETAINED);
  assert.is(p.getPower(1), "retained");
  assert.equal([POWER_ON, POWER_OFF, POWER_RETAINED], ["on", "off", "retained"]);
  assert.ok(isPowerState("on") && isPowerState("off") && isPowerState("retained"));
  assert.not.ok(isPowerState("ON") || isPowerState("") || isPowerState(undefined) || isPowerState(0));
});

test.run();

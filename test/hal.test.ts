import { test } from "uvu";
import * as assert from "uvu/assert";
import { ArrayMemory, StatePower } from "../src/hal/array-memory.js";
import { POWER_ON, POWER_OFF, POWER_RETAINED, isPowerState } from "../src/hal/ports.js";
import { boardSectionSpecs } from "../src/core/board.js";
import { SimMcu } from "../sim/mcu.js";
import { handBoard } from "./support/hand-board.js";
import { memoryContract, powerContract, throwsCode, CONTRACT_SECTIONS } from "./support/memory-contract.js";

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
    { name: "RAM0.S1", base: 0x20000028, size: 88, gateable: true, retention_nA: 0 }
  ]);
  return { mem: new SimMcu(b), base: 0x20000000, size: 128 };
});

// ---- the Power-port contract -------------------------------------------------------

powerContract(test, "StatePower", (specs) => new StatePower(specs));
powerContract(test, "SimMcu", (specs) => new SimMcu(handBoard(specs.map((s) => ({ name: s.name, base: s.base, size: s.size, gateable: s.gateable, retention_nA: 0 })))));

// ---- ArrayMemory specifics ----------------------------------------------------------

test("ArrayMemory: base and size, zero-filled at start", () => {
  const m = new ArrayMemory(0x20000100, 64);
  assert.is(m.base, 0x20000100); assert.is(m.size, 64);
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
  for (const base of [0, -1, 1.5, 0x100000000, NaN, "0x20000000", undefined]) throwsCode(() => new ArrayMemory(base as any, 16), "EINVAL", /base/);
  for (const size of [0, -16, 1.5, 0x10000001, NaN, "16", undefined]) throwsCode(() => new ArrayMemory(0x20000000, size as any), "EINVAL", /size/);
  throwsCode(() => new ArrayMemory(0xfffffff0, 0x20), "EINVAL", /base \+ size must not pass 2\^32/);
  assert.is(new ArrayMemory(0xfffffff0, 0x10).size, 0x10);
});

// ---- StatePower specifics and the port helpers -------------------------------------

test("StatePower: EINVAL for bad section lists, naming the entry", () => {
  for (const bad of [[], null, undefined, 3]) throwsCode(() => new StatePower(bad as any), "EINVAL", /sections must be a non-empty array/);
  throwsCode(() => new StatePower("AB" as any), "EINVAL", /sections\[0\]\.base/);
  const s = (over: object) => CONTRACT_SECTIONS.map((x, i) => (i === 1 ? { ...x, ...over } : x));
  throwsCode(() => new StatePower(s({ base: 0 })), "EINVAL", /sections\[1\]\.base/);
  throwsCode(() => new StatePower(s({ size: 0 })), "EINVAL", /sections\[1\]\.size/);
  throwsCode(() => new StatePower(s({ base: 0x10f0 })), "EINVAL", /sections\[1\] overlaps or is out of address order/);
  throwsCode(() => new StatePower([CONTRACT_SECTIONS[1], CONTRACT_SECTIONS[0]]), "EINVAL", /out of address order/);
});

test("StatePower: sectionAt over one section and many", () => {
  const one = new StatePower([{ name: "X", base: 0x20000000, size: 0x1000, gateable: true }]);
  assert.equal([0x1fffffff, 0x20000000, 0x20000fff, 0x20001000].map((a) => one.sectionAt(a)), [-1, 0, 0, -1]);
  const specs = [];
  for (let i = 0; i < 22; i++) specs.push({ name: "S" + i, base: 0x20000000 + i * 0x1000, size: 0x1000, gateable: i > 0 });
  const many = new StatePower(specs);
  for (let i = 0; i < 22; i++) {
    assert.is(many.sectionAt(0x20000000 + i * 0x1000), i);
    assert.is(many.sectionAt(0x20000000 + i * 0x1000 + 0xfff), i);
  }
  assert.is(many.sectionAt(0x20016000), -1);
  // a bad address is in no section (it used to fall through both compares and match)
  for (const bad of [NaN, undefined, "x", {}]) {
    assert.is(one.sectionAt(bad as any), -1, String(bad));
    assert.is(many.sectionAt(bad as any), -1, String(bad));
  }
});

test("StatePower from a board's sections; the power-state helpers", () => {
  const b = handBoard([
    { name: "RAM0.S0", base: 0x20000000, size: 0x1000, gateable: false, retention_nA: 1 },
    { name: "RAM0.S1", base: 0x20001000, size: 0x1000, gateable: true, retention_nA: 1 }
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

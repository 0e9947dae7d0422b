import { test } from "uvu";
import * as assert from "uvu/assert";
import * as fc from "fast-check";
import { SimMcu, type BusFault } from "../sim/mcu.js";
import { Prng, mix32 } from "../sim/prng.js";
import { handBoard, type HandSection } from "./support/hand-board.js";
import { DEFAULT_BOARD, listBoards, loadBoard } from "../sim/boards.js";
import type { Board, BoardSection, Figure } from "../src/core/board.js";
import type { PowerState } from "../src/hal/ports.js";

// The hand-made board: two banks with a 256-byte unmapped gap between them.
const SECTIONS: HandSection[] = [
  { name: "RAM0.S0", base: 0x20000000, size: 0x100, gateable: false, retention_nA: 10 },
  { name: "RAM0.S1", base: 0x20000100, size: 0x100, gateable: true, retention_nA: 20 },
  { name: "RAM1.S0", base: 0x20000300, size: 0x200, gateable: true, retention_nA: 40 },
  { name: "RAM1.S1", base: 0x20000500, size: 0x80, gateable: true, retention_nA: 80 },
];
const GAP = 0x20000200,
  GAP_END = 0x20000300,
  END = 0x20000580;
const board = (): Board => handBoard(SECTIONS);
const mcu = (opts?: any) => new SimMcu(board(), opts);

/** The error `fn` throws (fails the test when it throws nothing). */
function caught(fn: () => unknown): any {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.unreachable("expected a throw");
}
/** `fn` throws a bus fault at `address` in `section` (null: unmapped). */
function busFault(fn: () => unknown, address: number, section: string | null, access: "read" | "write"): BusFault {
  const e = caught(fn) as BusFault;
  assert.is(e.code, "EFAULT");
  assert.ok(Object.is(e.address, address), "fault address " + e.address + ", expected " + address);
  assert.is(e.section, section, "fault section");
  assert.is(e.access, access);
  return e;
}
const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), what + ": " + actual + " != " + expected);
const bytesOf = (m: SimMcu, a: number, n: number) => {
  const b = new Uint8Array(n);
  m.readBlock(a, b, 0, n);
  return b;
};
const isZero = (b: Uint8Array) => b.every((x) => x === 0);

// ---- address decoding ------------------------------------------------------

test("decoding: every section's first and last byte maps to that section, reads back what was written", () => {
  const m = mcu();
  for (let i = 0; i < SECTIONS.length; i++) {
    const s = SECTIONS[i],
      first = s.base,
      last = s.base + s.size - 1;
    assert.is(m.sectionAt(first), i);
    assert.is(m.sectionAt(last), i);
    m.write8(first, 0x11 + i);
    m.write8(last, 0x22 + i);
    assert.is(m.read8(first), 0x11 + i);
    assert.is(m.read8(last), 0x22 + i);
    const c = m.counters()[s.name];
    assert.equal([c.reads, c.readBytes, c.writes, c.writeBytes, c.faults], [2, 2, 2, 2, 0]);
    assert.is(m.sectionBase(i), s.base);
    assert.is(m.sectionSize(i), s.size);
    assert.is(m.sectionName(i), s.name);
    assert.is(m.gateable(i), s.gateable);
    assert.is(m.sectionIndex(s.name), i);
  }
  assert.is(m.sectionCount(), 4);
  assert.is(m.sectionIndex("RAM9.S9"), -1);
});

test("decoding: gaps, addresses below and above RAM, and non-addresses are unmapped", () => {
  const m = mcu();
  for (const a of [0x1fffffff, GAP, GAP + 0x80, GAP_END - 1, END, 0xffffffff, 0, 1]) {
    assert.is(m.sectionAt(a), -1, "sectionAt 0x" + a.toString(16));
    busFault(() => m.read8(a), a, null, "read");
    busFault(() => m.write32(a, 1), a, null, "write");
  }
  for (const a of [0x20000000 + 0.5, -1, NaN, 0x100000000 + 0x20000000, Infinity]) {
    assert.is(m.sectionAt(a), -1);
    busFault(() => m.read8(a), a, null, "read");
    busFault(() => m.read16(a), a, null, "read");
  }
  assert.is(m.totals().unmappedFaults, 8 * 2 + 5 * 2);
  assert.is(m.totals().faults, 26);
});

test("decoding: non-addresses next to the cached section fault on every width, reads and writes, and change nothing", () => {
  const m = mcu({ initial: "zero" });
  // Fractions, values beyond 32 bits and negative numbers whose offset from
  // the cached section's base looks aligned (or in range) once truncated to
  // 32 bits: the fast paths must not take them.
  const bad = [0x20000004 + 0.5, 0x20000000 + 0.25, 0x100000000 + 0x20000008, 0x20000000 - 0x100000000 + 4, -4, 0x20000000 + 4 + 2 ** -20];
  for (const a of bad) {
    m.write32(0x20000008, 0x11223344); // RAM0.S0 is the cached section
    busFault(() => m.read32(a), a, null, "read");
    busFault(() => m.write32(a, 0xdeadbeef), a, null, "write");
    busFault(() => m.read16(a), a, null, "read");
    busFault(() => m.write16(a, 0xbeef), a, null, "write");
    busFault(() => m.read8(a), a, null, "read");
    busFault(() => m.write8(a, 0xef), a, null, "write");
  }
  assert.equal([...bytesOf(m, 0x20000000, 16)], [0, 0, 0, 0, 0, 0, 0, 0, 0x44, 0x33, 0x22, 0x11, 0, 0, 0, 0]);
  const c = m.counters()["RAM0.S0"];
  assert.equal([c.reads, c.writes, c.writeBytes, c.faults], [1, bad.length, 4 * bad.length, 0]);
  assert.is(m.totals().unmappedFaults, 6 * bad.length);
});

test("decoding: an access straddling two on sections is split between them, little-endian", () => {
  const m = mcu();
  m.write32(0x200000fe, 0xa1b2c3d4);
  assert.equal([...bytesOf(m, 0x200000fe, 4)], [0xd4, 0xc3, 0xb2, 0xa1]);
  assert.is(m.read32(0x200000fe), 0xa1b2c3d4);
  assert.is(m.read16(0x200000ff), 0xb2c3);
  const c = m.counters();
  assert.equal([c["RAM0.S0"].writes, c["RAM0.S0"].writeBytes, c["RAM0.S1"].writes, c["RAM0.S1"].writeBytes], [1, 2, 1, 2]);
  // reads: read32 (2+2), readBlock (2+2), read16 (1+1)
  assert.equal([c["RAM0.S0"].reads, c["RAM0.S0"].readBytes, c["RAM0.S1"].reads, c["RAM0.S1"].readBytes], [3, 5, 3, 5]);
  // a block over three sections and a gap is not allowed, but over two adjacent ones it is
  const src = new Uint8Array(0x180).map((_, i) => i & 0xff);
  m.writeBlock(0x20000080, src, 0, 0x180);
  assert.equal(bytesOf(m, 0x20000080, 0x180), src);
  m.fill(0x200000f0, 0x20, 0x5a);
  assert.is(m.read32(0x200000fc), 0x5a5a5a5a);
  m.copy(0x20000010, 0x200000f8, 16);
  assert.equal(bytesOf(m, 0x20000010, 16), bytesOf(m, 0x200000f8, 16));
});

test("decoding: an access straddling into a gap or a section that is not on faults on that byte and changes nothing", () => {
  const m = mcu();
  m.write32(0x200001fc, 0x01020304);
  const e = busFault(() => m.write32(0x200001fe, 0xffffffff), GAP, null, "write");
  assert.is(e.accessAddress, 0x200001fe);
  assert.is(e.width, 4);
  assert.is(m.read32(0x200001fc), 0x01020304, "nothing written before the gap");
  busFault(() => m.read16(GAP_END - 1), GAP_END - 1, null, "read");
  busFault(() => m.readBlock(0x200001f0, [], 0, 0x20), GAP, null, "read");
  m.write8(0x200000ff, 0x77);
  m.setPower(1, "off");
  busFault(() => m.write16(0x200000ff, 0x1234), 0x20000100, "RAM0.S1", "write");
  busFault(() => m.read32(0x200000fd), 0x20000100, "RAM0.S1", "read");
  busFault(() => m.fill(0x20000000, 0x101, 0), 0x20000100, "RAM0.S1", "write");
  assert.is(m.read8(0x200000ff), 0x77, "the on section's byte is unchanged");
  assert.is(m.read8(0x20000000) !== undefined, true);
  assert.is(m.counters()["RAM0.S0"].writes, 1, "rejected writes count no write access");
  assert.is(m.counters()["RAM0.S1"].faults, 3);
});

test("copy: memmove within and across sections, both overlap directions, faults on either side change nothing", () => {
  const m = mcu();
  const pat = new Uint8Array(64).map((_, i) => i + 1);
  m.writeBlock(0x200000e0, pat, 0, 64); // straddles RAM0.S0/S1
  m.copy(0x200000e8, 0x200000e0, 40); // forward overlap, across the boundary
  assert.equal(bytesOf(m, 0x200000e8, 40), pat.slice(0, 40));
  m.writeBlock(0x200000e0, pat, 0, 64);
  m.copy(0x200000e0, 0x200000e8, 40); // backward overlap
  assert.equal(bytesOf(m, 0x200000e0, 40), pat.slice(8, 48));
  m.copy(0x20000300, 0x200000e0, 64); // into another bank
  assert.equal(bytesOf(m, 0x20000300, 64), bytesOf(m, 0x200000e0, 64));
  m.setPower(2, "retained");
  const before = bytesOf(m, 0x200000e0, 64);
  busFault(() => m.copy(0x200000e0, 0x20000300, 8), 0x20000300, "RAM1.S0", "read");
  busFault(() => m.copy(0x20000300, 0x200000e0, 8), 0x20000300, "RAM1.S0", "write");
  busFault(() => m.copy(0x200001fc, 0x20000000, 8), GAP, null, "write");
  assert.equal(bytesOf(m, 0x200000e0, 64), before);
  m.setPower(2, "on");
  assert.equal(bytesOf(m, 0x20000300, 64), before, "retained contents survived the failed copies");
});

// ---- faults, strict and lenient -------------------------------------------

test("strict fault: EFAULT naming the address in hex, the access and the section", () => {
  const m = mcu();
  m.setPower(2, "off");
  const e = busFault(() => m.read32(0x20000310), 0x20000310, "RAM1.S0", "read");
  assert.instance(e, Error);
  assert.is(e.width, 4);
  assert.is(e.state, "off");
  assert.is(e.accessAddress, 0x20000310);
  assert.match(e.message, /^EFAULT: bus fault: 4-byte read at 0x20000310 hits section RAM1\.S0, which is off$/);
  const u = busFault(() => m.write16(0x1ffffffe, 1), 0x1ffffffe, null, "write");
  assert.match(u.message, /2-byte write at 0x1ffffffe hits an unmapped address/);
  assert.is(u.state, null);
  const s = busFault(() => m.write32(0x200002fe, 0), 0x200002fe, null, "write");
  assert.match(s.message, /4-byte write at 0x200002fe hits an unmapped/);
  const straddle = busFault(() => m.read32(0x200002fe), 0x200002fe, null, "read");
  assert.is(straddle.accessAddress, 0x200002fe);
  const into = busFault(() => m.readBlock(0x200001fe, new Uint8Array(4), 0, 4), GAP, null, "read");
  assert.match(into.message, /4-byte read at 0x200001fe \(byte 0x20000200\) hits an unmapped address/);
  m.setPower(3, "retained");
  const r = busFault(() => m.write8(0x20000500, 1), 0x20000500, "RAM1.S1", "write");
  assert.match(r.message, /RAM1\.S1, which is retained/);
});

test("lenient: reads of unmapped or unpowered bytes give pseudo-random garbage, writes are dropped, faults are counted", () => {
  const m = mcu({ strict: false });
  assert.is(m.strict, false);
  const seen = new Set<number>();
  for (let i = 0; i < 64; i++) seen.add(m.read8(GAP + i));
  assert.ok(seen.size > 16, "garbage varies: " + seen.size + " distinct values");
  const words = [0, 1, 2, 3].map(() => m.read32(END));
  assert.ok(words.some((w) => w !== 0) && new Set(words).size > 1, "word garbage is neither 0 nor fixed");
  m.write32(GAP, 0x12345678);
  assert.is(m.totals().unmappedFaults, 64 + 4 + 1);
  m.write8(0x20000310, 0xab);
  m.setPower(2, "retained");
  m.write8(0x20000310, 0xcd); // dropped
  const g = m.read8(0x20000310); // garbage, counted
  assert.is(typeof g, "number");
  assert.ok(g >= 0 && g <= 255);
  m.setPower(2, "on");
  assert.is(m.read8(0x20000310), 0xab, "the dropped write did not reach retained RAM");
  // a straddling write lands in the on part only
  m.write32(0x200001fe, 0xddccbbaa);
  assert.is(m.read16(0x200001fe), 0xbbaa);
  const c = m.counters()["RAM1.S0"];
  assert.equal([c.faults, c.writes, c.reads], [2, 1, 1]);
  assert.is(m.counters()["RAM0.S1"].faults, 0);
  assert.is(m.totals().faults, 64 + 4 + 1 + 2 + 1);
  // the same seed gives the same garbage
  const a = new SimMcu(board(), { strict: false, seed: 9 }),
    b = new SimMcu(board(), { strict: false, seed: 9 });
  assert.equal([a.read32(GAP), a.read32(GAP)], [b.read32(GAP), b.read32(GAP)]);
});

// ---- power states ------------------------------------------------------------

test("power-off loses contents: after power-on the section holds a seeded pattern, not zeros", () => {
  const m = mcu({ seed: 42 });
  m.fill(0x20000100, 0x100, 0);
  m.setPower(1, "off");
  assert.is(m.getPower(1), "off");
  m.setPower(1, "on");
  const p1 = bytesOf(m, 0x20000100, 0x100);
  assert.not.ok(isZero(p1), "not zeros");
  assert.ok(new Set(p1).size > 100, "looks random");
  m.setPower(1, "off");
  m.setPower(1, "on");
  const p2 = bytesOf(m, 0x20000100, 0x100);
  assert.not.equal(p2, p1, "differs per power cycle");
  // deterministic per seed, different per seed and per section
  const same = mcu({ seed: 42 });
  same.setPower(1, "off");
  same.setPower(1, "on");
  assert.equal(bytesOf(same, 0x20000100, 0x100), p1, "same seed, same pattern");
  const other = mcu({ seed: 43 });
  other.setPower(1, "off");
  other.setPower(1, "on");
  assert.not.equal(bytesOf(other, 0x20000100, 0x100), p1, "other seed, other pattern");
  same.setPower(2, "off");
  same.setPower(2, "on");
  assert.not.equal(bytesOf(same, 0x20000300, 0x100), p1, "other section, other pattern");
  // retained -> off loses too; off -> retained -> on gives the lost pattern
  m.fill(0x20000100, 0x100, 0x33);
  m.setPower(1, "retained");
  m.setPower(1, "off");
  m.setPower(1, "retained");
  m.setPower(1, "on");
  const p3 = bytesOf(m, 0x20000100, 0x100);
  assert.not.ok(p3.every((x) => x === 0x33));
  assert.not.ok(isZero(p3));
});

test('power-up contents are the cycle-0 pattern (or zeros with initial: "zero")', () => {
  const m = mcu({ seed: 7 });
  for (let i = 0; i < SECTIONS.length; i++) assert.not.ok(isZero(bytesOf(m, SECTIONS[i].base, SECTIONS[i].size)));
  assert.equal(bytesOf(mcu({ seed: 7 }), 0x20000000, 0x100), bytesOf(m, 0x20000000, 0x100));
  const z = mcu({ initial: "zero" });
  for (let i = 0; i < SECTIONS.length; i++) assert.ok(isZero(bytesOf(z, SECTIONS[i].base, SECTIONS[i].size)));
});

test("a lost section is never all zeros, even a 1-byte one", () => {
  const tiny = handBoard([{ name: "T.S0", base: 0x1000, size: 1, gateable: true, retention_nA: 1 }]);
  for (let seed = 0; seed < 600; seed++) {
    const m = new SimMcu(tiny, { seed });
    for (let k = 0; k < 3; k++) {
      m.setPower(0, "off");
      m.setPower(0, "on");
      assert.ok(m.read8(0x1000) !== 0, "seed " + seed + " cycle " + k);
    }
  }
});

test("retained: contents survive, and every access faults while retained", () => {
  const m = mcu();
  const data = new Uint8Array(0x200).map((_, i) => (i * 7) & 0xff);
  m.writeBlock(0x20000300, data, 0, 0x200);
  m.setPower(2, "retained");
  assert.is(m.getPower(2), "retained");
  busFault(() => m.read8(0x20000300), 0x20000300, "RAM1.S0", "read");
  busFault(() => m.read8(0x200004ff), 0x200004ff, "RAM1.S0", "read");
  busFault(() => m.write32(0x20000400, 0), 0x20000400, "RAM1.S0", "write");
  busFault(() => m.fill(0x20000300, 4, 0), 0x20000300, "RAM1.S0", "write");
  busFault(() => m.read32(0x200004fe), 0x200004fe, "RAM1.S0", "read"); // straddles into RAM1.S1 (on)
  m.setPower(2, "on");
  assert.equal(bytesOf(m, 0x20000300, 0x200), data);
});

test("non-gateable section: EPERM for off and retained, on is allowed, nothing changes", () => {
  const m = mcu();
  m.write8(0x20000000, 0x42);
  for (const st of ["off", "retained"] as PowerState[]) {
    const e = caught(() => m.setPower(0, st));
    assert.is(e.code, "EPERM");
    assert.match(e.message, /RAM0\.S0/);
    assert.is(m.getPower(0), "on");
  }
  m.setPower(0, "on");
  assert.is(m.read8(0x20000000), 0x42);
  assert.equal(m.events(), []);
});

test("bad arguments: EINVAL naming the argument, nothing changed", () => {
  const m = mcu();
  for (const i of [-1, 4, 1.5, NaN, "1", null, undefined]) {
    for (const call of [
      () => m.setPower(i as any, "off"),
      () => m.getPower(i as any),
      () => m.sectionBase(i as any),
      () => m.sectionSize(i as any),
      () => m.sectionName(i as any),
      () => m.gateable(i as any),
    ]) {
      const e = caught(call);
      assert.is(e.code, "EINVAL");
      assert.match(e.message, /section must be an index in \[0, 3\]/);
    }
  }
  for (const st of ["sleep", "", undefined, 1, "ON"]) {
    const e = caught(() => m.setPower(1, st as any));
    assert.is(e.code, "EINVAL");
    assert.match(e.message, /state must be "on", "off" or "retained"/);
  }
  assert.is(m.getPower(1), "on");
  const mode = caught(() => m.setMode("deepsleep"));
  assert.is(mode.code, "EINVAL");
  assert.match(mode.message, /mode must be one of sleep, run, sysoff; got deepsleep/);
  assert.is(m.mode(), "sleep");
  for (const s of [-1, NaN, Infinity, "1", undefined]) {
    const e = caught(() => m.advance(s as any));
    assert.is(e.code, "EINVAL");
    assert.match(e.message, /seconds must be a finite number >= 0/);
  }
  assert.is(m.now(), 0);
  for (const len of [-1, 1.5, NaN, "4"]) {
    for (const call of [
      () => m.readBlock(0x20000000, [], 0, len as any),
      () => m.writeBlock(0x20000000, [], 0, len as any),
      () => m.fill(0x20000000, len as any, 0),
      () => m.copy(0x20000000, 0x20000010, len as any),
    ]) {
      const e = caught(call);
      assert.is(e.code, "EINVAL");
      assert.match(e.message, /len must be a non-negative integer/);
    }
  }
  assert.match(caught(() => m.sectionsInRange(-1, 4)).message, /base must be/);
  assert.match(caught(() => m.sectionsInRange(0x20000000, -4)).message, /size must be/);
  assert.equal(m.totals(), { reads: 0, readBytes: 0, writes: 0, writeBytes: 0, faults: 0, unmappedFaults: 0 });
  assert.equal(m.events(), []);
});

test("constructor: bad options and bad boards are EINVAL naming the field", () => {
  const bad = (fn: () => unknown, re: RegExp) => {
    const e = caught(fn);
    assert.is(e.code, "EINVAL");
    assert.match(e.message, re);
  };
  bad(() => mcu({ seed: 1.5 }), /seed must be an integer/);
  bad(() => mcu({ mode: "nap" }), /mode must be one of sleep, run, sysoff; got nap/);
  bad(() => mcu({ initial: "ones" }), /initial must be "random" or "zero"/);
  const b1 = board();
  b1.defaultMode = "nap";
  bad(() => new SimMcu(b1), /board\.defaultMode must be one of/);
  const b2 = board();
  b2.sections[2].base = 0x200001f0;
  bad(() => new SimMcu(b2), /board\.sections\[2\] \(RAM1\.S0\) overlaps/);
  const b3 = board();
  b3.sections[1].retention = { value: 20, unit: "amps" };
  bad(() => new SimMcu(b3), /board\.sections\[1\]\.retention must be a figure/);
  const b4 = board();
  b4.sections[0].size = 0;
  bad(() => new SimMcu(b4), /board\.sections\[0\]\.size/);
  const b5 = board();
  b5.voltage = { value: -3, unit: "V" };
  bad(() => new SimMcu(b5), /board\.voltage must be a figure/);
  const b6 = board();
  b6.sections = [];
  bad(() => new SimMcu(b6), /board\.sections must be a non-empty array/);
  const b7 = board();
  b7.sections[3].name = "RAM0.S0";
  bad(() => new SimMcu(b7), /RAM0\.S0 is used twice/);
  assert.is(mcu({ mode: "run" }).mode(), "run");
});

test("sectionsInRange: the sections overlapping a range, in order", () => {
  const m = mcu();
  assert.equal(m.sectionsInRange(0x20000000, 0x580), [0, 1, 2, 3]);
  assert.equal(m.sectionsInRange(0x200000ff, 2), [0, 1]);
  assert.equal(m.sectionsInRange(0x20000100, 0x100), [1]);
  assert.equal(m.sectionsInRange(GAP, 0x100), []);
  assert.equal(m.sectionsInRange(GAP, 0x101), [2]);
  assert.equal(m.sectionsInRange(0x200004ff, 1), [2]);
  assert.equal(m.sectionsInRange(0x10000000, 0x10000000), []);
  assert.equal(m.sectionsInRange(0x1fffff00, 0x101), [0]);
  assert.equal(m.sectionsInRange(0x20000000, 0), []);
  assert.equal(m.sectionsInRange(END, 0x1000), []);
});

// ---- counters -------------------------------------------------------------------

test("counters: accesses and bytes per section, faults, totals, reset", () => {
  const m = mcu();
  m.write32(0x20000000, 1);
  m.write16(0x20000004, 2);
  m.write8(0x20000006, 3);
  m.read32(0x20000000);
  m.read8(0x20000006);
  m.writeBlock(0x20000300, [1, 2, 3, 4, 5], 0, 5);
  m.readBlock(0x20000300, [], 0, 3);
  m.fill(0x20000500, 0x80, 9);
  m.copy(0x20000300, 0x20000500, 16); // read RAM1.S1, write RAM1.S0
  m.readBlock(0x20000000, [], 0, 0); // zero length: no access
  m.setPower(1, "off");
  caught(() => m.read8(0x20000100));
  caught(() => m.read8(GAP));
  const c = m.counters();
  assert.equal(c["RAM0.S0"], { reads: 2, readBytes: 5, writes: 3, writeBytes: 7, faults: 0 });
  assert.equal(c["RAM0.S1"], { reads: 0, readBytes: 0, writes: 0, writeBytes: 0, faults: 1 });
  assert.equal(c["RAM1.S0"], { reads: 1, readBytes: 3, writes: 2, writeBytes: 21, faults: 0 });
  assert.equal(c["RAM1.S1"], { reads: 1, readBytes: 16, writes: 1, writeBytes: 0x80, faults: 0 });
  assert.equal(m.totals(), { reads: 4, readBytes: 24, writes: 6, writeBytes: 7 + 21 + 0x80, faults: 2, unmappedFaults: 1 });
  c["RAM0.S0"].reads = 99;
  assert.is(m.counters()["RAM0.S0"].reads, 2, "counters() returns a copy");
  m.resetCounters();
  assert.equal(m.totals(), { reads: 0, readBytes: 0, writes: 0, writeBytes: 0, faults: 0, unmappedFaults: 0 });
  assert.is(m.getPower(1), "off", "reset keeps power states");
});

// ---- clock, energy, events ---------------------------------------------------

test("clock and energy: exact integral over several power configurations and modes", () => {
  const m = mcu();
  assert.is(m.now(), 0);
  assert.is(m.mode(), "sleep");
  // sleep, all on: 1.5 µA + (10+20+40+80) nA = 1.65 µA
  close(m.current(), 1.65, "current all on");
  m.advance(10);
  // RAM1.S0 off, RAM0.S1 retained (still draws): 1.5 + 0.110
  m.setPower(2, "off");
  m.setPower(1, "retained");
  close(m.current(), 1.61, "current with one off");
  m.advance(4);
  // run: base only (100 µA), retention not counted
  m.setMode("run");
  close(m.current(), 100, "run current");
  m.advance(2);
  // sysoff with RAM1.S1 off too: 0.3 + (10+20) nA
  m.setMode("sysoff");
  m.setPower(3, "off");
  close(m.current(), 0.33, "sysoff current");
  m.advance(100);
  m.advance(0);
  close(m.now(), 116, "clock");
  const e = m.energy();
  close(e.seconds, 116, "seconds");
  close(e.charge_uC, 16.5 + 6.44 + 200 + 33, "charge");
  close(e.base_uC, 15 + 6 + 200 + 30, "base charge");
  close(e.retention_uC, 1.5 + 0.44 + 3, "retention charge");
  close(e.energy_uJ, 3 * 255.94, "energy");
  assert.is(e.voltage_V, 3);
  close(e.byMode.sleep.seconds, 14, "sleep s");
  close(e.byMode.sleep.charge_uC, 22.94, "sleep q");
  close(e.byMode.sleep.energy_uJ, 68.82, "sleep E");
  close(e.byMode.run.seconds, 2, "run s");
  close(e.byMode.run.charge_uC, 200, "run q");
  close(e.byMode.sysoff.seconds, 100, "sysoff s");
  close(e.byMode.sysoff.charge_uC, 33, "sysoff q");
  const s = e.bySection;
  close(s["RAM0.S0"].charge_uC, 0.01 * 114, "RAM0.S0 q");
  close(s["RAM0.S1"].charge_uC, 0.02 * 114, "RAM0.S1 q");
  close(s["RAM1.S0"].charge_uC, 0.04 * 10, "RAM1.S0 q");
  close(s["RAM1.S1"].charge_uC, 0.08 * 14, "RAM1.S1 q");
  close(s["RAM1.S1"].energy_uJ, 3 * 0.08 * 14, "RAM1.S1 E");
  assert.equal([s["RAM0.S1"].onSeconds, s["RAM0.S1"].retainedSeconds, s["RAM0.S1"].offSeconds], [10, 106, 0]);
  assert.equal([s["RAM1.S0"].onSeconds, s["RAM1.S0"].retainedSeconds, s["RAM1.S0"].offSeconds], [10, 0, 106]);
  assert.equal([s["RAM1.S1"].onSeconds, s["RAM1.S1"].offSeconds], [16, 100]);
  assert.equal(
    e.sources.map((u) => u.figure),
    [
      "voltage",
      "modes.sleep.current",
      "modes.run.current",
      "modes.sysoff.current",
      "sections.RAM0.S0.retention",
      "sections.RAM0.S1.retention",
      "sections.RAM1.S0.retention",
      "sections.RAM1.S1.retention",
    ],
  );
  assert.equal(e.sources[1], { figure: "modes.sleep.current", value: 1.5, unit: "uA", source: "hand-made table, sleep" });
  assert.equal(e.sources[4], { figure: "sections.RAM0.S0.retention", value: 10, unit: "nA", derived: "hand-made: 10 nA for RAM0.S0" });
});

test("energy: other voltage, units and a figure never used is not listed", () => {
  const b = handBoard(
    [
      { name: "A.S0", base: 0x10000000, size: 0x8000, gateable: true, retention_nA: 250 },
      { name: "B.S0", base: 0x20000000, size: 0x1000, gateable: true, retention_nA: 5 },
    ],
    { stop: { current_uA: 2, retentionApplies: true }, standby: { current_uA: 0.5, retentionApplies: true } },
    1.8,
  );
  b.modes.standby.current = { value: 500, unit: "nA", source: "datasheet" };
  b.sections[0].retention = { value: 0.25, unit: "uA", derived: "0.25 uA" };
  const m = new SimMcu(b, { mode: "standby" });
  m.setPower(1, "off");
  m.advance(3600);
  close(m.current(), 0.75, "current");
  const e = m.energy();
  close(e.charge_uC, 0.75 * 3600, "charge");
  close(e.energy_uJ, 0.75 * 3600 * 1.8, "energy");
  close(e.byMode.stop.charge_uC, 0, "unused mode");
  assert.equal(
    e.sources.map((u) => u.figure),
    ["voltage", "modes.standby.current", "sections.A.S0.retention"],
  );
  assert.is(new SimMcu(b).energy().sources.length, 1, "nothing but the voltage before time passes");
});

test("events: power transitions and mode changes with their times, copies, no-ops not logged", () => {
  const m = mcu();
  m.advance(1.5);
  m.setPower(2, "off");
  m.setPower(2, "off"); // no change: not logged
  m.setPower(1, "retained");
  m.advance(2.5);
  m.setMode("run");
  m.setMode("run"); // no change
  m.setPower(1, "on");
  m.setMode("sleep");
  const ev = m.events();
  assert.equal(ev, [
    { t: 1.5, kind: "power", section: "RAM1.S0", index: 2, from: "on", to: "off" },
    { t: 1.5, kind: "power", section: "RAM0.S1", index: 1, from: "on", to: "retained" },
    { t: 4, kind: "mode", from: "sleep", to: "run" },
    { t: 4, kind: "power", section: "RAM0.S1", index: 1, from: "retained", to: "on" },
    { t: 4, kind: "mode", from: "run", to: "sleep" },
  ]);
  ev[0].t = 99;
  assert.is(m.events()[0].t, 1.5, "events() returns copies");
});

// ---- model-based: random accesses and power changes against a byte model -----

test("model: random accesses and power changes match a byte-level reference", () => {
  const interesting: number[] = [];
  for (const s of SECTIONS)
    for (let d = -4; d <= 4; d++) {
      interesting.push(s.base + d, s.base + s.size + d);
    }
  const addr = fc.oneof(fc.constantFrom(...interesting), fc.integer({ min: 0x1ffffff0, max: END + 8 }));
  const op = fc.oneof(
    fc.record({ k: fc.constant("w"), a: addr, n: fc.constantFrom(1, 2, 4), v: fc.nat(0xffffffff) }),
    fc.record({ k: fc.constant("r"), a: addr, n: fc.constantFrom(1, 2, 4) }),
    fc.record({ k: fc.constant("wb"), a: addr, n: fc.nat(20), v: fc.nat(255) }),
    fc.record({ k: fc.constant("rb"), a: addr, n: fc.nat(20) }),
    fc.record({ k: fc.constant("fill"), a: addr, n: fc.nat(20), v: fc.nat(255) }),
    fc.record({ k: fc.constant("copy"), a: addr, b: addr, n: fc.nat(20) }),
    fc.record({ k: fc.constant("p"), i: fc.integer({ min: 1, max: 3 }), st: fc.constantFrom("on", "off", "retained") }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 40 }), fc.nat(), (ops, seed) => {
      const m = new SimMcu(board(), { seed, initial: "zero" });
      const known = new Map<number, number>(); // byte address -> value, where the model knows it
      const state: string[] = ["on", "on", "on", "on"];
      for (let a = 0x20000000; a < END; a++) if (m.sectionAt(a) >= 0) known.set(a, 0);
      const bad = (a: number, n: number) => {
        for (let x = a; x < a + n; x++) {
          const s = m.sectionAt(x);
          if (s < 0 || state[s] !== "on") return x;
        }
        return -1;
      };
      const expectFault = (fn: () => unknown, at: number) => {
        const e = caught(fn);
        assert.is(e.code, "EFAULT");
        assert.is(e.address, at);
      };
      const checkRead = (a: number, got: number[]) =>
        got.forEach((v, j) => {
          if (known.has(a + j)) assert.is(v, known.get(a + j), "byte 0x" + (a + j).toString(16));
        });
      for (const o of ops as any[]) {
        if (o.k === "p") {
          m.setPower(o.i, o.st);
          if (o.st === "off" && state[o.i] !== "off")
            for (let x = SECTIONS[o.i].base; x < SECTIONS[o.i].base + SECTIONS[o.i].size; x++) known.delete(x);
          state[o.i] = o.st;
          continue;
        }
        const n = o.n,
          at = bad(o.a, n);
        if (o.k === "copy") {
          const atD = bad(o.a, n),
            atS = bad(o.b, n);
          if (n > 0 && (atD >= 0 || atS >= 0)) {
            expectFault(() => m.copy(o.a, o.b, n), atD >= 0 ? atD : atS);
            continue;
          }
          m.copy(o.a, o.b, n);
          const vals: (number | undefined)[] = [];
          for (let j = 0; j < n; j++) vals.push(known.get(o.b + j));
          vals.forEach((v, j) => {
            if (v === undefined) known.delete(o.a + j);
            else known.set(o.a + j, v);
          });
          continue;
        }
        if (at >= 0 && n > 0) {
          const call: Record<string, () => unknown> = {
            w: () => (n === 1 ? m.write8(o.a, o.v) : n === 2 ? m.write16(o.a, o.v) : m.write32(o.a, o.v)),
            r: () => (n === 1 ? m.read8(o.a) : n === 2 ? m.read16(o.a) : m.read32(o.a)),
            wb: () => m.writeBlock(o.a, new Array(n).fill(o.v), 0, n),
            rb: () => m.readBlock(o.a, [], 0, n),
            fill: () => m.fill(o.a, n, o.v),
          };
          expectFault(call[o.k], at);
          continue;
        }
        if (o.k === "w") {
          if (n === 1) m.write8(o.a, o.v);
          else if (n === 2) m.write16(o.a, o.v);
          else m.write32(o.a, o.v);
          for (let j = 0; j < n; j++) known.set(o.a + j, Math.floor(o.v / 2 ** (8 * j)) & 0xff);
        } else if (o.k === "r") {
          const v = n === 1 ? m.read8(o.a) : n === 2 ? m.read16(o.a) : m.read32(o.a);
          checkRead(
            o.a,
            [0, 1, 2, 3].slice(0, n).map((j) => Math.floor(v / 2 ** (8 * j)) & 0xff),
          );
        } else if (o.k === "rb") {
          const got: number[] = [];
          m.readBlock(o.a, got, 0, n);
          checkRead(o.a, got);
        } else {
          if (o.k === "wb") m.writeBlock(o.a, new Array(n).fill(o.v), 0, n);
          else m.fill(o.a, n, o.v);
          for (let j = 0; j < n; j++) known.set(o.a + j, o.v);
        }
      }
    }),
    { numRuns: 150 },
  );
});

// ---- the PRNG ----------------------------------------------------------------

test("prng: deterministic per seed, mix32 spreads its inputs", () => {
  const a = new Prng(5),
    b = new Prng(5),
    c = new Prng(6);
  const sa = [a.next32(), a.next32(), a.next32()];
  assert.equal(sa, [b.next32(), b.next32(), b.next32()]);
  assert.not.equal(sa, [c.next32(), c.next32(), c.next32()]);
  assert.ok(sa.every((x) => x >= 0 && x <= 0xffffffff && Math.floor(x) === x));
  assert.not.equal(mix32(1, 2), mix32(2, 1));
  assert.not.equal(mix32(1, 0), mix32(1, 1));
  const buf = new Uint8Array(7);
  assert.ok(new Prng(1).fillBytes(buf, 0, 7) !== 0 && !isZero(buf));
});

test("prng: the sequence is pinned (every lost pattern and workload depends on it), for seeds of every range", () => {
  const first3 = (seed: number) => {
    const p = new Prng(seed);
    return [p.next32(), p.next32(), p.next32()];
  };
  assert.equal(first3(1), [2693262067, 11749833, 2265367787]);
  assert.equal(first3(0xdeadbeef), [4043151706, 1147597007, 3315858022]);
  assert.equal(first3(0x80000000), [3524353788, 1924613307, 3365584844]);
  assert.equal(first3(2 ** 32 + 7), [50271532, 266108690, 4195786334], "low 32 bits of the seed");
  assert.equal(first3(-3), [2202431144, 1998219081, 429257462], "a negative seed: its low 32 bits");
  const w = new Int32Array(3);
  assert.is(new Prng(0xffffffff).fillWords(w), -134219785);
  assert.equal([...w], [-444861485, 813802916, -1221262448], "fillWords: the words next32 gives, as signed elements");
  const p = new Prng(0xffffffff);
  assert.equal([p.next32() | 0, p.next32() | 0, p.next32() | 0], [...w]);
});

// ---- the real boards ------------------------------------------------------------

const UA: Record<string, number> = { A: 1e6, mA: 1e3, uA: 1, "\u00b5A": 1, nA: 1e-3, pA: 1e-6 };
/** A board figure in µA, computed independently of the simulator (plain decimal scaling). */
const uA = (f: Figure): number => (f.unit === "nA" ? f.value / 1000 : f.unit === "mA" ? f.value * 1000 : f.value);
/** Section `s`'s retention figure in mode `m`. */
const retentionIn = (s: BoardSection, m: string): Figure => (s.retentionByMode && s.retentionByMode[m]) || s.retention;

for (const name of ["BANGLEJS2", "PUCKJS"]) {
  test("real board " + name + ": decoding, gating and the energy formula over its own figures", () => {
    const b: Board = loadBoard(name);
    const m = new SimMcu(b);
    assert.is(m.sectionCount(), b.sections.length);
    assert.is(b.sections.length, name === "BANGLEJS2" ? 22 : 16, "nRF52840: 8x2 + 6 sections; nRF52832: 8x2");
    for (let i = 0; i < b.sections.length; i++) {
      const s = b.sections[i];
      for (const a of [s.base, s.base + s.size - 1]) {
        assert.is(m.sectionAt(a), i);
        m.write8(a, i);
        assert.is(m.read8(a), i);
      }
      const below = s.base - 1,
        prev = b.sections[i - 1];
      if (!prev || prev.base + prev.size <= below) busFault(() => m.read8(below), below, null, "read");
      else assert.is(m.sectionAt(below), i - 1);
    }
    const last = b.sections[b.sections.length - 1];
    busFault(() => m.read8(last.base + last.size), last.base + last.size, null, "read");
    const g = b.sections.findIndex((s) => s.gateable);
    assert.ok(g >= 0, "the board has a gateable section");
    m.setPower(g, "off");
    busFault(() => m.read32(b.sections[g].base), b.sections[g].base, b.sections[g].name, "read");
    m.setPower(g, "on");
    assert.not.ok(isZero(bytesOf(m, b.sections[g].base, b.sections[g].size)));
    // energy: 1 s in the default mode, all on
    const mode = b.modes[b.defaultMode];
    let expect = mode.current.value * UA[mode.current.unit];
    if (mode.retentionApplies)
      for (const s of b.sections) expect += retentionIn(s, b.defaultMode).value * UA[retentionIn(s, b.defaultMode).unit];
    m.advance(1);
    const e = m.energy();
    close(e.charge_uC, expect, name + " charge in " + b.defaultMode);
    assert.ok(e.sources.length >= 2);
    for (const u of e.sources) assert.ok(!!(u.source || u.derived), u.figure + " says where it came from");
  });
}

test("every board file: a SimMcu over it, 1 s in each mode integrates base + retention, figures carry provenance", () => {
  const names = listBoards();
  assert.ok(names.includes(DEFAULT_BOARD));
  for (const name of names) {
    const b: Board = loadBoard(name);
    const m = new SimMcu(b, { initial: "zero" });
    assert.is(m.mode(), b.defaultMode);
    let expect = 0;
    for (const mode of Object.keys(b.modes)) {
      m.setMode(mode);
      let c = b.modes[mode].current.value * UA[b.modes[mode].current.unit];
      if (b.modes[mode].retentionApplies) for (const s of b.sections) c += retentionIn(s, mode).value * UA[retentionIn(s, mode).unit];
      close(m.current(), c, name + " current in " + mode);
      m.advance(1);
      expect += c;
    }
    const e = m.energy();
    close(e.charge_uC, expect, name + " charge");
    close(e.energy_uJ, expect * b.voltage.value, name + " energy");
    for (const u of e.sources) assert.ok(!!(u.source || u.derived), name + ": " + u.figure + " says where it came from");
  }
});

test("every cited end point of every board file: all sections off give the mode's current, all on or retained its fullRetention, exactly", () => {
  let pairs = 0;
  for (const name of listBoards()) {
    const b: Board = loadBoard(name);
    for (const mode of Object.keys(b.modes)) {
      const m = new SimMcu(b, { mode, initial: "zero" });
      const pm = b.modes[mode];
      // all on (the start): the full-retention end point where the file cites one, else the mode's own current
      const full = pm.fullRetention ? uA(pm.fullRetention) : pm.retentionApplies ? null : uA(pm.current);
      if (full !== null) assert.is(m.current(), full, name + " " + mode + " all on");
      for (let i = 0; i < m.sectionCount(); i++) if (m.gateable(i)) m.setPower(i, "retained");
      if (full !== null) assert.is(m.current(), full, name + " " + mode + " all on or retained");
      for (let i = 0; i < m.sectionCount(); i++) if (m.gateable(i)) m.setPower(i, "off");
      // sections that cannot be switched off must not draw retention here, or the no-retention figure is out of reach
      for (let i = 0; i < m.sectionCount(); i++)
        if (!m.gateable(i)) assert.is(m.sectionRetention(i, mode), 0, name + " " + m.sectionName(i));
      assert.is(m.current(), uA(pm.current), name + " " + mode + " all off");
      if (pm.fullRetention) pairs++;
      // and an hour of it integrates to current x time (a product of a decimal with time: compared to 1e-9 relative)
      m.advance(3600);
      close(m.energy().charge_uC, uA(pm.current) * 3600, name + " " + mode + " an hour off");
    }
  }
  assert.is(pairs, 11, "2 pairs on each of the 5 nRF52 boards, 1 on the STM32L476");
});

test("the nRF52 end points the Product Specifications cite, System ON and System OFF", () => {
  const cases: [string, string, number, number][] = [
    ["BANGLEJS2", "system-on-idle", 1.5, 3.16],
    ["BANGLEJS2", "system-off", 0.4, 1.86],
    ["JOLTJS", "system-on-idle", 1.5, 3.16],
    ["JOLTJS", "system-off", 0.4, 1.86],
    ["PUCKJS", "system-on-idle", 1.2, 1.5],
    ["PUCKJS", "system-off", 0.3, 0.7],
    ["PIXLJS", "system-on-idle", 1.2, 1.5],
    ["PIXLJS", "system-off", 0.3, 0.7],
    ["MDBT42Q", "system-on-idle", 1.2, 1.5],
    ["MDBT42Q", "system-off", 0.3, 0.7],
  ];
  for (const [name, mode, none, all] of cases) {
    const m = new SimMcu(loadBoard(name), { mode, initial: "zero" });
    assert.is(m.current(), all, name + " " + mode + " full retention");
    for (let i = 0; i < m.sectionCount(); i++) m.setPower(i, "retained");
    assert.is(m.current(), all, name + " " + mode + " all retained");
    for (let i = 0; i < m.sectionCount(); i++) m.setPower(i, "off");
    assert.is(m.current(), none, name + " " + mode + " no retention");
  }
  // Between the end points each section adds its own mode's share: a Bangle.js 2 with only RAM8.S5 retained in System OFF.
  const m = new SimMcu(loadBoard("BANGLEJS2"), { mode: "system-off", initial: "zero" });
  for (let i = 0; i < m.sectionCount(); i++) if (m.sectionName(i) !== "RAM8.S5") m.setPower(i, "off");
  m.setPower(m.sectionIndex("RAM8.S5"), "retained");
  assert.is(m.current(), 0.5825);
  assert.is(m.sectionRetention(m.sectionIndex("RAM8.S5")), 0.1825);
  assert.is(m.sectionRetention(m.sectionIndex("RAM8.S5"), "system-on-idle"), 0.2075);
  assert.is(m.sectionRetention(0, "system-off"), 0.0228125);
});

test("retention per mode: retentionByMode replaces retention in its mode only, in current, energy and sources", () => {
  const b = board();
  b.sections[1].retentionByMode = { sysoff: { value: 0.5, unit: "uA", derived: "hand-made: RAM0.S1 in sysoff" } };
  b.sections[3].retentionByMode = { sysoff: { value: 0, unit: "nA", derived: "hand-made: nothing in sysoff" } };
  const m = new SimMcu(b);
  close(m.current(), 1.65, "sleep: the retention figures");
  assert.is(m.sectionRetention(1), 0.02);
  assert.is(m.sectionRetention(1, "sysoff"), 0.5);
  assert.is(m.sectionRetention(3, "sysoff"), 0);
  assert.is(m.sectionRetention(2, "sysoff"), 0.04, "no override: the retention figure");
  assert.is(m.sectionRetention(1, "run"), 0, "no retention where retentionApplies is false");
  m.advance(10);
  m.setMode("sysoff");
  close(m.current(), 0.3 + 0.01 + 0.5 + 0.04, "sysoff: RAM0.S1's own figure, RAM1.S1 none");
  m.advance(10);
  m.setMode("run");
  m.advance(1);
  const e = m.energy();
  close(e.bySection["RAM0.S1"].charge_uC, 0.02 * 10 + 0.5 * 10, "RAM0.S1 q");
  close(e.bySection["RAM1.S1"].charge_uC, 0.08 * 10, "RAM1.S1 q");
  close(e.retention_uC, 1.5 + 5.5, "retention q");
  close(e.charge_uC, 16.5 + 8.5 + 100, "total q");
  assert.equal(
    e.sources.map((u) => u.figure),
    [
      "voltage",
      "modes.sleep.current",
      "modes.run.current",
      "modes.sysoff.current",
      "sections.RAM0.S0.retention",
      "sections.RAM0.S1.retention",
      "sections.RAM0.S1.retentionByMode.sysoff",
      "sections.RAM1.S0.retention",
      "sections.RAM1.S1.retention",
      "sections.RAM1.S1.retentionByMode.sysoff",
    ],
  );
  assert.equal(e.sources[6], {
    figure: "sections.RAM0.S1.retentionByMode.sysoff",
    value: 0.5,
    unit: "uA",
    derived: "hand-made: RAM0.S1 in sysoff",
  });
  // a figure used only in one mode is listed only when that mode ran
  const n = new SimMcu(b);
  n.advance(5);
  assert.not.ok(n.energy().sources.some((u) => /retentionByMode/.test(u.figure)));
});

test("retention per mode: bad figures, modes and arguments are EINVAL naming them; nothing changes", () => {
  const bad = (fn: () => unknown, re: RegExp) => {
    const e = caught(fn);
    assert.is(e.code, "EINVAL");
    assert.match(e.message, re);
  };
  const b1 = board();
  b1.sections[2].retentionByMode = { nap: { value: 1, unit: "nA" } };
  bad(() => new SimMcu(b1), /board\.sections\[2\]\.retentionByMode\.nap names no mode of the board where retention applies/);
  const b2 = board();
  b2.sections[2].retentionByMode = { run: { value: 1, unit: "nA" } };
  bad(() => new SimMcu(b2), /board\.sections\[2\]\.retentionByMode\.run names no mode of the board where retention applies/);
  const b3 = board();
  b3.sections[0].retentionByMode = { sysoff: { value: -1, unit: "nA" } };
  bad(() => new SimMcu(b3), /board\.sections\[0\]\.retentionByMode\.sysoff must be a figure/);
  const b4 = board();
  b4.sections[0].retentionByMode = { sysoff: { value: 1, unit: "kA" } };
  bad(() => new SimMcu(b4), /board\.sections\[0\]\.retentionByMode\.sysoff must be a figure \{value >= 0, unit: A\|mA\|uA/);
  const b5 = board();
  (b5.sections[0] as any).retentionByMode = "sysoff";
  bad(() => new SimMcu(b5), /board\.sections\[0\]\.retentionByMode must be an object of figures by mode name/);
  // a mode named like an Object.prototype member is still just a name
  const b6 = handBoard(SECTIONS, {
    constructor: { current_uA: 1, retentionApplies: true },
    run: { current_uA: 100, retentionApplies: false },
  });
  const c6 = new SimMcu(b6);
  close(c6.current(), 1.15, "a mode named constructor uses the retention figures");
  b6.sections[0].retentionByMode = { toString: { value: 1, unit: "nA" } } as any;
  bad(() => new SimMcu(b6), /board\.sections\[0\]\.retentionByMode\.toString names no mode of the board where retention applies/);
  const m = mcu();
  for (const i of [-1, 4, 1.5, NaN, "1"]) bad(() => m.sectionRetention(i as any), /section must be an index in \[0, 3\]/);
  bad(() => m.sectionRetention(0, "nap"), /mode must be one of sleep, run, sysoff; got nap/);
  assert.is(m.mode(), "sleep");
  assert.equal(m.events(), []);
});

// ---- access fast paths (whole accesses inside one section that is on) ----------

// Sections with 4-aligned and unaligned bases, sizes that are and are not whole
// words, one smaller than a word, and a gap: the fast paths (a section's limit,
// its words at 4-aligned offsets) must agree byte for byte and count for count
// with a plain model of the bytes.
const ODD: HandSection[] = [
  { name: "A", base: 0x20000000, size: 0x10, gateable: true, retention_nA: 1 },
  { name: "B", base: 0x20000010, size: 0x0e, gateable: true, retention_nA: 1 },
  { name: "C", base: 0x2000001e, size: 0x13, gateable: true, retention_nA: 1 },
  { name: "D", base: 0x20000040, size: 3, gateable: true, retention_nA: 1 },
];
const ODD_LO = 0x1ffffffc,
  ODD_HI = 0x20000048;

/** A plain model of ODD: bytes per section, power states, counters per section. */
function oddModel(m: SimMcu) {
  const secOf = (a: number) => ODD.findIndex((s) => a >= s.base && a < s.base + s.size);
  const bytes = ODD.map((s, i) => bytesOf(m, s.base, s.size));
  const on = ODD.map(() => true);
  const cnt = ODD.map(() => ({ reads: 0, readBytes: 0, writes: 0, writeBytes: 0, faults: 0 }));
  let unmapped = 0;
  /**
   * The access of `width` bytes at `a`, counted as SimMcu counts it: per run
   * of bytes in one section (or one gap). Strict: the first bad run is a
   * counted fault and the result is null. Lenient: a bad run counts a fault
   * and its bytes are null; a good run counts an access.
   */
  function access(a: number, width: number, write: boolean, strict: boolean): (number | null)[] | null {
    const secs: number[] = [];
    for (let k = 0; k < width; k++) secs.push(secOf(a + k));
    const bad = (s: number) => s < 0 || !on[s];
    if (strict) {
      const firstBad = secs.findIndex(bad);
      if (firstBad >= 0) {
        const s = secs[firstBad];
        if (s < 0) unmapped++;
        else cnt[s].faults++;
        return null;
      }
    }
    for (let k = 0; k < width; ) {
      const s = secs[k];
      let n = 0;
      while (k + n < width && secs[k + n] === s) n++;
      if (bad(s)) {
        if (s < 0) unmapped++;
        else cnt[s].faults++;
      } else if (write) {
        cnt[s].writes++;
        cnt[s].writeBytes += n;
      } else {
        cnt[s].reads++;
        cnt[s].readBytes += n;
      }
      k += n;
    }
    return secs.map((s) => (bad(s) ? null : s));
  }
  return {
    /** The bytes read (null where lenient garbage), or null when a strict access faults. */
    read(a: number, width: number, strict: boolean): (number | null)[] | null {
      const secs = access(a, width, false, strict);
      if (!secs) return null;
      return secs.map((s, k) => (s === null ? null : bytes[s][a + k - ODD[s].base]));
    },
    write(a: number, width: number, v: number, strict: boolean): boolean {
      const secs = access(a, width, true, strict);
      if (!secs) return false;
      for (let k = 0; k < width; k++) {
        const s = secs[k];
        if (s !== null) bytes[s][a + k - ODD[s].base] = Math.floor(v / 2 ** (8 * k)) & 0xff;
      }
      return true;
    },
    power(i: number, st: PowerState) {
      on[i] = st === "on";
    },
    reload(i: number) {
      bytes[i] = bytesOf(m, ODD[i].base, ODD[i].size);
      cnt[i].reads++;
      cnt[i].readBytes += ODD[i].size;
    },
    counters() {
      const o: any = {};
      ODD.forEach((s, i) => {
        o[s.name] = { ...cnt[i] };
      });
      return o;
    },
    bytes: (i: number) => bytes[i],
    unmapped: () => unmapped,
  };
}

test("fast paths: random 8/16/32-bit reads and writes at and around section edges match a byte model, with power changes; counters exact", () => {
  const widths = [1, 2, 4];
  const addr = fc.oneof(
    fc.integer({ min: ODD_LO, max: ODD_HI }),
    fc.constantFrom(
      ...ODD.flatMap((s) => [
        s.base - 3,
        s.base - 2,
        s.base - 1,
        s.base,
        s.base + 1,
        s.base + s.size - 4,
        s.base + s.size - 3,
        s.base + s.size - 1,
        s.base + s.size,
      ]),
    ),
  );
  const op = fc.oneof(
    fc.record({ k: fc.constant("r"), a: addr, w: fc.constantFrom(...widths) }),
    fc.record({ k: fc.constant("w"), a: addr, w: fc.constantFrom(...widths), v: fc.integer({ min: 0, max: 0xffffffff }) }),
    fc.record({
      k: fc.constant("p"),
      i: fc.integer({ min: 0, max: ODD.length - 1 }),
      st: fc.constantFrom<PowerState>("on", "off", "retained"),
    }),
  );
  fc.assert(
    fc.property(fc.boolean(), fc.array(op, { maxLength: 120 }), (strict, ops) => {
      const m = new SimMcu(handBoard(ODD), { strict, seed: 7 });
      const model = oddModel(m);
      m.resetCounters();
      const rd: any = { 1: (a: number) => m.read8(a), 2: (a: number) => m.read16(a), 4: (a: number) => m.read32(a) };
      const wr: any = {
        1: (a: number, v: number) => m.write8(a, v),
        2: (a: number, v: number) => m.write16(a, v),
        4: (a: number, v: number) => m.write32(a, v),
      };
      for (const o of ops as any[]) {
        if (o.k === "p") {
          const was = m.getPower(o.i);
          m.setPower(o.i, o.st);
          model.power(o.i, o.st);
          // Switched off: the section holds a new pattern; the model takes it (a block read, counted on both).
          if (o.st === "off" && was !== "off") {
            m.setPower(o.i, "on");
            model.power(o.i, "on");
            model.reload(o.i);
          }
          continue;
        }
        const mask = o.w === 4 ? 0xffffffff : (1 << (8 * o.w)) - 1;
        if (o.k === "r") {
          const want = model.read(o.a, o.w, strict);
          if (want === null) {
            assert.is(caught(() => rd[o.w](o.a)).code, "EFAULT");
            continue;
          }
          const got = rd[o.w](o.a);
          assert.ok(got >= 0 && got <= mask && Math.floor(got) === got, "a read is an unsigned integer of its width");
          want.forEach((x, k) => {
            if (x !== null)
              assert.is(Math.floor(got / 2 ** (8 * k)) & 0xff, x, "byte " + k + " of read" + 8 * o.w + " at " + o.a.toString(16));
          });
        } else {
          const ok = model.write(o.a, o.w, o.v % (mask + 1), strict);
          if (!ok) assert.is(caught(() => wr[o.w](o.a, o.v)).code, "EFAULT");
          else wr[o.w](o.a, o.v);
        }
      }
      const all = m.counters(),
        c = model.counters();
      for (const s of ODD) assert.equal(all[s.name], c[s.name], "counters of " + s.name);
      assert.is(m.totals().unmappedFaults, model.unmapped());
      // every byte agrees (readBlock takes the general path)
      for (let i = 0; i < ODD.length; i++)
        if (m.getPower(i) === "on") assert.equal(bytesOf(m, ODD[i].base, ODD[i].size), model.bytes(i), "bytes of " + ODD[i].name);
    }),
    { numRuns: 300, seed: 0x51e },
  );
});

test("fast paths: aligned and unaligned words at a section's edges, a straddling word, and the lost pattern after power-off", () => {
  const m = mcu(),
    S1 = SECTIONS[1],
    S0 = SECTIONS[0];
  m.resetCounters();
  m.write32(S1.base, 0x11223344); // first word of RAM0.S1
  m.write32(S1.base + S1.size - 4, 0xa1b2c3d4); // last word
  m.write32(S1.base + S1.size - 5, 0x0badf00d); // unaligned, inside
  assert.is(m.read32(S1.base + S1.size - 5), 0x0badf00d);
  assert.is(m.read32(S1.base + S1.size - 4), 0xa10badf0); // its low three bytes from the unaligned word
  assert.is(m.read32(S1.base), 0x11223344);
  assert.is(m.read16(S1.base + 2), 0x1122);
  assert.is(m.read8(S1.base + 3), 0x11);
  m.write32(S1.base - 2, 0xcafebabe); // straddles RAM0.S0 | RAM0.S1
  assert.is(m.read32(S1.base - 2), 0xcafebabe);
  assert.is(m.read16(S0.base + S0.size - 2), 0xbabe);
  assert.is(m.read16(S1.base), 0xcafe);
  const c = m.counters();
  assert.equal(c["RAM0.S0"], { reads: 2, readBytes: 4, writes: 1, writeBytes: 2, faults: 0 });
  assert.equal(c["RAM0.S1"], { reads: 7, readBytes: 19, writes: 4, writeBytes: 14, faults: 0 });
  // off: the word path reads the new pattern, then faults while off or retained
  const before = bytesOf(m, S1.base, 8);
  m.setPower(1, "off");
  busFault(() => m.read32(S1.base), S1.base, "RAM0.S1", "read");
  busFault(() => m.write32(S1.base + 4, 1), S1.base + 4, "RAM0.S1", "write");
  busFault(() => m.read8(S1.base + S1.size - 1), S1.base + S1.size - 1, "RAM0.S1", "read");
  busFault(() => m.read32(S1.base - 2), S1.base, "RAM0.S1", "read"); // the straddling word faults on its second section
  m.setPower(1, "on");
  const after = bytesOf(m, S1.base, 8);
  assert.is(m.read32(S1.base), (after[0] | (after[1] << 8) | (after[2] << 16) | (after[3] << 24)) >>> 0);
  assert.not.equal(after, before);
  const expected = new Prng(mix32(mix32(1, 2), 1)),
    pat = new Uint8Array(S1.size);
  expected.fillBytes(pat, 0, S1.size);
  assert.equal(bytesOf(m, S1.base, S1.size), pat);
  assert.is(m.counters()["RAM0.S1"].faults, 4);
  // retained keeps the words but faults until on
  m.write32(S1.base + 8, 0x01020304);
  m.setPower(1, "retained");
  busFault(() => m.read32(S1.base + 8), S1.base + 8, "RAM0.S1", "read");
  m.setPower(1, "on");
  assert.is(m.read32(S1.base + 8), 0x01020304);
});

test.run();

import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { boardsDir, listBoards, loadBoard, boardFromJSON, DEFAULT_BOARD } from "../sim/boards.js";
import { boardSectionSpecs, type Board, type Figure } from "../src/core/board.js";

const ALL = ["BANGLEJS2", "ESPRUINOBOARD", "ESPRUINOWIFI", "JOLTJS", "MDBT42Q", "PICO_R1_3", "PIXLJS", "PUCKJS", "STM32L476"];
const NRF52832 = ["PUCKJS", "PIXLJS", "MDBT42Q"];
const NRF52840 = ["BANGLEJS2", "JOLTJS"];
const STM32F = ["PICO_R1_3", "ESPRUINOWIFI", "ESPRUINOBOARD"];
const BAD_DIR = fileURLToPath(new URL("./fixtures/boards-bad/", import.meta.url));

/** The expected Espruino variable pools: vars × JsVar size (facts §7). */
const POOL: { [name: string]: number } = {
  PUCKJS: 2630 * 13, PIXLJS: 2950 * 13, MDBT42Q: 2950 * 13, BANGLEJS2: 12000 * 14, JOLTJS: 12000 * 14,
  PICO_R1_3: 5100 * 13, ESPRUINOWIFI: 8190 * 13, ESPRUINOBOARD: 2756 * 13,
};

/** The error `fn` throws (fails the test when it does not throw). */
function thrown(fn: () => unknown): any {
  try { fn(); } catch (e) { return e; }
  assert.unreachable("expected an error");
}

/** A small valid board (same as the fixtures' base), as parsed JSON. */
function tiny(): any {
  return JSON.parse(readFileSync(join(BAD_DIR, "unknown-default-mode.json"), "utf8").replace('"nap"', '"sleep"'));
}

function hasProvenance(f: { source?: string; derived?: string }): boolean {
  return (typeof f.source === "string" && f.source.length > 10) || (typeof f.derived === "string" && f.derived.length > 10);
}

test("boardsDir finds the repository's boards/ and listBoards names every board, sorted", () => {
  assert.ok(existsSync(join(boardsDir(), "board.schema.json")));
  assert.equal(listBoards(), ALL);
  assert.is(DEFAULT_BOARD, "BANGLEJS2");
});

test("every board loads, by name (any case) and by path", () => {
  for (const name of ALL) {
    const b = loadBoard(name);
    assert.is(b.name, name);
    assert.is(b.file, join(boardsDir(), name + ".json"));
    assert.ok(b.title.length > 0 && b.chip.part.length > 0);
    assert.ok(b.modes[b.defaultMode] !== undefined, name + " defaultMode");
    assert.is(b.sections.reduce((n, s) => n + s.size, 0), b.ram.size, name + " sections cover RAM");
    for (let i = 1; i < b.sections.length; i++) {
      assert.is(b.sections[i].base, b.sections[i - 1].base + b.sections[i - 1].size, name + " contiguous");
    }
  }
  assert.is(loadBoard("banglejs2").name, "BANGLEJS2");
  assert.is(loadBoard(join(boardsDir(), "PUCKJS.json")).name, "PUCKJS");
});

test("nRF52832 boards: 8 banks × 2 sections of 4 KiB with RAM[n].POWER registers", () => {
  for (const name of NRF52832) {
    const b = loadBoard(name);
    assert.is(b.ramPower, "nrf52-ram-power");
    assert.is(b.ram.base, 0x20000000);
    assert.is(b.ram.size, 65536);
    assert.is(b.banks.length, 8);
    assert.is(b.sections.length, 16);
    b.sections.forEach((s, i) => {
      const n = i >> 1;
      assert.is(s.name, "RAM" + n + ".S" + (i & 1));
      assert.is(s.bank, "RAM" + n);
      assert.is(s.index, i & 1);
      assert.is(s.base, 0x20000000 + i * 0x1000);
      assert.is(s.size, 4096);
      assert.ok(s.gateable);
      assert.is(s.retention.unit, "nA");
      assert.is(s.retention.value, 18.75);
    });
    b.banks.forEach((k, n) => {
      assert.is(k.powerRegister, 0x40000900 + n * 0x10);
      assert.is(k.sections.length, 2);
    });
    assert.is(b.modes["system-on-idle"].current.value, 1.2);
    assert.is(b.modes["system-off"].current.value, 0.3);
    assert.ok(b.notes.some((t) => /POWERSET/.test(t) && /SkRETENTION/.test(t) && /16\+k/.test(t)), "register notes");
    assert.ok(b.notes.some((t) => /sd_power_ram_power_set/.test(t)), "SoftDevice note");
  }
});

test("nRF52840 boards: 16 × 4 KiB in RAM0-RAM7 plus 6 × 32 KiB in RAM8", () => {
  for (const name of NRF52840) {
    const b = loadBoard(name);
    assert.is(b.ram.size, 262144);
    assert.is(b.sections.length, 22);
    assert.is(b.banks.length, 9);
    for (let i = 0; i < 16; i++) assert.is(b.sections[i].size, 4096);
    for (let k = 0; k < 6; k++) {
      const s = b.sections[16 + k];
      assert.is(s.name, "RAM8.S" + k);
      assert.is(s.base, 0x20010000 + k * 0x8000);
      assert.is(s.size, 32768);
      assert.is(s.index, k);
      assert.is(s.retention.value, 207.5);
    }
    assert.is(b.banks[8].powerRegister, 0x40000980);
    // The per-section figures add up to the PS difference (3.16 - 1.50 uA).
    const total = b.sections.reduce((n, s) => n + s.retention.value, 0);
    assert.ok(Math.abs(total - 1660) < 1e-9, "retention sums to 1.66 uA, got " + total);
    const shared = b.regions.find((g) => g.name === "shared")!;
    assert.is(shared.base, 0x20038000);
    assert.is(shared.size, 32768);
    assert.ok(shared.purpose.length > 20);
  }
});

test("STM32F4/F103 boards: one non-gateable section, no power register", () => {
  for (const name of STM32F) {
    const b = loadBoard(name);
    assert.is(b.ramPower, "none");
    assert.is(b.sections.length, 1);
    const s = b.sections[0];
    assert.is(s.base, 0x20000000);
    assert.is(s.size, b.ram.size);
    assert.not.ok(s.gateable);
    assert.is(b.banks[0].powerRegister, undefined);
    assert.ok(b.modes.stop && b.modes.standby);
  }
  assert.is(loadBoard("PICO_R1_3").ram.size, 96 * 1024);
  assert.is(loadBoard("ESPRUINOWIFI").ram.size, 128 * 1024);
  assert.is(loadBoard("ESPRUINOBOARD").ram.size, 48 * 1024);
});

test("STM32L476: SRAM1 not gateable, SRAM2 retainable in Standby and the shared region", () => {
  const b = loadBoard("STM32L476");
  assert.is(b.ramPower, "stm32l4-sram2-rrs");
  const [s1, s2] = b.sections;
  assert.is(s1.name, "SRAM1");
  assert.is(s1.size, 96 * 1024);
  assert.not.ok(s1.gateable);
  assert.is(s2.name, "SRAM2");
  assert.is(s2.size, 32 * 1024);
  assert.ok(s2.gateable);
  assert.ok(s2.retention.value > 0);
  assert.ok(b.modes.standby.retentionApplies);
  assert.not.ok(b.modes.stop2.retentionApplies);
  const shared = b.regions.find((g) => g.name === "shared")!;
  assert.is(shared.base, s2.base);
  assert.is(shared.size, s2.size);
  assert.ok(b.notes.some((t) => /RRS/.test(t) && /PWR_CR3/.test(t)));
  assert.is(b.reserved.length, 0);
});

test("reserved ranges: SoftDevice RAM and the assumed variable pool", () => {
  for (const name of NRF52832.concat(NRF52840)) {
    const b = loadBoard(name);
    const sd = b.reserved.find((r) => r.kind === "softdevice")!;
    const pool = b.reserved.find((r) => r.kind === "espruino-variables")!;
    const appBase = NRF52840.indexOf(name) >= 0 ? 0x20003b70 : 0x20003290;
    assert.is(sd.base, 0x20000000);
    assert.is(sd.base + sd.size, appBase);
    assert.is(pool.base, appBase);
    assert.is(pool.size, POOL[name]);
  }
  for (const name of STM32F) {
    const pool = loadBoard(name).reserved.find((r) => r.kind === "espruino-variables")!;
    assert.is(pool.base, 0x20000000);
    assert.is(pool.size, POOL[name]);
  }
  for (const name of Object.keys(POOL)) {
    const b = loadBoard(name);
    const pool = b.reserved.find((r) => r.kind === "espruino-variables")!;
    assert.match(pool.derived!, /ASSUMED/);
    assert.match(pool.derived!, /linker/);
    assert.ok(b.notes.some((t) => /assumption/.test(t) && /leaves free/.test(t)), name + " pool caveat in notes");
  }
});

test("every figure and range says where it came from", () => {
  for (const name of ALL) {
    const b = loadBoard(name);
    const figures: [string, Figure][] = [["voltage", b.voltage]];
    for (const s of b.sections) figures.push([s.name + " retention", s.retention]);
    for (const k of Object.keys(b.modes)) figures.push(["mode " + k, b.modes[k].current]);
    for (const [what, f] of figures) {
      assert.ok(hasProvenance(f), name + " " + what + " has a source or a derivation");
      assert.ok(typeof f.value === "number" && f.value >= 0 && f.unit.length > 0, name + " " + what);
    }
    assert.is(b.voltage.unit, "V");
    for (const r of b.reserved) assert.ok(hasProvenance(r), name + " reserved " + r.name);
    assert.ok(hasProvenance({ source: b.chip.source }) && hasProvenance({ source: b.ram.source }), name + " chip/ram");
  }
});

test("sections are shared between banks and the address-ordered list; specs follow them", () => {
  const b: Board = loadBoard("JOLTJS");
  assert.ok(b.banks[8].sections[5] === b.sections[21]);
  assert.ok(b.sections[0].retention !== b.sections[1].retention, "each section owns its figure");
  const specs = boardSectionSpecs(b);
  assert.is(specs.length, 22);
  assert.equal(specs[21], { name: "RAM8.S5", base: 0x20038000, size: 32768, gateable: true });
});

test("unknown board names throw ENOENT listing the valid names; missing files ENOENT", () => {
  const e = thrown(() => loadBoard("NOPE"));
  assert.is(e.code, "ENOENT");
  for (const name of ALL) assert.ok(e.message.indexOf(name) >= 0, "lists " + name);
  assert.is(thrown(() => loadBoard("/nowhere/x.json")).code, "ENOENT");
  assert.is(thrown(() => loadBoard("")).code, "EINVAL");
});

/** Each broken fixture: [file, JSON path (or location), expectation]. */
const BAD: [string, string, RegExp][] = [
  ["bad-json.json", "line 3, column 30", /expected valid JSON/],
  ["missing-field.json", "/ram:", /missing; expected the RAM: \{"base", "size", "source"\}/],
  ["wrong-type.json", "/banks/0/sections/1/size:", /expected an integer ≥ 1 \(a size in bytes\), got "4k"/],
  ["bad-hex.json", "/banks/0/sections/1/base:", /expected a hex address string such as "0x20000000", got "20001000"/],
  ["overlapping-sections.json", "/banks/0/sections/1/base:", /expected no overlap with S0 \[0x20000000, 0x20001000\)/],
  ["section-outside-ram.json", "/banks/0/sections/1:", /expected the section inside RAM \[0x20000000, 0x20002000\), got \[0x20002000, 0x20003000\)/],
  ["unknown-default-mode.json", "/defaultMode:", /expected one of the modes \("sleep"\), got "nap"/],
];

test("broken board files: the error names the file, the JSON path and what was expected", () => {
  for (const [file, path, expected] of BAD) {
    const e = thrown(() => loadBoard(join(BAD_DIR, file)));
    assert.is(e.code, "EINVAL", file);
    assert.ok(e.message.indexOf(file) >= 0, file + " names the file: " + e.message);
    assert.ok(e.message.indexOf(path) >= 0, file + " names " + path + ": " + e.message);
    assert.match(e.message, expected);
  }
});

test("the tiny fixture base is valid, and loads from a temporary file", () => {
  const dir = mkdtempSync(join(tmpdir(), "ramkit-boards-"));
  try {
    const file = join(dir, "tiny.json");
    writeFileSync(file, JSON.stringify(tiny()));
    const b = loadBoard(file);
    assert.is(b.name, "TINY");
    assert.is(b.sections.length, 2);
    assert.is(b.file, file);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

/** boardFromJSON on `tiny()` changed by `edit`: the EINVAL message. */
function problem(edit: (d: any) => void): string {
  const d = tiny();
  edit(d);
  const e = thrown(() => boardFromJSON(d, "edited.json"));
  assert.is(e.code, "EINVAL");
  assert.match(e.message, /^EINVAL: edited\.json: /);
  return e.message;
}

test("semantic checks: power registers, order, sizes, regions, figures, names", () => {
  assert.match(problem((d) => { d.banks[0].powerRegister = "0x40000900"; }),
    /\/banks\/0\/powerRegister: expected no powerRegister, since ramPower is "none"/);
  assert.match(problem((d) => { d.ramPower = "nrf52-ram-power"; }), /\/banks\/0: expected a powerRegister/);
  assert.match(problem((d) => { d.ramPower = "nrf52-ram-power"; d.banks[0].powerRegister = "0x40000904"; }),
    /\/banks\/0\/powerRegister: expected an nRF52 RAM\[n\]\.POWER address/);
  assert.match(problem((d) => {
    d.banks[0].sections.reverse();
  }), /\/banks\/0\/sections\/1\/base: expected sections in address order/);
  assert.match(problem((d) => { d.ram.size = 12288; }), /\/ram\/size: expected the sum of the section sizes \(8192 bytes\), got 12288/);
  assert.match(problem((d) => { d.ram.base = "0x0"; d.banks[0].sections[0].base = "0x0"; d.banks[0].sections[1].base = "0x1000"; }),
    /\/ram\/base: expected a non-zero address/);
  assert.match(problem((d) => {
    d.reserved = [{ name: "pool", kind: "other", base: "0x20000000", size: 100, source: "a test" }];
    d.regions = [{ name: "shared", base: "0x20000000", size: 4096, purpose: "a test" }];
  }), /\/regions\/0: expected no overlap with reserved range "pool"/);
  assert.match(problem((d) => { d.reserved = [{ name: "r", kind: "other", base: "0x20001800", size: 4096, source: "t" }]; }),
    /\/reserved\/0: expected the reserved range inside RAM/);
  assert.match(problem((d) => { delete d.modes.sleep.current.source; }),
    /\/modes\/sleep\/current: expected a field "source" or "derived"/);
  assert.match(problem((d) => { d.modes.sleep.current.unit = "V"; }), /\/modes\/sleep\/current\/unit: expected one of "mA", "uA", "nA", got "V"/);
  assert.match(problem((d) => { d.voltage.unit = "mV"; }), /^EINVAL: edited\.json: \/voltage\/unit: expected "V", got "mV"$/);
  // one message per bad unit, with the narrower list of the two schema rules that apply
  assert.match(problem((d) => { d.banks[0].retention.unit = "pA"; }),
    /^EINVAL: edited\.json: \/banks\/0\/retention\/unit: expected one of "mA", "uA", "nA", got "pA"$/);
  assert.match(problem((d) => { d.modes["Deep Sleep"] = d.modes.sleep; }), /\/modes\/Deep Sleep: bad name "Deep Sleep"; expected a mode name/);
  assert.match(problem((d) => { d.banks[0].extra = 1; }), /\/banks\/0\/extra: unknown field; expected only "name"/);
  assert.match(problem((d) => { d.banks[0].sections[1].name = "S0"; }), /\/banks\/0\/sections\/1\/name: expected a section name not used before/);
  assert.match(problem((d) => { d.banks[0].sections = []; }), /\/banks\/0\/sections: expected at least 1 item/);
  assert.match(problem((d) => { d.banks[0].sections[0].gateable = "yes"; }), /\/banks\/0\/sections\/0\/gateable: expected true or false/);
  // Several problems are reported together, one per line.
  const many = problem((d) => { d.title = ""; d.defaultMode = 3; d.notes = "none"; });
  assert.match(many, /3 problems:\n {2}\/title: expected a non-empty string, got ""\n {2}\/defaultMode: expected a string/);
  assert.match(many, /\/notes: expected a list of notes \(strings\), got "none"/);
  assert.match(thrown(() => boardFromJSON(null, "n.json")).message, /n\.json: \/: expected an object/);
});

test.run();

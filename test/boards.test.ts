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

/** The expected Espruino variable pools: vars × JsVar size (Espruino boards/*.py 'variables', src/jsutils.h JsVar sizes). */
const POOL: { [name: string]: number } = {
  PUCKJS: 2630 * 13,
  PIXLJS: 2950 * 13,
  MDBT42Q: 2950 * 13,
  BANGLEJS2: 12000 * 14,
  JOLTJS: 12000 * 14,
  PICO_R1_3: 5100 * 13,
  ESPRUINOWIFI: 8190 * 13,
  ESPRUINOBOARD: 2756 * 13,
};

/** The error `fn` throws (fails the test when it does not throw). */
function thrown(fn: () => unknown): any {
  try {
    fn();
  } catch (e) {
    return e;
  }
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
    assert.is(
      b.sections.reduce((n, s) => n + s.size, 0),
      b.ram.size,
      name + " sections cover RAM",
    );
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
      assert.equal(Object.keys(s.retentionByMode!), ["system-off"]);
      assert.is(s.retentionByMode!["system-off"].value, 25);
      assert.match(s.retentionByMode!["system-off"].derived!, /\(.*0\.7 uA - .*0\.3 uA\) \/ 64 KiB x 4 KiB/);
    });
    b.banks.forEach((k, n) => {
      assert.is(k.powerRegister, 0x40000900 + n * 0x10);
      assert.is(k.sections.length, 2);
    });
    assert.is(b.modes["system-on-idle"].current.value, 1.2);
    assert.is(b.modes["system-on-idle"].fullRetention!.value, 1.5);
    assert.is(b.modes["system-off"].current.value, 0.3);
    assert.is(b.modes["system-off"].fullRetention!.value, 0.7);
    const shared = b.regions.find((g) => g.name === "shared")!;
    assert.equal([shared.base, shared.size], name === "PUCKJS" ? [0x2000c000, 4096] : [0x2000d000, 3072]);
    assert.ok(
      b.notes.some((t) => /POWERSET/.test(t) && /SkRETENTION/.test(t) && /16\+k/.test(t)),
      "register notes",
    );
    assert.ok(
      b.notes.some((t) => /sd_power_ram_power_set/.test(t)),
      "SoftDevice note",
    );
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
      assert.is(s.retentionByMode!["system-off"].value, 182.5);
    }
    for (let i = 0; i < 16; i++)
      assert.equal([b.sections[i].retention.value, b.sections[i].retentionByMode!["system-off"].value], [25.9375, 22.8125]);
    assert.is(b.banks[8].powerRegister, 0x40000980);
    // The per-section figures add up to the PS differences (3.16 - 1.50 uA, 1.86 - 0.40 uA) exactly: binary fractions of nA.
    assert.is(
      b.sections.reduce((n, s) => n + s.retention.value, 0),
      1660,
    );
    assert.is(
      b.sections.reduce((n, s) => n + s.retentionByMode!["system-off"].value, 0),
      1460,
    );
    assert.equal([b.modes["system-on-idle"].current.value, b.modes["system-on-idle"].fullRetention!.value], [1.5, 3.16]);
    assert.equal([b.modes["system-off"].current.value, b.modes["system-off"].fullRetention!.value], [0.4, 1.86]);
    const shared = b.regions.find((g) => g.name === "shared")!;
    assert.is(shared.base, 0x20038000);
    assert.is(shared.size, 16384);
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
  // No firmware: only a default C runtime's stack at the top of SRAM1 (SRAM2 stays free for the shared region).
  assert.equal(
    b.reserved.map((r) => [r.kind, r.basis, r.base, r.size]),
    [["stack", "assumed", 0x20017c00, 1024]],
  );
  assert.equal([b.modes.standby.current.value, b.modes.standby.fullRetention!.value, s2.retention.value], [0.12, 350, 230]);
});

test("reserved ranges: SoftDevice RAM, the assumed variable pool, the stack and .noinit at the top of RAM", () => {
  for (const name of NRF52832.concat(NRF52840)) {
    const b = loadBoard(name);
    const sd = b.reserved.find((r) => r.kind === "softdevice")!;
    const pool = b.reserved.find((r) => r.kind === "espruino-variables")!;
    const appBase = NRF52840.indexOf(name) >= 0 ? 0x20003b70 : 0x20003290;
    assert.is(sd.base, 0x20000000);
    assert.is(sd.base + sd.size, appBase);
    assert.is(sd.basis, "measured");
    assert.is(pool.base, appBase);
    assert.is(pool.size, POOL[name]);
    assert.is(pool.basis, "assumed");
    // The linker scripts: 16 bytes of .noinit at the very top, the 8 KiB stack right below them.
    const top = b.ram.base + b.ram.size;
    const stack = b.reserved.filter((r) => r.kind === "stack");
    assert.equal(
      stack.map((r) => [r.base, r.size, r.basis]),
      [[top - 16 - 8192, 8192, "measured"]],
      name + " stack",
    );
    assert.match(stack[0].source!, /Stack_Size = 8192/);
    assert.match(stack[0].source!, /linker_nrf52/);
    const noinit = b.reserved.find((r) => r.name.indexOf(".noinit") >= 0)!;
    assert.equal([noinit.base, noinit.size, noinit.kind, noinit.basis], [top - 16, 16, "other", "measured"]);
  }
  // Bangle.js 2 also reserves the board definition's estimate of the other static data.
  const statics = loadBoard("BANGLEJS2").reserved.find((r) => r.name.indexOf("estimate") >= 0)!;
  assert.equal([statics.base, statics.size, statics.basis], [0x20003b70 + 168000, 40000, "assumed"]);
  assert.is(loadBoard("JOLTJS").reserved.length, 4);
  for (const name of STM32F) {
    const b = loadBoard(name);
    const pool = b.reserved.find((r) => r.kind === "espruino-variables")!;
    assert.is(pool.base, 0x20000000);
    assert.is(pool.size, POOL[name]);
    // No stack size in Espruino's STM32 build: everything above the pool up to the top of RAM.
    const stack = b.reserved.find((r) => r.kind === "stack")!;
    assert.equal([stack.base, stack.base + stack.size, stack.basis], [0x20000000 + POOL[name], b.ram.base + b.ram.size, "assumed"]);
    assert.match(stack.derived!, /build_linker\.py/);
  }
  for (const name of ALL) {
    const b = loadBoard(name);
    assert.ok(
      b.reserved.some((r) => r.kind === "stack"),
      name + " reserves the stack",
    );
    for (const r of b.reserved) assert.ok(r.basis === "measured" || r.basis === "assumed", name + " " + r.name + " basis");
    for (const g of b.regions) {
      for (const r of b.reserved)
        assert.ok(g.base + g.size <= r.base || r.base + r.size <= g.base, name + " region " + g.name + " clear of " + r.name);
    }
  }
  for (const name of Object.keys(POOL)) {
    const b = loadBoard(name);
    const pool = b.reserved.find((r) => r.kind === "espruino-variables")!;
    assert.match(pool.derived!, /ASSUMED/);
    assert.match(pool.derived!, /linker/);
    assert.ok(
      b.notes.some((t) => /assumption/.test(t) && /leaves free/.test(t)),
      name + " pool caveat in notes",
    );
  }
});

test("every figure and range says where it came from", () => {
  for (const name of ALL) {
    const b = loadBoard(name);
    const figures: [string, Figure][] = [["voltage", b.voltage]];
    for (const s of b.sections) {
      figures.push([s.name + " retention", s.retention]);
      for (const m of Object.keys(s.retentionByMode || {})) figures.push([s.name + " retention in " + m, s.retentionByMode![m]]);
    }
    for (const k of Object.keys(b.modes)) {
      figures.push(["mode " + k, b.modes[k].current]);
      if (b.modes[k].fullRetention) figures.push(["mode " + k + " full retention", b.modes[k].fullRetention!]);
    }
    for (const [what, f] of figures) {
      assert.ok(hasProvenance(f), name + " " + what + " has a source or a derivation");
      assert.ok(typeof f.value === "number" && f.value >= 0 && f.unit.length > 0, name + " " + what);
    }
    assert.is(b.voltage.unit, "V");
    for (const r of b.reserved) assert.ok(hasProvenance(r), name + " reserved " + r.name);
    assert.ok(hasProvenance({ source: b.chip.source }) && hasProvenance({ source: b.ram.source }), name + " chip/ram");
  }
});

test("board files cite real documents only: no pointer outside the repository", () => {
  for (const name of listBoards().concat(["board.schema"])) {
    const text = readFileSync(join(boardsDir(), name + ".json"), "utf8");
    assert.not.match(text, /facts §|ramkit facts|\.\.\/shared|issue \d|seed 00\d/i, name);
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
  [
    "section-outside-ram.json",
    "/banks/0/sections/1:",
    /expected the section inside RAM \[0x20000000, 0x20002000\), got \[0x20002000, 0x20003000\)/,
  ],
  ["unknown-default-mode.json", "/defaultMode:", /expected one of the modes \("sleep"\), got "nap"/],
  [
    "region-overlaps-reserved.json",
    "/regions/0:",
    /expected region "shared" \[0x20001000, 0x20002000\) clear of reserved range "Stack" \[0x20001C00, 0x20002000\) \(measured\), but they overlap in \[0x20001C00, 0x20002000\)/,
  ],
  ["reserved-without-basis.json", "/reserved/0/basis:", /missing; expected one of "measured", "assumed"/],
  [
    "full-retention-mismatch.json",
    "/modes/sleep/fullRetention:",
    /expected the mode's current plus every section's retention in it, 1 uA \+ 0\.002 uA = 1\.002 uA, got 1\.2 uA/,
  ],
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

test("retention by mode and full retention load into the model; the figures must add up", () => {
  const d = tiny();
  d.modes.off = {
    description: "off",
    current: { value: 100, unit: "nA", source: "t" },
    retentionApplies: true,
    fullRetention: { value: 0.15, unit: "uA", source: "t" },
  };
  d.banks[0].retentionByMode = { off: { value: 25, unit: "nA", derived: "t" } };
  d.modes.sleep.fullRetention = { value: 1002, unit: "nA", source: "t" };
  const b = boardFromJSON(d, "modes.json");
  assert.equal(b.sections[1].retentionByMode, { off: { value: 25, unit: "nA", derived: "t" } });
  assert.ok(b.sections[0].retentionByMode !== b.sections[1].retentionByMode, "each section owns its figures");
  assert.equal(b.modes.off.fullRetention, { value: 0.15, unit: "uA", source: "t" });
  assert.is(b.modes.sleep.fullRetention!.value, 1002);
  assert.is(tiny().modes.sleep.fullRetention, undefined);
  assert.is(boardFromJSON(tiny(), "t.json").modes.sleep.fullRetention, undefined, "fullRetention is optional");
  assert.is(boardFromJSON(tiny(), "t.json").sections[0].retentionByMode, undefined, "retentionByMode is optional");
  // a mode named like an Object.prototype member is just a name
  const c = tiny();
  c.modes.constructor = {
    description: "c",
    current: { value: 1, unit: "uA", source: "t" },
    retentionApplies: true,
    fullRetention: { value: 1.002, unit: "uA", source: "t" },
  };
  assert.is((boardFromJSON(c, "c.json").modes as any).constructor.fullRetention.value, 1.002);
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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
  assert.match(
    problem((d) => {
      d.banks[0].powerRegister = "0x40000900";
    }),
    /\/banks\/0\/powerRegister: expected no powerRegister, since ramPower is "none"/,
  );
  assert.match(
    problem((d) => {
      d.ramPower = "nrf52-ram-power";
    }),
    /\/banks\/0: expected a powerRegister/,
  );
  assert.match(
    problem((d) => {
      d.ramPower = "nrf52-ram-power";
      d.banks[0].powerRegister = "0x40000904";
    }),
    /\/banks\/0\/powerRegister: expected an nRF52 RAM\[n\]\.POWER address/,
  );
  assert.match(
    problem((d) => {
      d.banks[0].sections.reverse();
    }),
    /\/banks\/0\/sections\/1\/base: expected sections in address order/,
  );
  assert.match(
    problem((d) => {
      d.ram.size = 12288;
    }),
    /\/ram\/size: expected the sum of the section sizes \(8192 bytes\), got 12288/,
  );
  assert.match(
    problem((d) => {
      d.ram.base = "0x0";
      d.banks[0].sections[0].base = "0x0";
      d.banks[0].sections[1].base = "0x1000";
    }),
    /\/ram\/base: expected a non-zero address/,
  );
  assert.match(
    problem((d) => {
      d.reserved = [{ name: "pool", kind: "other", basis: "assumed", base: "0x20000000", size: 100, source: "a test" }];
      d.regions = [{ name: "shared", base: "0x20000000", size: 4096, purpose: "a test" }];
    }),
    /\/regions\/0: expected region "shared" \[0x20000000, 0x20001000\) clear of reserved range "pool" \[0x20000000, 0x20000064\) \(assumed\), but they overlap in \[0x20000000, 0x20000064\)/,
  );
  assert.match(
    problem((d) => {
      d.reserved = [{ name: "r", kind: "other", basis: "measured", base: "0x20001800", size: 4096, source: "t" }];
    }),
    /\/reserved\/0: expected the reserved range inside RAM/,
  );
  assert.match(
    problem((d) => {
      d.reserved = [
        { name: "a", kind: "stack", basis: "measured", base: "0x20001000", size: 256, source: "t" },
        { name: "b", kind: "other", basis: "assumed", base: "0x200010F0", size: 16, source: "t" },
      ];
    }),
    /\/reserved\/1: expected no overlap with reserved range "a" \[0x20001000, 0x20001100\) \(\/reserved\/0\), got "b" \[0x200010F0, 0x20001100\)/,
  );
  assert.match(
    problem((d) => {
      d.reserved = [{ name: "r", kind: "stack", basis: "guessed", base: "0x20001000", size: 16, source: "t" }];
    }),
    /\/reserved\/0\/basis: expected one of "measured", "assumed", got "guessed"/,
  );
  // retention by mode: names a mode where retention applies, holds current figures
  assert.match(
    problem((d) => {
      d.banks[0].retentionByMode = { nap: { value: 2, unit: "nA", derived: "t" } };
    }),
    /\/banks\/0\/retentionByMode\/nap: expected a mode whose retentionApplies is true \("sleep"\), got "nap"/,
  );
  assert.match(
    problem((d) => {
      d.modes.run = { description: "run", current: { value: 3, unit: "mA", source: "t" }, retentionApplies: false };
      d.banks[0].retentionByMode = { run: { value: 2, unit: "nA", derived: "t" } };
    }),
    /\/banks\/0\/retentionByMode\/run: expected a mode whose retentionApplies is true \("sleep"\), got "run"/,
  );
  assert.match(
    problem((d) => {
      d.banks[0].retentionByMode = { sleep: { value: 2, unit: "V", derived: "t" } };
    }),
    /\/banks\/0\/retentionByMode\/sleep\/unit: expected one of "mA", "uA", "nA", got "V"/,
  );
  assert.match(
    problem((d) => {
      d.banks[0].retentionByMode = {};
    }),
    /\/banks\/0\/retentionByMode: expected at least 1 entry, got none/,
  );
  // full retention: only where retention applies, and equal to what the figures add up to
  assert.match(
    problem((d) => {
      d.modes.sleep.retentionApplies = false;
      d.modes.sleep.fullRetention = { value: 1.002, unit: "uA", source: "t" };
    }),
    /\/modes\/sleep\/fullRetention: expected no fullRetention, since retentionApplies is false in mode "sleep"/,
  );
  assert.match(
    problem((d) => {
      d.banks[0].retentionByMode = { sleep: { value: 5, unit: "nA", derived: "t" } };
      d.modes.sleep.fullRetention = { value: 1.002, unit: "uA", source: "t" };
    }),
    /expected the mode's current plus every section's retention in it, 1 uA \+ 0\.01 uA = 1\.01 uA, got 1\.002 uA/,
  );
  assert.match(
    problem((d) => {
      delete d.modes.sleep.current.source;
    }),
    /\/modes\/sleep\/current: expected a field "source" or "derived"/,
  );
  assert.match(
    problem((d) => {
      d.modes.sleep.current.unit = "V";
    }),
    /\/modes\/sleep\/current\/unit: expected one of "mA", "uA", "nA", got "V"/,
  );
  assert.match(
    problem((d) => {
      d.voltage.unit = "mV";
    }),
    /^EINVAL: edited\.json: \/voltage\/unit: expected "V", got "mV"$/,
  );
  // one message per bad unit, with the narrower list of the two schema rules that apply
  assert.match(
    problem((d) => {
      d.banks[0].retention.unit = "pA";
    }),
    /^EINVAL: edited\.json: \/banks\/0\/retention\/unit: expected one of "mA", "uA", "nA", got "pA"$/,
  );
  assert.match(
    problem((d) => {
      d.modes["Deep Sleep"] = d.modes.sleep;
    }),
    /\/modes\/Deep Sleep: bad name "Deep Sleep"; expected a mode name/,
  );
  assert.match(
    problem((d) => {
      d.banks[0].extra = 1;
    }),
    /\/banks\/0\/extra: unknown field; expected only "name"/,
  );
  assert.match(
    problem((d) => {
      d.banks[0].sections[1].name = "S0";
    }),
    /\/banks\/0\/sections\/1\/name: expected a section name not used before/,
  );
  assert.match(
    problem((d) => {
      d.banks[0].sections = [];
    }),
    /\/banks\/0\/sections: expected at least 1 item/,
  );
  assert.match(
    problem((d) => {
      d.banks[0].sections[0].gateable = "yes";
    }),
    /\/banks\/0\/sections\/0\/gateable: expected true or false/,
  );
  // Several problems are reported together, one per line.
  const many = problem((d) => {
    d.title = "";
    d.defaultMode = 3;
    d.notes = "none";
  });
  assert.match(many, /3 problems:\n {2}\/title: expected a non-empty string, got ""\n {2}\/defaultMode: expected a string/);
  assert.match(many, /\/notes: expected a list of notes \(strings\), got "none"/);
  assert.match(thrown(() => boardFromJSON(null, "n.json")).message, /n\.json: \/: expected an object/);
});

test.run();

// The nRF52 RAM power backend over a stand-in for Espruino's peek/poke that
// models the RAM[n].POWER / POWERSET / POWERCLR registers of the board's
// register map and records every access: any access that is not a read of a
// bank's POWER register or a 32-bit write of that bank's POWERSET/POWERCLR
// with bits of sections the bank has, is a violation.
import "../src/debug/host.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { nrf52Power, type Nrf52Board } from "../src/hal/nrf52-power.js";
import { PeekPokeMemory } from "../src/hal/peek-poke.js";
import { MemBlocks } from "../src/alloc/mem-blocks.js";
import { ArrayMemory } from "../src/hal/array-memory.js";
import { BankManager } from "../src/power/bank-manager.js";
import { loadBoard, listBoards } from "../sim/boards.js";
import { powerContract, throwsCode, CONTRACT_SECTIONS } from "./support/memory-contract.js";

const NAMES = ["peek8", "peek16", "peek32", "poke8", "poke16", "poke32"];

interface Fake {
  /** Register writes in order: [address, value]. */
  writes: [number, number][];
  /** Register reads in order. */
  reads: number[];
  /** Accesses that the register map does not allow. */
  violations: string[];
  /** RAM[n].POWER value by register address. */
  power: Map<number, number>;
}

/**
 * Install peek/poke globals that model the nRF52 RAM power registers of
 * `banks` (register address and section count, from the board file as
 * written, "0x…" strings). Reset value: SkPOWER set for every section that
 * exists, SkRETENTION clear.
 */
function withRegisters(banks: { powerRegister: number; count: number }[], fn: (f: Fake) => void): void {
  const g = globalThis as any,
    saved = NAMES.map((n) => g[n]);
  const f: Fake = { writes: [], reads: [], violations: [], power: new Map() };
  const mask = new Map<number, number>();
  for (const b of banks) {
    const m = ((1 << b.count) - 1) | (((1 << b.count) - 1) << 16);
    mask.set(b.powerRegister, m >>> 0);
    f.power.set(b.powerRegister, (1 << b.count) - 1);
  }
  const bad = (what: string) => {
    f.violations.push(what);
  };
  g.peek8 = (a: number) => {
    bad("peek8 0x" + a.toString(16));
    return 0;
  };
  g.peek16 = (a: number) => {
    bad("peek16 0x" + a.toString(16));
    return 0;
  };
  g.poke8 = (a: number) => {
    bad("poke8 0x" + a.toString(16));
  };
  g.poke16 = (a: number) => {
    bad("poke16 0x" + a.toString(16));
  };
  g.peek32 = (a: number) => {
    f.reads.push(a);
    if (!f.power.has(a)) {
      bad("peek32 of 0x" + a.toString(16) + ", not a RAM[n].POWER register");
      return 0;
    }
    return f.power.get(a)!;
  };
  g.poke32 = (a: number, v: number) => {
    f.writes.push([a, v]);
    if (typeof v !== "number" || (v | 0) !== v) bad("poke32 0x" + a.toString(16) + " of a value that is not an int32: " + v);
    const reg = a - 4 * (a % 16 === 4 ? 1 : a % 16 === 8 ? 2 : 9);
    const m = mask.get(reg);
    if (m === undefined) {
      bad("poke32 0x" + a.toString(16) + ": not a POWERSET/POWERCLR register of the board");
      return;
    }
    if (((v >>> 0) & ~m) !== 0)
      bad("poke32 0x" + a.toString(16) + " = 0x" + (v >>> 0).toString(16) + ": bits of sections the bank does not have");
    const cur = f.power.get(reg)!;
    f.power.set(reg, (a === reg + 4 ? cur | v : cur & ~v) >>> 0);
  };
  try {
    fn(f);
  } finally {
    NAMES.forEach((n, i) => {
      if (saved[i] === undefined) delete g[n];
      else g[n] = saved[i];
    });
  }
}

/** The register map of a board file as written: each bank's POWER address and section count. */
function registerMap(name: string): { powerRegister: number; count: number; names: string[] }[] {
  const raw = JSON.parse(readFileSync("boards/" + name + ".json", "utf8"));
  return raw.banks.map((b: any) => ({
    powerRegister: parseInt(b.powerRegister, 16),
    count: b.sections.length,
    names: b.sections.map((s: any) => s.name),
  }));
}

const NRF_BOARDS = listBoards().filter((n) => loadBoard(n).ramPower === "nrf52-ram-power");
const PUCK = loadBoard("PUCKJS");
/** The board's own reserved ranges only: no engine, no SoftDevice. */
const quiet = { engine: false, softDevice: false };

test("the nRF52 boards are the ones with a RAM power register map", () => {
  assert.equal(NRF_BOARDS, ["BANGLEJS2", "JOLTJS", "MDBT42Q", "PIXLJS", "PUCKJS"]);
});

test("PUCKJS: only RAM6.S0 is clear of the SoftDevice, the variables, the stack and .noinit; the reasons name the range", () => {
  withRegisters(registerMap("PUCKJS"), (f) => {
    const p = nrf52Power(PUCK, quiet);
    assert.is(p.sectionCount(), 16);
    const gateable = [];
    for (let i = 0; i < 16; i++) if (p.gateable(i)) gateable.push(p.sectionName(i));
    assert.equal(gateable, ["RAM6.S0"]);
    assert.match(p.reasons[0], /SoftDevice S132 RAM/);
    assert.match(p.reasons[5], /Espruino variables/);
    assert.match(p.reasons[13], /Stack \[0x2000dff0, 0x2000fff0\)/);
    assert.is(p.reasons[12], "");
    assert.equal(
      p.reserved.map((r) => r.name),
      PUCK.reserved.map((r) => r.name),
    );
    assert.equal(f.writes, []);
    assert.equal(f.violations, []);
  });
});

test("PUCKJS: RAM6.S0 through off, retained and on: one POWERCLR/POWERSET write per step, bits 0 and 16 of RAM[6]", () => {
  withRegisters(registerMap("PUCKJS"), (f) => {
    const p = nrf52Power(PUCK, quiet),
      R = 0x40000960;
    assert.is(p.getPower(12), "on");
    p.setPower(12, "off");
    assert.equal(f.writes, [[R + 8, 0x10001]]);
    assert.is(p.getPower(12), "off");
    assert.is(f.power.get(R), 0x2);
    p.setPower(12, "retained");
    assert.equal(f.writes.slice(1), [
      [R + 4, 0x10000],
      [R + 8, 0x1],
    ]);
    assert.is(p.getPower(12), "retained");
    p.setPower(12, "on");
    assert.equal(f.writes.slice(3), [[R + 4, 0x1]]);
    assert.is(p.getPower(12), "on");
    assert.is(p.getPower(13), "on", "the other section of the bank is untouched");
    p.setPower(12, "on");
    assert.is(f.writes.length, 4, "switching on a section that is on writes nothing");
    assert.equal(f.violations, []);
  });
});

test("EPERM for a reserved section, naming it and the range; nothing written", () => {
  withRegisters(registerMap("PUCKJS"), (f) => {
    const p = nrf52Power(PUCK, quiet);
    throwsCode(() => p.setPower(0, "off"), "EPERM", /RAM0\.S0 .*SoftDevice S132 RAM/);
    throwsCode(() => p.setPower(4, "retained"), "EPERM", /RAM2\.S0 .*Espruino variables/);
    throwsCode(() => p.setPower(15, "off"), "EPERM", /RAM7\.S1 .*Stack/);
    p.setPower(15, "on");
    assert.equal(f.writes, []);
    assert.equal(f.violations, []);
  });
});

test("EINVAL for a bad index or state; nothing written", () => {
  withRegisters(registerMap("PUCKJS"), (f) => {
    const p = nrf52Power(PUCK, quiet);
    for (const i of [-1, 16, 0.5, NaN, "12", undefined]) {
      throwsCode(() => p.setPower(i as any, "off"), "EINVAL", /section/);
      throwsCode(() => p.getPower(i as any), "EINVAL", /section/);
    }
    for (const s of ["OFF", "", null, 0, "sleep"]) throwsCode(() => p.setPower(12, s as any), "EINVAL", /state/);
    assert.equal(f.writes, []);
    assert.equal(f.violations, []);
  });
});

for (const name of NRF_BOARDS) {
  test(
    name + ": every section through off, retained and on writes only its own bank's registers and bits (board's reservations lifted)",
    () => {
      const map = registerMap(name);
      withRegisters(map, (f) => {
        const board = loadBoard(name);
        const p = nrf52Power({ banks: board.banks }, quiet);
        let i = 0;
        for (const bank of map) {
          for (let k = 0; k < bank.count; k++, i++) {
            assert.is(p.sectionName(i), bank.names[k]);
            assert.ok(p.gateable(i), bank.names[k]);
            const before = new Map(f.power);
            const from = f.writes.length;
            p.setPower(i, "off");
            assert.is(p.getPower(i), "off");
            p.setPower(i, "retained");
            assert.is(p.getPower(i), "retained");
            p.setPower(i, "on");
            assert.is(p.getPower(i), "on");
            assert.equal(f.writes.slice(from), [
              [bank.powerRegister + 8, (1 << k) | (1 << (16 + k)) | 0],
              [bank.powerRegister + 4, (1 << (16 + k)) | 0],
              [bank.powerRegister + 8, 1 << k],
              [bank.powerRegister + 4, 1 << k],
            ]);
            for (const [reg, v] of before) {
              if (reg !== bank.powerRegister) assert.is(f.power.get(reg), v, "another bank changed");
              else assert.is(f.power.get(reg), (v | (1 << (16 + k))) >>> 0, "only section " + k + "'s bits changed (retention stays set)");
            }
          }
        }
        assert.is(i, p.sectionCount());
        assert.equal(f.violations, []);
      });
    },
  );
}

test("with the SoftDevice enabled and no io of the caller's, nothing is gateable and nothing is written", () => {
  withRegisters(registerMap("PUCKJS"), (f) => {
    const p = nrf52Power({ banks: PUCK.banks }, { engine: false, softDevice: true });
    for (let i = 0; i < 16; i++) {
      assert.not.ok(p.gateable(i));
      assert.match(p.reasons[i], /SoftDevice is enabled/);
    }
    throwsCode(() => p.setPower(12, "off"), "EPERM", /RAM6\.S0 .*SoftDevice/);
    p.setPower(12, "on");
    assert.equal(f.writes, []);
    f.power.set(0x40000960, 0x2);
    throwsCode(() => p.setPower(12, "on"), "EPERM", /switched on: the SoftDevice/);
    assert.equal(f.writes, []);
    assert.equal(f.violations, []);
  });
});

test("the SoftDevice is assumed enabled where the engine has Espruino's NRF object", () => {
  const g = globalThis as any;
  g.NRF = {};
  try {
    withRegisters(registerMap("PUCKJS"), () => {
      assert.match(nrf52Power(PUCK, { engine: false }).reasons[12], /SoftDevice/);
      assert.is(nrf52Power(PUCK, { engine: false, softDevice: false }).reasons[12], "");
    });
  } finally {
    delete g.NRF;
  }
  withRegisters(registerMap("PUCKJS"), () => assert.is(nrf52Power(PUCK, { engine: false }).reasons[12], ""));
});

test("options.io: the registers go through the caller's port (for example one that calls the SoftDevice)", () => {
  const calls: string[] = [];
  let reg = 0x3;
  const io = new PeekPokeMemory() as any;
  io.read32 = (a: number) => {
    calls.push("read 0x" + a.toString(16));
    return reg;
  };
  io.write32 = (a: number, v: number) => {
    calls.push("write 0x" + a.toString(16) + " 0x" + (v >>> 0).toString(16));
    reg = a % 16 === 4 ? reg | v : reg & ~v;
  };
  const p = nrf52Power(PUCK, { engine: false, softDevice: true, io });
  assert.is(p.io, io);
  assert.ok(p.gateable(12));
  p.setPower(12, "off");
  assert.is(p.getPower(12), "off");
  assert.equal(calls, ["write 0x40000968 0x10001", "read 0x40000960"]);
});

test("the engine's view: process.memory() static data and stack, E.getAddressOf's variable pool", () => {
  const g = globalThis as any,
    savedMemory = (process as any).memory;
  let board = "PUCKJS"; // what the interpreter says it runs on (process.env.BOARD)
  const run = (mem: any, addr: number | null, options: any, fn: (p: ReturnType<typeof nrf52Power>) => void) => {
    (process as any).memory = (gc: boolean) => {
      assert.is(gc, false, "no garbage collection");
      return mem;
    };
    if (addr !== null)
      g.E = {
        getAddressOf: (v: any, flat: boolean) => {
          assert.is(v, mem);
          assert.is(flat, false);
          return addr;
        },
      };
    const savedBoard = process.env.BOARD;
    process.env.BOARD = board;
    try {
      withRegisters(registerMap("PUCKJS"), () =>
        fn(nrf52Power({ name: "PUCKJS", banks: PUCK.banks }, Object.assign({ softDevice: false }, options))),
      );
    } finally {
      (process as any).memory = savedMemory;
      delete g.E;
      if (savedBoard === undefined) delete process.env.BOARD;
      else process.env.BOARD = savedBoard;
    }
  };
  // Static data up to 0x2000C800: RAM0..RAM6.S0 are the firmware's; SP = 0x2000F000, 4 KiB margin: RAM6.S1 and RAM7 are stack.
  run({ stackEndAddress: 0x2000c800, stackFree: 0x2800, total: 100, blocksize: 13 }, null, {}, (p) => {
    assert.equal(p.reserved, [
      { name: "firmware static data (process.memory().stackEndAddress)", base: 0x20000000, size: 0xc800 },
      { name: "stack in use (process.memory().stackFree)", base: 0x2000e000, size: 0x2000 },
    ]);
    const open = [];
    for (let i = 0; i < 16; i++) if (p.gateable(i)) open.push(p.sectionName(i));
    assert.equal(open, ["RAM6.S1"]);
    assert.match(p.reasons[12], /firmware static data/);
    assert.match(p.reasons[14], /stack in use/);
  });
  // A larger margin reaches RAM6.S1 too.
  run({ stackEndAddress: 0x2000c800, stackFree: 0x2800 }, null, { stackMargin: 0x2800 }, (p) => {
    for (let i = 0; i < 16; i++) assert.not.ok(p.gateable(i));
  });
  // The pool from E.getAddressOf: 2630 x 13 bytes either side of 0x20008000.
  run({ total: 2630, blocksize: 13 }, 0x20008000, {}, (p) => {
    assert.equal(p.reserved, [{ name: "Espruino variables (E.getAddressOf, process.memory())", base: 0x20008000 - 34190, size: 68380 }]);
    const open = [];
    for (let i = 0; i < 16; i++) if (p.gateable(i)) open.push(p.sectionName(i));
    assert.equal(open, []);
  });
  // An address outside RAM (a host build's heap) says nothing; engine: false asks nothing.
  run({ total: 4096, blocksize: 27 }, 0x1aa2b3c4, {}, (p) => assert.equal(p.reserved, []));
  run({ stackEndAddress: 0x2000c800, stackFree: 0x2800 }, null, { engine: false }, (p) => assert.equal(p.reserved, []));
  // Another machine's addresses say nothing about this board: the Linux
  // build's heap can truncate to an address inside the board's RAM.
  board = "LINUX";
  run({ total: 2630, blocksize: 13 }, 0x20008000, {}, (p) => assert.equal(p.reserved, []));
  run({ stackEndAddress: 0x2000c800, stackFree: 0x2800 }, null, {}, (p) => {
    assert.equal(p.reserved, []);
    assert.ok(p.gateable(12));
  });
});

test("bad boards and options are refused with EINVAL naming the field", () => {
  withRegisters(registerMap("PUCKJS"), (f) => {
    const banks = PUCK.banks;
    const one = (reg: any, n = 2) => ({
      banks: [
        {
          name: "RAM0",
          powerRegister: reg,
          sections: Array.from({ length: n }, (_, k) => ({ name: "S" + k, base: 0x20000000 + k * 0x100, size: 0x100, gateable: true })),
        },
      ],
    });
    for (const b of [null, undefined, 5, "PUCKJS", {}, { banks: [] }, { banks: "x" }])
      throwsCode(() => nrf52Power(b as any), "EINVAL", /banks/);
    throwsCode(() => nrf52Power(loadBoard("PICO_R1_3") as unknown as Nrf52Board), "EINVAL", /PICO_R1_3 has ramPower "none"/);
    throwsCode(() => nrf52Power({ ramPower: "stm32l4-sram2-rrs", banks }), "EINVAL", /ramPower/);
    for (const r of [0x40000904, 0x40000990, 0x400008f0, "0x40000900", undefined, NaN])
      throwsCode(() => nrf52Power(one(r)), "EINVAL", /banks\[0\]\.powerRegister must be RAM\[n\]\.POWER/);
    throwsCode(() => nrf52Power(one(0x40000900, 17)), "EINVAL", /banks\[0\]\.sections must be an array of 1 to 16/);
    throwsCode(() => nrf52Power(one(0x40000900, 0)), "EINVAL", /sections/);
    throwsCode(() => nrf52Power({ banks, reserved: "SoftDevice" as any }, quiet), "EINVAL", /board\.reserved must be an array/);
    throwsCode(
      () => nrf52Power({ banks }, { engine: false, reserved: [{ name: "x", base: 0, size: 4 }] }),
      "EINVAL",
      /options\.reserved\[0\]\.base/,
    );
    throwsCode(
      () => nrf52Power({ banks }, { engine: false, reserved: [{ name: "x", base: 0x20000000, size: 0 }] }),
      "EINVAL",
      /options\.reserved\[0\]\.size/,
    );
    throwsCode(() => nrf52Power({ banks }, { engine: false, reserved: [null as any] }), "EINVAL", /options\.reserved\[0\] must be/);
    throwsCode(() => nrf52Power({ banks }, { io: {} as any }), "EINVAL", /options\.io/);
    throwsCode(() => nrf52Power({ banks }, { stackMargin: -1 }), "EINVAL", /options\.stackMargin/);
    const overlapping = {
      banks: [
        {
          name: "RAM0",
          powerRegister: 0x40000900,
          sections: [
            { name: "A", base: 0x20000000, size: 0x200, gateable: true },
            { name: "B", base: 0x20000100, size: 0x100, gateable: true },
          ],
        },
      ],
    };
    throwsCode(() => nrf52Power(overlapping, quiet), "EINVAL", /sections\[1\] overlaps/);
    assert.equal(f.writes, []);
    assert.equal(f.violations, []);
  });
});

// The Power-port contract, over a one-bank board of the contract's sections.
powerContract(test, "nrf52Power", (specs) => {
  let reg = 0x7;
  const io = new PeekPokeMemory() as any;
  io.read32 = () => reg;
  io.write32 = (a: number, v: number) => {
    reg = (a === 0x40000904 ? reg | v : reg & ~v) >>> 0;
  };
  return nrf52Power({ banks: [{ name: "RAM0", powerRegister: 0x40000900, sections: specs }] }, { engine: false, softDevice: false, io });
});
void CONTRACT_SECTIONS;

test("a BankManager with pack+gate drives the registers: RAM6.S0 goes off only once empty, and on before it is used", () => {
  withRegisters(registerMap("PUCKJS"), (f) => {
    const p = nrf52Power(PUCK, quiet);
    const mem = new ArrayMemory(0x2000c000, 0x1000);
    const blocks = new MemBlocks(mem, { base: 0x2000c000, size: 0x1000, blockSize: 64 });
    const bm = new BankManager(p, { policy: "pack+gate", hysteresis: 2 });
    bm.manage(blocks);
    const a = bm.allocate(64),
      b = bm.allocate(64);
    assert.ok(a && b);
    bm.update(1);
    assert.equal(f.writes, [], "a live section stays on");
    bm.free(a);
    bm.free(b);
    bm.update(2);
    assert.equal(f.writes, [], "inside the hysteresis");
    bm.update(5);
    assert.equal(f.writes, [[0x40000968, 0x10001]]);
    assert.is(p.getPower(12), "off");
    const c = bm.allocate(64);
    assert.ok(c);
    assert.equal(f.writes.slice(1), [[0x40000964, 0x1]], "switched on before the address was returned");
    assert.is(p.getPower(12), "on");
    assert.equal(f.violations, []);
  });
});

test.run();

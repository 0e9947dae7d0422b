/**
 * The nRF52 backend of the `Power` port: RAM sections switched through the
 * chip's RAM power registers, at the addresses a board file gives.
 *
 * Registers (Nordic MDK headers nrf52.h / nrf52840.h and their
 * _bitfields.h, nRF5 SDK 12): bank n has `RAM[n].POWER` at the board's
 * `powerRegister` (0x40000900 + n * 0x10), `POWERSET` at +4 and `POWERCLR`
 * at +8 (writing 1 sets or clears a bit; 0 leaves it). Bit k is SkPOWER
 * (section k of the bank on in System ON), bit 16 + k is SkRETENTION
 * (section k keeps its contents while it is off). So:
 * - on:       POWERSET = 1 << k
 * - off:      POWERCLR = 1 << k | 1 << (16 + k)   (contents lost)
 * - retained: POWERSET = 1 << (16 + k), then POWERCLR = 1 << k
 * `getPower` reads `RAM[n].POWER`: SkPOWER set is "on", else SkRETENTION
 * set is "retained", else "off".
 *
 * Board-safe: a section can be switched off (or to retention) only when the
 * board file marks it gateable and it overlaps no reserved range: the board
 * file's (SoftDevice RAM, Espruino's variables, the stack, .noinit), the
 * caller's, and what the engine reveals at construction where it has them
 * and runs on this board (`process.env.BOARD` is the board file's `name`:
 * the addresses an interpreter reports are those of the machine it runs on,
 * which for the Linux build are the host's heap, not this board's RAM):
 * - `process.memory()` on ARM builds of Espruino: `stackEndAddress` is the
 *   end of the firmware's static data (Espruino's `LINKER_END_VAR`), so
 *   everything from the start of RAM up to it is the firmware's; the stack
 *   pointer is about `stackEndAddress + stackFree`, and the stack from
 *   `stackMargin` bytes below it to the top of RAM is in use;
 * - `E.getAddressOf(v)` of a variable with `process.memory()`'s `total` x
 *   `blocksize`: the variable pool holds that address and spans that many
 *   bytes, so every placement of it lies in the range that many bytes either
 *   side of the address.
 * Switching such a section off, or any section while the SoftDevice blocks
 * the registers (below), throws EPERM naming the section and the reason,
 * which `reasons[i]` also holds ("" for a section that can be gated);
 * `gateable(i)` is false for it, so a bank manager leaves it alone.
 *
 * The SoftDevice: while it is enabled (always, on Espruino's nRF52 builds
 * with Bluetooth), writes to the peripherals it protects hard-fault, and RAM
 * power goes through `sd_power_ram_power_set/clr` (or, on S132 v3,
 * `sd_power_ramon_set/clr`): see Nordic's SoftDevice Specification,
 * "Peripheral runtime protection" and "Power management". JavaScript on
 * Espruino cannot make those calls, so with the SoftDevice enabled and no
 * `io` of the caller's (a port whose `write32` routes the masks to the
 * SoftDevice), no section is gateable. `softDevice` defaults to whether the
 * engine has Espruino's `NRF` object.
 *
 * It is a `StatePower` (which keeps the sections and checks indices) with
 * its own `getPower`/`setPower`, so the backend adds two
 * functions to the bundle, not a class of nine (each function costs RAM on
 * Espruino).
 */
import type { Memory, Power, PowerState } from "./ports.js";
import { isPowerState } from "./ports.js";
import { StatePower } from "./array-memory.js";
import { PeekPokeMemory } from "./peek-poke.js";
import { checkAddress, checkInt, fail, show } from "../core/errors.js";

// ESPRUINO: engine globals, each used only under its own typeof test.
declare var process: any;
declare var E: any;
declare var NRF: any;

/** A section of a bank, in bit order (section k is bit k of the bank's register). */
export interface Nrf52Section {
  name: string;
  base: number;
  size: number;
  gateable: boolean;
}
/** A bank: its `RAM[n].POWER` register and its sections. */
export interface Nrf52Bank {
  name: string;
  powerRegister?: number;
  sections: Nrf52Section[];
}
/** A range of RAM that is never switched off. */
export interface Nrf52Range {
  name: string;
  base: number;
  size: number;
}
/** What the backend reads of a board (a loaded board, or the flash tool's `ramkit-board` module). */
export interface Nrf52Board {
  name?: string;
  ramPower?: string;
  banks: Nrf52Bank[];
  reserved?: Nrf52Range[];
}

/** Options of `nrf52Power(board, options)`. */
export interface Nrf52PowerOptions {
  /** The port the registers are read and written through (default: a PeekPokeMemory). */
  io?: Memory;
  /** More ranges never to switch off. */
  reserved?: Nrf52Range[];
  /**
   * Ask the engine (process.memory(), E.getAddressOf) what it owns (default
   * true; only asked when `process.env.BOARD` is the board's `name`).
   */
  engine?: boolean;
  /** Whether the SoftDevice is enabled (default: whether the engine has `NRF`). */
  softDevice?: boolean;
  /** Bytes below the stack pointer reserved for the stack's growth (default 4096). */
  stackMargin?: number;
}

/** The nRF52 Power port: a Power, plus what it found reserved and why each section can or cannot be gated. */
export interface Nrf52Power extends Power {
  /** The register port. */
  io: Memory;
  /** Every reserved range it honours: the board's, the caller's, the engine's. */
  reserved: Nrf52Range[];
  /** Per section, why it cannot be switched off ("" when it can). */
  reasons: string[];
}

/** getPower of the nRF52 backend: read `RAM[n].POWER`. */
function nrfGet(this: any, i: number): PowerState {
  this.sectionBase(i); // EINVAL for a bad index
  var v = this.io.read32(this._rg[i]),
    k = this._bt[i];
  return (v >>> k) & 1 ? "on" : (v >>> (16 + k)) & 1 ? "retained" : "off";
}

/** setPower of the nRF52 backend: write POWERSET / POWERCLR (see the top of this file). */
function nrfSet(this: any, i: number, state: PowerState): void {
  var g = this.gateable(i),
    r = this._rg[i],
    k = this._bt[i]; // EINVAL for a bad index
  if (!isPowerState(state)) fail("EINVAL", 'state must be "on", "off" or "retained", got ' + show(state));
  if (state === "on") {
    if ((this.io.read32(r) >>> k) & 1) return;
    if (this._sd) fail("EPERM", "section " + this.sectionName(i) + " cannot be switched on: " + this._sd);
    this.io.write32(r + 4, 1 << k);
  } else {
    if (!g) fail("EPERM", "section " + this.sectionName(i) + " cannot be switched " + state + ": " + this.reasons[i]);
    if (state === "retained") this.io.write32(r + 4, 1 << (16 + k));
    this.io.write32(r + 8, state === "off" ? (1 << k) | (1 << (16 + k)) : 1 << k);
  }
}

/**
 * The Power port of an nRF52 board. `board` is a loaded board (or the
 * `ramkit-board` module the flash tool uploads): `banks[]` with
 * `powerRegister` and `sections[]` ({name, base, size, gateable}, in bit
 * order and address order), `reserved[]` ({name, base, size}) and
 * optionally `ramPower`. Sections are numbered in address order over all
 * banks. Throws EINVAL naming the field: a board that is not an nRF52 one
 * (`ramPower` other than "nrf52-ram-power"), no banks, a power register
 * that is not 0x40000900 + n * 0x10 (n = 0..8), more than 16 sections in a
 * bank, a bad section or range, a bad option. O(sections x reserved ranges).
 */
export function nrf52Power(board: Nrf52Board, options?: Nrf52PowerOptions): Nrf52Power {
  var b = board as any,
    o = options || ({} as Nrf52PowerOptions),
    specs: Nrf52Section[] = [],
    rg: number[] = [],
    bt: number[] = [];
  var res: Nrf52Range[] = [],
    why: string[] = [],
    i,
    j,
    k,
    q,
    m,
    lo,
    hi,
    a,
    at,
    sd = "";
  if (b === null || typeof b !== "object" || !b.banks || typeof b.banks.length !== "number" || b.banks.length < 1)
    fail("EINVAL", "board must have banks[] (an nRF52 board), got " + show(board));
  if (b.ramPower !== undefined && b.ramPower !== "nrf52-ram-power")
    fail("EINVAL", "board " + b.name + " has ramPower " + show(b.ramPower) + ', not "nrf52-ram-power"');
  if (o.io !== undefined && (o.io === null || typeof o.io.read32 !== "function" || typeof o.io.write32 !== "function"))
    fail("EINVAL", "options.io must be a Memory port (read32, write32), got " + show(o.io));
  var margin = o.stackMargin === undefined ? 4096 : checkInt(o.stackMargin, "options.stackMargin", 0, 0x10000000);
  for (i = 0; i < b.banks.length; i++) {
    q = b.banks[i] || {};
    at = "banks[" + i + "]";
    a = q.powerRegister;
    if (typeof a !== "number" || a < 0x40000900 || a > 0x40000980 || (a - 0x40000900) % 0x10 !== 0)
      fail(
        "EINVAL",
        at +
          ".powerRegister must be RAM[n].POWER, 0x40000900 + n * 0x10 with n in 0..8, got " +
          (typeof a === "number" ? "0x" + a.toString(16) : show(a))
      );
    if (!q.sections || typeof q.sections.length !== "number" || q.sections.length < 1 || q.sections.length > 16)
      fail("EINVAL", at + ".sections must be an array of 1 to 16 sections, got " + show(q.sections));
    for (k = 0; k < q.sections.length; k++) {
      specs.push(q.sections[k]);
      rg.push(a);
      bt.push(k);
    }
  }
  // The engine's view, where it has one: Espruino running on this board.
  var ram0 = specs[0] && specs[0].base,
    top = specs[specs.length - 1] && specs[specs.length - 1].base + specs[specs.length - 1].size;
  var ranges = [b.reserved, o.reserved];
  if (
    o.engine !== false &&
    typeof process !== "undefined" &&
    process &&
    typeof process.memory === "function" &&
    process.env &&
    process.env.BOARD === b.name
  ) {
    m = process.memory(false);
    if (m && typeof m.stackEndAddress === "number" && m.stackEndAddress > ram0) {
      res.push({ name: "firmware static data (process.memory().stackEndAddress)", base: ram0, size: m.stackEndAddress - ram0 });
      if (typeof m.stackFree === "number") {
        a = m.stackEndAddress + m.stackFree - margin;
        if (a < top) res.push({ name: "stack in use (process.memory().stackFree)", base: a, size: top - a });
      }
    }
    if (m && m.total > 0 && m.blocksize > 0 && typeof E !== "undefined" && E && typeof E.getAddressOf === "function") {
      a = E.getAddressOf(m, false);
      k = m.total * m.blocksize;
      if (a >= ram0 && a < top) res.push({ name: "Espruino variables (E.getAddressOf, process.memory())", base: a - k, size: 2 * k });
    }
  }
  for (j = 0; j < 2; j++) {
    q = ranges[j];
    if (q === undefined) continue;
    if (q === null || typeof q !== "object" || typeof q.length !== "number")
      fail("EINVAL", (j ? "options.reserved" : "board.reserved") + " must be an array of {name, base, size}, got " + show(q));
    for (i = 0; i < q.length; i++) {
      at = (j ? "options.reserved[" : "board.reserved[") + i + "]";
      if (!q[i] || typeof q[i] !== "object") fail("EINVAL", at + " must be {name, base, size}, got " + show(q[i]));
      checkAddress(q[i].base, at + ".base");
      checkInt(q[i].size, at + ".size", 1, 0xffffffff);
      res.push({ name: String(q[i].name), base: q[i].base, size: q[i].size });
    }
  }
  if (o.softDevice === undefined ? typeof NRF !== "undefined" : o.softDevice) {
    if (o.io === undefined)
      sd =
        "the SoftDevice is enabled and blocks writes to the RAM power registers (they would hard-fault); give options.io to switch through it";
  }
  for (i = 0; i < specs.length; i++) {
    q = specs[i] || ({} as Nrf52Section);
    k = sd || (q.gateable ? "" : "the board file marks it not gateable");
    for (j = 0; j < res.length && !k; j++) {
      lo = res[j].base;
      hi = lo + res[j].size;
      if (lo < q.base + q.size && q.base < hi)
        k = "it overlaps the reserved range " + res[j].name + " [0x" + lo.toString(16) + ", 0x" + hi.toString(16) + ")";
    }
    why.push(k);
    specs[i] = { name: q.name, base: q.base, size: q.size, gateable: !k };
  }
  var p = new StatePower(specs) as any; // checks every section (EINVAL naming sections[i], numbered over all banks)
  p.io = o.io || new PeekPokeMemory();
  p.reserved = res;
  p.reasons = why;
  p._rg = rg;
  p._bt = bt;
  p._sd = sd;
  p.getPower = nrfGet;
  p.setPower = nrfSet;
  return p;
}

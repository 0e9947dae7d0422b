/**
 * The board model: what the simulator, the bank manager and the CLI know of a
 * board once its JSON file (boards/NAME.json) has been loaded and validated.
 * Addresses are numbers here; the files write them as "0x…" strings.
 *
 * Every physical figure is a `Figure` that says where it came from: `source`
 * (a datasheet, header or board file) or `derived` (how it was computed from
 * sourced figures).
 */
import { fail } from "./errors.js";

/** A physical figure with its provenance. */
export interface Figure {
  value: number;
  /** Unit, for example "uA", "nA", "V". */
  unit: string;
  source?: string;
  derived?: string;
}

/** One power-gateable (or not) RAM section. */
export interface BoardSection {
  /** Unique name, for example "RAM8.S2". */
  name: string;
  /** Name of the bank it belongs to. */
  bank: string;
  /** Index of the section within its bank (bit k of the bank's power register). */
  index: number;
  base: number;
  size: number;
  /** Whether it can be switched off. */
  gateable: boolean;
  /** Retention (leakage) current this section adds while it is on or retained, in every mode whose `retentionApplies` and that `retentionByMode` does not name. */
  retention: Figure;
  /** Retention figures that replace `retention` in the modes they name (the sources give a different full-retention current per mode). */
  retentionByMode?: { [mode: string]: Figure };
}

/** A RAM bank: sections that share a power register. */
export interface BoardBank {
  name: string;
  /** Address of the bank's power register (nRF52 `RAM[n].POWER`), when the chip has one. */
  powerRegister?: number;
  sections: BoardSection[];
}

/** A range of RAM that ramkit must not manage (SoftDevice RAM, Espruino's variables, the stack). */
export interface ReservedRange {
  name: string;
  /** "softdevice", "espruino-variables", "stack" or "other". */
  kind: string;
  base: number;
  size: number;
  /** "measured": base and size are fixed by the firmware's build files (linker script, board definition); "assumed": ramkit's estimate. */
  basis?: string;
  source?: string;
  derived?: string;
}

/** A named fixed region of RAM, for example the shared region of a MemoryManager. */
export interface NamedRegion {
  name: string;
  base: number;
  size: number;
  /** What it is for and why it sits where it does. */
  purpose: string;
}

/** A chip power mode with its base current (no RAM retention). */
export interface PowerMode {
  name: string;
  description: string;
  /** Current drawn in this mode with no RAM retained. */
  current: Figure;
  /** Whether RAM sections that are on keep drawing retention current in this mode. */
  retentionApplies: boolean;
  /** The source's current in this mode with every section on or retained (the end point the section figures add up to). */
  fullRetention?: Figure;
}

/** A loaded, validated board. */
export interface Board {
  /** Espruino board name, for example "BANGLEJS2". */
  name: string;
  /** Human title, for example "Bangle.js 2". */
  title: string;
  chip: { part: string; core: string; source?: string };
  /** Supply voltage used to turn charge into energy. */
  voltage: Figure;
  ram: { base: number; size: number; source?: string };
  banks: BoardBank[];
  /** All sections of all banks, in address order. */
  sections: BoardSection[];
  reserved: ReservedRange[];
  /** Named fixed regions the board file sets aside (for example "shared": a retained section). */
  regions: NamedRegion[];
  /** Power modes by name; `defaultMode` names the one a simulation starts in. */
  modes: { [name: string]: PowerMode };
  defaultMode: string;
  /** How RAM power is controlled: "nrf52-ram-power", "stm32l4-sram2-rrs" or "none". */
  ramPower: string;
  /** Free text: what the board file assumes (where the variable pool sits …). */
  notes: string[];
  /** Path of the file it was loaded from. */
  file: string;
}

/** The sections of a board as `StatePower` specs. */
export function boardSectionSpecs(b: Board): { name: string; base: number; size: number; gateable: boolean }[] {
  var out: { name: string; base: number; size: number; gateable: boolean }[] = [];
  if (!b || typeof b !== "object" || !b.sections || typeof b.sections.length !== "number")
    fail("EINVAL", "board must be a loaded board with sections, got " + b);
  for (var i = 0; i < b.sections.length; i++) {
    var s = b.sections[i];
    out.push({ name: s.name, base: s.base, size: s.size, gateable: s.gateable });
  }
  return out;
}

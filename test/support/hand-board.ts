/**
 * Small hand-made Board objects for tests, so that tests of the HAL and the
 * simulated MCU do not depend on the board files (whose figures may change).
 */
import type { Board, BoardBank, BoardSection, PowerMode } from "../../src/core/board.js";

/** One section of a hand-made board: bank "RAMn" and index come from its name "RAMn.Sk". */
export interface HandSection {
  name: string;
  base: number;
  size: number;
  gateable: boolean;
  /** Retention current in nA. */
  retention_nA: number;
}

/** A hand-made mode: base current in µA. */
export interface HandMode {
  current_uA: number;
  retentionApplies: boolean;
}

/** Default modes: "sleep" (1.5 µA + retention), "run" (100 µA, retention included), "sysoff" (0.3 µA + retention). */
export var HAND_MODES: { [name: string]: HandMode } = {
  sleep: { current_uA: 1.5, retentionApplies: true },
  run: { current_uA: 100, retentionApplies: false },
  sysoff: { current_uA: 0.3, retentionApplies: true },
};

/** Build a Board named "HAND" from sections (address order), modes and a voltage; the first mode is the default. */
export function handBoard(sections: HandSection[], modes?: { [name: string]: HandMode }, volts?: number): Board {
  var ms = modes || HAND_MODES;
  var banks: BoardBank[] = [];
  var all: BoardSection[] = [];
  for (var i = 0; i < sections.length; i++) {
    var h = sections[i],
      dot = h.name.indexOf(".");
    var bank = dot > 0 ? h.name.slice(0, dot) : h.name;
    var s: BoardSection = {
      name: h.name,
      bank: bank,
      index: dot > 0 ? Number(h.name.slice(dot + 2)) : 0,
      base: h.base,
      size: h.size,
      gateable: h.gateable,
      retention: { value: h.retention_nA, unit: "nA", derived: "hand-made: " + h.retention_nA + " nA for " + h.name },
    };
    if (banks.length === 0 || banks[banks.length - 1].name !== bank) banks.push({ name: bank, sections: [] });
    banks[banks.length - 1].sections.push(s);
    all.push(s);
  }
  var modeTable: { [name: string]: PowerMode } = {};
  var names = Object.keys(ms);
  for (var k = 0; k < names.length; k++) {
    var m = ms[names[k]];
    modeTable[names[k]] = {
      name: names[k],
      description: "hand-made mode " + names[k],
      current: { value: m.current_uA, unit: "uA", source: "hand-made table, " + names[k] },
      retentionApplies: m.retentionApplies,
    };
  }
  var first = all[0],
    last = all[all.length - 1];
  return {
    name: "HAND",
    title: "Hand-made test board",
    chip: { part: "none", core: "none" },
    voltage: { value: volts === undefined ? 3 : volts, unit: "V", source: "hand-made supply" },
    ram: { base: first.base, size: last.base + last.size - first.base },
    banks: banks,
    sections: all,
    reserved: [],
    regions: [],
    modes: modeTable,
    defaultMode: names[0],
    ramPower: "none",
    notes: ["made by test/support/hand-board.ts"],
    file: "(hand-made)",
  };
}

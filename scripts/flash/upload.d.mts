import type { Board } from "../../src/core/board.js";

/** The repository's root directory. */
export declare const ROOT: string;
/** node_modules/.bin/espruino. */
export declare const CLI: string;
/** Modules every Espruino build with hardware wrappers has built in. */
export declare const FIRMWARE_MODULES: string[];
/** The modules an upload provides: "ramkit", "ramkit-board", "ramkit-debug". */
export declare const UPLOAD_MODULES: string[];
export declare function boardNames(): string[];
export declare function isBluetoothAddress(port: unknown): boolean;
export declare function asciiOnly(text: string): string;
export declare function moduleText(name: string, code: string): string;
/** What code on the board reads of a board. */
export interface BoardData {
  name: string;
  title: string;
  chip: string;
  ramPower: string;
  ram: { base: number; size: number };
  banks: { name: string; powerRegister?: number; sections: { name: string; base: number; size: number; gateable: boolean }[] }[];
  reserved: { name: string; kind: string; base: number; size: number; basis?: string }[];
  regions: { name: string; base: number; size: number }[];
}
export declare function boardData(board: Board): BoardData;
export declare function boardModuleSource(board: Board): string;
export declare function cliBoardJson(board: Board): {
  info: { name: string; builtin_modules: string[] };
  ramkit: { board: string; generatedFrom: string };
};
export declare function uploadSource(o: {
  bundle: string;
  boardModule: string;
  addon?: string | null;
  app?: string | null;
  storage?: boolean;
}): string;
export declare function cliArgs(o: {
  source: string;
  boardJson: string;
  out?: string | null;
  port?: string | null;
  storage?: [string, string][];
  sleep?: number | null;
}): string[];
export declare function extractTrace(output: string): string | null;
export declare function bundleChoices(names: string[]): string[];

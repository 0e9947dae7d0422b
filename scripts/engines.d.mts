/** A conformance part: its file name (sort key), source path if any, and text. */
export interface Part {
  name: string;
  file?: string;
  text: string;
}
export interface Built {
  script: string;
  segments: { name: string; file: string | null | undefined; start: number; lines: number }[];
  file?: string;
}
export interface RunResult {
  output: string;
  error: string | null;
  notes?: string;
}
export interface Verdict {
  ok: boolean;
  passed: number;
  failed: number;
  failures: string[];
  error: string | null;
}
export interface Engine {
  name: string;
  command?: string;
  /** The environment variable that names the engine's binary (the Espruino interpreter). */
  env?: string;
  /** Runs only when named on the command line. */
  optIn?: boolean;
  install?: string;
  run?: (script: string, file: string, run?: { espruinoScript: string }) => RunResult | Promise<RunResult>;
}
export declare function partFiles(): string[];
export declare function readParts(): Part[];
export declare function buildScript(bundleText: string, options?: { espruino?: boolean; parts?: Part[]; addon?: string | null }): Built;
export declare function lintScript(built: Built): string[];
export declare function which(cmd: string): string | null;
export declare function runNode(script: string, file: string): RunResult;
export declare function runCommand(cmd: string): (script: string, file: string) => RunResult;
export declare const ENGINES: Engine[];
export declare function judge(result: RunResult): Verdict;

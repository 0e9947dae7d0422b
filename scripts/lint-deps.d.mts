/** One broken rule. */
export interface Violation {
  rule: string;
  severity: string;
  from: string;
  to: string;
  comment: string;
}
/** The path of .dependency-cruiser.cjs. */
export declare const CONFIG: string;
/** Cruise `paths` (relative to `cwd`) under the repository's rules. */
export declare function lintDeps(options?: {
  cwd?: string;
  paths?: string[];
  tsConfig?: string;
}): Promise<{ modules: number; dependencies: number; violations: Violation[] }>;

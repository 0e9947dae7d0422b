/** One finding of the bundle checker (column is 1-based). */
export interface Finding {
  file: string;
  line: number;
  column: number;
  rule: string;
  message: string;
}
/** Every rule id. */
export declare const RULES: string[];
/** Check one source text; findings in source order. */
export declare function checkSource(text: string, filename?: string): Finding[];
/** `file:line:column rule-id: message`. */
export declare function formatFinding(f: Finding): string;

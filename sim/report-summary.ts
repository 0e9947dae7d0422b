/**
 * The summary of experiment results as rows: one per policy and one for the
 * bound (the oracle). The report's CSV, the terminal table, and the sweep
 * (in its worker threads, which must not load the chart libraries) all use
 * these. Node only; no dependencies beyond sim/results.ts.
 */
import { POLICY_NAMES, type ExperimentResult } from "./results.js";

/** One line of the summary: one policy (or the bound) of one experiment. Empty cells are null. */
export interface SummaryRow {
  experiment: string;
  board: string;
  chip: string;
  allocator: string;
  workload: string;
  seed: number;
  duration_s: number;
  power_mode: string;
  policy: string;
  total_uJ: number;
  base_uJ: number;
  retention_uJ: number;
  avg_current_uA: number | null;
  avg_sections_on: number;
  switch_ons: number | null;
  switch_offs: number | null;
  failures: number | null;
  peak_live_bytes: number | null;
  fragmentation: number | null;
  saving_retention_pct: number | null;
  saving_total_pct: number | null;
  /** Infinity when the bound needs no retention energy (null when read back from JSON). */
  retention_vs_oracle: number | null;
}

/** The CSV's columns, in order (the keys of `SummaryRow`). */
export const SUMMARY_COLUMNS: (keyof SummaryRow)[] = [
  "experiment",
  "board",
  "chip",
  "allocator",
  "workload",
  "seed",
  "duration_s",
  "power_mode",
  "policy",
  "total_uJ",
  "base_uJ",
  "retention_uJ",
  "avg_current_uA",
  "avg_sections_on",
  "switch_ons",
  "switch_offs",
  "failures",
  "peak_live_bytes",
  "fragmentation",
  "saving_retention_pct",
  "saving_total_pct",
  "retention_vs_oracle",
];

/** The policies of a result in report order (POLICY_NAMES first, then any other in the order given). */
export function ordered<T extends { policy: string }>(policies: T[]): T[] {
  const rank = (p: T) => {
    const i = (POLICY_NAMES as readonly string[]).indexOf(p.policy);
    return i < 0 ? POLICY_NAMES.length : i;
  };
  return policies
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i)
    .map((x) => x.p);
}

/** One row per policy, in report order, then one for the bound ("oracle"). O(policies). */
export function summaryRows(r: ExperimentResult): SummaryRow[] {
  const common = {
    experiment: r.name,
    board: r.board.name,
    chip: r.board.chip,
    allocator: r.allocator.kind,
    workload: r.workload,
    seed: r.seed,
    duration_s: r.durationSeconds,
    power_mode: r.powerMode,
  };
  const rows: SummaryRow[] = ordered(r.policies).map((p) => ({
    ...common,
    policy: p.policy,
    total_uJ: p.energy.total_uJ,
    base_uJ: p.energy.base_uJ,
    retention_uJ: p.energy.retention_uJ,
    avg_current_uA: p.avgCurrent_uA,
    avg_sections_on: p.avgSectionsOn,
    switch_ons: p.switchOns,
    switch_offs: p.switchOffs,
    failures: p.failures,
    peak_live_bytes: p.peakLiveBytes,
    fragmentation: p.fragmentation,
    saving_retention_pct: p.savingRetentionPct,
    saving_total_pct: p.savingTotalPct,
    retention_vs_oracle: p.retentionVsOracle,
  }));
  const o = r.oracle.energy;
  const allOn = r.policies.find((p) => p.policy === "all-on");
  const pct = (a: number, b: number) => (a > 0 ? ((a - b) / a) * 100 : null);
  rows.push({
    ...common,
    policy: "oracle",
    total_uJ: o.total_uJ,
    base_uJ: o.base_uJ,
    retention_uJ: o.retention_uJ,
    avg_current_uA: allOn && allOn.energy.total_uJ > 0 ? (allOn.avgCurrent_uA * o.total_uJ) / allOn.energy.total_uJ : null,
    avg_sections_on: r.oracle.avgSectionsOn,
    switch_ons: null,
    switch_offs: null,
    failures: null,
    peak_live_bytes: null,
    fragmentation: null,
    saving_retention_pct: allOn ? pct(allOn.energy.retention_uJ, o.retention_uJ) : null,
    saving_total_pct: allOn ? pct(allOn.energy.total_uJ, o.total_uJ) : null,
    retention_vs_oracle: 1,
  });
  return rows;
}

/**
 * A CSV cell (RFC 4180): quoted when it holds a comma, quote or line break.
 * A text cell that a spreadsheet would read as a formula (starting with
 * = + - @, a tab or a carriage return) gets a leading apostrophe, so opening
 * the CSV cannot run one. Numbers are written in full; null is empty.
 */
export function csvCell(v: string | number | null): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return String(v);
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** The CSV of summary rows, header first, CRLF-free (\n line ends). */
export function rowsCsv(rows: SummaryRow[]): string {
  return [SUMMARY_COLUMNS.join(",")].concat(rows.map((row) => SUMMARY_COLUMNS.map((c) => csvCell(row[c])).join(","))).join("\n") + "\n";
}

/** `results.csv`: every experiment's summary rows. */
export function resultsCsv(results: ExperimentResult[]): string {
  const rows: SummaryRow[] = [];
  for (const r of results) rows.push(...summaryRows(r));
  return rowsCsv(rows);
}

/** Columns padded to their widest cell (numbers right-aligned); the last column is not padded. */
function textTable(header: string[], rows: string[][], right: boolean[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => (right[c] ? cell.padStart(widths[c]) : c === r.length - 1 ? cell : cell.padEnd(widths[c])))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w)))].concat(rows.map(line)).join("\n");
}

/**
 * The terminal summary of rows: energy per policy, saving in % of retention
 * and of total energy, retention against the bound, failures. Rows of
 * several experiments get the experiment's board, workload and seed as
 * leading columns.
 */
export function summaryTable(rows: SummaryRow[]): string {
  const many = new Set(rows.map((r) => r.experiment + "\u0000" + r.board + "\u0000" + r.workload + "\u0000" + r.seed)).size > 1;
  const unit = energyUnit(Math.max(0, ...rows.map((r) => r.total_uJ)));
  const e = (v: number) => fixed(v / unit.div, 2);
  const pct = (v: number | null) => (v === null ? "-" : fixed(v, 1) + "%");
  const head = (many ? ["board", "workload", "seed"] : []).concat([
    "policy",
    "energy " + unit.name,
    "base " + unit.name,
    "retention " + unit.name,
    "saved: retention",
    "saved: total",
    "retention / bound",
    "failures",
  ]);
  const body = rows.map((r) =>
    (many ? [r.board, r.workload, String(r.seed)] : []).concat([
      r.policy === "oracle" ? "oracle (bound)" : r.policy,
      e(r.total_uJ),
      e(r.base_uJ),
      e(r.retention_uJ),
      pct(r.saving_retention_pct),
      pct(r.saving_total_pct),
      times(r.retention_vs_oracle, 3, "x"),
      r.failures === null ? "-" : String(r.failures),
    ]),
  );
  const right = head.map((h, i) => i >= (many ? 4 : 1) || h === "seed");
  return textTable(head, body, right);
}

/** `v` with `digits` decimals; infinity as ∞, null or NaN as a dash, anything else as it is. */
export function fixed(v: number | null, digits: number): string {
  if (typeof v === "number" && isFinite(v)) return v.toFixed(digits);
  if (v === Infinity) return "\u221e";
  if (v === -Infinity) return "-\u221e";
  if (v === null || (typeof v === "number" && isNaN(v))) return "\u2013";
  return String(v);
}

/** A ratio: `fixed` and the sign (x or ×) when it is a finite number. */
export function times(v: number | null, digits: number, sign: string): string {
  return fixed(v, digits) + (typeof v === "number" && isFinite(v) ? sign : "");
}

/** The largest of µJ, mJ, J that keeps `max` at or above 1 (µJ when below). */
export function energyUnit(max: number): { name: string; div: number } {
  if (max >= 1e6) return { name: "J", div: 1e6 };
  if (max >= 1e3) return { name: "mJ", div: 1e3 };
  return { name: "\u00b5J", div: 1 };
}

/**
 * The experiment report: `writeReport(results, dir)` writes `dir/index.html`,
 * `dir/results.csv` and `dir/results.json` from one or more experiments'
 * results (sim/results.ts). Node only.
 *
 * The page is one self-contained file: no script at all, inline CSS, charts
 * inlined as SVG, system fonts; a Content-Security-Policy forbids scripts and
 * every network fetch, so it opens from disk and shows the same thing offline.
 * The charts are Vega-Lite specs compiled by `vega-lite` and rendered to SVG
 * in Node by `vega` (a View with renderer "none", `toSVG()`), and read the way
 * a power profiler's traces are read:
 *   1. current against time, a step chart with one line per policy and the
 *      bound (the oracle) dashed;
 *   2. one lane per managed RAM section (on / retained / off) over time, per
 *      policy, like a profiler's digital channels;
 *   3. live bytes against sections on, per policy, with the sections the bound
 *      needs;
 *   4. energy per policy (base and RAM retention stacked), and retention
 *      energy against the bound's.
 * Every figure names the board figures it came from (`result.sources`), and
 * the page states the model's limits (`result.limits` plus the limits of the
 * per-section retention figures, `MODEL_LIMITS`).
 *
 * Every string that reaches the page (board, experiment, workload, trace and
 * section names, sources, limits, policy names) is HTML-escaped: the page is
 * assembled with a template tag that escapes every interpolated value, and
 * inside the charts vega escapes text and attributes itself. No string from
 * the results ever becomes part of a Vega expression (series are told apart
 * by data, not by filters).
 *
 * Long runs are reduced before drawing (a 24-hour run sampled every second
 * would make SVGs of megabytes): a series keeps only the points where its
 * value changes, then at most `MAX_POINTS` points (the lowest and highest of
 * each time bucket); a lane keeps at most `MAX_SEGMENTS` segments (each the
 * state that lasted longest in its time bucket). A caption says when a chart
 * was reduced. The CSV and JSON always hold the full results.
 */
import { mkdirSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import * as vega from "vega";
import { compile } from "vega-lite";
import { fail, show } from "../src/core/errors.js";
import { checkExperimentResult } from "./report-schema.js";
import { energyUnit, fixed, ordered, summaryRows, resultsCsv, times } from "./report-summary.js";
import type { EnergySplit, ExperimentResult, FigureSource, Lane, Sample } from "./results.js";

export {
  SUMMARY_COLUMNS,
  csvCell,
  energyUnit,
  resultsCsv,
  rowsCsv,
  summaryRows,
  summaryTable,
  type SummaryRow,
} from "./report-summary.js";

/** Limits of the power model that every report states, beside the experiment's own `limits`. */
export const MODEL_LIMITS: readonly string[] = [
  "Per-section retention currents are derived from datasheet pairs (a mode's current with all RAM retained minus " +
    "the same mode with none, spread evenly over the sections); no datasheet gives a per-section figure.",
  "Measured boards show tens of nA per section, which other leakage (regulators, GPIO, sensors, the radio's idle " +
    "current) can hide: a saving in RAM retention energy may not be visible on a meter.",
];

/** How a result's own limits say the same as MODEL_LIMITS[i] (then the page does not repeat it). */
const MODEL_LIMIT_STATED: RegExp[] = [/retention currents are derived from datasheet/i, /tens of nA per section/i];

/** At most this many points per drawn series (after dropping repeated values). */
export const MAX_POINTS = 1200;
/** At most this many segments per drawn lane. */
export const MAX_SEGMENTS = 400;

/** What `writeReport` wrote: absolute paths, and the chart compiler's warnings (none expected). */
export interface ReportFiles {
  html: string;
  csv: string;
  json: string;
  warnings: string[];
}

/** The label of the bound in charts and tables. */
export const ORACLE_LABEL = "oracle (bound)";

/**
 * Write `dir/index.html`, `dir/results.csv` and `dir/results.json` for
 * `results` (one or more experiments; each is checked first, and an EINVAL
 * error names the offending field, e.g. `results[0]/policies/1/energy: missing`).
 * Creates `dir` when missing. Nothing is written unless everything rendered:
 * the files are written under temporary names and renamed at the end.
 * Async because vega renders asynchronously. Returns the paths written.
 * Cost: O(samples) plus vega's rendering of at most MAX_POINTS points per series.
 */
export async function writeReport(results: ExperimentResult[], dir: string): Promise<ReportFiles> {
  if (typeof dir !== "string" || dir === "") fail("EINVAL", "dir must be a non-empty path, got " + show(dir));
  checkResults(results);
  const out = resolve(dir);
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(out);
  } catch {
    st = undefined;
  }
  if (st && !st.isDirectory()) fail("EINVAL", "dir " + show(dir) + " exists and is not a directory");
  const warnings: string[] = [];
  const html = await renderReport(results, warnings);
  const csv = resultsCsv(results);
  const json = JSON.stringify(results, null, 1) + "\n";
  mkdirSync(out, { recursive: true });
  const files = { html: join(out, "index.html"), csv: join(out, "results.csv"), json: join(out, "results.json") };
  const tmp = (f: string) => f + ".tmp-" + process.pid;
  const texts: [string, string][] = [
    [files.html, html],
    [files.csv, csv],
    [files.json, json],
  ];
  try {
    for (const [f, text] of texts) writeFileSync(tmp(f), text);
  } catch (e) {
    for (const [f] of texts) {
      try {
        unlinkSync(tmp(f));
      } catch {
        /* not written */
      }
    }
    throw e;
  }
  for (const [f] of texts) renameSync(tmp(f), f);
  return { html: files.html, csv: files.csv, json: files.json, warnings };
}

/** EINVAL unless `results` is a non-empty array of valid results (each named `results[i]`). */
export function checkResults(results: unknown): asserts results is ExperimentResult[] {
  if (!Array.isArray(results) || results.length === 0) {
    fail("EINVAL", "results must be a non-empty array of experiment results, got " + show(results));
  }
  results.forEach((r, i) => checkExperimentResult(r, "results[" + i + "]"));
}

// ---------------------------------------------------------------------------
// Formatting.

/** Hours for runs of 3 h or more, minutes from 3 min, else seconds. */
export function timeUnit(seconds: number): { name: string; div: number } {
  if (seconds >= 3 * 3600) return { name: "h", div: 3600 };
  if (seconds >= 180) return { name: "min", div: 60 };
  return { name: "s", div: 1 };
}

function bytesText(n: number): string {
  if (n >= 1024 && n % 1024 === 0) return n / 1024 + " KiB";
  return n + " B";
}

/** Bytes for people: B below 1 KiB, else KiB with one decimal where needed. */
function sizeText(n: number): string {
  if (typeof n !== "number" || n < 1024) return String(n) + " B";
  return (n % 1024 === 0 ? String(n / 1024) : (n / 1024).toFixed(1)) + " KiB";
}

function hexText(a: number): string {
  return a >>> 0 === a ? "0x" + a.toString(16).toUpperCase().padStart(8, "0") : String(a);
}

const CURRENT_UNIT = /^(A|mA|uA|\u00b5A|nA|pA)$/;
const UNIT_TEXT: { [u: string]: string } = { uA: "\u00b5A" };

// ---------------------------------------------------------------------------
// Reduction of long series for drawing.

/**
 * The points of a step series (value held until the next point) for drawing:
 * repeated values dropped, the last value held until `end`, then, when more
 * than `max` remain, the lowest and highest point of each of max/2 equal time
 * buckets, in time order (the envelope a profiler's zoomed-out view shows).
 * Returns [t, value] pairs and whether buckets were used. O(samples).
 */
export function reduceSteps(
  samples: { t: number; v: number }[],
  end: number,
  max: number,
): { points: [number, number][]; reduced: boolean } {
  const pts: [number, number][] = [];
  for (const s of samples) {
    if (pts.length > 0 && pts[pts.length - 1][1] === s.v && pts[pts.length - 1][0] !== s.t) continue;
    pts.push([s.t, s.v]);
  }
  if (pts.length > 0 && pts[pts.length - 1][0] < end) pts.push([end, pts[pts.length - 1][1]]);
  if (pts.length <= max) return { points: pts, reduced: false };
  const buckets = Math.max(1, Math.floor((max - 2) / 2));
  const t0 = pts[0][0];
  const span = pts[pts.length - 1][0] - t0 || 1;
  const out: [number, number][] = [pts[0]];
  let b = -1,
    lo: [number, number] | null = null,
    hi: [number, number] | null = null;
  const flush = () => {
    if (!lo || !hi) return;
    if (lo === hi) out.push(lo);
    else if (lo[0] <= hi[0]) out.push(lo, hi);
    else out.push(hi, lo);
  };
  for (let i = 1; i < pts.length - 1; i++) {
    const p = pts[i];
    const k = Math.min(buckets - 1, Math.floor(((p[0] - t0) / span) * buckets));
    if (k !== b) {
      flush();
      b = k;
      lo = hi = p;
      continue;
    }
    if (p[1] < lo![1]) lo = p;
    if (p[1] > hi![1]) hi = p;
  }
  flush();
  out.push(pts[pts.length - 1]);
  return { points: out, reduced: true };
}

/** A lane's segments [start, end) with their state. */
export interface Segment {
  start: number;
  end: number;
  state: string;
}

/**
 * A lane's changes as segments up to `end` (zero-length ones dropped); when
 * more than `max`, the run is cut into max equal buckets, each drawn as the
 * state that lasted longest in it, and equal neighbours are merged.
 * O(changes + max).
 */
export function laneSegments(lane: Lane, end: number, max: number): { segments: Segment[]; reduced: boolean } {
  const segs: Segment[] = [];
  const ch = lane.changes;
  for (let i = 0; i < ch.length; i++) {
    const start = ch[i][0],
      stop = i + 1 < ch.length ? ch[i + 1][0] : Math.max(end, start);
    if (stop <= start) continue;
    const last = segs[segs.length - 1];
    if (last && last.state === ch[i][1] && last.end === start) last.end = stop;
    else segs.push({ start, end: stop, state: ch[i][1] });
  }
  if (segs.length <= max || segs.length === 0) return { segments: segs, reduced: false };
  const t0 = segs[0].start,
    t1 = segs[segs.length - 1].end,
    width = (t1 - t0) / max;
  const out: Segment[] = [];
  let j = 0;
  for (let k = 0; k < max; k++) {
    const a = t0 + k * width,
      b = k === max - 1 ? t1 : t0 + (k + 1) * width;
    const time: { [state: string]: number } = {};
    while (j < segs.length && segs[j].end <= a) j++;
    for (let i = j; i < segs.length && segs[i].start < b; i++) {
      const s = segs[i];
      time[s.state] = (time[s.state] || 0) + Math.min(b, s.end) - Math.max(a, s.start);
    }
    let best = "",
      bestT = -1;
    for (const state of Object.keys(time))
      if (time[state] > bestT) {
        best = state;
        bestT = time[state];
      }
    const last = out[out.length - 1];
    if (last && last.state === best) last.end = b;
    else out.push({ start: a, end: b, state: best });
  }
  return { segments: out, reduced: true };
}

// ---------------------------------------------------------------------------
// Charts: Vega-Lite specs, rendered to SVG by vega.

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
const WIDTH = 840;
const POLICY_COLORS: { [policy: string]: string } = {
  "all-on": "#8c8c8c",
  "heap-top": "#e4572e",
  "gate-empty": "#3b75af",
  "pack+gate": "#2e9e5b",
};
const EXTRA_COLORS = ["#b279a2", "#d4a017", "#9d755d", "#17becf", "#ff7fbf", "#7f3fbf"];
const ORACLE_COLOR = "#222222";
const STATE_COLORS: [string, string][] = [
  ["on", "#f2a93b"],
  ["retained", "#6f9fd8"],
  ["off", "#e6e7ea"],
];

const CONFIG = {
  font: FONT,
  background: "white",
  padding: 6,
  view: { stroke: "#d9dce1" },
  axis: {
    labelFontSize: 11,
    titleFontSize: 11,
    titleFontWeight: "normal",
    titleColor: "#333",
    labelColor: "#444",
    gridColor: "#eceef1",
    domainColor: "#9aa0a6",
    tickColor: "#9aa0a6",
  },
  legend: {
    labelFontSize: 11,
    titleFontSize: 11,
    titleFontWeight: "normal",
    orient: "top",
    symbolStrokeWidth: 2,
    labelLimit: 320,
    columnPadding: 14,
  },
  header: { labelFontSize: 12, labelFontWeight: "bold", labelColor: "#222", titleFontSize: 11 },
  title: { fontSize: 12, fontWeight: "bold", anchor: "start", color: "#222", offset: 6 },
};

/** Colours of the series of one experiment: its policies in report order, then the bound. */
function seriesColors(policies: string[]): { domain: string[]; range: string[] } {
  let extra = 0;
  const range = policies.map((p) => (Object.hasOwn(POLICY_COLORS, p) ? POLICY_COLORS[p] : EXTRA_COLORS[extra++ % EXTRA_COLORS.length]));
  return { domain: policies.concat([ORACLE_LABEL]), range: range.concat([ORACLE_COLOR]) };
}

/** Per page: the chart compiler's warnings, and a counter for unique element ids. */
interface Ctx {
  warnings: string[];
  charts: number;
}

/**
 * Compile a Vega-Lite spec and render it to an SVG string. Element ids are
 * prefixed per chart, so that several SVGs inlined in one page do not share
 * clip paths or gradients.
 */
async function renderChart(spec: Record<string, unknown>, ctx: Ctx, what: string): Promise<string> {
  const note =
    (level: string) =>
    (...args: unknown[]) => {
      ctx.warnings.push(what + ": " + level + ": " + args.map(String).join(" "));
    };
  const logger = {
    level(): any {
      return logger;
    },
    error: note("error"),
    warn: note("warning"),
    info(): any {
      return logger;
    },
    debug(): any {
      return logger;
    },
  };
  const full = { $schema: "https://vega.github.io/schema/vega-lite/v6.json", config: CONFIG, ...spec };
  const vg = compile(full as any, { logger: logger as any }).spec;
  const view = new vega.View(vega.parse(vg), { renderer: "none", logger: logger as any } as any);
  const svg = await view.toSVG();
  view.finalize();
  const prefix = "c" + ++ctx.charts + "-";
  return svg
    .replace(/ id="([^"]+)"/g, (_m, id) => ' id="' + prefix + id + '"')
    .replace(/url\(#([^)]+)\)/g, (_m, id) => "url(#" + prefix + id + ")")
    .replace(/ (xlink:)?href="#([^"]+)"/g, (_m, x, id) => " " + (x || "") + 'href="#' + prefix + id + '"');
}

interface Chart {
  svg: string;
  reduced: boolean;
}

/** Figure 1: current against time, a step line per policy and the bound dashed. */
async function currentChart(r: ExperimentResult, ctx: Ctx): Promise<Chart> {
  const tu = timeUnit(r.durationSeconds);
  const policies = ordered(r.policies);
  const colors = seriesColors(policies.map((p) => p.policy));
  const values: { t: number; v: number; s: string }[] = [];
  let reduced = false;
  const add = (name: string, samples: Sample[]) => {
    const red = reduceSteps(
      samples.map((s) => ({ t: s.t, v: s.current_uA })),
      r.durationSeconds,
      MAX_POINTS,
    );
    reduced = reduced || red.reduced;
    for (const [t, v] of red.points) values.push({ t: t / tu.div, v, s: name });
  };
  for (const p of policies) add(p.policy, p.samples);
  add(ORACLE_LABEL, r.oracle.samples);
  const dashes = colors.domain.map((d) => (d === ORACLE_LABEL ? [5, 3] : [1, 0]));
  const svg = await renderChart(
    {
      width: WIDTH,
      height: 240,
      description: "Current against time for each policy of " + r.name,
      data: { values },
      mark: { type: "line", interpolate: "step-after", strokeWidth: 1.6, clip: true },
      encoding: {
        x: {
          field: "t",
          type: "quantitative",
          title: "time (" + tu.name + ")",
          scale: { domain: [0, r.durationSeconds / tu.div], nice: false },
        },
        y: { field: "v", type: "quantitative", title: "current (\u00b5A)", scale: { zero: false, padding: 8 } },
        color: { field: "s", type: "nominal", title: null, scale: colors, sort: null },
        strokeDash: { field: "s", type: "nominal", title: null, scale: { domain: colors.domain, range: dashes }, sort: null },
        order: { field: "t", type: "quantitative" },
      },
    },
    ctx,
    r.name + " current",
  );
  return { svg, reduced };
}

/** Figure 2: one lane per managed section per policy (on / retained / off). */
async function lanesChart(r: ExperimentResult, ctx: Ctx): Promise<Chart> {
  const tu = timeUnit(r.durationSeconds);
  const policies = ordered(r.policies);
  const sectionOrder: { [name: string]: number } = {};
  r.sections.forEach((s, i) => {
    sectionOrder[s.name] = i;
  });
  const values: { a: number; b: number; st: string; sec: string; so: number; pol: string; po: number }[] = [];
  let reduced = false;
  policies.forEach((p, po) => {
    for (const lane of p.lanes) {
      const red = laneSegments(lane, r.durationSeconds, MAX_SEGMENTS);
      reduced = reduced || red.reduced;
      const so = Object.hasOwn(sectionOrder, lane.section) ? sectionOrder[lane.section] : r.sections.length;
      for (const s of red.segments)
        values.push({ a: s.start / tu.div, b: s.end / tu.div, st: s.state, sec: lane.section, so, pol: p.policy, po });
    }
  });
  const lanes = Math.max(1, ...policies.map((p) => p.lanes.length));
  const svg = await renderChart(
    {
      description: "Power state of each RAM section over time, per policy, for " + r.name,
      data: { values },
      facet: {
        row: {
          field: "pol",
          type: "nominal",
          title: null,
          sort: { field: "po", op: "min" },
          header: { labelAngle: 0, labelAlign: "left", labelAnchor: "start", labelOrient: "top", labelPadding: 4 },
        },
      },
      spacing: 10,
      spec: {
        width: WIDTH,
        height: Math.max(24, lanes * 14),
        mark: { type: "rect", clip: true },
        encoding: {
          x: {
            field: "a",
            type: "quantitative",
            title: "time (" + tu.name + ")",
            scale: { domain: [0, r.durationSeconds / tu.div], nice: false },
          },
          x2: { field: "b" },
          y: {
            field: "sec",
            type: "nominal",
            title: null,
            sort: { field: "so", op: "min" },
            scale: { paddingInner: 0.18 },
            axis: { labelFontSize: 10, ticks: false, domain: false },
          },
          color: {
            field: "st",
            type: "nominal",
            title: "section state",
            scale: { domain: STATE_COLORS.map((c) => c[0]), range: STATE_COLORS.map((c) => c[1]) },
          },
        },
      },
      resolve: { scale: { y: "shared" } },
    },
    ctx,
    r.name + " lanes",
  );
  return { svg, reduced };
}

/** Figure 3: live bytes against sections on, per policy, with the sections the bound needs. */
async function liveChart(r: ExperimentResult, ctx: Ctx): Promise<Chart> {
  const tu = timeUnit(r.durationSeconds);
  const n = r.sections.length;
  const total = r.sections.reduce((a, s) => a + s.size, 0);
  const kib = total >= 4096;
  const WHAT = ["live bytes", "sections on", "sections the bound needs"];
  const WHAT_COLORS = ["#c9d3e0", "#3b75af", ORACLE_COLOR];
  let reduced = false;
  const series = (samples: Sample[], key: "sectionsOn" | "liveBytes", div: number) => {
    const red = reduceSteps(
      samples.map((s) => ({ t: s.t, v: s[key] })),
      r.durationSeconds,
      MAX_POINTS,
    );
    reduced = reduced || red.reduced;
    return red.points.map(([t, v]) => ({ t: t / tu.div, v: v / div }));
  };
  const bound = series(r.oracle.samples, "sectionsOn", 1).map((d) => ({ ...d, w: WHAT[2] }));
  const x = {
    field: "t",
    type: "quantitative",
    title: "time (" + tu.name + ")",
    scale: { domain: [0, r.durationSeconds / tu.div], nice: false },
  };
  const color = {
    field: "w",
    type: "nominal",
    title: null,
    scale: { domain: WHAT, range: WHAT_COLORS },
    sort: null,
    legend: { symbolType: "stroke", symbolStrokeWidth: 3 },
  };
  const panels = ordered(r.policies).map((p, i, all) => ({
    title: { text: p.policy },
    width: WIDTH,
    height: 84,
    layer: [
      {
        data: { values: series(p.samples, "liveBytes", kib ? 1024 : 1).map((d) => ({ ...d, w: WHAT[0] })) },
        mark: { type: "area", interpolate: "step-after", clip: true, opacity: 0.9 },
        encoding: {
          x: { ...x, axis: i === all.length - 1 ? {} : { title: null, labels: false } },
          y: {
            field: "v",
            type: "quantitative",
            title: kib ? "live KiB" : "live bytes",
            scale: { domain: [0, kib ? total / 1024 : total], nice: false },
            axis: { orient: "right", tickCount: 4, grid: false },
          },
          color,
        },
      },
      {
        data: { values: bound.concat(series(p.samples, "sectionsOn", 1).map((d) => ({ ...d, w: WHAT[1] }))) },
        mark: { type: "line", interpolate: "step-after", clip: true, strokeWidth: 1.6 },
        encoding: {
          x: { ...x, axis: i === all.length - 1 ? {} : { title: null, labels: false } },
          y: {
            field: "v",
            type: "quantitative",
            title: "sections",
            scale: { domain: [0, n], nice: false },
            axis: { tickMinStep: 1, tickCount: Math.min(n, 5), format: "d" },
          },
          color,
          strokeDash: {
            field: "w",
            type: "nominal",
            title: null,
            scale: {
              domain: WHAT,
              range: [
                [1, 0],
                [1, 0],
                [4, 3],
              ],
            },
            sort: null,
          },
        },
      },
    ],
    resolve: { scale: { y: "independent" } },
  }));
  const svg = await renderChart(
    {
      description: "Live bytes and sections on over time, per policy, for " + r.name,
      vconcat: panels,
      spacing: 12,
    },
    ctx,
    r.name + " live bytes",
  );
  return { svg, reduced };
}

/** Figure 4: energy per policy (base and retention stacked) and retention against the bound's. */
async function energyChart(r: ExperimentResult, ctx: Ctx): Promise<Chart> {
  const policies = ordered(r.policies);
  const colors = seriesColors(policies.map((p) => p.policy));
  const rows: { s: string; o: number; e: EnergySplit; x: number | null }[] = policies
    .map((p, i) => ({ s: p.policy as string, o: i, e: p.energy, x: p.retentionVsOracle }))
    .concat([{ s: ORACLE_LABEL, o: policies.length, e: r.oracle.energy, x: 1 }]);
  const unit = energyUnit(Math.max(0, ...rows.map((d) => d.e.total_uJ)));
  const runit = energyUnit(Math.max(0, ...rows.map((d) => d.e.retention_uJ)));
  const stacked = rows.flatMap((d) => [
    { s: d.s, o: d.o, c: "base (mode current)", k: 0, v: d.e.base_uJ / unit.div },
    { s: d.s, o: d.o, c: "RAM retention", k: 1, v: d.e.retention_uJ / unit.div },
  ]);
  const ret = rows.map((d) => ({
    s: d.s,
    o: d.o,
    v: d.e.retention_uJ / runit.div,
    label: d.s === ORACLE_LABEL ? "the bound" : times(d.x, 2, "\u00d7") + " the bound",
  }));
  const y = { field: "s", type: "nominal", title: null, sort: { field: "o", op: "min" }, axis: { labelLimit: 180 } };
  const svg = await renderChart(
    {
      description: "Energy per policy and of the bound for " + r.name,
      vconcat: [
        {
          title: { text: "Total energy: base and RAM retention (" + unit.name + ")" },
          width: WIDTH - 180,
          height: { step: 20 },
          data: { values: stacked },
          mark: { type: "bar" },
          encoding: {
            y,
            x: { field: "v", type: "quantitative", title: "energy (" + unit.name + ")", stack: "zero" },
            color: {
              field: "c",
              type: "nominal",
              title: null,
              sort: null,
              scale: { domain: ["base (mode current)", "RAM retention"], range: ["#c7ccd3", "#f2a93b"] },
            },
            order: { field: "k", type: "quantitative" },
          },
        },
        {
          title: { text: "RAM retention energy against the bound (" + runit.name + ")" },
          width: WIDTH - 180,
          height: { step: 20 },
          data: { values: ret },
          layer: [
            {
              mark: { type: "bar" },
              encoding: {
                y,
                x: { field: "v", type: "quantitative", title: "retention energy (" + runit.name + ")" },
                color: { field: "s", type: "nominal", scale: colors, legend: null },
              },
            },
            {
              mark: { type: "text", align: "left", dx: 4, fontSize: 11, color: "#333" },
              encoding: { y, x: { field: "v", type: "quantitative" }, text: { field: "label" } },
            },
          ],
        },
      ],
      spacing: 18,
      resolve: { scale: { color: "independent" } },
    },
    ctx,
    r.name + " energy",
  );
  return { svg, reduced: false };
}

// ---------------------------------------------------------------------------
// HTML: every interpolated value is escaped unless it is `Raw`.

/** Markup that is inserted as is (made only by `html` and for vega's SVG). */
class Raw {
  constructor(readonly text: string) {}
}

/** Escape text for HTML content and quoted attribute values. */
export function escapeHtml(v: unknown): string {
  return String(v).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

function piece(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return v.map(piece).join("");
  if (v === null || v === undefined || v === false) return "";
  return escapeHtml(v);
}

/** Template tag: the literal parts as they are, every value escaped (arrays joined, Raw kept). */
function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let s = strings[0];
  for (let i = 0; i < values.length; i++) s += piece(values[i]) + strings[i + 1];
  return new Raw(s);
}

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f5f7; color: #1d1f23; font: 14px/1.5 ${FONT}; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 32px 56px; }
header h1 { font-size: 24px; margin: 0 0 4px; letter-spacing: -0.01em; }
header p { margin: 0; color: #555; overflow-wrap: anywhere; }
nav li, figcaption, .meta, .headline, ul.limits { overflow-wrap: anywhere; }
h2 { font-size: 19px; margin: 0 0 2px; }
h3 { font-size: 15px; margin: 26px 0 8px; }
.card { overflow-wrap: break-word; background: #fff; border: 1px solid #e1e4e8; border-radius: 10px; padding: 22px 28px 26px; margin: 22px 0; }
.meta { color: #555; margin: 0 0 10px; }
.meta b { color: #1d1f23; font-weight: 600; }
.headline { background: #f6f8fa; border-left: 3px solid #2e9e5b; padding: 8px 12px; margin: 12px 0 4px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; width: 100%; }
.table-wrap { overflow-x: auto; }
table.summary { font-size: 12.5px; }
table.summary th, table.summary td { padding: 5px 6px; }
table.summary td { white-space: nowrap; }
table.summary th { vertical-align: bottom; }
.note { margin-top: 8px; font-size: 13px; }
th, td { padding: 5px 9px; border-bottom: 1px solid #eceef1; text-align: right; vertical-align: top; }
th { font-weight: 600; font-size: 12px; color: #444; border-bottom: 1px solid #c9ced6; }
th:first-child, td:first-child { text-align: left; }
td.text, th.text { text-align: left; }
tr.bound td { color: #444; font-style: italic; background: #fafbfc; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 7px; vertical-align: baseline; }
.swatch.dashed { background: repeating-linear-gradient(90deg, #222 0 5px, transparent 5px 8px) !important; height: 3px; vertical-align: middle; }
.fail { color: #b3261e; font-weight: 600; }
figure { margin: 22px 0 8px; }
figure .chart { overflow-x: auto; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { font-size: 13px; color: #444; margin-top: 6px; max-width: 900px; }
figcaption b { color: #1d1f23; }
.sources td { text-align: left; font-size: 12.5px; }
.sources td.num { text-align: right; white-space: nowrap; }
.sources td.ref { white-space: nowrap; color: #555; }
.sources td.what { min-width: 16em; }
.sources .count { color: #666; white-space: nowrap; }
ul.limits { margin: 6px 0 0; padding-left: 20px; }
ul.limits li { margin: 3px 0; }
nav ol { margin: 8px 0 0; padding-left: 20px; }
footer { color: #666; font-size: 12.5px; margin-top: 28px; }
code { font-size: 12.5px; background: #f0f2f4; padding: 1px 4px; border-radius: 3px; }
`;

/**
 * One experiment's board figures, numbered [1], [2] … in the order given,
 * with runs of neighbours that share value, unit and source text (the same
 * derivation for every section of a bank) gathered into one group.
 */
interface SourceGroup {
  first: number;
  last: number;
  items: FigureSource[];
}

function groupSources(sources: FigureSource[]): SourceGroup[] {
  const groups: SourceGroup[] = [];
  sources.forEach((s, i) => {
    const g = groups[groups.length - 1];
    const prev = g ? g.items[g.items.length - 1] : null;
    if (g && prev && prev.value === s.value && prev.unit === s.unit && prev.source === s.source) {
      g.last = i + 1;
      g.items.push(s);
    } else groups.push({ first: i + 1, last: i + 1, items: [s] });
  });
  return groups;
}

function refText(first: number, last: number): string {
  return first === last ? "[" + first + "]" : "[" + first + "\u2013" + last + "]";
}

/** The figures `pick` selects (all of them when it selects none), cited by number, runs of a group as one range. */
function sourceRefs(sources: FigureSource[], pick: (s: FigureSource) => boolean): Raw {
  if (sources.length === 0) return html`no board figures were recorded`;
  const any = sources.some(pick);
  const parts: Raw[] = [];
  for (const g of groupSources(sources)) {
    let run: number[] = [];
    const flush = () => {
      if (run.length === 0) return;
      const a = sources[run[0] - 1],
        b = sources[run[run.length - 1] - 1];
      parts.push(html`${refText(run[0], run[run.length - 1])} ${a.what}${run.length > 1 ? html` \u2026 ${b.what}` : ""}`);
      run = [];
    };
    g.items.forEach((s, k) => {
      if (!any || pick(s)) run.push(g.first + k);
      else flush();
    });
    flush();
  }
  return html`${parts.map((p, k) => html`${k > 0 ? ", " : ""}${p}`)}`;
}

function figureValue(s: FigureSource): string {
  return (typeof s.value === "number" ? Number(s.value.toPrecision(6)) : s.value) + " " + (UNIT_TEXT[s.unit] || s.unit);
}

async function experimentSection(r: ExperimentResult, index: number, ctx: Ctx): Promise<Raw> {
  const [cur, lanes, live, energy] = [
    await currentChart(r, ctx),
    await lanesChart(r, ctx),
    await liveChart(r, ctx),
    await energyChart(r, ctx),
  ];
  const policies = ordered(r.policies);
  const colors = seriesColors(policies.map((p) => p.policy));
  const color = (name: string) => colors.range[colors.domain.indexOf(name)];
  const unit = energyUnit(Math.max(0, r.oracle.energy.total_uJ, ...policies.map((p) => p.energy.total_uJ)));
  const e = (v: number) => fixed(v / unit.div, 2);
  const allOn = r.policies.find((p) => p.policy === "all-on");
  const rows = summaryRows(r);
  const bound = rows[rows.length - 1];
  const gated = policies.filter((p) => p.policy !== "all-on");
  const best = gated.length > 0 ? gated.reduce((a, b) => (b.energy.retention_uJ < a.energy.retention_uJ ? b : a)) : null;
  const basePct = allOn && allOn.energy.total_uJ > 0 ? (allOn.energy.base_uJ / allOn.energy.total_uJ) * 100 : null;
  const sectionSizes = Array.from(new Set(r.sections.map((s) => s.size)))
    .map(bytesText)
    .join(" / ");
  const first = r.sections[0],
    last = r.sections[r.sections.length - 1];
  const isCurrent = (s: FigureSource) => CURRENT_UNIT.test(s.unit);
  const managed = r.sections.map((sec) => "sections." + sec.name + ".");
  const isSection = (s: FigureSource) =>
    managed.some((m) => s.what.indexOf(m) === 0) ||
    (!r.sources.some((x) => managed.some((m) => x.what.indexOf(m) === 0)) && /^sections?\b/i.test(s.what));
  const tu = timeUnit(r.durationSeconds);
  const reducedNote = (c: Chart) =>
    c.reduced
      ? html` Long series are drawn reduced (the lowest and highest value of each time bucket; a lane shows the state that lasted longest in each bucket); the tables, CSV and JSON hold the full figures.`
      : html``;
  const n = index + 1;
  const map = html`the section map of board ${r.board.name} (${r.sections.length} managed sections of ${sectionSizes}, ${first.name} at ${hexText(first.base)} to ${last.name})`;

  return html`<section class="card" id="experiment-${n}" aria-labelledby="experiment-${n}-title">
<h2 id="experiment-${n}-title">${r.name}</h2>
<p class="meta"><b>${r.board.title}</b> (${r.board.name}, ${r.board.chip}) · allocator <b>${r.allocator.kind}</b> over ${hexText(r.allocator.base)}, ${bytesText(r.allocator.size)} in ${bytesText(r.allocator.blockSize)} blocks · workload <b>${r.workload}</b> · seed ${r.seed} · ${fixed(r.durationSeconds / tu.div, tu.div === 1 ? 0 : 2)} ${tu.name} simulated in power mode <b>${r.powerMode}</b></p>
${best ? html`<p class="headline"><b>${best.policy}</b> saves ${fixed(best.savingRetentionPct, 1)}% of all-on's RAM retention energy and ${fixed(best.savingTotalPct, 1)}% of its total energy; its retention energy is ${times(best.retentionVsOracle, 2, "\u00d7")} the bound's.${basePct !== null && basePct >= 50 && best.savingTotalPct < 20 ? html` The mode's base current is ${fixed(basePct, 0)}% of all-on's energy, so the saving in total energy stays small.` : ""}${policies.some((p) => p.failures > 0) ? html` <span class="fail">Some policies had allocation failures (see the table).</span>` : ""}</p>` : ""}
<h3>Summary</h3>
<div class="table-wrap"><table class="summary">
<thead><tr><th class="text">policy</th><th>energy (${unit.name})</th><th>base</th><th>retention</th><th>avg current (µA)</th><th>sections on (avg)</th><th>saved: retention</th><th>saved: total</th><th>retention / bound</th><th>switch on / off</th><th>failures</th><th>peak live</th><th>fragmentation</th></tr></thead>
<tbody>
${rows.slice(0, -1).map(
  (
    row,
  ) => html`<tr><td class="text"><span class="swatch" style="background:${color(row.policy)}"></span>${row.policy}</td><td>${e(row.total_uJ)}</td><td>${e(row.base_uJ)}</td><td>${e(row.retention_uJ)}</td><td>${fixed(row.avg_current_uA as number, 3)}</td><td>${fixed(row.avg_sections_on, 2)}</td><td>${fixed(row.saving_retention_pct as number, 1)}%</td><td>${fixed(row.saving_total_pct as number, 1)}%</td><td>${times(row.retention_vs_oracle, 3, "\u00d7")}</td><td>${row.switch_ons} / ${row.switch_offs}</td><td${(row.failures as number) > 0 ? html` class="fail"` : ""}>${row.failures}</td><td>${sizeText(row.peak_live_bytes as number)}</td><td>${fixed(row.fragmentation as number, 3)}</td></tr>
`,
)}<tr class="bound"><td class="text"><span class="swatch dashed"></span>${ORACLE_LABEL}</td><td>${e(bound.total_uJ)}</td><td>${e(bound.base_uJ)}</td><td>${e(bound.retention_uJ)}</td><td>${bound.avg_current_uA === null ? "–" : fixed(bound.avg_current_uA, 3)}</td><td>${fixed(bound.avg_sections_on, 2)}</td><td>${bound.saving_retention_pct === null ? "–" : fixed(bound.saving_retention_pct, 1) + "%"}</td><td>${bound.saving_total_pct === null ? "–" : fixed(bound.saving_total_pct, 1) + "%"}</td><td>1.000×</td><td>–</td><td>–</td><td>–</td><td>–</td></tr>
</tbody>
</table></div>
<p class="meta note">Savings are against all-on, in % of its RAM retention energy (the memory's own leakage) and of its total energy (base current included). The bound is the fewest sections that could hold the live bytes at every instant, charged as if they alone were on.</p>

<figure id="experiment-${n}-current">
<div class="chart">${new Raw(cur.svg)}</div>
<figcaption><b>Figure ${n}.1 Current against time</b>, one step line per policy; the bound dashed. Board data: ${sourceRefs(r.sources, isCurrent)}.${reducedNote(cur)}</figcaption>
</figure>

<figure id="experiment-${n}-lanes">
<div class="chart">${new Raw(lanes.svg)}</div>
<figcaption><b>Figure ${n}.2 RAM sections over time</b>, one lane per managed section and policy: on, retained (contents kept, not accessible) or off (contents lost). Board data: ${map}; ${sourceRefs(r.sources, isSection)}.${reducedNote(lanes)}</figcaption>
</figure>

<figure id="experiment-${n}-live">
<div class="chart">${new Raw(live.svg)}</div>
<figcaption><b>Figure ${n}.3 Live bytes against sections on</b>, per policy: the area is the bytes in live allocations (right axis), the line the sections on or retained (left axis), the dashed line the sections the bound needs. The two axes line up: one section's worth of bytes sits at one section. Board data: ${map}.${reducedNote(live)}</figcaption>
</figure>

<figure id="experiment-${n}-energy">
<div class="chart">${new Raw(energy.svg)}</div>
<figcaption><b>Figure ${n}.4 Energy per policy against the bound</b>: above, the total split into the mode's base current and RAM retention; below, the retention energy alone, labelled with its ratio to the bound's. Board data: ${sourceRefs(r.sources, () => true)}.</figcaption>
</figure>

<h3>Board data used</h3>
<div class="table-wrap"><table class="sources">
<thead><tr><th class="text">ref</th><th class="text">figure</th><th>value</th><th class="text">source</th></tr></thead>
<tbody>
${r.sources.length === 0 ? html`<tr><td colspan="4">No board figures were recorded for this experiment.</td></tr>` : ""}${groupSources(
  r.sources,
).map(
  (
    g,
  ) => html`<tr><td class="ref">${refText(g.first, g.last)}</td><td class="what">${g.items[0].what}${g.items.length > 1 ? html` \u2026 ${g.items[g.items.length - 1].what} <span class="count">(${g.items.length} figures)</span>` : ""}</td><td class="num">${figureValue(g.items[0])}${g.items.length > 1 ? " each" : ""}</td><td>${g.items[0].source}</td></tr>
`,
)}</tbody>
</table></div>
</section>
`;
}

/** The whole page. Deterministic: the same results give the same bytes. */
export async function renderReport(results: ExperimentResult[], warnings: string[] = []): Promise<string> {
  checkResults(results);
  const ctx: Ctx = { warnings, charts: 0 };
  const sections: Raw[] = [];
  for (let i = 0; i < results.length; i++) sections.push(await experimentSection(results[i], i, ctx));
  const limits: string[] = [];
  const given: string[] = [];
  for (const r of results) for (const l of r.limits) if (given.indexOf(l) < 0) given.push(l);
  // a model limit the results already state in their own words is not repeated
  MODEL_LIMITS.forEach((l, i) => {
    if (!given.some((g) => MODEL_LIMIT_STATED[i].test(g))) limits.push(l);
  });
  for (const l of given) limits.push(l);
  const title = results.length === 1 ? "ramkit report: " + results[0].name : "ramkit report: " + results.length + " experiments";
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ramkit">
<title>${title}</title>
<style>${new Raw(CSS)}</style>
</head>
<body>
<main>
<header>
<h1>RAM bank power-down report</h1>
<p>${results.length === 1 ? "One experiment" : results.length + " experiments"} run in the ramkit simulator: each placement policy against the same workload, with the bound (the oracle) beside them. Energies are integrated from the board files' currents; every figure names the board data it used.</p>
</header>
${results.length > 1 ? html`<nav class="card"><b>Experiments</b><ol>${results.map((r, i) => html`<li><a href="#experiment-${i + 1}">${r.name}</a> · ${r.board.title} (${r.board.name}) · ${r.workload} · seed ${r.seed}</li>`)}</ol></nav>` : ""}
${sections}
<section class="card" id="limits">
<h2>What the model does not capture</h2>
<ul class="limits">${limits.map((l) => html`<li>${l}</li>`)}</ul>
</section>
<footer>Written by ramkit. The same results as a table: <code>results.csv</code> (one row per policy and the bound); in full, with every sample: <code>results.json</code>, both beside this page.</footer>
</main>
</body>
</html>
`;
  return page.text;
}

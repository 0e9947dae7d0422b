// The experiment report (sim/report.ts): the files it writes, the page's
// charts and tables, escaping of every string, the CSV, the reduction of long
// series, and bad inputs. The page in a real browser: browser-report.test.ts.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  writeReport,
  renderReport,
  summaryRows,
  summaryTable,
  resultsCsv,
  rowsCsv,
  csvCell,
  reduceSteps,
  laneSegments,
  escapeHtml,
  energyUnit,
  timeUnit,
  MODEL_LIMITS,
  MAX_POINTS,
  MAX_SEGMENTS,
  SUMMARY_COLUMNS,
} from "../sim/report.js";
import type { ExperimentResult } from "../sim/results.js";
import { fixtures, injected, countStrings, PAYLOADS } from "./report-support.js";

const tmp = () => mkdtempSync(join(tmpdir(), "ramkit-report-"));
const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v));

test("writeReport writes index.html, results.csv and results.json; the JSON holds the results as given", async () => {
  const dir = join(tmp(), "report");
  const rs = fixtures();
  const files = await writeReport(rs, dir);
  assert.equal(files.warnings, []);
  assert.is(files.html, join(dir, "index.html"));
  assert.is(files.csv, join(dir, "results.csv"));
  assert.is(files.json, join(dir, "results.json"));
  assert.equal(readdirSync(dir).sort(), ["index.html", "results.csv", "results.json"]);
  assert.equal(JSON.parse(readFileSync(files.json, "utf8")), rs);
  assert.is(readFileSync(files.csv, "utf8"), resultsCsv(rs));
  const again = await writeReport(rs, dir);
  assert.is(readFileSync(again.html, "utf8"), readFileSync(files.html, "utf8"), "same results, same page");
});

test("the page is self-contained: no script, no external URL, a CSP that forbids both, four SVG charts per experiment", async () => {
  const rs = fixtures();
  const html = await renderReport(rs);
  assert.not.match(html, /<script/i);
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'/);
  // no src/href/url() to anything but a fragment in the page (the SVG namespaces are identifiers, not fetched)
  const refs = html.match(/\b(?:src|href|xlink:href)="[^"]*"|url\([^)]*\)/g) || [];
  for (const ref of refs) assert.match(ref, /^(?:(?:src|href|xlink:href)="#|url\(#)/, ref);
  assert.not.match(html, /@import|@font-face/);
  const svgs = html.match(/<svg\b/g) || [];
  assert.is(svgs.length, 4 * rs.length);
  for (const id of ["current", "lanes", "live", "energy"]) {
    rs.forEach((_r, i) => assert.ok(html.includes('id="experiment-' + (i + 1) + "-" + id + '"'), id));
  }
  // element ids are unique even though every chart came from its own vega view
  const ids = html.match(/ id="[^"]+"/g) || [];
  assert.is(new Set(ids).size, ids.length, "duplicate ids");
});

test("the page: a summary row per policy and the bound, every figure names its board data, the model's limits", async () => {
  const rs = fixtures();
  const html = await renderReport(rs);
  for (const r of rs) {
    for (const p of r.policies) assert.ok(html.includes(">" + escapeHtml(p.policy) + "</td>"), p.policy);
    for (const s of r.sources) assert.ok(html.includes(escapeHtml(s.source)), s.what);
    for (const l of r.limits) assert.ok(html.includes(escapeHtml(l)));
  }
  for (const l of MODEL_LIMITS) assert.ok(html.includes(escapeHtml(l)), l);
  assert.match(html, /derived from datasheet pairs/);
  assert.match(html, /tens of nA per section/);
  // results that state those limits in their own words do not get them twice
  const own = copy(rs[0]);
  own.limits = ["Per-section retention currents are derived from datasheet end points; measured boards show tens of nA per section."];
  const once = await renderReport([own]);
  for (const l of MODEL_LIMITS) assert.not.ok(once.includes(escapeHtml(l)), l);
  assert.is((once.match(/tens of nA per section/g) || []).length, 1);
  const captions: string[] = html.match(/<figcaption>[\s\S]*?<\/figcaption>/g) || [];
  assert.is(captions.length, 4 * rs.length);
  for (const c of captions) assert.match(c, /Board data: /);
  // energy and current figures cite the mode current; the lanes cite the section map
  assert.match(captions[0], /\[1\] modes\.system-on-idle\.current/);
  assert.match(captions[1], /section map of board BANGLEJS2 \(5 managed sections of 32 KiB/);
  assert.match(captions[3], /\[4\] voltage/);
  // the bound's row and a failure count shown as a failure
  assert.match(html, /<tr class="bound">/);
  assert.match(html, /<td class="fail">3<\/td>/);
  assert.match(html, /pack\+gate<\/b> saves 28\.3% of all-on's RAM retention energy and 14\.8% of its total energy/);
});

test("board data: neighbours with the same value and source are one group; the lanes cite the managed sections' figures", async () => {
  const r = copy(fixtures()[0]);
  const ret = (name: string, src: string) => ({ what: "sections." + name + ".retention", value: 207.5, unit: "nA", source: src });
  r.sources = [
    { what: "voltage", value: 3, unit: "V", source: "supply" },
    { what: "modes.system-on-idle.current", value: 1.5, unit: "uA", source: "sleep table" },
    ret("RAM7.S1", "derived: small sections"),
    ret("RAM8.S0", "derived: per 32 KiB"),
    ret("RAM8.S1", "derived: per 32 KiB"),
    ret("RAM8.S2", "derived: per 32 KiB"),
    ret("RAM8.S3", "derived: per 32 KiB"),
    ret("RAM8.S4", "derived: per 32 KiB"),
    ret("RAM8.S5", "derived: per 32 KiB"),
  ];
  const html = await renderReport([r]);
  assert.match(
    html,
    /<td class="ref">\[4\u20139\]<\/td><td class="what">sections\.RAM8\.S0\.retention \u2026 sections\.RAM8\.S5\.retention <span class="count">\(6 figures\)<\/span><\/td><td class="num">207\.5 nA each<\/td>/,
  );
  const captions: string[] = html.match(/<figcaption>[\s\S]*?<\/figcaption>/g) || [];
  assert.match(
    captions[0],
    /Board data: \[2\] modes\.system-on-idle\.current, \[3\] sections\.RAM7\.S1\.retention, \[4\u20139\] sections\.RAM8\.S0\.retention \u2026 sections\.RAM8\.S5\.retention\./,
  );
  assert.match(
    captions[1],
    /; \[4\u20138\] sections\.RAM8\.S0\.retention \u2026 sections\.RAM8\.S4\.retention\./,
    "only RAM8.S0-S4 are managed",
  );
  assert.match(captions[3], /Board data: \[1\] voltage, \[2\] modes/);
});

test("every string field is escaped in the page, in the charts' SVG text and in attributes", async () => {
  const rs = fixtures().map(injected);
  assert.ok(countStrings(rs[0]) > 40, "the walk reached the strings");
  const html = await renderReport(rs);
  assert.not.match(html, /<script/i);
  assert.not.match(html, /<img/i);
  assert.not.match(html, /<iframe/i);
  assert.not.match(html, /<a href="javascript/i);
  assert.not.match(html, /<svg onload/i);
  assert.not.match(html, /<\/title><script/i);
  assert.is((html.match(/<svg\b/g) || []).length, 4 * rs.length, "no injected <svg>");
  assert.is((html.match(/<title>/g) || []).length, 1);
  // every tag is one the page makes itself, and no tag has an event handler attribute
  const tags = html.match(/<[a-zA-Z][^\s>/]*/g) || [];
  const allowed = new Set([
    "<html",
    "<head",
    "<meta",
    "<title",
    "<style",
    "<body",
    "<main",
    "<header",
    "<h1",
    "<h2",
    "<h3",
    "<p",
    "<b",
    "<nav",
    "<ol",
    "<li",
    "<a",
    "<section",
    "<div",
    "<table",
    "<thead",
    "<tbody",
    "<tr",
    "<th",
    "<td",
    "<span",
    "<figure",
    "<figcaption",
    "<ul",
    "<footer",
    "<code",
    "<svg",
    "<g",
    "<path",
    "<rect",
    "<line",
    "<text",
    "<defs",
    "<clipPath",
  ]);
  for (const t of tags) assert.ok(allowed.has(t), "unexpected tag " + t);
  const inTags = html.match(/<[a-zA-Z][^>]*>/g) || [];
  for (const t of inTags) {
    const attrs = t.replace(/"[^"]*"/g, '""'); // attribute values cannot close the tag: their quotes are escaped
    assert.not.match(attrs, /\son[a-z]+\s*=/i, t.slice(0, 200));
  }
  // the payloads are there, as text
  assert.ok(html.includes(escapeHtml(PAYLOADS[0])));
  assert.ok(html.includes("&lt;script&gt;window.__pwned=1&lt;/script&gt;"), "vega's text escaping");
});

test("CSV: one row per policy and the bound, cells quoted and formula-safe, full precision", () => {
  const rs = fixtures();
  const csv = resultsCsv(rs).split("\n");
  assert.is(csv[0], SUMMARY_COLUMNS.join(","));
  assert.is(csv.length, 1 + rs.reduce((a, r) => a + r.policies.length + 1, 0) + 1);
  assert.is(csv[csv.length - 1], "");
  const row = csv[1].split(",");
  assert.is(row[SUMMARY_COLUMNS.indexOf("policy")], "all-on");
  assert.is(row[SUMMARY_COLUMNS.indexOf("retention_uJ")], String(rs[0].policies[0].energy.retention_uJ));
  const bound = csv[1 + rs[0].policies.length].split(",");
  assert.is(bound[SUMMARY_COLUMNS.indexOf("policy")], "oracle");
  assert.is(bound[SUMMARY_COLUMNS.indexOf("failures")], "");
  assert.is(csvCell("a,b"), '"a,b"');
  assert.is(csvCell('say "hi"'), '"say ""hi"""');
  assert.is(csvCell("two\nlines"), '"two\nlines"');
  assert.is(csvCell("=1+1"), "'=1+1");
  assert.is(csvCell("+1"), "'+1");
  assert.is(csvCell("-x"), "'-x");
  assert.is(csvCell("@x"), "'@x");
  assert.is(csvCell(-1.5), "-1.5");
  assert.is(csvCell(null), "");
  const evil = copy(rs[0]);
  evil.name = '=HYPERLINK("http://example.invalid","x")';
  evil.workload = "@SUM(1)";
  const line = rowsCsv(summaryRows(evil)).split("\n")[1];
  assert.ok(line.startsWith('"\'=HYPERLINK(""http://example.invalid"",""x"")",'), line);
  assert.ok(line.includes(",'@SUM(1),"), line);
});

test("summaryRows and summaryTable: policies in report order, then the bound; several experiments get board, workload and seed columns", () => {
  const [bangle, puck] = fixtures();
  const r = copy(bangle);
  r.policies.reverse();
  const rows = summaryRows(r);
  assert.equal(
    rows.map((x) => x.policy),
    ["all-on", "heap-top", "gate-empty", "pack+gate", "oracle"],
  );
  assert.is(rows[4].retention_vs_oracle, 1);
  assert.ok(
    Math.abs(
      (rows[4].saving_retention_pct as number) - (1 - bangle.oracle.energy.retention_uJ / bangle.policies[0].energy.retention_uJ) * 100,
    ) < 1e-9,
  );
  const one = summaryTable(rows).split("\n");
  assert.match(one[0], /^policy\s+energy mJ\s+base mJ\s+retention mJ\s+saved: retention\s+saved: total\s+retention \/ bound\s+failures$/);
  assert.match(one[5], /^pack\+gate\s+697\.50\s+388\.80\s+308\.70\s+28\.3%\s+14\.8%\s+1\.044x\s+0$/);
  assert.match(one[6], /^oracle \(bound\)/);
  const both = summaryTable(summaryRows(bangle).concat(summaryRows(puck))).split("\n");
  assert.match(both[0], /^board\s+workload\s+seed\s+policy/);
  assert.is(both.length, 2 + 10);
});

test("reduceSteps: repeated values dropped, held to the end; long series cut to min/max per bucket within the limit", () => {
  const s = (pairs: [number, number][]) => pairs.map(([t, v]) => ({ t, v }));
  assert.equal(
    reduceSteps(
      s([
        [0, 1],
        [1, 1],
        [2, 2],
        [3, 2],
      ]),
      5,
      100,
    ),
    {
      points: [
        [0, 1],
        [2, 2],
        [5, 2],
      ],
      reduced: false,
    },
  );
  assert.equal(
    reduceSteps(
      s([
        [0, 1],
        [5, 3],
      ]),
      5,
      100,
    ),
    {
      points: [
        [0, 1],
        [5, 3],
      ],
      reduced: false,
    },
  );
  assert.equal(reduceSteps([], 5, 100), { points: [], reduced: false });
  const long: [number, number][] = [];
  for (let t = 0; t < 100000; t++) long.push([t, t % 7 === 0 ? 10 : t % 3]);
  const red = reduceSteps(s(long), 100000, MAX_POINTS);
  assert.ok(red.reduced);
  assert.ok(red.points.length <= MAX_POINTS, String(red.points.length));
  assert.equal(red.points[0], [0, 10]);
  assert.equal(red.points[red.points.length - 1], [100000, long[long.length - 1][1]]);
  for (let i = 1; i < red.points.length; i++) assert.ok(red.points[i][0] >= red.points[i - 1][0], "time order");
  assert.is(Math.max(...red.points.map((p) => p[1])), 10, "peaks kept");
  assert.is(Math.min(...red.points.map((p) => p[1])), 0, "troughs kept");
});

test("laneSegments: changes as segments to the end, equal neighbours merged; long lanes as the dominant state per bucket", () => {
  const lane = {
    section: "S",
    changes: [
      [0, "on"],
      [2, "on"],
      [2, "off"],
      [5, "retained"],
    ] as [number, "on" | "off" | "retained"][],
  };
  assert.equal(laneSegments(lane, 10, 100), {
    segments: [
      { start: 0, end: 2, state: "on" },
      { start: 2, end: 5, state: "off" },
      { start: 5, end: 10, state: "retained" },
    ],
    reduced: false,
  });
  const changes: [number, "on" | "off" | "retained"][] = [];
  for (let t = 0; t < 10000; t++) changes.push([t, t % 10 < 7 ? "on" : "off"]);
  const red = laneSegments({ section: "S", changes }, 10000, MAX_SEGMENTS);
  assert.ok(red.reduced);
  assert.ok(red.segments.length <= MAX_SEGMENTS);
  assert.equal(red.segments, [{ start: 0, end: 10000, state: "on" }], "on for 70% of every bucket");
});

test("units: energy in µJ, mJ or J; time in s, min or h", () => {
  assert.equal(energyUnit(999), { name: "µJ", div: 1 });
  assert.equal(energyUnit(1000), { name: "mJ", div: 1e3 });
  assert.equal(energyUnit(2e6), { name: "J", div: 1e6 });
  assert.equal(timeUnit(179), { name: "s", div: 1 });
  assert.equal(timeUnit(600), { name: "min", div: 60 });
  assert.equal(timeUnit(86400), { name: "h", div: 3600 });
  assert.is(escapeHtml("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
});

test("a long run (a day at one sample a second) draws reduced charts and says so", async () => {
  const r = copy(fixtures()[0]);
  const p = r.policies[2];
  p.samples = [];
  for (let t = 0; t <= 86400; t++)
    p.samples.push({ t, current_uA: 2.5 + (t % 5) * 0.2, sectionsOn: 1 + (t % 5), liveBytes: 1000 * (t % 5) });
  p.lanes[1].changes = [];
  for (let t = 0; t < 86400; t += 2) p.lanes[1].changes.push([t, t % 4 === 0 ? "on" : "off"]);
  const html = await renderReport([r]);
  assert.ok(html.length < 3e6, "page size " + html.length);
  assert.is((html.match(/Long series are drawn reduced/g) || []).length, 3);
});

test("a ratio to a bound without retention energy (Infinity; null once written as JSON) shows as ∞", async () => {
  const r = copy(fixtures()[1]);
  r.policies[1].retentionVsOracle = Infinity;
  const html = await renderReport([r]);
  assert.match(html, /<td>∞<\/td>/);
  assert.match(html, />∞ the bound</);
  const back = JSON.parse(JSON.stringify(r));
  assert.is(back.policies[1].retentionVsOracle, null);
  assert.match(await renderReport([back]), /<td>–<\/td>/);
  const table = summaryTable(summaryRows(r));
  assert.match(table.split("\n")[3], /^heap-top .* ∞ +0$/);
  assert.match(resultsCsv([r]), /,Infinity\n/);
});

test("writeReport: bad inputs are errors naming what was wrong, and nothing is written", async () => {
  const good = fixtures()[0];
  const cases: [unknown, string | RegExp][] = [
    [[], /results must be a non-empty array/],
    [null, /results must be a non-empty array/],
    [[{ ...copy(good), name: 7 }], "results[0]/name: must be string, got 7"],
    [[copy(good), { ...copy(good), policies: undefined }], "results[1]/policies: missing"],
    [
      [
        (() => {
          const r = copy(good);
          (r.policies[1].energy as any).total_uJ = "12";
          return r;
        })(),
      ],
      'results[0]/policies/1/energy/total_uJ: must be number, got "12"',
    ],
    [
      [
        (() => {
          const r = copy(good);
          (r.policies[0].lanes[0].changes[0] as any)[1] = "dim";
          return r;
        })(),
      ],
      /results\[0\]\/policies\/0\/lanes\/0\/changes\/0\/1: must be equal to one of the allowed values/,
    ],
    [
      [
        (() => {
          const r = copy(good);
          r.policies[3].policy = "all-on";
          return r;
        })(),
      ],
      'results[0]/policies/3/policy: "all-on" repeats /policies/0; each policy once',
    ],
    [
      [
        (() => {
          const r = copy(good);
          r.policies[0].samples[3].t = -1;
          return r;
        })(),
      ],
      "results[0]/policies/0/samples/3/t: time goes backwards (-1 after 600)",
    ],
    [
      [
        (() => {
          const r = copy(good);
          r.sections = [];
          return r;
        })(),
      ],
      /results\[0\]\/sections: must NOT have fewer than 1 items/,
    ],
    [
      [
        (() => {
          const r = copy(good);
          r.durationSeconds = 0;
          return r;
        })(),
      ],
      /results\[0\]\/durationSeconds: must be > 0, got 0/,
    ],
    [
      [
        (() => {
          const r = copy(good);
          (r.policies[2] as any).retentionVsOracle = "1";
          return r;
        })(),
      ],
      'results[0]/policies/2/retentionVsOracle: must be a number, Infinity or null, got "1"',
    ],
    [
      [
        (() => {
          const r = copy(good);
          r.policies[2].energy.base_uJ = NaN;
          return r;
        })(),
      ],
      /results\[0\]\/policies\/2\/energy\/base_uJ: must be number, got NaN/,
    ],
  ];
  const base = tmp();
  for (const [input, message] of cases) {
    const dir = join(base, "r");
    let err: any = null;
    try {
      await writeReport(input as ExperimentResult[], dir);
    } catch (e) {
      err = e;
    }
    assert.ok(err, "no error for " + String(message));
    assert.is(err.code, "EINVAL");
    if (typeof message === "string") assert.is(err.message.replace(/^EINVAL: /, ""), message);
    else assert.match(err.message, message);
    assert.not.ok(existsSync(dir), "nothing written");
  }
  for (const dir of ["", 5, null]) {
    try {
      await writeReport([good], dir as any);
      assert.unreachable();
    } catch (e: any) {
      assert.match(e.message, /dir must be a non-empty path/);
    }
  }
  const file = join(base, "a-file");
  writeFileSync(file, "x");
  try {
    await writeReport([good], file);
    assert.unreachable();
  } catch (e: any) {
    assert.match(e.message, /exists and is not a directory/);
  }
  assert.is(readFileSync(file, "utf8"), "x");
  rmSync(base, { recursive: true, force: true });
});

test.run();

// Helpers of the report tests: the hand-made result fixtures, and a copy of a
// result with markup payloads appended to every string field.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ExperimentResult } from "../sim/results.js";

export const FIXTURES = fileURLToPath(new URL("./fixtures/results/", import.meta.url));

/** Every fixture in test/fixtures/results, in file-name order. */
export function fixtures(): ExperimentResult[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(FIXTURES, f), "utf8")) as ExperimentResult);
}

/**
 * Markup that would run if it reached the page unescaped: each one sets
 * `window.__pwned` (scripts, event handlers, a javascript: URL, markup that
 * closes an attribute, a title, a style block or an SVG CDATA section first).
 */
export const PAYLOADS = [
  "<script>window.__pwned=1</script>",
  '"><img src=x onerror="window.__pwned=2">',
  "'><svg onload='window.__pwned=3'>",
  "</title><script>window.__pwned=4</script>",
  "</style><img src=x onerror=window.__pwned=5>",
  "]]><script>window.__pwned=6</script><![CDATA[",
  '<a href="javascript:window.__pwned=7" id="pwn">x</a>',
  '<iframe srcdoc="<script>parent.__pwned=8</script>"></iframe>',
  '=HYPERLINK("http://example.invalid"),"x"\n+1',
];

/**
 * A deep copy of `r` where every string (names, titles, kinds, sources,
 * limits, policy and section names …; not the lane states, which the schema
 * restricts to on/off/retained) has a payload appended. The same string
 * always gets the same payload, so names that must match still match.
 */
export function injected(r: ExperimentResult): ExperimentResult {
  const given = new Map<string, string>();
  const mark = (s: string) => {
    let v = given.get(s);
    if (v === undefined) {
      v = s + PAYLOADS[given.size % PAYLOADS.length];
      given.set(s, v);
    }
    return v;
  };
  const walk = (v: unknown, key: string): unknown => {
    if (typeof v === "string") return mark(v);
    if (Array.isArray(v)) {
      if (key === "changes") return v.map((c) => [c[0], c[1]]);
      return v.map((x) => walk(x, ""));
    }
    if (v && typeof v === "object") {
      const o: { [k: string]: unknown } = {};
      for (const k of Object.keys(v)) o[k] = walk((v as { [k: string]: unknown })[k], k);
      return o;
    }
    return v;
  };
  return walk(r, "") as ExperimentResult;
}

/** How many strings of `r` carry a payload (to check that the walk reached them). */
export function countStrings(r: ExperimentResult): number {
  let n = 0;
  const walk = (v: unknown, key: string): void => {
    if (typeof v === "string") n++;
    else if (Array.isArray(v)) {
      if (key !== "changes") v.forEach((x) => walk(x, ""));
    } else if (v && typeof v === "object") for (const k of Object.keys(v)) walk((v as { [k: string]: unknown })[k], k);
  };
  walk(r, "");
  return n;
}

// The report in a real browser: headless Debian chromium, driven by
// playwright-core, opens generated report pages from disk (the hand-made
// results, a real run, and results with markup payloads in every string
// field), and checks that every chart rendered with a non-zero size, that
// the page logs no error and requests nothing from the network, and that no
// payload ran. It saves a screenshot of each page (the paths are printed).
// Without chromium this is SKIPPED with the install command outside CI, and
// fails under CI=true.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { writeReport } from "../sim/report.js";
import { loadExperiment, runExperiment } from "../sim/experiment.js";
import type { ExperimentResult } from "../sim/results.js";
import { fixtures, injected, PAYLOADS } from "./report-support.js";

const CHROMIUM = "/usr/bin/chromium";
const INSTALL = "apt-get install -y chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const present = existsSync(CHROMIUM);
const ci = process.env.CI === "true";

if (!present && !ci) {
  console.log("SKIPPED browser report test (" + CHROMIUM + " not found; install with: " + INSTALL + ")");
  test.skip("the report in headless chromium (chromium not installed: " + INSTALL + ")", () => {});
  test.skip("a report of a real run (chromium not installed: " + INSTALL + ")", () => {});
  test.skip("markup in every string field does not run (chromium not installed: " + INSTALL + ")", () => {});
} else {
  let browser: Browser | null = null;
  /** Open `results`' report in chromium, check it, save a screenshot; returns the page's text. */
  const check = async (name: string, results: ExperimentResult[]): Promise<string> => {
    if (!present) assert.unreachable(CHROMIUM + " not found and CI=true; install with: " + INSTALL);
    const dir = mkdtempSync(join(tmpdir(), "ramkit-browser-report-"));
    const files = await writeReport(results, join(dir, "report"));
    const url = pathToFileURL(files.html).href;
    if (!browser) browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    try {
      const problems: string[] = [];
      const requests: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push("console " + m.type() + ": " + m.text());
      });
      page.on("pageerror", (e) => problems.push("page error: " + e.message));
      page.on("dialog", (d) => {
        problems.push("dialog: " + d.message());
        void d.dismiss();
      });
      page.on("request", (r) => requests.push(r.url()));
      const response = await page.goto(url, { waitUntil: "load" });
      assert.ok(response === null || response.ok(), "page loaded");
      await page.waitForTimeout(200); // let anything that would run (an onerror after a failed load) run

      const facts = await page.evaluate(() => {
        // runs in the page (the test's tsconfig has no DOM types)
        const w = globalThis as any;
        const document = w.document;
        const figs: any[] = Array.prototype.slice.call(document.querySelectorAll("figure"));
        const handlers: string[] = [];
        const all = document.querySelectorAll("*");
        for (let i = 0; i < all.length; i++) {
          const el = all[i];
          for (let j = 0; j < el.attributes.length; j++) {
            const a = el.attributes[j];
            if (/^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)) handlers.push(el.tagName + " " + a.name);
          }
        }
        return {
          pwned: w.__pwned === undefined ? null : w.__pwned,
          scripts: document.querySelectorAll("script").length,
          injectedTags: document.querySelectorAll("img, iframe, object, embed, a#pwn").length,
          handlers,
          title: document.title,
          text: document.body.innerText,
          overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          charts: figs.map((f: any) => {
            const svg = f.querySelector(".chart > svg");
            const box = svg ? svg.getBoundingClientRect() : null;
            return {
              id: f.id,
              width: box ? box.width : 0,
              height: box ? box.height : 0,
              marks: svg ? svg.querySelectorAll("path, rect, line").length : 0,
              caption: (f.querySelector("figcaption") || { textContent: "" }).textContent || "",
            };
          }),
        };
      });

      assert.is(facts.pwned, null, "an injected payload ran");
      assert.is(facts.scripts, 0, "script elements");
      assert.is(facts.injectedTags, 0, "injected elements");
      assert.equal(facts.handlers, [], "event handler or javascript: attributes");
      assert.equal(problems, [], "console errors, page errors, dialogs");
      assert.equal(requests, [url], "network requests besides the page itself");
      assert.is(facts.overflow, 0, "the page fits the window's width");
      assert.is(facts.charts.length, 4 * results.length);
      for (const c of facts.charts) {
        assert.ok(c.width > 100 && c.height > 50, c.id + " drawn at " + c.width + "x" + c.height);
        assert.ok(c.marks > 10, c.id + " has marks");
        assert.match(c.caption, /Board data: /, c.id);
      }
      assert.ok(facts.title.includes("ramkit report"), facts.title);
      assert.ok(facts.text.includes("tens of nA per section"), "model limits stated");

      const shot = join(dir, name + ".png");
      await page.screenshot({ path: shot, fullPage: true });
      assert.ok(statSync(shot).size > 10000);
      console.log("  screenshot (" + name + "): " + shot);
      return facts.text;
    } finally {
      await page.close();
    }
  };
  test.after(async () => {
    if (browser) await browser.close();
  });

  test("the report in headless chromium: every chart drawn with a size, no error, no network request", async () => {
    const text = await check("report", fixtures());
    assert.ok(text.includes("pack+gate saves 28.3% of all-on's RAM retention energy"), "headline");
  });

  test("a report of a real run: experiments/default.json over two simulated hours, its name carrying markup", async () => {
    const loaded = loadExperiment(fileURLToPath(new URL("../experiments/default.json", import.meta.url)));
    const spec = { ...loaded.spec, durationSeconds: 7200, name: "default <script>window.__pwned=9</script>" };
    const text = await check("report-real", [runExperiment(spec, { baseDir: loaded.baseDir })]);
    assert.ok(text.includes("default <script>window.__pwned=9</script>"));
  });

  test("markup in every string field (board, experiment, workload, section, policy names, sources, limits) does not run", async () => {
    const text = await check("report-injected", fixtures().map(injected));
    // the payloads are on the page as text (escaped, not dropped)
    for (const p of PAYLOADS.slice(0, 8)) assert.ok(text.includes(p.replace(/\n/g, " ")), "payload shown as text: " + p);
  });
}

test.run();

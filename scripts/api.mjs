#!/usr/bin/env node
// The public API, checked with API Extractor (https://api-extractor.com/).
//
//   node scripts/api.mjs            check: fail when an entry point's API differs
//                                   from its report in etc/ (npm test; CI)
//   node scripts/api.mjs --local    update the reports in etc/ (npm run api);
//                                   review and commit them with the change
//   node scripts/api.mjs --dts      only write the declaration rollups
//                                   (npm run build): dist/ramkit.d.ts, dist/ramkit-debug.d.ts
//
// Entry points: "ramkit" (api-extractor.json), "ramkit/debug"
// (api-extractor.debug.json) and "ramkit/sim" (api-extractor.sim.json). The
// input is tsc's declarations of the Node build (dist/node, made by
// `tsc -p tsconfig.node.json`, which strips `@internal` members). API
// Extractor cannot analyse `declare var` (it stops with "Unable to analyze
// the export"), and the constants ramkit exports are written `export var` for
// the board; so the declarations say `declare const` for them first (same
// meaning to a user: an import binding cannot be assigned).
import { readFileSync, writeFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { Extractor, ExtractorConfig } = require("@microsoft/api-extractor");
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CONFIGS = [
  { file: "api-extractor.json", rollup: true },
  { file: "api-extractor.debug.json", rollup: true },
  { file: "api-extractor.sim.json", rollup: false },
];

/** Rewrite `declare var` to `declare const` in every .d.ts under `dir`; the number of files changed. */
export function constDeclarations(dir) {
  let changed = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) { changed += constDeclarations(p); continue; }
    if (!name.endsWith(".d.ts")) continue;
    const text = readFileSync(p, "utf8");
    const next = text.replace(/^(\s*(?:export )?)declare var /gm, "$1declare const ");
    if (next !== text) { writeFileSync(p, next); changed++; }
  }
  return changed;
}

function main(argv) {
  const local = argv.includes("--local"), dtsOnly = argv.includes("--dts");
  if (!existsSync(join(ROOT, "dist/node/src/index.d.ts"))) {
    console.error("api: dist/node/src/index.d.ts is missing: run `npm run build` first");
    return 1;
  }
  constDeclarations(join(ROOT, "dist/node"));
  let failed = 0;
  for (const c of CONFIGS) {
    if (dtsOnly && !c.rollup) continue;
    const path = join(ROOT, c.file);
    const configObject = ExtractorConfig.loadFile(path);
    if (dtsOnly) configObject.apiReport.enabled = false;
    const config = ExtractorConfig.prepare({ configObject, configObjectFullPath: path, packageJsonFullPath: join(ROOT, "package.json") });
    const messages = [];
    const result = Extractor.invoke(config, {
      localBuild: local || dtsOnly,
      showVerboseMessages: false,
      messageCallback(m) {
        m.handled = true;
        if (m.logLevel === "none" || m.logLevel === "verbose") return;
        if (m.logLevel === "info" && !/report/i.test(m.text)) return;
        messages.push(m.logLevel + ": " + m.formatMessageWithLocation(ROOT));
      },
    });
    for (const m of messages) console.log("  " + m);
    const report = "etc/" + configObject.apiReport.reportFileName + ".api.md";
    if (!result.succeeded) {
      failed++;
      if (result.apiReportChanged && !local) {
        console.log("FAIL " + c.file + ": the public API changed and " + report + " does not say so.\n" +
          "     Run `npm run api`, review the change to " + report + " and commit it.");
      } else {
        console.log("FAIL " + c.file + ": " + result.errorCount + " error(s), " + result.warningCount + " warning(s)");
      }
    } else if (dtsOnly) {
      console.log("api: " + configObject.dtsRollup.publicTrimmedFilePath.replace("<projectFolder>/", ""));
    } else {
      console.log((local && result.apiReportChanged ? "UPDATED " : "PASS ") + c.file + " (" + report + ")");
    }
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));

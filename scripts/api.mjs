#!/usr/bin/env node
// The public API, checked with API Extractor (https://api-extractor.com/).
//
//   node scripts/api.mjs            check: fail when an entry point's API differs
//                                   from its report in etc/ (npm test; CI)
//   node scripts/api.mjs --local    update the reports in etc/ (npm run api);
//                                   review and commit them with the change
//   node scripts/api.mjs --dts      only write the declaration rollups
//                                   (npm run build): dist/ramkit.d.ts, dist/ramkit-debug.d.ts,
//                                   dist/ramkit-extras.d.ts
//
// Entry points: "ramkit" (api-extractor.json), "ramkit/debug"
// (api-extractor.debug.json), "ramkit/extras" (api-extractor.extras.json)
// and "ramkit/sim" (api-extractor.sim.json). The
// input is tsc's declarations of the Node build (dist/node, made by
// `tsc -p tsconfig.node.json`, which strips `@internal` members), edited
// first in two ways:
// - Members named `_x` are private by the repository's convention, and the
//   minified bundles rename every one of them (scripts/mangle.mjs): they are
//   not there under that name on a board, so the published declarations drop
//   them from every class and interface, tagged `@internal` or not.
// - API Extractor cannot analyse `declare var` (it stops with "Unable to
//   analyze the export"), and the constants ramkit exports are written
//   `export var` for the board; so the declarations say `declare const` for
//   them (the same to a user: an import binding cannot be assigned).
import { readFileSync, writeFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { Extractor, ExtractorConfig } = require("@microsoft/api-extractor");
const ts = require("typescript");

/** Private member names: the ones the minifier renames (rollup.config.js). */
const PRIVATE = /^_[A-Za-z]/;

/** `text` (a .d.ts) without the class and interface members whose name is private, with their doc comments. */
export function withoutPrivateMembers(text, fileName = "x.d.ts") {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const cuts = [];
  const visit = (node) => {
    if ((ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node)) && node.members) {
      for (const m of node.members) {
        const name =
          m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name) || ts.isPrivateIdentifier(m.name)) ? m.name.text : null;
        if (name !== null && PRIVATE.test(name)) cuts.push([m.getFullStart(), m.getEnd()]);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  let out = text;
  for (const [a, b] of cuts.sort((x, y) => y[0] - x[0])) out = out.slice(0, a) + out.slice(b);
  return out;
}
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CONFIGS = [
  { file: "api-extractor.json", rollup: true },
  { file: "api-extractor.debug.json", rollup: true },
  { file: "api-extractor.extras.json", rollup: true },
  { file: "api-extractor.sim.json", rollup: false },
];

/** Edit every .d.ts under `dir` for publication (see the header); the number of files changed. */
export function publishDeclarations(dir) {
  let changed = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      changed += publishDeclarations(p);
      continue;
    }
    if (!name.endsWith(".d.ts")) continue;
    const text = readFileSync(p, "utf8");
    const next = withoutPrivateMembers(text, p).replace(/^(\s*(?:export )?)declare var /gm, "$1declare const ");
    if (next !== text) {
      writeFileSync(p, next);
      changed++;
    }
  }
  return changed;
}

function main(argv) {
  const local = argv.includes("--local"),
    dtsOnly = argv.includes("--dts");
  if (!existsSync(join(ROOT, "dist/node/src/index.d.ts"))) {
    console.error("api: dist/node/src/index.d.ts is missing: run `npm run build` first");
    return 1;
  }
  publishDeclarations(join(ROOT, "dist/node"));
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
        console.log(
          "FAIL " +
            c.file +
            ": the public API changed and " +
            report +
            " does not say so.\n" +
            "     Run `npm run api`, review the change to " +
            report +
            " and commit it.",
        );
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

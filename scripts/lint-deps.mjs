#!/usr/bin/env node
// npm run lint:deps: the import rules of .dependency-cruiser.cjs (layers
// under src/, src/ → nothing above it, no Node or npm imports under src/),
// checked over src/, sim/, scripts/ and test/ with dependency-cruiser.
//
//   node scripts/lint-deps.mjs
//
// Prints each violation (rule, from → to, and the rule's reason) and
// `lint:deps: N modules, N dependencies, N violations`; exits 1 on any. This
// calls dependency-cruiser's API rather than its `depcruise` command, which
// refuses to start on Node 20 (the oldest Node this repository supports);
// the API runs there.
import { join, isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";
import { cruise } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const CONFIG = join(ROOT, ".dependency-cruiser.cjs");

/**
 * Cruise `paths` (relative to `cwd`) under the repository's rules, with
 * `tsConfig` (relative to `cwd`) for module resolution. Returns
 * `{ modules, dependencies, violations: [{ rule, from, to, comment }] }`.
 */
export async function lintDeps({ cwd = ROOT, paths = ["src", "sim", "scripts", "test"], tsConfig = "tsconfig.test.json" } = {}) {
  const options = await extractDepcruiseOptions(CONFIG);
  const tsConfigFile = isAbsolute(tsConfig) ? tsConfig : join(cwd, tsConfig);
  options.baseDir = cwd;
  options.tsConfig = { fileName: tsConfigFile };
  const result = await cruise(paths, options, { tsConfig: tsConfigFile }, { tsConfig: extractTSConfig(tsConfigFile) });
  const out = result.output;
  const comments = {};
  for (const r of options.ruleSet.forbidden || []) comments[r.name] = r.comment;
  const violations = (out.summary.violations || []).map((v) => ({
    rule: v.rule.name,
    severity: v.rule.severity,
    from: v.from,
    to: v.to,
    comment: comments[v.rule.name] || "",
  }));
  return { modules: out.summary.totalCruised, dependencies: out.summary.totalDependenciesCruised, violations };
}

async function main() {
  const r = await lintDeps();
  for (const v of r.violations) {
    console.log(v.severity + " " + v.rule + ": " + v.from + " → " + v.to);
    if (v.comment) console.log("    " + v.comment);
  }
  console.log("lint:deps: " + r.modules + " modules, " + r.dependencies + " dependencies, " + r.violations.length + " violation(s)");
  return r.violations.some((v) => v.severity === "error") ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}

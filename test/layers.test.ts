// The import rules (.dependency-cruiser.cjs, npm run lint:deps) bite: over
// test/fixtures/layers/, a miniature tree where each `bad-*` file breaks one
// rule, the check reports exactly those violations; over the repository it
// reports none.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fileURLToPath } from "node:url";
import { lintDeps } from "../scripts/lint-deps.mjs";

const FIXTURE = fileURLToPath(new URL("fixtures/layers/", import.meta.url));

test("each broken rule in the fixture is reported, and nothing else", async () => {
  const r = await lintDeps({ cwd: FIXTURE, paths: ["src", "sim", "scripts"], tsConfig: "tsconfig.json" });
  // the npm package resolves to wherever node_modules is: name it by package
  const got = r.violations.map((v) => v.rule + ": " + v.from + " → " + v.to.replace(/^.*node_modules\//, "node_modules/")).sort();
  assert.equal(got, [
    "debug-add-on-types-only: src/debug/bad-value-import.ts → src/alloc/thing.ts",
    "layer-core: src/core/bad-upward.ts → src/hal/port.ts",
    "sim-above-src: sim/bad-to-scripts.ts → scripts/tool.ts",
    "src-no-node-builtins: src/alloc/bad-node-builtin.ts → fs",
    "src-no-npm-packages: src/alloc/bad-npm-package.ts → node_modules/acorn/dist/acorn.mjs",
    "src-ships-to-the-board: src/power/bad-to-sim.ts → sim/model.ts",
  ]);
  const upward = r.violations.find((v) => v.rule === "layer-core")!;
  assert.match(upward.comment, /src\/core may import only src\/core/, "the report says why");
  assert.ok(r.modules >= 15);
});

test("the repository keeps the rules", async () => {
  const r = await lintDeps();
  assert.equal(
    r.violations.map((v) => v.rule + ": " + v.from + " → " + v.to),
    [],
  );
});

test.run();

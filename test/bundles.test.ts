// The per-feature bundles (src/entries/ → dist/ramkit-<feature>.js): each
// exports the core and its own family, nothing of the others, and is smaller
// than the full bundle. Their behaviour is the engine matrix's job (the
// conformance parts 00-core.js plus the feature's part, on every engine).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { BUNDLE_FILES, FEATURES as BUILT } from "../scripts/bundles.mjs";

const require = createRequire(import.meta.url);
const FEATURES: Record<string, string[]> = {
  memblocks: ["BitArray", "ctz32", "clz32", "popcount32", "findLsbSet", "findMsbSet", "MemBlocks", "MemBlocksGroup", "MAX_MULTI_ALLOCATORS"],
  onesize: ["Onesize"],
  granular: ["GranularHeap", "GRANULAR_STATE_WORDS", "granularBitmapWords", "MemoryManager", "MEMORY_NORMAL", "MEMORY_SHARED", "MEMORY_OTHER", "regionConfig", "findRegion"],
};
const built = BUNDLE_FILES.every((f) => existsSync(f));

test("every per-feature bundle that is built has its export list here", () => {
  assert.equal(Object.keys(BUILT).sort(), Object.keys(FEATURES).sort());
});

test("the full bundle is the core plus every feature, and nothing else", () => {
  if (!built) { console.log("  (skipped: a bundle in dist/ is absent; run `npm run build`)"); return; }
  const full = Object.keys(require("../dist/ramkit.js")).sort();
  const featured = ([] as string[]).concat(...Object.values(FEATURES));
  for (const k of featured) assert.ok(full.includes(k), "full bundle lacks " + k);
  const core = full.filter((k) => !featured.includes(k));
  for (const k of ["VERSION", "EINVAL", "makeError", "words", "ArrayMemory", "StatePower", "PeekPokeMemory", "boardSectionSpecs"]) assert.ok(core.includes(k), "core lacks " + k);
  assert.is(full.length, core.length + featured.length);
});

for (const [feature, own] of Object.entries(FEATURES)) {
  test("ramkit-" + feature + ": the core and " + own[0] + "'s family only, in both forms, smaller than the full bundle", () => {
    if (!built) return;
    const full = require("../dist/ramkit.js");
    const featured = ([] as string[]).concat(...Object.values(FEATURES));
    const expected = Object.keys(full).filter((k) => !featured.includes(k) || own.includes(k)).sort();
    for (const form of [".js", ".min.js"]) {
      const b = require("../dist/ramkit-" + feature + form);
      assert.equal(Object.keys(b).sort(), expected, "exports of ramkit-" + feature + form);
      assert.is(b.VERSION, full.VERSION);
      assert.ok(statSync("dist/ramkit-" + feature + form).size < statSync("dist/ramkit" + form).size * 0.6, "ramkit-" + feature + form + " is not much smaller than the full bundle");
    }
  });
}

test.run();

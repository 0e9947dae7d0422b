// The import rules of the repository, checked by dependency-cruiser
// (npm run lint:deps → scripts/lint-deps.mjs). docs/ARCHITECTURE.md explains
// them. Paths are relative to the directory the check runs in (the
// repository; test/fixtures/layers/ for the test that proves they bite).
//
// Layers under src/, each importing only from the layers before it (types
// included: a type import is a dependency too):
//
//   src/core ← src/hal ← src/alloc ← src/power ← src/fw ← src/debug
//
// src/entries/ and src/index.ts (the bundles' entry points) may import all of
// src/. sim/ may import src/; scripts/ may import src/ and sim/; nothing
// under src/ imports Node's modules or npm packages (it ships to the board).

/** The layers in order; each may import itself and those before it. */
const LAYERS = ["core", "hal", "alloc", "power", "fw", "debug"];

const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: "layer-" + layer,
  comment: "src/" + layer + " may import only " + LAYERS.slice(0, i + 1).map((l) => "src/" + l).join(", ") +
    " (layers: " + LAYERS.map((l) => "src/" + l).join(" ← ") + ")",
  severity: "error",
  from: { path: "^src/" + layer + "/" },
  to: { path: "^src/(" + LAYERS.slice(i + 1).join("|") + "|entries)/|^src/index\\.ts$" },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: "layer-debug",
      comment: "src/debug may import every layer but not the entry points (src/entries, src/index.ts)",
      severity: "error",
      from: { path: "^src/debug/" },
      to: { path: "^src/entries/|^src/index\\.ts$" },
    },
    {
      name: "debug-add-on-types-only",
      comment: "the debug add-on takes the classes it installs onto as arguments and imports them as types only " +
        "(`import type`), so that dist/ramkit-debug.js holds none of the lean code; src/debug/host.ts, which installs it on the host, is the exception",
      severity: "error",
      from: { path: "^src/debug/", pathNot: "^src/debug/host\\.ts$" },
      to: { path: "^src/(alloc|power|fw)/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "src-ships-to-the-board",
      comment: "src/ ships to the board: it imports nothing from sim/, scripts/ or test/",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^(sim|scripts|test)/" },
    },
    {
      name: "src-no-node-builtins",
      comment: "src/ ships to the board: no Node built-in modules",
      severity: "error",
      from: { path: "^src/" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "src-no-npm-packages",
      comment: "src/ ships to the board: no npm packages (TypeScript's helpers come from tslib through the build, not from an import)",
      severity: "error",
      from: { path: "^src/" },
      // the debug add-on's require("ramkit") is the lean bundle it installs onto, loaded by the engine
      to: { dependencyTypes: ["npm", "npm-dev", "npm-optional", "npm-peer", "npm-bundled", "npm-no-pkg", "npm-unknown"], pathNot: "^ramkit$" },
    },
    {
      name: "sim-above-src",
      comment: "sim/ may import src/ (and Node, and npm packages), never scripts/ or test/",
      severity: "error",
      from: { path: "^sim/" },
      to: { path: "^(scripts|test)/" },
    },
    {
      name: "scripts-above-sim",
      comment: "scripts/ may import src/ and sim/, never test/",
      severity: "error",
      from: { path: "^scripts/" },
      to: { path: "^test/" },
    },
    {
      name: "not-to-unresolvable",
      comment: "every import resolves to a file or a package (a query, `x.js?fresh`, asks Node for a fresh instance of x.js; the add-on's \"ramkit\" is the engine's module)",
      severity: "error",
      from: {},
      to: { couldNotResolve: true, pathNot: "\\?|^ramkit$" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|node_modules)/|^test/fixtures/(?!layers/)" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.test.json" },
    enhancedResolveOptions: {
      extensions: [".ts", ".mts", ".js", ".mjs", ".cjs", ".json", ".d.mts"],
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types"],
    },
  },
};

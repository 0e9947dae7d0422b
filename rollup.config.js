// Builds the board bundles: each one ES5 CommonJS file (exports.X = …) that
// loads through Modules.addCached("ramkit", function(){…}) on Espruino and
// through a plain require everywhere else, plus a minified copy with mangled
// names (scripts/bundles.mjs lists them):
//   dist/ramkit.js                  everything, lean (no debug members)
//   dist/ramkit-<feature>.js        the core and one allocator family, lean
//   dist/ramkit-debug.js            the debug add-on: require("ramkit-debug")
//                                   after require("ramkit") installs it there
//   dist/ramkit-node.js             the host build: everything with the add-on
//                                   installed (package.json "exports", "node")
import typescript from "@rollup/plugin-typescript";
import terser from "@rollup/plugin-terser";
import { mkdirSync, writeFileSync } from "node:fs";
import { FEATURES, ADDON, NODE_BUILD } from "./scripts/bundles.mjs";
import { propertyTable, KEEP } from "./scripts/mangle.mjs";
import { unwrapClasses } from "./scripts/unwrap-classes.mjs";

const banner = "/* ramkit: deterministic memory for JavaScript microcontrollers. MIT licence. */";

// One renaming of private fields for every minified bundle, so that the
// add-on's methods find the fields of whichever lean bundle they land on.
const { nameCache } = propertyTable("src");

// The repository is "type": "module", so Node would read dist/ramkit.js as
// ESM and a plain require() of it would fail. dist/package.json marks the
// bundles as CommonJS; dist/node/package.json keeps the Node build ESM.
const distPackageJson = {
  name: "dist-package-json",
  writeBundle() {
    mkdirSync("dist/node", { recursive: true });
    writeFileSync("dist/package.json", JSON.stringify({ type: "commonjs" }) + "\n");
    writeFileSync("dist/node/package.json", JSON.stringify({ type: "module" }) + "\n");
  },
};

const cjs = {
  format: "cjs",
  exports: "named",
  generatedCode: "es5",
  esModule: false,
  strict: false, // ESPRUINO: no strict mode; the directive is dead weight on the board
  freeze: false,
  banner,
};

/** dist/<name>.js for `input`, and with `minify` its minified copy dist/<name>.min.js. */
function bundle(input, name, { minify = true, plugins = [] } = {}) {
  // TypeScript's class wrappers unwrapped: about 3 Espruino blocks per method (scripts/unwrap-classes.mjs)
  const outputs = [Object.assign({ file: "dist/" + name + ".js", plugins: [unwrapClasses()] }, cjs)];
  if (minify) {
    outputs.push(Object.assign({ file: "dist/" + name + ".min.js" }, cjs, {
      plugins: [
        unwrapClasses(),
        terser({
          ecma: 5,
          ie8: false,
          safari10: false,
          // top-level names mangled too (and constants inlined): on Espruino
          // every top-level binding stays alive, a name over 8 characters
          // costs one more block (the MemBlocks bundle: 156 -> 119 blocks)
          toplevel: true,
          // MUJS: its parser recurses once per comma of a sequence and fails
          // near 100 inside the engine matrix's wrappers; terser's default
          // joins up to 200 top-level statements into one
          compress: { passes: 2, global_defs: { DEBUG: false }, hoist_funs: true, sequences: 40 },
          // Fields written `_name` are private: renamed to short names (one
          // table for every bundle, scripts/mangle.mjs), since identifier
          // length costs time and RAM in the Espruino interpreter.
          mangle: { properties: { regex: /^_[A-Za-z]/, reserved: KEEP } },
          nameCache: JSON.parse(JSON.stringify(nameCache)), // a copy: terser writes into it
          format: { comments: /^!|ramkit:/, ecma: 5 },
        }),
      ],
    }));
  }
  return {
    input,
    // the add-on requires the lean bundle it installs onto, by module name
    external: ["ramkit"],
    plugins: [typescript({ tsconfig: "./tsconfig.json", noEmit: false, outDir: "dist", declaration: false })].concat(plugins),
    output: outputs,
  };
}

// The full bundle, then one per feature (src/entries/): each feature bundle
// has the core exports and one allocator family, for boards where code is RAM
// (every function of a module costs RAM on Espruino, even from Storage).
export default [bundle("src/index.ts", "ramkit", { plugins: [distPackageJson] })]
  .concat(Object.keys(FEATURES).map((f) => bundle(FEATURES[f].entry, "ramkit-" + f)))
  .concat([bundle(ADDON.entry, ADDON.name), bundle(NODE_BUILD.entry, NODE_BUILD.name, { minify: false })]);

// Builds the board bundles: each one ES5 CommonJS file (exports.X = …) that
// loads through Modules.addCached("ramkit", function(){…}) on Espruino and
// through a plain require everywhere else, plus a minified copy with mangled
// names: dist/ramkit.js (everything) and dist/ramkit-<feature>.js.
import typescript from "@rollup/plugin-typescript";
import terser from "@rollup/plugin-terser";
import { mkdirSync, writeFileSync } from "node:fs";
import { FEATURES } from "./scripts/bundles.mjs";

const banner = "/* ramkit: deterministic memory for JavaScript microcontrollers. MIT licence. */";

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

/** One ES5 CommonJS file and its minified copy for `input`, as dist/<name>.js and dist/<name>.min.js. */
function bundle(input, name, extraPlugins) {
  const cjs = {
    format: "cjs",
    exports: "named",
    generatedCode: "es5",
    esModule: false,
    strict: false, // ESPRUINO: no strict mode; the directive is dead weight on the board
    freeze: false,
    banner,
  };
  return {
    input,
    plugins: [typescript({ tsconfig: "./tsconfig.json", noEmit: false, outDir: "dist", declaration: false })].concat(extraPlugins),
    output: [
      Object.assign({ file: "dist/" + name + ".js" }, cjs),
      Object.assign({ file: "dist/" + name + ".min.js" }, cjs, {
        plugins: [
          terser({
            ecma: 5,
            ie8: false,
            safari10: false,
            compress: { passes: 2, global_defs: { DEBUG: false }, hoist_funs: true },
            // Fields written `_name` are private: mangled to short names, since
            // identifier length costs time in the Espruino interpreter (anchors A2).
            mangle: { properties: { regex: /^_[A-Za-z]/ } },
            format: { comments: /^!|ramkit:/, ecma: 5 },
          }),
        ],
      }),
    ],
  };
}

// The full bundle, then one per feature (src/entries/): each feature bundle
// has the core exports and one allocator family, for boards where code is RAM
// (facts §3a: keep per-feature entry points small).
export default [bundle("src/index.ts", "ramkit", [distPackageJson])].concat(
  Object.keys(FEATURES).map((f) => bundle(FEATURES[f].entry, "ramkit-" + f, [])));

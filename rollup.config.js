// Builds the board bundle: one ES5 CommonJS file (exports.X = …) that loads
// through Modules.addCached("ramkit", function(){…}) on Espruino and through a
// plain require everywhere else, plus a minified copy with mangled names.
import typescript from "@rollup/plugin-typescript";
import terser from "@rollup/plugin-terser";
import { mkdirSync, writeFileSync } from "node:fs";

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

export default {
  input: "src/index.ts",
  plugins: [typescript({ tsconfig: "./tsconfig.json", noEmit: false, outDir: "dist", declaration: false }), distPackageJson],
  output: [
    {
      file: "dist/ramkit.js",
      format: "cjs",
      exports: "named",
      generatedCode: "es5",
      esModule: false,
      strict: false, // ESPRUINO: no strict mode; the directive is dead weight on the board
      freeze: false,
      banner,
    },
    {
      file: "dist/ramkit.min.js",
      format: "cjs",
      exports: "named",
      generatedCode: "es5",
      esModule: false,
      strict: false,
      freeze: false,
      banner,
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
    },
  ],
};

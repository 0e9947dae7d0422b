// `npm run flash -- --only A,B,…`: a bundle of only the exports an app
// uses, built from src/index.ts (and src/entries/extras.ts for the names only
// the extras have, such as ArrayMemory or BitArray) with the full bundle's own rollup options
// (rollup.config.js: TypeScript to ES5, terser with the shared renaming of
// private fields, so the debug add-on still fits it), tree-shaken, plus
// VERSION. On Espruino every function of a module costs RAM even from
// Storage (about ten variables each), so on a board with few variables (a
// Puck.js has 2630) the full bundle leaves too little for the app.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import vm from "node:vm";
import { ROOT } from "./upload.mjs";

/** The names a built bundle (dist/NAME.js) exports, sorted. */
function exportsOf(name) {
  const module = { exports: {} };
  vm.runInNewContext(readFileSync(join(ROOT, "dist", name + ".js"), "utf8"), { module, exports: module.exports, require: () => ({}) });
  return Object.keys(module.exports).sort();
}

/** The names dist/ramkit.js exports (the full bundle, built), sorted. */
export function fullExports() {
  return exportsOf("ramkit");
}

/**
 * The text of a minified bundle exporting `names` (and VERSION, when the
 * full bundle has it) from
 * src/index.ts. Throws naming the first unknown name. Takes the time of a
 * rollup build of one bundle; runs in the repository's directory (the
 * working directory is restored after).
 */
export async function onlyBundle(names) {
  const full = fullExports();
  const valid = [...new Set(full.concat(exportsOf("ramkit-extras")))].sort();
  for (const n of names)
    if (!valid.includes(n)) throw new Error("--only: " + JSON.stringify(n) + " is not an export of ramkit; exports: " + valid.join(", "));
  const { rollup } = await import("rollup");
  // rollup.config.js and the TypeScript plugin read paths relative to the repository.
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    return await build(rollup, names, valid.includes("VERSION"), full);
  } finally {
    process.chdir(cwd);
  }
}

async function build(rollup, names, withVersion, full) {
  const configs = (await import(new URL("../../rollup.config.js", import.meta.url).href)).default;
  const fullConfig = configs[0];
  const entry = "\0ramkit-only";
  const wanted = names.includes("VERSION") || !withVersion ? names : names.concat(["VERSION"]);
  const virtual = {
    name: "ramkit-only",
    resolveId: (id) => (id === entry ? id : null),
    load: (id) => {
      if (id !== entry) return null;
      const from = (list, file) =>
        list.length ? "export { " + list.join(", ") + " } from " + JSON.stringify(join(ROOT, "src", file)) + ";\n" : "";
      return (
        from(
          wanted.filter((n) => full.includes(n)),
          "index.ts",
        ) +
        from(
          wanted.filter((n) => !full.includes(n)),
          "entries/extras.ts",
        )
      );
    },
  };
  // A module of src/alloc, core, fw, hal or power changes nothing but its own
  // classes and tables at load (the engine-specific methods it installs, a
  // lookup table it fills), so it is left out when none of its exports is
  // used: otherwise rollup keeps those statements, and with them the class
  // (an --only MemBlocks build carried the whole Onesize pool, about 100
  // blocks on Espruino). The entries (src/entries, which install methods on
  // classes of other modules) keep their side effects.
  const leaf = /[\\/]src[\\/](alloc|core|fw|hal|power)[\\/]/;
  const bundle = await rollup({
    input: entry,
    external: fullConfig.external,
    treeshake: { moduleSideEffects: (id) => !leaf.test(id) },
    plugins: [virtual].concat(fullConfig.plugins.filter((p) => p && p.name !== "dist-package-json")),
    onwarn: (w, warn) => {
      if (w.code !== "EMPTY_BUNDLE") warn(w);
    },
  });
  try {
    const minified = fullConfig.output.find((o) => o.file.endsWith(".min.js"));
    const { output } = await bundle.generate(Object.assign({}, minified, { file: undefined }));
    return output[0].code;
  } finally {
    await bundle.close();
  }
}

// The board bundles, in one place: rollup.config.js builds them, check:bundle,
// the engine matrix, the bench and the tests read this list.
//   dist/ramkit.js (+ .min.js): everything (src/index.ts)
//   dist/ramkit-<feature>.js (+ .min.js): the core and one allocator family
//   (src/entries/<feature>.ts), tested on every engine by the conformance
//   parts listed here.

/** Per-feature bundles: entry point and the conformance parts that test it. */
export const FEATURES = {
  memblocks: { entry: "src/entries/memblocks.ts", parts: ["00-core.js", "10-mem-blocks.js"] },
  onesize: { entry: "src/entries/onesize.ts", parts: ["00-core.js", "20-onesize.js"] },
  granular: { entry: "src/entries/granular.ts", parts: ["00-core.js", "30-granular.js"] },
};

/** Bundle names without extension: "ramkit", then "ramkit-<feature>". */
export const BUNDLE_NAMES = ["ramkit"].concat(Object.keys(FEATURES).map((f) => "ramkit-" + f));

/** Every built bundle file, relative to the repository: dist/<name>.js and dist/<name>.min.js. */
export const BUNDLE_FILES = BUNDLE_NAMES.flatMap((n) => ["dist/" + n + ".js", "dist/" + n + ".min.js"]);

// The board bundles, in one place: rollup.config.js builds them, check:bundle,
// the engine matrix, the bench and the tests read this list.
//   dist/ramkit.js (+ .min.js): every allocator and board layer, lean (src/index.ts)
//   dist/ramkit-<feature>.js (+ .min.js): one allocator family
//   (src/entries/<feature>.ts), or the extras (ArrayMemory, BitArray, board
//   and storage helpers), tested on every engine by the conformance parts
//   listed here.
//   dist/ramkit-debug.js (+ .min.js): the debug add-on (src/entries/debug.ts),
//   loaded after any of those; every run of the engine matrix is repeated
//   with it.
//   dist/ramkit-node.js: the host build, everything with the add-on installed.

/**
 * Per-feature bundles: entry point and the conformance parts that test it.
 * 05-contract.js checks the allocator contract on whichever allocators the
 * bundle exports.
 */
export const FEATURES = {
  memblocks: { entry: "src/entries/memblocks.ts", parts: ["05-contract.js", "10-mem-blocks.js"] }, // no core: see the entry
  onesize: { entry: "src/entries/onesize.ts", parts: ["05-contract.js", "20-onesize.js"] }, // no core: see the entry
  granular: { entry: "src/entries/granular.ts", parts: ["05-contract.js", "30-granular.js"] }, // no core: see the entry
  "memory-manager": { entry: "src/entries/memory-manager.ts", parts: ["05-contract.js", "30-granular.js"] }, // no core: see the entry
  // not an allocator: the board core plus what a board seldom needs (ArrayMemory, BitArray, board and storage helpers)
  extras: { entry: "src/entries/extras.ts", parts: ["00-core.js", "01-extras.js"], allocator: false },
};

/** The debug add-on: installs the debug members onto the bundle loaded as module "ramkit". */
export const ADDON = { entry: "src/entries/debug.ts", name: "ramkit-debug" };

/** The host build (package.json "exports" → "." under the "node" condition): the full bundle with the add-on installed. */
export const NODE_BUILD = { entry: "src/entries/node.ts", name: "ramkit-node" };

/** Lean bundle names without extension: "ramkit", then "ramkit-<feature>". */
export const BUNDLE_NAMES = ["ramkit"].concat(Object.keys(FEATURES).map((f) => "ramkit-" + f));

/** Every built board file, relative to the repository: dist/<name>.js and dist/<name>.min.js of each lean bundle and of the add-on. */
export const BUNDLE_FILES = BUNDLE_NAMES.concat([ADDON.name]).flatMap((n) => ["dist/" + n + ".js", "dist/" + n + ".min.js"]);

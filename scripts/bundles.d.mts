/** Per-feature bundles: entry point and the conformance parts that test it (see bundles.mjs). */
export declare const FEATURES: Record<string, { entry: string; parts: string[] }>;
/** The debug add-on's entry point and bundle name. */
export declare const ADDON: { entry: string; name: string };
/** The host build's entry point and bundle name. */
export declare const NODE_BUILD: { entry: string; name: string };
/** Lean bundle names without extension: "ramkit", then "ramkit-<feature>". */
export declare const BUNDLE_NAMES: string[];
/** dist/<name>.js and dist/<name>.min.js for every lean bundle and the add-on. */
export declare const BUNDLE_FILES: string[];

/** Per-feature bundles: entry point and the conformance parts that test it (see bundles.mjs). */
export declare const FEATURES: Record<string, { entry: string; parts: string[] }>;
/** Bundle names without extension: "ramkit", then "ramkit-<feature>". */
export declare const BUNDLE_NAMES: string[];
/** dist/<name>.js and dist/<name>.min.js for every bundle. */
export declare const BUNDLE_FILES: string[];

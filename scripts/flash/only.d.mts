/** The names dist/ramkit.js exports, sorted. */
export declare function fullExports(): string[];
/** The text of a minified bundle exporting `names` (and VERSION) from src/index.ts. */
export declare function onlyBundle(names: string[]): Promise<string>;

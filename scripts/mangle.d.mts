/** Private fields that keep their name in the minified bundles. */
export declare const KEEP: string[];
/** The renaming of every `_name` under `srcDir`, and terser's name cache made from it. */
export declare function propertyTable(srcDir: string): {
  table: Record<string, string>;
  nameCache: { props: { props: Record<string, string> } };
};

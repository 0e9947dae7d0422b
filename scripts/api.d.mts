/** `text` (a .d.ts) without the class and interface members whose name is private (`_x`), with their doc comments. */
export declare function withoutPrivateMembers(text: string, fileName?: string): string;
/** Edit every .d.ts under `dir` for publication; the number of files changed. */
export declare function publishDeclarations(dir: string): number;

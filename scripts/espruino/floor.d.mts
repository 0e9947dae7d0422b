/** The exports of an ES5 CommonJS bundle's text, evaluated in a fresh context. */
export declare function bundleExports(text: string): Record<string, any>;
/** A module with `exports`' public surface and one-statement bodies, and its function and parameter counts. */
export declare function surfaceStub(exports: Record<string, any>): { text: string; functions: number; params: number };

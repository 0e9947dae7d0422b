/**
 * dist/ramkit-onesize.js: the core (entries/core.ts) and the Onesize pool.
 * Tested by the conformance parts 00-core.js and 20-onesize.js.
 */
export * from "./core.js";
export { Onesize } from "../alloc/onesize.js";
export type { OnesizeOptions, OnesizeCounters, OnesizeVisitor } from "../alloc/onesize.js";

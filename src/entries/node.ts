/**
 * dist/ramkit-node.js: what `require("ramkit")` gives on the host (Node,
 * through package.json "exports" → "." → "node"): the full bundle with the
 * debug add-on installed, so that the published types, which declare the
 * add-on's members, hold there, plus the extras (src/entries/extras.ts),
 * which cost a board RAM but nothing on the host. A board loads
 * dist/ramkit.js, dist/ramkit-extras.js when it needs one of those, and
 * dist/ramkit-debug.js while debugging.
 */
export * from "../index.js";
export * from "./extras.js";
import "../debug/host.js";

/**
 * dist/ramkit-node.js: what `require("ramkit")` gives on the host (Node,
 * through package.json "exports" → "." → "node"): the full bundle with the
 * debug add-on installed, so that the published types, which declare the
 * add-on's members, hold there. A board loads dist/ramkit.js and, while
 * debugging, dist/ramkit-debug.js.
 */
export * from "../index.js";
import "../debug/host.js";

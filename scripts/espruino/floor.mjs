// The floor of a board bundle's RAM cost on Espruino: what its public surface
// alone costs, whatever the code behind it.
//
// On Espruino a function required from Storage keeps in RAM its object, a
// link to its code in flash, a link to its scope, one name per parameter
// and the slot that holds it (about 5 blocks plus 1 per parameter), however
// short its body. A bundle's exported functions, their public prototype
// methods and statics, and its exported values are therefore a cost no
// implementation can go below. `surfaceStub` writes a module with exactly
// that surface and one-statement bodies (`return 1`: an empty body would
// keep no code or scope link and cost less than any real function), so that
// measuring it gives the floor, and the bundle's own measurement minus the
// floor is what its implementation adds (private helpers and methods,
// tables built at load).
import { runInNewContext } from "node:vm";

const PARAMS = "abcdefghijklmnop";

/** The exports of an ES5 CommonJS bundle's text, evaluated in a fresh context. */
export function bundleExports(text) {
  const module = { exports: {} };
  runInNewContext(text, { module, exports: module.exports, Uint8Array, Int32Array, Uint32Array, Float64Array, Math, Error, String });
  return module.exports;
}

/**
 * { text, functions, params }: a CommonJS module with `exports`' surface:
 * each exported function with its arity, each public (not `_`-prefixed)
 * prototype method and static function with theirs, static and exported
 * values as they are. A function object reached twice (a method shared by
 * two classes) is written once and assigned twice, as the bundle does.
 */
export function surfaceStub(exports) {
  const seen = new Map();
  let text = "",
    functions = 0,
    params = 0;
  const fn = (f, at) => {
    if (seen.has(f)) return seen.get(f);
    seen.set(f, at);
    functions++;
    params += f.length;
    return "function(" + PARAMS.slice(0, f.length).split("").join(",") + "){return 1}";
  };
  const value = (v) => (typeof v === "function" ? null : JSON.stringify(v));
  for (const k of Object.keys(exports)) {
    const v = exports[k],
      at = "exports." + k;
    if (typeof v !== "function") {
      text += at + "=" + value(v) + ";\n";
      continue;
    }
    text += at + "=" + fn(v, at) + ";\n";
    for (const m of Object.getOwnPropertyNames(v.prototype || {})) {
      const f = v.prototype[m];
      if (m !== "constructor" && m[0] !== "_" && typeof f === "function")
        text += at + ".prototype." + m + "=" + fn(f, at + ".prototype." + m) + ";\n";
    }
    for (const m of Object.getOwnPropertyNames(v)) {
      if (["length", "name", "prototype", "arguments", "caller"].includes(m) || m[0] === "_") continue;
      const f = v[m];
      text += at + "." + m + "=" + (typeof f === "function" ? fn(f, at + "." + m) : value(f)) + ";\n";
    }
  }
  return { text, functions, params };
}

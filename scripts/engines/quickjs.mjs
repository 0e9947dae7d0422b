// QuickJS runs for the engine matrix, through quickjs-emscripten (WebAssembly,
// no native install). With `espruino: true` the context first loses what
// Espruino does not have (docs/ARCHITECTURE.md, "Board-safe TypeScript"), so
// that a bundle leaning on any of it fails here even though no Espruino
// binary is at hand.
import { getQuickJS, shouldInterruptAfterDeadline } from "quickjs-emscripten";

/**
 * Run before the bundle loads in the Espruino profile. It deletes what can be
 * deleted and returns the names it could not remove (non-configurable
 * properties such as the typed arrays' BYTES_PER_ELEMENT). It also makes
 * Math.pow compute exp(log) for exponents of 10 and more, as Espruino does,
 * and Object.create refuse a second argument, as Espruino does.
 */
export const ESPRUINO_PROFILE = `(function (g) {
  var kept = [];
  function drop(obj, key, label) {
    if (!obj || !(key in obj)) return;
    try { delete obj[key]; } catch (e) { /* non-configurable */ }
    if (key in obj) kept.push(label);
  }
  var globals = ["Map", "Set", "WeakMap", "WeakSet", "Symbol", "Proxy", "Reflect", "RangeError", "EvalError", "URIError"];
  var typed = ["Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float32Array", "Float64Array"];
  var i, j, statics = {
    Math: ["imul", "clz32", "trunc", "log2", "fround"],
    Number: ["isInteger", "isNaN", "isFinite", "EPSILON", "MAX_SAFE_INTEGER"],
    Array: ["from", "of"],
    Object: ["freeze", "is"],
    ArrayBuffer: ["isView"]
  };
  for (var owner in statics) for (j = 0; j < statics[owner].length; j++) drop(g[owner], statics[owner][j], owner + "." + statics[owner][j]);
  drop(g.ArrayBuffer.prototype, "slice", "ArrayBuffer.prototype.slice");
  drop(g.Array.prototype, "lastIndexOf", "Array.prototype.lastIndexOf");
  drop(g.Array.prototype, "reduceRight", "Array.prototype.reduceRight");
  var typedProto = Object.getPrototypeOf(g.Uint8Array.prototype), typedCtor = Object.getPrototypeOf(g.Uint8Array);
  drop(typedProto, "copyWithin", "TypedArray.prototype.copyWithin");
  drop(typedProto, "lastIndexOf", "TypedArray.prototype.lastIndexOf");
  drop(typedProto, "reduceRight", "TypedArray.prototype.reduceRight");
  drop(typedCtor, "from", "TypedArray.from");
  drop(typedCtor, "of", "TypedArray.of");
  for (i = 0; i < typed.length; i++) {
    drop(g[typed[i]], "BYTES_PER_ELEMENT", typed[i] + ".BYTES_PER_ELEMENT");
    drop(g[typed[i]].prototype, "BYTES_PER_ELEMENT", typed[i] + ".prototype.BYTES_PER_ELEMENT");
  }
  var pow = Math.pow, exp = Math.exp, log = Math.log, create = Object.create;
  Math.pow = function (b, e) { return b > 0 && (e >= 10 || e <= -10) ? exp(log(b) * e) : pow(b, e); };
  Object.create = function (proto, props) {
    if (props !== undefined) throw new Error("propertiesObject is not supported yet");
    return create(proto);
  };
  for (i = 0; i < globals.length; i++) drop(g, globals[i], globals[i]);
  return kept.join(", ");
})(this)`;

let modulePromise = null;

/**
 * Evaluate `script` in a fresh QuickJS context with `print` and
 * `console.log`. Returns `{ output, error, notes }` (notes: what the
 * Espruino profile could not remove).
 */
export async function runQuickJS(script, filename, { espruino = false, timeoutMs = 120000 } = {}) {
  modulePromise = modulePromise || getQuickJS();
  const QuickJS = await modulePromise;
  const vm = QuickJS.newContext();
  const lines = [];
  let error = null,
    notes = "";
  try {
    vm.runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + timeoutMs));
    const print = vm.newFunction("print", (...args) => {
      lines.push(args.map((h) => String(vm.dump(h))).join(" "));
    });
    vm.setProp(vm.global, "print", print);
    const consoleObj = vm.newObject();
    vm.setProp(consoleObj, "log", print);
    vm.setProp(vm.global, "console", consoleObj);
    consoleObj.dispose();
    print.dispose();
    if (espruino) {
      const r = vm.evalCode(ESPRUINO_PROFILE, "espruino-profile.js");
      if (r.error) {
        error = "espruino profile: " + describe(vm.dump(r.error));
        r.error.dispose();
      } else {
        notes = "could not remove (not configurable): " + vm.dump(r.value);
        r.value.dispose();
      }
    }
    if (!error) {
      const r = vm.evalCode(script, filename);
      if (r.error) {
        error = "uncaught: " + describe(vm.dump(r.error));
        r.error.dispose();
      } else r.value.dispose();
    }
  } finally {
    vm.dispose();
  }
  return { output: lines.join("\n"), error, notes };
}

function describe(e) {
  if (e && typeof e === "object")
    return (e.name || "Error") + ": " + e.message + (e.stack ? " | " + String(e.stack).split("\n").slice(0, 2).join(" | ") : "");
  return String(e);
}

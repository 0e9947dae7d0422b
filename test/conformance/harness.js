/*
 * ramkit conformance harness (plain ES5; runs on Espruino, JerryScript, duk,
 * mujs, QuickJS and Node). scripts/engines.mjs concatenates:
 *   prelude (defines __rkPrint) + loader (defines rk, __rkAddon, __rkDebug,
 *   __rkLoadError) + this file + test/conformance/parts/*.js in name order
 *   + footer.
 *
 * The contract the parts are written against (keep it exactly):
 *   rk                         the loaded bundle's exports
 *   DEBUG                      true when the debug add-on was loaded after the
 *                              bundle (its members: validate(), invariantsHold(),
 *                              …); wrap every use of them in `if (DEBUG) { … }`
 *   check(name, cond)          passes when cond is truthy
 *   eq(name, actual, expected) === on primitives (NaN equals NaN); when
 *                              `expected` is an array, `actual` must be
 *                              array-like with the same length and elements
 *   throwsCode(name, fn, code) passes when fn() throws an error whose .code
 *                              === code
 *   section(title)             names the checks that follow in reports
 * The footer prints every failure and then `conformance: N passed, N failed`.
 *
 * ESPRUINO: every function is declared before anything calls it (no
 * hoisting), and nothing here uses labels, `arguments` or prototype methods.
 */
var __rk = { passed: 0, failed: 0, failures: [], part: "", section: "" };

function __rkShow(v) {
  var i, n, s;
  if (typeof v === "string") return '"' + v + '"';
  if (v !== null && typeof v === "object" && typeof v.length === "number") {
    n = v.length < 16 ? v.length : 16;
    s = [];
    for (i = 0; i < n; i++) s.push(__rkShow(v[i]));
    if (v.length > n) s.push("… " + (v.length - n) + " more");
    return "[" + s.join(", ") + "]";
  }
  return String(v);
}

function __rkRecord(ok, name, detail) {
  if (ok) {
    __rk.passed++;
    return;
  }
  __rk.failed++;
  __rk.failures.push(__rk.part + " › " + (__rk.section ? __rk.section + " › " : "") + name + ": " + detail);
}

/** Names the checks that follow. */
function section(title) {
  __rk.section = String(title);
}

/** Passes when `cond` is truthy. */
function check(name, cond) {
  __rkRecord(!!cond, name, "expected a true condition, got " + __rkShow(cond));
}

function __rkSame(a, b) {
  return a === b || (a !== a && b !== b);
}

/** `actual === expected` (NaN equals NaN); arrays: same length and elements. */
function eq(name, actual, expected) {
  var ok, i;
  if (expected !== null && typeof expected === "object" && typeof expected.length === "number") {
    ok = actual !== null && typeof actual === "object" && actual.length === expected.length;
    for (i = 0; ok && i < expected.length; i++) ok = __rkSame(actual[i], expected[i]);
  } else {
    ok = __rkSame(actual, expected);
  }
  __rkRecord(ok, name, "expected " + __rkShow(expected) + ", got " + __rkShow(actual));
}

/** Passes when `fn()` throws an error whose `.code === code`. */
function throwsCode(name, fn, code) {
  var threw = false,
    err = null;
  try {
    fn();
  } catch (e) {
    threw = true;
    err = e;
  }
  if (!threw) {
    __rkRecord(false, name, "expected a throw with code " + code + ", nothing was thrown");
    return;
  }
  var got = err !== null && err !== undefined ? err.code : undefined;
  __rkRecord(
    got === code,
    name,
    "expected code " + code + ", got " + __rkShow(got) + " (" + (err && err.message !== undefined ? err.message : String(err)) + ")"
  );
}

/** Called by the generated script before each part. */
function __rkPart(name) {
  __rk.part = name;
  __rk.section = "";
}

/** Called by the generated script when a part throws: one failure naming it. */
function __rkPartError(name, e) {
  var msg = e && e.message !== undefined ? e.message : String(e);
  __rk.part = name;
  __rk.section = "";
  __rkRecord(false, "uncaught exception", String(msg) + (e && e.code ? " (code " + e.code + ")" : ""));
}

/** Prints the failures and the total line; true when nothing failed. */
function __rkReport() {
  for (var i = 0; i < __rk.failures.length; i++) __rkPrint("FAIL " + __rk.failures[i]);
  __rkPrint("conformance: " + __rk.passed + " passed, " + __rk.failed + " failed");
  return __rk.failed === 0;
}

/** Whether this run loaded the debug add-on after the bundle. */
var DEBUG = __rkDebug;

__rkPart("load");
if (__rkLoadError !== null) __rkPartError("loading the bundle" + (DEBUG ? " and the debug add-on" : ""), __rkLoadError);
check("the bundle exports VERSION", typeof rk.VERSION === "string");
if (DEBUG) {
  check("the debug add-on exports installDebug", __rkAddon !== null && typeof __rkAddon.installDebug === "function");
  eq("the debug add-on's VERSION is the bundle's", __rkAddon !== null ? __rkAddon.VERSION : null, rk.VERSION);
}

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
 *   messageOf(fn)              the message of what fn() throws, "" when it returns
 *   memoryPort(base, size)     a Memory port over [base, base + size): the
 *                              bundle's ArrayMemory, else a plain-array
 *                              stand-in (the full board bundle and the
 *                              per-feature ones ship no ArrayMemory)
 * The footer prints every failure and then `conformance: N passed, N failed`.
 *
 * ESPRUINO: every function is declared before anything calls it (no
 * hoisting), and nothing here uses labels or `arguments`.
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

/** The message of what `fn()` throws, or "" when it returns. */
function messageOf(fn) {
  try {
    fn();
  } catch (e) {
    return String(e && e.message);
  }
  return "";
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

/**
 * A Memory port over [base, base + size) of a plain array, for a bundle
 * that ships no ArrayMemory (the board bundles: it is in ramkit-extras);
 * bounds-checked like ArrayMemory, with `mapped` so that claims can refuse
 * a region outside it.
 */
function __RkPlainMemory(base, size) {
  var b = [],
    i;
  for (i = 0; i < size; i++) b.push(0);
  this.base = base;
  this.size = size;
  this.b = b;
}
__RkPlainMemory.prototype.o = function (a, n) {
  var o = a - this.base;
  if (typeof a !== "number" || !(o >= 0 && o + n <= this.size) || Math.floor(o) !== o) {
    var e = new Error("EFAULT: address " + a + " is outside the memory");
    e.code = "EFAULT";
    throw e;
  }
  return o;
};
__RkPlainMemory.prototype.read8 = function (a) {
  return this.b[this.o(a, 1)];
};
__RkPlainMemory.prototype.read16 = function (a) {
  var o = this.o(a, 2);
  return this.b[o] | (this.b[o + 1] << 8);
};
__RkPlainMemory.prototype.read32 = function (a) {
  var o = this.o(a, 4),
    b = this.b;
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
};
__RkPlainMemory.prototype.write8 = function (a, v) {
  this.b[this.o(a, 1)] = v & 0xff;
};
__RkPlainMemory.prototype.write16 = function (a, v) {
  var o = this.o(a, 2);
  this.b[o] = v & 0xff;
  this.b[o + 1] = (v >> 8) & 0xff;
};
__RkPlainMemory.prototype.write32 = function (a, v) {
  var o = this.o(a, 4),
    b = this.b;
  b[o] = v & 0xff;
  b[o + 1] = (v >> 8) & 0xff;
  b[o + 2] = (v >> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
};
__RkPlainMemory.prototype.readBlock = function (a, dst, off, len) {
  var o = this.o(a, len),
    i;
  for (i = 0; i < len; i++) dst[off + i] = this.b[o + i];
};
__RkPlainMemory.prototype.writeBlock = function (a, src, off, len) {
  var o = this.o(a, len),
    i;
  for (i = 0; i < len; i++) this.b[o + i] = src[off + i] & 0xff;
};
__RkPlainMemory.prototype.fill = function (a, len, v) {
  var o = this.o(a, len),
    i;
  for (i = 0; i < len; i++) this.b[o + i] = v & 0xff;
};
__RkPlainMemory.prototype.copy = function (d, s, len) {
  var dd = this.o(d, len),
    ss = this.o(s, len),
    i,
    t = [];
  for (i = 0; i < len; i++) t.push(this.b[ss + i]);
  for (i = 0; i < len; i++) this.b[dd + i] = t[i];
};
__RkPlainMemory.prototype.mapped = function (a, len) {
  return typeof a === "number" && a >= this.base && len >= 0 && a + len <= this.base + this.size;
};

/** A Memory port over [base, base + size): the bundle's ArrayMemory, else the stand-in. */
function memoryPort(base, size) {
  return rk.ArrayMemory ? new rk.ArrayMemory(base, size) : new __RkPlainMemory(base, size);
}

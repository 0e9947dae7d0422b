// `npm run size` (scripts/size.mjs): the counts its estimate of Espruino
// blocks is made of, and `--floor`'s surface stub (scripts/espruino/floor.mjs),
// a module with exactly a bundle's public surface, which the interpreter
// measures as the floor of that API's RAM cost.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { bundleExports, surfaceStub } from "../scripts/espruino/floor.mjs";
// @ts-expect-error: a plain ES module of the build scripts, without declarations
import { countBundle } from "../scripts/size.mjs";

test("countBundle: functions and slots made at load count, a function's locals and inner functions do not", () => {
  const c = countBundle(
    [
      "function helper(a, b) { var local = 1, other = function (x) { return x; }; return other(a + b + local); }",
      "var P = function (m, o) { this.m = m; };",
      "P.prototype.alloc = function (size) { return size; };",
      "P.prototype.free = function (address) { return 0; };",
      "var table = { a: 1, b: 2 };",
      "(function (Q) { Q.extra = function (k) { return k; }; })(P.prototype);",
      "if (typeof WebAssembly === 'object') P.prototype.alloc = function (size, alignment) { return 0; };",
      "function install(rk) { rk.P.prototype.check = function () { return 1; }; }",
      "install({ P: P });",
      "exports.P = P;",
    ].join("\n"),
  );
  // helper, P, alloc, free, the IIFE, extra, install, check (not other; not the WebAssembly version)
  assert.is(c.functions, 8);
  assert.is(c.params, 2 + 2 + 1 + 1 + 1 + 1 + 1 + 0);
  // bindings helper, P, table, install; at load: prototype.alloc, prototype.free, table's a and b,
  // Q.extra, prototype.check, install's argument's P, exports.P
  assert.is(c.slots, 4 + 8);
});

/** Every public name of `x` (exports, prototype methods, statics) with the arity of each function. */
function surface(x: any): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const k of Object.keys(x)) {
    const v = x[k];
    if (typeof v !== "function") {
      out[k] = JSON.stringify(v);
      continue;
    }
    out[k] = v.length;
    for (const m of Object.getOwnPropertyNames(v.prototype || {}))
      if (m !== "constructor" && m[0] !== "_" && typeof v.prototype[m] === "function") out[k + "#" + m] = v.prototype[m].length;
    for (const m of Object.getOwnPropertyNames(v))
      if (!["length", "name", "prototype", "arguments", "caller"].includes(m) && m[0] !== "_")
        out[k + "." + m] = typeof v[m] === "function" ? v[m].length : JSON.stringify(v[m]);
  }
  return out;
}

function Pool(this: any, _memory: any, _options: any) {}
Pool.prototype.alloc = (_size: number, _align: number) => 0;
Pool.prototype.free = (_address: number) => 0;
Pool.prototype._slow = (_a: number, _b: number, _c: number) => 0;
(Pool as any).LIMIT = 8;
(Pool as any)._hidden = 1;
function View(this: any) {}
View.prototype.alloc = Pool.prototype.alloc; // shared: one function object
View.prototype.release = Pool.prototype.free;

test("surfaceStub: the public surface (arities, statics, values), private members left out, a shared function counted once", () => {
  const x = { Pool, View, EINVAL: 22, NAMES: { A: 0, B: 1 }, VERSION: "1.0", make: (_a: number, _b: number, _c: number) => 0 };
  const s = surfaceStub(x);
  assert.is(s.functions, 5); // Pool, alloc, free, View, make
  assert.is(s.params, 2 + 2 + 1 + 0 + 3);
  assert.not.match(s.text, /_slow|_hidden/);
  const back = bundleExports(s.text);
  assert.equal(surface(back), surface(x));
  assert.is(back.View.prototype.alloc, back.Pool.prototype.alloc, "a shared method stays one function");
  assert.is(back.View.prototype.release, back.Pool.prototype.free);
  assert.is(back.Pool.prototype.alloc(1, 2), 1, "bodies are one statement (an empty body keeps no code or scope link on Espruino)");
});

test("surfaceStub of the full board bundle: the same public surface as dist/ramkit.js", () => {
  const x = bundleExports(readFileSync("dist/ramkit.js", "utf8"));
  const s = surfaceStub(x);
  assert.equal(surface(bundleExports(s.text)), surface(x));
  assert.ok(s.functions > 50 && s.params > s.functions, s.functions + " functions, " + s.params + " parameters");
});

test("bundleExports: a bundle that throws at load gives its error", () => {
  assert.throws(() => bundleExports("throw new Error('broken bundle')"), /broken bundle/);
  assert.equal(bundleExports("exports.a = 1; module.exports.b = 2;"), { a: 1, b: 2 });
});

test.run();

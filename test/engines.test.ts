import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildScript, judge, lintScript, runNode, runCommand, which } from "../scripts/engines.mjs";
import { runQuickJS } from "../scripts/engines/quickjs.mjs";
import { FEATURES } from "../scripts/bundles.mjs";

// A stand-in bundle, so these tests do not need dist/.
const FAKE = 'exports.VERSION = "9.9.9";\nexports.twice = function (x) { return 2 * x; };\n';
const part = (name: string, text: string) => ({ name, text });

test("a passing part: totals line and PASS verdict", () => {
  const built = buildScript(FAKE, {
    parts: [
      part(
        "10-ok.js",
        '(function () { section("s"); eq("twice", rk.twice(2), 4); check("c", true); eq("arr", [1, 2], [1, 2]); eq("nan", NaN, NaN); })();',
      ),
    ],
  });
  const v = judge(runNode(built.script, "x.js"));
  assert.equal([v.ok, v.passed, v.failed], [true, 5, 0]); // 4 + the harness's own load check
});

test("failures name part, section and check, with expected and actual", () => {
  const built = buildScript(FAKE, {
    parts: [
      part(
        "10-bad.js",
        [
          "(function () {",
          '  section("maths");',
          '  eq("twice 3", rk.twice(3), 7);',
          '  eq("array length", [1, 2, 3], [1, 2]);',
          '  eq("array element", [1, 5], [1, 2]);',
          '  check("falsy", 0);',
          '  throwsCode("no throw", function () {}, "EINVAL");',
          '  throwsCode("wrong code", function () { var e = new Error("m"); e.code = "EPERM"; throw e; }, "EINVAL");',
          '  throwsCode("right code", function () { var e = new Error("m"); e.code = "EINVAL"; throw e; }, "EINVAL");',
          "})();",
        ].join("\n"),
      ),
    ],
  });
  const r = runNode(built.script, "x.js");
  const v = judge(r);
  assert.equal([v.ok, v.passed, v.failed], [false, 2, 6]);
  assert.ok(v.failures.includes("FAIL 10-bad.js › maths › twice 3: expected 7, got 6"), r.output);
  assert.ok(v.failures.includes("FAIL 10-bad.js › maths › array length: expected [1, 2], got [1, 2, 3]"), r.output);
  assert.ok(
    v.failures.some((f) => f.includes("no throw: expected a throw with code EINVAL, nothing was thrown")),
    r.output,
  );
  assert.ok(
    v.failures.some((f) => f.includes('wrong code: expected code EINVAL, got "EPERM" (m)')),
    r.output,
  );
  assert.match(r.output, /conformance: 2 passed, 6 failed\s*$/);
});

test("an uncaught exception in a part is one failure naming the part; later parts still run", () => {
  const built = buildScript(FAKE, {
    parts: [
      part("10-throws.js", '(function () { eq("before", 1, 1); rk.nothing(); })();'),
      part("20-after.js", '(function () { eq("after", 2, 2); })();'),
    ],
  });
  const r = runNode(built.script, "x.js");
  const v = judge(r);
  assert.equal([v.passed, v.failed], [3, 1]);
  assert.match(v.failures[0], /^FAIL 10-throws\.js › uncaught exception: /);
});

test("a bundle that throws while loading is reported as such", () => {
  const v = judge(runNode(buildScript('throw new Error("boom");', { parts: [] }).script, "x.js"));
  assert.not.ok(v.ok);
  assert.ok(
    v.failures.some((f) => f.startsWith("FAIL loading the bundle › uncaught exception: boom")),
    v.failures.join("\n"),
  );
});

test("no totals line (the script died) is a failure", () => {
  const v = judge(runNode(buildScript(FAKE, { parts: [part("10-x.js", "}")] }).script, "x.js"));
  assert.not.ok(v.ok);
  assert.ok(v.error);
});

// A stand-in add-on: requires "ramkit" and installs a member on what it gets, as dist/ramkit-debug.js does.
const ADDON =
  'var rk = require("ramkit");\nrk.twice.debug = true;\nexports.VERSION = rk.VERSION;\nexports.installDebug = function (x) { return x; };\n';
const DEBUG_PART = part(
  "10-debug.js",
  '(function () { eq("DEBUG", DEBUG, __rkExpectDebug); if (DEBUG) { eq("installed", rk.twice.debug, true); } })();',
);

/** Espruino's module loader, enough of it: Modules.addCached(name, fn) and require(name), fn's body run with `exports` and `module` in scope. */
const ESPRUINO_MODULES = [
  "var __esp = {};",
  "var Modules = { addCached: function (name, fn) { __esp[name] = { fn: fn, exports: null }; } };",
  "function require(name) {",
  "  var m = __esp[name];",
  '  if (!m) throw new Error("Module " + name + " not found");',
  '  if (m.exports === null) { var module = { exports: {} }; m.exports = module.exports; new Function("exports", "module", "(" + m.fn.toString() + ")();")(module.exports, module); m.exports = module.exports; }',
  "  return m.exports;",
  "}",
].join("\n");

test('DEBUG is false in a lean run; with the add-on it is true and the add-on\'s require("ramkit") gets the bundle', () => {
  const lean = runNode("var __rkExpectDebug = false;\n" + buildScript(FAKE, { parts: [DEBUG_PART] }).script, "x.js");
  assert.equal([judge(lean).ok, judge(lean).passed], [true, 2], lean.output);
  const built = buildScript(FAKE, { parts: [DEBUG_PART], addon: ADDON });
  const r = runNode("var __rkExpectDebug = true;\n" + built.script, "x.js");
  const v = judge(r);
  assert.equal([v.ok, v.passed, v.failed], [true, 5, 0], r.output); // load, installDebug, VERSION, DEBUG, installed
});

test("an add-on that throws while loading is reported, naming the add-on", () => {
  const v = judge(runNode(buildScript(FAKE, { parts: [], addon: 'require("nosuch");' }).script, "x.js"));
  assert.not.ok(v.ok);
  assert.ok(
    v.failures.some((f) => f.startsWith("FAIL loading the bundle and the debug add-on › uncaught exception: module nosuch not found")),
    v.failures.join("\n"),
  );
});

test("the Espruino-flavoured script loads the bundle and the add-on through Modules.addCached and require", () => {
  const { script } = buildScript(FAKE, { espruino: true, parts: [DEBUG_PART], addon: ADDON });
  assert.match(script, /Modules\.addCached\("ramkit", function \(\) \{\n/);
  assert.match(script, /Modules\.addCached\("ramkit-debug", function \(\) \{\n/);
  assert.match(script, /rk = require\("ramkit"\); __rkAddon = require\("ramkit-debug"\);/);
  assert.match(script, /var result = __rkReport\(\)/);
  const r = runNode(ESPRUINO_MODULES + "\nvar __rkExpectDebug = true;\n" + script, "x.js");
  const v = judge(r);
  assert.equal([v.ok, v.passed, v.failed], [true, 5, 0], r.output + (r.error || ""));
});

test("the built Espruino scripts run through Modules.addCached with the add-on (skipped without dist/)", () => {
  for (const f of ["dist/conformance-espruino.js", "dist/conformance-espruino.min.js"]) {
    if (!existsSync(f)) {
      console.log("  (skipped: " + f + " is absent; run `npm run test:engines`)");
      return;
    }
    const text = readFileSync(f, "utf8");
    assert.match(text, /__rkDebug = true/);
    const r = runNode(ESPRUINO_MODULES + "\n" + text, f);
    const load = r.output.split("\n").filter((l) => l.startsWith("FAIL loading"));
    assert.equal(load, [], f + ": " + load.join("\n"));
    assert.match(r.output, /conformance: \d+ passed/, f);
  }
});

test("quickjs runs the script; the Espruino profile removes what Espruino lacks", async () => {
  const usesMap = 'var m = new Map(); exports.VERSION = "1.0.0"; exports.n = Math.imul ? 1 : 0;';
  const parts = [
    part("10-p.js", '(function () { eq("pow", Math.pow(2, 32), 4294967296); check("no clz32", typeof Math.clz32 === "undefined"); })();'),
  ];
  const plain = judge(await runQuickJS(buildScript(usesMap, { parts }).script, "x.js", { espruino: false }));
  assert.equal([plain.passed, plain.failed], [2, 1]); // only "no clz32" fails on full QuickJS
  const esp = await runQuickJS(buildScript(usesMap, { parts }).script, "x.js", { espruino: true });
  const v = judge(esp);
  assert.not.ok(v.ok);
  assert.ok(
    v.failures.some((f) => f.startsWith("FAIL loading the bundle")),
    esp.output,
  );
  assert.ok(
    v.failures.some((f) => f.includes("pow: expected 4294967296")),
    esp.output,
  ); // exp(log), as on Espruino
  assert.match(esp.notes, /BYTES_PER_ELEMENT/);
});

for (const cmd of ["duk", "mujs"]) {
  test(cmd + " runs a script file (skipped when not installed)", () => {
    if (!which(cmd)) {
      console.log("  (skipped: " + cmd + " is not installed)");
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), "rk-engines-"));
    try {
      const built = buildScript(FAKE, { parts: [part("10-ok.js", '(function () { eq("twice", rk.twice(21), 42); })();')] });
      const file = join(dir, "c.js");
      writeFileSync(file, built.script);
      assert.equal(judge(runCommand(cmd)(built.script, file)).passed, 2);
      writeFileSync(file, "throw new Error('x');");
      assert.ok(runCommand(cmd)("", file).error);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test("the script is held to Espruino rules, findings traced to the part's own lines", () => {
  const built = buildScript(FAKE, {
    parts: [
      part("10-ok.js", "(function () {})();"),
      {
        name: "20-bad.js",
        file: "test/conformance/parts/20-bad.js",
        text: '(function () {\n  var n = arguments.length;\n  eq("x", n, 0);\n})();',
      },
    ],
  });
  const lint = lintScript(built);
  assert.equal(lint.length, 1);
  assert.match(lint[0], /^test\/conformance\/parts\/20-bad\.js:2:11 arguments: /);
});

test("CLI: an unknown engine exits 2; a missing engine is SKIPPED, or FAIL with CI=true", () => {
  const bad = spawnSync(process.execPath, ["scripts/engines.mjs", "nosuch"], { encoding: "utf8" });
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /engines: node, quickjs, quickjs-espruino, duk, mujs/);
  if (!existsSync("dist/ramkit.js") || !existsSync("dist/ramkit.min.js")) {
    console.log("  (skipped the rest: dist/ is absent; run `npm run build`)");
    return;
  }
  const env = { ...process.env, PATH: "/nonexistent" }; // node itself is spawned by absolute path
  const local = spawnSync(process.execPath, ["scripts/engines.mjs", "duk"], { encoding: "utf8", env: { ...env, CI: "" } });
  assert.is(local.status, 0, local.stdout);
  assert.match(local.stdout, /^SKIPPED duk ramkit\.js \(`duk` not found; install with: apt-get install -y duktape\)$/m);
  const ci = spawnSync(process.execPath, ["scripts/engines.mjs", "mujs"], { encoding: "utf8", env: { ...env, CI: "true" } });
  assert.is(ci.status, 1, ci.stdout);
  assert.match(ci.stdout, /^FAIL mujs ramkit\.min\.js .*apt-get install -y mujs/m);
  assert.match(ci.stdout, /^FAIL mujs ramkit-granular\.min\.js .*apt-get install -y mujs/m);
  assert.match(ci.stdout, /^FAIL mujs ramkit-granular\.min\.js\+ramkit-debug\.min\.js .*apt-get install -y mujs/m);
  const runs = 2 * (2 + Object.keys(FEATURES).length); // (both forms of the full bundle + each feature bundle) × (lean, with the add-on)
  assert.match(ci.stdout, new RegExp("^engines: 1 passed, " + runs + " failed$", "m")); // 1: the script check
});

test.run();

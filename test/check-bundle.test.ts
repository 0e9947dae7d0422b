import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { checkSource, formatFinding, RULES } from "../scripts/check-bundle.mjs";
import { BUNDLE_FILES } from "../scripts/bundles.mjs";

const FIXTURES = "test/fixtures/bundle";
const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".js"))
  .sort();
const bad = fixtures.filter((f) => f.startsWith("bad-"));
const good = fixtures.filter((f) => f.startsWith("good-"));

/** A fixture's `// expect: LINE:COL rule` header lines. */
function expected(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\/\/ expect: (\d+:\d+ [a-z0-9-]+)$/gm)) out.push(m[1]);
  return out;
}

function found(text: string, file: string): string[] {
  return checkSource(text, file).map((f) => f.line + ":" + f.column + " " + f.rule);
}

for (const f of bad) {
  test("fires exactly the expected findings on " + f, () => {
    const text = readFileSync(join(FIXTURES, f), "utf8");
    const want = expected(text);
    assert.ok(want.length > 0, f + " has no `// expect:` lines");
    assert.equal(found(text, f), want);
  });
}

test("every rule fires on some bad fixture", () => {
  const fired = new Set<string>();
  for (const f of bad) for (const x of checkSource(readFileSync(join(FIXTURES, f), "utf8"), f)) fired.add(x.rule);
  assert.equal([...fired].sort(), [...RULES].sort());
});

for (const f of good) {
  test("passes " + f, () => {
    const text = readFileSync(join(FIXTURES, f), "utf8");
    assert.equal(checkSource(text, f).map(formatFinding), []);
  });
}

// One minimal case per rule, with the exact position.
const inline: [string, string, string][] = [
  ["es5-syntax", "var f = (a) => a;", "1:14"],
  ["es5-syntax", "let x = 1;", "1:5"],
  ["no-hoist", "var x = 1;\nf();\nfunction f() {}", "2:1"],
  [
    "no-hoist",
    "var C = (function (_super) {\n  __extends(C, _super);\n  function C() {}\n  return C;\n}(Object));\nfunction __extends() {}",
    "2:3",
  ],
  ["espruino-missing", "var s = new Set([1]);", "1:13"],
  ["espruino-missing", "var k = Math.clz32(1);", "1:9"],
  ["espruino-missing", 'var k = Math["imul"](1, 2);', "1:9"],
  // a typeof test guards only its consequent, and only the name it tests
  ["espruino-missing", 'var k = typeof Math.clz32 === "function" ? 0 : Math.clz32(1);', "1:48"],
  ["espruino-missing", 'var k = typeof Math.imul === "function" ? Math.clz32(1) : 0;', "1:43"],
  ["espruino-missing", 'var k = typeof Math.clz32 === "undefined" ? Math.clz32 : 0;', "1:45"],
  ["espruino-missing", 'var k = typeof WebAssembly === "object" && typeof Math.imul === "function" ? Math.clz32 : 0;', "1:78"],
  ["builtin-prototype", "var s = Array.prototype.slice;", "1:9"],
  ["label", "a: while (1) break a;", "1:1"],
  ["arguments", "function f() {\n  return arguments;\n}", "2:10"],
  ["pow2", "var t = Math.pow(2, 31);", "1:9"],
  ["length-assign", "var a = [];\na.length = 0;", "2:1"],
  ["splice-one-arg", "[1, 2].splice(0);", "1:1"],
];
for (const [rule, src, at] of inline) {
  test("inline " + rule + " at " + at + ": " + src.split("\n")[0], () => {
    const r = checkSource(src, "x.js");
    assert.ok(
      r.some((f) => f.rule === rule && f.line + ":" + f.column === at),
      JSON.stringify(r),
    );
  });
}

test("a finding is formatted file:line:column rule: message", () => {
  const [f] = checkSource("var m = new Map();", "dist/x.js");
  assert.is(formatFinding(f), "dist/x.js:1:13 espruino-missing: `Map` does not exist on Espruino");
});

test("the CLI exits 1 listing findings, 0 with sizes on clean files", () => {
  const badRun = spawnSync(process.execPath, ["scripts/check-bundle.mjs", join(FIXTURES, "bad-label.js")], { encoding: "utf8" });
  assert.is(badRun.status, 1);
  assert.match(badRun.stdout, /bad-label\.js:5:1 label: /);
  const goodRun = spawnSync(process.execPath, ["scripts/check-bundle.mjs", join(FIXTURES, "good-guards.js")], { encoding: "utf8" });
  assert.is(goodRun.status, 0, goodRun.stdout + goodRun.stderr);
  assert.match(goodRun.stdout, /good-guards\.js: ok, \d+ bytes, \d+ bytes gzipped/);
  const missing = spawnSync(process.execPath, ["scripts/check-bundle.mjs", "no/such/file.js"], { encoding: "utf8" });
  assert.is(missing.status, 1);
});

test("the built bundles pass", () => {
  const files = BUNDLE_FILES;
  if (!files.every((f) => existsSync(f))) {
    console.log("  (skipped: a bundle in dist/ is absent; run `npm run build`)");
    return;
  }
  for (const f of files) assert.equal(checkSource(readFileSync(f, "utf8"), f).map(formatFinding), []);
});

test.run();

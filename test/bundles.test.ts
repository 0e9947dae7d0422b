// The bundles (scripts/bundles.mjs): each per-feature one (src/entries/ →
// dist/ramkit-<feature>.js) exports the core and its own family, nothing of
// the others, and is smaller than the full bundle; the extras
// (dist/ramkit-extras.js) hold the board core and what the full bundle
// leaves out; the lean bundles carry no
// debug members; the add-on (dist/ramkit-debug.js) holds none of the lean
// code and installs its members onto whatever bundle is module "ramkit", in
// both forms (the minified ones rename private fields the same way); the host
// build (dist/ramkit-node.js) is the full bundle and the extras with the
// add-on installed.
// Their behaviour is the engine matrix's job (the conformance parts, on every
// engine, lean and with the add-on).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { BUNDLE_FILES, BUNDLE_NAMES, FEATURES as BUILT, ADDON, NODE_BUILD } from "../scripts/bundles.mjs";
import { propertyTable, KEEP } from "../scripts/mangle.mjs";

const require = createRequire(import.meta.url);
/** Each per-feature bundle's main class: its family is what it exports beyond the core. */
const MAIN: Record<string, string> = {
  memblocks: "MemBlocks",
  onesize: "Onesize",
  granular: "GranularHeap",
  "memory-manager": "MemoryManager",
  extras: "ArrayMemory",
};
/** What the extras bundle holds and the full board bundle leaves out. */
const EXTRAS_ONLY = [
  "ArrayMemory",
  "BitArray",
  "boardSectionSpecs",
  "bytes",
  "words",
  "uwords",
  "granularBitmapWords",
  "regionConfig",
  "findRegion",
];
const built = BUNDLE_FILES.concat(["dist/" + NODE_BUILD.name + ".js"]).every((f) => existsSync(f));
const ALLOCATORS = ["MemBlocks", "MemBlocksGroup", "BitArray", "Onesize", "GranularHeap", "MemoryManager"];

/** Load a CommonJS bundle in this realm, with `require` answering "ramkit" with `rk`. */
function load(file: string, rk?: any): any {
  const module = { exports: {} as any };
  new Function("module", "exports", "require", readFileSync(file, "utf8"))(module, module.exports, (name: string) => {
    if (name === "ramkit" && rk) return rk;
    throw new Error("unexpected require(" + JSON.stringify(name) + ")");
  });
  return module.exports;
}

test("every per-feature bundle has its main class here", () => {
  assert.equal(Object.keys(BUILT).sort(), Object.keys(MAIN).sort());
});

test("each per-feature bundle is its family (what it exports beyond the core, its main class included) and all or part of the core, in both forms; the full bundle has them all", async () => {
  if (!built) {
    console.log("  (skipped: a bundle in dist/ is absent; run `npm run build`)");
    return;
  }
  const core = Object.keys(await import("../src/entries/core.js")).sort();
  for (const k of ["VERSION", "EINVAL", "makeError", "StatePower", "PeekPokeMemory"]) assert.ok(core.includes(k), "core lacks " + k);
  const full = Object.keys(require("../dist/ramkit.js"));
  for (const k of core) assert.ok(full.includes(k), "the full bundle lacks " + k + " of the core");
  const extras = Object.keys(require("../dist/ramkit-extras.min.js"));
  for (const k of EXTRAS_ONLY) {
    assert.ok(extras.includes(k), "ramkit-extras lacks " + k);
    assert.not.ok(full.includes(k), "the full board bundle has " + k + ", which is in ramkit-extras");
  }
  const families: Record<string, string[]> = {};
  for (const feature of Object.keys(MAIN)) {
    const min = Object.keys(require("../dist/ramkit-" + feature + ".min.js")).sort();
    assert.equal(
      Object.keys(require("../dist/ramkit-" + feature + ".js")).sort(),
      min,
      "ramkit-" + feature + ": both forms export the same",
    );
    // the core (src/entries/core.ts), or the part of it the family's programs need (a bundle may leave the ports out)
    assert.ok(min.includes("VERSION"), "ramkit-" + feature + " lacks VERSION");
    families[feature] = min.filter((k) => !core.includes(k));
    assert.ok(families[feature].includes(MAIN[feature]), "ramkit-" + feature + " lacks " + MAIN[feature]);
    if (feature !== "extras")
      for (const k of families[feature]) assert.ok(full.includes(k), "the full bundle lacks " + k + " of ramkit-" + feature);
    assert.ok(
      statSync("dist/ramkit-" + feature + ".min.js").size < statSync("dist/ramkit.min.js").size * 0.6,
      "ramkit-" + feature + ".min.js is not much smaller than the full bundle",
    );
  }
});

test("the lean bundles have no debug members; the add-on installs them onto each, in both forms", () => {
  if (!built) return;
  for (const name of BUNDLE_NAMES) {
    for (const form of [".js", ".min.js"]) {
      const rk = load("dist/" + name + form);
      const classes = ALLOCATORS.filter((c) => typeof rk[c] === "function");
      assert.ok(classes.length > 0 || name === "ramkit-onesize", name + form + " exports no allocator class");
      for (const c of classes) assert.is(rk[c].prototype.validate, undefined, name + form + ": " + c + ".prototype.validate is lean code");
      const addon = load("dist/" + ADDON.name + form, rk);
      assert.is(typeof addon.installDebug, "function");
      assert.is(addon.VERSION, rk.VERSION);
      for (const c of classes) {
        assert.is(typeof rk[c].prototype.validate, "function", name + form + " + add-on: " + c + ".prototype.validate");
        assert.is(typeof rk[c].prototype.invariantsHold, "function", name + form + " + add-on: " + c + ".prototype.invariantsHold");
      }
    }
  }
});

test('the add-on holds none of the lean code and requires only "ramkit"', () => {
  if (!built) return;
  for (const form of [".js", ".min.js"]) {
    const text = readFileSync("dist/" + ADDON.name + form, "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
    assert.equal([...new Set(text.match(/require\([^)]*\)/g))], ['require("ramkit")'], form);
    const addon = load("dist/" + ADDON.name + form, {});
    assert.equal(Object.keys(addon).sort(), ["TraceRecorder", "VERSION", "installDebug"], form);
  }
  const unminified = readFileSync("dist/" + ADDON.name + ".js", "utf8");
  for (const c of ALLOCATORS.concat(["ArrayMemory", "StatePower"]))
    assert.not.match(unminified, new RegExp("function " + c + "\\("), "the add-on contains " + c);
  // it installs onto the full bundle and the extras: much smaller than the code it completes
  assert.ok(
    statSync("dist/" + ADDON.name + ".min.js").size <
      (statSync("dist/ramkit.min.js").size + statSync("dist/ramkit-extras.min.js").size) * 0.5,
    "the add-on is not much smaller than the full bundle and the extras",
  );
});

test("minified lean bundle + minified add-on: a fresh allocator of each kind validates (private fields renamed alike)", () => {
  if (!built) return;
  const rk = load("dist/ramkit.min.js");
  load("dist/" + ADDON.name + ".min.js", rk);
  const extras = load("dist/ramkit-extras.min.js");
  load("dist/" + ADDON.name + ".min.js", extras);
  const mem = new extras.ArrayMemory(0x20000000, 0x4000);
  const made: [string, any][] = [];
  const tryMake = (name: string, make: () => any) => {
    try {
      made.push([name, make()]);
    } catch (e) {
      console.log("  (" + name + " not built with the contract's options yet: " + (e as Error).message + ")");
    }
  };
  tryMake("BitArray", () => new extras.BitArray(70));
  tryMake("MemBlocks", () => new rk.MemBlocks(mem, { base: 0x20000000, size: 0x1000, blockSize: 64 }));
  tryMake("Onesize", () => new rk.Onesize(mem, { base: 0x20001000, size: 0x1000, blockSize: 32 }));
  tryMake("GranularHeap", () => new rk.GranularHeap(mem, { base: 0x20002000, size: 0x1000 }));
  tryMake("MemoryManager", () => new rk.MemoryManager(mem, { base: 0x20003000, size: 0x1000 }));
  assert.ok(made.length >= 2);
  for (const [name, a] of made) {
    assert.is(a.validate(), null, name + ".validate()");
    assert.is(a.invariantsHold(), true, name + ".invariantsHold()");
  }
});

test("the property renaming is one table: deterministic, every private field of src/ in it, no two fields alike", () => {
  const a = propertyTable("src"),
    b = propertyTable("src");
  assert.equal(a, b);
  const names = Object.values(a.table);
  assert.is(new Set(names).size, names.length);
  for (const k of KEEP) assert.is(a.table[k], undefined, k + " keeps its name");
  assert.ok(Object.keys(a.table).length > 20);
});

test("the host build is the full bundle and the extras with the add-on installed", () => {
  if (!built) return;
  const node = require("../dist/" + NODE_BUILD.name + ".js");
  const full = require("../dist/ramkit.js");
  const extras = require("../dist/ramkit-extras.js");
  assert.equal(Object.keys(node).sort(), [...new Set(Object.keys(full).concat(Object.keys(extras)))].sort());
  for (const c of ALLOCATORS) if (node[c]) assert.is(typeof node[c].prototype.validate, "function", c);
});

test.run();

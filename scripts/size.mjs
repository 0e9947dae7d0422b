#!/usr/bin/env node
// npm run size: what each board bundle costs, and a failure past a budget.
//
//   node scripts/size.mjs [--json] [--speed]
//
// Per bundle: bytes (checked by size-limit against .size-limit.json),
// functions, parameters, named slots, and the Espruino RAM blocks it costs
// when required from Storage and when uploaded to RAM. Without an
// interpreter the blocks are an estimate from those counts, calibrated on
// measurements of the Espruino Linux build (COST below); with ESPRUINO set to
// the path of an `espruino` binary (the Linux build, made outside this
// repository: docs/ENGINES.md) they are measured, and `--speed` also measures
// MemBlocks and Onesize alloc+free pairs per second against the hand-written
// free lists FL and CK in the same interpreter.
//
// Why these counts: on Espruino a function stays in RAM as an object, its
// parameter names and the slot that holds it, even when its text stays in
// flash (a module required from Storage); the text itself is RAM only when
// the module is uploaded to RAM. Minified text length barely matters from
// Storage; the number of functions, parameters and names does.
import { readFileSync, existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import * as acorn from "acorn";
import * as walk from "acorn-walk";
import { FEATURES } from "./bundles.mjs";
import { measureFootprint, measureSpeed } from "./espruino/measure.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * The shipped (minified) board bundles and their budgets in Espruino blocks:
 * a single-allocator bundle at most 150 blocks required from Storage and 400
 * uploaded to RAM; the full bundle (every allocator and the layers that ship
 * to the board) at most 600 from Storage. The debug add-on has no budget: a
 * board loads it only while debugging.
 */
export const BOARD_BUNDLES = [{ file: "ramkit.min.js", storageBudget: 600 }]
  .concat(Object.keys(FEATURES).map((f) => ({ file: "ramkit-" + f + ".min.js", storageBudget: 150, ramBudget: 400 })))
  .concat(existsSync(join(ROOT, "dist/ramkit-debug.min.js")) ? [{ file: "ramkit-debug.min.js" }] : []);

/**
 * Blocks per counted thing on the Espruino Linux build (2v29, 27-byte
 * blocks), fitted on modules measured with scripts/espruino/measure.mjs:
 * 20 empty exported functions cost 103 blocks from Storage, with 2
 * parameters each 143, with 4 each 183; 20 numbers exported 20; 20
 * top-level variables kept alive by one function 20 (40 with names of 12+
 * characters); 20 prototype methods with 11-character names 20 more than
 * with 2-character names. `ramPerByte`: the bundles' text uploaded to RAM
 * (Espruino strips comments and white space as it stores function text).
 */
export const COST = {
  base: 4, // the module object and its first scope
  perFunction: 5.8, // 4.1 for an empty function; bundles measure 5.2 to 6.1 with their tables and prototypes
  perParam: 1,
  perSlot: 1, // a named property or top-level binding that stays alive
  perLongName: 1, // its name has more than 8 characters
  perStringBlock: 1, // string literals outside functions: one block per 24 characters
  ramPerByte: 1 / 36,
};

/** Counts in one bundle's text. */
export function countBundle(text) {
  const ast = acorn.parse(text, { ecmaVersion: 5, sourceType: "script" });
  let functions = 0, params = 0, slots = 0, longNames = 0, stringBlocks = 0;
  const name = (n) => {
    slots++;
    if (n.length > 8) longNames++;
  };
  walk.full(ast, (n) => {
    if (n.type === "FunctionDeclaration" || n.type === "FunctionExpression") {
      functions++;
      params += n.params.length;
    }
  });
  // Named slots: assignments to a member (X.prototype.name = …, exports.name = …),
  // object literal properties, and bindings of the outermost function scope
  // (the module scope every function of the bundle keeps alive).
  walk.simple(ast, {
    AssignmentExpression(n) {
      if (n.left.type === "MemberExpression" && !n.left.computed) name(n.left.property.name);
    },
    Property(n) {
      name(n.key.type === "Identifier" ? n.key.name : String(n.key.value));
    },
  });
  const outer = [];
  walk.recursive(ast, null, {
    Function(n) { outer.push(n); },
  });
  for (const f of outer) {
    walk.recursive(f.body, null, {
      VariableDeclarator(n, st, c) { name(n.id.name); if (n.init) c(n.init, st); },
      FunctionDeclaration(n) { name(n.id.name); },
      FunctionExpression() {},
    });
  }
  // String literals evaluated outside any function body stay in RAM.
  walk.recursive(ast, null, {
    Function() {},
    Literal(n) { if (typeof n.value === "string") stringBlocks += Math.ceil(n.value.length / 24); },
  });
  return { bytes: Buffer.byteLength(text), functions, params, slots, longNames, stringBlocks };
}

/** The estimate of a bundle's blocks from its counts: { storage, ram }. */
export function estimateBlocks(c) {
  const storage = Math.round(COST.base + COST.perFunction * c.functions + COST.perParam * c.params + COST.perSlot * c.slots +
    COST.perLongName * c.longNames + COST.perStringBlock * c.stringBlocks);
  return { storage, ram: Math.round(storage + c.bytes * COST.ramPerByte) };
}

/** size-limit's verdict on .size-limit.json: { [name]: { size, passed } }. */
function sizeLimit() {
  const r = spawnSync(process.execPath, [join(ROOT, "node_modules/size-limit/bin.js"), "--json"], { cwd: ROOT, encoding: "utf8" });
  let rows;
  try { rows = JSON.parse(r.stdout); } catch { throw new Error("size-limit failed:\n" + r.stdout + r.stderr); }
  const out = {};
  for (const row of rows) out[row.name] = { size: row.size, passed: row.passed };
  return out;
}

async function main() {
  const args = process.argv.slice(2);
  const json = args.includes("--json"), speed = args.includes("--speed");
  const bad = args.filter((a) => a !== "--json" && a !== "--speed");
  if (bad.length) {
    console.error("size: unknown argument " + bad[0] + " (usage: node scripts/size.mjs [--json] [--speed])");
    return 2;
  }
  const missing = BOARD_BUNDLES.filter((b) => !existsSync(join(ROOT, "dist", b.file)));
  if (missing.length) {
    console.error("size: " + missing.map((b) => "dist/" + b.file).join(", ") + " missing: run `npm run build` first");
    return 2;
  }
  const limits = sizeLimit();
  const texts = {};
  for (const b of BOARD_BUNDLES) texts[b.file] = readFileSync(join(ROOT, "dist", b.file), "utf8");
  const espruino = process.env.ESPRUINO;
  let real = null;
  if (espruino) {
    // The add-on requires "ramkit": it is measured over the full bundle, whose own cost is subtracted.
    const inputs = {};
    for (const b of BOARD_BUNDLES) inputs[b.file] = b.file === "ramkit-debug.min.js" ? { text: texts[b.file], base: texts["ramkit.min.js"] } : texts[b.file];
    real = measureFootprint(espruino, inputs);
  }
  const rows = [];
  let failed = 0;
  for (const b of BOARD_BUNDLES) {
    const c = countBundle(texts[b.file]), est = estimateBlocks(c), got = real ? real.bundles[b.file] : est;
    const lim = limits[b.file] || { size: c.bytes, passed: true };
    const over = [];
    if (!lim.passed) over.push("bytes");
    if (b.storageBudget !== undefined && got.storage > b.storageBudget) over.push("Storage blocks");
    if (b.ramBudget !== undefined && got.ram > b.ramBudget) over.push("RAM blocks");
    if (over.length) failed++;
    rows.push({ bundle: b.file, ...c, estimate: est, measured: real ? got : null, storageBudget: b.storageBudget, ramBudget: b.ramBudget, over });
  }
  let speedRows = null;
  if (speed) {
    if (!espruino) {
      console.error("size: --speed needs ESPRUINO=/path/to/espruino (the Linux build; docs/ENGINES.md)");
      return 2;
    }
    speedRows = measureSpeed(espruino, texts["ramkit.min.js"], 1, 3);
  }
  if (json) {
    console.log(JSON.stringify({ date: new Date().toISOString(), espruino: real ? real.version : null, rows, speed: speedRows }, null, 2));
  } else {
    const kind = real ? "measured on Espruino " + real.version : "estimated (set ESPRUINO to measure)";
    console.log("bundle".padEnd(28) + "bytes".padStart(8) + "  fns params slots   Storage blocks   RAM blocks   (" + kind + ")");
    for (const r of rows) {
      const got = r.measured || r.estimate;
      const budget = (v, b) => (String(v) + (b === undefined ? "" : " / " + b)).padStart(14);
      console.log(r.bundle.padEnd(28) + String(r.bytes).padStart(8) + String(r.functions).padStart(5) + String(r.params).padStart(7) +
        String(r.slots).padStart(6) + budget(got.storage, r.storageBudget) + " " + budget(got.ram, r.ramBudget) + (r.over.length ? "   OVER: " + r.over.join(", ") : ""));
    }
    if (speedRows) {
      console.log("\nalloc+free pairs/s on Espruino (ramkit.min.js uploaded to RAM), and the ratio to CK (a free list that checks its frees):");
      for (const pat of ["lifo", "fifo"]) {
        const ck = speedRows["CK/" + pat];
        for (const id of ["FL", "CK", "MemBlocks", "Onesize"]) {
          const v = speedRows[id + "/" + pat];
          console.log("  " + (id + " " + pat).padEnd(16) + String(v).padStart(9) + "   " + (v / ck).toFixed(2) + "x CK");
        }
      }
    }
    console.log(failed ? "size: " + failed + " bundle(s) over budget" : "size: every bundle within budget");
  }
  return failed ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main();

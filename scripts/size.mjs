#!/usr/bin/env node
// npm run size: what each board bundle costs, and a failure past a budget.
//
//   node scripts/size.mjs [--json] [--speed] [--write] [--floor]
//
// Per bundle: bytes (checked by size-limit against .size-limit.json),
// functions, parameters, named slots, and the Espruino RAM blocks it costs
// when required from Storage and when uploaded to RAM. Without an
// interpreter the blocks are an estimate from those counts, calibrated on
// measurements of the Espruino Linux build (COST below); with ESPRUINO set to
// the path of an `espruino` binary (the Linux build, made outside this
// repository: docs/ENGINES.md) they are measured, and `--speed` also measures
// MemBlocks and Onesize alloc+free pairs per second against the hand-written
// free lists FL and CK in the same interpreter. `--write` (with ESPRUINO)
// records the measurement in scripts/espruino/footprint.json, and from then
// on the estimate starts from it (see estimateBlocks). `--floor` (with
// ESPRUINO) also measures each bundle's public surface alone, written as a
// stub with one-statement bodies (scripts/espruino/floor.mjs): the least any
// implementation of that API can cost, so that the table shows how much of a
// bundle's cost is its API and how much its code.
//
// Why these counts: on Espruino a function stays in RAM as an object, its
// parameter names and the slot that holds it, even when its text stays in
// flash (a module required from Storage); the text itself is RAM only when
// the module is uploaded to RAM. Minified text length barely matters from
// Storage; the number of functions, parameters and names does.
import { readFileSync, existsSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import * as acorn from "acorn";
import * as walk from "acorn-walk";
import { FEATURES } from "./bundles.mjs";
import { measureFootprint, measureSpeed } from "./espruino/measure.mjs";
import { bundleExports, surfaceStub } from "./espruino/floor.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * The shipped (minified) board bundles, their goals and their budgets in
 * Espruino blocks. The goals: a single-allocator bundle at most 150 blocks
 * required from Storage and 400 uploaded to RAM; the full bundle (every
 * allocator and the layers that ship to the board) at most 600 from Storage.
 * A bundle that meets its goal has it as its budget; one that does not yet
 * has a ceiling a little above its last measurement (a ratchet: it may only
 * shrink), and the table shows both. The debug add-on has no budget: a board
 * loads it only while debugging.
 */
const SINGLE_GOAL = { storage: 150, ram: 400 };
const CEILINGS = {
  // measured 2026-11-29 on Espruino 2v29.277 (Linux build): 899 from Storage, 2,532 uploaded
  // (1,668 / 3,694 before the extras moved out, the add-on took the bank manager's and
  // BufferManager's owns/resetPeak/unwatch/close and PeekPokeMemory's byte and block calls,
  // the MemoryManager became a view of its normal heap, and the policies shared one place
  // function). Its public surface alone costs 689 (`--floor`), above the goal.
  "ramkit.min.js": { storage: 920, ram: 2580 },
  // no goal (a board loads it only for what it holds), held where it is: 727 / 1,080
  "ramkit-extras.min.js": { storage: 745, ram: 1100 },
};
export const BOARD_BUNDLES = [{ file: "ramkit.min.js", goal: { storage: 600 } }]
  .concat(
    Object.keys(FEATURES).map((f) => ({ file: "ramkit-" + f + ".min.js", goal: FEATURES[f].allocator === false ? null : SINGLE_GOAL })),
  )
  .map((b) => {
    const c = CEILINGS[b.file] || b.goal || {};
    return { file: b.file, goal: b.goal, storageBudget: c.storage, ramBudget: c.ram };
  })
  .concat(existsSync(join(ROOT, "dist/ramkit-debug.min.js")) ? [{ file: "ramkit-debug.min.js" }] : []);

/**
 * Blocks per counted thing on the Espruino Linux build (2v29, 27-byte
 * blocks): a least-squares fit on 24 modules measured with
 * scripts/espruino/measure.mjs on 2026-11-29 (the six board bundles, the
 * surface stubs of `--floor`, twelve `--only` builds; 58 to 899 blocks
 * from Storage), each within 10% and most within 5%. A function made at
 * load keeps its object, its code and scope links and its parameters' names
 * in RAM, whatever its length; each name that lives as long as the module
 * (a property set at load, a top-level binding) is a slot. The three
 * counts go together in real code (a method is a function and a slot), so
 * only their sum is meaningful: measured alone, 20 exported functions of
 * two parameters (one-statement bodies) cost 143 blocks, about 7 each; with
 * empty bodies 80 (an empty function keeps no code or scope link). `ramPerByte`: the text uploaded to RAM (Espruino strips comments
 * and white space as it stores it).
 */
export const COST = {
  base: 0,
  perFunction: 2.5,
  perParam: 1.77,
  perSlot: 1.97,
  perLongName: 0,
  perStringBlock: 0,
  ramPerByte: 1 / 30,
};

/** Counts in one bundle's text. */
export function countBundle(text) {
  const ast = acorn.parse(text, { ecmaVersion: 5, sourceType: "script" });
  let functions = 0,
    params = 0,
    slots = 0,
    longNames = 0,
    stringBlocks = 0;
  // Code behind a `typeof WebAssembly` test (the versions for engines that
  // compile to machine code) never runs on Espruino, which has no
  // WebAssembly: it costs no RAM there and is not counted.
  const skipped = [];
  const jitTest = (t) => {
    let found = false;
    walk.simple(t, {
      UnaryExpression(u) {
        if (u.operator === "typeof" && u.argument.type === "Identifier" && u.argument.name === "WebAssembly") found = true;
      },
    });
    return found;
  };
  walk.simple(ast, {
    LogicalExpression(n) {
      if (n.operator === "&&" && jitTest(n.left)) skipped.push(n.right);
    },
    IfStatement(n) {
      if (jitTest(n.test)) skipped.push(n.consequent);
    },
    ConditionalExpression(n) {
      if (jitTest(n.test)) skipped.push(n.consequent);
    },
  });
  const live = (n) => !skipped.some((k) => n.start >= k.start && n.end <= k.end);
  const name = (n) => {
    slots++;
    if (n.length > 8) longNames++;
  };

  // Named slots that live as long as the module: member assignments and
  // object literal properties evaluated while the module loads (outside any
  // function, or inside a function called right where it is written: the
  // module wrapper and class IIFEs), and the module scope's bindings
  // (counted further down).
  // Functions called by name from the module's top level (the debug add-on
  // calls its installDebug on "ramkit" as it loads) run at load too.
  const calledAtLoad = new Set();
  walk.recursive(ast, null, {
    Function() {},
    CallExpression(n, st, c) {
      if (n.callee.type === "Identifier") calledAtLoad.add(n.callee.name);
      walk.base.CallExpression(n, st, c);
    },
  });
  const iife = (f, anc) => {
    const i = anc.lastIndexOf(f),
      up = anc[i - 1];
    if (up !== undefined && up.type === "CallExpression" && up.callee === f) return true;
    // `function f() {}` or `var f = function () {}` at the top level
    const id = i === 1 ? f.id : i === 3 && up.type === "VariableDeclarator" ? up.id : null;
    return id !== null && id !== undefined && calledAtLoad.has(id.name);
  };
  const atLoad = (anc) => anc.every((a) => (a.type !== "FunctionExpression" && a.type !== "FunctionDeclaration") || iife(a, anc));
  // Functions made while the module loads: not those inside another
  // function's body, which exist only while it runs (unless that function
  // runs at load: the module wrapper, a class IIFE, an install function).
  walk.ancestor(ast, {
    Function(n, _st, anc) {
      if (live(n) && atLoad(anc.slice(0, -1))) {
        functions++;
        params += n.params.length;
      }
    },
  });
  walk.ancestor(ast, {
    AssignmentExpression(n, _st, anc) {
      if (n.left.type === "MemberExpression" && !n.left.computed && atLoad(anc) && live(n)) name(n.left.property.name);
    },
    Property(n, _st, anc) {
      if (atLoad(anc) && live(n)) name(n.key.type === "Identifier" ? n.key.name : String(n.key.value));
    },
  });
  // The module scope's bindings (top-level `var`s and function
  // declarations): every function of the bundle keeps that scope alive.
  walk.recursive(ast, null, {
    VariableDeclarator(n, st, c) {
      name(n.id.name);
      if (n.init) c(n.init, st);
    },
    FunctionDeclaration(n) {
      name(n.id.name);
    },
    FunctionExpression() {},
  });
  // String literals evaluated outside any function body stay in RAM.
  walk.recursive(ast, null, {
    Function() {},
    Literal(n) {
      if (typeof n.value === "string") stringBlocks += Math.ceil(n.value.length / 24);
    },
  });
  return { bytes: Buffer.byteLength(text), functions, params, slots, longNames, stringBlocks };
}

/** The last real measurement of each bundle (with --write and ESPRUINO set), and its counts then. */
const MEASURED = join(ROOT, "scripts/espruino/footprint.json");

/**
 * The estimate of a bundle's blocks from its counts: { storage, ram }. With
 * `last` (the bundle's last real measurement and its counts then), the
 * measured figures moved by what changed since, priced with COST: a
 * calibration per bundle, since the fit alone misses by up to a third on
 * small bundles. Without it, the fit.
 */
export function estimateBlocks(c, last) {
  if (last) {
    const d =
      COST.perFunction * (c.functions - last.functions) + COST.perParam * (c.params - last.params) + COST.perSlot * (c.slots - last.slots);
    return { storage: Math.round(last.storage + d), ram: Math.round(last.ram + d + (c.bytes - last.bytes) * COST.ramPerByte) };
  }
  const storage = Math.round(
    COST.base +
      COST.perFunction * c.functions +
      COST.perParam * c.params +
      COST.perSlot * c.slots +
      COST.perLongName * c.longNames +
      COST.perStringBlock * c.stringBlocks,
  );
  return { storage, ram: Math.round(storage + c.bytes * COST.ramPerByte) };
}

/** size-limit's verdict on .size-limit.json: { [name]: { size, passed } }. */
function sizeLimit() {
  const r = spawnSync(process.execPath, [join(ROOT, "node_modules/size-limit/bin.js"), "--json"], { cwd: ROOT, encoding: "utf8" });
  let rows;
  try {
    rows = JSON.parse(r.stdout);
  } catch {
    throw new Error("size-limit failed:\n" + r.stdout + r.stderr);
  }
  const out = {};
  for (const row of rows) out[row.name] = { size: row.size, passed: row.passed };
  return out;
}

async function main() {
  const args = process.argv.slice(2);
  const json = args.includes("--json"),
    speed = args.includes("--speed"),
    write = args.includes("--write"),
    floor = args.includes("--floor");
  const bad = args.filter((a) => a !== "--json" && a !== "--speed" && a !== "--write" && a !== "--floor");
  if (bad.length) {
    console.error("size: unknown argument " + bad[0] + " (usage: node scripts/size.mjs [--json] [--speed] [--write] [--floor])");
    return 2;
  }
  if (floor && !process.env.ESPRUINO) {
    console.error(
      "size: --floor measures the public surface on the interpreter: it needs ESPRUINO=/path/to/espruino (the Linux build; docs/ENGINES.md)",
    );
    return 2;
  }
  if (write && !process.env.ESPRUINO) {
    console.error("size: --write records a real measurement: it needs ESPRUINO=/path/to/espruino (the Linux build; docs/ENGINES.md)");
    return 2;
  }
  const lastRun = existsSync(MEASURED) ? JSON.parse(readFileSync(MEASURED, "utf8")) : { bundles: {} };
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
    for (const b of BOARD_BUNDLES)
      inputs[b.file] = b.file === "ramkit-debug.min.js" ? { text: texts[b.file], base: texts["ramkit.min.js"] } : texts[b.file];
    // The surface is read from the unminified build, where private members keep their `_` names.
    if (floor)
      for (const b of BOARD_BUNDLES)
        if (b.file !== "ramkit-debug.min.js")
          inputs[b.file + " floor"] = surfaceStub(
            bundleExports(readFileSync(join(ROOT, "dist", b.file.replace(".min.js", ".js")), "utf8")),
          ).text;
    real = measureFootprint(espruino, inputs);
  }
  const rows = [];
  let failed = 0;
  for (const b of BOARD_BUNDLES) {
    const c = countBundle(texts[b.file]),
      est = estimateBlocks(c, lastRun.bundles[b.file]),
      got = real ? real.bundles[b.file] : est;
    const lim = limits[b.file] || { size: c.bytes, passed: true };
    const over = [];
    if (!lim.passed) over.push("bytes");
    if (b.storageBudget !== undefined && got.storage > b.storageBudget) over.push("Storage blocks");
    if (b.ramBudget !== undefined && got.ram > b.ramBudget) over.push("RAM blocks");
    if (over.length) failed++;
    rows.push({
      bundle: b.file,
      ...c,
      estimate: est,
      measured: real ? got : null,
      floor: floor && real.bundles[b.file + " floor"] ? real.bundles[b.file + " floor"].storage : null,
      // the floor measured now, or at the last --write --floor
      apiFloor: floor && real.bundles[b.file + " floor"] ? real.bundles[b.file + " floor"].storage : lastRun.bundles[b.file]?.floor,
      goal: b.goal,
      storageBudget: b.storageBudget,
      ramBudget: b.ramBudget,
      over,
    });
  }
  if (write) {
    const out = { espruino: real.version, date: new Date().toISOString().slice(0, 10), bundles: {} };
    for (const r of rows) {
      out.bundles[r.bundle] = {
        storage: r.measured.storage,
        ram: r.measured.ram,
        bytes: r.bytes,
        functions: r.functions,
        params: r.params,
        slots: r.slots,
        ...(r.floor === null ? {} : { floor: r.floor }),
      };
    }
    writeFileSync(MEASURED, JSON.stringify(out, null, 2) + "\n");
  }
  let speedRows = null;
  if (speed) {
    if (!espruino) {
      console.error("size: --speed needs ESPRUINO=/path/to/espruino (the Linux build; docs/ENGINES.md)");
      return 2;
    }
    speedRows = measureSpeed(espruino, texts["ramkit.min.js"], 1, 3, texts["ramkit-extras.min.js"]);
  }
  if (json) {
    console.log(JSON.stringify({ date: new Date().toISOString(), espruino: real ? real.version : null, rows, speed: speedRows }, null, 2));
  } else {
    const kind = real
      ? "measured on Espruino " + real.version
      : lastRun.date
        ? "estimated from Espruino " + lastRun.espruino + " on " + lastRun.date + " (set ESPRUINO to measure)"
        : "estimated (set ESPRUINO to measure)";
    console.log(
      "bundle".padEnd(28) +
        "bytes".padStart(8) +
        "  fns params slots   Storage blocks   RAM blocks" +
        (floor ? "   floor" : "") +
        "   (" +
        kind +
        ")",
    );
    for (const r of rows) {
      const got = r.measured || r.estimate;
      const budget = (v, b) => (String(v) + (b === undefined ? "" : " / " + b)).padStart(14);
      const goal =
        r.goal && (r.goal.storage !== r.storageBudget || (r.goal.ram !== undefined && r.goal.ram !== r.ramBudget))
          ? "   (goal " +
            r.goal.storage +
            (r.goal.ram ? " / " + r.goal.ram : "") +
            (r.apiFloor > r.goal.storage ? ": below its API's floor, " + r.apiFloor + ")" : ": not yet)")
          : "";
      console.log(
        r.bundle.padEnd(28) +
          String(r.bytes).padStart(8) +
          String(r.functions).padStart(5) +
          String(r.params).padStart(7) +
          String(r.slots).padStart(6) +
          budget(got.storage, r.storageBudget) +
          " " +
          budget(got.ram, r.ramBudget) +
          (floor ? (r.floor === null ? "" : String(r.floor)).padStart(8) : "") +
          goal +
          (r.over.length ? "   OVER: " + r.over.join(", ") : ""),
      );
    }
    if (speedRows) {
      console.log(
        "\nalloc+free pairs/s on Espruino (ramkit.min.js uploaded to RAM), and the ratio to CK (a free list that checks its frees):",
      );
      for (const pat of ["lifo", "fifo"]) {
        const ck = speedRows["CK/" + pat];
        for (const id of ["FL", "CK", "MemBlocks", "Onesize"]) {
          const v = speedRows[id + "/" + pat];
          console.log("  " + (id + " " + pat).padEnd(16) + String(v).padStart(9) + "   " + (v / ck).toFixed(2) + "x CK");
        }
      }
    }
    if (floor)
      console.log(
        "\nfloor: blocks from Storage of the bundle's public surface alone (exported functions, public methods and statics with their parameters,\nexported values; one-statement bodies): no implementation of that API costs less.",
      );
    console.log(failed ? "size: " + failed + " bundle(s) over budget" : "size: every bundle within budget");
  }
  return failed ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main();

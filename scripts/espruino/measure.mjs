// Measures what the board bundles cost on a real Espruino interpreter (the
// Linux build, made outside this repository as docs/ENGINES.md says): RAM
// blocks as `process.memory().usage` counts them, after `require` from
// Storage and after an upload to RAM through `Modules.addCached`, an empty
// module's cost subtracted; and alloc+free pairs per second of MemBlocks and
// Onesize against two hand-written free lists run in the same interpreter.
//
//   measureFootprint(espruino, bundles) -> { [bundle]: { storage, ram } }
//   measureSpeed(espruino, { memblocks, onesize, seconds }) -> rows
//
// Each figure comes from a fresh interpreter run in a scratch directory (the
// Storage figure from a second run over the flash file the first one wrote),
// so that nothing of one measurement stays in the next.
import { mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { tmpdir } from "node:os";

/** Run `script` (text) with the interpreter in `dir`; the lines it printed that start with RESULT, as [key, value]. */
function run(espruino, dir, name, script, timeoutMs) {
  const file = join(dir, name);
  writeFileSync(file, script);
  const r = spawnSync(espruino, [file], { cwd: dir, input: "", encoding: "utf8", timeout: timeoutMs || 120000 });
  const out = (r.stdout || "").replace(/\r/g, "");
  if (r.status !== 0 || /Uncaught|ERROR/.test(out)) {
    throw new Error(
      "espruino " +
        name +
        " failed (exit " +
        r.status +
        "):\n" +
        out
          .split("\n")
          .filter((l) => /Uncaught|ERROR|at line/.test(l))
          .slice(0, 8)
          .join("\n"),
    );
  }
  const res = {};
  for (const m of out.matchAll(/^RESULT (\S+) (.*)$/gm)) res[m[1]] = m[2];
  return res;
}

/** Blocks in use after a garbage collection, read before and after `body`; prints RESULT key blocks. */
const measured = (key, body) =>
  `var before, after, rk;\nprocess.memory(); before = process.memory().usage;\n${body}\nafter = process.memory().usage;\nprint("RESULT ${key} " + (after - before));\n`;

/**
 * Storage and RAM install cost of one module text, in blocks, without the
 * empty module's cost. With `base` (the text of module "ramkit"), `text` is
 * an add-on installed as "ramkit-debug" that requires "ramkit": both are
 * loaded, and the cost of "ramkit" alone is subtracted by the caller.
 */
function installCost(espruino, dir, text, base) {
  const flash = join(dir, "espruino.flash");
  if (existsSync(flash)) rmSync(flash);
  const name = base === undefined ? "ramkit" : "ramkit-debug";
  const write =
    (base === undefined ? "" : `require("Storage").write("ramkit", ${JSON.stringify(base)});\n`) +
    `require("Storage").write(${JSON.stringify(name)}, ${JSON.stringify(text)});\n`;
  run(espruino, dir, "write.js", write);
  const storage = Number(run(espruino, dir, "load.js", measured("storage", `rk = require(${JSON.stringify(name)});`)).storage);
  rmSync(flash);
  const cache = (n, t) => `Modules.addCached(${JSON.stringify(n)}, function () {\n${t}\n});\n`;
  const ram = Number(
    run(
      espruino,
      dir,
      "ram.js",
      measured("ram", (base === undefined ? "" : cache("ramkit", base)) + cache(name, text) + `rk = require(${JSON.stringify(name)});`),
    ).ram,
  );
  return { storage, ram };
}

/**
 * Blocks each bundle costs: `bundles` maps a name to its text, or to
 * { text, base } for an add-on that requires module "ramkit" (`base`, whose
 * own cost is then subtracted). Returns { name: { storage, ram } } with the
 * empty module's cost subtracted, and the interpreter's version.
 */
export function measureFootprint(espruino, bundles) {
  const dir = mkdtempSync(join(tmpdir(), "ramkit-espruino-"));
  try {
    const empty = installCost(espruino, dir, ";"); // an empty function body fails Modules.addCached
    const version = run(espruino, dir, "v.js", `print("RESULT version " + process.version);\n`).version;
    const out = {};
    for (const name of Object.keys(bundles)) {
      const b = bundles[name];
      if (typeof b === "string") {
        const c = installCost(espruino, dir, b);
        out[name] = { storage: c.storage - empty.storage, ram: c.ram - empty.ram };
      } else {
        const both = installCost(espruino, dir, b.text, b.base),
          alone = installCost(espruino, dir, b.base);
        out[name] = { storage: both.storage - alone.storage, ram: both.ram - alone.ram };
      }
    }
    return { version, bundles: out };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- speed

// The yardsticks, written for this measurement: FL, an intrusive free list
// with short names (the fastest a pool can be in the interpreter), and CK,
// the same plus a used-bit map so that out-of-range, misaligned, double and
// foreign frees are refused (what a safe pool must at least do; the bench's
// flist+ck).
const YARDSTICKS = `var NB = 256, BS = 32, RB = 0x20000000;
function FL(n) {
  this.w = new Int32Array((BS + n * BS) >> 2); this.h = 0;
  for (var i = n - 1; i >= 0; i--) { var a = BS + i * BS; this.w[a >> 2] = this.h; this.h = a; }
}
FL.prototype.a = function () { var a = this.h; if (a) this.h = this.w[a >> 2]; return a; };
FL.prototype.f = function (a) { this.w[a >> 2] = this.h; this.h = a; };
function CK(n) {
  this.w = new Int32Array((BS + n * BS) >> 2); this.u = new Int32Array((n + 31) >> 5);
  this.b = BS; this.n = n; this.sh = 5; this.m = BS - 1; this.h = 0; this.errors = 0;
  for (var i = n - 1; i >= 0; i--) { var a = BS + i * BS; this.w[a >> 2] = this.h; this.h = a; }
}
CK.prototype.alloc = function (size) {
  var a = this.h, i;
  if (a === 0) return 0;
  this.h = this.w[a >> 2]; i = (a - this.b) >> this.sh; this.u[i >> 5] |= 1 << (i & 31);
  return a;
};
CK.prototype.free = function (a) {
  var o = a - this.b, i = o >> this.sh, m = 1 << (i & 31);
  if (o < 0 || i >= this.n || (o & this.m) !== 0 || (this.u[i >> 5] & m) === 0) { this.errors++; return; }
  this.u[i >> 5] &= ~m; this.w[a >> 2] = this.h; this.h = a;
};
`;

/**
 * Cases: [id, alloc expression, free statement of `a`, construction]. The
 * drivers are text-identical apart from these, so only the pools differ.
 */
export const SPEED_CASES = [
  ["FL", "p.a()", "p.f(a)", "new FL(NB)"],
  ["CK", "p.alloc(32)", "p.free(a)", "new CK(NB)"],
  ["MemBlocks", "p.allocBlock()", "p.freeBlock(a)", "new rk.MemBlocks(new AM(RB, NB * BS), { base: RB, size: NB * BS, blockSize: BS })"],
  ["Onesize", "p.allocate(32)", "p.free(a)", "new rk.Onesize(new AM(RB, NB * BS), { base: RB, size: NB * BS, blockSize: BS })"],
];

function speedScript(loader, seconds, rounds) {
  let s = loader + "\n" + YARDSTICKS;
  for (const [id, al, fr, make] of SPEED_CASES) {
    s += `function lifo_${id}(p, n) { var a, i; for (i = 0; i < n; i++) { a = ${al}; ${fr}; } }
function fifo_${id}(p, n, r) { var a, b, i, k = 0; for (i = 0; i < n; i++) { b = ${al}; a = r[k]; ${fr}; r[k] = b; k = (k + 1) & 15; } }
function make_${id}() { return ${make}; }
`;
  }
  s += `var cases = [], T = ${seconds}, R = ${rounds};
function add(id, pat, f) { cases.push({ id: id, pat: pat, f: f, n: 64, rates: [] }); }
`;
  for (const [id, al] of SPEED_CASES) {
    s += `(function () { var p = make_${id}(), r = new Int32Array(16), k; for (k = 0; k < 16; k++) r[k] = ${al};
  add("${id}", "lifo", function (n) { lifo_${id}(p, n); });
  add("${id}", "fifo", function (n) { fifo_${id}(p, n, r); }); })();
`;
  }
  s += `function timed(c, n) { var t0 = getTime(); c.f(n); return getTime() - t0; }
var ci, c, dt;
for (ci = 0; ci < cases.length; ci++) { c = cases[ci]; for (;;) { dt = timed(c, c.n); if (dt >= 0.2) break; c.n *= 2; } c.n = Math.max(1, Math.round(c.n * T / dt)); }
for (var r = 0; r < R; r++) for (ci = 0; ci < cases.length; ci++) { c = cases[ci]; c.rates.push(c.n / timed(c, c.n)); }
for (ci = 0; ci < cases.length; ci++) { c = cases[ci]; c.rates.sort(function (x, y) { return x - y; }); print("RESULT " + c.id + "/" + c.pat + " " + Math.round(c.rates[c.rates.length >> 1])); }
`;
  return s;
}

/**
 * Alloc+free pairs per second (median of `rounds` interleaved rounds of
 * about `seconds` each) for every case, LIFO and through a FIFO ring of 16,
 * with `bundleText` uploaded to RAM as module "ramkit" (speed from Storage on
 * the Linux build says nothing about a board: it reads flash from a file),
 * and, when that bundle has no ArrayMemory (the board bundles), the memory
 * port from `extrasText` (dist/ramkit-extras.min.js) uploaded as
 * "ramkit-extras". Returns { "MemBlocks/lifo": pairsPerSecond, … }.
 */
export function measureSpeed(espruino, bundleText, seconds, rounds, extrasText) {
  const dir = mkdtempSync(join(tmpdir(), "ramkit-espruino-"));
  try {
    const cache = (n, t) => `Modules.addCached(${JSON.stringify(n)}, function () {\n${t}\n});\n`;
    const loader =
      "var rk, AM;\n" +
      cache("ramkit", bundleText) +
      (extrasText ? cache("ramkit-extras", extrasText) : "") +
      'rk = require("ramkit");\nAM = rk.ArrayMemory' +
      (extrasText ? ' || require("ramkit-extras").ArrayMemory' : "") +
      ";";
    const res = run(espruino, dir, "speed.js", speedScript(loader, seconds || 1, rounds || 3), 600000);
    const out = {};
    for (const k of Object.keys(res)) out[k] = Number(res[k]);
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text of a file, for callers that measure dist/ bundles. */
export const readText = (file) => readFileSync(file, "utf8");

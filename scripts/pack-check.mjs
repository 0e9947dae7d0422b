#!/usr/bin/env node
// The package as a user gets it (npm run test:pack, a stage of npm test):
// `npm pack`, install the tarball into a scratch project in a temporary
// directory, compile TypeScript that imports "ramkit", "ramkit/debug" and
// "ramkit/sim" with `strict` on (the published declarations must be
// enough, and must not show internals), then run it under Node.
//
//   node scripts/pack-check.mjs [--keep]     (--keep: leave the scratch project and print where)
//
// Needs a build (npm run build); needs no registry. Prints one PASS/FAIL
// line per check and exits 1 on any failure.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync, mkdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");

/** Files the tarball must hold, and patterns it must not. */
const MUST = [
  "package.json",
  "dist/package.json",
  "dist/ramkit.js",
  "dist/ramkit.min.js",
  "dist/ramkit.d.ts",
  "dist/ramkit-debug.js",
  "dist/ramkit-debug.min.js",
  "dist/ramkit-debug.d.ts",
  "dist/ramkit-extras.js",
  "dist/ramkit-extras.d.ts",
  "dist/ramkit-node.js",
  "dist/ramkit-memblocks.min.js",
  "dist/node/package.json",
  "dist/node/sim/index.js",
  "dist/node/sim/index.d.ts",
  "boards/board.schema.json",
  "boards/BANGLEJS2.json",
  "scripts/ramkit.mjs",
];
const MUST_NOT = [/^src\//, /^test\//, /^sim\//, /^dist\/conformance/, /^dist\/api\//, /^node_modules\//, /\.tgz$/];

// The user's code: ESM TypeScript against the four entry points.
const USER_TS = `import { MemBlocks, GranularHeap, StatePower, EINVAL, VERSION, makeError, type Allocator, type AllocStats, type Watcher, type Memory } from "ramkit";
import { installDebug, VERSION as DEBUG_VERSION } from "ramkit/debug";
import { ArrayMemory } from "ramkit/extras";
import { SimMcu, loadBoard, listBoards, type Board } from "ramkit/sim";

const mem: Memory = new ArrayMemory(0x20000000, 0x4000);
const blocks: Allocator = new MemBlocks(mem, { base: 0x20000000, size: 0x1000, blockSize: 32 });
const heap = new GranularHeap(mem, { base: 0x20001000, size: 0x1000 });
const seen: number[] = [];
const w: Watcher = { onAlloc: (a, b) => { seen.push(b); }, onFree: () => {} };
blocks.watch(w);
const p: number = blocks.allocate(10);
const s: AllocStats = blocks.stats();
const bad: number = heap.allocate(0);
const checked: string | null = heap.validate();    // the add-on's members are typed, and present on Node
const power = new StatePower([{ name: "S0", base: 0x20000000, size: 0x4000, gateable: true }]);
// @ts-expect-error internals are not in the published types
void new ArrayMemory(0x20000000, 16)._b;
const board: Board = loadBoard("BANGLEJS2");
const mcu = new SimMcu(board);
const onSim = new GranularHeap(mcu, { base: board.ram.base + board.ram.size - 0x1000, size: 0x1000 });
const q = onSim.allocate(100);
console.log(JSON.stringify({
  version: VERSION, debugVersion: DEBUG_VERSION, p: p > 0, used: s.used, seen, bad, lastError: heap.lastError === -EINVAL,
  checked, sections: power.sectionCount(), boards: listBoards().includes("BANGLEJS2"), q: q > 0, onSim: onSim.validate(),
  installDebug: typeof installDebug, err: makeError("EINVAL", "x").code,
}));
`;

// The same from CommonJS TypeScript (import = require).
const USER_CTS = `import rk = require("ramkit");
import debug = require("ramkit/debug");
import extras = require("ramkit/extras");
const m = new extras.ArrayMemory(0x20000000, 256);
const o = new rk.Onesize(m, { base: 0x20000000, size: 256, blockSize: 32 });
console.log(JSON.stringify({ cjs: o.allocate(4) > 0, validate: o.validate(), debug: typeof debug.installDebug }));
`;

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    noEmit: false,
    outDir: "out",
    skipLibCheck: false,
    types: ["node"],
    typeRoots: [join(ROOT, "node_modules/@types")],
  },
  include: ["user.ts", "user-cjs.cts"],
};

function run(cmd, args, cwd) {
  return spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    timeout: 120000,
    maxBuffer: 64 << 20,
    env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" },
  });
}

function main(argv) {
  const keep = argv.includes("--keep");
  let failed = 0;
  const result = (ok, what, detail) => {
    console.log((ok ? "PASS " : "FAIL ") + what);
    if (!ok) {
      failed++;
      if (detail) console.log("    " + String(detail).trim().split("\n").slice(0, 30).join("\n    "));
    }
    return ok;
  };
  if (!existsSync(join(ROOT, "dist/ramkit.d.ts")) || !existsSync(join(ROOT, "dist/node/sim/index.js"))) {
    console.error("pack-check: the build is missing (dist/ramkit.d.ts, dist/node/sim/index.js): run `npm run build` first");
    return 1;
  }
  const dir = mkdtempSync(join(tmpdir(), "ramkit-pack-"));
  try {
    const packDir = join(dir, "pack");
    mkdirSync(packDir);
    const pack = run("npm", ["pack", "--json", "--pack-destination", packDir], ROOT);
    if (!result(pack.status === 0, "npm pack", pack.stderr)) return 1;
    const info = JSON.parse(pack.stdout)[0];
    const files = info.files.map((f) => f.path);
    const missing = MUST.filter((f) => !files.includes(f));
    result(
      missing.length === 0,
      "the tarball holds the bundles, their declarations, the Node build and the boards (" + files.length + " files)",
      "missing: " + missing.join(", "),
    );
    const extra = files.filter((f) => MUST_NOT.some((re) => re.test(f)));
    result(
      extra.length === 0,
      "the tarball holds no sources, tests or generated test scripts",
      "unexpected: " + extra.slice(0, 20).join(", "),
    );

    // The scratch project. Its node_modules/ramkit is the tarball's contents,
    // as npm would place it; ramkit's own dependencies (those of ramkit/sim)
    // resolve from a node_modules one directory up, linked to this
    // repository's, so that no registry is needed. That every package the
    // shipped code imports is a declared dependency is checked here instead.
    const app = join(dir, "app");
    mkdirSync(join(app, "node_modules/ramkit"), { recursive: true });
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify(
        { name: "ramkit-pack-check", private: true, type: "module", dependencies: { ramkit: "file:" + info.filename } },
        null,
        2,
      ),
    );
    const untar = run("tar", ["-xzf", join(packDir, info.filename), "-C", join(app, "node_modules/ramkit"), "--strip-components=1"], app);
    if (!result(untar.status === 0, "install the tarball into a scratch project", untar.stderr)) return 1;
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    const imported = new Set();
    for (const f of files.filter((x) => x.startsWith("dist/node/") && x.endsWith(".js"))) {
      for (const m of readFileSync(join(app, "node_modules/ramkit", f), "utf8").matchAll(
        /^\s*(?:import|export)\b[^;]*?from\s+"([^".][^"]*)"|^\s*import\s+"([^".][^"]*)"/gm,
      )) {
        const spec = m[1] || m[2];
        if (spec.startsWith("node:")) continue;
        imported.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);
      }
    }
    const undeclared = [...imported].filter((d) => !(pkg.dependencies && pkg.dependencies[d]));
    result(
      undeclared.length === 0,
      "every package the Node build imports is a dependency (" + [...imported].sort().join(", ") + ")",
      "not in dependencies: " + undeclared.join(", "),
    );

    writeFileSync(join(app, "user.ts"), USER_TS);
    writeFileSync(join(app, "user-cjs.cts"), USER_CTS);
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));
    const tsc = run(process.execPath, [TSC, "-p", "."], app);
    if (
      !result(
        tsc.status === 0,
        "tsc --strict: ESM and CommonJS code against ramkit, ramkit/debug, ramkit/extras and ramkit/sim",
        tsc.stdout + tsc.stderr,
      )
    )
      return 1;

    const esm = run(process.execPath, ["out/user.js"], app);
    let got = null;
    try {
      got = JSON.parse(esm.stdout);
    } catch {
      /* reported below */
    }
    result(
      esm.status === 0 &&
        got !== null &&
        got.p &&
        got.used === 32 &&
        got.seen.join() === "32" &&
        got.bad === 0 &&
        got.lastError &&
        got.checked === null &&
        got.sections === 1 &&
        got.boards &&
        got.q &&
        got.onSim === null &&
        got.installDebug === "function" &&
        got.err === "EINVAL" &&
        got.version === got.debugVersion,
      "ESM: the host build (add-on installed), the add-on and the simulator work from the installed package",
      esm.stdout + esm.stderr,
    );
    const cjs = run(process.execPath, ["out/user-cjs.cjs"], app);
    let c = null;
    try {
      c = JSON.parse(cjs.stdout);
    } catch {
      /* reported below */
    }
    result(
      cjs.status === 0 && c !== null && c.cjs && c.validate === null && c.debug === "function",
      'CommonJS: require("ramkit"), require("ramkit/debug") and require("ramkit/extras")',
      cjs.stdout + cjs.stderr,
    );
    const bin = run(process.execPath, [join(app, "node_modules/ramkit", pkg.bin.ramkit), "boards", "list"], app);
    result(bin.status === 0 && /BANGLEJS2/.test(bin.stdout), "the ramkit bin lists the boards", bin.stdout + bin.stderr);
  } finally {
    if (keep) console.log("scratch project kept in " + dir);
    else rmSync(dir, { recursive: true, force: true });
  }
  console.log("pack-check: " + (failed ? failed + " check(s) failed" : "ok"));
  return failed ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));

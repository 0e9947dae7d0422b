// `npm run flash` (scripts/flash.mjs): the upload it builds, run through the
// real espruino CLI offline for every board (a preload fails and logs any
// network access), and the PUCKJS upload files run on the Espruino
// interpreter when one is at hand.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadBoard } from "../sim/boards.js";
import {
  asciiOnly,
  boardData,
  boardModuleSource,
  boardNames,
  cliArgs,
  cliBoardJson,
  extractTrace,
  isBluetoothAddress,
  moduleText,
  uploadSource,
  FIRMWARE_MODULES,
  UPLOAD_MODULES,
} from "../scripts/flash/upload.mjs";
import { espruinoBinary, runEspruino, NO_ESPRUINO } from "./flash-espruino.js";
import { checkSource, formatFinding } from "../scripts/check-bundle.mjs";

const ROOT = resolve(".");
const FLASH = join(ROOT, "scripts", "flash.mjs");
const OFFLINE = join(ROOT, "test", "flash-offline.cjs");
const built =
  existsSync("dist/ramkit.min.js") &&
  existsSync("dist/ramkit-debug.min.js") &&
  existsSync("dist/node/sim/boards.js") &&
  existsSync("node_modules/.bin/espruino");
const SKIP = "  (skipped: run `npm run build` first)";
const APP = [
  'var rk = require("ramkit");',
  'var board = require("ramkit-board");',
  "var p = rk.nrf52Power(board, { softDevice: false });",
  "var open = [];",
  "for (var i = 0; i < p.sectionCount(); i++) if (p.gateable(i)) open.push(p.sectionName(i));",
  'print("ramkit " + rk.VERSION + " on " + board.name + ": gateable " + open.join(","));',
  // Why, when a run finds no section it may gate (the assertion then shows it).
  "if (!open.length) print(JSON.stringify(p.reasons));",
  "",
].join("\n");

interface Run {
  status: number | null;
  out: string;
  netLog: string;
}

/** Whether every character of `s` is ASCII below DEL. */
function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7e) return false;
  return true;
}

/** Run the flash tool with `args` in a scratch directory, with the network blocked and logged. */
function flash(args: string[], dir: string): Promise<Run> {
  const netLog = join(dir, "net-" + Math.random().toString(36).slice(2) + ".log");
  return new Promise((done) => {
    const child = spawn(process.execPath, [FLASH].concat(args), {
      cwd: dir,
      env: Object.assign({}, process.env, { NODE_OPTIONS: "--require " + OFFLINE, RAMKIT_NET_LOG: netLog }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    child.on("close", (status) => done({ status, out, netLog: existsSync(netLog) ? readFileSync(netLog, "utf8") : "" }));
  });
}

/** The bytes an upload file writes to Storage file `name`, reassembled by offset, and the declared size. */
function storedFile(upload: string, name: string): { bytes: Buffer; declared: number } | null {
  const re = new RegExp(
    'require\\("Storage"\\)\\.write\\(' +
      JSON.stringify(name).replace(/[-.*+?^${}()|[\]\\]/g, "\\$&") +
      ',atob\\("([A-Za-z0-9+/=]*)"\\),(\\d+)(?:,(\\d+))?\\)',
    "g",
  );
  const parts: [number, Buffer][] = [];
  let declared = -1,
    m;
  while ((m = re.exec(upload)) !== null) {
    parts.push([Number(m[2]), Buffer.from(m[1], "base64")]);
    if (m[3] !== undefined) declared = Number(m[3]);
  }
  if (parts.length === 0) return null;
  const out = Buffer.alloc(Math.max(...parts.map(([o, b]) => o + b.length)));
  for (const [o, b] of parts) b.copy(out, o);
  return { bytes: out, declared };
}

/** The module a RAM upload caches under `name`, evaluated: its exports. */
function cachedExports(upload: string, name: string): any {
  const cached: Record<string, () => void> = {};
  const modules: Record<string, any> = {};
  const require = (n: string) => {
    if (!(n in modules)) {
      const module = { exports: {} as any };
      (cached[n] as any)(module, module.exports);
      modules[n] = module.exports;
    }
    return modules[n];
  };
  const Modules = {
    addCached: (n: string, f: any) => {
      cached[n] = ((module: any, exports: any) => {
        new Function("module", "exports", "require", "(" + f.toString() + ")()")(module, exports, require);
      }) as any;
    },
  };
  const start = upload.indexOf("Modules.addCached(" + JSON.stringify(name));
  const end = upload.indexOf("\n});", start) + 4;
  new Function("Modules", upload.slice(start, end))(Modules);
  return require(name);
}

// ---- the pieces, in process ---------------------------------------------------------

test("Bluetooth addresses keep Bluetooth on; every other port gets --no-ble", () => {
  assert.ok(isBluetoothAddress("aa:bb:cc:dd:ee:ff"));
  assert.ok(isBluetoothAddress("C7:12:0A:FF:00:31"));
  for (const p of [null, "/dev/ttyACM0", "tcp://127.0.0.1:2323", "aa:bb:cc:dd:ee", "aa:bb:cc:dd:ee:fg", "Puck.js 1a2b"])
    assert.not.ok(isBluetoothAddress(p));
  const base = { source: "s.js", boardJson: "B.board.json" };
  assert.equal(cliArgs({ ...base, out: "o.js" }), [
    "--no-ble",
    "--board",
    "B.board.json",
    "--config",
    "MODULE_URL=",
    "--config",
    "BOARD_JSON_URL=",
    "-n",
    "-o",
    "o.js",
    "s.js",
  ]);
  assert.equal(cliArgs({ ...base, port: "/dev/ttyACM0", sleep: 5 }).slice(-5), ["-p", "/dev/ttyACM0", "--sleep", "5", "s.js"]);
  assert.equal(cliArgs({ ...base, port: "aa:bb:cc:dd:ee:ff" })[0], "--board");
  assert.equal(
    cliArgs({
      ...base,
      port: "tcp://127.0.0.1:2323",
      storage: [
        ["ramkit", "dist/ramkit.min.js"],
        ["ramkit-board", "/tmp/b.js"],
      ],
    }).slice(0, 1),
    ["--no-ble"],
  );
  assert.equal(cliArgs({ ...base, port: "x", storage: [["ramkit", "a.js"]] }).slice(-3), ["--storage", "ramkit:a.js", "s.js"]);
});

test("modules: Modules.addCached(name, function(){…}), ASCII only, closed on its own line (a trailing // comment stays a comment)", () => {
  assert.is(
    moduleText("ramkit", '  exports.a = "→ x"; // done\n\n'),
    'Modules.addCached("ramkit",function(){exports.a = "\\u2192 x"; // done\n});',
  );
  assert.is(asciiOnly("a\u00e9b\u2264c\n\t"), "a\\u00e9b\\u2264c\n\t");
  const src = uploadSource({ bundle: "exports.v=1;", boardModule: "module.exports={};", addon: "exports.d=2;", app: "print(1);\n\n" });
  assert.is(
    src,
    'Modules.addCached("ramkit",function(){exports.v=1;\n});\nModules.addCached("ramkit-board",function(){module.exports={};\n});\nModules.addCached("ramkit-debug",function(){exports.d=2;\n});\nprint(1);\n',
  );
  assert.is(uploadSource({ bundle: "x", boardModule: "y", storage: true, app: "print(2);" }), "print(2);\n");
  assert.is(uploadSource({ bundle: "x", boardModule: "y", storage: true }), "\n");
});

test("the board module: numbers, banks with registers and sections, reserved ranges and regions; the CLI board JSON lists the modules", () => {
  const b = loadBoard("PUCKJS"),
    d = boardData(b);
  assert.equal(
    [d.name, d.title, d.chip, d.ramPower, d.ram],
    ["PUCKJS", "Puck.js", "nRF52832", "nrf52-ram-power", { base: 0x20000000, size: 65536 }],
  );
  assert.is(d.banks.length, 8);
  assert.equal(d.banks[6], {
    name: "RAM6",
    powerRegister: 0x40000960,
    sections: [
      { name: "RAM6.S0", base: 0x2000c000, size: 4096, gateable: true },
      { name: "RAM6.S1", base: 0x2000d000, size: 4096, gateable: true },
    ],
  });
  assert.equal(
    d.reserved.map((r) => [r.kind, r.base, r.size]),
    b.reserved.map((r) => [r.kind, r.base, r.size]),
  );
  assert.equal(d.regions, [{ name: "shared", base: 0x2000c000, size: 4096 }]);
  const m = { exports: null as any };
  new Function("module", boardModuleSource(b))(m);
  assert.equal(m.exports, d);
  assert.ok(isAscii(boardModuleSource(loadBoard("BANGLEJS2"))));
  assert.not.ok("powerRegister" in boardData(loadBoard("PICO_R1_3")).banks[0]);
  const j = cliBoardJson(b);
  assert.equal(j.info.builtin_modules, FIRMWARE_MODULES.concat(UPLOAD_MODULES));
  assert.equal(UPLOAD_MODULES, ["ramkit", "ramkit-board", "ramkit-debug"]);
  assert.is(j.info.name, "Puck.js");
});

test("extractTrace: the last header and the event lines after it, from the CLI's prefixed CR LF output", () => {
  const out = [
    "Espruino Command-line Tool 0.1.67",
    '--] {"ramkit-trace":1,"board":"OLD"}',
    '--] {"t":0,"op":"alloc","id":1,"size":8}',
    '--] {"ramkit-trace":1,"board":"PUCKJS"}\r',
    "--] logger: 8 samples\r",
    '--] {"t":0.5,"op":"alloc","id":1,"size":64}\r',
    '{"t":1,"op":"free","id":1}',
    "--] >",
  ].join("\n");
  assert.is(
    extractTrace(out),
    '{"ramkit-trace":1,"board":"PUCKJS"}\n{"t":0.5,"op":"alloc","id":1,"size":64}\n{"t":1,"op":"free","id":1}\n',
  );
  assert.is(extractTrace("no trace here\n>"), null);
});

// ---- through the real CLI, offline --------------------------------------------------

test("every board: a dry run through the real espruino CLI, offline, writes the upload file (bundle, board module, app)", async () => {
  if (!built) {
    console.log(SKIP);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "ramkit-flash-"));
  try {
    writeFileSync(join(dir, "app.js"), APP);
    const names = boardNames();
    assert.equal(names, ["BANGLEJS2", "ESPRUINOBOARD", "ESPRUINOWIFI", "JOLTJS", "MDBT42Q", "PICO_R1_3", "PIXLJS", "PUCKJS", "STM32L476"]);
    const bundle = readFileSync("dist/ramkit.min.js", "utf8");
    const runs = await Promise.all(
      names.map((n) => flash(["--board", n.toLowerCase(), "--dry-run", "--no-build", "--app", "app.js", "--out-dir", "up"], dir)),
    );
    names.forEach((name, i) => {
      const r = runs[i];
      assert.is(r.status, 0, name + ": " + r.out);
      assert.is(r.netLog, "", name + ": the dry run reached for the network");
      assert.not.match(r.out, /not found/i, name + ": the CLI looked a module up");
      const upload = readFileSync(join(dir, "up", name + ".js"), "latin1");
      assert.ok(upload.startsWith('Modules.addCached("ramkit",function(){'), name);
      assert.ok(upload.includes(asciiOnly(bundle.trim())), name + ": the bundle is in the upload as built");
      assert.ok(isAscii(upload), name + ": ASCII only");
      assert.equal(cachedExports(upload, "ramkit-board"), boardData(loadBoard(name)), name + ": the board module");
      assert.ok(upload.trimEnd().endsWith(APP.trimEnd()), name + ": the app comes last");
      const boardJson = JSON.parse(readFileSync(join(dir, "up", name + ".board.json"), "utf8"));
      assert.equal(boardJson, cliBoardJson(loadBoard(name)));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--storage: the bundle, the board module and the add-on go to Storage files through the CLI, then the app", async () => {
  if (!built) {
    console.log(SKIP);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "ramkit-flash-"));
  try {
    writeFileSync(join(dir, "app.js"), APP);
    const r = await flash(
      ["--board", "PUCKJS", "--storage", "--debug", "--dry-run", "--no-build", "--app", "app.js", "--out-dir", "up"],
      dir,
    );
    assert.is(r.status, 0, r.out);
    assert.is(r.netLog, "");
    const upload = readFileSync(join(dir, "up", "PUCKJS.js"), "latin1");
    for (const [name, want] of [
      ["ramkit", readFileSync("dist/ramkit.min.js")],
      ["ramkit-debug", readFileSync("dist/ramkit-debug.min.js")],
      ["ramkit-board", Buffer.from(boardModuleSource(loadBoard("PUCKJS")))],
    ] as [string, Buffer][]) {
      const stored = storedFile(upload, name);
      assert.ok(stored, "no Storage.write of " + name);
      assert.is(stored!.declared, want.length, name + ": declared size");
      assert.ok(stored!.bytes.equals(want), name + ": the stored bytes");
    }
    assert.not.ok(upload.includes("Modules.addCached"), "nothing is cached in RAM");
    assert.ok(upload.trimEnd().endsWith(APP.trimEnd()));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the PUCKJS dry-run upload files (RAM and Storage) run on the Espruino interpreter", async () => {
  const bin = espruinoBinary();
  if (!built) {
    console.log(SKIP);
    return;
  }
  if (!bin) {
    console.log(NO_ESPRUINO);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "ramkit-flash-"));
  try {
    writeFileSync(join(dir, "app.js"), APP);
    for (const extra of [[], ["--storage", "--debug"]]) {
      const r = await flash(["--board", "PUCKJS", "--dry-run", "--no-build", "--app", "app.js", "--out-dir", "up"].concat(extra), dir);
      assert.is(r.status, 0, r.out);
      rmSync(join(dir, "espruino.flash"), { force: true });
      const run = runEspruino(bin, join(dir, "up", "PUCKJS.js"), dir);
      assert.is(run.output, "ramkit 0.1.0 on PUCKJS: gateable RAM6.S0", extra.join(" ") + ": " + run.output);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--only: a bundle of just the named exports (and VERSION), built like the full one, smaller, and checked", async () => {
  if (!built) {
    console.log(SKIP);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "ramkit-flash-"));
  try {
    writeFileSync(join(dir, "app.js"), APP);
    const r = await flash(
      ["--board", "PUCKJS", "--only", "MemBlocks, nrf52Power", "--dry-run", "--no-build", "--app", "app.js", "--out-dir", "up"],
      dir,
    );
    assert.is(r.status, 0, r.out);
    assert.is(r.netLog, "");
    const text = readFileSync(join(dir, "up", "PUCKJS.ramkit.min.js"), "utf8");
    assert.ok(text.length < readFileSync("dist/ramkit.min.js", "utf8").length * 0.6, "not much smaller than the full bundle");
    assert.equal(checkSource(text, "PUCKJS.ramkit.min.js").map(formatFinding), []);
    const upload = readFileSync(join(dir, "up", "PUCKJS.js"), "latin1");
    assert.equal(Object.keys(cachedExports(upload, "ramkit")).sort(), ["MemBlocks", "VERSION", "nrf52Power"]);
    assert.match(r.out, /PUCKJS\.ramkit\.min\.js \(MemBlocks, nrf52Power\) to RAM/);
    const bad = await flash(["--board", "PUCKJS", "--only", "MemBlocks,Nope", "--dry-run", "--no-build", "--out-dir", "up"], dir);
    assert.is(bad.status, 2, bad.out);
    assert.match(bad.out, /--only: "Nope" is not an export of ramkit; exports: ArrayMemory, /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- errors -------------------------------------------------------------------------

test("bad arguments: a clear message and exit code 2, and no CLI run", async () => {
  if (!built) {
    console.log(SKIP);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "ramkit-flash-"));
  try {
    const cases: [string[], RegExp][] = [
      [["--board", "NOPE", "--dry-run"], /unknown board "NOPE"; boards: BANGLEJS2, .*PUCKJS/],
      [["--dry-run"], /--board NAME is required/],
      [["--board", "PUCKJS", "--app", "missing.js", "--dry-run"], /app file not found: missing\.js/],
      [
        ["--board", "PUCKJS", "--bundle", "ramkit-nope.min.js", "--dry-run"],
        /unknown bundle "ramkit-nope\.min\.js"; bundles: ramkit\.min\.js/,
      ],
      [["--board", "PUCKJS", "--frobnicate"], /Unknown option '--frobnicate'/],
      [["--board", "PUCKJS", "--capture", "t.jsonl"], /--capture needs a board: give --sleep/],
      [["--board", "PUCKJS", "--sleep", "soon"], /--sleep needs a number of seconds/],
      [["--board", "PUCKJS", "stray"], /positional/],
      [["--board", "PUCKJS", "--only", "MemBlocks", "--bundle", "ramkit.min.js"], /give --bundle or --only, not both/],
      [["--board", "PUCKJS", "--only", "Mem-Blocks"], /--only needs export names separated by commas/],
    ];
    for (const [args, re] of cases) {
      const r = await flash(args, dir);
      assert.is(r.status, 2, args.join(" ") + ": " + r.out);
      assert.match(r.out, re);
      assert.match(r.out, /usage: npm run flash -- --board NAME/);
      assert.not.match(r.out, /Espruino Command-line Tool/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a CLI failure (a port that does not exist: the CLI itself exits 0) is exit code 1 with a message", async () => {
  if (!built) {
    console.log(SKIP);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "ramkit-flash-"));
  try {
    writeFileSync(join(dir, "app.js"), APP);
    const r = await flash(
      ["--board", "PUCKJS", "--no-build", "--port", "/dev/ramkit-no-such-port", "--app", "app.js", "--out-dir", "up"],
      dir,
    );
    assert.is(r.status, 1, r.out);
    assert.match(r.out, /Unable to connect!/);
    assert.match(r.out, /flash: the espruino CLI failed \(it could not connect\)/);
    assert.is(r.netLog, "");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

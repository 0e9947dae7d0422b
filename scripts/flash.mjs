#!/usr/bin/env node
// npm run flash -- --board NAME [--port PORT] [--storage] [--app FILE] [--dry-run] …
//
// Puts ramkit on a board through the real espruino CLI (the `espruino`
// devDependency): the bundle as module "ramkit", the board's description as
// module "ramkit-board", optionally the debug add-on as "ramkit-debug", then
// the app. Offline: the CLI gets a board JSON generated from boards/NAME.json
// (dist/upload/NAME.board.json) that lists those modules and the firmware's
// built-in ones, and an empty MODULE_URL, so it looks nothing up online.
// Bluetooth stays off (`--no-ble`) unless the port is a Bluetooth address.
// docs/ONBOARD.md walks through it.
//
// Options:
//   --board NAME      a board of boards/ (required)
//   --app FILE        the program to run after the modules (optional)
//   --port PORT       serial path, tcp://host:port, or aa:bb:cc:dd:ee:ff (Bluetooth);
//                     without it the CLI takes the first serial port it finds
//   --storage         write the bundle and the board module to Storage (flash),
//                     where their function bodies stay out of RAM; else RAM
//   --bundle FILE     a built bundle of dist/ (default ramkit.min.js)
//   --only A,B,…      instead, a bundle of only these exports (and VERSION), built now from
//                     src/ like the full one and written to DIR/NAME.ramkit.min.js: on a board
//                     with few variables the full bundle leaves too little RAM for the app
//   --debug           also the debug add-on (dist/ramkit-debug[.min].js): validate(), TraceRecorder
//   --dry-run         no board: write the exact upload text to DIR/NAME.js through the CLI's -o
//   --out-dir DIR     where the dry run and the CLI board JSON go (default dist/upload)
//   --sleep S         after the upload, keep listening S seconds (the board's output is shown)
//   --capture FILE    with --sleep: write the trace the board printed (TraceRecorder) to FILE
//   --no-build        fail instead of running `npm run build` when a bundle is missing
//
// Exit codes: 0 done; 1 the CLI or the build failed, or no trace was captured;
// 2 a bad argument (unknown board or option, missing app file).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawn, spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, resolve, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import {
  ROOT,
  CLI,
  boardNames,
  boardModuleSource,
  cliBoardJson,
  uploadSource,
  cliArgs,
  extractTrace,
  bundleChoices,
  isBluetoothAddress,
} from "./flash/upload.mjs";
import { BUNDLE_NAMES, ADDON } from "./bundles.mjs";
import { onlyBundle } from "./flash/only.mjs";

const USAGE =
  "usage: npm run flash -- --board NAME [--app FILE] [--port PORT] [--storage] [--bundle FILE | --only A,B,…] [--debug] [--dry-run] [--out-dir DIR] [--sleep S] [--capture FILE] [--no-build]";

class UsageError extends Error {}

/** A path as the user would type it: relative to the current directory when inside it. */
function shown(p) {
  const r = relative(process.cwd(), p);
  return r.startsWith("..") ? p : r;
}

/** The command line as options; throws UsageError naming what is wrong. */
function options(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        board: { type: "string" },
        app: { type: "string" },
        port: { type: "string" },
        storage: { type: "boolean" },
        bundle: { type: "string" },
        only: { type: "string" },
        debug: { type: "boolean" },
        "dry-run": { type: "boolean" },
        "out-dir": { type: "string" },
        sleep: { type: "string" },
        capture: { type: "string" },
        "no-build": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(e.message);
  }
  const o = parsed.values;
  if (o.help) return { help: true };
  const boards = boardNames();
  if (o.board === undefined) throw new UsageError("--board NAME is required; boards: " + boards.join(", "));
  const board = boards.find((b) => b.toLowerCase() === o.board.toLowerCase());
  if (!board) throw new UsageError("unknown board " + JSON.stringify(o.board) + "; boards: " + boards.join(", "));
  if (o.app !== undefined && !existsSync(o.app)) throw new UsageError("app file not found: " + o.app);
  const bundles = bundleChoices(BUNDLE_NAMES);
  const bundle = o.bundle === undefined ? "ramkit.min.js" : o.bundle.replace(/^dist\//, "");
  if (!bundles.includes(bundle)) throw new UsageError("unknown bundle " + JSON.stringify(o.bundle) + "; bundles: " + bundles.join(", "));
  let only = null;
  if (o.only !== undefined) {
    if (o.bundle !== undefined) throw new UsageError("give --bundle or --only, not both");
    only = o.only
      .split(",")
      .map((n) => n.trim())
      .filter((n) => n !== "");
    if (only.length === 0 || only.some((n) => !/^[A-Za-z_$][\w$]*$/.test(n)))
      throw new UsageError("--only needs export names separated by commas (MemBlocks,BankManager,…), got " + JSON.stringify(o.only));
  }
  let sleep = null;
  if (o.sleep !== undefined) {
    sleep = Number(o.sleep);
    if (!(sleep >= 0 && sleep < Infinity)) throw new UsageError("--sleep needs a number of seconds, got " + JSON.stringify(o.sleep));
  }
  if (o.capture !== undefined && (o["dry-run"] || sleep === null))
    throw new UsageError("--capture needs a board: give --sleep S (seconds to listen) and no --dry-run");
  if (o.port !== undefined && o.port === "") throw new UsageError("--port needs a value");
  return {
    board,
    bundle,
    only,
    app: o.app === undefined ? null : resolve(o.app),
    port: o.port === undefined ? null : o.port,
    storage: !!o.storage,
    debug: !!o.debug,
    dryRun: !!o["dry-run"],
    outDir: resolve(o["out-dir"] === undefined ? join(ROOT, "dist", "upload") : o["out-dir"]),
    sleep,
    capture: o.capture === undefined ? null : resolve(o.capture),
    build: !o["no-build"],
  };
}

/** Make sure dist/ has `files` and the Node build; run `npm run build` when not (unless --no-build). */
function ensureBuilt(files, build) {
  const missing = files.concat(["dist/node/sim/boards.js"]).filter((f) => !existsSync(join(ROOT, f)));
  if (missing.length === 0) return;
  if (!build) throw new Error(missing.join(", ") + " missing: run `npm run build` first");
  console.log("flash: " + missing.join(", ") + " missing: running `npm run build`");
  const r = spawnSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) throw new Error("`npm run build` failed (exit " + r.status + ")");
}

/** Run the CLI, echoing its output; resolves to {status, output}. */
function runCli(args) {
  return new Promise((done) => {
    const child = spawn(CLI, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
      process.stdout.write(d);
    });
    child.stderr.on("data", (d) => {
      output += d;
      process.stderr.write(d);
    });
    child.on("error", (e) => done({ status: -1, output: output + "\n" + e.message }));
    child.on("close", (status) => done({ status, output }));
  });
}

export async function main(argv) {
  let o;
  try {
    o = options(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error("flash: " + e.message);
    console.error(USAGE);
    return 2;
  }
  if (o.help) {
    console.log(USAGE);
    return 0;
  }
  if (!existsSync(CLI)) {
    console.error("flash: the espruino CLI is missing (" + relative(ROOT, CLI) + "): run `npm install`");
    return 1;
  }

  let bundleFile = join("dist", o.bundle);
  const addonFile = join("dist", ADDON.name + (o.bundle.endsWith(".min.js") ? ".min.js" : ".js"));
  try {
    ensureBuilt([bundleFile, "dist/ramkit.js"].concat(o.debug ? [addonFile] : []), o.build);
  } catch (e) {
    console.error("flash: " + e.message);
    return 1;
  }
  const { loadBoard } = await import(pathToFileURL(join(ROOT, "dist/node/sim/boards.js")).href);
  const board = loadBoard(o.board);

  mkdirSync(o.outDir, { recursive: true });
  if (o.only !== null) {
    let text;
    try {
      text = await onlyBundle(o.only);
    } catch (e) {
      console.error("flash: " + e.message);
      return /is not an export/.test(e.message) ? 2 : 1;
    }
    bundleFile = join(o.outDir, board.name + ".ramkit.min.js");
    writeFileSync(bundleFile, text);
    o.bundle = shown(bundleFile) + " (" + o.only.join(", ") + ")";
  }
  const boardJson = join(o.outDir, board.name + ".board.json");
  writeFileSync(boardJson, JSON.stringify(cliBoardJson(board), null, 2) + "\n");
  const tmp = mkdtempSync(join(tmpdir(), "ramkit-flash-"));
  try {
    const boardModule = boardModuleSource(board);
    const source = join(tmp, board.name + ".source.js");
    writeFileSync(
      source,
      uploadSource({
        bundle: readFileSync(resolve(ROOT, bundleFile), "utf8"),
        boardModule,
        addon: o.debug && !o.storage ? readFileSync(join(ROOT, addonFile), "utf8") : null,
        app: o.app === null ? null : readFileSync(o.app, "utf8"),
        storage: o.storage,
      }),
    );
    const storage = [];
    if (o.storage) {
      const boardFile = join(tmp, "ramkit-board.js");
      writeFileSync(boardFile, boardModule);
      storage.push(["ramkit", resolve(ROOT, bundleFile)], ["ramkit-board", boardFile]);
      if (o.debug) storage.push(["ramkit-debug", join(ROOT, addonFile)]);
    }
    const out = o.dryRun ? join(o.outDir, board.name + ".js") : null;
    const args = cliArgs({ source, boardJson, out, port: o.dryRun ? null : o.port, storage, sleep: o.sleep });
    console.log(
      "flash: " +
        (o.dryRun ? "dry run" : "uploading") +
        " for " +
        board.name +
        " (" +
        board.title +
        "): " +
        o.bundle +
        (o.debug ? " + " + relative("dist", addonFile) : "") +
        (o.storage ? " to Storage" : " to RAM") +
        (o.app ? ", then " + shown(o.app) : "") +
        (o.dryRun ? "" : o.port ? " on " + o.port + (isBluetoothAddress(o.port) ? " (Bluetooth)" : "") : " on the first serial port found"),
    );
    const r = await runCli(args);
    const failed =
      r.status !== 0 ? "exit code " + r.status : /Unable to connect!|Error: No Ports Found/.test(r.output) ? "it could not connect" : null;
    if (failed) {
      console.error("flash: the espruino CLI failed (" + failed + "); its output is above");
      return 1;
    }
    if (out !== null) {
      if (!existsSync(out)) {
        console.error("flash: the espruino CLI wrote no " + relative(ROOT, out));
        return 1;
      }
      console.log("flash: wrote " + shown(out) + " (" + readFileSync(out).length + " bytes)");
    }
    if (o.capture !== null) {
      const trace = extractTrace(r.output);
      if (trace === null) {
        console.error('flash: no trace in the board\'s output (no {"ramkit-trace": …} header line): does the app attach a TraceRecorder?');
        return 1;
      }
      writeFileSync(o.capture, trace);
      console.log(
        "flash: wrote " +
          shown(o.capture) +
          " (" +
          (trace.split("\n").length - 2) +
          " events); replay it with: node scripts/ramkit.mjs trace replay " +
          shown(o.capture),
      );
    }
    return 0;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      console.error("flash: " + (e?.stack ? e.stack : e));
      process.exitCode = 1;
    },
  );
}

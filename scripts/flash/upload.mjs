// What `npm run flash` sends to a board, as pure functions (scripts/flash.mjs
// runs them and the espruino CLI; the tests call them directly):
//
// - the upload source given to the CLI: in RAM mode the bundle as
//   `Modules.addCached("ramkit", function(){…});` (what the CLI itself makes
//   of a module with MODULE_AS_FUNCTION, its default), the board module
//   `ramkit-board` the same way, the debug add-on as `ramkit-debug` when
//   asked, then the app; in Storage mode only the app (the bundle and the
//   board module go to Storage through the CLI's `--storage NAME:FILE`);
// - the board module: the board file reduced to what code on the board reads
//   (name, RAM, banks with power registers and sections, reserved ranges,
//   regions), as `module.exports = {…}`;
// - the CLI's board JSON (what `--board FILE.json` reads): the board's title
//   and the modules the upload provides or the firmware has built in, so the
//   CLI looks none of them up online;
// - the CLI's arguments;
// - the trace lines in a captured console session.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const CLI = join(ROOT, "node_modules", ".bin", "espruino");

/**
 * Modules every Espruino build with its hardware wrappers has built in: the
 * Espruino repository's Makefile adds src/jswrap_timer.c, src/jswrap_flash.c,
 * src/jswrap_storage.c and libs/compression/jswrap_heatshrink.c to every
 * such build (WRAPPERSOURCES). Per-board extras (crypto, neopixel, the
 * network modules) are left out: an app that requires one gets the CLI's
 * "Module … not found" warning and the `require` is resolved on the board.
 */
export const FIRMWARE_MODULES = ["timer", "Flash", "Storage", "heatshrink"];

/** The modules an upload provides: the bundle, the board module and the debug add-on. */
export const UPLOAD_MODULES = ["ramkit", "ramkit-board", "ramkit-debug"];

/** Names of the board files in boards/, sorted. */
export function boardNames() {
  return readdirSync(join(ROOT, "boards"))
    .filter((f) => f.endsWith(".json") && f !== "board.schema.json")
    .map((f) => f.slice(0, -5))
    .sort();
}

/** A Bluetooth address as the CLI recognises one (its `-p aa:bb:cc:dd:ee:ff`). */
export function isBluetoothAddress(port) {
  return typeof port === "string" && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(port);
}

/**
 * `text` with every character outside printable ASCII written as a `\uXXXX`
 * escape. The CLI writes its output file as "binary" (one byte per
 * character), which would cut characters above U+00FF to their low byte; in
 * a minified bundle such characters only occur inside string literals, where
 * the escape means the same character.
 */
export function asciiOnly(text) {
  return text.replace(/[^\n\r\t\x20-\x7e]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

/** `Modules.addCached(NAME,function(){CODE\n});`: a module as the CLI uploads one (and loads it on require). */
export function moduleText(name, code) {
  return "Modules.addCached(" + JSON.stringify(name) + ",function(){" + asciiOnly(code.trim()) + "\n});";
}

/**
 * What code on the board reads of a loaded board (sim/boards.ts's `Board`):
 * name, title, chip part, ramPower, RAM, banks (name, powerRegister,
 * sections: name, base, size, gateable), reserved ranges (name, kind, base,
 * size, basis) and regions (name, base, size). Numbers, not "0x…" strings.
 */
export function boardData(board) {
  const out = {
    name: board.name,
    title: board.title,
    chip: board.chip.part,
    ramPower: board.ramPower,
    ram: { base: board.ram.base, size: board.ram.size },
  };
  out.banks = board.banks.map((b) => {
    const bank = { name: b.name };
    if (b.powerRegister !== undefined) bank.powerRegister = b.powerRegister;
    bank.sections = b.sections.map((s) => ({ name: s.name, base: s.base, size: s.size, gateable: s.gateable }));
    return bank;
  });
  out.reserved = board.reserved.map((r) => {
    const x = { name: r.name, kind: r.kind, base: r.base, size: r.size };
    if (r.basis !== undefined) x.basis = r.basis;
    return x;
  });
  out.regions = board.regions.map((r) => ({ name: r.name, base: r.base, size: r.size }));
  return out;
}

/** The board module's source: `module.exports = {…};` (ASCII). */
export function boardModuleSource(board) {
  return asciiOnly("module.exports=" + JSON.stringify(boardData(board)) + ";\n");
}

/** The CLI's board JSON for `board` (read by `--board FILE.json`). */
export function cliBoardJson(board) {
  return {
    info: { name: board.title, builtin_modules: FIRMWARE_MODULES.concat(UPLOAD_MODULES) },
    ramkit: { board: board.name, generatedFrom: "boards/" + board.name + ".json" },
  };
}

/**
 * The source handed to the CLI. `bundle`, `boardModule`, `addon` (or
 * null) and `app` (or null) are texts; with `storage` only the app goes
 * here (the modules go to Storage).
 */
export function uploadSource({ bundle, boardModule, addon = null, app = null, storage = false }) {
  const parts = [];
  if (!storage) {
    parts.push(moduleText("ramkit", bundle));
    parts.push(moduleText("ramkit-board", boardModule));
    if (addon !== null) parts.push(moduleText("ramkit-debug", addon));
  }
  if (app !== null) parts.push(asciiOnly(app.replace(/\s+$/, "")));
  return parts.join("\n") + "\n";
}

/**
 * The CLI's arguments. `source` is the upload source's file; `boardJson`
 * the CLI board file; `out` the dry run's output file (no connection);
 * `port` the board's port (a serial path, `tcp://host:port`, or a
 * Bluetooth address, which keeps Bluetooth on); `storage` a list of
 * `[name, file]` Storage files; `sleep` seconds to keep listening after
 * the upload.
 */
export function cliArgs({ source, boardJson, out = null, port = null, storage = [], sleep = null }) {
  const args = [];
  if (!isBluetoothAddress(port)) args.push("--no-ble");
  args.push("--board", boardJson, "--config", "MODULE_URL=", "--config", "BOARD_JSON_URL=");
  if (out !== null) args.push("-n", "-o", out);
  else if (port !== null) args.push("-p", port);
  for (const [name, file] of storage) args.push("--storage", name + ":" + file);
  if (sleep !== null && out === null) args.push("--sleep", String(sleep));
  args.push(source);
  return args;
}

/**
 * The trace in a console session (the CLI's output, whose board lines may
 * start with its "--] " prefix; CR LF or LF): the last header line
 * `{"ramkit-trace":…}` and every event line (`{"t":…}`) after it, as a
 * trace file's text, or null when there is no header. Other output between
 * the lines is skipped.
 */
export function extractTrace(output) {
  const lines = String(output)
    .split(/\r?\n/)
    .map((l) => l.replace(/^--\] /, "").trim());
  let start = -1;
  for (let i = 0; i < lines.length; i++) if (lines[i].startsWith('{"ramkit-trace":')) start = i;
  if (start < 0) return null;
  const keep = [lines[start]];
  for (let i = start + 1; i < lines.length; i++) if (/^\{"t":/.test(lines[i])) keep.push(lines[i]);
  return keep.join("\n") + "\n";
}

/** The built bundle files a `--bundle` may name (dist/NAME), given the lean bundle names. */
export function bundleChoices(names) {
  return names.flatMap((n) => [n + ".min.js", n + ".js"]);
}

// The README's board install: the real `espruino` CLI (a devDependency) turns
// a bundle into an upload file that writes it to Storage as module "ramkit",
// for the full bundle and for each per-feature bundle. An empty MODULE_URL
// keeps the CLI from looking for a module of that name online (no network).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUNDLE_NAMES } from "../scripts/bundles.mjs";

const CLI = "node_modules/.bin/espruino";
const APP = 'var rk = require("ramkit");\nprint(rk.VERSION);\n';

/** The bytes the upload file writes to Storage file `name`, reassembled by offset; null if it writes none. */
function storedFile(upload: string, name: string): { bytes: Buffer; declared: number } | null {
  const re = new RegExp(
    'require\\("Storage"\\)\\.write\\(' +
      JSON.stringify(name).replace(/[.*+?^${}()|[\]\\]/g, "\\$&") +
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

for (const bundle of BUNDLE_NAMES.map((n) => n + ".min.js")) {
  test("espruino CLI: an upload file that stores dist/" + bundle + " as module ramkit, then runs the app", () => {
    const file = join("dist", bundle);
    if (!existsSync(file) || !existsSync(CLI)) {
      console.log("  (skipped: run `npm run build` / `npm ci`)");
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), "ramkit-upload-"));
    try {
      writeFileSync(join(dir, "app.js"), APP);
      const out = join(dir, "upload.js");
      const r = spawnSync(
        CLI,
        ["--no-ble", "-n", "--config", "MODULE_URL=", "-o", out, "--storage", "ramkit:" + file, join(dir, "app.js")],
        { encoding: "utf8", timeout: 60000 },
      );
      assert.is(r.status, 0, r.stdout + r.stderr);
      const upload = readFileSync(out, "utf8");
      const stored = storedFile(upload, "ramkit");
      assert.ok(stored, "no Storage.write of ramkit in the upload file");
      const want = readFileSync(file);
      assert.is(stored!.declared, want.length, "declared file size");
      assert.ok(stored!.bytes.equals(want), "the stored bytes are not dist/" + bundle);
      assert.ok(upload.trimEnd().endsWith(APP.trimEnd()), "the app does not follow the module");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();

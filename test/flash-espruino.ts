// The Espruino interpreter for tests that run upload files on it (the Linux
// build, built outside the repository as docs/ENGINES.md says): the binary
// named by the ESPRUINO environment variable, else /opt/esp/Espruino/bin/espruino.
// Tests skip, with a message, when there is none (CI has none).
import { accessSync, constants } from "node:fs";
import { spawnSync } from "node:child_process";

const DEFAULT = "/opt/esp/Espruino/bin/espruino";

/** The interpreter's path, or null. */
export function espruinoBinary(): string | null {
  const p = process.env.ESPRUINO || DEFAULT;
  try {
    accessSync(p, constants.X_OK);
    return p;
  } catch {
    return null;
  }
}

/** The message a test prints when it skips for want of the interpreter. */
export const NO_ESPRUINO = "  (skipped: no Espruino interpreter; set ESPRUINO to a Linux build of Espruino, see docs/ENGINES.md)";

/**
 * Run `file` on the interpreter in `cwd` (Storage lives in ./espruino.flash
 * there), stdin closed. Returns the program's output: CR removed, the
 * start-up banner (up to its "espruino.com/Donate" line) and the final `>`
 * prompt cut off.
 */
export function runEspruino(bin: string, file: string, cwd: string): { status: number | null; output: string } {
  const r = spawnSync(bin, [file], { cwd, input: "", encoding: "utf8", timeout: 600000, maxBuffer: 64 << 20 });
  let out = (r.stdout || "").replace(/\r/g, "") + (r.stderr || "").replace(/\r/g, "");
  const banner = out.indexOf("espruino.com/Donate\n");
  if (banner >= 0) out = out.slice(banner + "espruino.com/Donate\n".length);
  out = out.replace(/\n?>\s*$/, "").replace(/^\n/, "");
  return { status: r.status, output: out };
}

// Fuzzing the command line (sim/cli.ts main, with its output captured):
// argument lists made of the real commands, subcommands and flags, flags
// that do not exist, flags with and without values, and files that are
// missing, empty, not JSON, or JSON of the wrong shape. Every run resolves
// (never rejects) to 0 or 2: 2 is a usage error printed as "ramkit: …" that
// names what was wrong (the flag, the argument, the file), 1 ("unexpected
// error") is a crash and fails the test. Runs that would do real work are
// left out: `start` (writes report/ here) and valid experiment, trace or
// sweep files (the loaders' fuzzers cover their contents).
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { main } from "../sim/cli.js";
import { runs } from "./fuzz-support.js";

const DIR = join(tmpdir(), "ramkit-fuzz-cli");
mkdirSync(DIR, { recursive: true });
const file = (name: string, text: string) => {
  const f = join(DIR, name);
  writeFileSync(f, text);
  return f;
};

/** Files that exist but are no valid experiment, trace, board or sweep output. */
const BAD_FILES = [
  file("empty.json", ""),
  file("not-json.json", '{\n  "board": "PUCKJS",\n  oops\n}\n'),
  file("array.json", "[1, 2, 3]\n"),
  file(
    "schema-error.json",
    JSON.stringify({ board: "PUCKJS", durationSeconds: -1, allocator: { kind: "slab" }, workload: { kind: "sensor-logger" } }),
  ),
  file("bad-trace.jsonl", '{"ramkit-trace":1,"board":"PUCKJS"}\n{"t":-1,"op":"alloc","id":1,"size":8}\n'),
  file("no-header.jsonl", '{"t":0,"op":"alloc","id":1,"size":8}\n'),
  file("unknown-board.jsonl", '{"ramkit-trace":1,"board":"NOSUCHBOARD"}\n'),
  file("bad-board.json", '{"name": "X"}\n'),
];
const MISSING = [join(DIR, "missing.json"), join(DIR, "missing.jsonl"), "no/such/dir/file.json"];
const FILES = [...BAD_FILES, ...MISSING, DIR];

const WORDS = [
  "start",
  "experiment",
  "run",
  "trace",
  "replay",
  "sweep",
  "merge",
  "boards",
  "list",
  "show",
  "help",
  "PUCKJS",
  "puckjs",
  "NOSUCHBOARD",
  "",
  "-",
  "--",
  "x",
];
const FLAGS = [
  "--out",
  "--board",
  "--experiment",
  "--shard",
  "--workers",
  "--help",
  "-h",
  "--nope",
  "-x",
  "--out=",
  "--board=",
  "--help=1",
  "-hx",
  "--shard=1/2",
];

const token = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 3, arbitrary: fc.constantFrom(...FLAGS) },
  { weight: 3, arbitrary: fc.constantFrom(...FILES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
);
/** A command line: usually a real command first, then anything. */
const ARGV = fc
  .tuple(
    fc.oneof(
      fc.constantFrom(
        ["experiment", "run"],
        ["trace", "replay"],
        ["boards", "show"],
        ["boards", "list"],
        ["sweep"],
        ["sweep", "merge"],
        ["help"],
        [],
      ),
      fc.array(token, { maxLength: 1 }),
    ),
    fc.array(token, { maxLength: 5 }),
  )
  .map(([head, rest]) => [...head, ...rest]);

/** `start` alone runs the default experiment and writes report/ into the working directory. */
const doesWork = (argv: string[]) => argv.length === 1 && argv[0] === "start";

test("main: every command line resolves to 0 or 2, a usage error names what was wrong", async () => {
  await fc.assert(
    fc.asyncProperty(ARGV, async (argv) => {
      if (doesWork(argv)) return;
      const log: string[] = [],
        err: string[] = [];
      const code = await main(argv, { log: (t) => log.push(t), error: (t) => err.push(t) });
      const where = JSON.stringify(argv) + " → " + code + ": " + err.join("\n").slice(0, 400);
      assert.ok(code === 0 || code === 2, "exit code " + where);
      if (code === 0) {
        assert.ok(log.length > 0, "exit 0 printed nothing: " + where);
        return;
      }
      assert.ok(err.length > 0 && /^ramkit( sweep)?: \S/.test(err[0]), 'a usage error not printed as "ramkit: …": ' + where);
      const msg = err[0];
      // A problem with a file names the file, as given or as the loader shows it.
      const shown = (a: string) => [a, resolve(a), relative(process.cwd(), resolve(a))];
      const missing = /(?:file|output) not found: (.*?)(?: \(|$)/.exec(msg);
      if (missing) {
        assert.ok(
          argv.some((a) => shown(a).indexOf(missing[1]) >= 0),
          "a missing file that is not one of the arguments: " + where,
        );
      } else if (/valid JSON|malformed|problems?:/.test(msg)) {
        assert.ok(
          argv.some((a) => a !== "" && shown(a).some((x) => x !== "" && msg.indexOf(x) >= 0)),
          "a file problem that names no file: " + where,
        );
      }
    }),
    { numRuns: runs(150) },
  );
});

test("main: help, and a bad flag of each command, as documented", async () => {
  const run = async (argv: string[]) => {
    const log: string[] = [],
      err: string[] = [];
    return { code: await main(argv, { log: (t) => log.push(t), error: (t) => err.push(t) }), log, err };
  };
  assert.is((await run(["--help"])).code, 0);
  for (const cmd of [
    ["experiment", "run"],
    ["trace", "replay"],
    ["boards", "show"],
  ]) {
    const r = await run([...cmd, "--nope"]);
    assert.is(r.code, 2);
    assert.match(r.err[0], "--nope");
  }
});

test.run();

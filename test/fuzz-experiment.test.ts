// Fuzzing the experiment-file loader (sim/experiment.ts): validateExperiment
// on any value and on the repository's experiment files with fields
// replaced, deleted or added, and loadExperiment on files whose text was
// edited at random. A file is accepted, or the loader throws EINVAL naming
// the file and, for each problem, its JSON path ("/allocator/blockSize:
// expected …"), or for bad JSON the line ("experiments/x.json:12: expected
// valid JSON"); ENOENT for a file that cannot be read. Never a TypeError or
// any other exception without an errno code.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadExperiment, validateExperiment } from "../sim/experiment.js";
import { assertCoded, check, mutations, problems, textEdits, thrown } from "./fuzz-support.js";

/** The experiment files of the repository (the sweep file is another format). */
const FILES = readdirSync("experiments").filter((f) => f.endsWith(".json") && f !== "experiment.schema.json" && !/sweep/.test(f));
const DOCS = FILES.map((f) => ({
  file: "experiments/" + f,
  text: readFileSync(join("experiments", f), "utf8"),
  json: JSON.parse(readFileSync(join("experiments", f), "utf8")),
}));
const DIR = join(tmpdir(), "ramkit-fuzz-experiments");
mkdirSync(DIR, { recursive: true });

function assertPaths(e: any, label: string, input: string): void {
  assertCoded(e, ["EINVAL"], input);
  for (const p of problems(e.message, label)) {
    assert.ok(/^\/[\s\S]*?: \S/.test(p), "a problem without a JSON path for " + input + ": " + JSON.stringify(p) + " in " + e.message);
  }
}

test("the repository's experiment files are valid (the fuzzers start from them)", () => {
  assert.ok(DOCS.length >= 4);
  for (const d of DOCS) validateExperiment(d.json, d.file);
});

test("validateExperiment: any value is an experiment or EINVAL naming the file and a JSON path", () => {
  check(
    fc.property(fc.anything({ maxDepth: 3 }), (v) => {
      const e = thrown(() => validateExperiment(v, "any.json"));
      if (e !== null) assertPaths(e, "any.json", JSON.stringify(v));
    }),
    150,
  );
});

test("validateExperiment: each experiment file with 1 to 3 fields changed is valid or names the path of each problem", () => {
  check(
    fc.property(
      fc.nat({ max: DOCS.length - 1 }).chain((i) => mutations(DOCS[i].json).map((m) => ({ ...m, file: DOCS[i].file }))),
      (m) => {
        const e = thrown(() => validateExperiment(m.doc, m.file));
        if (e !== null) assertPaths(e, m.file, m.file + ": " + m.what);
      },
    ),
    300,
  );
});

test("loadExperiment: an experiment file with its text edited loads, or names the line of bad JSON or the path of each problem", () => {
  let n = 0;
  check(
    fc.property(
      fc.nat({ max: DOCS.length - 1 }).chain((i) => textEdits(DOCS[i].text)),
      (text) => {
        const file = join(DIR, "edited-" + (n++ % 8) + ".json");
        writeFileSync(file, text);
        const e = thrown(() => loadExperiment(file));
        if (e === null) return;
        assertCoded(e, ["EINVAL"], JSON.stringify(text.slice(0, 80)));
        const ps = problems(e.message, file);
        if (/expected valid JSON/.test(e.message)) {
          const m = /^(\d+): expected valid JSON/.exec(ps[0]);
          assert.ok(m !== null, "bad JSON without its line: " + e.message);
          assert.ok(Number(m![1]) >= 1 && Number(m![1]) <= text.split("\n").length, "line " + m![1] + " is not a line of the file");
        } else {
          for (const p of ps)
            assert.ok(/^\/[\s\S]*?: \S/.test(p), "a problem without a JSON path: " + JSON.stringify(p) + " in " + e.message);
        }
      },
    ),
    200,
  );
});

test("loadExperiment: a path that is no readable file is ENOENT naming it", () => {
  check(
    fc.property(fc.string({ minLength: 1, maxLength: 16 }), (name) => {
      const path = join(DIR, "missing", name);
      const e = thrown(() => loadExperiment(path));
      assert.ok(e !== null, "loaded " + path);
      assertCoded(e, ["ENOENT"], JSON.stringify(path));
      assert.ok(e.message.indexOf(path) >= 0, "the path is not in the message: " + e.message);
    }),
    50,
  );
});

test.run();

// Fuzzing the board-file loader (sim/boards.ts): boardFromJSON on any value
// and on mutated board files (fields replaced by odd values, deleted, unknown
// fields added), and loadBoard on files whose text was edited at random. A
// board either loads, or the loader throws EINVAL (ENOENT for a missing
// file) naming the file and, for each problem, the JSON path of the value
// ("/banks/2/sections/0/size: expected …") or the line and column of bad
// JSON ("line 3, column 14: expected valid JSON"). Never a TypeError or any
// other exception without an errno code.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boardFromJSON, listBoards, loadBoard } from "../sim/boards.js";
import { assertCoded, check, mutations, problems, textEdits, thrown } from "./fuzz-support.js";

const BOARDS = listBoards().map((name) => ({
  name,
  json: JSON.parse(readFileSync(join("boards", name + ".json"), "utf8")),
  text: readFileSync(join("boards", name + ".json"), "utf8"),
}));
const DIR = join(tmpdir(), "ramkit-fuzz-boards");
mkdirSync(DIR, { recursive: true });

/** Every problem of a schema or semantic error names a JSON path. */
function assertPaths(e: any, label: string, input: string): void {
  assertCoded(e, ["EINVAL"], input);
  for (const p of problems(e.message, label)) {
    assert.ok(/^\/[\s\S]*?: \S/.test(p), "a problem without a JSON path for " + input + ": " + JSON.stringify(p) + " in " + e.message);
  }
}

test("boardFromJSON: any value is a board or EINVAL naming the file and a JSON path", () => {
  check(
    fc.property(fc.anything({ maxDepth: 3 }), (v) => {
      const e = thrown(() => boardFromJSON(v, "any.json"));
      if (e !== null) assertPaths(e, "any.json", JSON.stringify(v));
    }),
    150,
  );
});

test("boardFromJSON: every board file with 1 to 3 fields changed loads or names the path of each problem", () => {
  check(
    fc.property(
      fc.nat({ max: BOARDS.length - 1 }).chain((i) => mutations(BOARDS[i].json).map((m) => ({ ...m, board: BOARDS[i].name }))),
      (m) => {
        const label = "boards/" + m.board + ".json";
        const e = thrown(() => boardFromJSON(m.doc, label));
        if (e !== null) assertPaths(e, label, m.board + ": " + m.what);
      },
    ),
    300,
  );
});

test("loadBoard: a board file with its text edited loads, or names the line and column of bad JSON or the path of each problem", () => {
  let n = 0;
  check(
    fc.property(
      fc.nat({ max: BOARDS.length - 1 }).chain((i) => textEdits(BOARDS[i].text)),
      (text) => {
        const file = join(DIR, "edited-" + (n++ % 8) + ".json");
        writeFileSync(file, text);
        const e = thrown(() => loadBoard(file));
        if (e === null) return;
        assertCoded(e, ["EINVAL"], JSON.stringify(text.slice(0, 80)));
        const ps = problems(e.message, file);
        if (/expected valid JSON/.test(e.message)) {
          assert.ok(
            /^(line \d+, column \d+|end of file): expected valid JSON/.test(ps[0]),
            "bad JSON without its line and column: " + e.message,
          );
          const m = /^line (\d+)/.exec(ps[0]);
          if (m) assert.ok(Number(m[1]) <= text.split("\n").length, "line " + m[1] + " past the end of the file");
        } else {
          for (const p of ps)
            assert.ok(/^\/[\s\S]*?: \S/.test(p), "a problem without a JSON path: " + JSON.stringify(p) + " in " + e.message);
        }
      },
    ),
    200,
  );
});

test("loadBoard: names that are no board and paths that are no file are ENOENT naming them", () => {
  check(
    fc.property(fc.string({ minLength: 1, maxLength: 20 }), (name) => {
      const e = thrown(() => loadBoard(name));
      if (e === null) return; // a real board name, any case
      assertCoded(e, ["ENOENT", "EINVAL"], JSON.stringify(name));
      if (e.code === "ENOENT")
        assert.ok(
          e.message.indexOf(name) >= 0 || e.message.indexOf(JSON.stringify(name)) >= 0,
          "the name is not in the message: " + e.message,
        );
    }),
    100,
  );
});

test.run();

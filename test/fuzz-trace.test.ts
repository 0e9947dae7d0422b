// Fuzzing the trace parser (sim/trace.ts): parseTrace on any text, on
// traces made of random events (good and bad fields, ids reused, frees of
// unknown ids, time going backwards) and on the repository's trace with its
// text edited. A trace either parses, with every alloc before its free and
// times that never decrease, or parseTrace throws EINVAL naming the file and,
// for each problem, the line and usually the field ("t.jsonl:7: field "t":
// …"), each line a line of the text. Never a TypeError or any other
// exception without an errno code.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { OP_ALLOC, OP_FREE } from "../sim/workloads.js";
import { parseTrace, readTrace } from "../sim/trace.js";
import { assertCoded, check, oddValue, textEdits, thrown } from "./fuzz-support.js";

const FILE = "fuzz.jsonl";
const EXAMPLE = readFileSync("traces/example.jsonl", "utf8");

/** Parse `text`: a valid trace's invariants, or the error's lines and fields checked. */
function parseChecked(text: string, input: string): void {
  let trace;
  try {
    trace = parseTrace(text, FILE);
  } catch (e: any) {
    assertCoded(e, ["EINVAL"], input);
    const lines = text.split(/\r?\n/).length;
    const list = e.message.split("\n").slice(1);
    assert.ok(e.message.indexOf("EINVAL: " + FILE + ": ") === 0, "the message does not start with the file: " + e.message);
    assert.ok(list.length >= 1 && list.length <= 20, "1 to 20 problems listed: " + e.message);
    for (const p of list) {
      const m = /^ {2}fuzz\.jsonl:(\d+): (field "[^"]*": )?\S/.exec(p);
      assert.ok(m !== null, "a problem without its file and line for " + input + ": " + JSON.stringify(p));
      assert.ok(Number(m![1]) >= 1 && Number(m![1]) <= lines, "line " + m![1] + " is not a line of the text (" + lines + ")");
    }
    return;
  }
  // A valid trace: each alloc's id is live until its free; times never decrease.
  const ev = trace.events,
    live = new Set<number>();
  for (let i = 0; i < ev.n; i++) {
    if (i > 0) assert.ok(ev.t[i] >= ev.t[i - 1], "time goes backwards in a parsed trace");
    if (ev.op[i] === OP_ALLOC) {
      assert.not.ok(live.has(ev.id[i]));
      live.add(ev.id[i]);
      assert.ok(ev.a[i] >= 1);
    } else if (ev.op[i] === OP_FREE) assert.ok(live.delete(ev.id[i]), "a free of an id that is not live");
  }
}

const HEADER = fc.oneof(
  fc.constant({ "ramkit-trace": 1, board: "PUCKJS" }),
  fc.record({ "ramkit-trace": fc.oneof(fc.constant(1), oddValue), board: fc.oneof(fc.constant("PUCKJS"), oddValue) }, { requiredKeys: [] }),
);
/** One event line: mostly plausible, with odd values and extra fields mixed in. */
const EVENT = fc.record(
  {
    t: fc.oneof(fc.nat({ max: 100 }), fc.double({ min: 0, max: 100, noNaN: true }), oddValue),
    op: fc.oneof(fc.constantFrom("alloc", "free"), oddValue),
    id: fc.oneof(fc.nat({ max: 6 }), fc.constantFrom("a", "b", "rx-1"), oddValue),
    size: fc.oneof(fc.integer({ min: 1, max: 4096 }), oddValue),
    pool: fc.oneof(fc.constantFrom("app", "ble"), oddValue),
    extra: oddValue,
  },
  { requiredKeys: [] },
);

test("parseTrace: any text parses or names the file and line of each problem", () => {
  check(
    fc.property(fc.string({ maxLength: 200 }), (text) => parseChecked(text, JSON.stringify(text))),
    200,
  );
});

test("parseTrace: random events (good and bad fields) parse or name the file, line and field of each problem", () => {
  const trace = fc
    .tuple(HEADER, fc.array(EVENT, { maxLength: 30 }), fc.constantFrom("\n", "\r\n"), fc.boolean())
    .map(([h, evs, nl, blank]) => [h, ...evs].map((x) => JSON.stringify(x)).join(blank ? nl + nl : nl));
  check(
    fc.property(trace, (text) => parseChecked(text, text.slice(0, 200))),
    300,
  );
});

test("parseTrace: the example trace with its text edited parses or names the file and line of each problem", () => {
  check(
    fc.property(textEdits(EXAMPLE), (text) => parseChecked(text, JSON.stringify(text.slice(0, 120)))),
    200,
  );
});

test("readTrace: a file that cannot be read is ENOENT naming it", () => {
  const e = thrown(() => readTrace("traces/no-such-trace.jsonl"));
  assertCoded(e, ["ENOENT"], "traces/no-such-trace.jsonl");
  assert.match(e.message, "traces/no-such-trace.jsonl");
});

test.run();

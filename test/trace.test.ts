import "../src/debug/host.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fileURLToPath } from "node:url";
import { formatTrace, parseTrace, readTrace } from "../sim/trace.js";
import { OP_ALLOC, OP_FREE } from "../sim/workloads.js";
import { runExperiment, type ExperimentSpec } from "../sim/experiment.js";
import { POLICY_NAMES } from "../sim/results.js";

const EXAMPLE = fileURLToPath(new URL("../traces/example.jsonl", import.meta.url));
const HEAD = '{"ramkit-trace": 1, "board": "BANGLEJS2"}';

/** The message of what `fn` throws (fails when it does not throw). */
function thrown(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
  assert.unreachable("expected a throw");
  return { code: "", message: "" };
}

/** Parse header + `lines` as file "t.jsonl"; the error message (EINVAL). */
function bad(...lines: string[]): string {
  const e = thrown(() => parseTrace([HEAD].concat(lines).join("\n"), "t.jsonl"));
  assert.is(e.code, "EINVAL");
  assert.match(e.message, /t\.jsonl: malformed trace, nothing was run/);
  return e.message;
}

test("a valid trace: header, allocs and frees become events with fresh ids per allocation", () => {
  const text = [
    HEAD,
    '{"t": 0, "op": "alloc", "id": 1, "size": 244}',
    "",
    '{"t": 0.5, "op": "free", "id": 1}',
    '{"t": 0.5, "op": "alloc", "id": 1, "size": 8, "pool": "ble"}',
    '{"t": 2, "op": "alloc", "id": "x", "size": 16}',
  ].join("\n");
  const tr = parseTrace(text, "t.jsonl");
  assert.is(tr.board, "BANGLEJS2");
  assert.is(tr.events.n, 4);
  assert.equal(Array.from(tr.events.op.subarray(0, 4)), [OP_ALLOC, OP_FREE, OP_ALLOC, OP_ALLOC]);
  assert.equal(Array.from(tr.events.id.subarray(0, 4)), [0, 0, 1, 2]);
  assert.equal(Array.from(tr.events.a.subarray(0, 4)), [244, 0, 8, 16]);
  assert.equal(tr.names, [1, 1, "x"]);
  assert.equal(tr.pools, ["ble"]);
  assert.is(tr.allocs, 3);
  assert.is(tr.frees, 1);
  assert.is(tr.events.end(), 2);
});

test("formatTrace writes what parseTrace reads", () => {
  const text = formatTrace(
    "PUCKJS",
    [
      { t: 0, op: "alloc", id: "a", size: 10, pool: "p" },
      { t: 1, op: "free", id: "a" },
      { t: 1, op: "alloc", id: 3, size: 4 },
    ],
    "made by a test",
  );
  const tr = parseTrace(text, "x");
  assert.is(tr.board, "PUCKJS");
  assert.is(tr.note, "made by a test");
  assert.is(tr.events.n, 3);
  assert.equal(tr.pools, ["p"]);
});

test("bad JSON names the line", () => {
  assert.match(
    bad('{"t": 0, "op": "alloc", "id": 1, "size": 4}', '{"t": 1, "op": "free", "id": 1'),
    /t\.jsonl:3: expected one JSON object per line/,
  );
});

test("the header: missing, wrong version, bad board, unknown field", () => {
  let e = thrown(() => parseTrace('{"t": 0, "op": "alloc", "id": 1, "size": 4}\n', "h.jsonl"));
  assert.match(e.message, /h\.jsonl:1: field "ramkit-trace": expected the header/);
  e = thrown(() => parseTrace('{"ramkit-trace": 2, "board": "X"}\n', "h.jsonl"));
  assert.match(e.message, /h\.jsonl:1: field "ramkit-trace": expected 1 .*got 2/);
  e = thrown(() => parseTrace('{"ramkit-trace": 1, "board": 7}\n', "h.jsonl"));
  assert.match(e.message, /h\.jsonl:1: field "board": expected a board name/);
  e = thrown(() => parseTrace('{"ramkit-trace": 1, "board": "X", "by": "me"}\n', "h.jsonl"));
  assert.match(e.message, /h\.jsonl:1: field "by": not a header field/);
  e = thrown(() => parseTrace("\n\n", "h.jsonl"));
  assert.match(e.message, /empty trace/);
  e = thrown(() => parseTrace("\n" + HEAD + "\n{oops\n", "h.jsonl"));
  assert.match(e.message, /h\.jsonl:3: expected one JSON object/);
});

test("missing and wrong-typed fields name the line and the field", () => {
  assert.match(bad('{"op": "alloc", "id": 1, "size": 4}'), /t\.jsonl:2: field "t": missing/);
  assert.match(bad('{"t": "0", "op": "alloc", "id": 1, "size": 4}'), /t\.jsonl:2: field "t": expected a number of seconds >= 0, got "0"/);
  assert.match(bad('{"t": -1, "op": "alloc", "id": 1, "size": 4}'), /t\.jsonl:2: field "t": expected a number of seconds >= 0, got -1/);
  assert.match(bad('{"t": 0, "id": 1, "size": 4}'), /t\.jsonl:2: field "op": missing/);
  assert.match(bad('{"t": 0, "op": "malloc", "id": 1, "size": 4}'), /t\.jsonl:2: field "op": expected "alloc" or "free", got "malloc"/);
  assert.match(bad('{"t": 0, "op": "alloc", "size": 4}'), /t\.jsonl:2: field "id": missing/);
  assert.match(
    bad('{"t": 0, "op": "alloc", "id": 1.5, "size": 4}'),
    /t\.jsonl:2: field "id": expected a non-empty string or an integer >= 0, got 1\.5/,
  );
  assert.match(bad('{"t": 0, "op": "alloc", "id": ""}'), /field "id": expected a non-empty string/);
  assert.match(bad('{"t": 0, "op": "alloc", "id": 1}'), /t\.jsonl:2: field "size": missing/);
  assert.match(
    bad('{"t": 0, "op": "alloc", "id": 1, "size": "4"}'),
    /t\.jsonl:2: field "size": expected an integer in \[1, 2\^32\) \(bytes\), got "4"/,
  );
  assert.match(bad('{"t": 0, "op": "alloc", "id": 1, "size": 0}'), /field "size": expected an integer in \[1, 2\^32\)/);
  assert.match(
    bad('{"t": 0, "op": "alloc", "id": 1, "size": 4, "pool": 3}'),
    /t\.jsonl:2: field "pool": expected a non-empty string, got 3/,
  );
  assert.match(
    bad('{"t": 0, "op": "alloc", "id": 1, "size": 4, "adress": 5}'),
    /t\.jsonl:2: field "adress": not an event field; valid: t, op, id, size, pool/,
  );
  assert.match(
    bad('{"t": 0, "op": "alloc", "id": 1, "size": 4}', '{"t": 1, "op": "free", "id": 1, "size": 4}'),
    /t\.jsonl:3: field "size": not allowed on a free/,
  );
  assert.match(bad("[1, 2]"), /t\.jsonl:2: expected an event object/);
});

test("time going backwards names both lines", () => {
  const m = bad('{"t": 5, "op": "alloc", "id": 1, "size": 4}', '{"t": 4.5, "op": "alloc", "id": 2, "size": 4}');
  assert.match(m, /t\.jsonl:3: field "t": time goes backwards: 4\.5 after 5 \(line 2\)/);
});

test("free of an unknown id, double free, alloc of a live id", () => {
  assert.match(
    bad('{"t": 0, "op": "free", "id": "nope"}'),
    /t\.jsonl:2: field "id": free of unknown id "nope" \(no alloc of it before this line\)/,
  );
  assert.match(
    bad('{"t": 0, "op": "alloc", "id": 7, "size": 4}', '{"t": 1, "op": "free", "id": 7}', '{"t": 2, "op": "free", "id": 7}'),
    /t\.jsonl:4: field "id": double free of id 7 \(already freed at line 3\)/,
  );
  assert.match(
    bad('{"t": 0, "op": "alloc", "id": "a", "size": 4}', '{"t": 1, "op": "alloc", "id": "a", "size": 4}'),
    /t\.jsonl:3: field "id": id "a" is already live \(allocated at line 2 and not freed\)/,
  );
  // 7 and "7" are different ids.
  assert.match(bad('{"t": 0, "op": "alloc", "id": 7, "size": 4}', '{"t": 1, "op": "free", "id": "7"}'), /free of unknown id "7"/);
});

test("every problem is listed (up to 20), each with its line", () => {
  const lines: string[] = [];
  for (let i = 0; i < 30; i++) lines.push('{"t": 0, "op": "free", "id": ' + i + "}");
  const m = bad(...lines);
  assert.match(m, /stopped after 20/);
  assert.match(m, /t\.jsonl:2: /);
  assert.match(m, /t\.jsonl:21: /);
  assert.not.match(m, /t\.jsonl:22: /);
  const two = bad('{"t": 0, "op": "x", "id": 1}', '{"t": 1, "op": "free", "id": 2}');
  assert.match(two, /:2: field "op"/);
  assert.match(two, /:3: field "id"/);
});

test("readTrace: a missing file is ENOENT; the example trace is valid", () => {
  assert.is(thrown(() => readTrace("/nonexistent/x.jsonl")).code, "ENOENT");
  const tr = readTrace(EXAMPLE);
  assert.is(tr.board, "BANGLEJS2");
  assert.ok(tr.allocs > 10);
  assert.equal(tr.pools, ["app", "logger", "ble"]);
});

test("a malformed trace runs nothing: runExperiment throws before any policy", () => {
  let ran = 0;
  const spec: ExperimentSpec = { board: "BANGLEJS2", allocator: { kind: "granular", region: "free" }, trace: "inline.jsonl" };
  const e = thrown(() =>
    runExperiment(spec, {
      traceText: HEAD + '\n{"t": 0, "op": "free", "id": 1}\n',
      onPolicy: () => {
        ran++;
      },
    }),
  );
  assert.is(e.code, "EINVAL");
  assert.match(e.message, /inline\.jsonl:2: field "id": free of unknown id 1/);
  assert.is(ran, 0);
});

test("the hand-written example trace replays under every policy, with the same live bytes", () => {
  const spec: ExperimentSpec = {
    board: "BANGLEJS2",
    allocator: { kind: "granular", region: "free" },
    trace: EXAMPLE,
    firmware: {
      assumption: "the pool in RAM2-RAM7",
      reserved: [
        { name: "SoftDevice", kind: "softdevice", base: "0x20000000", size: 15216 },
        { name: "rest", kind: "other", base: "0x20010000", size: 0x30000 },
      ],
    },
  };
  const r = runExperiment(spec);
  assert.equal(
    r.policies.map((p) => p.policy),
    POLICY_NAMES.slice(),
  );
  assert.is(r.durationSeconds, 600);
  for (const p of r.policies) {
    assert.is(p.failures, 0, p.policy);
    assert.is(p.dataErrors, 0, p.policy);
    assert.is(p.peakLiveBytes, r.policies[0].peakLiveBytes, p.policy);
  }
  // Something was switched off, and all-on is the most expensive.
  for (const p of r.policies.slice(1)) assert.ok(p.energy.retention_uJ < r.policies[0].energy.retention_uJ, p.policy);
  assert.ok(r.oracle.energy.retention_uJ <= Math.min(...r.policies.map((p) => p.energy.retention_uJ)) * (1 + 1e-12));
});

test.run();

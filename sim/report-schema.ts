/**
 * JSON Schema (draft-07) of `ExperimentResult` (sim/results.ts), and its
 * ajv check. The report and the sweep merge read results that may come from
 * a file, so they check the shape first and name the field that is wrong
 * (`results[1]/policies/0/energy/total_uJ: must be number, got "12"`).
 * Node only.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { fail, show as showScalar } from "../src/core/errors.js";
import type { ExperimentResult } from "./results.js";

/** `v` for an error message: strings quoted, objects and arrays as JSON (cut to 80 characters). */
export function show(v: unknown): string {
  if (v !== null && typeof v === "object") {
    try {
      const j = JSON.stringify(v);
      return j.length > 80 ? j.slice(0, 77) + "..." : j;
    } catch {
      /* fall through */
    }
  }
  return showScalar(v);
}

const num = { type: "number" };
const count = { type: "integer", minimum: 0 };
const str = { type: "string" };
const energy = {
  type: "object",
  required: ["total_uJ", "base_uJ", "retention_uJ"],
  properties: { total_uJ: num, base_uJ: num, retention_uJ: num },
};
const sample = {
  type: "object",
  required: ["t", "current_uA", "sectionsOn", "liveBytes"],
  properties: { t: num, current_uA: num, sectionsOn: num, liveBytes: num },
};
const lane = {
  type: "object",
  required: ["section", "changes"],
  properties: {
    section: str,
    changes: {
      type: "array",
      items: { type: "array", minItems: 2, maxItems: 2, items: [num, { enum: ["on", "off", "retained"] }] },
    },
  },
};
const policy = {
  type: "object",
  required: [
    "policy",
    "energy",
    "avgCurrent_uA",
    "avgSectionsOn",
    "switchOns",
    "switchOffs",
    "failures",
    "peakLiveBytes",
    "fragmentation",
    "savingRetentionPct",
    "savingTotalPct",
    "retentionVsOracle",
    "samples",
    "lanes",
  ],
  properties: {
    policy: { type: "string", minLength: 1 },
    energy,
    avgCurrent_uA: num,
    avgSectionsOn: num,
    switchOns: count,
    switchOffs: count,
    failures: count,
    peakLiveBytes: num,
    fragmentation: num,
    savingRetentionPct: num,
    savingTotalPct: num,
    // a number, Infinity (no retention energy in the bound; ajv's number is finite) or null (Infinity
    // written by JSON.stringify): checked in checkExperimentResult
    retentionVsOracle: {},
    samples: { type: "array", items: sample },
    lanes: { type: "array", items: lane },
  },
};

/** The schema of one `ExperimentResult`. Extra fields are allowed (results.ts grows by optional fields). */
export const EXPERIMENT_RESULT_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "ramkit experiment result",
  type: "object",
  required: [
    "name",
    "board",
    "allocator",
    "workload",
    "seed",
    "durationSeconds",
    "powerMode",
    "sections",
    "policies",
    "oracle",
    "sources",
    "limits",
  ],
  properties: {
    name: str,
    board: { type: "object", required: ["name", "title", "chip"], properties: { name: str, title: str, chip: str } },
    allocator: {
      type: "object",
      required: ["kind", "base", "size", "blockSize"],
      properties: { kind: str, base: num, size: num, blockSize: num },
    },
    workload: str,
    seed: num,
    durationSeconds: { type: "number", exclusiveMinimum: 0 },
    powerMode: str,
    sections: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["name", "base", "size", "retention_uA"],
        properties: { name: str, base: num, size: { type: "number", exclusiveMinimum: 0 }, retention_uA: num },
      },
    },
    policies: { type: "array", minItems: 1, items: policy },
    oracle: {
      type: "object",
      required: ["energy", "avgSectionsOn", "samples"],
      properties: { energy, avgSectionsOn: num, samples: { type: "array", items: sample } },
    },
    sources: {
      type: "array",
      items: {
        type: "object",
        required: ["what", "value", "unit", "source"],
        properties: { what: str, value: num, unit: str, source: str },
      },
    },
    limits: { type: "array", items: str },
  },
};

let validator: ValidateFunction | null = null;

/** One line per problem: the JSON pointer under `label`, what was expected, what was there. */
function describe(e: ErrorObject, label: string): string {
  const at = label + (e.instancePath || "");
  if (e.keyword === "required") return at + "/" + (e.params as { missingProperty: string }).missingProperty + ": missing";
  return at + ": " + e.message + ", got " + show(e.data);
}

/**
 * Check that `value` is an `ExperimentResult`; EINVAL naming every offending
 * field under `label` (e.g. `results[0]`) otherwise. Also checks what a schema
 * cannot: policy names unique, samples and lane changes in time order.
 * O(samples).
 */
export function checkExperimentResult(value: unknown, label: string): ExperimentResult {
  if (!validator) validator = new Ajv({ allErrors: true, verbose: true, strictTuples: false }).compile(EXPERIMENT_RESULT_SCHEMA);
  if (!validator(value)) {
    const problems = (validator.errors || []).slice(0, 10).map((e) => describe(e, label));
    fail(
      "EINVAL",
      problems.length === 1
        ? problems[0]
        : problems.length + (problems.length === 10 ? "+" : "") + " problems:\n  " + problems.join("\n  "),
    );
  }
  const r = value as ExperimentResult;
  const seen: { [name: string]: number } = {};
  r.policies.forEach((p, i) => {
    if (Object.hasOwn(seen, p.policy)) {
      fail(
        "EINVAL",
        label + "/policies/" + i + "/policy: " + show(p.policy) + " repeats /policies/" + seen[p.policy] + "; each policy once",
      );
    }
    seen[p.policy] = i;
    const x: unknown = p.retentionVsOracle;
    if (x !== null && (typeof x !== "number" || isNaN(x))) {
      fail("EINVAL", label + "/policies/" + i + "/retentionVsOracle: must be a number, Infinity or null, got " + show(x));
    }
    inOrder(
      p.samples.map((s) => s.t),
      label + "/policies/" + i + "/samples",
      "t",
    );
    p.lanes.forEach((l, j) =>
      inOrder(
        l.changes.map((c) => c[0]),
        label + "/policies/" + i + "/lanes/" + j + "/changes",
        "0",
      ),
    );
  });
  inOrder(
    r.oracle.samples.map((s) => s.t),
    label + "/oracle/samples",
    "t",
  );
  return r;
}

function inOrder(times: number[], at: string, field: string): void {
  for (let i = 1; i < times.length; i++) {
    if (times[i] < times[i - 1])
      fail("EINVAL", at + "/" + i + "/" + field + ": time goes backwards (" + times[i] + " after " + times[i - 1] + ")");
  }
}

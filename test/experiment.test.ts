import "../src/debug/host.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { listBoards, loadBoard } from "../sim/boards.js";
import {
  type ExperimentSpec,
  formatResult,
  freeRegion,
  loadExperiment,
  resolveRegion,
  runExperiment,
  validateExperiment,
  withFirmware,
} from "../sim/experiment.js";
import { POLICY_NAMES, type ExperimentResult, type PolicyResult } from "../sim/results.js";
import { checkResults } from "../sim/report.js";

const EXP = (f: string) => fileURLToPath(new URL("../experiments/" + f, import.meta.url));
const TRACE = fileURLToPath(new URL("../traces/example.jsonl", import.meta.url));

function thrown(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
  assert.unreachable("expected a throw");
  return { code: "", message: "" };
}

function byPolicy(r: ExperimentResult, name: string): PolicyResult {
  const p = r.policies.find((q) => q.policy === name);
  assert.ok(p, name);
  return p!;
}

function run(file: string): ExperimentResult {
  const { spec, baseDir } = loadExperiment(EXP(file));
  return runExperiment(spec, { baseDir });
}

/** A copy of the default experiment's spec with `change` applied. */
function defaultSpec(change?: (s: any) => void): any {
  const { spec } = loadExperiment(EXP("default.json"));
  const s = JSON.parse(JSON.stringify(spec));
  if (change) change(s);
  return s;
}

let defaultResult: ExperimentResult | null = null;
function theDefault(): ExperimentResult {
  if (defaultResult === null) defaultResult = run("default.json");
  return defaultResult;
}

test("the default experiment: Bangle.js 2, the sensor logger, 24 simulated hours, every policy", () => {
  const r = theDefault();
  assert.is(r.board.name, "BANGLEJS2");
  assert.is(r.workload, "sensor-logger");
  assert.is(r.durationSeconds, 86400);
  assert.equal(
    r.policies.map((p) => p.policy),
    POLICY_NAMES.slice(),
  );
  assert.ok(r.sections.length >= 2);
  assert.ok(typeof r.firmware === "string" && r.limits[0].indexOf(r.firmware) >= 0, "the assumed firmware layout is stated");
  checkResults([r]);
});

test("the default experiment meets its goals: pack+gate saves >= 50% of all-on's retention, <= 1.1x the oracle, less than heap-top", () => {
  const r = theDefault();
  const pg = byPolicy(r, "pack+gate"),
    top = byPolicy(r, "heap-top");
  assert.ok(pg.savingRetentionPct >= 50, "saving " + pg.savingRetentionPct + "%");
  assert.ok(pg.retentionVsOracle <= 1.1, "vs oracle " + pg.retentionVsOracle);
  assert.ok(pg.energy.retention_uJ < top.energy.retention_uJ, pg.energy.retention_uJ + " vs heap-top " + top.energy.retention_uJ);
  for (const p of r.policies) {
    assert.is(p.failures, 0, p.policy + " failures");
    assert.is(p.dataErrors, 0, p.policy + " data errors");
  }
});

test("energy bookkeeping: total = base + retention, base the same for every policy, the oracle below every policy", () => {
  const r = theDefault();
  const allOn = r.policies[0];
  assert.is(allOn.savingRetentionPct, 0);
  assert.is(allOn.savingTotalPct, 0);
  assert.is(allOn.switchOffs, 0);
  assert.is(allOn.avgSectionsOn, r.sections.length);
  for (const p of r.policies) {
    const e = p.energy;
    assert.ok(Math.abs(e.total_uJ - e.base_uJ - e.retention_uJ) <= 1e-9 * e.total_uJ, p.policy);
    assert.ok(Math.abs(e.base_uJ - allOn.energy.base_uJ) <= 1e-9 * e.base_uJ, p.policy + " base");
    assert.ok(r.oracle.energy.retention_uJ <= e.retention_uJ * (1 + 1e-12), p.policy + " above the oracle");
    assert.ok(Math.abs(p.savingTotalPct - (100 * (allOn.energy.total_uJ - e.total_uJ)) / allOn.energy.total_uJ) < 1e-9);
    assert.ok(Math.abs(p.avgCurrent_uA * r.durationSeconds * 3 - e.total_uJ) < 1e-6 * e.total_uJ, "µA × s × 3 V = µJ");
    // Samples: in time order, from 0 to the end; lanes: one per section, starting at 0.
    assert.is(p.samples[0].t, 0);
    assert.is(p.samples[p.samples.length - 1].t, r.durationSeconds);
    for (let i = 1; i < p.samples.length; i++) assert.ok(p.samples[i].t > p.samples[i - 1].t);
    assert.ok(p.samples.length < 5000, "samples at changes and every sampleSeconds, not per event: " + p.samples.length);
    assert.is(p.lanes.length, r.sections.length);
    for (const l of p.lanes) {
      assert.is(l.changes[0][0], 0);
      for (let i = 1; i < l.changes.length; i++)
        assert.ok(l.changes[i][0] > l.changes[i - 1][0] && l.changes[i][1] !== l.changes[i - 1][1]);
    }
    // Every switch-off is a change to "off" in a lane (one at t = 0 shows as the lane's first state).
    assert.is(
      p.lanes.reduce((a, l) => a + l.changes.filter((c) => c[1] === "off").length, 0),
      p.switchOffs,
      p.policy + " lanes vs switch-offs",
    );
  }
  assert.ok(r.sources.some((s) => s.what === "voltage"));
  assert.ok(r.sources.some((s) => /retention/.test(s.what)));
});

test("same seed, same numbers to the last digit; another seed, other numbers", () => {
  const a = JSON.stringify(theDefault());
  const b = JSON.stringify(run("default.json"));
  assert.is(a, b);
  const spec = defaultSpec((s) => {
    s.seed = 2;
  });
  const c = runExperiment(spec, {});
  assert.is.not(JSON.stringify(c.policies), JSON.stringify(theDefault().policies));
});

for (const file of ["ble-packets.json", "dma-sg.json", "mixed-heap.json"]) {
  test(file + ": every policy runs without data errors; pack+gate uses less retention energy than heap-top", () => {
    const r = run(file);
    for (const p of r.policies) assert.is(p.dataErrors, 0, p.policy);
    const pg = byPolicy(r, "pack+gate"),
      top = byPolicy(r, "heap-top");
    assert.ok(r.oracle.energy.retention_uJ <= pg.energy.retention_uJ * (1 + 1e-12));
    assert.ok(
      pg.energy.retention_uJ < top.energy.retention_uJ,
      "pack+gate " + (pg.energy.retention_uJ / 1e3).toFixed(2) + " mJ, heap-top " + (top.energy.retention_uJ / 1e3).toFixed(2) + " mJ",
    );
  });
}

test("hysteresis: pack+gate switches less often and never uses less retention energy", () => {
  const base = theDefault();
  const r = runExperiment(
    defaultSpec((s) => {
      s.hysteresis = 300;
      s.policies = ["pack+gate"];
    }),
    {},
  );
  const pg0 = byPolicy(base, "pack+gate"),
    pg = byPolicy(r, "pack+gate");
  assert.ok(pg.switchOffs < pg0.switchOffs, pg.switchOffs + " vs " + pg0.switchOffs);
  assert.ok(pg.energy.retention_uJ >= pg0.energy.retention_uJ);
  // all-on always runs: it is the baseline of the savings.
  assert.equal(
    r.policies.map((p) => p.policy),
    ["all-on", "pack+gate"],
  );
});

test("a trace with the board's stock firmware layout: nothing can be switched off, and the oracle says so", () => {
  const r = runExperiment({ board: "BANGLEJS2", allocator: { kind: "granular", region: "free" }, trace: TRACE });
  for (const p of r.policies) {
    assert.is(p.switchOffs, 0, p.policy);
    assert.is(p.energy.retention_uJ, r.policies[0].energy.retention_uJ);
  }
  assert.ok(Math.abs(r.oracle.energy.retention_uJ - r.policies[0].energy.retention_uJ) < 1e-9 * r.oracle.energy.retention_uJ);
  assert.match(formatResult(r), /all-on/);
});

test("the terminal table: a row per policy and the oracle, savings both ways, the firmware assumption", () => {
  const t = formatResult(theDefault());
  for (const p of POLICY_NAMES) assert.match(t, new RegExp("\\n" + p.replace("+", "\\+") + " "));
  assert.match(t, /\noracle /);
  assert.match(t, /saved % ret\s+saved % total\s+ret\/oracle/);
  assert.match(t, /firmware assumed: A Bangle\.js 2 build/);
});

// ---------------------------------------------------------------------------
// Experiment files: schema errors name the file and the field.

function badFile(data: unknown, raw?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "ramkit-exp-"));
  try {
    const f = join(dir, "bad.json");
    writeFileSync(f, raw !== undefined ? raw : JSON.stringify(data, null, 2));
    const e = thrown(() => loadExperiment(f));
    assert.is(e.code, "EINVAL");
    assert.match(e.message, /bad\.json/);
    return e.message;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const GOOD = {
  board: "PUCKJS",
  durationSeconds: 60,
  allocator: { kind: "memblocks", region: "free", blockSize: 256 },
  workload: { kind: "dma-sg" },
};
const edit = (f: (d: any) => void) => {
  const d = JSON.parse(JSON.stringify(GOOD));
  f(d);
  return d;
};

test("schema errors name the JSON path: types, unknown fields, missing fields, choices, ranges", () => {
  assert.match(
    badFile(
      edit((d) => {
        d.allocator.blockSize = "4k";
      }),
    ),
    /bad\.json: \/allocator\/blockSize: expected an integer .*got "4k"/,
  );
  assert.match(
    badFile(
      edit((d) => {
        d.alocator = d.allocator;
      }),
    ),
    /\/alocator: unknown field; valid: /,
  );
  assert.match(
    badFile(
      edit((d) => {
        delete d.board;
      }),
    ),
    /bad\.json: \/board: missing/,
  );
  assert.match(
    badFile(
      edit((d) => {
        d.allocator.kind = "tlsf";
      }),
    ),
    /\/allocator\/kind: expected one of "memblocks", "onesize", "granular", got "tlsf"/,
  );
  assert.match(
    badFile(
      edit((d) => {
        d.workload.kind = "video";
      }),
    ),
    /\/workload\/kind: expected one of "sensor-logger"/,
  );
  assert.match(
    badFile(
      edit((d) => {
        d.workload.params = { speed: 3 };
      }),
    ),
    /\/workload\/params\/speed: unknown field; valid: transfersPerMinute/,
  );
  assert.match(
    badFile(
      edit((d) => {
        d.workload.params = { maxBlocks: 0 };
      }),
    ),
    /\/workload\/params\/maxBlocks: expected a value >= 1 .*got 0/,
  );
  assert.match(
    badFile(
      edit((d) => {
        d.durationSeconds = 0;
      }),
    ),
    /\/durationSeconds: expected a value > 0/,
  );
  assert.match(
    badFile(
      edit((d) => {
        d.policies = ["pack+gate", "greedy"];
      }),
    ),
    /\/policies\/1: expected one of "all-on", "heap-top", "gate-empty", "pack\+gate", got "greedy"/,
  );
  assert.match(
    badFile(
      edit((d) => {
        d.policies = ["heap-top", "heap-top"];
      }),
    ),
    /\/policies: items 0 and 1 are the same/,
  );
  assert.match(
    badFile(
      edit((d) => {
        d.seed = -1;
      }),
    ),
    /\/seed: expected a value >= 0/,
  );
  assert.match(
    badFile(
      edit((d) => {
        d.allocator.base = "20000000";
        d.allocator.size = 4096;
        delete d.allocator.region;
      }),
    ),
    /\/allocator\/base: expected a "0x…" hex address/,
  );
  const two = badFile(
    edit((d) => {
      d.seed = "x";
      d.hysteresis = -1;
    }),
  );
  assert.match(two, /2 problems:\n {2}\/seed: .*\n {2}\/hysteresis: /);
});

test("rules beyond the schema: one of workload and trace, region or base+size, the workload's allocator", () => {
  assert.match(
    badFile(
      edit((d) => {
        d.trace = "x.jsonl";
      }),
    ),
    /bad\.json: \/: expected exactly one of "workload" and "trace"/,
  );
  assert.match(
    badFile(
      edit((d) => {
        delete d.workload;
      }),
    ),
    /expected exactly one of "workload" and "trace"/,
  );
  assert.match(
    badFile(
      edit((d) => {
        delete d.durationSeconds;
      }),
    ),
    /\/durationSeconds: missing/,
  );
  assert.match(
    badFile(
      edit((d) => {
        d.allocator.base = "0x2000C000";
      }),
    ),
    /\/allocator: expected either "region" or "base" and "size", not both/,
  );
  assert.match(
    badFile(
      edit((d) => {
        delete d.allocator.region;
        d.allocator.base = "0x2000C000";
      }),
    ),
    /\/allocator\/size: missing/,
  );
  assert.match(
    badFile(
      edit((d) => {
        d.allocator.granule = 16;
      }),
    ),
    /\/allocator\/granule: only a granular heap has a granule/,
  );
  assert.match(
    badFile(
      edit((d) => {
        d.allocator.kind = "granular";
        delete d.allocator.blockSize;
      }),
    ),
    /\/allocator\/kind: workload dma-sg runs on memblocks, got "granular"/,
  );
  assert.match(badFile(null, '{\n  "board": "PUCKJS",\n  "durationSeconds": 60,,\n}'), /bad\.json:3: expected valid JSON/);
  assert.is(thrown(() => loadExperiment("/nonexistent/x.json")).code, "ENOENT");
  assert.match(thrown(() => validateExperiment([], "inline")).message, /inline: \/: expected a object/);
});

test("specs that validate but cannot run: unknown board, region, mode; a region over reserved RAM; a bad firmware layout", () => {
  const spec = (f: (d: any) => void): ExperimentSpec => edit(f);
  assert.match(
    thrown(() =>
      runExperiment(
        spec((d) => {
          d.board = "NOPE";
        }),
      ),
    ).message,
    /unknown board "NOPE"/,
  );
  assert.match(
    thrown(() =>
      runExperiment(
        spec((d) => {
          d.allocator.region = "heap";
        }),
      ),
    ).message,
    /allocator\.region: board PUCKJS has no region "heap"; valid: free, shared/,
  );
  assert.match(
    thrown(() =>
      runExperiment(
        spec((d) => {
          d.powerMode = "deep";
        }),
      ),
    ).message,
    /powerMode must be one of system-on-idle, system-off .*got "deep"/,
  );
  assert.match(
    thrown(() =>
      runExperiment(
        spec((d) => {
          delete d.allocator.region;
          d.allocator.base = "0x20004000";
          d.allocator.size = 4096;
        }),
      ),
    ).message,
    /allocator region \[0x20004000, 0x20005000\) overlaps PUCKJS's reserved range Espruino variables/,
  );
  assert.match(
    thrown(() =>
      runExperiment(
        spec((d) => {
          delete d.allocator.region;
          d.allocator.base = "0x30000000";
          d.allocator.size = 4096;
        }),
      ),
    ).message,
    /is not inside PUCKJS's RAM/,
  );
  const fw = (reserved: any[]) =>
    spec((d) => {
      d.firmware = { assumption: "test", reserved };
    });
  assert.match(
    thrown(() =>
      runExperiment(
        fw([
          { name: "a", kind: "other", base: "0x20000000", size: 100 },
          { name: "b", kind: "other", base: "0x20000010", size: 10 },
        ]),
      ),
    ).message,
    /firmware\.reserved\[1\] \(b\) overlaps firmware\.reserved\[0\] \(a\)/,
  );
  assert.match(
    thrown(() => runExperiment(fw([{ name: "a", kind: "other", base: "0x1FFFFF00", size: 100 }]))).message,
    /firmware\.reserved\[0\] .* is not inside PUCKJS's RAM/,
  );
  assert.match(
    thrown(() =>
      runExperiment(
        spec((d) => {
          d.allocator.blockSize = 100;
        }),
      ),
    ).message,
    /blockSize must be a power of two/,
  );
  assert.match(
    thrown(() =>
      runExperiment(
        spec((d) => {
          d.trace = "nope.jsonl";
          delete d.workload;
        }),
      ),
    ).code,
    /ENOENT/,
  );
  assert.match(thrown(() => runExperiment(null as any)).message, /spec must be an experiment object/);
});

test("regions: free is whole gateable sections clear of reserved ranges when a board has them; firmware layouts replace the reserved ranges", () => {
  for (const name of listBoards()) {
    const b = loadBoard(name);
    let r: { base: number; size: number };
    try {
      r = freeRegion(b);
    } catch (e) {
      assert.match((e as Error).message, /no RAM outside its reserved ranges/);
      continue;
    }
    for (const q of b.reserved) assert.ok(q.base >= r.base + r.size || r.base >= q.base + q.size, name + " overlaps " + q.name);
    const inside = b.sections.filter((s) => s.base < r.base + r.size && r.base < s.base + s.size);
    const whole = inside.every((s) => s.base >= r.base && s.base + s.size <= r.base + r.size && s.gateable);
    const anyFree = b.sections.some((s) => s.gateable && !b.reserved.some((q) => q.base < s.base + s.size && s.base < q.base + q.size));
    assert.is(whole, anyFree, name);
  }
  const b = withFirmware(loadBoard("BANGLEJS2"), defaultSpec().firmware);
  assert.equal(resolveRegion(b, { kind: "memblocks", region: "free" }), { base: 0x20004000, size: 0xc000 });
  assert.equal(resolveRegion(b, { kind: "memblocks", base: "0x20004000", size: 4096 }), { base: 0x20004000, size: 4096 });
});

test.run();

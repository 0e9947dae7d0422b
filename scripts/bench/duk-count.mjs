#!/usr/bin/env node
// Deterministic interpreter cost: machine instructions per op under `duk`,
// counted by valgrind (callgrind), for every (adapter, workload) case that
// runs under duk. Wall-clock ratios on a shared machine swing by ±10–25%;
// instruction counts do not move between runs, so this is the way to compare
// two versions of an allocator's hot path for the interpreters.
//
//   npm run build && node scripts/bench/duk-count.mjs [--only NAME[,NAME]] [--units N]
//
// Each case runs twice in separate duk processes, with N and with 0 units of
// its workload after the same setup; the difference divided by the ops done
// is the cost per op, driver included (as in the throughput ratios). Needs
// `duk` and `valgrind` (Debian: apt-get install duktape valgrind); says so
// and exits 0 when either is missing. Not part of npm test or npm run bench.
import { spawnSync } from "node:child_process";
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildScript, hasCommand } from "./run.mjs";

const argv = process.argv.slice(2);
let only = null,
  units = 2;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--only") only = (argv[++i] || "").split(",").filter(Boolean);
  else if (argv[i] === "--units") units = Number(argv[++i]);
  else {
    console.error("usage: node scripts/bench/duk-count.mjs [--only NAME[,NAME]] [--units N]");
    process.exit(2);
  }
}
if (!hasCommand("duk") || !hasCommand("valgrind")) {
  console.log("duk-count: skipped, needs `duk` and `valgrind` (Debian: apt-get install duktape valgrind)");
  process.exit(0);
}

// The script's last statement: list the cases, or run one case `u` units.
const LIST = `var s = benchSelect(); for (var i = 0; i < s.cases.length; i++) host.print("CASE " + s.cases[i].adapter.name + " " + s.cases[i].workload);`;
const RUN = (name, wl, u) =>
  `var s = benchSelect(), c = null; for (var i = 0; i < s.cases.length; i++) ` +
  `if (s.cases[i].adapter.name === ${JSON.stringify(name)} && s.cases[i].workload === ${JSON.stringify(wl)}) c = benchMakeCase(s.cases[i].adapter, s.cases[i].workload); ` +
  `host.print("OPS " + (${u} > 0 ? c.run(${u}) : 0));`;

const dir = mkdtempSync(join(tmpdir(), "ramkit-dukcount-"));
function run(main, counted) {
  const file = join(dir, "s.js");
  writeFileSync(file, buildScript("duk", { quick: true, only }, main));
  const r = counted
    ? spawnSync("valgrind", ["--tool=callgrind", "--callgrind-out-file=/dev/null", "duk", file], { encoding: "utf8" })
    : spawnSync("duk", [file], { encoding: "utf8" });
  if (r.status !== 0) throw new Error("duk failed: " + r.stderr + r.stdout);
  const refs = /I\s+refs:\s+([\d,]+)/.exec(r.stderr || "");
  return { out: r.stdout, instr: refs ? Number(refs[1].replace(/,/g, "")) : NaN };
}

try {
  const cases = [...run(LIST, false).out.matchAll(/^CASE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]);
  const rows = [];
  for (const [name, wl] of cases) {
    const a = run(RUN(name, wl, 0), true),
      b = run(RUN(name, wl, units), true);
    const ops = Number(/OPS (\d+)/.exec(b.out)[1]);
    rows.push({ adapter: name, workload: wl, ops, perOp: (b.instr - a.instr) / ops });
  }
  for (const wl of [...new Set(rows.map((r) => r.workload))]) {
    console.log(wl);
    const rs = rows.filter((r) => r.workload === wl);
    const ref = rs.find((r) => ["flist", "bytemap"].includes(r.adapter));
    for (const r of rs) {
      const ratio = ref ? (ref.perOp / r.perOp).toFixed(3) : "—";
      console.log(
        "  " +
          r.adapter.padEnd(12) +
          String(Math.round(r.perOp)).padStart(8) +
          " instructions/op   x" +
          ratio +
          " (ref/this)   " +
          r.ops +
          " ops",
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

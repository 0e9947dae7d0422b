// The CI version of the soak (scripts/soak.mjs): one million random
// operations per allocator (MemBlocks, Onesize, GranularHeap, MemoryManager,
// and a BankManager over three allocators on a strict simulated Bangle.js 2)
// against the script's light model, validate() every 10,000. It passes when
// every run completes without a violation, and when the script's self-test
// (each allocator's free() ignoring one call) is reported for every
// allocator. `npm run soak` is the full ten-million run whose figures are in
// docs/RELIABILITY.md.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";

test("soak: 1,000,000 operations per allocator, no violation", () => {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/soak.mjs", "--ops", "1000000"], { encoding: "utf8" });
  const out = r.stdout + r.stderr;
  console.log(out.trim());
  for (const name of ["MemBlocks", "Onesize", "GranularHeap", "MemoryManager", "BankManager"]) {
    assert.match(
      out,
      new RegExp(name + "\\s+1,000,000 ops\\s+0 violations"),
      name + " did not complete 1,000,000 operations without a violation",
    );
  }
  assert.match(out, "soak: no violations");
  assert.is(r.status, 0, "exit code");
});

test("soak --self-test: a free() that frees nothing once is reported for every allocator", () => {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/soak.mjs", "--ops", "20000", "--self-test"], { encoding: "utf8" });
  assert.match(r.stdout, "soak: 5 allocator(s) with a violation");
  assert.is(r.status, 0, r.stdout + r.stderr);
});

test.run();

// `npm run flash -- --only A,B` (scripts/flash/only.mjs): a bundle of just
// the named exports carries their classes and nothing else (no other
// allocator's code, which would cost RAM on Espruino for nothing), and each
// class works in it: the methods its module installs at load are there.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync } from "node:fs";
import { onlyBundle } from "../scripts/flash/only.mjs";
import { bundleExports } from "../scripts/espruino/floor.mjs";

const built = existsSync("dist/ramkit.js") && existsSync("dist/ramkit-extras.js");
const SKIP = "  (skipped: run `npm run build` first)";

/** Method names that only each class has: finding one in a bundle means the class is in it. */
const MARKS: Record<string, string[]> = {
  MemBlocks: ["allocContiguous"],
  Onesize: ["releaseRange", "reclaimRange"],
  GranularHeap: ["granule must be a power of two"],
  BankManager: ["powerOff"],
  BufferManager: ["returnBuffer"],
};

const CASES: [string, (rk: any, mem: any) => void][] = [
  [
    "MemBlocks",
    (rk, mem) => {
      const mb = new rk.MemBlocks(mem, { base: 0x20000000, size: 0x1000, blockSize: 64 });
      const a = mb.allocBlock();
      assert.is(a, 0x20000000);
      assert.is(mb.freeBlock(a), 0);
      assert.is(mb.allocContiguous(3), 0x20000000);
    },
  ],
  [
    "Onesize",
    (rk, mem) => {
      const p = new rk.Onesize(mem, { base: 0x20000000, size: 0x1000, blockSize: 32 });
      const a = p.allocate(32);
      assert.ok(a >= 0x20000000 && a < 0x20001000);
      assert.is(p.free(a), 0);
      assert.is(p.stats().used, 0);
    },
  ],
  [
    "GranularHeap",
    (rk, mem) => {
      const h = new rk.GranularHeap(mem, { base: 0x20000000, size: 0x1000 });
      assert.type(h.fit, "function", "fit, installed by the granular entry");
      const a = h.allocate(100);
      assert.ok(a >= 0x20000000);
      const next = h.fit(100);
      assert.ok(next > a, "fit says where the next request would go");
      assert.is(h.allocate(100), next);
      assert.is(h.free(a), 0);
    },
  ],
  [
    "MemoryManager",
    (rk, mem) => {
      const m = new rk.MemoryManager(mem, { base: 0x20000000, size: 0x1000 });
      const a = m.allocate(64);
      assert.ok(a >= 0x20000000, "allocate: GranularHeap's, assigned at load");
      assert.is(m.free(a), 0);
    },
  ],
];

for (const [name, use] of CASES) {
  test("--only " + name + ",ArrayMemory: the class works, and no other allocator is in the bundle", async () => {
    if (!built) {
      console.log(SKIP);
      return;
    }
    const text: string = await onlyBundle([name, "ArrayMemory"]);
    const rk = bundleExports(text);
    assert.equal(Object.keys(rk).sort(), ["ArrayMemory", name, "VERSION"].sort());
    use(rk, new rk.ArrayMemory(0x20000000, 0x1000));
    for (const other of Object.keys(MARKS))
      if (other !== name && !(name === "MemoryManager" && other === "GranularHeap"))
        for (const mark of MARKS[other]) assert.not.ok(text.includes(mark), "--only " + name + " carries " + other + " (" + mark + ")");
  });
}

test.run();

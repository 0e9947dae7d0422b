// MemBlocks model test: random sequences of every verb (allocBlock, allocate with and
// without a hint, allocBlocks into writable and frozen arrays, allocContiguous, get,
// free, freeBlock, freeBlocks, freeContiguous whole and partial, bad frees, isRegionFree,
// resetPeak, close while busy, watchers coming and going) against a reference model,
// frees in LIFO, FIFO and random order. Every block handed out is filled with a pattern
// through the Memory port and checked when it is freed. After every step: validate(),
// invariantsHold(), stats() and lastError equal to the model's, every bit, and the
// watcher's events equal to the model's list.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import "../src/debug/host.js";
import { MemBlocks } from "../src/alloc/mem-blocks.js";
import type { Watcher } from "../src/alloc/api.js";
import { ArrayMemory } from "../src/hal/array-memory.js";
import { EINVAL, ENOMEM, EFAULT, EBUSY, ENOENT } from "../src/core/errors.js";

const BASE = 0x20000000;

/** Block i's bit in the allocator's bitmap (1 = allocated): bit i & 31 of word (i >> 5) + 1 of _w. */
function bit(mb: MemBlocks, i: number): number {
  return (mb._w[(i >> 5) + 1] >>> (i & 31)) & 1;
}

type Order = "lifo" | "fifo" | "random";
type Op =
  | { k: "allocBlock" }
  | { k: "allocate"; size: number; hint: number; onLive: boolean; pick: number }
  | { k: "allocBlocks"; n: number; frozen: boolean }
  | { k: "contig"; n: number }
  | { k: "get"; idx: number; n: number }
  | { k: "free"; pick: number; via: number; inner: number }
  | { k: "part"; pick: number; from: number; len: number }
  | { k: "bad"; pick: number; kind: number }
  | { k: "isFree"; idx: number; n: number }
  | { k: "resetPeak" }
  | { k: "close" }
  | { k: "watch" };

/** Operations on `nb` blocks of `bs` bytes; runs and scatter-gather counts up to `maxN`. */
const opArb = (nb: number, bs: number, maxN: number): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant({ k: "allocBlock" } as Op) },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant("allocate"),
        size: fc.integer({ min: 0, max: bs + 1 }),
        hint: fc.integer({ min: -2, max: nb + 2 }),
        onLive: fc.boolean(),
        pick: fc.nat(),
      }) as fc.Arbitrary<Op>,
    },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant("allocBlocks"),
        n: fc.integer({ min: 0, max: maxN }),
        frozen: fc.boolean(),
      }) as fc.Arbitrary<Op>,
    },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("contig"), n: fc.integer({ min: 0, max: maxN }) }) as fc.Arbitrary<Op> },
    {
      weight: 1,
      arbitrary: fc.record({
        k: fc.constant("get"),
        idx: fc.integer({ min: -2, max: nb + 1 }),
        n: fc.integer({ min: 0, max: 6 }),
      }) as fc.Arbitrary<Op>,
    },
    {
      weight: 6,
      arbitrary: fc.record({
        k: fc.constant("free"),
        pick: fc.nat(),
        via: fc.integer({ min: 0, max: 3 }),
        inner: fc.nat(),
      }) as fc.Arbitrary<Op>,
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("part"), pick: fc.nat(), from: fc.nat(), len: fc.nat() }) as fc.Arbitrary<Op> },
    {
      weight: 1,
      arbitrary: fc.record({ k: fc.constant("bad"), pick: fc.nat(), kind: fc.integer({ min: 0, max: 4 }) }) as fc.Arbitrary<Op>,
    },
    {
      weight: 1,
      arbitrary: fc.record({
        k: fc.constant("isFree"),
        idx: fc.integer({ min: -1, max: nb }),
        n: fc.integer({ min: 0, max: 5 }),
      }) as fc.Arbitrary<Op>,
    },
    { weight: 1, arbitrary: fc.constant({ k: "resetPeak" } as Op) },
    { weight: 1, arbitrary: fc.constant({ k: "close" } as Op) },
    { weight: 1, arbitrary: fc.constant({ k: "watch" } as Op) },
  );

/** A live allocation: the block indexes it holds, whether they form one run, its pattern id. */
interface Live {
  id: number;
  idx: number[];
  run: boolean;
}

type Ev = [string, number, number];

class Harness {
  mem: ArrayMemory;
  mb: MemBlocks;
  used: boolean[];
  u = 0;
  peak = 0;
  failures = 0;
  lastError = 0;
  live: Live[] = [];
  nextId = 1;
  /** Whether the watcher is registered; the events it saw, and those the model expects. */
  watching = false;
  heard: Ev[] = [];
  due: Ev[] = [];
  watcher: Watcher = {
    onAlloc: (a, bytes, al) => {
      assert.ok(al === this.mb);
      this.heard.push(["a", a, bytes]);
    },
    onFree: (a, bytes, al) => {
      assert.ok(al === this.mb);
      this.heard.push(["f", a, bytes]);
    },
  };
  constructor(
    public nb: number,
    public bs: number,
    public order: Order,
  ) {
    this.mem = new ArrayMemory(BASE, nb * bs);
    this.mb = new MemBlocks(this.mem, { base: BASE, size: nb * bs, blockSize: bs });
    this.used = new Array(nb).fill(false);
  }
  addr(i: number) {
    return BASE + i * this.bs;
  }
  freeCount() {
    return this.nb - this.u;
  }
  firstRun(n: number, from = 0) {
    for (let s = Math.max(0, from); s + n <= this.nb; s++) if (this.used.slice(s, s + n).every((x) => !x)) return s;
    return -1;
  }
  /** A call that failed with `code` (negative). */
  failed(r: number, code: number) {
    assert.is(r, code);
    this.failures++;
    this.lastError = code;
  }
  /** A refused watch, unwatch or close: lastError only (failures count allocations and frees). */
  refused(r: number, code: number) {
    assert.is(r, code);
    this.lastError = code;
  }
  /** An allocation that returned 0 with lastError `code`. */
  failed0(a: number, code: number) {
    assert.is(a, 0);
    this.failures++;
    this.lastError = code;
  }
  /** Blocks `idx` taken as one allocation; `events`: one per run (true) or per block (false). */
  take(idx: number[], run: boolean, perRun: boolean) {
    const id = this.nextId++;
    for (const i of idx) {
      assert.not.ok(this.used[i], "model: block " + i + " already used");
      this.used[i] = true;
      this.mem.fill(this.addr(i), this.bs, id & 0xff);
      this.mem.write32(this.addr(i), id);
    }
    this.u += idx.length;
    if (this.u > this.peak) this.peak = this.u;
    if (this.watching) {
      if (perRun) this.due.push(["a", this.addr(idx[0]), idx.length * this.bs]);
      else for (const i of idx) this.due.push(["a", this.addr(i), this.bs]);
    }
    this.live.push({ id, idx, run });
  }
  release(l: Live, idx: number[], perRun: boolean) {
    for (const i of idx) {
      assert.is(this.mem.read32(this.addr(i)), l.id, "pattern of block " + i);
      if (this.bs > 4) assert.is(this.mem.read8(this.addr(i) + this.bs - 1), l.id & 0xff, "pattern end of block " + i);
      this.used[i] = false;
    }
    this.u -= idx.length;
    if (this.watching) {
      if (perRun) this.due.push(["f", this.addr(idx[0]), idx.length * this.bs]);
      else for (const i of idx) this.due.push(["f", this.addr(i), this.bs]);
    }
    l.idx = l.idx.filter((i) => idx.indexOf(i) < 0);
    l.run = false;
    if (l.idx.length === 0) this.live.splice(this.live.indexOf(l), 1);
  }
  pick(p: number): Live | undefined {
    const n = this.live.length;
    if (n === 0) return undefined;
    return this.live[this.order === "lifo" ? n - 1 : this.order === "fifo" ? 0 : p % n];
  }

  step(op: Op) {
    const mb = this.mb,
      bs = this.bs;
    switch (op.k) {
      case "allocBlock": {
        const want = this.firstRun(1);
        const a = mb.allocBlock();
        if (want < 0) {
          this.failed0(a, -ENOMEM);
          break;
        }
        assert.is(a, this.addr(want));
        this.take([want], true, true);
        break;
      }
      case "allocate": {
        // hints are block starts, 5 bytes past them (the next block up), outside the region, or
        // the first block of a live allocation (its word is often full from there: the search
        // goes on in the next word with a free block)
        const on = op.onLive && this.live.length ? this.live[op.pick % this.live.length] : undefined;
        const hint = on
          ? this.addr(on.idx[0])
          : op.hint === -2
            ? undefined
            : op.hint === -1
              ? 0
              : op.hint % 3 === 0
                ? this.addr(op.hint) + 5
                : this.addr(op.hint);
        const a = mb.allocate(op.size, op.size % 2 ? undefined : 4, hint);
        if (op.size === 0 || op.size > bs) {
          this.failed0(a, -EINVAL);
          break;
        }
        let want = -1;
        if (hint) want = this.firstRun(1, Math.ceil((hint - BASE) / bs));
        if (want < 0) want = this.firstRun(1);
        if (want < 0) {
          this.failed0(a, -ENOMEM);
          break;
        }
        assert.is(a, this.addr(want));
        this.take([want], true, true);
        break;
      }
      case "allocBlocks": {
        if (op.frozen && op.n > 0 && op.n <= this.freeCount()) {
          const frozen = Object.freeze(new Array(op.n).fill(1));
          assert.throws(
            () => mb.allocBlocks(op.n, frozen as any),
            (e: any) => e.code === "EINVAL" && /out/.test(e.message),
          );
          break; // nothing taken: check() compares every bit and counter
        }
        const out: number[] = [];
        const r = mb.allocBlocks(op.n, out);
        if (op.n > this.freeCount()) {
          this.failed(r, -ENOMEM);
          assert.is(out.length, 0);
          break;
        }
        assert.is(r, 0);
        const idx: number[] = [];
        for (let i = 0; i < this.nb && idx.length < op.n; i++) if (!this.used[i]) idx.push(i);
        assert.equal(
          out,
          idx.map((i) => this.addr(i)),
        );
        if (op.n > 0) this.take(idx, false, false);
        break;
      }
      case "contig": {
        const a = mb.allocContiguous(op.n);
        if (op.n === 0) {
          this.failed0(a, -EINVAL);
          break;
        }
        const s = this.firstRun(op.n);
        if (s < 0) {
          this.failed0(a, -ENOMEM);
          break;
        }
        assert.is(a, this.addr(s));
        this.take(
          Array.from({ length: op.n }, (_, j) => s + j),
          true,
          true,
        );
        break;
      }
      case "get": {
        const r = mb.get(BASE + op.idx * bs, op.n);
        if (op.n === 0) {
          assert.is(r, 0);
          break;
        }
        const ok = op.idx >= 0 && op.idx + op.n <= this.nb && this.used.slice(op.idx, op.idx + op.n).every((x) => !x);
        if (!ok) {
          this.failed(r, -ENOMEM);
          break;
        }
        assert.is(r, 0);
        this.take(
          Array.from({ length: op.n }, (_, j) => op.idx + j),
          true,
          true,
        );
        break;
      }
      case "free": {
        const l = this.pick(op.pick);
        if (!l) {
          assert.is(mb.free(0), 0);
          assert.is(mb.freeBlocks(0, []), 0);
          break;
        }
        const addrs = l.idx.map((i) => this.addr(i));
        const inner = op.inner % bs; // an interior offset, where the verb allows one
        if (l.run && op.via === 0) {
          assert.is(mb.freeContiguous(addrs[0] + inner, addrs.length), 0);
          this.release(l, l.idx.slice(), true);
        } else if (addrs.length === 1 && op.via === 1) {
          assert.is(mb.freeBlock(addrs[0] + inner), 0);
          this.release(l, l.idx.slice(), true);
        } else if (addrs.length === 1 && op.via === 2) {
          if (inner !== 0) this.failed(mb.free(addrs[0] + inner), -EFAULT); // the contract's free takes block starts only
          assert.is(mb.free(addrs[0]), 0);
          this.release(l, l.idx.slice(), true);
        } else {
          assert.is(
            mb.freeBlocks(
              addrs.length,
              addrs.map((a) => a + inner),
            ),
            0,
          );
          this.release(l, l.idx.slice(), false);
        }
        break;
      }
      case "part": {
        // free a sub-run of a run: freeContiguous in the middle of an allocation is allowed
        const runs = this.live.filter((l) => l.run && l.idx.length > 1);
        if (runs.length === 0) break;
        const l = runs[op.pick % runs.length];
        const from = op.from % l.idx.length,
          len = 1 + (op.len % (l.idx.length - from));
        assert.is(mb.freeContiguous(this.addr(l.idx[from]), len), 0);
        this.release(l, l.idx.slice(from, from + len), true);
        break;
      }
      case "bad": {
        const free = this.used.map((x, i) => (x ? -1 : i)).filter((i) => i >= 0);
        const l = this.pick(op.pick);
        if (op.kind === 0 && free.length) {
          // double free / never allocated: alone, and after a good entry (all-or-nothing)
          const f = this.addr(free[op.pick % free.length]);
          this.failed(mb.freeBlocks(1, [f]), -EFAULT);
          this.failed(mb.freeBlock(f), -EFAULT);
          this.failed(mb.free(f), -EFAULT);
          if (l) this.failed(mb.freeBlocks(2, [this.addr(l.idx[0]), f]), this.nb < 2 ? -EINVAL : -EFAULT);
        } else if (op.kind === 1) {
          this.failed(mb.freeBlocks(1, [BASE + this.nb * bs]), -EFAULT);
          this.failed(mb.freeContiguous(BASE - bs, 1), -EFAULT);
          this.failed(mb.freeBlock(BASE - 1), -EFAULT);
          this.failed(mb.free(BASE + this.nb * bs), -EFAULT);
        } else if (op.kind === 2 && l) {
          // the same address twice in one call
          this.failed(mb.freeBlocks(2, [this.addr(l.idx[0]), this.addr(l.idx[0])]), this.nb < 2 ? -EINVAL : -EFAULT);
        } else if (op.kind === 3) {
          this.failed(mb.freeBlocks(this.nb + 1, []), -EINVAL);
          this.failed(mb.freeContiguous(BASE + (this.nb - 1) * bs, 2), -EINVAL);
          const partlyFree = free.find((i) => i > 0 && this.used[i - 1]);
          if (partlyFree !== undefined) this.failed(mb.freeContiguous(this.addr(partlyFree - 1), 2), -EFAULT);
        } else if (op.kind === 4) {
          this.failed(mb.free("x" as any), -EINVAL);
          this.refused(mb.watch({} as any), -EINVAL);
          this.refused(mb.unwatch({ onAlloc() {}, onFree() {} }), -ENOENT);
          this.failed0(mb.allocate(1, 3), -EINVAL);
          if (l && bs > 4) this.failed(mb.free(this.addr(l.idx[0]) + 4), -EFAULT);
        }
        break;
      }
      case "isFree": {
        const want = op.n > 0 && op.idx >= 0 && op.idx + op.n <= this.nb && this.used.slice(op.idx, op.idx + op.n).every((x) => !x);
        assert.is(mb.isRegionFree(BASE + op.idx * bs, op.n), want);
        break;
      }
      case "resetPeak":
        mb.resetPeak();
        this.peak = this.u;
        this.failures = 0;
        break;
      case "close":
        if (this.u > 0) this.refused(mb.close(), -EBUSY); // an empty allocator would really close
        break;
      case "watch":
        // a watcher moves allocBlock's counter and freeBlock's limit (see MemBlocks._s): the statistics must not move
        if (this.watching) assert.is(mb.unwatch(this.watcher), 0);
        else assert.is(mb.watch(this.watcher), 0);
        this.watching = !this.watching;
        break;
    }
  }

  check(what: string) {
    const mb = this.mb;
    assert.is(mb.validate(), null, what);
    assert.ok(mb.invariantsHold(), what);
    const bs = this.bs;
    assert.equal(
      mb.stats(),
      { used: this.u * bs, free: (this.nb - this.u) * bs, peak: this.peak * bs, count: this.u, failures: this.failures },
      what,
    );
    assert.is(mb.blockStats().maxUsedBlocks, this.peak, what);
    assert.is(mb.lastError, this.lastError, what + ": lastError");
    assert.equal(this.heard, this.due, what + ": the watcher's events");
    for (let i = 0; i < this.nb; i++) assert.is(bit(mb, i), this.used[i] ? 1 : 0, what + ": bit " + i);
  }
}

/**
 * Which hot paths run: on Node allocBlock is the Math.clz32 version with
 * locals (engines with machine code); "tab" is the bytecode interpreters'
 * (locals, the offset table); "espruino" Espruino's allocBlock and freeBlock.
 */
type Version = "default" | "tab" | "espruino";

function run(order: Order, numRuns: number, version: Version = "default", maxBlocks = 90, maxOps = 70, maxN = 12) {
  fc.assert(
    fc.property(
      fc
        .integer({ min: 1, max: maxBlocks })
        .chain((nb) =>
          fc
            .constantFrom(4, 16, 64)
            .chain((bs) => fc.tuple(fc.constant(nb), fc.constant(bs), fc.array(opArb(nb, bs, maxN), { maxLength: maxOps, size: "max" }))),
        ),
      ([nb, bs, ops]) => {
        const h = new Harness(nb, bs, order);
        if (version === "tab") h.mb.allocBlock = h.mb._allocTab; // this instance only
        if (version === "espruino") {
          h.mb.allocBlock = h.mb._allocEspruino;
          h.mb.freeBlock = h.mb._freeEspruino;
        }
        ops.forEach((op, k) => {
          h.step(op);
          h.check("step " + k + " " + JSON.stringify(op));
        });
        while (h.live.length) h.step({ k: "free", pick: 0, via: 3, inner: 0 });
        h.check("drained");
        assert.is(h.mb.stats().count, 0);
        assert.is(h.mb.close(), 0);
      },
    ),
    { numRuns },
  );
}

test("model: frees newest first (LIFO)", () => run("lifo", 80));
test("model: frees oldest first (FIFO)", () => run("fifo", 80));
test("model: frees in random order", () => run("random", 80));
test("model, up to 200 blocks and 200 steps (hints across full words): LIFO, random", () => {
  run("lifo", 25, "default", 200, 200, 40);
  run("random", 25, "default", 200, 200, 40);
});
test("model, allocBlock's table version (no Math.clz32): LIFO, FIFO, random", () => {
  assert.is.not(MemBlocks.prototype.allocBlock, MemBlocks.prototype._allocTab, "Node (V8) takes the Math.clz32 version");
  run("lifo", 30, "tab");
  run("fifo", 30, "tab");
  run("random", 30, "tab");
});
test("model, Espruino's allocBlock and freeBlock: LIFO, FIFO, random, and across full words", () => {
  assert.is.not(MemBlocks.prototype.freeBlock, MemBlocks.prototype._freeEspruino, "Node takes the version with locals");
  run("lifo", 30, "espruino");
  run("fifo", 30, "espruino");
  run("random", 30, "espruino");
  run("random", 10, "espruino", 200, 200, 40);
});

test("FIFO and LIFO single-block cycles keep the hint exact (no scan penalty state)", () => {
  for (const order of ["lifo", "fifo"] as Order[]) {
    const mb = new MemBlocks(new ArrayMemory(BASE, 2048 * 32), { base: BASE, size: 2048 * 32, blockSize: 32 });
    for (let round = 0; round < 3; round++) {
      const got: number[] = [];
      let a;
      while ((a = mb.allocBlock()) !== 0) got.push(a);
      assert.is(got.length, 2048);
      if (order === "lifo") got.reverse();
      for (const x of got) assert.is(mb.freeBlock(x), 0);
      assert.is(mb.validate(), null);
      assert.is(mb._h, 1, "the hint is word 0 again");
    }
  }
});

test.run();

// MemBlocks model test: random allocBlock / alloc / allocContiguous / get / free /
// freeBlock / freeContiguous (whole and partial) / bad frees / isRegionFree / resetMax /
// listeners coming and going
// sequences against a reference model, frees in LIFO, FIFO and random order. Every
// block handed out is filled with a pattern through the Memory port and checked when
// it is freed; validate() and the statistics are checked after every step.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { MemBlocks } from "../src/alloc/mem-blocks.js";
import { ArrayMemory } from "../src/hal/array-memory.js";
import { EINVAL, ENOMEM, EFAULT } from "../src/core/errors.js";

const BASE = 0x20000000;

type Order = "lifo" | "fifo" | "random";
type Op =
  | { k: "allocBlock" }
  | { k: "alloc" | "contig"; n: number }
  | { k: "get"; idx: number; n: number }
  | { k: "free"; pick: number; via: number }
  | { k: "part"; pick: number; from: number; len: number }
  | { k: "bad"; pick: number; kind: number }
  | { k: "isFree"; idx: number; n: number }
  | { k: "resetMax" }
  | { k: "listen" };

const opArb = (nb: number): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant({ k: "allocBlock" } as Op) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("alloc"), n: fc.integer({ min: 0, max: 12 }) }) as fc.Arbitrary<Op> },
    { weight: 2, arbitrary: fc.record({ k: fc.constant("contig"), n: fc.integer({ min: 0, max: 12 }) }) as fc.Arbitrary<Op> },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("get"), idx: fc.integer({ min: -2, max: nb + 1 }), n: fc.integer({ min: 0, max: 6 }) }) as fc.Arbitrary<Op> },
    { weight: 5, arbitrary: fc.record({ k: fc.constant("free"), pick: fc.nat(), via: fc.integer({ min: 0, max: 2 }) }) as fc.Arbitrary<Op> },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("part"), pick: fc.nat(), from: fc.nat(), len: fc.nat() }) as fc.Arbitrary<Op> },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("bad"), pick: fc.nat(), kind: fc.integer({ min: 0, max: 3 }) }) as fc.Arbitrary<Op> },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("isFree"), idx: fc.integer({ min: -1, max: nb }), n: fc.integer({ min: 0, max: 5 }) }) as fc.Arbitrary<Op> },
    { weight: 1, arbitrary: fc.constant({ k: "resetMax" } as Op) },
    { weight: 1, arbitrary: fc.constant({ k: "listen" } as Op) },
  );

/** A live allocation: the block indexes it holds, whether they form one run, its pattern id. */
interface Live { id: number; idx: number[]; run: boolean; }

class Harness {
  mem: ArrayMemory;
  mb: MemBlocks;
  used: boolean[];
  u = 0;
  max = 0;
  live: Live[] = [];
  nextId = 1;
  /** Listeners registered now; bytes they reported, and bytes they should have. */
  listening = false;
  heard = [0, 0];
  due = [0, 0];
  onA = (_m: MemBlocks, _a: number, bytes: number) => { this.heard[0] += bytes; };
  onF = (_m: MemBlocks, _a: number, bytes: number) => { this.heard[1] += bytes; };
  constructor(public nb: number, public bs: number, public order: Order) {
    this.mem = new ArrayMemory(BASE, nb * bs);
    this.mb = new MemBlocks(this.mem, BASE, bs, nb);
    this.used = new Array(nb).fill(false);
  }
  addr(i: number) { return BASE + i * this.bs; }
  freeCount() { return this.nb - this.u; }
  firstRun(n: number) {
    for (let s = 0; s + n <= this.nb; s++) if (this.used.slice(s, s + n).every((x) => !x)) return s;
    return -1;
  }
  take(idx: number[], run: boolean) {
    const id = this.nextId++;
    for (const i of idx) {
      assert.not.ok(this.used[i], "model: block " + i + " already used");
      this.used[i] = true;
      this.mem.fill(this.addr(i), this.bs, id & 0xff);
      this.mem.write32(this.addr(i), id);
    }
    this.u += idx.length;
    if (this.u > this.max) this.max = this.u;
    if (this.listening) this.due[0] += idx.length * this.bs;
    this.live.push({ id, idx, run });
  }
  release(l: Live, idx: number[]) {
    for (const i of idx) {
      assert.is(this.mem.read32(this.addr(i)), l.id, "pattern of block " + i);
      if (this.bs > 4) assert.is(this.mem.read8(this.addr(i) + this.bs - 1), l.id & 0xff, "pattern end of block " + i);
      this.used[i] = false;
    }
    this.u -= idx.length;
    if (this.listening) this.due[1] += idx.length * this.bs;
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
    const mb = this.mb;
    switch (op.k) {
      case "allocBlock": {
        const want = this.firstRun(1);
        const a = mb.allocBlock();
        assert.is(a, want < 0 ? 0 : this.addr(want));
        if (want >= 0) this.take([want], true);
        break;
      }
      case "alloc": {
        const out: number[] = [];
        const r = mb.alloc(op.n, out);
        if (op.n > this.freeCount()) { assert.is(r, -ENOMEM); assert.is(out.length, 0); break; }
        assert.is(r, 0);
        const idx: number[] = [];
        for (let i = 0; i < this.nb && idx.length < op.n; i++) if (!this.used[i]) idx.push(i);
        assert.equal(out, idx.map((i) => this.addr(i)));
        if (op.n > 0) this.take(idx, false);
        break;
      }
      case "contig": {
        const s = op.n === 0 ? -1 : this.firstRun(op.n);
        assert.is(mb.allocContiguous(op.n), s < 0 ? 0 : this.addr(s));
        if (s >= 0) this.take(Array.from({ length: op.n }, (_, j) => s + j), true);
        break;
      }
      case "get": {
        const r = mb.get(BASE + op.idx * this.bs, op.n);
        if (op.n === 0) { assert.is(r, 0); break; }
        const ok = op.idx >= 0 && op.idx + op.n <= this.nb && this.used.slice(op.idx, op.idx + op.n).every((x) => !x);
        assert.is(r, ok ? 0 : -ENOMEM);
        if (ok) this.take(Array.from({ length: op.n }, (_, j) => op.idx + j), true);
        break;
      }
      case "free": {
        const l = this.pick(op.pick);
        if (!l) { assert.is(mb.free(0, []), 0); break; }
        const addrs = l.idx.map((i) => this.addr(i));
        let r: number;
        if (l.run && op.via === 0) r = mb.freeContiguous(addrs[0], addrs.length);
        else if (addrs.length === 1 && op.via === 1) r = mb.freeBlock(addrs[0]);
        else r = mb.free(addrs.length, addrs);
        assert.is(r, 0);
        this.release(l, l.idx.slice());
        break;
      }
      case "part": {
        // free a sub-run of a run: freeContiguous in the middle of an allocation is allowed
        const runs = this.live.filter((l) => l.run && l.idx.length > 1);
        if (runs.length === 0) break;
        const l = runs[op.pick % runs.length];
        const from = op.from % l.idx.length, len = 1 + (op.len % (l.idx.length - from));
        assert.is(mb.freeContiguous(this.addr(l.idx[from]), len), 0);
        this.release(l, l.idx.slice(from, from + len));
        break;
      }
      case "bad": {
        const free = this.used.map((x, i) => (x ? -1 : i)).filter((i) => i >= 0);
        const l = this.pick(op.pick);
        if (op.kind === 0 && free.length) {
          // double free / never allocated: alone, and after a good entry (all-or-nothing)
          const f = this.addr(free[op.pick % free.length]);
          assert.is(mb.free(1, [f]), -EFAULT);
          assert.is(mb.freeBlock(f), -EFAULT);
          if (l) assert.is(mb.free(2, [this.addr(l.idx[0]), f]), this.nb < 2 ? -EINVAL : -EFAULT);
        } else if (op.kind === 1) {
          assert.is(mb.free(1, [BASE + this.nb * this.bs]), -EFAULT);
          assert.is(mb.freeContiguous(BASE - this.bs, 1), -EFAULT);
          assert.is(mb.freeBlock(BASE - 1), -EFAULT);
        } else if (op.kind === 2 && l) {
          // the same address twice in one call
          assert.is(mb.free(2, [this.addr(l.idx[0]), this.addr(l.idx[0])]), this.nb < 2 ? -EINVAL : -EFAULT);
        } else if (op.kind === 3) {
          assert.is(mb.free(this.nb + 1, []), -EINVAL);
          assert.is(mb.freeContiguous(BASE + (this.nb - 1) * this.bs, 2), -EINVAL);
          const partlyFree = free.find((i) => i > 0 && this.used[i - 1]);
          if (partlyFree !== undefined) assert.is(mb.freeContiguous(this.addr(partlyFree - 1), 2), -EFAULT);
        }
        break;
      }
      case "isFree": {
        const want = op.n > 0 && op.idx >= 0 && op.idx + op.n <= this.nb && this.used.slice(op.idx, op.idx + op.n).every((x) => !x);
        assert.is(mb.isRegionFree(BASE + op.idx * this.bs, op.n), want);
        break;
      }
      case "resetMax":
        assert.is(mb.resetMax(), 0);
        this.max = this.u;
        break;
      case "listen":
        // alloc listeners change allocBlock's counter (see MemBlocks._r): the statistics must not move
        if (this.listening) { assert.is(mb.removeListener(this.onA), 0); assert.is(mb.removeListener(this.onF), 0); }
        else { assert.is(mb.onAlloc(this.onA), 0); assert.is(mb.onFree(this.onF), 0); }
        this.listening = !this.listening;
        break;
    }
  }

  check(what: string) {
    const mb = this.mb;
    assert.is(mb.validate(), null, what);
    assert.ok(mb.invariantsHold(), what);
    const s = mb.stats();
    assert.is(s.usedBlocks, this.u, what);
    assert.is(s.maxUsedBlocks, this.max, what);
    assert.is(s.allocatedBytes, this.u * this.bs);
    assert.is(s.freeBytes, (this.nb - this.u) * this.bs);
    assert.equal(this.heard, this.due, what + ": bytes reported to the listeners");
    for (let i = 0; i < this.nb; i++) assert.is(mb.bitmap.test(i), this.used[i] ? 1 : 0, what + ": bit " + i);
  }
}

/**
 * allocBlock is the Math.clz32 version on compiling engines (Node), else
 * _allocTab (the interpreters): `tab` runs the model on the table version.
 */
function run(order: Order, numRuns: number, tab = false) {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 90 }).chain((nb) =>
        fc.tuple(fc.constant(nb), fc.constantFrom(4, 16, 64), fc.array(opArb(nb), { maxLength: 70 }))),
      ([nb, bs, ops]) => {
        const h = new Harness(nb, bs, order);
        if (tab) h.mb.allocBlock = h.mb._allocTab; // this instance only
        ops.forEach((op, k) => { h.step(op); h.check("step " + k + " " + JSON.stringify(op)); });
        while (h.live.length) h.step({ k: "free", pick: 0, via: 2 });
        h.check("drained");
        assert.is(h.mb.stats().usedBlocks, 0);
      },
    ),
    { numRuns },
  );
}

test("model: frees newest first (LIFO)", () => run("lifo", 80));
test("model: frees oldest first (FIFO)", () => run("fifo", 80));
test("model: frees in random order", () => run("random", 80));
test("model, allocBlock's table version (no Math.clz32): LIFO, FIFO, random", () => {
  assert.is.not(MemBlocks.prototype.allocBlock, MemBlocks.prototype._allocTab, "Node (V8) takes the Math.clz32 version");
  run("lifo", 30, true);
  run("fifo", 30, true);
  run("random", 30, true);
});

test("FIFO and LIFO single-block cycles keep the hint exact (no scan penalty state)", () => {
  for (const order of ["lifo", "fifo"] as Order[]) {
    const mb = new MemBlocks(new ArrayMemory(BASE, 4), BASE, 32, 2048);
    for (let round = 0; round < 3; round++) {
      const got: number[] = [];
      let a;
      while ((a = mb.allocBlock()) !== 0) got.push(a);
      assert.is(got.length, 2048);
      if (order === "lifo") got.reverse();
      for (const x of got) assert.is(mb.freeBlock(x), 0);
      assert.is(mb.validate(), null);
      assert.is(mb.bitmap._h, 0);
    }
  }
});

test.run();

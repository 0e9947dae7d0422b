// Onesize: model-based tests. Random sequences of allocate (with and without
// an alignment), allocateX, free (newest first, oldest first, or any), bad
// frees, free(0), freeAll, releaseRange, reclaimRange, resetPeak and
// watch/unwatch run against a reference model that predicts every address
// (bump index, LIFO list, released ranges), every lastError after a failed
// call, the statistics and every watcher event. Every block is filled with a
// pattern when it is handed out and checked before it is freed (a free
// overwrites the first word with the link). Released blocks are "switched
// off": the memory faults on any access to them and their bytes are
// scribbled over, so a pool that touched them or trusted them fails.
// validate() and invariantsHold() after every step.
import "../src/debug/host.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { Onesize } from "../src/alloc/onesize.js";
import { ArrayMemory } from "../src/hal/array-memory.js";
import type { Memory } from "../src/hal/ports.js";
import { EFAULT, EBUSY, EINVAL, ENOMEM } from "../src/core/errors.js";
import type { Watcher } from "../src/alloc/api.js";

const BASE = 0x20000000;
const FRESH = 0,
  USED = 1,
  FREE = 2,
  RELEASED = 3;

type Op =
  | { t: "alloc"; size: number }
  | { t: "allocAl"; size: number; al: number | undefined }
  | { t: "allocX"; size: number; margin: number }
  | { t: "free"; pick: number }
  | { t: "double"; pick: number }
  | { t: "foreign"; off: number }
  | { t: "freeAll" }
  | { t: "free0" }
  | { t: "resetPeak" }
  | { t: "watch" }
  | { t: "release"; at: number; jit: number; blocks: number; jl: number }
  | { t: "reclaim"; at: number; jit: number; blocks: number; jl: number };

// A range near block (at mod n+2) - 1, `blocks` long, both ends moved by jit/16 and jl/16 of a block.
const rangeFields = {
  at: fc.nat(1000),
  jit: fc.integer({ min: -8, max: 8 }),
  blocks: fc.integer({ min: 0, max: 5 }),
  jl: fc.integer({ min: -8, max: 8 }),
};

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant("alloc" as const), size: fc.integer({ min: -2, max: 72 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("allocAl" as const),
      size: fc.integer({ min: 0, max: 40 }),
      al: fc.constantFrom(undefined, 1, 2, 4, 8, 16, 32, 64, 128, 0, 3, 12, -4),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ t: "free0" as const }) },
  { weight: 1, arbitrary: fc.constant({ t: "resetPeak" as const }) },
  { weight: 1, arbitrary: fc.constant({ t: "watch" as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("allocX" as const),
      size: fc.integer({ min: 0, max: 8 }),
      margin: fc.integer({ min: -1, max: 6 }),
    }),
  },
  { weight: 6, arbitrary: fc.record({ t: fc.constant("free" as const), pick: fc.nat(1000) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("double" as const), pick: fc.nat(1000) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("foreign" as const), off: fc.integer({ min: -64, max: 4000 }) }) },
  { weight: 1, arbitrary: fc.constant({ t: "freeAll" as const }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("release" as const), ...rangeFields }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("reclaim" as const), ...rangeFields }) },
);

const cfgArb = fc.record({
  blockSize: fc.integer({ min: 1, max: 70 }),
  alignment: fc.constantFrom(4, 8, 16),
  nblocks: fc.integer({ min: 1, max: 40 }),
  tail: fc.nat(15),
  lead: fc.nat(3),
});

/** A memory that faults on any access to a block marked off (released and "switched off"). */
function guarded(inner: ArrayMemory, offAt: (a: number, len: number) => boolean): Memory {
  const g: any = {};
  const check = (a: number, len: number) => {
    if (offAt(a, len)) throw Object.assign(new Error("access to a switched-off block at 0x" + a.toString(16)), { code: "EFAULT" });
  };
  g.read8 = (a: number) => {
    check(a, 1);
    return inner.read8(a);
  };
  g.read16 = (a: number) => {
    check(a, 2);
    return inner.read16(a);
  };
  g.read32 = (a: number) => {
    check(a, 4);
    return inner.read32(a);
  };
  g.write8 = (a: number, v: number) => {
    check(a, 1);
    inner.write8(a, v);
  };
  g.write16 = (a: number, v: number) => {
    check(a, 2);
    inner.write16(a, v);
  };
  g.write32 = (a: number, v: number) => {
    check(a, 4);
    inner.write32(a, v);
  };
  g.readBlock = (a: number, d: any, o: number, n: number) => {
    check(a, n);
    inner.readBlock(a, d, o, n);
  };
  g.writeBlock = (a: number, s: any, o: number, n: number) => {
    check(a, n);
    inner.writeBlock(a, s, o, n);
  };
  g.fill = (a: number, n: number, v: number) => {
    check(a, n);
    inner.fill(a, n, v);
  };
  g.copy = (d: number, s: number, n: number) => {
    check(d, n);
    check(s, n);
    inner.copy(d, s, n);
  };
  return g as Memory;
}

type Cfg = { blockSize: number; alignment: number; nblocks: number; tail: number; lead: number };

/**
 * Run `ops` on a pool and the model. The pool's port faults on blocks
 * switched off; `words`: the port also offers the memory's word view (the
 * links then bypass the port, as on an ArrayMemory), else every link goes
 * through read32/write32 (a board's peek/poke port, the simulator's MCU).
 */
function run(cfg: Cfg, ops: Op[], order: "lifo" | "fifo" | "any", words: boolean): void {
  const al = cfg.alignment,
    bs = Math.ceil(Math.max(cfg.blockSize, 1) / al) * al,
    n = cfg.nblocks;
  const base = BASE + cfg.lead * al,
    size = n * bs + (cfg.tail % bs);
  const raw = new ArrayMemory(BASE, size + 4 * al + 64);
  const st = new Array<number>(n).fill(FRESH);
  const off = new Array<boolean>(n).fill(false);
  const mem = guarded(raw, (a, len) => {
    for (let x = a; x < a + len; x++) {
      const i = Math.floor((x - base) / bs);
      if (i >= 0 && i < n && off[i]) return true;
    }
    return false;
  });
  if (words) mem.wordView = () => raw.wordView();
  const p = new Onesize(mem, { base, size, blockSize: cfg.blockSize, alignment: al });
  // on an engine with shift versions (Node, unless using() hid them) a block size that is not a power of two gets no word view
  assert.is(p._words !== null, words && ((bs & (bs - 1)) === 0 || !P._allocateDiv));
  assert.is(p.blockSize, bs);
  assert.is(p.counters().nblocks, n);
  const poolAlign = ((base | bs) & -(base | bs)) >>> 0;

  // the model
  let nb = 0,
    nfreeMin = n,
    nextId = 1,
    rejected = 0,
    failed = 0,
    badFrees = 0,
    failures = 0,
    lastError = 0,
    peak = 0;
  let watching = false;
  const stack: number[] = []; // free list, top = last
  const live: { i: number; id: number }[] = []; // allocation order
  const ids = new Map<number, number>();
  const events: [string, number, number][] = [],
    expected: [string, number, number][] = [];
  const watcher: Watcher = {
    onAlloc(a, b, x) {
      assert.is(x, p);
      events.push(["alloc", a, b]);
    },
    onFree(a, b, x) {
      assert.is(x, p);
      events.push(["free", a, b]);
    },
  };
  const addr = (i: number) => base + i * bs;
  const count = (s: number) => st.filter((x) => x === s).length;
  const nfree = () => count(FRESH) + count(FREE);
  const pattern = (id: number, k: number) => (id * 31 + k * 7 + 1) & 0xff;
  const fillBlock = (i: number, id: number) => {
    const b: number[] = [];
    for (let k = 0; k < bs; k++) b.push(pattern(id, k));
    raw.writeBlock(addr(i), b, 0, bs);
  };
  const checkBlock = (i: number, id: number) => {
    const b: number[] = [];
    raw.readBlock(addr(i), b, 0, bs);
    for (let k = 0; k < bs; k++) if (b[k] !== pattern(id, k)) assert.unreachable("block " + i + " byte " + k + " overwritten");
  };
  const range = (op: { at: number; jit: number; blocks: number; jl: number }): [number, number] => {
    const s = base + ((op.at % (n + 2)) - 1) * bs + Math.floor((op.jit * bs) / 16);
    return [s, Math.max(1, op.blocks * bs + Math.floor((op.jl * bs) / 16))];
  };
  const scribble = (i: number) => {
    const b: number[] = [];
    for (let k = 0; k < bs; k++) b.push((i * 13 + k * 101 + 0x5a) & 0xff);
    raw.writeBlock(addr(i), b, 0, bs);
  };
  const failWith = (code: number) => {
    lastError = -code;
    failures++;
  };
  const sizeOk = (s: number) => Number.isInteger(s) && s >= 1 && s <= bs;

  const expectAlloc = (got: number, okSize: boolean, margin: number) => {
    if (!okSize) {
      rejected++;
      failWith(EINVAL);
      assert.is(got, 0);
      return;
    }
    if (nfree() <= margin) {
      failed++;
      failWith(ENOMEM);
      assert.is(got, 0);
      return;
    }
    let i: number;
    if (stack.length > 0) i = stack.pop()!;
    else {
      i = st.indexOf(FRESH, nb);
      assert.ok(i >= 0, "model: a fresh block exists");
      nb = i + 1;
    }
    assert.is(got, addr(i), "allocation address");
    st[i] = USED;
    const id = nextId++;
    live.push({ i, id });
    ids.set(i, id);
    fillBlock(i, id);
    nfreeMin = Math.min(nfreeMin, nfree());
    peak = Math.max(peak, live.length);
    if (watching) expected.push(["alloc", got, bs]);
  };

  for (const op of ops) {
    switch (op.t) {
      case "alloc": {
        const got = p.allocate(op.size);
        expectAlloc(got, sizeOk(op.size), 0);
        break;
      }
      case "allocAl": {
        const got = p.allocate(op.size, op.al);
        const alOk = op.al === undefined || (op.al > 0 && (op.al & (op.al - 1)) === 0 && op.al <= poolAlign);
        expectAlloc(got, sizeOk(op.size) && alOk, 0);
        if (got !== 0 && op.al) assert.is(got % op.al, 0, "aligned");
        break;
      }
      case "allocX": {
        const got = p.allocateX(op.size, op.margin);
        if (op.margin < 0) {
          rejected++;
          failWith(EINVAL);
          assert.is(got, 0);
          break;
        }
        expectAlloc(got, sizeOk(op.size), op.margin);
        break;
      }
      case "free": {
        if (live.length === 0) break;
        const k = order === "lifo" ? live.length - 1 : order === "fifo" ? 0 : op.pick % live.length;
        const { i, id } = live[k];
        checkBlock(i, id);
        assert.is(p.free(addr(i)), 0);
        live.splice(k, 1);
        st[i] = FREE;
        stack.push(i);
        if (watching) expected.push(["free", addr(i), bs]);
        break;
      }
      case "double": {
        const cands = st.map((s, i) => (s === FREE || s === FRESH || s === RELEASED ? i : -1)).filter((i) => i >= 0);
        if (cands.length === 0) break;
        const i = cands[op.pick % cands.length];
        assert.is(p.free(addr(i)), -EFAULT);
        badFrees++;
        failWith(EFAULT);
        break;
      }
      case "foreign": {
        const a = base + op.off,
          k = (a - base) / bs;
        if (Number.isInteger(k) && k >= 0 && k < n && st[k] === USED) break;
        assert.is(p.free(a), -EFAULT);
        badFrees++;
        failWith(EFAULT);
        break;
      }
      case "free0": {
        assert.is(p.free(0), 0);
        break;
      }
      case "freeAll": {
        for (const { i, id } of live) checkBlock(i, id);
        assert.is(p.freeAll(), 0);
        if (watching) for (const i of live.map((x) => x.i).sort((a, b) => a - b)) expected.push(["free", addr(i), bs]);
        live.length = 0;
        stack.length = 0;
        for (let i = 0; i < n; i++) if (st[i] !== RELEASED) st[i] = FRESH;
        nb = 0;
        break;
      }
      case "resetPeak": {
        p.resetPeak();
        peak = live.length;
        failures = 0;
        break;
      }
      case "watch": {
        if (watching) assert.is(p.unwatch(watcher), 0);
        else assert.is(p.watch(watcher), 0);
        watching = !watching;
        break;
      }
      case "release": {
        const [s, len] = range(op),
          e = s + len;
        const lo = Math.max(0, Math.floor((s - base) / bs)),
          hi = Math.min(n, Math.ceil((e - base) / bs));
        const got = p.releaseRange(s, len);
        let busy = false;
        for (let i = lo; i < hi; i++) if (st[i] === USED) busy = true;
        if (busy) {
          assert.is(got, -EBUSY);
          lastError = -EBUSY;
          break;
        }
        let c = 0;
        for (let i = lo; i < hi; i++) {
          if (st[i] === FRESH || st[i] === FREE) {
            st[i] = RELEASED;
            c++;
          }
          if (st[i] === RELEASED && !off[i]) {
            scribble(i);
            off[i] = true;
          } // switch it off: contents lost
        }
        for (let k = stack.length - 1; k >= 0; k--) if (stack[k] >= lo && stack[k] < hi) stack.splice(k, 1);
        assert.is(got, c, "released count");
        nfreeMin = Math.min(nfreeMin, nfree());
        break;
      }
      case "reclaim": {
        const [s, len] = range(op),
          e = s + len;
        const lo = Math.max(0, Math.ceil((s - base) / bs)),
          hi = Math.min(n, Math.floor((e - base) / bs));
        for (let i = lo; i < hi; i++) off[i] = false; // switch on first
        const got = p.reclaimRange(s, len);
        const back: number[] = [];
        let c = 0;
        for (let i = lo; i < hi; i++) {
          if (st[i] !== RELEASED) continue;
          c++;
          if (i < nb) {
            st[i] = FREE;
            back.push(i);
          } else st[i] = FRESH;
        }
        for (let k = back.length - 1; k >= 0; k--) stack.push(back[k]);
        assert.is(got, c, "reclaimed count");
        break;
      }
    }
    const after = "after " + JSON.stringify(op);
    assert.is(p.validate(), null, "validate " + after);
    assert.ok(p.invariantsHold(), "invariantsHold " + after);
    assert.is(p.lastError, lastError, "lastError " + after);
    assert.equal(events, expected, "watcher events " + after);
    const c = p.counters();
    assert.is(c.nfree, nfree());
    assert.is(c.allocated, live.length);
    assert.is(c.released, count(RELEASED));
    assert.is(c.nfreeMin, nfreeMin);
    assert.is(c.rejected, rejected);
    assert.is(c.failed, failed);
    assert.is(c.badFrees, badFrees);
    assert.is(c.corruptions, 0);
    assert.equal(
      p.stats(),
      { used: live.length * bs, free: nfree() * bs, peak: peak * bs, count: live.length, failures },
      "stats " + after,
    );
  }
  const seen: number[] = [];
  p.iterateOverAllocated((a) => {
    seen.push(a);
  });
  assert.equal(
    seen,
    live.map((x) => addr(x.i)).sort((a, b) => a - b),
  );
  assert.is(p.close(), live.length === 0 ? 0 : -EBUSY);
}

const RUNS = 120;

/**
 * The versions of allocate and free to run: on an engine with WebAssembly
 * (Node) the shift versions are installed and the division versions, which
 * interpreters run, stay reachable as _allocateDiv/_freeDiv; both run here.
 * While the division versions run, _allocateDiv/_freeDiv are hidden from the
 * constructor, which then keeps the word view of a pool whose block size is
 * not a power of two, as on an interpreter.
 */
const P = Onesize.prototype as any;
const VERSIONS: [string, any, any][] = [["", P.allocate, P.free]];
if (P._allocateDiv) VERSIONS.push([" (division versions)", P._allocateDiv, P._freeDiv]);
function using(version: [string, any, any], fn: () => void): void {
  const allocate = P.allocate,
    free = P.free,
    allocateDiv = P._allocateDiv,
    freeDiv = P._freeDiv,
    div = version !== VERSIONS[0];
  P.allocate = version[1];
  P.free = version[2];
  if (div) {
    delete P._allocateDiv;
    delete P._freeDiv;
  }
  try {
    fn();
  } finally {
    P.allocate = allocate;
    P.free = free;
    if (div) {
      P._allocateDiv = allocateDiv;
      P._freeDiv = freeDiv;
    }
  }
}

// Pools with a word view run the prototype's allocate and free (each
// version); pools without one run _allocatePort and _freePort whatever the
// version, so they run once.
for (const version of VERSIONS) {
  for (const words of [true, false]) {
    if (!words && version !== VERSIONS[0]) continue;
    const kind = (words ? " (word view)" : " (port without a word view)") + version[0];
    for (const order of ["lifo", "fifo", "any"] as const) {
      test("model: random sequences, " + order + " frees, pattern-checked, validate() after every step" + kind, () => {
        using(version, () => {
          fc.assert(
            fc.property(cfgArb, fc.array(opArb, { minLength: 20, maxLength: 100, size: "max" }), (cfg, ops) => {
              run(cfg, ops, order, words);
            }),
            { numRuns: RUNS },
          );
        });
      });
    }

    test("model: fill and drain the whole pool many times in both orders" + kind, () => {
      using(version, () => {
        fc.assert(
          fc.property(cfgArb, fc.boolean(), (cfg, lifo) => {
            const ops: Op[] = [];
            for (let r = 0; r < 3; r++) {
              for (let k = 0; k <= cfg.nblocks; k++) ops.push({ t: "alloc", size: 4 });
              for (let k = 0; k < cfg.nblocks; k++) ops.push({ t: "free", pick: 0 });
            }
            run(cfg, ops, lifo ? "lifo" : "fifo", words);
          }),
          { numRuns: 40 },
        );
      });
    });
  }
}

test.run();

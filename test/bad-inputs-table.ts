/**
 * The bad-input catalogue's table: for every public entry point of the host
 * build ("ramkit": src/entries/node.ts, the full bundle and the extras with the debug add-on installed, plus the
 * add-on bundle's own exports, "ramkit/debug") and of the simulator
 * ("ramkit/sim": sim/index.ts), the bad inputs tried. test/bad-inputs.test.ts
 * runs every case, records what actually happened and fails when an entry
 * point has no row or a case ends in an exception without a `.code`.
 *
 * A case is `{ input, run }`: `run(s, ctx)` makes one call on the subject
 * `s` that the entry's `setup()` made fresh for this case (after the case's
 * optional `prep`, which is not part of the outcome). `note` explains an
 * outcome that is right although the input is odd (a documented no-op, a
 * query that answers "no"). `known` marks an open finding: an outcome the
 * test would otherwise fail on, listed as such in docs/RELIABILITY.md.
 */
import * as rkModule from "../src/entries/node.js";
import "../src/debug/host.js";
import { installDebug } from "../src/debug/index.js";
import { TraceRecorder as TraceRecorderClass } from "../src/debug/trace.js";
import * as simModule from "../sim/index.js";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** One bad input of one entry point. */
export interface Case {
  /** What was passed, in words ("size NaN", "double free"). */
  input: string;
  /** A subject of its own instead of the entry's (a manager never set up, for "use before init"). */
  setup?: () => Ctx;
  /** Steps before the call whose outcome is recorded (allocations, a close). */
  prep?: (s: any, ctx: Ctx) => void;
  /** The call. Its return value or exception is the outcome. */
  run: (s: any, ctx: Ctx) => unknown;
  /** Why an unremarkable outcome is right (a documented no-op, a query answering "no"). */
  note?: string;
  /** An open finding: the outcome fails the catalogue's rules; the reason and owner. */
  known?: string;
}

/** What `setup()` makes: the subject and the addresses the cases need. */
export interface Ctx {
  s: any;
  [k: string]: any;
}

/** The rows of one entry point: a fresh subject per case, and the cases. */
export interface Entry {
  setup: () => Ctx;
  cases: Case[];
}

// The modules as plain objects: the table is run-time data (bad inputs are
// bad types on purpose), and exports move while the bundles are slimmed.
const rk: any = rkModule;
const sim: any = simModule;
const TraceRecorder: any = TraceRecorderClass;

// ---------------------------------------------------------------------------
// Fixtures.

export const MEM_BASE = 0x20000000;
export const MEM_SIZE = 0x4000;
/** The region every allocator manages: 4 KiB, 4 KiB into a 16 KiB ArrayMemory. */
export const BASE = 0x20001000;
export const SIZE = 0x1000;
/** An address no allocator or port of the fixtures knows. */
export const FOREIGN = 0x30000000;

const noop = () => undefined;
const watcher = () => ({ onAlloc: noop, onFree: noop });
const mem = () => new rk.ArrayMemory(MEM_BASE, MEM_SIZE);
/** Four sections of 1 KiB over the region, all gateable. */
const sectionSpecs = () => [0, 1, 2, 3].map((i) => ({ name: "S" + i, base: BASE + i * 0x400, size: 0x400, gateable: true }));

/** Scratch directory for files the cases read (deterministic names; messages show it as $TMP). */
export const SCRATCH = join(tmpdir(), "ramkit-bad-inputs");
mkdirSync(SCRATCH, { recursive: true });
const scratch = (name: string, text: string): string => {
  const f = join(SCRATCH, name);
  writeFileSync(f, text);
  return f;
};

let puck: any = null;
/** The Puck.js board (loaded once). */
const board = (): any => (puck === null ? (puck = sim.loadBoard("PUCKJS")) : puck);

/** A contract allocator's context: `live` is allocated, `freed` was allocated and freed. */
function allocCtx(s: any, size: number): Ctx {
  const live = s.allocate(size),
    freed = s.allocate(size);
  s.free(freed);
  return { s, live, freed, base: s.base, bs: s.blockSize };
}

const setups = {
  memblocks: () => allocCtx(new rk.MemBlocks(mem(), { base: BASE, size: SIZE, blockSize: 64 }), 16),
  onesize: () => allocCtx(new rk.Onesize(mem(), { base: BASE, size: SIZE, blockSize: 32 }), 16),
  granular: () => allocCtx(new rk.GranularHeap(mem(), { base: BASE, size: SIZE }), 40),
  manager: () => allocCtx(new rk.MemoryManager(mem(), { base: BASE, size: SIZE }), 40),
  bank: () => {
    const heap = new rk.GranularHeap(mem(), { base: BASE, size: SIZE });
    const s = new rk.BankManager(new rk.StatePower(sectionSpecs()), { policy: "gate-empty" });
    s.manage(heap);
    return { ...allocCtx(s, 40), heap, bs: 16 };
  },
  buffers: () => {
    const heap = new rk.GranularHeap(mem(), { base: BASE, size: SIZE });
    const s = new rk.BufferManager();
    s.setup(1, 0, new rk.MemAllocatorAdapter(heap), [
      { bufferSize: 32, numBuffers: 4 },
      { bufferSize: 64, numBuffers: 2 },
    ]);
    return { ...allocCtx(s, 16), heap, bs: 32 };
  },
};

// ---------------------------------------------------------------------------
// Case builders.

/** The bad numbers every numeric argument gets. */
export const BAD_NUMBERS: [string, unknown][] = [
  ["NaN", NaN],
  ["negative (-1)", -1],
  ["fractional (1.5)", 1.5],
  ["huge (2^32)", 2 ** 32],
  ["Infinity", Infinity],
  ['wrong type ("16")', "16"],
  ["wrong type (null)", null],
  ["missing (undefined)", undefined],
];

/** One case per bad number for argument `arg`. */
function nums(arg: string, call: (s: any, v: any, ctx: Ctx) => unknown, skip: string[] = []): Case[] {
  return BAD_NUMBERS.filter(([label]) => skip.indexOf(label) < 0).map(([label, v]) => ({
    input: arg + " " + label,
    run: (s: any, ctx: Ctx) => call(s, v, ctx),
  }));
}

/** Bad addresses for argument `arg`, relative to the context's region and live allocation. */
function addrs(arg: string, call: (s: any, a: any, ctx: Ctx) => unknown, opts: { interior?: boolean; double?: boolean } = {}): Case[] {
  const out: Case[] = [
    { input: arg + " NaN", run: (s, c) => call(s, NaN, c) },
    { input: arg + " negative (-1)", run: (s, c) => call(s, -1, c) },
    { input: arg + " fractional (live + 0.5)", run: (s, c) => call(s, c.live + 0.5, c) },
    { input: arg + " huge (2^32)", run: (s, c) => call(s, 2 ** 32, c) },
    { input: arg + " wrong type (hex string)", run: (s, c) => call(s, "0x" + c.live.toString(16), c) },
    { input: arg + " wrong type (null)", run: (s, c) => call(s, null, c) },
    { input: arg + " wrong type (object)", run: (s, c) => call(s, {}, c) },
    { input: arg + " foreign (0x30000000)", run: (s, c) => call(s, FOREIGN, c) },
    { input: arg + " unaligned (live + 1)", run: (s, c) => call(s, c.live + 1, c) },
    { input: arg + " one past the end", run: (s, c) => call(s, c.end !== undefined ? c.end : c.base + SIZE, c) },
  ];
  if (opts.interior !== false) out.push({ input: arg + " interior (live + block)", run: (s, c) => call(s, c.live + c.bs, c) });
  if (opts.double !== false) out.push({ input: arg + " double free (freed already)", run: (s, c) => call(s, c.freed, c) });
  return out;
}

/** Bad objects for argument `arg`. */
function objs(arg: string, call: (s: any, o: any, ctx: Ctx) => unknown, extra: [string, unknown][] = []): Case[] {
  const base: [string, unknown][] = [
    ["null", null],
    ["a number (42)", 42],
    ['a string ("x")', "x"],
    ["an empty object", {}],
    ["a function", noop],
  ];
  return base.concat(extra).map(([label, v]) => ({ input: arg + " " + label, run: (s: any, ctx: Ctx) => call(s, v, ctx) }));
}

/** Bad callbacks for argument `arg`. */
function fns(arg: string, call: (s: any, f: any, ctx: Ctx) => unknown): Case[] {
  return (
    [
      ["null", null],
      ["a number (42)", 42],
      ["an object", {}],
      ["a string", "f"],
    ] as [string, unknown][]
  ).map(([label, v]) => ({ input: arg + " " + label, run: (s: any, ctx: Ctx) => call(s, v, ctx) }));
}

/** A no-argument call given junk: JavaScript ignores extra arguments. */
const extraArg = (call: (s: any, x: any) => unknown, note = "takes no arguments; an extra one is ignored"): Case[] => [
  { input: 'an unexpected argument ("junk")', run: (s) => call(s, "junk"), note },
];

const QUERY = "a query: the answer for an address it does not have";

/** The allocator contract's members, the same bad inputs for every allocator. */
function contract(setup: () => Ctx, opts: { hint?: boolean; fixed?: boolean } = {}): { [method: string]: Entry } {
  const e = (cases: Case[]): Entry => ({ setup, cases });
  return {
    allocate: e([
      ...nums("size", (s, v) => s.allocate(v)),
      { input: "size 0", run: (s) => s.allocate(0) },
      { input: "size larger than the region", run: (s) => s.allocate(SIZE * 2) },
      ...nums("alignment", (s, v) => s.allocate(8, v), ["missing (undefined)"]),
      { input: "alignment 0", run: (s) => s.allocate(8, 0) },
      { input: "alignment 3 (not a power of two)", run: (s) => s.allocate(8, 3) },
      { input: "alignment 2^31 (beyond the region)", run: (s) => s.allocate(8, 0x80000000) },
      ...nums("hint", (s, v) => s.allocate(8, undefined, v), ["missing (undefined)", "wrong type (null)"]),
      {
        input: "after close (use after close)",
        prep: (s, c) => {
          s.free(c.live);
          s.close();
        },
        run: (s) => s.allocate(8),
      },
      {
        input: "hint foreign (0x30000000)",
        run: (s) => s.allocate(8, undefined, FOREIGN),
        note:
          opts.hint === false
            ? "the hint is ignored (LIFO is the design)"
            : "no fit at or above the hint: the allocator's own placement, as the contract says",
      },
    ]),
    free: e([
      ...addrs("address", (s, a) => s.free(a)),
      { input: "address missing (undefined)", run: (s) => s.free() },
      { input: "address 0 (NULL)", run: (s) => s.free(0), note: "free(0) is a no-op, as C's free(NULL)" },
    ]),
    owns: e([
      { input: "address NaN", run: (s) => s.owns(NaN), note: QUERY },
      { input: "address wrong type (hex string of the base)", run: (s, c) => s.owns("0x" + c.base.toString(16)), note: QUERY },
      { input: "address wrong type (null)", run: (s) => s.owns(null), note: QUERY },
      { input: "address negative (-1)", run: (s) => s.owns(-1), note: QUERY },
      { input: "address huge (2^32)", run: (s) => s.owns(2 ** 32), note: QUERY },
    ]),
    stats: e(objs("out", (s, o) => s.stats(o))),
    resetPeak: e(extraArg((s, x) => s.resetPeak(x))),
    watch: e([
      ...objs("watcher", (s, o) => s.watch(o)),
      { input: "watcher without onFree", run: (s) => s.watch({ onAlloc: noop }) },
      { input: "watcher with onAlloc not a function", run: (s) => s.watch({ onAlloc: 1, onFree: noop }) },
    ]),
    unwatch: e([...objs("watcher", (s, o) => s.unwatch(o)), { input: "a watcher that is not watching", run: (s) => s.unwatch(watcher()) }]),
    close: e([
      { input: "while allocations are live", run: (s) => s.close() },
      {
        input: "twice (use after close)",
        prep: (s, c) => {
          s.free(c.live);
          s.close();
        },
        run: (s) => s.close(),
        note: "closing again does nothing",
      },
    ]),
  };
}

/** The debug add-on's checkers, called with junk (they take nothing). */
function checkers(setup: () => Ctx): { [method: string]: Entry } {
  return {
    invariantsHold: { setup, cases: extraArg((s, x) => s.invariantsHold(x)) },
    validate: { setup, cases: extraArg((s, x) => s.validate(x)) },
  };
}

/** A Memory port's members (ArrayMemory, SimMcu, SharedMemory, PeekPokeMemory). */
function memoryPort(setup: () => Ctx, opts: { mapped?: boolean; wordView?: boolean } = {}): { [method: string]: Entry } {
  const e = (cases: Case[]): Entry => ({ setup, cases });
  const UNALIGNED = "an unaligned access is allowed (bytes in little-endian order)",
    SIGNED = "a signed value of the width is allowed";
  const at = (call: (s: any, a: any) => unknown) =>
    addrs("address", (s, a) => call(s, a), { interior: false, double: false }).map((c) =>
      /unaligned/.test(c.input) ? { ...c, note: UNALIGNED } : c,
    );
  const signed = (cases: Case[]) => cases.map((c) => (/^value negative/.test(c.input) ? { ...c, note: SIGNED } : c));
  const out: { [method: string]: Entry } = {
    read8: e(at((s, a) => s.read8(a))),
    read16: e(at((s, a) => s.read16(a))),
    read32: e(at((s, a) => s.read32(a))),
    write8: e([
      ...at((s, a) => s.write8(a, 1)),
      ...signed(nums("value", (s, v, c) => s.write8(c.live, v))),
      { input: "value 256 (beyond a byte)", run: (s, c) => s.write8(c.live, 256) },
    ]),
    write16: e([
      ...at((s, a) => s.write16(a, 1)),
      ...signed(nums("value", (s, v, c) => s.write16(c.live, v))),
      { input: "value 65536 (beyond a half-word)", run: (s, c) => s.write16(c.live, 65536) },
    ]),
    write32: e([
      ...at((s, a) => s.write32(a, 1)),
      ...signed(nums("value", (s, v, c) => s.write32(c.live, v), ["huge (2^32)"])),
      { input: "value 2^32 (beyond a word)", run: (s, c) => s.write32(c.live, 2 ** 32) },
    ]),
    readBlock: e([
      ...at((s, a) => s.readBlock(a, [], 0, 4)),
      ...objs("dst", (s, o, c) => s.readBlock(c.live, o, 0, 4)),
      ...nums("off", (s, v, c) => s.readBlock(c.live, [], v, 4)),
      ...nums("len", (s, v, c) => s.readBlock(c.live, [], 0, v)),
      {
        input: "len past the end of memory",
        run: (s, c) => s.readBlock(c.live, [], 0, (c.end !== undefined ? c.end : MEM_BASE + MEM_SIZE) - c.live + 4),
      },
    ]),
    writeBlock: e([
      ...at((s, a) => s.writeBlock(a, [1, 2, 3, 4], 0, 4)),
      ...objs("src", (s, o, c) => s.writeBlock(c.live, o, 0, 4)),
      ...nums("off", (s, v, c) => s.writeBlock(c.live, [1, 2, 3, 4], v, 4)),
      ...nums("len", (s, v, c) => s.writeBlock(c.live, [1, 2, 3, 4], 0, v)),
      { input: "src shorter than off + len", run: (s, c) => s.writeBlock(c.live, [1, 2], 0, 4) },
    ]),
    fill: e([
      ...at((s, a) => s.fill(a, 4, 0)),
      ...nums("len", (s, v, c) => s.fill(c.live, v, 0)),
      ...signed(nums("value", (s, v, c) => s.fill(c.live, 4, v))),
    ]),
    copy: e([
      ...addrs("dst", (s, a, c) => s.copy(a, c.live, 4), { interior: false, double: false }).map((c) =>
        /unaligned/.test(c.input) ? { ...c, note: UNALIGNED } : c,
      ),
      ...addrs("src", (s, a, c) => s.copy(c.live, a, 4), { interior: false, double: false }).map((c) =>
        /unaligned/.test(c.input) ? { ...c, note: UNALIGNED } : c,
      ),
      ...nums("len", (s, v, c) => s.copy(c.live, c.live + 8, v)),
    ]),
  };
  if (opts.mapped !== false) {
    out.mapped = e([
      ...nums("address", (s, v) => s.mapped(v, 4)).map((x) => ({ ...x, note: QUERY })),
      ...nums("len", (s, v, c) => s.mapped(c.live, v)).map((x) => ({ ...x, note: QUERY })),
    ]);
  }
  if (opts.wordView) out.wordView = e(extraArg((s, x) => s.wordView(x)));
  return out;
}

/** A Power port's members (StatePower, SimMcu). */
function powerPort(setup: () => Ctx): { [method: string]: Entry } {
  const e = (cases: Case[]): Entry => ({ setup, cases });
  const idx = (call: (s: any, i: any) => unknown) => [
    ...nums("section", (s, v) => call(s, v)),
    { input: "section one past the last", run: (s: any) => call(s, s.sectionCount()) },
  ];
  return {
    sectionCount: e(extraArg((s, x) => s.sectionCount(x))),
    sectionAt: e(
      addrs("address", (s, a) => s.sectionAt(a), { interior: false, double: false }).map((c) => ({ ...c, note: QUERY + " (-1)" })),
    ),
    sectionBase: e(idx((s, i) => s.sectionBase(i))),
    sectionSize: e(idx((s, i) => s.sectionSize(i))),
    sectionName: e(idx((s, i) => s.sectionName(i))),
    gateable: e(idx((s, i) => s.gateable(i))),
    getPower: e(idx((s, i) => s.getPower(i))),
    setPower: e([
      ...idx((s, i) => s.setPower(i, "off")),
      ...objs("state", (s, o) => s.setPower(0, o)),
      { input: 'state "OFF" (wrong case)', run: (s) => s.setPower(0, "OFF") },
    ]),
  };
}

/** The functions of bitarray.ts that take a 32-bit value. */
const bitFn = (f: (x: any) => unknown): Entry => ({
  setup: () => ({ s: null }),
  cases: nums("x", (_s, v) => f(v)).map((c) => ({
    ...c,
    note: "bit arithmetic: the value is taken as ToInt32 of it, as JavaScript's bit operators do",
  })),
});

/** Cases of a plain function (no subject). */
const fn = (cases: Case[]): Entry => ({ setup: () => ({ s: null }), cases });

// ---------------------------------------------------------------------------
// The table. Keys: "MODULE: Class.method", "MODULE: new Class", "MODULE: Class.static (static)", "MODULE: function".

const R = "ramkit: ",
  D = "ramkit/debug: ",
  S = "ramkit/sim: ";

export const TABLE: { [entry: string]: Entry } = {};

/** Add a class's rows: `ctor` cases for `new C`, and the methods'. */
function cls(prefix: string, name: string, ctor: Case[], methods: { [m: string]: Entry }, statics: { [m: string]: Entry } = {}): void {
  TABLE[prefix + "new " + name] = { setup: () => ({ s: null }), cases: ctor };
  for (const m of Object.keys(methods)) TABLE[prefix + name + "." + m] = methods[m];
  for (const m of Object.keys(statics)) TABLE[prefix + name + "." + m + " (static)"] = statics[m];
}

// ---- core: errors, storage, power states, board helper -------------------

TABLE[R + "makeError"] = fn([
  ...objs("code", (_s, o) => rk.makeError(o, "message")).map((c) => ({
    ...c,
    note: "the code is stored as given: makeError builds errors, it does not validate them",
  })),
  {
    input: "message missing (undefined)",
    run: () => rk.makeError("EINVAL", undefined as any),
    note: 'the message becomes "EINVAL: undefined"',
  },
]);
for (const f of ["bytes", "words", "uwords"] as const) {
  TABLE[R + f] = fn([
    ...nums("n", (_s, v) => (rk as any)[f](v), ["wrong type (null)", "missing (undefined)"]),
    { input: "n missing (undefined)", run: () => (rk as any)[f](), note: "an empty store" },
  ]);
}
for (const name of ["bytes", "words", "uwords"]) {
  for (const c of TABLE[R + name].cases) {
    if (/NaN|"16"/.test(c.input)) c.note = "an empty store (the engine's typed-array constructor takes ToIndex of n)";
    if (/huge/.test(c.input))
      c.note = "a 4 GiB store (where the engine allows one; a plain array of 2^32 zeros on an engine without typed arrays)";
    if (/fractional/.test(c.input)) {
      c.known = undefined;
      c.note = "n truncated to 1 by the typed-array constructor";
    }
  }
}
TABLE[R + "fillArr"] = fn([
  ...objs("a", (_s, o) => rk.fillArr(o, 1, 0, 2)),
  ...nums("from", (_s, v) => rk.fillArr(rk.bytes(4), 1, v, 2)),
  ...nums("to", (_s, v) => rk.fillArr(rk.bytes(4), 1, 0, v)),
  ...nums("v", (_s, v) => rk.fillArr(rk.bytes(4), v, 0, 2)),
]);
TABLE[R + "indexOfArr"] = fn([
  ...objs("a", (_s, o) => rk.indexOfArr(o, 1, 0)),
  ...nums("v", (_s, v) => rk.indexOfArr(rk.bytes(4), v, 0)),
  ...nums("from", (_s, v) => rk.indexOfArr(rk.bytes(4), 0, v)),
]);
TABLE[R + "isPowerState"] = fn(objs("s", (_s, o) => rk.isPowerState(o)).map((c) => ({ ...c, note: "a predicate: false" })));
TABLE[R + "hasPeekPoke"] = fn(extraArg((_s, x) => (rk.hasPeekPoke as any)(x)));
TABLE[R + "boardSectionSpecs"] = fn([
  ...objs("board", (_s, o) => rk.boardSectionSpecs(o)),
  { input: "board whose sections is not an array", run: () => rk.boardSectionSpecs({ sections: 3 } as any) },
]);

// ---- bitarray.ts ----------------------------------------------------------

for (const f of ["ctz32", "clz32", "popcount32", "findLsbSet", "findMsbSet"] as const) TABLE[R + f] = bitFn((rk as any)[f]);

{
  const setup = () => {
    const s = new rk.BitArray(40);
    s.set(3);
    return { s };
  };
  const e = (cases: Case[]): Entry => ({ setup, cases });
  const bit = (call: (s: any, v: any) => unknown) => [
    ...nums("bit", call),
    { input: "bit one past the last (40)", run: (s: any) => call(s, 40) },
  ];
  const region = (call: (s: any, num: any, off: any) => unknown) => [
    ...nums("num", (s, v) => call(s, v, 0)),
    { input: "num 0", run: (s: any) => call(s, 0, 0) },
    ...nums("offset", (s, v) => call(s, 4, v)),
    { input: "region past the end", run: (s: any) => call(s, 8, 36) },
  ];
  cls(
    R,
    "BitArray",
    [
      ...nums("numBits", (_s, v) => new rk.BitArray(v)),
      { input: "numBits 0", run: () => new rk.BitArray(0) },
      { input: "numBits 2^26 + 1 (beyond the limit)", run: () => new rk.BitArray(0x4000001) },
    ],
    {
      set: e(bit((s, v) => s.set(v))),
      clear: e(bit((s, v) => s.clear(v))),
      test: e(bit((s, v) => s.test(v))),
      testAndSet: e(bit((s, v) => s.testAndSet(v))),
      testAndClear: e(bit((s, v) => s.testAndClear(v))),
      allocBit: e([
        ...extraArg((s, x) => s.allocBit(x)),
        { input: "when every bit is set", prep: (s) => s.setRegion(40, 0), run: (s) => s.allocBit() },
      ]),
      freeBit: e([...bit((s, v) => s.freeBit(v)), { input: "bit that is clear (double free)", run: (s) => s.freeBit(5) }]),
      alloc: e([
        ...nums("num", (s, v) => s.alloc(v)),
        { input: "num 0", run: (s) => s.alloc(0) },
        { input: "num beyond numBits", run: (s) => s.alloc(41) },
      ]),
      free: e([...region((s, n, o) => s.free(n, o)), { input: "a run that is not all set", run: (s) => s.free(4, 2) }]),
      isRegionSet: e(region((s, n, o) => s.isRegionSet(n, o)).map((c) => ({ ...c, note: "a predicate: false for a bad region" }))),
      isRegionCleared: e(region((s, n, o) => s.isRegionCleared(n, o)).map((c) => ({ ...c, note: "a predicate: false for a bad region" }))),
      setRegion: e(region((s, n, o) => s.setRegion(n, o))),
      clearRegion: e(region((s, n, o) => s.clearRegion(n, o))),
      testAndSetRegion: e([
        ...region((s, n, o) => s.testAndSetRegion(n, o, true)),
        { input: "a region that is partly set", run: (s) => s.testAndSetRegion(4, 2, true) },
      ]),
      popcountRegion: e(region((s, n, o) => s.popcountRegion(n, o))),
      findNthSet: e([
        ...nums("n", (s, v) => s.findNthSet(v, 8, 0)),
        { input: "n 0", run: (s) => s.findNthSet(0, 8, 0) },
        ...region((s, n, o) => s.findNthSet(1, n, o)),
      ]),
      xor: e([
        ...objs("other", (s, o) => s.xor(o, 4, 0)),
        { input: "other of another numBits", run: (s) => s.xor(new rk.BitArray(8), 4, 0) },
        ...region((s, n, o) => s.xor(new rk.BitArray(40), n, o)),
      ]),
      word: e([...nums("i", (s, v) => s.word(v)), { input: "i one past the last word", run: (s) => s.word(2) }]),
      setWord: e([
        ...nums("i", (s, v) => s.setWord(v, 1)),
        { input: "i one past the last word", run: (s) => s.setWord(2, 1) },
        ...nums("v", (s, v) => s.setWord(0, v)),
      ]),
      ...checkers(setup),
    },
  );
}

// ---- HAL: ArrayMemory, StatePower, PeekPokeMemory, nrf52Power ---------------

{
  const setup = () => ({ s: mem(), live: BASE, base: BASE, end: MEM_BASE + MEM_SIZE, bs: 4 });
  cls(
    R,
    "ArrayMemory",
    [
      ...nums("base", (_s, v) => new rk.ArrayMemory(v as number, 64)),
      { input: "base 0 (NULL)", run: () => new rk.ArrayMemory(0, 64) },
      ...nums("size", (_s, v) => new rk.ArrayMemory(MEM_BASE, v as number)),
      { input: "size 0", run: () => new rk.ArrayMemory(MEM_BASE, 0) },
      { input: "size 2^28 + 1 (beyond the limit)", run: () => new rk.ArrayMemory(MEM_BASE, 0x10000001) },
      { input: "base + size passing 2^32", run: () => new rk.ArrayMemory(0xffffff00, 0x200) },
    ],
    memoryPort(setup, { wordView: true }),
  );
}
{
  const setup = () => ({ s: new rk.StatePower(sectionSpecs()), live: BASE, base: BASE });
  cls(
    R,
    "StatePower",
    [
      ...objs("sections", (_s, o) => new rk.StatePower(o)),
      { input: "sections an empty array", run: () => new rk.StatePower([]) },
      { input: "sections[0] null", run: () => new rk.StatePower([null as any]) },
      { input: "sections[0].base NaN", run: () => new rk.StatePower([{ name: "S0", base: NaN, size: 64, gateable: true }]) },
      { input: "sections[0].size 0", run: () => new rk.StatePower([{ name: "S0", base: BASE, size: 0, gateable: true }]) },
      {
        input: "sections overlapping",
        run: () =>
          new rk.StatePower([
            { name: "A", base: BASE, size: 64, gateable: true },
            { name: "B", base: BASE + 32, size: 64, gateable: true },
          ]),
      },
    ],
    powerPort(setup),
  );
}
{
  // The host has no peek/poke: only refusals (which come before any peek or poke) can be exercised.
  const setup = () => ({ s: new rk.PeekPokeMemory(), live: BASE, base: BASE, bs: 4 });
  const m = memoryPort(setup, { mapped: false });
  // A well-formed call reaches peek/poke, which the host lacks: only the inputs refused before that are tried.
  for (const k of Object.keys(m))
    m[k].cases = m[k].cases.filter((c) => !/foreign|unaligned|one past|past the end|^value negative/.test(c.input));
  cls(
    R,
    "PeekPokeMemory",
    extraArg((_s, x) => new (rk.PeekPokeMemory as any)(x), "takes no arguments"),
    m,
  );
}
TABLE[R + "nrf52Power"] = fn([
  ...objs("board", (_s, o) => rk.nrf52Power(o)),
  { input: 'board of another chip (ramPower "none")', run: () => rk.nrf52Power({ ...board(), ramPower: "none" }) },
  {
    input: "banks[0].powerRegister wrong (0x40000904)",
    run: () =>
      rk.nrf52Power({ banks: [{ name: "B", powerRegister: 0x40000904, sections: [{ name: "S", base: BASE, size: 64, gateable: true }] }] }),
  },
  { input: "banks[0].sections empty", run: () => rk.nrf52Power({ banks: [{ name: "B", powerRegister: 0x40000900, sections: [] }] }) },
  ...objs("options", (_s, o) => rk.nrf52Power(board(), o))
    .filter((c) => !/empty object|a function/.test(c.input))
    .map((c) => (/null/.test(c.input) ? { ...c, note: "null options mean the defaults" } : c)),
  { input: "options.io not a Memory port", run: () => rk.nrf52Power(board(), { io: {} as any }) },
  ...nums("options.stackMargin", (_s, v) => rk.nrf52Power(board(), { stackMargin: v as number, softDevice: false, engine: false }), [
    "missing (undefined)",
  ]),
  { input: "options.reserved not an array", run: () => rk.nrf52Power(board(), { reserved: 5 as any }) },
  { input: "options.reserved[0].base NaN", run: () => rk.nrf52Power(board(), { reserved: [{ name: "r", base: NaN, size: 4 }] }) },
]);

// ---- MemBlocks, MemBlocksGroup -----------------------------------------------

const badRegion = (make: (o: any) => unknown, extra: Case[] = []): Case[] => [
  ...objs("memory", (_s, o) => make({ memory: o })),
  ...objs("options", (_s, o) => make({ options: o })).filter((c) => !/empty object/.test(c.input)),
  ...nums("options.base", (_s, v) => make({ base: v })),
  { input: "options.base 0 (NULL)", run: () => make({ base: 0 }) },
  { input: "options.base unaligned (base + 1)", run: () => make({ base: BASE + 1 }) },
  ...nums("options.size", (_s, v) => make({ size: v })),
  { input: "options.size 0", run: () => make({ size: 0 }) },
  { input: "region outside the memory port", run: () => make({ base: FOREIGN }) },
  { input: "region overlapping a live allocator's (EBUSY)", run: () => make({ overlap: true }) },
  ...extra,
];

/** `new C(memory, options)` with one thing changed from a good call. */
function maker(C: any, good: { [k: string]: unknown }) {
  return (o: any) => {
    const m = "memory" in o ? o.memory : mem();
    if (o.overlap) new C(m, { base: BASE, size: SIZE, ...good });
    if ("options" in o) return new C(m, o.options);
    const opts: any = { base: BASE, size: SIZE, ...good };
    for (const k of Object.keys(o)) if (k !== "overlap") opts[k] = o[k];
    return new C(m, opts);
  };
}

{
  const make = maker(rk.MemBlocks, { blockSize: 64 });
  const setup = setups.memblocks;
  const e = (cases: Case[]): Entry => ({ setup, cases });
  const counts = (call: (s: any, v: any) => unknown) => nums("count", call);
  cls(
    R,
    "MemBlocks",
    badRegion(make, [
      ...nums("options.blockSize", (_s, v) => make({ blockSize: v })),
      { input: "options.blockSize 48 (not a power of two)", run: () => make({ blockSize: 48 }) },
      { input: "options.blockSize 2 (below 4)", run: () => make({ blockSize: 2 }) },
      { input: "options.size not a whole number of blocks", run: () => make({ size: SIZE + 8 }) },
    ]),
    {
      ...contract(setup, { fixed: true }),
      allocBlock: e([
        ...extraArg((s, x) => s.allocBlock(x)),
        {
          input: "when every block is taken",
          prep: (s) => {
            while (s.allocBlock() !== 0);
          },
          run: (s) => s.allocBlock(),
        },
      ]),
      freeBlock: e([
        ...addrs("address", (s, a) => s.freeBlock(a)).map((c) =>
          /interior/.test(c.input) ? { ...c, note: "Zephyr's semantics: an interior address frees its block" } : c,
        ),
        { input: "address 0 (NULL)", run: (s) => s.freeBlock(0), note: "a no-op, as free(0)" },
      ]),
      allocBlocks: e([
        ...counts((s, v) => s.allocBlocks(v, [])),
        { input: "count beyond the free blocks", run: (s) => s.allocBlocks(65, []) },
        ...objs("out", (s, o) => s.allocBlocks(2, o)),
        { input: "out a typed array too short", run: (s) => s.allocBlocks(4, new Uint32Array(2)) },
        { input: "out frozen", run: (s) => s.allocBlocks(2, Object.freeze([0, 0]) as any) },
        { input: "out too narrow for addresses (Uint8Array)", run: (s) => s.allocBlocks(2, new Uint8Array(2) as any) },
      ]),
      freeBlocks: e([
        ...counts((s, v) => s.freeBlocks(v, [])),
        ...objs("addresses", (s, o) => s.freeBlocks(1, o)),
        { input: "addresses shorter than count", run: (s, c) => s.freeBlocks(2, [c.live]) },
        ...addrs("addresses[0]", (s, a) => s.freeBlocks(1, [a])).filter((c) => !/interior/.test(c.input)),
        { input: "addresses repeated", run: (s, c) => s.freeBlocks(2, [c.live, c.live]) },
      ]),
      allocContiguous: e([
        ...counts((s, v) => s.allocContiguous(v)),
        { input: "count 0", run: (s) => s.allocContiguous(0) },
        { input: "count beyond numBlocks", run: (s) => s.allocContiguous(65) },
      ]),
      freeContiguous: e([
        ...addrs("address", (s, a) => s.freeContiguous(a, 1)).filter((c) => !/interior/.test(c.input)),
        ...counts((s, v) => s.freeContiguous(BASE, v)),
        { input: "run leaving the region", run: (s) => s.freeContiguous(BASE + SIZE - 64, 4) },
      ]),
      get: e([
        ...addrs("address", (s, a) => s.get(a, 1), { double: false }).map((c) =>
          /interior|unaligned|fractional/.test(c.input)
            ? { ...c, note: "Zephyr's semantics: the run starts at the block holding the address" }
            : c,
        ),
        ...counts((s, v) => s.get(BASE + 0x800, v)),
        { input: "run leaving the region", run: (s) => s.get(BASE + SIZE - 64, 4) },
        { input: "a block of the run taken", run: (s, c) => s.get(c.live, 1) },
      ]),
      isRegionFree: e([
        ...addrs("address", (s, a) => s.isRegionFree(a, 1), { double: false, interior: false }).map((c) => ({
          ...c,
          note: "a predicate: false",
        })),
        ...counts((s, v) => s.isRegionFree(BASE + 0x800, v)).map((c) => ({ ...c, note: "a predicate: false for a bad count" })),
      ]),
      ...checkers(setup),
      blockStats: e(objs("out", (s, o) => s.blockStats(o))),
      onAlloc: e(fns("fn", (s, f) => s.onAlloc(f))),
      onFree: e(fns("fn", (s, f) => s.onFree(f))),
      removeListener: e([
        ...fns("fn", (s, f) => s.removeListener(f)),
        { input: "fn never registered", run: (s) => s.removeListener(noop) },
      ]),
      lastErrorText: e(extraArg((s, x) => s.lastErrorText(x))),
    },
  );
}
{
  const setup = () => {
    const m = mem(),
      a = new rk.MemBlocks(m, { base: BASE, size: 0x800, blockSize: 64 }),
      b = new rk.MemBlocks(m, { base: BASE + 0x800, size: 0x800, blockSize: 128 });
    const s = new rk.MemBlocksGroup((_g: unknown, cfg: unknown) => (cfg === "small" ? 0 : cfg === "big" ? 1 : cfg === "bad" ? 7 : -1));
    s.addAllocator(a);
    s.addAllocator(b);
    const out: number[] = [];
    s.allocBlocks("small", 1, out);
    return { s, a, b, m, live: out[0], base: BASE, bs: 64, freed: BASE + 0x7c0 };
  };
  const e = (cases: Case[]): Entry => ({ setup, cases });
  cls(
    R,
    "MemBlocksGroup",
    fns("choice", (_s, f) => new rk.MemBlocksGroup(f)),
    {
      addAllocator: e([
        ...objs("allocator", (s, o) => s.addAllocator(o)),
        { input: "allocator already in the group", run: (s, c) => s.addAllocator(c.a) },
        {
          input: "allocator overlapping a member",
          run: (s) => s.addAllocator(new rk.MemBlocks(mem(), { base: BASE, size: 0x400, blockSize: 64 })),
        },
        {
          input: "a ninth allocator",
          prep: (s) => {
            for (let i = 2; i < 8; i++)
              s.addAllocator(new rk.MemBlocks(mem(), { base: BASE + 0x1000 + i * 0x100, size: 0x100, blockSize: 64 }));
          },
          run: (s) => s.addAllocator(new rk.MemBlocks(mem(), { base: MEM_BASE, size: 0x100, blockSize: 64 })),
        },
      ]),
      findAllocator: e(
        addrs("address", (s, a) => s.findAllocator(a), { interior: false, double: false }).map((c) => ({ ...c, note: QUERY + " (null)" })),
      ),
      allocBlocks: e([
        { input: "cfg the choice refuses (-1)", run: (s) => s.allocBlocks("none", 1, []) },
        { input: "cfg the choice maps to no member (7)", run: (s) => s.allocBlocks("bad", 1, []) },
        ...nums("count", (s, v) => s.allocBlocks("small", v, [])),
        ...objs("out", (s, o) => s.allocBlocks("small", 1, o)),
        ...objs("chosen", (s, o) => s.allocBlocks("small", 1, [], o)).filter((c) => !/empty object|a function/.test(c.input)),
      ]),
      freeBlocks: e([
        ...nums("count", (s, v, c) => s.freeBlocks(v, [c.live])),
        ...objs("addresses", (s, o) => s.freeBlocks(1, o)),
        ...addrs("addresses[0]", (s, a) => s.freeBlocks(1, [a])).filter((c) => !/interior/.test(c.input)),
      ]),
      ...checkers(setup),
    },
  );
}

// ---- Onesize -------------------------------------------------------------------

{
  const make = maker(rk.Onesize, { blockSize: 32 });
  const setup = setups.onesize;
  const e = (cases: Case[]): Entry => ({ setup, cases });
  const range = (call: (s: any, b: any, n: any) => unknown) => [
    ...nums("base", (s, v) => call(s, v, 64)),
    { input: "base 0 (NULL)", run: (s: any) => call(s, 0, 64) },
    ...nums("size", (s, v, c) => call(s, c.base, v)),
    { input: "size 0", run: (s: any, c: Ctx) => call(s, c.base, 0) },
    { input: "range passing 2^32", run: (s: any) => call(s, 0xffffff00, 0x200) },
    { input: "range outside the pool", run: (s: any) => call(s, FOREIGN, 64), note: "nothing of the pool there: 0 blocks" },
  ];
  cls(
    R,
    "Onesize",
    badRegion(make, [
      ...nums("options.blockSize", (_s, v) => make({ blockSize: v })),
      { input: "options.blockSize 0", run: () => make({ blockSize: 0 }) },
      { input: "options.blockSize larger than the region", run: () => make({ blockSize: SIZE * 2 }) },
      { input: "options.alignment 6 (not a power of two)", run: () => make({ alignment: 6 }) },
      { input: "options.alignment 2 (below 4)", run: () => make({ alignment: 2 }) },
      { input: "options.enter not a function", run: () => make({ enter: 5 }) },
      { input: "options.exit not a function", run: () => make({ exit: "x" }) },
    ]),
    {
      ...contract(setup, { hint: false, fixed: true }),
      allocateX: e([
        ...nums("size", (s, v) => s.allocateX(v, 0)),
        ...nums("margin", (s, v) => s.allocateX(8, v)),
        { input: "margin all the free blocks", run: (s) => s.allocateX(8, 200) },
      ]),
      freeAll: e(extraArg((s, x) => s.freeAll(x))),
      releaseRange: e([
        ...range((s, b, n) => s.releaseRange(b, n)),
        { input: "range holding a live block", run: (s, c) => s.releaseRange(c.live, 32) },
      ]),
      reclaimRange: e(range((s, b, n) => s.reclaimRange(b, n))),
      ...checkers(setup),
      iterateOverAllocated: e([
        ...fns("callback", (s, f) => s.iterateOverAllocated(f)),
        ...nums("limit", (s, v) => s.iterateOverAllocated(noop, v), ["missing (undefined)"]),
      ]),
      counters: e(extraArg((s, x) => s.counters(x))),
      lastErrorText: e(extraArg((s, x) => s.lastErrorText(x))),
    },
  );
}

// ---- GranularHeap, MemoryManager ------------------------------------------------

{
  const make = maker(rk.GranularHeap, {});
  const setup = setups.granular;
  const e = (cases: Case[]): Entry => ({ setup, cases });
  cls(
    R,
    "GranularHeap",
    badRegion(make, [
      ...nums("options.granule", (_s, v) => make({ granule: v }), ["missing (undefined)"]),
      { input: "options.granule 24 (not a power of two)", run: () => make({ granule: 24 }) },
      { input: "options.enter without exit", run: () => make({ enter: noop }) },
      { input: "options.enter and exit not functions", run: () => make({ enter: 1, exit: 2 }) },
      { input: "options.used a string", run: () => make({ used: "x" }) },
      { input: "options.used too short", run: () => make({ used: new Int32Array(1) }) },
      { input: "options.state a Uint8Array", run: () => make({ state: new Uint8Array(64) }) },
      { input: "options.attach to stores of another geometry", run: () => make({ state: new Int32Array(64), attach: true }) },
    ]),
    {
      ...contract(setup),
      free: {
        setup,
        cases: [
          ...contract(setup).free.cases,
          ...nums("size", (s, v, c) => s.free(c.live, v), ["wrong type (null)", "missing (undefined)"]),
          { input: "size of another allocation (100 for 40)", run: (s, c) => s.free(c.live, 100) },
        ],
      },
      fit: e([
        ...nums("size", (s, v) => s.fit(v)),
        ...nums("alignment", (s, v) => s.fit(8, v), ["missing (undefined)"]),
        ...nums("hint", (s, v) => s.fit(8, undefined, v), ["missing (undefined)", "wrong type (null)"]),
      ]),
      ...checkers(setup),
      lastErrorText: e(extraArg((s, x) => s.lastErrorText(x))),
      allocationSize: e(addrs("address", (s, a) => s.allocationSize(a))),
      largestFree: e(extraArg((s, x) => s.largestFree(x))),
      fullStats: e(objs("out", (s, o) => s.fullStats(o))),
    },
  );
}
TABLE[R + "granularBitmapWords"] = fn([
  ...nums("size", (_s, v) => rk.granularBitmapWords(v as number)),
  ...nums("granule", (_s, v) => rk.granularBitmapWords(4096, v as number), ["missing (undefined)"]),
  { input: "granule 0", run: () => rk.granularBitmapWords(4096, 0) },
]);
{
  const setup = setups.manager;
  const e = (cases: Case[]): Entry => ({ setup, cases });
  const before = () => ({ s: new rk.MemoryManager(mem()), live: BASE, freed: BASE, base: BASE, bs: 16 });
  let names = 0;
  const shared = (extra: object) => ({ base: BASE + SIZE, size: 0x400, name: "bad-inputs-" + ++names, ...extra });
  cls(
    R,
    "MemoryManager",
    [
      ...objs("memory", (_s, o) => new rk.MemoryManager(o)).filter((c) => !/null/.test(c.input)),
      {
        input: "memory null (no port: set up later)",
        run: () => new rk.MemoryManager(null as any),
        note: "a manager without a port, to be set up with initNormal",
      },
      ...objs("options", (_s, o) => new rk.MemoryManager(mem(), o)),
      { input: "options.size 0", run: () => new rk.MemoryManager(mem(), { base: BASE, size: 0 }) },
      {
        input: "options.shared overlapping the normal region",
        run: () => new rk.MemoryManager(mem(), { base: BASE, size: SIZE, shared: { base: BASE, size: 0x400, name: "overlap" } }),
      },
      {
        input: "options.shared without a name",
        run: () => new rk.MemoryManager(mem(), { base: BASE, size: SIZE, shared: { base: BASE + SIZE, size: 0x400 } as any }),
      },
    ],
    {
      ...contract(setup),
      initNormal: e([
        { input: "a second time (already set up)", run: (s) => s.initNormal({ base: BASE + SIZE, size: 0x400 }) },
        ...objs("config", (_s, o) => new rk.MemoryManager(mem()).initNormal(o)),
        ...nums("config.base", (_s, v) => new rk.MemoryManager(mem()).initNormal({ base: v as number, size: 0x400 })),
        ...nums("config.size", (_s, v) => new rk.MemoryManager(mem()).initNormal({ base: BASE, size: v as number })),
        {
          input: "config without a memory port (none given to the constructor)",
          run: () => new rk.MemoryManager().initNormal({ base: BASE, size: 0x400 }),
        },
      ]),
      initShared: e([
        ...objs("config", (s, o) => s.initShared(o)),
        ...objs("config.name", (s, o) => s.initShared(shared({ name: o }))).filter((c) => !/a string/.test(c.input)),
        { input: "config.name empty", run: (s) => s.initShared(shared({ name: "" })) },
        { input: "config.name with NUL", run: (s) => s.initShared(shared({ name: "a\u0000b" })) },
        {
          input: "config.name in use by another manager",
          prep: () => new rk.MemoryManager(mem()).initShared({ base: BASE, size: 0x400, name: "taken-by-another" }),
          run: (s) => s.initShared(shared({ name: "taken-by-another" })),
        },
        { input: "config region overlapping the normal one", run: (s) => s.initShared(shared({ base: BASE })) },
        ...nums("config.size", (s, v) => s.initShared(shared({ size: v }))),
      ]),
      allocateShared: e([
        ...nums("size", (s, v) => s.allocateShared(v)),
        ...nums("alignment", (s, v) => s.allocateShared(8, v), ["missing (undefined)"]),
      ]),
      deallocate: e([
        ...addrs("address", (s, a) => s.deallocate(a, 40)),
        ...nums("size", (s, v, c) => s.deallocate(c.live, v)),
        { input: "size of another allocation (100 for 40)", run: (s, c) => s.deallocate(c.live, 100) },
      ]),
      memoryType: e(
        addrs("address", (s, a) => s.memoryType(a), { interior: false, double: false }).map((c) => ({ ...c, note: QUERY + " (OTHER)" })),
      ),
      onAlloc: e([
        {
          input: "address NaN, bytes NaN (as a watcher of its heaps)",
          run: (s) => s.onAlloc(NaN, NaN),
          note: "a watcher callback: passes the call on to the manager's watchers (none here)",
        },
        {
          input: "wrong types",
          run: (s) => s.onAlloc("x", {}),
          note: "a watcher callback: passes the call on to the manager's watchers (none here)",
        },
      ]),
      onFree: e([
        {
          input: "address NaN, bytes NaN (as a watcher of its heaps)",
          run: (s) => s.onFree(NaN, NaN),
          note: "a watcher callback: passes the call on to the manager's watchers (none here)",
        },
        {
          input: "wrong types",
          run: (s) => s.onFree("x", {}),
          note: "a watcher callback: passes the call on to the manager's watchers (none here)",
        },
      ]),
      getMemorySizeBytes: { setup: before, cases: extraArg((s, x) => s.getMemorySizeBytes(x), "before initShared: 0") },
      getSharedMemoryStartAddress: { setup: before, cases: extraArg((s, x) => s.getSharedMemoryStartAddress(x), "before initShared: 0") },
      getSharedMemoryName: { setup: before, cases: extraArg((s, x) => s.getSharedMemoryName(x), 'before initShared: ""') },
      ...checkers(setup),
      lastErrorText: e(extraArg((s, x) => s.lastErrorText(x))),
    },
    {
      getInstance: fn(extraArg((_s, x) => (rk.MemoryManager as any).getInstance(x), "takes no arguments: the singleton")),
    },
  );
  // Use before init: a manager made without options.
  TABLE[R + "MemoryManager.allocate"].cases.push({
    input: "before initNormal (use before init)",
    setup: before,
    run: (s) => s.allocate(16),
  });
  TABLE[R + "MemoryManager.free"].cases.push({ input: "before initNormal (use before init)", setup: before, run: (s) => s.free(BASE) });
  TABLE[R + "MemoryManager.allocateShared"].cases.push({
    input: "before initShared and initNormal (use before init)",
    setup: before,
    run: (s) => s.allocateShared(16),
  });
}
TABLE[R + "regionConfig"] = fn([
  ...objs("region", (_s, o) => rk.regionConfig(mem(), o)).map((c) => ({ ...c, note: "builds a config; initNormal/initShared check it" })),
  ...objs("options", (_s, o) => rk.regionConfig(mem(), { base: BASE, size: SIZE }, o)).map((c) => ({
    ...c,
    note: "builds a config; initNormal/initShared check it",
  })),
]);
TABLE[R + "findRegion"] = fn([
  ...objs("board", (_s, o) => rk.findRegion(o, "shared")).map((c) => ({ ...c, note: QUERY + " (null)" })),
  { input: "board.regions with a null entry", run: () => rk.findRegion({ regions: [null as any] }, "shared") },
  ...objs("name", (_s, o) => rk.findRegion(board(), o)).map((c) => ({ ...c, note: QUERY + " (null)" })),
]);

// ---- BankManager, policy ------------------------------------------------------

{
  const setup = setups.bank;
  const e = (cases: Case[]): Entry => ({ setup, cases });
  const section = (call: (s: any, v: any) => unknown) => [
    ...nums("section", call),
    { input: "section one past the last", run: (s: any) => call(s, 4) },
  ];
  cls(
    R,
    "BankManager",
    [
      ...objs("power", (_s, o) => new rk.BankManager(o)),
      { input: "power a Memory port (not a Power port)", run: () => new rk.BankManager(mem() as any) },
      ...objs("options", (_s, o) => new rk.BankManager(new rk.StatePower(sectionSpecs()), o)).filter(
        (c) => !/empty object|null/.test(c.input),
      ),
      { input: "options.policy unknown name", run: () => new rk.BankManager(new rk.StatePower(sectionSpecs()), { policy: "fastest" }) },
      {
        input: "options.policy an object without place/decide",
        run: () => new rk.BankManager(new rk.StatePower(sectionSpecs()), { policy: { name: "x" } as any }),
      },
      ...nums("options.hysteresis", (_s, v) => new rk.BankManager(new rk.StatePower(sectionSpecs()), { hysteresis: v as number }), [
        "missing (undefined)",
      ]),
      { input: "options.reserved not an array", run: () => new rk.BankManager(new rk.StatePower(sectionSpecs()), { reserved: 3 as any }) },
      {
        input: "options.reserved[0].base NaN",
        run: () => new rk.BankManager(new rk.StatePower(sectionSpecs()), { reserved: [{ base: NaN, size: 4 }] }),
      },
      { input: "options.now not a function", run: () => new rk.BankManager(new rk.StatePower(sectionSpecs()), { now: 5 as any }) },
      { input: "options.now returning NaN", run: () => new rk.BankManager(new rk.StatePower(sectionSpecs()), { now: () => NaN }) },
    ],
    {
      ...contract(setup),
      manage: e([
        ...objs("allocator", (s, o) => s.manage(o)),
        { input: "allocator managed already", run: (s, c) => s.manage(c.heap) },
        {
          input: "allocator with live allocations",
          run: (s) => {
            const m = new rk.ArrayMemory(MEM_BASE, MEM_SIZE),
              h = new rk.GranularHeap(m, { base: BASE, size: 0x400 });
            h.allocate(8);
            return s.manage(h);
          },
        },
        { input: "allocator of another memory port", run: (s) => s.manage(new rk.GranularHeap(mem(), { base: BASE, size: 0x400 })) },
      ]),
      onAlloc: e([
        { input: "address NaN (a call no allocator made)", run: (s, c) => s.onAlloc(NaN, 16, c.heap) },
        {
          input: "allocator not managed",
          run: (s) => s.onAlloc(BASE, 16, {}),
          note: "a watcher callback: a call about an allocator it does not manage is ignored",
        },
        { input: "bytes negative", run: (s, c) => s.onAlloc(BASE + 0x800, -16, c.heap) },
      ]),
      onFree: e([
        { input: "address NaN (a call no allocator made)", run: (s, c) => s.onFree(NaN, 16, c.heap) },
        {
          input: "allocator not managed",
          run: (s) => s.onFree(BASE, 16, {}),
          note: "a watcher callback: a call about an allocator it does not manage is ignored",
        },
        { input: "a free of memory never allocated", run: (s, c) => s.onFree(BASE + 0x800, 16, c.heap) },
      ]),
      update: e([
        ...nums("now", (s, v) => s.update(v), ["missing (undefined)"]),
        { input: "now going backwards", prep: (s) => s.update(10), run: (s) => s.update(5) },
      ]),
      powerOn: e(section((s, v) => s.powerOn(v))),
      powerOff: e([
        ...section((s, v) => s.powerOff(v)),
        { input: "a section with live data, not forced", run: (s) => s.powerOff(0) },
        ...objs("lost", (s, o) => s.powerOff(3, true, o)).filter((c) => !/null/.test(c.input)),
      ]),
      sectionsOn: e(extraArg((s, x) => s.sectionsOn(x))),
      ...checkers(setup),
      liveBytes: e([...section((s, v) => s.liveBytes(v)), ...objs("allocator", (s, o) => s.liveBytes(0, o))]),
      sectionTable: e(extraArg((s, x) => s.sectionTable(x))),
    },
  );
  TABLE[R + "BankManager.allocate"].cases.push({
    input: "with no allocator managed (use before init)",
    setup: () => ({ s: new rk.BankManager(new rk.StatePower(sectionSpecs())) }),
    run: (s) => s.allocate(16),
  });
}
TABLE[R + "policy"] = fn([
  ...objs("name", (_s, o) => rk.policy(o)),
  { input: 'name "ALL-ON" (wrong case)', run: () => rk.policy("ALL-ON") },
]);

// ---- F´ layer ------------------------------------------------------------------

{
  const setup = setups.buffers;
  const e = (cases: Case[]): Entry => ({ setup, cases });
  const fresh = () => ({ s: new rk.BufferManager(), live: BASE, freed: BASE, base: BASE, bs: 32 });
  const adapter = () => new rk.MemAllocatorAdapter(new rk.GranularHeap(mem(), { base: BASE, size: SIZE }));
  const bins = [{ bufferSize: 32, numBuffers: 2 }];
  cls(
    R,
    "BufferManager",
    [
      ...objs("ports", (_s, o) => new rk.BufferManager(o)).filter((c) => !/empty object|null/.test(c.input)),
      { input: "ports.tlm not a function", run: () => new rk.BufferManager({ tlm: 5 as any }) },
      { input: "ports.event not a function", run: () => new rk.BufferManager({ event: "x" as any }) },
    ],
    {
      ...contract(setup),
      setup: {
        setup: fresh,
        cases: [
          ...nums("managerId", (s, v) => s.setup(v, 0, adapter(), bins)),
          { input: "managerId 65536 (beyond 16 bits)", run: (s) => s.setup(65536, 0, adapter(), bins) },
          ...nums("memId", (s, v) => s.setup(1, v, adapter(), bins), ["wrong type (null)", "missing (undefined)"]),
          ...objs("allocator", (s, o) => s.setup(1, 0, o, bins)),
          ...objs("bins", (s, o) => s.setup(1, 0, adapter(), o)),
          { input: "bins empty", run: (s) => s.setup(1, 0, adapter(), []) },
          { input: "bins of 11 (beyond BUFFERMGR_MAX_NUM_BINS)", run: (s) => s.setup(1, 0, adapter(), new Array(11).fill(bins[0])) },
          { input: "bins[0] null", run: (s) => s.setup(1, 0, adapter(), [null]) },
          ...nums("bins[0].numBuffers", (s, v) => s.setup(1, 0, adapter(), [{ bufferSize: 32, numBuffers: v }])),
          ...nums("bins[0].bufferSize", (s, v) => s.setup(1, 0, adapter(), [{ bufferSize: v, numBuffers: 2 }])),
          { input: "no buffers in all", run: (s) => s.setup(1, 0, adapter(), [{ bufferSize: 32, numBuffers: 0 }]) },
          {
            input: "bins needing more than the allocator has",
            run: (s) => s.setup(1, 0, adapter(), [{ bufferSize: 4096, numBuffers: 4 }]),
          },
          {
            input: "a second time (set up already)",
            prep: (s) => s.setup(1, 0, adapter(), bins),
            run: (s) => s.setup(1, 0, adapter(), bins),
          },
        ],
      },
      getBuffer: e([
        ...nums("size", (s, v) => s.getBuffer(v)),
        {
          input: "after cleanup (use after cleanup)",
          prep: (s, c) => {
            s.free(c.live);
            s.cleanup();
          },
          run: (s) => s.getBuffer(8),
        },
        { input: "size above every bin", run: (s) => s.getBuffer(65) },
        ...objs("out", (s, o) => s.getBuffer(8, o)).filter((c) => !/empty object|a function/.test(c.input)),
        { input: "before setup (use before init)", setup: fresh, run: (s) => s.getBuffer(8) },
      ]),
      returnBuffer: e([
        ...objs("buffer", (s, o) => s.returnBuffer(o)),
        ...nums("buffer.context", (s, v, c) => s.returnBuffer({ data: c.live, size: 16, context: v })),
        ...nums("buffer.data", (s, v) => s.returnBuffer({ data: v, size: 16, context: 65536 })),
        ...nums("buffer.size", (s, v, c) => s.returnBuffer({ data: c.live, size: v, context: 65536 })),
        {
          input: "buffer of another manager (context 2 << 16)",
          run: (s, c) => s.returnBuffer({ data: c.live, size: 16, context: 2 * 65536 }),
        },
        {
          input: "buffer returned twice",
          prep: (s, c) => s.returnBuffer({ data: c.live, size: 16, context: 65536 }),
          run: (s, c) => s.returnBuffer({ data: c.live, size: 16, context: 65536 }),
        },
        { input: "buffer.data outside the buffer", run: (s, c) => s.returnBuffer({ data: c.live + 64, size: 16, context: 65536 }) },
        { input: "buffer.size larger than the buffer", run: (s, c) => s.returnBuffer({ data: c.live, size: 33, context: 65536 }) },
        {
          input: "the empty buffer {0, 0, 0}",
          run: (s) => s.returnBuffer({ data: 0, size: 0, context: 0 }),
          note: "F´: accepted with a ZeroSizeBuffer event",
        },
      ]),
      cleanup: e([
        ...extraArg((s, x) => s.cleanup(x), "takes no arguments"),
        { input: "before setup (use before init)", setup: fresh, run: (s) => s.cleanup() },
        {
          input: "twice (use after cleanup)",
          prep: (s, c) => {
            s.free(c.live);
            s.cleanup();
          },
          run: (s) => s.cleanup(),
        },
      ]),
      schedIn: e(extraArg((s, x) => s.schedIn(x))),
      ...checkers(setup),
      record: e([...nums("index", (s, v) => s.record(v)), { input: "index one past the last", run: (s) => s.record(6) }]),
      dump: e(extraArg((s, x) => s.dump(x))),
      lastErrorText: e(extraArg((s, x) => s.lastErrorText(x))),
    },
  );
}
for (const name of ["MemAllocatorAdapter", "SystemAllocator"] as const) {
  const setup =
    name === "SystemAllocator"
      ? () => {
          const s = new rk.SystemAllocator(mem(), { base: BASE, size: SIZE });
          const live = s.allocate(1, 40),
            freed = s.allocate(1, 40);
          s.deallocate(1, freed);
          return { s, live, freed, base: BASE, bs: 16 };
        }
      : () => {
          const s = new rk.MemAllocatorAdapter(new rk.GranularHeap(mem(), { base: BASE, size: SIZE }));
          const live = s.allocate(1, 40),
            freed = s.allocate(1, 40);
          s.deallocate(1, freed);
          return { s, live, freed, base: BASE, bs: 16 };
        };
  const e = (cases: Case[]): Entry => ({ setup, cases });
  const ctor: Case[] =
    name === "SystemAllocator"
      ? [
          ...objs("memory", (_s, o) => new rk.SystemAllocator(o, { base: BASE, size: SIZE })).filter((c) => !/null/.test(c.input)),
          { input: "memory null (the engine heap)", run: () => new rk.SystemAllocator(null as any), note: "no port: the engine-heap mode" },
          ...objs("options", (_s, o) => new rk.SystemAllocator(mem(), o)),
          {
            input: "options.board without a system region",
            run: () => new rk.SystemAllocator(mem(), { board: { ...board(), regions: [], reserved: [] } }),
          },
          ...nums("options.base", (_s, v) => new rk.SystemAllocator(mem(), { base: v as number, size: SIZE })),
        ]
      : [
          ...objs("allocator", (_s, o) => new rk.MemAllocatorAdapter(o)),
          ...objs("options", (_s, o) => new rk.MemAllocatorAdapter(new rk.GranularHeap(mem(), { base: BASE, size: SIZE }), o)).filter(
            (c) => !/empty object|a function/.test(c.input),
          ),
        ];
  cls(R, name, ctor, {
    allocate: e([
      ...nums("identifier", (s, v) => s.allocate(v, 16), ["wrong type (null)"]),
      ...nums("size", (s, v) => s.allocate(1, v)),
      { input: "size 0", run: (s) => s.allocate(1, 0) },
      ...objs("req", (s, o) => s.allocate(1, 16, o)).filter((c) => !/null|empty object|a function/.test(c.input)),
      { input: "req.alignment 3", run: (s) => s.allocate(1, 16, { alignment: 3 }) },
      {
        input: "while allocations are locked",
        prep: () => rk.lockAllocations(),
        run: (s) => {
          try {
            return s.allocate(1, 16);
          } finally {
            rk.unlockAllocations();
          }
        },
      },
    ]),
    deallocate: e([
      ...nums("identifier", (s, v, c) => s.deallocate(v, c.live), ["wrong type (null)"]),
      { input: "identifier of another entity", run: (s, c) => s.deallocate(2, c.live) },
      ...addrs("address", (s, a) => s.deallocate(1, a)),
      { input: "address 0 (NULL)", run: (s) => s.deallocate(1, 0), note: "a no-op, as free(0)" },
    ]),
    validate: { setup, cases: extraArg((s, x) => s.validate(x)) },
    live: { setup, cases: extraArg((s, x) => s.live(x)) },
  });
}
{
  const setup = () => ({ s: new rk.MemAllocatorRegistry() });
  const e = (cases: Case[]): Entry => ({ setup, cases });
  const type = (call: (s: any, v: any) => unknown) => [
    ...nums("type", call),
    { input: "type one past customTypes (5)", run: (s: any) => call(s, 5) },
  ];
  cls(
    R,
    "MemAllocatorRegistry",
    [
      ...objs("system", (_s, o) => new rk.MemAllocatorRegistry(o)),
      ...nums("customTypes", (_s, v) => new rk.MemAllocatorRegistry(undefined, v as number), ["missing (undefined)"]),
      { input: "customTypes 256 (beyond a U8)", run: () => new rk.MemAllocatorRegistry(undefined, 256) },
    ],
    {
      registerAllocator: e([
        ...type((s, v) => s.registerAllocator(v, new rk.SystemAllocator())),
        ...objs("allocator", (s, o) => s.registerAllocator(1, o)),
      ]),
      getAllocator: e([...type((s, v) => s.getAllocator(v)), { input: "type with nothing registered", run: (s) => s.getAllocator(2) }]),
      getAnAllocator: e(type((s, v) => s.getAnAllocator(v))),
    },
    {
      getInstance: fn(extraArg((_s, x) => (rk.MemAllocatorRegistry as any).getInstance(x), "takes no arguments: the singleton")),
    },
  );
}
TABLE[R + "lockAllocations"] = fn(
  extraArg((_s, x) => {
    try {
      return (rk.lockAllocations as any)(x);
    } finally {
      rk.unlockAllocations();
    }
  }),
);
TABLE[R + "unlockAllocations"] = fn([
  ...extraArg((_s, x) => (rk.unlockAllocations as any)(x)),
  { input: "without a lock (twice)", run: () => rk.unlockAllocations(), note: "ends nothing: 0 refused" },
]);

// ---- the add-on bundle's own exports (ramkit/debug) --------------------------------

TABLE[D + "installDebug"] = fn([
  ...objs("rk", (_s, o) => installDebug(o))
    .filter((c) => !/null/.test(c.input))
    .map((c) => ({ ...c, note: "nothing to install onto: returned as given" })),
  { input: "rk null", run: () => installDebug(null) },
  { input: "rk missing (undefined)", run: () => (installDebug as any)() },
]);
{
  const setup = () => {
    const lines: string[] = [];
    const s = new TraceRecorder("PUCKJS", (l: string) => lines.push(l), { now: () => 0 });
    s.onAlloc(BASE, 16, null as any);
    return { s, lines, live: BASE };
  };
  const e = (cases: Case[]): Entry => ({ setup, cases });
  cls(
    D,
    "TraceRecorder",
    [
      ...objs("board", (_s, o) => new TraceRecorder(o, noop)),
      { input: "board empty", run: () => new TraceRecorder("", noop) },
      ...objs("out", (_s, o) => new TraceRecorder("PUCKJS", o)).filter((c) => !/a function/.test(c.input)),
      { input: "options.now not a function", run: () => new TraceRecorder("PUCKJS", noop, { now: 5 as any }) },
      { input: "options.note not a string", run: () => new TraceRecorder("PUCKJS", noop, { note: 5 as any }) },
    ],
    {
      onAlloc: e([
        {
          input: "bytes NaN (a call no allocator makes)",
          run: (s, c) => {
            s.onAlloc(BASE + 64, NaN, null);
            return c.lines[c.lines.length - 1];
          },
        },
        {
          input: "address a string",
          run: (s, c) => {
            s.onAlloc("x", 16, null);
            return c.lines[c.lines.length - 1];
          },
          note: "addresses are only keys: the line is well-formed",
        },
      ]),
      onFree: e([
        { input: "address never allocated", run: (s) => s.onFree(FOREIGN, 16, null), note: "counted in `unknown`, not written" },
        { input: "address NaN", run: (s) => s.onFree(NaN, 16, null), note: "counted in `unknown`, not written" },
        {
          input: "bytes NaN of a recorded allocation",
          run: (s, c) => {
            s.onFree(BASE, NaN, null);
            return c.lines[c.lines.length - 1];
          },
        },
      ]),
    },
  );
}

// ---- the simulator (ramkit/sim) ------------------------------------------------------

{
  const setup = () => ({
    s: new sim.SimMcu(board(), { seed: 1 }),
    live: 0x20008000,
    base: 0x20008000,
    end: board().ram.base + board().ram.size,
    bs: 4,
  });
  const e = (cases: Case[]): Entry => ({ setup, cases });
  cls(
    S,
    "SimMcu",
    [
      ...objs("board", (_s, o) => new sim.SimMcu(o)),
      { input: "board.sections empty", run: () => new sim.SimMcu({ ...board(), sections: [] }) },
      ...nums("opts.seed", (_s, v) => new sim.SimMcu(board(), { seed: v as number }), ["missing (undefined)"]),
      { input: "opts.initial unknown", run: () => new sim.SimMcu(board(), { initial: "ones" as any }) },
      { input: "opts.mode unknown", run: () => new sim.SimMcu(board(), { mode: "hibernate" }) },
    ],
    {
      ...memoryPort(setup),
      ...powerPort(setup),
      sectionIndex: e(objs("name", (s, o) => s.sectionIndex(o)).map((c) => ({ ...c, note: QUERY + " (-1)" }))),
      sectionsInRange: e([...nums("base", (s, v) => s.sectionsInRange(v, 16)), ...nums("size", (s, v, c) => s.sectionsInRange(c.base, v))]),
      counters: e(extraArg((s, x) => s.counters(x))),
      totals: e(extraArg((s, x) => s.totals(x))),
      resetCounters: e(extraArg((s, x) => s.resetCounters(x))),
      now: e(extraArg((s, x) => s.now(x))),
      mode: e(extraArg((s, x) => s.mode(x))),
      setMode: e([...objs("name", (s, o) => s.setMode(o)), { input: "name unknown", run: (s) => s.setMode("hibernate") }]),
      sectionRetention: e([...nums("section", (s, v) => s.sectionRetention(v)), ...objs("mode", (s, o) => s.sectionRetention(0, o))]),
      current: e(extraArg((s, x) => s.current(x))),
      advance: e(nums("seconds", (s, v) => s.advance(v))),
      energy: e(extraArg((s, x) => s.energy(x))),
      events: e(extraArg((s, x) => s.events(x))),
    },
  );
}
{
  const setup = () => ({ s: new sim.SharedMemory(BASE, SIZE), live: BASE, base: BASE, end: BASE + SIZE, bs: 4 });
  cls(
    S,
    "SharedMemory",
    [
      ...nums("base", (_s, v) => new sim.SharedMemory(v as number, 64)),
      ...nums("size", (_s, v) => new sim.SharedMemory(BASE, v as number)),
      ...objs("buffer", (_s, o) => new sim.SharedMemory(BASE, 64, o)),
      { input: "buffer shorter than size", run: () => new sim.SharedMemory(BASE, 64, new SharedArrayBuffer(8)) },
    ],
    memoryPort(setup),
  );
}
{
  const setup = () => ({ s: new sim.AtomicsLock(new Int32Array(new SharedArrayBuffer(8))) });
  cls(
    S,
    "AtomicsLock",
    [
      ...objs("cell", (_s, o) => new sim.AtomicsLock(o)),
      { input: "cell an Int32Array over an ArrayBuffer", run: () => new sim.AtomicsLock(new Int32Array(2)) },
      ...nums("index", (_s, v) => new sim.AtomicsLock(new Int32Array(new SharedArrayBuffer(8)), v as number), ["missing (undefined)"]),
    ],
    { held: { setup, cases: extraArg((s, x) => s.held(x)) } },
  );
}
{
  const setup = () => {
    const s = new sim.EventList(4);
    s.push(1, sim.OP_ALLOC, 0, 16, 0);
    return { s };
  };
  const e = (cases: Case[]): Entry => ({ setup, cases });
  cls(
    S,
    "EventList",
    nums("capacity", (_s, v) => new sim.EventList(v as number), ["missing (undefined)"]),
    {
      push: e([
        ...nums("t", (s, v) => s.push(v, sim.OP_ALLOC, 1, 16, 0)),
        ...nums("op", (s, v) => s.push(2, v, 1, 16, 0)),
        ...nums("id", (s, v) => s.push(2, sim.OP_ALLOC, v, 16, 0)),
      ]),
      sort: e(extraArg((s, x) => s.sort(x))),
      end: e(extraArg((s, x) => s.end(x))),
    },
  );
}

TABLE[S + "boardsDir"] = fn(extraArg((_s, x) => (sim.boardsDir as any)(x)));
TABLE[S + "listBoards"] = fn(extraArg((_s, x) => (sim.listBoards as any)(x)));
TABLE[S + "experimentsDir"] = fn(extraArg((_s, x) => (sim.experimentsDir as any)(x)));
TABLE[S + "schemaFile"] = fn(extraArg((_s, x) => (sim.schemaFile as any)(x)));
TABLE[S + "loadBoard"] = fn([
  ...objs("nameOrPath", (_s, o) => sim.loadBoard(o)),
  { input: "name empty", run: () => sim.loadBoard("") },
  { input: "name unknown", run: () => sim.loadBoard("NOSUCHBOARD") },
  { input: "path of a missing file", run: () => sim.loadBoard(join(SCRATCH, "missing.json")) },
  { input: "path of a file that is not JSON", run: () => sim.loadBoard(scratch("not-json.json", '{"name": "X",\n  oops }\n')) },
  { input: "path of a directory", run: () => sim.loadBoard(SCRATCH + "/") },
  { input: "file with a section outside RAM", run: () => sim.loadBoard("test/fixtures/boards-bad/section-outside-ram.json") },
  { input: "file with a wrong type", run: () => sim.loadBoard("test/fixtures/boards-bad/wrong-type.json") },
]);
TABLE[S + "boardFromJSON"] = fn([
  ...objs("data", (_s, o) => sim.boardFromJSON(o, "data.json")),
  { input: "data an array", run: () => sim.boardFromJSON([], "data.json") },
  {
    input: "data with ram.size a string",
    run: () => sim.boardFromJSON({ ...boardJson(), ram: { ...boardJson().ram, size: "64k" } }, "data.json"),
  },
  ...objs("file", (_s, o) => sim.boardFromJSON({}, o)),
]);
/** The Puck.js board file as JSON (a fresh copy). */
function boardJson(): any {
  return JSON.parse(readFileSync("boards/PUCKJS.json", "utf8"));
}
{
  const kinds: [string, (v: any) => unknown][] = [
    ["freeRegion", (b) => sim.freeRegion(b)],
    ["resolveRegion", (b) => sim.resolveRegion(b, { kind: "granular", region: "free" })],
    ["withFirmware", (b) => sim.withFirmware(b, { assumption: "x", reserved: [] })],
  ];
  for (const [name, call] of kinds) TABLE[S + name] = fn(objs("board", (_s, o) => call(o)));
  TABLE[S + "freeRegion"].cases.push({
    input: "board with every byte reserved",
    run: () => sim.freeRegion({ ...board(), reserved: [{ name: "all", kind: "other", base: board().ram.base, size: board().ram.size }] }),
  });
  TABLE[S + "resolveRegion"].cases.push(
    ...objs("allocator", (_s, o) => sim.resolveRegion(board(), o)),
    { input: "allocator.region unknown", run: () => sim.resolveRegion(board(), { kind: "granular", region: "nowhere" }) },
    ...nums("allocator.base", (_s, v) => sim.resolveRegion(board(), { kind: "granular", base: v as number, size: 1024 })),
    ...nums("allocator.size", (_s, v) => sim.resolveRegion(board(), { kind: "granular", base: 0x20008000, size: v as number })),
    { input: "allocator.base a bad hex string", run: () => sim.resolveRegion(board(), { kind: "granular", base: "0xZZ", size: 1024 }) },
    { input: "region outside RAM", run: () => sim.resolveRegion(board(), { kind: "granular", base: FOREIGN, size: 1024 }) },
  );
  TABLE[S + "withFirmware"].cases.push(
    ...objs("fw", (_s, o) => sim.withFirmware(board(), o)),
    {
      input: "fw.reserved[0].base a bad hex string",
      run: () => sim.withFirmware(board(), { assumption: "x", reserved: [{ name: "r", kind: "other", base: "0xZZ", size: 4 }] }),
    },
    {
      input: "fw.reserved[0].size 0",
      run: () => sim.withFirmware(board(), { assumption: "x", reserved: [{ name: "r", kind: "other", base: "0x20008000", size: 0 }] }),
    },
    {
      input: "fw.reserved[0] outside RAM",
      run: () => sim.withFirmware(board(), { assumption: "x", reserved: [{ name: "r", kind: "other", base: FOREIGN, size: 4 }] }),
    },
    {
      input: "fw.reserved ranges overlapping",
      run: () =>
        sim.withFirmware(board(), {
          assumption: "x",
          reserved: [
            { name: "a", kind: "other", base: 0x20008000, size: 64 },
            { name: "b", kind: "other", base: 0x20008020, size: 64 },
          ],
        }),
    },
  );
}
{
  const good = {
    board: "PUCKJS",
    durationSeconds: 60,
    allocator: { kind: "granular", region: "free" },
    workload: { kind: "sensor-logger" },
  };
  TABLE[S + "validateExperiment"] = fn([
    ...objs("data", (_s, o) => sim.validateExperiment(o, "x.json")),
    { input: "data with both workload and trace", run: () => sim.validateExperiment({ ...good, trace: "t.jsonl" }, "x.json") },
    {
      input: "data with allocator.blockSize a string",
      run: () => sim.validateExperiment({ ...good, allocator: { kind: "memblocks", region: "free", blockSize: "4k" } }, "x.json"),
    },
    ...objs("label", (_s, o) => sim.validateExperiment({}, o)).map((c) => ({ ...c, note: "the label only names the data in messages" })),
  ]);
  TABLE[S + "loadExperiment"] = fn([
    ...objs("path", (_s, o) => sim.loadExperiment(o)),
    { input: "path of a missing file", run: () => sim.loadExperiment(join(SCRATCH, "missing.json")) },
    {
      input: "path of a file that is not JSON",
      run: () => sim.loadExperiment(scratch("bad-experiment.json", '{\n  "board": "PUCKJS",\n  oops\n}\n')),
    },
    {
      input: "path of a file with a schema error",
      run: () => sim.loadExperiment(scratch("schema-experiment.json", JSON.stringify({ ...good, seed: -1 }))),
    },
  ]);
  TABLE[S + "runExperiment"] = fn([
    ...objs("spec", (_s, o) => sim.runExperiment(o)),
    { input: "spec.board unknown", run: () => sim.runExperiment({ ...good, board: "NOSUCHBOARD" } as any) },
    { input: "spec.allocator.kind unknown", run: () => sim.runExperiment({ ...good, allocator: { kind: "slab", region: "free" } } as any) },
    ...nums("spec.seed", (_s, v) => sim.runExperiment({ ...good, seed: v } as any), ["missing (undefined)"]),
    // Not tried: durationSeconds 2^32 with a workload, which runs (the schema's one-year limit is not applied
    // to a spec given directly) until the event list outgrows memory; see docs/RELIABILITY.md.
    ...nums("spec.durationSeconds", (_s, v) => sim.runExperiment({ ...good, durationSeconds: v } as any), [
      "missing (undefined)",
      "huge (2^32)",
    ]),
    { input: "spec.policies unknown name", run: () => sim.runExperiment({ ...good, policies: ["fastest"] } as any) },
    {
      input: "spec.trace a missing file",
      run: () =>
        sim.runExperiment({
          board: "PUCKJS",
          allocator: { kind: "granular", region: "free" },
          trace: join(SCRATCH, "missing.jsonl"),
        } as any),
    },
    ...objs("options", (_s, o) => sim.runExperiment({ ...good, board: "NOSUCHBOARD" } as any, o)).filter(
      (c) => !/empty object|null/.test(c.input),
    ),
  ]);
  TABLE[S + "formatResult"] = fn([
    ...objs("result", (_s, o) => sim.formatResult(o)),
    { input: "result without policies", run: () => sim.formatResult({ ...resultJson(), policies: [] }) },
  ]);
}
let resultCache: any = null;
/** A real result (the test fixture). */
function resultJson(): any {
  if (resultCache === null) resultCache = JSON.parse(readFileSync("test/fixtures/results/puck-ble-packets.json", "utf8"));
  return JSON.parse(JSON.stringify(Array.isArray(resultCache) ? resultCache[0] : resultCache));
}
{
  const head = '{"ramkit-trace":1,"board":"PUCKJS"}\n';
  TABLE[S + "parseTrace"] = fn([
    ...objs("text", (_s, o) => sim.parseTrace(o, "t.jsonl")),
    { input: "text empty", run: () => sim.parseTrace("", "t.jsonl") },
    { input: "text without the header", run: () => sim.parseTrace('{"t":0,"op":"alloc","id":1,"size":8}\n', "t.jsonl") },
    { input: "line not JSON", run: () => sim.parseTrace(head + "{oops}\n", "t.jsonl") },
    { input: "size NaN-like (a string)", run: () => sim.parseTrace(head + '{"t":0,"op":"alloc","id":1,"size":"8"}\n', "t.jsonl") },
    {
      input: "time going backwards",
      run: () => sim.parseTrace(head + '{"t":5,"op":"alloc","id":1,"size":8}\n{"t":1,"op":"free","id":1}\n', "t.jsonl"),
    },
    {
      input: "double free",
      run: () =>
        sim.parseTrace(head + '{"t":0,"op":"alloc","id":1,"size":8}\n{"t":1,"op":"free","id":1}\n{"t":2,"op":"free","id":1}\n', "t.jsonl"),
    },
    { input: "free of an unknown id", run: () => sim.parseTrace(head + '{"t":0,"op":"free","id":9}\n', "t.jsonl") },
    ...objs("file", (_s, o) => sim.parseTrace(head + "{oops}\n", o)).map((c) => ({ ...c, note: "the file name only labels the messages" })),
  ]);
  TABLE[S + "readTrace"] = fn([
    ...objs("path", (_s, o) => sim.readTrace(o)),
    { input: "path of a missing file", run: () => sim.readTrace(join(SCRATCH, "missing.jsonl")) },
    {
      input: "path of a malformed trace",
      run: () => sim.readTrace(scratch("bad.jsonl", head + '{"t":-1,"op":"alloc","id":1,"size":8}\n')),
    },
  ]);
  TABLE[S + "formatTrace"] = fn([
    ...objs("board", (_s, o) => sim.formatTrace(o, [])).map((c) => ({
      ...c,
      note: "a writer: the board is written as given; parseTrace checks it",
    })),
    ...objs("events", (_s, o) => sim.formatTrace("PUCKJS", o)),
    { input: "events[0] null", run: () => sim.formatTrace("PUCKJS", [null as any]) },
    { input: "events[0].size NaN", run: () => sim.formatTrace("PUCKJS", [{ t: 0, op: "alloc", id: 1, size: NaN }]) },
  ]);
}
TABLE[S + "workloadParams"] = fn([
  ...objs("kind", (_s, o) => sim.workloadParams(o)),
  ...objs("params", (_s, o) => sim.workloadParams("sensor-logger", o)).filter((c) => !/null|empty object|a function/.test(c.input)),
  { input: "params with an unknown name", run: () => sim.workloadParams("sensor-logger", { speed: 2 }) },
  ...nums("params.periodSeconds", (_s, v) => sim.workloadParams("sensor-logger", { periodSeconds: v as number }), ["missing (undefined)"]),
]);
TABLE[S + "generateWorkload"] = fn([
  ...objs("kind", (_s, o) => sim.generateWorkload(o, undefined, { seed: 1, durationSeconds: 60, blockSize: 256, allocator: "memblocks" })),
  ...objs("ctx", (_s, o) => sim.generateWorkload("sensor-logger", undefined, o)),
  // Not tried: durationSeconds 2^32, which generates events until memory runs out (no upper limit; see docs/RELIABILITY.md).
  ...nums(
    "ctx.durationSeconds",
    (_s, v) =>
      sim.generateWorkload("sensor-logger", undefined, { seed: 1, durationSeconds: v as number, blockSize: 256, allocator: "memblocks" }),
    ["huge (2^32)"],
  ),
  {
    input: "ctx.allocator unknown",
    run: () => sim.generateWorkload("sensor-logger", undefined, { seed: 1, durationSeconds: 60, blockSize: 256, allocator: "slab" }),
  },
]);
TABLE[S + "createSharedRegion"] = fn([
  ...nums("base", (_s, v) => sim.createSharedRegion(v as number, 1024)),
  ...nums("size", (_s, v) => sim.createSharedRegion(BASE, v as number)),
  ...nums("granule", (_s, v) => sim.createSharedRegion(BASE, 1024, v as number), ["missing (undefined)"]),
]);
TABLE[S + "attachSharedRegion"] = fn([
  ...objs("handle", (_s, o) => sim.attachSharedRegion(o)),
  {
    input: "handle.meta not a SharedArrayBuffer",
    run: () => sim.attachSharedRegion({ ...sim.createSharedRegion(BASE, 1024).handle, meta: new ArrayBuffer(8) as any }),
  },
]);
TABLE[S + "sharedMemoryConfig"] = fn([
  ...objs("region", (_s, o) => sim.sharedMemoryConfig(o, "shm")),
  ...objs("name", (_s, o) => sim.sharedMemoryConfig(sim.createSharedRegion(BASE, 1024), o)).map((c) => ({
    ...c,
    note: "builds a config; initShared checks the name",
  })),
]);

// ---------------------------------------------------------------------------
// Outcomes that are right although the input is odd (documented behaviour).

/** Give the cases of `key` whose input matches `re` the note `note`. */
function annotate(key: string, re: RegExp, note: string): void {
  const e = TABLE[key];
  if (!e) return;
  for (const c of e.cases) if (re.test(c.input) && !c.note) c.note = note;
}
for (const k of ["GranularHeap.stats", "GranularHeap.fullStats", "MemoryManager.stats"]) {
  annotate(R + k, /^out /, "an out that is not an object gives a fresh statistics object (documented)");
}
for (const k of ["MemBlocks.stats", "MemBlocks.blockStats", "Onesize.stats", "BankManager.stats", "BufferManager.stats"])
  annotate(R + k, /null|empty object/, "no out: a fresh statistics object");
for (const k of ["MemBlocks.freeBlocks", "MemBlocks.freeContiguous"])
  annotate(R + k, /fractional|unaligned/, "Zephyr's semantics: an address inside a block names that block");
annotate(R + "MemBlocks.freeBlock", /fractional|unaligned/, "Zephyr's semantics: an interior address frees its block");
annotate(R + "Onesize.allocate", /^hint /, "the hint is ignored (LIFO is the design)");
annotate(R + "MemBlocksGroup.freeBlocks", /fractional|unaligned/, "Zephyr's semantics: an address inside a block names that block");
annotate(R + "BitArray.setWord", /^v negative/, "a signed word is allowed");
annotate(R + "Onesize.iterateOverAllocated", /limit (negative|huge)/, "a limit never reached: every allocated block");
annotate(R + "BankManager.update", /now (fractional|huge)/, "a valid time in seconds");
annotate(R + "new BankManager", /hysteresis (fractional|huge)/, "a valid number of seconds");
annotate(R + "BufferManager.setup", /memId negative/, "memId is any 32-bit signed integer (F´'s NATIVE_INT_TYPE)");
for (const k of ["MemAllocatorAdapter.allocate", "SystemAllocator.allocate"])
  annotate(R + k, /identifier negative/, "identifier is any 32-bit signed integer");
annotate(S + "new SimMcu", /seed (negative|huge)/, "any integer seed, taken modulo 2^32");
annotate(S + "SimMcu.advance", /seconds (fractional|huge)/, "a valid number of seconds");
annotate(S + "generateWorkload", /durationSeconds fractional/, "a valid number of seconds");
annotate(S + "runExperiment", /durationSeconds fractional/, "a valid number of seconds (a 1.5-second run)");

// Open findings (exceptions without an errno code) are marked with `known` on
// their cases; none is open now (see docs/RELIABILITY.md).

// Onesize in the simulated MCU: the hazard of an in-band free list
// next to RAM that is switched off, and the cure (releaseRange before power
// down, reclaimRange after power up). Board: Bangle.js 2 (nRF52840), pool over
// RAM4.S0..RAM5.S1 (4 × 4 KiB). The simulator does not reserve the RAM that
// the Espruino firmware would use there; on a real board this region belongs
// to the firmware's variables (see the board file's reserved ranges).
import "../src/debug/host.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Onesize } from "../src/alloc/onesize.js";
import { EBUSY, EFAULT, ENOMEM } from "../src/core/errors.js";
import { SimMcu } from "../sim/mcu.js";
import { loadBoard } from "../sim/boards.js";

const BASE = 0x20008000,
  SIZE = 0x4000;

function setup(blockSize = 64, strict = true) {
  const mcu = new SimMcu(loadBoard("BANGLEJS2"), { strict });
  const pool = new Onesize(mcu, { base: BASE, size: SIZE, blockSize });
  const sec = mcu.sectionIndex("RAM4.S1");
  assert.ok(sec >= 0);
  return { mcu, pool, sec, secBase: mcu.sectionBase(sec), secSize: mcu.sectionSize(sec) };
}

/** A pool whose blocks have all been freed (links in every section), RAM4.S1 released and then put in `state`. */
function gated(state: "off" | "retained") {
  const s = setup();
  for (const a of drain(s.pool)) s.pool.free(a);
  assert.is(s.pool.releaseRange(s.secBase, s.secSize), 64);
  s.mcu.setPower(s.sec, state);
  return s;
}

function drain(pool: Onesize): number[] {
  const out: number[] = [];
  for (let a; (a = pool.allocate(pool.blockSize)) !== 0; ) out.push(a);
  return out;
}

function fault(fn: () => unknown): any {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return assert.unreachable("expected a bus fault");
}

test("blocks never handed out are never touched: bump allocation makes no memory access", () => {
  const { mcu, pool } = setup();
  const all = drain(pool);
  assert.is(all.length, 256);
  const t = mcu.totals();
  assert.is(t.reads + t.writes, 0);
  pool.free(all[7]);
  assert.is(mcu.totals().writes, 1); // the link word of the freed block
  assert.is(mcu.totals().reads, 0);
});

test("hazard: switch off a section holding free-list links and the next allocation faults, naming the section", () => {
  const { mcu, pool, sec, secBase, secSize } = setup();
  const all = drain(pool);
  const inSec = all.filter((a) => mcu.sectionAt(a) === sec),
    rest = all.filter((a) => mcu.sectionAt(a) !== sec);
  assert.is(inSec.length, 64);
  for (const a of rest) pool.free(a);
  for (const a of inSec) pool.free(a); // the head of the list is now in RAM4.S1
  mcu.setPower(sec, "off");
  const e = fault(() => pool.allocate(64));
  assert.is(e.code, "EFAULT");
  assert.is(e.section, "RAM4.S1");
  assert.match(e.message, /RAM4\.S1/);
  assert.is(pool.counters().nfree, 256); // the faulting call changed nothing
  assert.ok(pool.invariantsHold());
  // switching it back on does not bring the links back: their contents are lost.
  // The head's block is still a good free block and is handed out; its lost
  // link becomes the head, which the next allocation refuses.
  mcu.setPower(sec, "on");
  const head = pool.allocate(64);
  assert.is(mcu.sectionAt(head), sec);
  assert.is(pool.allocate(64), 0);
  assert.is(pool.lastError, -EFAULT);
  assert.is(pool.counters().corruptions, 1);
  assert.match(pool.lastErrorText(), /free list corrupt/);
  assert.type(pool.validate(), "string");
  // the pool never hands out an address outside itself; freeAll recovers
  pool.freeAll();
  assert.is(pool.validate(), null);
  assert.is(drain(pool).length, 256);
  assert.ok(secBase > BASE && secBase + secSize < BASE + SIZE);
});

test("hazard, lenient silicon: garbage links give 0 and a diagnostic, never an address outside the pool", () => {
  const { mcu, pool, sec } = setup(64, false);
  const all = drain(pool);
  for (const a of all.filter((a) => mcu.sectionAt(a) !== sec)) pool.free(a);
  for (const a of all.filter((a) => mcu.sectionAt(a) === sec)) pool.free(a);
  mcu.setPower(sec, "off");
  // The head's block is a good free block of the pool (the pool cannot know
  // its section is off: releaseRange first is the cure) and is handed out;
  // the garbage read as its link becomes the head, which the next
  // allocation refuses.
  const head = pool.allocate(64);
  assert.is(mcu.sectionAt(head), sec);
  assert.is(pool.allocate(64), 0);
  assert.is(pool.counters().corruptions, 1);
  assert.ok(mcu.counters()["RAM4.S1"].faults > 0);
});

test("cure: releaseRange, then switching the section off is safe and allocation goes on from the other sections", () => {
  const { mcu, pool, sec, secBase, secSize } = setup();
  const all = drain(pool);
  for (const a of all) pool.free(a); // links in every section
  assert.is(pool.releaseRange(secBase, secSize), 64);
  assert.is(pool.counters().nfree, 192);
  assert.is(pool.validate(), null);
  mcu.setPower(sec, "off");
  const got = drain(pool);
  assert.is(got.length, 192);
  for (const a of got) {
    assert.is.not(mcu.sectionAt(a), sec);
    mcu.writeBlock(a, [1, 2, 3, 4, 5, 6, 7, 8], 0, 8); // the blocks are usable
  }
  assert.is(pool.counters().failed, 2); // the ends of the two drains: empty, not corrupt
  assert.is(pool.lastError, -ENOMEM);
  assert.is(pool.counters().corruptions, 0);
  for (const a of got) assert.is(pool.free(a), 0);
  assert.is(pool.validate(), null); // walks the list without touching RAM4.S1
  assert.is(mcu.counters()["RAM4.S1"].faults, 0);
  // after power-on and reclaimRange the section's blocks are used again
  mcu.setPower(sec, "on");
  assert.is(pool.reclaimRange(secBase, secSize), 64);
  assert.is(pool.counters().nfree, 256);
  assert.is(pool.validate(), null);
  const again = drain(pool);
  assert.is(again.length, 256);
  assert.is(again.filter((a) => mcu.sectionAt(a) === sec).length, 64);
  assert.is(mcu.counters()["RAM4.S1"].faults, 0);
});

test("releaseRange refuses with -EBUSY while a block in the section is allocated", () => {
  const { mcu, pool, sec, secBase, secSize } = setup();
  const all = drain(pool);
  const keep = all.find((a) => mcu.sectionAt(a) === sec)!;
  for (const a of all) if (a !== keep) pool.free(a);
  assert.is(pool.releaseRange(secBase, secSize), -EBUSY);
  assert.is(pool.counters().nfree, 255);
  assert.is(pool.counters().released, 0);
  pool.free(keep);
  assert.is(pool.releaseRange(secBase, secSize), 64);
});

test("never-used blocks of a released section: the bump index skips them and they are never touched", () => {
  const { mcu, pool, sec, secBase, secSize } = setup();
  assert.is(pool.releaseRange(secBase, secSize), 64);
  mcu.setPower(sec, "off");
  const got = drain(pool);
  assert.is(got.length, 192);
  for (const a of got) pool.free(a);
  const c = mcu.counters()["RAM4.S1"];
  assert.is(c.reads + c.writes + c.faults, 0);
  mcu.setPower(sec, "on");
  assert.is(pool.reclaimRange(secBase, secSize), 64); // the bump index passed them: fresh links, onto the list
  const first = pool.allocate(64);
  assert.is(first, secBase); // lowest reclaimed block first
  assert.is(drain(pool).length, 255);
  assert.is(pool.validate(), null);
});

test("reclaimRange while the section is still off faults on the first link write and changes nothing", () => {
  const { mcu, pool, sec, secBase, secSize } = gated("off");
  const e = fault(() => pool.reclaimRange(secBase, secSize));
  assert.is(e.section, "RAM4.S1");
  assert.is(pool.counters().released, 64);
  assert.is(pool.counters().nfree, 192);
  assert.is(pool.validate(), null);
  mcu.setPower(sec, "on");
  assert.is(pool.reclaimRange(secBase, secSize), 64);
  assert.is(pool.validate(), null);
});

test("retention: a released section may also be put in retention, and comes back the same way", () => {
  const { mcu, pool, sec, secBase, secSize } = gated("retained");
  assert.is(drain(pool).length, 192);
  pool.freeAll(); // released blocks stay released
  assert.is(pool.counters().nfree, 192);
  mcu.setPower(sec, "on");
  assert.is(pool.reclaimRange(secBase, secSize), 64);
  assert.is(drain(pool).length, 256);
});

test("blocks straddling a section boundary: released with either section, reclaimed only with a range holding them whole", () => {
  const { mcu, pool, sec, secBase, secSize } = setup(48);
  const bs = 48,
    n = pool.counters().nblocks;
  assert.is(n, Math.floor(SIZE / bs));
  const first = Math.floor((secBase - BASE) / bs),
    end = Math.ceil((secBase + secSize - BASE) / bs);
  assert.ok((secBase - BASE) % bs !== 0, "a block straddles the lower edge");
  for (const a of drain(pool)) pool.free(a);
  assert.is(pool.releaseRange(secBase, secSize), end - first);
  mcu.setPower(sec, "off");
  const got = drain(pool);
  assert.is(got.length, n - (end - first));
  for (const a of got) {
    assert.is.not(mcu.sectionAt(a), sec);
    assert.is.not(mcu.sectionAt(a + bs - 1), sec);
    mcu.fill(a, bs, 0x55); // every byte of every block is usable
  }
  for (const a of got) pool.free(a);
  mcu.setPower(sec, "on");
  const whole = Math.floor((secBase + secSize - BASE) / bs) - Math.ceil((secBase - BASE) / bs);
  assert.is(pool.reclaimRange(secBase, secSize), whole);
  assert.ok(pool.counters().released > 0, "the straddling blocks stay released");
  assert.is(pool.reclaimRange(BASE, SIZE), end - first - whole);
  assert.is(pool.counters().released, 0);
  assert.is(drain(pool).length, n);
  assert.is(pool.validate(), null);
});

test.run();

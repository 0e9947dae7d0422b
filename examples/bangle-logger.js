/*
 * Bangle.js 2 activity logger with trace capture: once a second an
 * accelerometer reading joins the current episode (a run of readings of one
 * kind, still or moving); a finished episode is stored as one record of its
 * own size in a GranularHeap over RAM the firmware leaves free, and records
 * older than WINDOW seconds are freed. A bank manager (pack+gate) watches
 * the heap, and a TraceRecorder (the debug add-on) writes every allocation
 * and free as a line of the simulator's trace format: on the console, where
 * `npm run flash -- --capture FILE` collects it, or, with TRACE_FILE set, to
 * a Storage file to download later.
 *
 *   npm run flash -- --board BANGLEJS2 --storage --debug --app examples/bangle-logger.js \
 *     --port aa:bb:cc:dd:ee:ff --sleep 600 --capture bangle.jsonl
 *   node scripts/ramkit.mjs trace replay bangle.jsonl
 *
 * The replay runs the recorded allocations under every policy in the
 * simulator, with the board file's layout or another one (--experiment).
 * Plain ES5; every function is declared before it is called.
 */
var rk = require("ramkit");
var TraceRecorder = require("ramkit-debug").TraceRecorder;
var board = require("ramkit-board");

var PERIOD = 1000;      // ms between readings
var LONGEST = 32;       // readings in an episode at most
var WINDOW = 300;       // seconds a record is kept
var MOVING = 0.05;      // g of change between readings that counts as moving
var TRACE_FILE = null;  // a Storage file name ("bangle.jsonl") to record there instead of on the console

/** The largest range of `ram` clear of every range in `reserved`, both ends aligned to `align`; null when none. */
function freeRegion(ram, reserved, align) {
  var cuts = [], lo = ram.base, best = null, i, b, e;
  for (i = 0; i < reserved.length; i++) cuts.push([reserved[i].base, reserved[i].base + reserved[i].size]);
  cuts.sort(function (x, y) { return x[0] - y[0]; });
  cuts.push([ram.base + ram.size, ram.base + ram.size]);
  for (i = 0; i < cuts.length; i++) {
    b = Math.ceil(lo / align) * align;
    e = Math.floor(cuts[i][0] / align) * align;
    if (e - b >= align && (best === null || e - b > best.size)) best = { base: b, size: e - b };
    if (cuts[i][1] > lo) lo = cuts[i][1];
  }
  return best;
}

var power = rk.nrf52Power(board);
var region = freeRegion(board.ram, power.reserved, 16);
var mem = new rk.PeekPokeMemory(); // the allocator's port; the samples go through peek16/poke16 themselves
var heap = null, bm = null, rec = null;
var episode = [], kind = 0, records = [], stored = 0, dropped = 0;

/** Store the episode as a record: start time (u32, s), count (u16), kind (u16), then per reading |a| and change in mg (int16 each). */
function store(now) {
  var n = episode.length, a, i;
  if (n === 0) return;
  a = bm.allocate(8 + 4 * n);
  if (a === 0) { dropped++; episode.splice(0, n); return; }
  mem.write32(a, Math.floor(now) >>> 0);
  poke16(a + 4, n);
  poke16(a + 6, kind);
  for (i = 0; i < n; i++) {
    poke16(a + 8 + 4 * i, episode[i][0] & 0xffff);
    poke16(a + 10 + 4 * i, episode[i][1] & 0xffff);
  }
  records.push(a);
  stored++;
  episode.splice(0, n);
}

/** One reading; an episode ends when the kind of movement changes or it is full; old records go. */
function tick() {
  var now = getTime(), acc = Bangle.getAccel(), k = acc.diff > MOVING ? 1 : 0;
  if (episode.length > 0 && (k !== kind || episode.length === LONGEST)) store(now);
  kind = k;
  episode.push([Math.round(acc.mag * 1000), Math.round(acc.diff * 1000)]);
  while (records.length > 0 && mem.read32(records[0]) < now - WINDOW) bm.free(records.shift());
  bm.update(now);
  if (Math.floor(now) % 60 === 0) {
    var st = heap.stats();
    print("bangle-logger: " + stored + " records stored, " + records.length + " kept (" + st.used + " bytes), " + dropped + " dropped; sections on " +
      bm.stats().sectionsOn + " of " + power.sectionCount());
  }
}

/** Build the heap, the bank manager and the recorder; start reading. */
function start() {
  heap = new rk.GranularHeap(mem, { base: region.base, size: region.size });
  bm = new rk.BankManager(power, { policy: "pack+gate", hysteresis: 30, reserved: power.reserved, now: getTime });
  bm.manage(heap);
  rec = new TraceRecorder(board.name, TRACE_FILE ? require("Storage").open(TRACE_FILE, "w") : undefined, { note: "examples/bangle-logger.js" });
  bm.watch(rec);
  print("bangle-logger: a heap of " + region.size + " bytes at 0x" + region.base.toString(16) + "; tracing to " + (TRACE_FILE || "the console"));
  setInterval(tick, PERIOD);
}

if (region === null) print("bangle-logger: no free RAM on this firmware (every byte is in a reserved range: see power.reserved)");
else start();

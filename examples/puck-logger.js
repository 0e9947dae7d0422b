/*
 * Puck.js sensor logger: magnetometer and temperature samples, once a
 * second, into 64-byte blocks of a MemBlocks pool in RAM that the firmware
 * leaves free, under a bank manager with the pack+gate policy over the nRF52
 * RAM power registers. Every BATCH blocks the batch is summarised (where a
 * real logger would send it over Bluetooth) and freed; a RAM section the
 * pool leaves empty for HOLD seconds is switched off, and on again before a
 * block in it is handed out.
 *
 *   npm run flash -- --board PUCKJS --storage --app examples/puck-logger.js --port aa:bb:cc:dd:ee:ff
 *
 * On stock Puck.js firmware the SoftDevice is enabled and blocks the RAM
 * power registers, so no section can be switched off: the logger says so,
 * logs all the same, and the bank manager keeps every section on
 * (docs/ONBOARD.md). Off the board, examples/stand-in.js models the
 * registers and the test runs it there (test/examples.test.ts).
 *
 * Plain ES5; every function is declared before it is called (Espruino does
 * not hoist).
 */
var rk = require("ramkit");
var board = require("ramkit-board");

var BLOCK = 64;     // bytes per block: 8 samples
var SAMPLE = 8;     // x, y, z of the magnetometer and the temperature in 1/4 degrees C, int16 each
var BATCH = 120;    // blocks per batch (960 samples, 16 minutes)
var PERIOD = 1000;  // ms between samples
var HOLD = 30;      // pack+gate: seconds a section stays empty before it is switched off

/** The largest range of `ram` clear of every range in `reserved`, both ends aligned to `align`; null when none holds a block. */
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
var region = freeRegion(board.ram, power.reserved, BLOCK);
var mem = new rk.PeekPokeMemory(); // the allocator's port; the samples go through peek16/poke16 themselves
var pool = null, bm = null, batch = [], block = 0, fill = 0, batches = 0;

/** Summarise the batch (a real logger would send it), then free its blocks. */
function send() {
  var n = 0, sx = 0, st = 0, i, j;
  for (i = 0; i < batch.length; i++) {
    for (j = 0; j < BLOCK; j += SAMPLE) {
      sx += Math.abs(peek16(batch[i] + j) << 16 >> 16);
      st += peek16(batch[i] + j + 6) << 16 >> 16;
      n++;
    }
    bm.free(batch[i]);
  }
  batch.splice(0, batch.length);
  batches++;
  print("puck-logger: batch " + batches + ": " + n + " samples, mean |x| " + Math.round(sx / n) + ", mean " + (st / n / 4).toFixed(1) +
    " C; sections on " + bm.stats().sectionsOn + " of " + power.sectionCount());
}

/** One sample into the current block; a full batch is sent; the policy runs. */
function sample() {
  var m = Puck.mag(), t = Math.round(E.getTemperature() * 4), a;
  if (fill === 0) {
    block = bm.allocate(BLOCK);
    if (block === 0) { print("puck-logger: no block free (error " + bm.lastError + ")"); return; }
    batch.push(block);
  }
  a = block + fill;
  poke16(a, m.x & 0xffff);
  poke16(a + 2, m.y & 0xffff);
  poke16(a + 4, m.z & 0xffff);
  poke16(a + 6, t & 0xffff);
  fill = (fill + SAMPLE) % BLOCK;
  if (fill === 0 && batch.length === BATCH) send();
  bm.update(getTime());
}

/** Build the pool and the bank manager, say what can be gated, and start sampling. */
function start() {
  var open = [], s;
  for (s = 0; s < power.sectionCount(); s++) if (power.gateable(s)) open.push(power.sectionName(s));
  print("puck-logger: " + (open.length ? "sections that can be switched off: " + open.join(", ") :
    "no section can be switched off here: " + power.reasons[power.sectionAt(region.base)]));
  pool = new rk.MemBlocks(mem, { base: region.base, size: region.size, blockSize: BLOCK });
  bm = new rk.BankManager(power, { policy: "pack+gate", hysteresis: HOLD, reserved: power.reserved, now: getTime });
  bm.manage(pool);
  print("puck-logger: " + pool.numBlocks + " blocks of " + BLOCK + " bytes at 0x" + region.base.toString(16) + ", batches of " + BATCH);
  setInterval(sample, PERIOD);
}

if (region === null) print("puck-logger: no free RAM on this firmware (every byte is in a reserved range: see power.reserved)");
else start();

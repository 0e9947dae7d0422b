/*
 * Stand-ins for the hardware the examples use, so that they run off the
 * board: on the Espruino interpreter built for Linux (where peek and poke
 * would crash it) and on the engines of the engine matrix. Load this file
 * first, then the upload (modules "ramkit", "ramkit-board", …), then the
 * example; then call STAND_IN.run(seconds) to let its timers fire.
 * test/examples.test.ts does exactly that.
 *
 * What it stands in for (each declared with `var`, which on Espruino hides
 * the built-in of the same name):
 * - peek8/16/32 and poke8/16/32 over a model of the board's RAM and of its
 *   nRF52 RAM power registers (RAM[n].POWER, POWERSET, POWERCLR at the
 *   board module's addresses; reset value: every section on). Every access
 *   is checked: RAM inside a reserved range of the board (SoftDevice,
 *   Espruino's variables, the stack), RAM in a section that is switched
 *   off, a register the board does not have, or a bit of a section the bank
 *   does not have, is recorded in STAND_IN.violations. Register writes are
 *   recorded in STAND_IN.writes as [address, value].
 * - getTime, setInterval, setTimeout, clearInterval, clearTimeout on a clock
 *   that only STAND_IN.run moves;
 * - Puck.mag(), Bangle.getAccel() and E.getTemperature(): smooth,
 *   deterministic readings.
 *
 * Plain ES5, every function declared before it is called (Espruino does not
 * hoist).
 */
var STAND_IN = (function () {
  var hw = { t: 0, timers: [], nextId: 1, writes: [], violations: [], ram: {}, regs: null, board: null, reads: 0 };

  /** The board module, and the register model, on first use. */
  function board() {
    var b, i, n;
    if (hw.board) return hw.board;
    b = hw.board = require("ramkit-board");
    hw.regs = {};
    for (i = 0; i < b.banks.length; i++) {
      if (b.banks[i].powerRegister === undefined) continue;
      n = b.banks[i].sections.length;
      hw.regs[b.banks[i].powerRegister] = { value: (1 << n) - 1, mask: (((1 << n) - 1) | (((1 << n) - 1) << 16)) >>> 0, bank: i };
    }
    return b;
  }

  function hex(a) { return "0x" + (a >>> 0).toString(16); }

  function bad(what) {
    if (hw.violations.length < 50) hw.violations.push(what);
  }

  /** Check an access of `n` bytes at `a` to RAM: not reserved, not switched off. */
  function ramAccess(a, n, verb) {
    var b = board(), i, j, s, r, reg;
    for (i = 0; i < b.reserved.length; i++) {
      r = b.reserved[i];
      if (a < r.base + r.size && r.base < a + n) { bad(verb + " " + hex(a) + " inside the reserved range " + r.name); return; }
    }
    for (i = 0; i < b.banks.length; i++) {
      for (j = 0; j < b.banks[i].sections.length; j++) {
        s = b.banks[i].sections[j];
        if (a < s.base + s.size && s.base < a + n && b.banks[i].powerRegister !== undefined) {
          reg = hw.regs[b.banks[i].powerRegister];
          if (!((reg.value >>> j) & 1)) bad(verb + " " + hex(a) + " in section " + s.name + ", which is switched off");
        }
      }
    }
  }

  function isRam(a) {
    var b = board();
    return a >= b.ram.base && a < b.ram.base + b.ram.size;
  }

  function peek(a, n) {
    var v = 0, i;
    hw.reads++;
    if (typeof a !== "number" || a !== Math.floor(a) || a <= 0 || a + n > 0x100000000) { bad("peek" + 8 * n + " of a bad address " + a); return 0; }
    board();
    if (n === 4 && hw.regs[a]) return hw.regs[a].value;
    if (!isRam(a)) { bad("peek" + 8 * n + " " + hex(a) + ": neither RAM nor a RAM[n].POWER register"); return 0; }
    ramAccess(a, n, "peek" + 8 * n);
    for (i = n - 1; i >= 0; i--) v = v * 256 + (hw.ram[a + i] || 0);
    return v;
  }

  function poke(a, v, n) {
    var i, reg, base;
    if (typeof a !== "number" || a !== Math.floor(a) || a <= 0 || a + n > 0x100000000) { bad("poke" + 8 * n + " of a bad address " + a); return; }
    if (typeof v !== "number" || v !== Math.floor(v)) { bad("poke" + 8 * n + " " + hex(a) + " of a value that is not an integer: " + v); return; }
    board();
    base = a - (a % 16 === 4 ? 4 : 8);
    reg = hw.regs[base];
    if (n === 4 && reg && (a % 16 === 4 || a % 16 === 8)) {
      hw.writes.push([a, v >>> 0]);
      if ((v >>> 0) & ~reg.mask) bad("poke32 " + hex(a) + " = " + hex(v) + ": bits of sections bank " + reg.bank + " does not have");
      reg.value = (a % 16 === 4 ? reg.value | v : reg.value & ~v) >>> 0;
      return;
    }
    if (!isRam(a)) { bad("poke" + 8 * n + " " + hex(a) + ": neither RAM nor a RAM[n].POWERSET/POWERCLR register"); return; }
    ramAccess(a, n, "poke" + 8 * n);
    v = v >>> 0;
    for (i = 0; i < n; i++) { hw.ram[a + i] = v & 255; v = v >>> 8; }
  }

  function addTimer(fn, ms, repeat) {
    var id = hw.nextId++;
    hw.timers.push({ id: id, fn: fn, ms: ms > 0 ? ms : 1, next: hw.t + (ms > 0 ? ms : 1) / 1000, repeat: repeat });
    return id;
  }

  function clearTimer(id) {
    for (var i = 0; i < hw.timers.length; i++) if (hw.timers[i].id === id) { hw.timers.splice(i, 1); return; }
  }

  /** Let `seconds` pass: every timer due fires, in time order. */
  function run(seconds) {
    var end = hw.t + seconds, i, due, tm;
    for (;;) {
      due = -1;
      for (i = 0; i < hw.timers.length; i++) if (due < 0 || hw.timers[i].next < hw.timers[due].next) due = i;
      if (due < 0 || hw.timers[due].next > end) break;
      tm = hw.timers[due];
      hw.t = tm.next;
      if (tm.repeat) tm.next = hw.t + tm.ms / 1000;
      else hw.timers.splice(due, 1);
      tm.fn();
    }
    hw.t = end;
  }

  /** A smooth reading in [-amp, amp] for channel `k` at the current time. */
  function wave(k, amp) {
    return Math.round(amp * Math.sin(hw.t / (7 + 3 * k) + k) * Math.cos(hw.t / (53 + 11 * k)));
  }

  hw.peek = peek;
  hw.poke = poke;
  hw.addTimer = addTimer;
  hw.clearTimer = clearTimer;
  hw.run = run;
  hw.wave = wave;
  return hw;
})();

var peek8 = function (a) { return STAND_IN.peek(a, 1); };
var peek16 = function (a) { return STAND_IN.peek(a, 2); };
var peek32 = function (a) { return STAND_IN.peek(a, 4); };
var poke8 = function (a, v) { STAND_IN.poke(a, v, 1); };
var poke16 = function (a, v) { STAND_IN.poke(a, v, 2); };
var poke32 = function (a, v) { STAND_IN.poke(a, v, 4); };
var getTime = function () { return STAND_IN.t; };
var setInterval = function (fn, ms) { return STAND_IN.addTimer(fn, ms, true); };
var setTimeout = function (fn, ms) { return STAND_IN.addTimer(fn, ms, false); };
var clearInterval = function (id) { STAND_IN.clearTimer(id); };
var clearTimeout = function (id) { STAND_IN.clearTimer(id); };
var Puck = { mag: function () { return { x: 1200 + STAND_IN.wave(0, 900), y: -400 + STAND_IN.wave(1, 700), z: 300 + STAND_IN.wave(2, 500) }; } };
var Bangle = {
  getAccel: function () {
    var x = STAND_IN.wave(3, 1000) / 1000, y = STAND_IN.wave(4, 1000) / 1000, z = -1 + STAND_IN.wave(5, 300) / 1000;
    return { x: x, y: y, z: z, mag: Math.sqrt(x * x + y * y + z * z), diff: Math.abs(STAND_IN.wave(6, 500)) / 1000 };
  }
};
if (typeof E === "undefined") var E = {};
E.getTemperature = function () { return 21 + STAND_IN.wave(7, 3) / 4; };

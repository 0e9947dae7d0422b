/*
 * Board probe: prints what the firmware reveals about where its RAM goes,
 * so that you can check a board file's assumptions (boards/NAME.json:
 * reserved ranges, regions) on your own board. It needs no ramkit; when
 * the upload includes the board module (npm run flash) it also compares.
 *
 *   npm run flash -- --board PUCKJS --app examples/probe.js --port aa:bb:cc:dd:ee:ff --sleep 5
 *   npx espruino --no-ble -p /dev/ttyACM0 examples/probe.js           (without the comparison)
 *
 * What it reads (Espruino's reference for process.memory and
 * E.getAddressOf; src/jswrap_process.c and src/jswrap_espruino.c):
 * - process.memory(): the variable count (`total`) and size (`blocksize`);
 *   on ARM builds `stackEndAddress`, the end of the firmware's static data
 *   (the stack may grow down to it), and `stackFree`, so the stack pointer
 *   is about stackEndAddress + stackFree;
 * - E.getAddressOf(v) of a few variables: each lies in the variable pool,
 *   so the pool starts no later than the lowest and ends no earlier than
 *   the highest, and it is `total` x `blocksize` bytes long.
 * Lines start with "probe:"; the last says whether the board file holds.
 */
(function () {
  var env = typeof process !== "undefined" && process.env ? process.env : {};
  var m = typeof process !== "undefined" && process.memory ? process.memory(false) : null;
  var board = null, problems = 0, lo = -1, hi = -1, i, a, k, r, poolLo, poolHi;

  function hex(x) { return "0x" + (x >>> 0).toString(16); }
  function say(s) { print("probe: " + s); }
  function check(ok, what) {
    if (!ok) problems++;
    say((ok ? "ok: " : "DIFFERS: ") + what);
  }

  say("board " + env.BOARD + ", firmware " + env.VERSION);
  if (m === null) { say("no process.memory(): not Espruino"); return; }
  say("variables: " + m.total + " x " + m.blocksize + " bytes = " + m.total * m.blocksize + " bytes, " + m.usage + " in use");

  if (typeof E !== "undefined" && E.getAddressOf) {
    var seen = [global, m, {}, "probe", [1, 2, 3], say];
    for (i = 0; i < seen.length; i++) {
      a = E.getAddressOf(seen[i], false) >>> 0;
      if (lo < 0 || a < lo) lo = a;
      if (a > hi) hi = a;
    }
    hi += m.blocksize;
    poolLo = hi - m.total * m.blocksize;
    poolHi = lo + m.total * m.blocksize;
    say("variables seen in [" + hex(lo) + ", " + hex(hi) + "): the pool starts in [" + hex(poolLo) + ", " + hex(lo) + "] and ends in [" + hex(hi) + ", " + hex(poolHi) + "]");
  }
  if (m.stackEndAddress !== undefined) {
    say("static data ends at " + hex(m.stackEndAddress) + " (stackEndAddress: the stack may grow down to it)");
    say("stack pointer about " + hex(m.stackEndAddress + m.stackFree) + ", " + m.stackFree + " bytes of stack free");
  } else {
    say("no stackEndAddress: this build does not say where its static data ends or where the stack is (not an ARM build)");
  }
  if (m.flash_start !== undefined) say("flash: firmware ends at " + hex(m.flash_binary_end) + ", saved code from " + hex(m.flash_code_start) + ", " + m.flash_length + " bytes in all");

  try { board = require("ramkit-board"); } catch (e) { board = null; }
  if (!board || !board.reserved) { say("no board module: upload with npm run flash to compare with a board file"); return; }
  say("board file " + board.name + ": RAM [" + hex(board.ram.base) + ", " + hex(board.ram.base + board.ram.size) + ")");
  for (k = 0; k < board.reserved.length; k++) {
    r = board.reserved[k];
    say("  reserves " + r.name + " [" + hex(r.base) + ", " + hex(r.base + r.size) + ") (" + (r.basis || "?") + ")");
    if (r.kind === "espruino-variables") {
      check(r.size === m.total * m.blocksize, r.name + ": " + r.size + " bytes in the file, " + m.total * m.blocksize + " on the board");
      if (lo >= 0 && lo >= board.ram.base && hi <= board.ram.base + board.ram.size) {
        check(r.base <= lo && r.base + r.size >= hi, r.name + " holds every variable seen, [" + hex(lo) + ", " + hex(hi) + ")");
      }
    }
    if (r.kind === "stack" && m.stackEndAddress !== undefined) {
      a = m.stackEndAddress + m.stackFree;
      check(a > r.base && a <= r.base + r.size, r.name + " holds the stack pointer " + hex(a));
    }
  }
  if (m.stackEndAddress !== undefined) {
    for (k = 0; k < board.regions.length; k++) {
      r = board.regions[k];
      check(r.base >= m.stackEndAddress, "region " + r.name + " [" + hex(r.base) + ", " + hex(r.base + r.size) + ") lies above the static data (ends at " + hex(m.stackEndAddress) + ")");
    }
  }
  say(problems === 0 ? "the board file's assumptions hold on this board" : problems + " assumption(s) of the board file do not hold on this board");
})();

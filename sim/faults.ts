/**
 * Fault injection in the simulated MCU (Node only): what the tests in
 * test/faults*.ts do to RAM behind the allocators' backs.
 *
 * - `flipBit(mcu, address, bit)`: a single-event upset. One bit of one byte
 *   changes in the section's cells, whatever the section's state (on,
 *   retained, or off, where it changes a pattern that means nothing). It is
 *   not a bus access: no counter moves, nothing faults, nothing is logged.
 * - `cutPower(mcu, section, restore)`: the section loses power without the
 *   software knowing (a bank manager bypassed, a brown-out of one bank): it
 *   goes off, losing its contents; with `restore` it comes straight back to
 *   the state it had (on or retained) holding a new power cycle's pattern,
 *   so only the contents are lost.
 * - `powerLoss(mcu)`: the whole chip loses power: every section's contents
 *   are lost (retained ones too), every section is on again as at power-up,
 *   the chip is in the board's default mode and the engine has restarted
 *   (the port's region claims end, as after a wake from System OFF).
 *
 * Each returns what it hit, so that a test can tell which live allocations
 * the fault may have damaged.
 */
import { fail, show } from "../src/core/errors.js";
import { hex } from "./boards.js";
import type { SimMcu } from "./mcu.js";
import { restartEngine } from "./retention.js";

/**
 * Flip bit `bit` (0..7) of the byte at `address` in the cells of its
 * section (see the file comment). Returns the section's name. EINVAL for an
 * unmapped address or a bad bit. O(log sections).
 */
export function flipBit(mcu: SimMcu, address: number, bit: number): string {
  const s = typeof address === "number" ? mcu.sectionAt(address) : -1;
  if (s < 0) fail("EINVAL", "address must be a mapped RAM address, got " + (typeof address === "number" ? hex(address) : show(address)));
  if (typeof bit !== "number" || Math.floor(bit) !== bit || !(bit >= 0 && bit <= 7))
    fail("EINVAL", "bit must be an integer in [0, 7], got " + show(bit));
  mcu._bytes(s)[address - mcu._base[s]] ^= 1 << bit;
  return mcu.sectionName(s);
}

/**
 * Take power from section `section` (an index) behind the software's back:
 * it goes off and loses its contents; with `restore` it returns at once to
 * the state it had. Returns the range it covered, {base, size, name}.
 * EINVAL for a bad index; EPERM for a section that is not gateable.
 * O(section size) (the new pattern).
 */
export function cutPower(mcu: SimMcu, section: number, restore?: boolean): { base: number; size: number; name: string } {
  const before = mcu.getPower(section);
  mcu.setPower(section, "off");
  if (restore && before !== "off") mcu.setPower(section, before);
  return { base: mcu.sectionBase(section), size: mcu.sectionSize(section), name: mcu.sectionName(section) };
}

/**
 * The chip loses power and comes back: every section's contents are lost
 * (retained ones included) and it is on again, the chip is in the board's
 * default mode, and the engine has restarted (the port's region claims
 * end). Non-gateable sections lose their contents too. O(total RAM).
 */
export function powerLoss(mcu: SimMcu): void {
  for (let s = 0; s < mcu.sectionCount(); s++) {
    if (mcu.gateable(s)) {
      mcu.setPower(s, "off");
      mcu.setPower(s, "on");
    } else {
      // The power port cannot switch it, but the chip lost power all the same: new random contents.
      mcu._cycle[s]++;
      mcu._pattern(s);
    }
  }
  mcu.setMode(mcu.board.defaultMode);
  restartEngine(mcu);
}

/**
 * Region claims: which ranges of a Memory port live allocators manage, so
 * that a second allocator over the same RAM, or a region outside the port's
 * memory, is refused when it is built instead of corrupting memory later.
 *
 * The claims of a port are kept on the port object itself (one array), so a
 * port that is dropped takes its claims with it. Allocators call
 * `claimRegion` in their constructor and `releaseRegion` in `close()`.
 */
import type { Memory } from "./ports.js";
import { fail, ENOENT } from "../core/errors.js";

/** "[0x20000000, 0x20001000)" for a range, in messages. */
export function rangeText(lo: number, hi: number): string {
  return "[0x" + lo.toString(16) + ", 0x" + hi.toString(16) + ")";
}

/**
 * Claim [base, base + size) of `memory` for `owner`. Throws EINVAL naming
 * both ranges when the port says the range is not its memory (ports that know
 * their extent implement `mapped`), and EBUSY naming both ranges when it
 * overlaps a range another owner has claimed. O(claims of the port).
 */
export function claimRegion(memory: Memory, base: number, size: number, owner: object): void {
  var m = memory as any,
    hi = base + size,
    c = m._claims as any[] | undefined,
    i;
  if (typeof m.mapped === "function" && !m.mapped(base, size)) {
    fail(
      "EINVAL",
      "the region " +
        rangeText(base, hi) +
        " is not inside the memory port" +
        (typeof m.base === "number" && typeof m.size === "number" ? " " + rangeText(m.base, m.base + m.size) : "")
    );
  }
  if (!c) c = m._claims = [];
  for (i = 0; i < c.length; i += 3) {
    if (c[i + 2] !== owner && base < c[i + 1] && c[i] < hi) {
      fail(
        "EBUSY",
        "the region " + rangeText(base, hi) + " overlaps " + rangeText(c[i], c[i + 1]) + ", which another allocator of this memory manages"
      );
    }
  }
  c.push(base, hi, owner);
}

/** End every claim `owner` holds on `memory`: 0, or -ENOENT when it held none. O(claims of the port). */
export function releaseRegion(memory: Memory, owner: object): number {
  var c = (memory as any)._claims as any[] | undefined,
    n = 0,
    i;
  if (c)
    for (i = c.length - 3; i >= 0; i -= 3)
      if (c[i + 2] === owner) {
        c.splice(i, 3);
        n++;
      }
  return n > 0 ? 0 : -ENOENT;
}

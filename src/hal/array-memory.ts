import { bytes, fillArr, hasTypedArrays, type Store } from "../core/storage.js";
import { checkAddress, checkInt, fail, show } from "../core/errors.js";
import { addressText, badValue, checkBlock, checkLen } from "./checks.js";
import { type Memory, type Power, type PowerState, type WordView, isPowerState } from "./ports.js";

/**
 * The typed-array backend of the `Memory` port: `size` bytes that stand at
 * address `base`. It runs on every engine of the matrix (a zero-filled plain
 * array where there are no typed arrays). An access outside [base, base+size)
 * throws EFAULT naming the address: this backend is for tests, host tools and
 * boards where ramkit manages a buffer of its own.
 *
 * Complexity: O(1) per word access, O(len) per block call.
 */
export class ArrayMemory implements Memory {
  /** First address. */
  base: number;
  /** Size in bytes. */
  size: number;
  /** @internal The bytes; `_b[a - base]` is the byte at `a`. */
  _b: Store;
  /** @internal An Int32 view of the same bytes (null without typed arrays): aligned words in one access. */
  _w: Store | null;
  /** @internal Number of whole words in `_w`. */
  _nw: number;
  /**
   * `size` zeroed bytes at `base`. Throws EINVAL naming the argument: base
   * not a non-zero 32-bit address, size not an integer in [1, 2^28], or the
   * range passing 2^32. O(size).
   */
  constructor(base: number, size: number) {
    checkAddress(base, "base");
    checkInt(size, "size", 1, 0x10000000);
    if (base + size > 0x100000000) fail("EINVAL", "base + size must not pass 2^32, got " + (base + size));
    this.base = base;
    this.size = size;
    this._b = bytes(size);
    // Typed arrays use the host's byte order; every engine and board ramkit
    // targets is little-endian, as the port requires.
    this._nw = size >> 2;
    this._w = hasTypedArrays ? new Int32Array((this._b as Uint8Array).buffer, 0, this._nw) : null;
  }
  /** @internal Offset of `a` for an access of `n` bytes; throws EFAULT outside (and for anything that is not an integer address). */
  _o(a: number, n: number): number {
    var o = a - this.base;
    if (!(o >= 0 && o + n <= this.size && Math.floor(o) === o && typeof a === "number"))
      fail(
        "EFAULT",
        "address " +
          addressText(a) +
          " (" +
          n +
          " bytes) is outside [0x" +
          this.base.toString(16) +
          ", 0x" +
          (this.base + this.size).toString(16) +
          ")"
      );
    return o;
  }
  read8(a: number): number {
    return this._b[this._o(a, 1)];
  }
  read16(a: number): number {
    var o = this._o(a, 2),
      b = this._b;
    return b[o] | (b[o + 1] << 8);
  }
  /** Aligned words take one typed-array read (the hot path of in-band free lists); the rest go byte by byte. */
  read32(a: number): number {
    var o = a - this.base,
      i = o >> 2;
    if (i << 2 === o && i >= 0 && i < this._nw && this._w && typeof a === "number") return this._w[i] >>> 0;
    var b = this._b;
    o = this._o(a, 4);
    return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
  }
  /** Store the byte `v`: an integer in [-128, 255], else EINVAL naming it (nothing written). */
  write8(a: number, v: number): void {
    if ((v & 0xff) !== v && (v << 24) >> 24 !== v) badValue(v, -128, 255);
    this._b[this._o(a, 1)] = v & 0xff;
  }
  /** Store the half-word `v`: an integer in [-32768, 65535], else EINVAL naming it. */
  write16(a: number, v: number): void {
    if ((v & 0xffff) !== v && (v << 16) >> 16 !== v) badValue(v, -32768, 65535);
    var o = this._o(a, 2),
      b = this._b;
    b[o] = v & 0xff;
    b[o + 1] = (v >> 8) & 0xff;
  }
  /** Store the word `v`: an integer in [-2^31, 2^32 - 1], else EINVAL naming it. Aligned words take one typed-array write. */
  write32(a: number, v: number): void {
    if ((v | 0) !== v && v >>> 0 !== v) badValue(v, -2147483648, 4294967295);
    var o = a - this.base,
      i = o >> 2;
    if (i << 2 === o && i >= 0 && i < this._nw && this._w && typeof a === "number") {
      this._w[i] = v | 0;
      return;
    }
    var b = this._b;
    o = this._o(a, 4);
    b[o] = v & 0xff;
    b[o + 1] = (v >> 8) & 0xff;
    b[o + 2] = (v >> 16) & 0xff;
    b[o + 3] = (v >>> 24) & 0xff;
  }
  /** Whether [a, a + len) lies inside this memory (see `Memory.mapped`). O(1). */
  mapped(a: number, len: number): boolean {
    return typeof a === "number" && typeof len === "number" && a >= this.base && len >= 0 && a + len <= this.base + this.size;
  }
  /** The Int32 view of the bytes (null without typed arrays): see `Memory.wordView`. */
  wordView(): WordView | null {
    return this._w === null ? null : { words: this._w, base: this.base };
  }
  /** Copy `len` bytes at `a` into `dst[off..)`. EINVAL for a bad dst, off or len; EFAULT outside; nothing copied on either. O(len). */
  readBlock(a: number, dst: { [i: number]: number }, off: number, len: number): void {
    checkBlock(dst, off, len, "dst", true);
    var o = this._o(a, len),
      b = this._b;
    for (var i = 0; i < len; i++) dst[off + i] = b[o + i];
  }
  /** Copy the low byte of each of `src[off..off+len)` to `a`. EINVAL for a bad src, off or len; EFAULT outside; nothing written on either. O(len). */
  writeBlock(a: number, src: { [i: number]: number }, off: number, len: number): void {
    checkBlock(src, off, len, "src", false);
    var o = this._o(a, len),
      b = this._b;
    for (var i = 0; i < len; i++) b[o + i] = src[off + i] & 0xff;
  }
  /** Set `len` bytes at `a` to the byte `v` (an integer in [-128, 255]). EINVAL for a bad len or v; EFAULT outside. O(len). */
  fill(a: number, len: number, v: number): void {
    checkLen(len);
    if ((v & 0xff) !== v && (v << 24) >> 24 !== v) badValue(v, -128, 255);
    var o = this._o(a, len);
    fillArr(this._b, v & 0xff, o, o + len);
  }
  /** memmove `len` bytes from `src` to `dst`. EINVAL for a bad len; EFAULT when either range is outside (nothing copied). O(len). */
  copy(dst: number, src: number, len: number): void {
    checkLen(len);
    var d = this._o(dst, len),
      s = this._o(src, len),
      b = this._b,
      i;
    if (d < s) for (i = 0; i < len; i++) b[d + i] = b[s + i];
    else for (i = len - 1; i >= 0; i--) b[d + i] = b[s + i];
  }
}

/** One section of a `StatePower`: where it is and whether it can be gated. */
export interface SectionSpec {
  name: string;
  base: number;
  size: number;
  gateable: boolean;
}

/**
 * The plain backend of the `Power` port: it records each section's state and
 * does nothing else. On a board without RAM power control, and in tests, it
 * lets a bank manager run unchanged; the simulator's port adds the effects.
 */
export class StatePower implements Power {
  /** @internal The sections, copied. */
  _s: SectionSpec[];
  /** @internal Each section's state. */
  _p: PowerState[];
  /**
   * Sections in address order, all "on". Throws EINVAL naming the entry: not
   * an array or an empty one, an entry that is not an object, a base that is
   * not a non-zero address, a size not in [1, 2^28], a section overlapping or
   * below the one before. O(sections).
   */
  constructor(sections: SectionSpec[]) {
    if (!sections || typeof sections !== "object" || !Array.isArray(sections) || sections.length < 1)
      fail("EINVAL", "sections must be a non-empty array");
    this._s = [];
    this._p = [];
    for (var i = 0; i < sections.length; i++) {
      var s = sections[i];
      if (s === null || typeof s !== "object")
        fail("EINVAL", "sections[" + i + "] must be an object {name, base, size, gateable}, got " + show(s));
      checkAddress(s.base, "sections[" + i + "].base");
      checkInt(s.size, "sections[" + i + "].size", 1, 0x10000000);
      if (i > 0 && s.base < this._s[i - 1].base + this._s[i - 1].size)
        fail("EINVAL", "sections[" + i + "] overlaps or is out of address order");
      this._s.push({ name: String(s.name), base: s.base, size: s.size, gateable: !!s.gateable });
      this._p.push("on");
    }
  }
  sectionCount(): number {
    return this._s.length;
  }
  /** Index of the section holding `a`, or -1 (also for NaN and non-numbers). O(log sections). */
  sectionAt(a: number): number {
    var s = this._s,
      lo = 0,
      hi = s.length - 1;
    if (typeof a !== "number") return -1; // "0x20000010" is not an address, though it compares as one
    while (lo <= hi) {
      var m = (lo + hi) >> 1;
      if (!(a >= s[m].base))
        hi = m - 1; // NaN and non-numbers end at -1
      else if (a >= s[m].base + s[m].size) lo = m + 1;
      else return m;
    }
    return -1;
  }
  /** @internal Section `i`, or EINVAL naming the index. */
  _c(i: number): SectionSpec {
    if (typeof i !== "number" || !(i >= 0 && i < this._s.length) || Math.floor(i) !== i)
      fail("EINVAL", "section must be an index in [0, " + (this._s.length - 1) + "], got " + i);
    return this._s[i];
  }
  sectionBase(i: number): number {
    return this._c(i).base;
  }
  sectionSize(i: number): number {
    return this._c(i).size;
  }
  sectionName(i: number): string {
    return this._c(i).name;
  }
  gateable(i: number): boolean {
    return this._c(i).gateable;
  }
  getPower(i: number): PowerState {
    this._c(i);
    return this._p[i];
  }
  setPower(i: number, state: PowerState): void {
    var s = this._c(i);
    if (!isPowerState(state)) fail("EINVAL", 'state must be "on", "off" or "retained", got ' + state);
    if (state !== "on" && !s.gateable) fail("EPERM", "section " + s.name + " cannot be switched off");
    this._p[i] = state;
  }
}

/**
 * Error codes and the one error helper.
 *
 * Run-time outcomes are values: free-like calls return 0 or a negative errno
 * (`-EINVAL`, `-ENOMEM`, …) with Zephyr's (POSIX) numbers. Configuration errors
 * throw an `Error` whose `.code` is the code's name ("EINVAL") and whose
 * message names the argument. ESPRUINO: there is no RangeError and Error has
 * no `.name` there, so every error is a plain Error made by `makeError`.
 */

/** Operation not permitted. */
export var EPERM = 1;
/** No such entry. */
export var ENOENT = 2;
/** Try again. */
export var EAGAIN = 11;
/** Out of memory. */
export var ENOMEM = 12;
/** Bad address: not inside the allocator, or not allocated. */
export var EFAULT = 14;
/** Busy: the resource is in use. */
export var EBUSY = 16;
/** Already exists. */
export var EEXIST = 17;
/** Invalid argument. */
export var EINVAL = 22;
/** No space left (bit-array run search). */
export var ENOSPC = 28;

/** Error codes by name, for messages and lookups. */
export var errnoNames: { [code: number]: string } = {
  1: "EPERM",
  2: "ENOENT",
  11: "EAGAIN",
  12: "ENOMEM",
  14: "EFAULT",
  16: "EBUSY",
  17: "EEXIST",
  22: "EINVAL",
  28: "ENOSPC"
};

/** The error thrown for configuration mistakes: an Error with a string `code`. */
export interface CodedError extends Error {
  code: string;
}

/** Make (not throw) an Error whose `.code` is `code` (for example "EINVAL"). */
export function makeError(code: string, message: string): CodedError {
  var e = new Error(code + ": " + message) as CodedError;
  e.code = code;
  return e;
}

/**
 * `v` as an error message shows it: a string in quotes (so that "5" and 5
 * differ), anything else as String(v) ("an object" when even that throws).
 */
export function show(v: any): string {
  if (typeof v === "string") return '"' + v + '"';
  try {
    return String(v);
  } catch (e) {
    return "an object";
  }
}

/** Throw `makeError(code, message)`. */
export function fail(code: string, message: string): never {
  // makeError's two lines, not a call: a board bundle that only fails holds one function, not two
  var e = new Error(code + ": " + message) as CodedError;
  e.code = code;
  throw e;
}

/**
 * Checks used by constructors: each throws EINVAL naming `what` when the value
 * is not as required, and returns the value otherwise.
 */
export function checkInt(v: any, what: string, min: number, max: number): number {
  if (typeof v !== "number" || v !== v || Math.floor(v) !== v || v < min || v > max) {
    fail("EINVAL", what + " must be an integer in [" + min + ", " + max + "], got " + v);
  }
  return v;
}

/** True when `v` is a power of two in [1, 2^31]. */
export function isPow2(v: number): boolean {
  return v > 0 && v <= 0x80000000 && Math.floor(v) === v && (v & (v - 1)) === 0;
}

/** Throws EINVAL naming `what` unless `v` is a power of two ≥ `min`. */
export function checkPow2(v: any, what: string, min: number): number {
  if (typeof v !== "number" || !isPow2(v) || v < min) {
    fail("EINVAL", what + " must be a power of two of at least " + min + ", got " + v);
  }
  return v;
}

/** Throws EINVAL naming `what` unless `v` is an address: an integer in [1, 2^32). */
export function checkAddress(v: any, what: string): number {
  if (typeof v !== "number" || Math.floor(v) !== v || v <= 0 || v > 0xffffffff) {
    fail("EINVAL", what + " must be a non-zero 32-bit unsigned address, got " + v);
  }
  return v;
}

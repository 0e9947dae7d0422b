import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  makeError,
  fail,
  checkInt,
  checkPow2,
  checkAddress,
  isPow2,
  show,
  EINVAL,
  ENOMEM,
  EFAULT,
  errnoNames,
} from "../src/core/errors.js";

test("error codes carry Zephyr's numbers", () => {
  assert.is(EINVAL, 22);
  assert.is(ENOMEM, 12);
  assert.is(EFAULT, 14);
  assert.is(errnoNames[EINVAL], "EINVAL");
});

test("makeError sets .code and names the code in the message", () => {
  const e = makeError("EINVAL", "blockSize must be a power of two");
  assert.is(e.code, "EINVAL");
  assert.match(e.message, /EINVAL: blockSize/);
  assert.throws(
    () => fail("EBUSY", "x"),
    (err: any) => err.code === "EBUSY",
  );
});

test("argument checks name the argument and reject non-numbers", () => {
  assert.is(checkInt(3, "count", 0, 8), 3);
  for (const bad of [-1, 9, 1.5, NaN, "3", null, undefined]) {
    assert.throws(
      () => checkInt(bad, "count", 0, 8),
      (e: any) => e.code === "EINVAL" && /count/.test(e.message),
    );
  }
  assert.ok(isPow2(1) && isPow2(4096) && isPow2(0x80000000));
  assert.not.ok(isPow2(0) || isPow2(3) || isPow2(-4) || isPow2(2.5));
  assert.throws(() => checkPow2(2, "blockSize", 4), /blockSize/);
  assert.throws(() => checkAddress(0, "base"), /base/);
  assert.throws(() => checkAddress(0x100000000, "base"), /base/);
  assert.is(checkAddress(0x20000000, "base"), 0x20000000);
});

test("show: strings in quotes, the rest as String(v), never a throw", () => {
  assert.equal(
    [show("5"), show(5), show(NaN), show(null), show(undefined), show({}), show([1, 2])],
    ['"5"', "5", "NaN", "null", "undefined", "[object Object]", "1,2"],
  );
  assert.is(show(Object.create(null)), "an object");
});

test.run();

// The plain-array fallback (mujs, JerryScript ES5.1): the BUILT bundle runs in
// a node:vm realm with every typed array, ArrayBuffer and DataView removed,
// and must behave exactly like the typed-array build. `npm test` builds
// dist/ramkit-extras.js (the storage helpers, ArrayMemory and StatePower) before
// the unit tests; when it is missing this file skips.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { memoryContract, memoryInputContract, throwsCode } from "./support/memory-contract.js";

const BUNDLE = fileURLToPath(new URL("../dist/ramkit-extras.js", import.meta.url));
const REMOVED = [
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
  "ArrayBuffer",
  "SharedArrayBuffer",
  "DataView",
];

/** Load the bundle the way a CommonJS engine does, in a realm without typed arrays. */
function loadWithoutTypedArrays(): { rk: any; realm: any } {
  const realm = vm.createContext({});
  vm.runInContext(REMOVED.map((n) => "delete globalThis." + n + ";").join("\n"), realm);
  const code = readFileSync(BUNDLE, "utf8");
  const mod = vm.runInContext("(function (exports) {\n" + code + "\n;return exports; })", realm);
  return { rk: mod(vm.runInContext("({})", realm)), realm };
}

const found = existsSync(BUNDLE);
if (!found) console.log("  SKIPPED: dist/ramkit-extras.js is missing (run `npm run build`; `npm test` builds it first)");
const loaded = found ? loadWithoutTypedArrays() : null;

if (loaded) {
  const { rk, realm } = loaded;

  test("the realm really has no typed arrays", () => {
    for (const n of REMOVED) assert.is(vm.runInContext("typeof " + n, realm), "undefined", n);
  });

  test("hasTypedArrays is false", () => {
    assert.is(rk.hasTypedArrays, false);
  });

  test("bytes(), words() and uwords() give zero-filled plain arrays", () => {
    for (const make of ["bytes", "words", "uwords"]) {
      const a = rk[make](7);
      assert.ok(Array.isArray(a), make + " is a plain array");
      assert.is(a.length, 7);
      assert.equal(Array.from(a), [0, 0, 0, 0, 0, 0, 0], make + " is zero-filled");
    }
    assert.is(rk.bytes(0).length, 0);
  });

  test("fillArr and indexOfArr work on plain arrays", () => {
    const a = rk.bytes(10);
    rk.fillArr(a, 5, 2, 6);
    assert.equal(Array.from(a), [0, 0, 5, 5, 5, 5, 0, 0, 0, 0]);
    assert.is(rk.indexOfArr(a, 5, 0), 2);
    assert.is(rk.indexOfArr(a, 5, 6), -1);
    assert.is(rk.indexOfArr(a, 0, 3), 6);
  });

  test("ArrayMemory stores bytes in a plain array, in range", () => {
    const m = new rk.ArrayMemory(0x20000000, 32);
    // _b is private, reachable here because dist/ramkit.js is the unmangled bundle
    assert.ok(Array.isArray(m._b), "backing store is a plain array");
    m.write32(0x20000000, -1);
    m.write16(0x20000004, 0xffff);
    m.write8(0x20000006, 0xff);
    m.writeBlock(0x20000008, [256, -1, 0x1234], 0, 3);
    m.fill(0x20000010, 4, -2);
    m.write8(0x20000014, -128);
    assert.ok(
      Array.from(m._b as number[]).every((x) => Number.isInteger(x) && x >= 0 && x <= 255),
      "every stored value is a byte",
    );
    throwsCode(() => new rk.ArrayMemory(0, 16), "EINVAL", /base/);
  });

  memoryContract(test, "ArrayMemory without typed arrays", () => ({
    mem: new rk.ArrayMemory(0x20000000, 256),
    base: 0x20000000,
    size: 256,
  }));
  memoryInputContract(test, "ArrayMemory without typed arrays", () => ({
    mem: new rk.ArrayMemory(0x20000000, 256),
    base: 0x20000000,
    size: 256,
  }));

  test("StatePower works the same in that realm", () => {
    const p = new rk.StatePower([{ name: "A", base: 0x1000, size: 0x100, gateable: true }]);
    p.setPower(0, rk.POWER_RETAINED);
    assert.is(p.getPower(0), "retained");
    throwsCode(() => p.setPower(0, "sleep"), "EINVAL");
  });
} else {
  test("plain-array fallback (skipped: dist/ramkit.js is missing)", () => {});
}

test.run();

// The published declarations (scripts/api.mjs): private members (`_x`, the
// names the minifier renames) are dropped with their doc comments, public
// ones and everything else stay; `declare var` becomes `declare const`.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, writeFileSync, readFileSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withoutPrivateMembers, publishDeclarations } from "../scripts/api.mjs";

const DTS = `/** A pool. */
export declare class Pool {
    /** Bytes. */
    size: number;
    /** @internal The words. */
    _w: Int32Array;
    _rec: {
        a: number;
        _b: string;
    };
    /** Take one. */
    allocate(n: number): number;
    _note(n: number, address: number): void;
    private _old;
}
export interface Options {
    base: number;
    _hidden?: number;
}
export declare var VERSION: string;
export declare function _helper(): void;
`;

test("private members go, with their comments; the rest stays as written", () => {
  const out = withoutPrivateMembers(DTS);
  assert.not.match(out, /_w|_rec|_note|_old|_hidden|The words/);
  assert.match(out, /\/\*\* Bytes\. \*\/\n {4}size: number;/);
  assert.match(out, /\/\*\* Take one\. \*\/\n {4}allocate\(n: number\): number;/);
  assert.match(out, /base: number;/);
  assert.match(out, /export declare function _helper\(\): void;/, "only members: a private export is the entry point's business");
  assert.is(withoutPrivateMembers(out), out, "idempotent");
});

test("publishDeclarations edits every .d.ts under a directory, and only those", () => {
  const dir = mkdtempSync(join(tmpdir(), "ramkit-api-"));
  try {
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "sub/a.d.ts"), DTS);
    writeFileSync(join(dir, "b.js"), "export var _x = 1;\n");
    assert.is(publishDeclarations(dir), 1);
    const a = readFileSync(join(dir, "sub/a.d.ts"), "utf8");
    assert.match(a, /export declare const VERSION: string;/);
    assert.not.match(a, /_rec/);
    assert.is(readFileSync(join(dir, "b.js"), "utf8"), "export var _x = 1;\n");
    assert.is(publishDeclarations(dir), 0, "a second run changes nothing");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

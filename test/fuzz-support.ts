/**
 * What the fuzz tests share: mutations of a valid JSON document (a board
 * file, an experiment file) and of its text, the number of runs, and the
 * checks of an error: a coded Error (EINVAL or ENOENT, never a TypeError or
 * a RangeError) whose message names where the problem is.
 */
import fc from "fast-check";
import * as assert from "uvu/assert";

/** Runs per property; RAMKIT_FUZZ_RUNS scales them for a longer search (a few seconds for all fuzzers at the default). */
export function runs(n: number): number {
  const k = Number(process.env.RAMKIT_FUZZ_RUNS || "1");
  return Math.max(1, Math.round(n * (k > 0 ? k : 1)));
}

/** fc.assert with the run count scaled by RAMKIT_FUZZ_RUNS. */
export function check<T>(prop: fc.IPropertyWithHooks<T> | fc.IProperty<T>, numRuns: number): void {
  fc.assert(prop as fc.IProperty<T>, { numRuns: runs(numRuns) });
}

/** Every [JSON pointer, value] of a parsed JSON document, the root ("") included. */
export function paths(doc: unknown, at = ""): [string, unknown][] {
  const out: [string, unknown][] = [[at, doc]];
  if (doc !== null && typeof doc === "object") {
    for (const k of Object.keys(doc as object)) {
      out.push(...paths((doc as any)[k], at + "/" + String(k).replace(/~/g, "~0").replace(/\//g, "~1")));
    }
  }
  return out;
}

/** The value of `doc` at JSON pointer `p`, replaced by `f(old)` (undefined: the key deleted). A copy. */
export function setAt(doc: unknown, p: string, f: (old: unknown) => unknown): unknown {
  const copy = JSON.parse(JSON.stringify(doc));
  if (p === "") return f(copy);
  const keys = p
    .slice(1)
    .split("/")
    .map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"));
  let o: any = copy;
  for (let i = 0; i < keys.length - 1; i++) o = o[keys[i]];
  const last = keys[keys.length - 1],
    v = f(o[last]);
  if (v === undefined) {
    if (Array.isArray(o)) o.splice(Number(last), 1);
    else delete o[last];
  } else o[last] = v;
  return copy;
}

/** Values that break a field: edge numbers, wrong types, odd strings. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    0,
    -1,
    0.5,
    2 ** 32,
    1e300,
    -0,
    "",
    "0x",
    "0xZZ",
    "0x100000000",
    "4k",
    "NaN",
    true,
    false,
    null,
    [],
    {},
    [null],
    { "": 1 },
  ),
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** One mutation of a JSON document: a field replaced, deleted, or an unknown field added. */
export interface Mutation {
  doc: unknown;
  what: string;
}

/** Mutations of `base`: 1 to 3 changes at random paths. */
export function mutations(base: unknown): fc.Arbitrary<Mutation> {
  const all = paths(base);
  const key = fc.string({ minLength: 1, maxLength: 8 });
  const one = fc.tuple(fc.nat({ max: all.length - 1 }), fc.constantFrom("replace", "delete", "add"), oddValue, key);
  return fc.array(one, { minLength: 1, maxLength: 3 }).map((steps) => {
    let doc: unknown = base;
    const what: string[] = [];
    for (const [i, kind, v, key] of steps) {
      const p = all[i][0];
      try {
        if (kind === "replace") doc = setAt(doc, p, () => v);
        else if (kind === "delete" && p !== "") doc = setAt(doc, p, () => undefined);
        else doc = setAt(doc, p, (old) => (old !== null && typeof old === "object" && !Array.isArray(old) ? { ...old, [key]: v } : v));
        what.push(kind + " " + (p || "/") + (kind === "delete" ? "" : " = " + JSON.stringify(v)));
      } catch {
        // the path went away with an earlier step
      }
    }
    return { doc, what: what.join("; ") };
  });
}

/** Edits of a text: characters inserted, deleted or replaced at random offsets (JSON's own punctuation favoured). */
export function textEdits(base: string): fc.Arbitrary<string> {
  const ch = fc.oneof(
    fc.constantFrom("{", "}", "[", "]", ",", ":", '"', "\\", "\n", " ", "0", "-", ".", "e", "x", "\u0000", "\u2028"),
    fc.string({ minLength: 1, maxLength: 3 }),
  );
  const edit = fc.tuple(fc.nat({ max: base.length }), fc.nat({ max: 4 }), fc.oneof(ch, fc.constant("")));
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((es) => {
    let t = base;
    for (const [at, del, ins] of es) {
      const i = Math.min(at, t.length);
      t = t.slice(0, i) + ins + t.slice(i + del);
    }
    return t;
  });
}

/** The error `fn` throws, or null when it returns. */
export function thrown(fn: () => unknown): any {
  try {
    fn();
    return null;
  } catch (e) {
    return e;
  }
}

/**
 * `e` is a coded ramkit error: an Error whose `.code` is one of `codes` and
 * whose message starts with "CODE: ". Anything else (a TypeError from a
 * property read, a RangeError) fails with the input that caused it.
 */
export function assertCoded(e: any, codes: string[], input: string): void {
  assert.ok(e instanceof Error, "threw a non-Error for " + input + ": " + String(e));
  assert.ok(
    codes.indexOf((e as any).code) >= 0,
    "threw " + e.constructor.name + " (code " + (e as any).code + ") for " + input + ": " + e.message,
  );
  assert.ok(e.message.indexOf((e as any).code + ": ") === 0, "message does not start with its code: " + e.message);
}

/**
 * The problems of a loader's EINVAL message "CODE: LABEL: problem" or
 * "CODE: LABEL: N problems:\n  problem\n  problem" (the label removed).
 */
export function problems(message: string, label: string): string[] {
  const head = message.slice(message.indexOf(": ") + 2);
  assert.ok(
    head.indexOf(label + ": ") === 0 || head.indexOf(label + ":") === 0,
    "the message does not start with the file " + JSON.stringify(label) + ": " + message,
  );
  const rest = head.slice(label.length + 1).replace(/^ /, "");
  const m = /^(\d+) problems:\n/.exec(rest);
  if (!m) return [rest];
  // Problems are joined by a newline and two spaces (a raw line break inside a key stays inside its problem).
  const list = rest.slice(m[0].length).replace(/^ {2}/, "").split("\n  ");
  assert.is(list.length, Number(m[1]), "the count of problems: " + message);
  return list;
}

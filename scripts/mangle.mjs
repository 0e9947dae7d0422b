// One property-mangling table for every minified board bundle.
//
// The minifier renames private fields (`_name`) to short names, because on
// Espruino identifier length costs interpreter time and RAM. The lean bundles
// and the debug add-on are minified separately, yet the add-on's methods read
// the lean classes' private fields (`this._used`): both must rename each field
// the same way. terser's own renaming depends on what one bundle contains, so
// this module fixes the table for all of them: every `_name` under src/, most
// frequent first, gets the next short name from a pool that leaves out every
// name the code uses as a property (`.base`, `{ s: … }`, `"x"`), so a renamed
// field can never collide with a real one. The table is handed to terser as
// its name cache (`nameCache.props`), identically for every bundle of a build.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Private fields that are stored on objects ramkit does not own (a user's Memory port), so they keep their name. */
export const KEEP = ["_claims"];

/** Every `.ts` file under `dir`, sorted. */
function sources(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (name.endsWith(".ts")) out.push(p);
  }
  return out;
}

/** Short names in order: a … z, A … Z, then two characters (first a letter, then a letter or digit). */
function* shortNames() {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const rest = letters + "0123456789";
  for (const c of letters) yield c;
  for (const c of letters) for (const d of rest) yield c + d;
  for (const c of letters) for (const d of rest) for (const e of rest) yield c + d + e;
}

/** Words that cannot be a mangled name: reserved words and names every object has. */
const RESERVED = new Set(["do", "if", "in", "for", "let", "new", "try", "var", "NaN", "get", "set", "of"]);

/**
 * The table `{ _name: "short" }` for the sources under `srcDir`, and terser's
 * name cache made from it (`{ props: { props: { $_name: "short" } } }`). Deterministic:
 * the same sources give the same table.
 */
export function propertyTable(srcDir) {
  const counts = new Map();
  const used = new Set();
  for (const file of sources(srcDir)) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/\b_[A-Za-z][\w$]*/g)) counts.set(m[0], (counts.get(m[0]) || 0) + 1);
    // names used as properties: after a dot, before a colon (object keys, and more), inside quotes
    for (const m of text.matchAll(/\.\s*([A-Za-z$][\w$]*)/g)) used.add(m[1]);
    for (const m of text.matchAll(/([A-Za-z$][\w$]*)\s*\??:/g)) used.add(m[1]);
    for (const m of text.matchAll(/["'`]([A-Za-z$][\w$]*)["'`]/g)) used.add(m[1]);
  }
  for (const k of KEEP) counts.delete(k);
  const names = [...counts.keys()].sort((a, b) => counts.get(b) - counts.get(a) || (a < b ? -1 : 1));
  const pool = shortNames();
  const table = {};
  for (const name of names) {
    let n;
    do n = pool.next().value;
    while (used.has(n) || RESERVED.has(n));
    table[name] = n;
  }
  const props = {};
  for (const name of names) props["$" + name] = table[name];
  return { table, nameCache: { props: { props } } }; // terser keeps property names under nameCache.props.props
}

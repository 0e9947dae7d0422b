#!/usr/bin/env node
// The bundle checker: parses each built file as ES5 and fails on what the
// board engines lack (docs/ARCHITECTURE.md, "Board-safe TypeScript").
//
//   node scripts/check-bundle.mjs FILE…     (npm run check:bundle)
//
// Each finding prints `file:line:column rule-id: message` (column 1-based);
// the exit code is 1 if there is any. On success it prints each file's size.
// Rules (docs/ENGINES.md has examples):
//   es5-syntax        the file does not parse as ECMAScript 5
//   no-hoist          a function used before its declaration statement has run
//   espruino-missing  a global or static member Espruino does not have
//   builtin-prototype a method read off a built-in prototype (Array.prototype.x)
//   label             labelled statements, break/continue to a label
//   arguments         the `arguments` object
//   pow2              Math.pow(2, …): inexact on Espruino
//   length-assign     assignment to `.length` (throws on Espruino arrays)
//   splice-one-arg    `.splice(x)` with one argument (does not clear on mujs)
import { parse } from "acorn";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

/** Every rule id, in the order the header lists them. */
export const RULES = [
  "es5-syntax",
  "no-hoist",
  "espruino-missing",
  "builtin-prototype",
  "label",
  "arguments",
  "pow2",
  "length-assign",
  "splice-one-arg",
];

/**
 * Globals Espruino does not define. `typeof X` is allowed, and so is X (or
 * X.y) in the consequent of a `typeof X(.y) === "function"` (or
 * `!== "undefined"`) test: `?:`, `if` or `&&`.
 */
const MISSING_GLOBALS = new Set(["Map", "Set", "WeakMap", "WeakSet", "Symbol", "Proxy", "Reflect", "RangeError", "EvalError", "URIError"]);
const TYPED_ARRAYS = [
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float32Array",
  "Float64Array",
];
/** Static members Espruino does not define, by global object. */
const MISSING_STATICS = {
  Math: ["imul", "clz32", "trunc", "log2", "fround"],
  Number: ["isInteger", "isNaN", "isFinite", "EPSILON", "MAX_SAFE_INTEGER"],
  Array: ["from", "of"],
  Object: ["freeze", "is"],
  ArrayBuffer: ["isView"],
};
for (const t of TYPED_ARRAYS) MISSING_STATICS[t] = ["from", "of", "BYTES_PER_ELEMENT"];
/** Members missing on every object that matters (typed arrays, arrays). */
const MISSING_ANY = new Set(["BYTES_PER_ELEMENT", "copyWithin"]);
/** Built-ins whose prototype methods read as undefined on Espruino (`Array.prototype.slice` is undefined there; `[].slice` works). */
const BUILTINS = new Set([
  "Object",
  "Array",
  "String",
  "Function",
  "Number",
  "Boolean",
  "RegExp",
  "Date",
  "Error",
  "TypeError",
  "SyntaxError",
  "ReferenceError",
  "Promise",
  "ArrayBuffer",
  "DataView",
  ...TYPED_ARRAYS,
]);
/** `Builtin.prototype.method` reads that do work on Espruino. */
const PROTOTYPE_ALLOWED = new Set(["Object.prototype.hasOwnProperty"]);

const FUNCTION_TYPES = new Set(["FunctionDeclaration", "FunctionExpression"]);

// ---------------------------------------------------------------- AST helpers

/** Child nodes of `node` with the key they sit under. */
function children(node) {
  const out = [];
  for (const key of Object.keys(node)) {
    if (key === "loc" || key === "start" || key === "end" || key === "type") continue;
    const v = node[key];
    if (Array.isArray(v)) {
      for (const c of v) if (c && typeof c.type === "string") out.push([key, c]);
    } else if (v && typeof v.type === "string") out.push([key, v]);
  }
  return out;
}

/** True when the Identifier `node`, under `parent[key]`, reads a binding. */
function isReference(node, parent, key) {
  if (!parent) return true;
  switch (parent.type) {
    case "MemberExpression":
      return key !== "property" || parent.computed;
    case "Property":
      return key !== "key" || parent.computed;
    case "FunctionDeclaration":
    case "FunctionExpression":
      return key !== "id" && key !== "params";
    case "VariableDeclarator":
      return key !== "id";
    case "CatchClause":
      return key !== "param";
    case "LabeledStatement":
    case "BreakStatement":
    case "ContinueStatement":
      return key !== "label";
    default:
      return true;
  }
}

/** Name of a member access (`a.b` or `a["b"]`), or null. */
function memberName(m) {
  if (!m.computed) return m.property.name;
  return m.property.type === "Literal" && typeof m.property.value === "string" ? m.property.value : null;
}

// ---------------------------------------------------------------- scopes

/**
 * Static scopes: the program and each function. A scope knows its bindings
 * (kind "fn" for function declarations, with the node; "var" otherwise).
 * Catch clauses get a tiny scope of their own for the parameter.
 */
function buildScopes(ast) {
  const scopes = new Map(); // node -> scope
  function newScope(node, parent) {
    const s = { node, parent, names: new Map() };
    scopes.set(node, s);
    return s;
  }
  function declare(scope, name, kind, node) {
    const prev = scope.names.get(name);
    if (prev && prev.kind === "fn" && kind !== "fn") return;
    scope.names.set(name, { kind, node, scope });
  }
  function visit(node, scope) {
    switch (node.type) {
      case "FunctionDeclaration":
        declare(scope, node.id.name, "fn", node);
        break;
      case "VariableDeclarator":
        declare(scope, node.id.name, "var", node);
        break;
    }
    if (FUNCTION_TYPES.has(node.type)) {
      const inner = newScope(node, scope);
      if (node.type === "FunctionExpression" && node.id) declare(inner, node.id.name, "self", node);
      for (const p of node.params) declare(inner, p.name, "param", p);
      visit(node.body, inner);
      return;
    }
    if (node.type === "CatchClause") {
      const inner = newScope(node, scope);
      inner.isCatch = true;
      declare(inner, node.param.name, "param", node.param);
      visit(node.body, inner);
      return;
    }
    for (const [, c] of children(node)) visit(c, scope);
  }
  const top = newScope(ast, null);
  for (const s of ast.body) visit(s, top);
  // Declarations inside a catch body (var, function) belong to the function.
  for (const s of scopes.values()) {
    if (!s.isCatch) continue;
    let f = s.parent;
    while (f.isCatch) f = f.parent;
    for (const [name, b] of s.names)
      if (b.kind !== "param") {
        s.names.delete(name);
        declare(f, name, b.kind, b.node);
      }
  }
  return scopes;
}

function resolve(scope, name) {
  for (let s = scope; s; s = s.parent) {
    const b = s.names.get(name);
    if (b) return b;
  }
  return null;
}

// ---------------------------------------------------------------- pattern rules

/**
 * The names (`X` or `X.y`) that the consequent of `test` may use: those of
 * `typeof X(.y) === "s"` (s not "undefined") or `typeof X(.y) !== "undefined"`
 * tests, either operand order, alone or joined by `&&`.
 */
function typeofGuards(test) {
  if (test && test.type === "LogicalExpression" && test.operator === "&&") return typeofGuards(test.left).concat(typeofGuards(test.right));
  const g = typeofGuard(test);
  return g === null ? [] : [g];
}

/** The name one `typeof` test guards (see typeofGuards), or null. */
function typeofGuard(test) {
  if (!test || test.type !== "BinaryExpression" || !["===", "==", "!==", "!="].includes(test.operator)) return null;
  let t = test.left,
    lit = test.right;
  if (t.type !== "UnaryExpression") {
    t = test.right;
    lit = test.left;
  }
  if (t.type !== "UnaryExpression" || t.operator !== "typeof" || lit.type !== "Literal" || typeof lit.value !== "string") return null;
  const eq = test.operator === "===" || test.operator === "==";
  if (eq === (lit.value === "undefined")) return null;
  const e = t.argument;
  if (e.type === "Identifier") return e.name;
  if (e.type === "MemberExpression" && e.object.type === "Identifier" && memberName(e) !== null) return e.object.name + "." + memberName(e);
  return null;
}

function patternRules(ast, scopes, report) {
  const isGlobal = (scope, id) => id.type === "Identifier" && !resolve(scope, id.name);
  // names made safe by an enclosing `typeof` test (`typeof Math.clz32 === "function" ? Math.clz32 : …`)
  const guarded = [];
  function visit(node, parent, key, scope) {
    if (scopes.has(node)) scope = scopes.get(node);
    const typeofOperand = parent && parent.type === "UnaryExpression" && parent.operator === "typeof";
    switch (node.type) {
      case "Identifier":
        if (!isReference(node, parent, key) || resolve(scope, node.name)) break;
        if (node.name === "arguments") report(node, "arguments", "`arguments` does not exist on Espruino; name the parameters");
        else if (MISSING_GLOBALS.has(node.name) && !typeofOperand && !guarded.includes(node.name))
          report(node, "espruino-missing", "`" + node.name + "` does not exist on Espruino");
        break;
      case "LabeledStatement":
        report(node, "label", "label `" + node.label.name + ":` — Espruino has no labels (break/continue to a label throw)");
        break;
      case "BreakStatement":
      case "ContinueStatement":
        if (node.label)
          report(
            node,
            "label",
            "`" + (node.type === "BreakStatement" ? "break " : "continue ") + node.label.name + "` — Espruino has no labels",
          );
        break;
      case "MemberExpression": {
        const name = memberName(node);
        if (name === null || typeofOperand) break;
        const obj = node.object;
        if (
          isGlobal(scope, obj) &&
          MISSING_STATICS[obj.name] &&
          MISSING_STATICS[obj.name].includes(name) &&
          !guarded.includes(obj.name + "." + name)
        ) {
          report(node, "espruino-missing", "`" + obj.name + "." + name + "` does not exist on Espruino");
        } else if (MISSING_ANY.has(name)) {
          report(node.property, "espruino-missing", "`." + name + "` does not exist on Espruino");
        }
        if (
          obj.type === "MemberExpression" &&
          memberName(obj) === "prototype" &&
          isGlobal(scope, obj.object) &&
          BUILTINS.has(obj.object.name)
        ) {
          const full = obj.object.name + ".prototype." + name;
          if (!PROTOTYPE_ALLOWED.has(full))
            report(
              node,
              "builtin-prototype",
              "`" + full + '` reads as undefined on Espruino; call the method on an instance (`[].slice`, `"".charCodeAt`)',
            );
        }
        break;
      }
      case "CallExpression": {
        const c = node.callee;
        if (c.type !== "MemberExpression") break;
        const name = memberName(c);
        if (
          name === "pow" &&
          isGlobal(scope, c.object) &&
          c.object.name === "Math" &&
          node.arguments.length > 0 &&
          node.arguments[0].type === "Literal" &&
          node.arguments[0].value === 2
        ) {
          report(node, "pow2", "`Math.pow(2, …)` is inexact on Espruino (exp·log): write the power of two as a literal or a shift");
        }
        if (name === "splice" && node.arguments.length === 1) {
          report(node, "splice-one-arg", "one-argument `.splice(x)` does not clear the tail on mujs: write `.splice(x, a.length)`");
        }
        break;
      }
      case "AssignmentExpression":
      case "UpdateExpression": {
        const t = node.type === "AssignmentExpression" ? node.left : node.argument;
        if (t.type === "MemberExpression" && memberName(t) === "length") {
          report(node, "length-assign", "assigning to `.length` throws on Espruino arrays: use `a.splice(0, a.length)`");
        }
        break;
      }
    }
    const guards =
      node.type === "ConditionalExpression" || node.type === "IfStatement"
        ? typeofGuards(node.test)
        : node.type === "LogicalExpression" && node.operator === "&&"
          ? typeofGuards(node.left)
          : [];
    const safe = guards.length === 0 ? null : node.type === "LogicalExpression" ? node.right : node.consequent;
    for (const [k, c] of children(node)) {
      if (c === safe) guarded.push(...guards);
      visit(c, node, k, scope);
      if (c === safe) guarded.splice(guarded.length - guards.length, guards.length);
    }
  }
  visit(ast, null, null, scopes.get(ast));
}

// ---------------------------------------------------------------- no-hoist

/**
 * Espruino defines a function only when its declaration statement runs.
 * This walks each scope's statements in order with an activation that
 * records which of its function declarations have run, and reports a
 * reference that executes while the function it names is not yet defined.
 *
 * What runs "now": the statement itself; the body of an immediately invoked
 * function (`(function(){…})()`, `!function(){…}()`, `.call(this)`); and the
 * body of a function declaration called or `new`ed by name from code that
 * runs now. Function bodies merely defined run later, when every enclosing
 * scope has finished; each is also walked that way.
 */
function noHoist(ast, scopes, report) {
  const memo = new Set();
  const stack = new Set();

  function activation(scope, parent, complete) {
    const defined = new Set();
    if (complete) for (const [name, b] of scope.names) if (b.kind === "fn") defined.add(name);
    return { scope, parent, defined };
  }
  /** The activation in the chain that holds `binding`, or null. */
  function holder(act, binding) {
    for (let a = act; a; a = a.parent) if (a.scope === binding.scope) return a;
    return null;
  }
  function signature(act) {
    const parts = [];
    for (let a = act; a; a = a.parent) parts.push(a.defined.size);
    return parts.join(",");
  }
  function runFunction(fn, parentAct, via) {
    const key = fn.start + "@" + signature(parentAct);
    if (memo.has(key) || stack.has(fn)) return;
    memo.add(key);
    stack.add(fn);
    const act = activation(scopes.get(fn), parentAct, false);
    for (const s of fn.body.body) exec(s, act, via);
    stack.delete(fn);
  }
  function exec(node, act, via) {
    switch (node.type) {
      case "FunctionDeclaration": {
        const b = resolve(act.scope, node.id.name);
        const h = b && holder(act, b);
        if (h) h.defined.add(node.id.name);
        return;
      }
      case "CatchClause":
        exec(node.body, activation(scopes.get(node), act, false), via);
        return;
      case "VariableDeclarator":
        if (node.init) evaluate(node.init, node, "init", act, via);
        return;
    }
    for (const [k, c] of children(node)) {
      if (isStatement(c)) exec(c, act, via);
      else evaluate(c, node, k, act, via);
    }
  }
  function evaluate(node, parent, key, act, via) {
    switch (node.type) {
      case "Identifier": {
        if (!isReference(node, parent, key)) return;
        const b = resolve(act.scope, node.name);
        if (!b || b.kind !== "fn") return;
        const h = holder(act, b);
        if (h && !h.defined.has(node.name)) {
          report(
            node,
            "no-hoist",
            "`" +
              node.name +
              "` is used before its declaration (line " +
              b.node.loc.start.line +
              ") has run; Espruino does not hoist functions" +
              (via ? " (reached through the call at " + via + ")" : ""),
          );
        }
        return;
      }
      case "FunctionExpression":
        return;
      case "CallExpression":
      case "NewExpression": {
        for (const [k, c] of children(node)) evaluate(c, node, k, act, via);
        const c = node.callee;
        const at = via || node.loc.start.line + ":" + (node.loc.start.column + 1);
        if (c.type === "FunctionExpression") runFunction(c, act, via);
        else if (c.type === "MemberExpression" && c.object.type === "FunctionExpression" && ["call", "apply"].includes(memberName(c)))
          runFunction(c.object, act, via);
        else if (c.type === "Identifier") {
          const b = resolve(act.scope, c.name);
          const h = b && b.kind === "fn" ? holder(act, b) : null;
          if (h && h.defined.has(c.name)) runFunction(b.node, h, at);
        }
        return;
      }
    }
    for (const [k, c] of children(node)) evaluate(c, node, k, act, via);
  }

  const top = activation(scopes.get(ast), null, false);
  for (const s of ast.body) exec(s, top, null);
  // Every function body, run later with its enclosing scopes complete.
  for (const [node, scope] of scopes) {
    if (!FUNCTION_TYPES.has(node.type)) continue;
    runFunction(node, completeChain(scope.parent), null);
  }
  function completeChain(scope) {
    return scope ? activation(scope, completeChain(scope.parent), true) : null;
  }
}

/** Nodes `exec` walks in statement order (everything else is evaluated). */
function isStatement(node) {
  return (
    /Statement$|Declaration$/.test(node.type) ||
    node.type === "SwitchCase" ||
    node.type === "CatchClause" ||
    node.type === "VariableDeclarator"
  );
}

// ---------------------------------------------------------------- entry points

/**
 * Check one source text. Returns the findings in source order:
 * `{ file, line, column, rule, message }` (column 1-based).
 */
export function checkSource(text, filename = "<input>") {
  const findings = [];
  const seen = new Set();
  function report(node, rule, message) {
    const line = node.loc.start.line,
      column = node.loc.start.column + 1;
    const k = line + ":" + column + ":" + rule;
    if (seen.has(k)) return;
    seen.add(k);
    findings.push({ file: filename, line, column, rule, message });
  }
  let ast;
  try {
    ast = parse(text, { ecmaVersion: 5, sourceType: "script", locations: true, allowReturnOutsideFunction: false });
  } catch (e) {
    const loc = e.loc || { line: 1, column: 0 };
    return [
      {
        file: filename,
        line: loc.line,
        column: loc.column + 1,
        rule: "es5-syntax",
        message: "not ES5: " + e.message.replace(/ \(\d+:\d+\)$/, ""),
      },
    ];
  }
  const scopes = buildScopes(ast);
  patternRules(ast, scopes, report);
  noHoist(ast, scopes, report);
  findings.sort((a, b) => a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : 1));
  return findings;
}

/** One finding as `file:line:column rule-id: message`. */
export function formatFinding(f) {
  return f.file + ":" + f.line + ":" + f.column + " " + f.rule + ": " + f.message;
}

function main(files) {
  if (files.length === 0) {
    console.error("usage: node scripts/check-bundle.mjs FILE…");
    return 2;
  }
  let bad = 0;
  const sizes = [];
  for (const file of files) {
    let text;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      console.error(file + ": cannot read (" + e.code + "); run `npm run build` first");
      bad++;
      continue;
    }
    const found = checkSource(text, file);
    for (const f of found) console.log(formatFinding(f));
    bad += found.length;
    if (found.length === 0)
      sizes.push(file + ": ok, " + Buffer.byteLength(text) + " bytes, " + gzipSync(text, { level: 9 }).length + " bytes gzipped");
  }
  for (const s of sizes) console.log(s);
  console.log(bad === 0 ? "check-bundle: " + files.length + " file(s) ok" : "check-bundle: " + bad + " problem(s)");
  return bad === 0 ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));

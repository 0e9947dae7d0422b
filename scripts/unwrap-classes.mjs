// A rollup output plugin that unwraps TypeScript's ES5 class emit,
//
//   var X = /** @class */ (function () {
//       function X(…) { … }
//       X.prototype.m = function (…) { … };
//       X.s = …;
//       return X;
//   }());
//
// into the statements it wraps, at the module's top level:
//
//   function X(…) { … }
//   X.prototype.m = function (…) { … };
//   X.s = …;
//
// Why: on Espruino every function created inside another function keeps a
// link to that function's scope. Measured on the Espruino Linux build
// (2v29.277, a module required from Storage): a class of 10 two-parameter
// methods costs 79 blocks written as top-level statements and 111 inside
// the IIFE, about 3 blocks per method, whatever the bodies. The code is the
// same code: the IIFE only gave the class a private scope, and TypeScript
// puts nothing in it but the class's own statements.
//
// Only a wrapper whose every statement is the class's own (its constructor,
// assignments to X.… and Object.defineProperty(X…, …), comments) is
// unwrapped; any other wrapper is left as it is. The class's function
// declaration then sits where the wrapper was, so nothing runs before it
// any more than before (ESPRUINO: no hoisting is relied on).

const WRAPPER = /^var ([\w$]+) = \/\*\* @class \*\/ \(function \(\) \{\n([\s\S]*?)\n {4}return \1;\n\}\(\)\);$/gm;

/** The wrapper's statements when every one of them is the class's own, else null. */
function ownStatements(name, body) {
  const lines = body.split("\n");
  for (const line of lines) {
    if (!/^ {4}\S/.test(line)) continue; // inside a statement (deeper indent) or blank
    const s = line.trim();
    const own =
      s.startsWith("function " + name + "(") ||
      s.startsWith(name + ".") ||
      s.startsWith("Object.defineProperty(" + name + ".") ||
      s.startsWith("Object.defineProperty(" + name + ",") ||
      s.startsWith("}") ||
      s.startsWith("/*") ||
      s.startsWith("*") ||
      s.startsWith("//");
    if (!own) return null;
  }
  return lines.map((l) => l.replace(/^ {4}/, "")).join("\n");
}

/** The plugin: put it before the minifier in an output's plugins. */
export function unwrapClasses() {
  return {
    name: "unwrap-classes",
    renderChunk(code) {
      const out = code.replace(WRAPPER, (whole, name, body) => {
        const s = ownStatements(name, body);
        return s === null ? whole : s;
      });
      return out === code ? null : { code: out, map: null };
    },
  };
}

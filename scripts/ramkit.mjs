#!/usr/bin/env node
// The `ramkit` bin: runs the Node build of the CLI (dist/node/sim/cli.js, made by `npm run build`).
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const cli = fileURLToPath(new URL("../dist/node/sim/cli.js", import.meta.url));
if (!existsSync(cli)) {
  console.error("ramkit: the Node build is missing (" + cli + ").");
  console.error("Run `npm run build` first (or `npm start`, which builds and then runs `ramkit start`).");
  process.exit(1);
}
const { main } = await import(pathToFileURL(cli).href);
process.exitCode = await main(process.argv.slice(2));

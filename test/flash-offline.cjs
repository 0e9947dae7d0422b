// Preloaded (NODE_OPTIONS=--require) into the flash tool and the espruino CLI
// by test/flash.test.ts: any attempt to reach the network is written to the
// file named by RAMKIT_NET_LOG and then fails, so the test can assert that a
// dry run needs no network.
"use strict";
const fs = require("node:fs");
const log = (what) => {
  if (process.env.RAMKIT_NET_LOG) fs.appendFileSync(process.env.RAMKIT_NET_LOG, what + "\n");
};
const net = require("node:net");
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const o = args[0];
  const where = o && typeof o === "object" ? (o.path ? "ipc " + o.path : (o.host || "") + ":" + o.port) : String(o);
  // Local IPC sockets (a path) are not the network.
  if (o && typeof o === "object" && o.path) return connect.apply(this, args);
  log("net.connect " + where);
  throw new Error("network disabled by test/flash-offline.cjs: " + where);
};
const dns = require("node:dns");
for (const k of ["lookup", "resolve", "resolve4", "resolve6"]) {
  dns[k] = (host) => {
    log("dns." + k + " " + host);
    throw new Error("network disabled by test/flash-offline.cjs: dns " + host);
  };
}

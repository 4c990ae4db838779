#!/usr/bin/env node
// The compat run's simulator: our built simulator (dist/) on a TCP port, like `npm run simulator`, plus a control
// channel on stdin so that the session can make a device act (one JSON object a line):
//   {"report": "<device>", "endpoint": 1, "cluster": "msTemperatureMeasurement", "values": {"measuredValue": 2150}}
//   {"silent": "<device>", "on": true}
// Each command is answered on stdout with `control: ok <n>` or `control: error <n>: <message>` (n counts from 1).
// Usage: node simulator.mjs <repo> <scenario file> <nv file>
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

const [repo, scenario, nvFile] = process.argv.slice(2);
const { exitOnSignals, Simulator } = await import(pathToFileURL(`${repo}/dist/simulator/simulator.js`).href);
const sim = new Simulator({
  port: 0,
  scenario,
  nvFile,
  log: (level, message) => {
    if (level !== "debug") process.stderr.write(`[simulator] ${level}: ${message}\n`);
  },
});
await sim.start();
process.stdout.write(`zigmqtt simulator listening on ${sim.url}\n`);

let n = 0;
createInterface({ input: process.stdin }).on("line", (line) => {
  n++;
  try {
    const c = JSON.parse(line);
    if (typeof c.report === "string") sim.device(c.report).emitReport(c.endpoint ?? 1, c.cluster, c.values);
    else if (typeof c.silent === "string") sim.setSilent(c.silent, c.on !== false);
    else throw new Error(`unknown command ${line}`);
    process.stdout.write(`control: ok ${n}\n`);
  } catch (e) {
    process.stdout.write(`control: error ${n}: ${e.message}\n`);
  }
});

exitOnSignals(sim);

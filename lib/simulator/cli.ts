#!/usr/bin/env node
import { parseArgs } from "node:util";
import { COORDINATOR_PROTOCOLS, type CoordinatorProtocol } from "./frontEnd.js";
import { exitOnSignals, Simulator } from "./simulator.js";

const USAGE = `usage: npm run simulator -- [--port <tcp port>] [--adapter zstack|deconz] [--scenario demo|scale:N|<file>] [--nv <file>] [--pty <path>] [--seed <text>] [--verbose]

Runs the virtual coordinator: a Z-Stack stick (--adapter zstack, the default) or a ConBee II with deCONZ firmware
(--adapter deconz). Point zigbee-herdsman (or zigmqtt) at tcp://127.0.0.1:<port>, or at the pseudo-terminal given
with --pty, with the same adapter.`;

function main(): void {
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(args.values.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be a TCP port number (0-65535), got '${args.values.port}'\n`);
    process.exit(2);
  }
  const adapter = args.values.adapter ?? "zstack";
  if (!COORDINATOR_PROTOCOLS.includes(adapter as CoordinatorProtocol)) {
    process.stderr.write(`--adapter must be one of ${COORDINATOR_PROTOCOLS.join(", ")}, got '${adapter}'\n`);
    process.exit(2);
  }
  const verbose = args.values.verbose === true;
  let sim: Simulator;
  try {
    sim = new Simulator({
      port,
      scenario: args.values.scenario ?? "demo",
      nvFile: args.values.nv,
      ptyPath: args.values.pty,
      seed: args.values.seed,
      adapter: adapter as CoordinatorProtocol,
      log: (level, message) => {
        if (verbose || level !== "debug") process.stderr.write(`[simulator] ${level}: ${message}\n`);
      },
    });
  } catch (e) {
    process.stderr.write(`simulator: ${(e as Error).message}\n`);
    process.exit(1);
  }
  sim.start().then(
    () => {
      const pty = sim.ptyPath ? `, serial ${sim.ptyPath}` : "";
      process.stdout.write(
        `zigmqtt simulator listening on ${sim.url}${pty} (adapter ${sim.adapter}, scenario ${sim.scenario.name}, ${sim.deviceNames().length} devices)\n`,
      );
    },
    (e: Error) => {
      process.stderr.write(`simulator: cannot start: ${e.message}\n`);
      process.exit(1);
    },
  );
  exitOnSignals(sim);
}

function parse() {
  return parseArgs({
    options: {
      port: { type: "string", short: "p" },
      adapter: { type: "string", short: "a" },
      scenario: { type: "string", short: "s" },
      nv: { type: "string" },
      pty: { type: "string" },
      seed: { type: "string" },
      verbose: { type: "boolean", short: "v" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
}

main();

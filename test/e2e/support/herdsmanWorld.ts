import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Controller, setLogger } from "zigbee-herdsman";
import { setLogger as setConvertersLogger } from "zigbee-herdsman-converters";
import type { Scenario } from "../../../lib/simulator/scenario/scenario.js";
import { Simulator } from "../../../lib/simulator/simulator.js";

export const NETWORK = {
  panID: 0x1a62,
  extendedPanID: [0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd],
  channelList: [11],
  networkKey: [1, 3, 5, 7, 9, 11, 13, 15, 0, 2, 4, 6, 8, 10, 12, 13],
};

/** herdsman's warnings and errors, kept for assertions and for a failing test's output */
export const herdsmanLog: string[] = [];
setLogger({
  debug: () => {},
  info: () => {},
  warning: (m: string | (() => string), ns: string) =>
    herdsmanLog.push(`warn ${ns} ${typeof m === "function" ? m() : m}`),
  error: (m: string, ns: string) => herdsmanLog.push(`error ${ns} ${m}`),
});

setConvertersLogger({
  debug: () => {},
  info: () => {},
  warning: (m: string | (() => string), ns: string) =>
    herdsmanLog.push(`warn ${ns} ${typeof m === "function" ? m() : m}`),
  error: (m: string, ns: string) => herdsmanLog.push(`error ${ns} ${m}`),
} as never);

export function tempDir(prefix = "zigmqtt-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface SimulatorHandle {
  sim: Simulator;
  dir: string;
}

export async function startSimulator(
  dir: string,
  opts: { scenario?: string | Scenario; ptyPath?: string } = {},
): Promise<Simulator> {
  mkdirSync(dir, { recursive: true });
  const sim = new Simulator({
    scenario: opts.scenario ?? "demo",
    nvFile: join(dir, "simulator-nv.json"),
    ptyPath: opts.ptyPath,
  });
  return sim.start();
}

/**
 * An unmodified zigbee-herdsman controller on the simulator (TCP, or the pty path when given). `interviewed`, when
 * given, is filled with the IEEE address of every device whose interview succeeds.
 */
export function createController(dir: string, path: string, interviewed?: Set<string>): Controller {
  const controller = new Controller({
    network: NETWORK,
    transport: { path, adapter: "zstack", baudRate: 115200, rtscts: false },
    databasePath: join(dir, "database.db"),
    databaseBackupPath: join(dir, "database.db.backup"),
    backupPath: join(dir, "coordinator_backup.json"),
    adapter: { disableLED: false },
    acceptJoiningDeviceHandler: async () => true,
  });
  controller.on("deviceInterview", (e) => {
    if (e.status === "successful") interviewed?.add(e.device.ieeeAddr);
  });
  return controller;
}

/** Resolves when `predicate` holds, polling every 10 ms; rejects after `timeoutMs`. */
export async function waitFor<T>(
  predicate: () => T | undefined | false,
  timeoutMs = 10_000,
  what = "condition",
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = predicate();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, vi } from "vitest";
import { stringify } from "yaml";
import { Controller } from "../../../lib/controller.js";
import { SettingsStore } from "../../../lib/settings/settingsStore.js";
import type { Scenario } from "../../../lib/simulator/scenario/scenario.js";
import type { Simulator } from "../../../lib/simulator/simulator.js";
import { createLogger } from "../../../lib/util/logger.js";
import { startTestBroker, type TestBroker } from "../../support/broker.js";
import { connectTestClient, type TestClient } from "../../support/mqttTestClient.js";
import { NETWORK, removeDir, tempDir, waitFor } from "./herdsmanWorld.js";

export const BASE = "zigbee2mqtt";

/**
 * A configuration.yaml for a test: the virtual coordinator, the test broker, fixed network keys. `extra` sections
 * replace the defaults, except `advanced`, whose keys are merged over them.
 */
export function writeConfig(dataDir: string, brokerUrl: string, extra: Record<string, unknown> = {}): void {
  const { advanced, ...rest } = extra as { advanced?: Record<string, unknown> };
  const config = {
    version: 5,
    mqtt: { base_topic: BASE, server: brokerUrl },
    serial: { port: "virtual://demo", adapter: "zstack" },
    advanced: {
      network_key: NETWORK.networkKey,
      pan_id: NETWORK.panID,
      ext_pan_id: NETWORK.extendedPanID,
      channel: 11,
      log_level: "warning",
      log_output: [],
      ...advanced,
    },
    device_options: { retain: true },
    ...rest,
  };
  writeFileSync(join(dataDir, "configuration.yaml"), stringify(config));
}

/** Writes `scenario` to the data dir; returns the serial port that runs the virtual coordinator on it. */
export function scenarioPort(dataDir: string, scenario: Scenario): string {
  const file = join(dataDir, "scenario.yaml");
  writeFileSync(file, stringify(scenario));
  return `virtual://${file}`;
}

/**
 * Notes which devices the bridge's real configure runs for while `action` runs (a spy that passes every call on),
 * and returns the list; the spy is removed afterwards.
 */
export async function withConfigureRuns(
  bridge: RunningBridge,
  action: (runs: string[]) => Promise<void>,
): Promise<void> {
  const configure = bridge.controller.configure;
  if (!configure) throw new Error("the bridge has no configure");
  const runs: string[] = [];
  const run = configure.run.bind(configure);
  const spy = vi.spyOn(configure, "run").mockImplementation(async (d) => {
    runs.push(d.ieee);
    return run(d);
  });
  try {
    await action(runs);
  } finally {
    spy.mockRestore();
  }
}

export interface RunningBridge {
  controller: Controller;
  settings: SettingsStore;
  simulator: Simulator;
  stop(): Promise<void>;
}

/**
 * Starts the whole bridge in this process on a data dir (its configuration.yaml must exist), on its virtual
 * coordinator or, given `external`, on a simulator the test runs itself (behind the configured serial port).
 */
export async function startBridge(dataDir: string, external?: Simulator): Promise<RunningBridge> {
  const settings = SettingsStore.load(dataDir, {});
  const logger = createLogger({ level: "warning", output: [] });
  const controller = new Controller(settings, logger);
  await controller.start();
  const simulator = external ?? controller.zigbee.virtual?.simulator;
  if (!simulator) throw new Error("the test bridge runs on the virtual coordinator");
  let stopped: Promise<void> | undefined;
  return {
    controller,
    settings,
    simulator,
    stop: () => {
      stopped ??= controller.stop().then(() => logger.close());
      return stopped;
    },
  };
}

/** Waits until `count` devices are interviewed and configured (a fresh virtual network pairs its devices). */
export async function waitForInterviews(bridge: RunningBridge, count: number, timeoutMs = 15_000): Promise<void> {
  await waitFor(
    () => bridge.controller.zigbee.devices().filter((d) => d.interviewed && d.definition).length >= count,
    timeoutMs,
    `${count} interviewed devices`,
  );
  await bridge.controller.configure?.idle();
}

/** An MQTT client subscribed to everything under the base topic. */
export async function observer(url: string): Promise<TestClient> {
  const c = await connectTestClient(url);
  await c.subscribe(`${BASE}/#`);
  return c;
}

export function json(payload: string): Record<string, unknown> {
  return JSON.parse(payload) as Record<string, unknown>;
}

let transactionCounter = 0;

/** Sends `bridge/request/<name>` with a transaction id and resolves with the matching `bridge/response/<name>`. */
export async function request(
  mqtt: TestClient,
  name: string,
  payload: Record<string, unknown> | string,
  timeoutMs = 10_000,
): Promise<{ data: Record<string, unknown>; status: "ok" | "error"; error?: string; transaction?: unknown }> {
  const transaction = `t${++transactionCounter}-${Date.now()}`;
  const body = typeof payload === "string" ? payload : JSON.stringify({ ...payload, transaction });
  const since = mqtt.mark();
  await mqtt.publish(`${BASE}/bridge/request/${name}`, body);
  const rsp = await mqtt.waitForMessage(
    (m) => {
      if (m.topic !== `${BASE}/bridge/response/${name}`) return false;
      return typeof payload === "string" || json(m.payload).transaction === transaction;
    },
    { timeoutMs, since },
  );
  return JSON.parse(rsp.payload);
}

export interface BridgeTestWorld {
  readonly dir: string;
  readonly broker: TestBroker;
  readonly bridge: RunningBridge;
  readonly mqtt: TestClient;
  /** restarts the bridge on the same data dir; resolves to the time the start took (ms) */
  restart(): Promise<number>;
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`${what} is not started`);
  return v;
}

/** The pieces of a test world: set in `beforeAll` (`started`), read by the tests, torn down by `stop` in `afterAll`. */
export class WorldPieces implements BridgeTestWorld {
  readonly started: { broker?: TestBroker; bridge?: RunningBridge; mqtt?: TestClient } = {};
  constructor(readonly dir: string) {}
  get broker(): TestBroker {
    return need(this.started.broker, "broker");
  }
  get bridge(): RunningBridge {
    return need(this.started.bridge, "bridge");
  }
  get mqtt(): TestClient {
    return need(this.started.mqtt, "mqtt");
  }
  async restart(): Promise<number> {
    await this.bridge.stop();
    const t0 = performance.now();
    this.started.bridge = await startBridge(this.dir);
    return performance.now() - t0;
  }
  /** ends the observer, the bridge and the broker (whichever started), and removes the data dir */
  async stop(): Promise<void> {
    await this.started.mqtt?.end();
    await this.started.bridge?.stop();
    await this.started.broker?.stop();
    removeDir(this.dir);
  }
}

/**
 * The usual e2e world in one call: a private broker, the bridge on the virtual coordinator (demo devices paired and
 * configured, or the devices of `scenario`), and an observer on `zigbee2mqtt/#`; torn down after the file's tests.
 */
export function useBridgeWorld(
  options: {
    /** configuration sections (see `writeConfig`), or a function of the test broker's URL returning them */
    config?: Record<string, unknown> | ((brokerUrl: string) => Record<string, unknown>);
    devices?: number;
    scenario?: Scenario;
    /** why this world needs mosquitto rather than aedes (e.g. MQTT 5): the start fails when it is missing */
    mosquittoFor?: string;
  } = {},
): BridgeTestWorld {
  const world = new WorldPieces(tempDir());
  const { dir, started: state } = world;
  beforeAll(async () => {
    state.broker = await startTestBroker();
    if (options.mosquittoFor && state.broker.kind !== "mosquitto")
      throw new Error(`this test needs mosquitto (${options.mosquittoFor})`);
    let config = typeof options.config === "function" ? options.config(state.broker.url) : options.config;
    if (options.scenario)
      config = { serial: { port: scenarioPort(dir, options.scenario), adapter: "zstack" }, ...config };
    writeConfig(dir, state.broker.url, config);
    state.mqtt = await observer(state.broker.url);
    state.bridge = await startBridge(dir);
    await waitForInterviews(state.bridge, options.devices ?? 4);
  });
  afterAll(() => world.stop());
  return world;
}

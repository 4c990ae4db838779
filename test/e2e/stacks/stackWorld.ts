import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { stringify } from "yaml";
import type { CoordinatorProtocol } from "../../../lib/simulator/frontEnd.js";
import { demoScenario } from "../../../lib/simulator/scenario/scenario.js";
import { startTestBroker, type TestBroker } from "../../support/broker.js";
import type { TestClient } from "../../support/mqttTestClient.js";
import {
  observer,
  type RunningBridge,
  request,
  startBridge,
  waitForInterviews,
  writeConfig,
} from "../support/bridgeWorld.js";
import { removeDir, tempDir } from "../support/herdsmanWorld.js";

/** The coordinator stacks the core suite runs against: one network model, two serial protocols. */
export const STACKS: readonly CoordinatorProtocol[] = ["zstack", "deconz"];

export interface StackFigures {
  startMs?: number;
  joinAndInterviewMs?: number;
  restartMs?: number;
  reportsPerSecond?: number;
}

export interface StackWorld {
  readonly adapter: CoordinatorProtocol;
  readonly dir: string;
  readonly broker: TestBroker;
  readonly bridge: RunningBridge;
  readonly mqtt: TestClient;
  readonly figures: StackFigures;
  /** restarts the bridge (and the virtual coordinator) on the same data dir; returns the time to start */
  restart(): Promise<number>;
}

/**
 * The bridge on the virtual coordinator speaking `adapter`, with the demo devices factory new: they join when the
 * bridge permits joining (herdsman's deconz adapter only reports joins while permit join is open, so both stacks go
 * the same way). Figures are printed after the file's tests.
 */
export function useStackWorld(adapter: CoordinatorProtocol): StackWorld {
  const dir = tempDir(`zigmqtt-${adapter}-`);
  const state: { broker?: TestBroker; bridge?: RunningBridge; mqtt?: TestClient } = {};
  const figures: StackFigures = {};
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} is not started`);
    return v;
  };
  beforeAll(async () => {
    state.broker = await startTestBroker();
    const scenario = demoScenario();
    scenario.devices = scenario.devices.map((d) => ({ ...d, paired: false }));
    const file = join(dir, "scenario.yaml");
    writeFileSync(file, stringify(scenario));
    writeConfig(dir, state.broker.url, { serial: { port: `virtual://${file}`, adapter } });
    state.mqtt = await observer(state.broker.url);
    const t0 = performance.now();
    state.bridge = await startBridge(dir);
    figures.startMs = Math.round(performance.now() - t0);
    const t1 = performance.now();
    const rsp = await request(state.mqtt, "permit_join", { time: 120 });
    if (rsp.status !== "ok") throw new Error(`permit_join failed: ${rsp.error}`);
    await waitForInterviews(state.bridge, 4, 30_000);
    figures.joinAndInterviewMs = Math.round(performance.now() - t1);
    await request(state.mqtt, "permit_join", { time: 0 });
    for (const name of state.bridge.simulator.deviceNames()) {
      const ieee = state.bridge.simulator.device(name).description.ieee;
      const r = await request(state.mqtt, "device/rename", { from: ieee, to: name });
      if (r.status !== "ok") throw new Error(`rename ${name} failed: ${r.error}`);
    }
  }, 60_000);
  afterAll(async () => {
    console.log(`[figures ${adapter}] ${JSON.stringify(figures)}`);
    await state.mqtt?.end();
    await state.bridge?.stop();
    await state.broker?.stop();
    removeDir(dir);
  });
  return {
    adapter,
    dir,
    figures,
    get broker() {
      return need(state.broker, "broker");
    },
    get bridge() {
      return need(state.bridge, "bridge");
    },
    get mqtt() {
      return need(state.mqtt, "mqtt");
    },
    restart: async () => {
      await need(state.bridge, "bridge").stop();
      const t0 = performance.now();
      state.bridge = await startBridge(dir);
      return performance.now() - t0;
    },
  };
}

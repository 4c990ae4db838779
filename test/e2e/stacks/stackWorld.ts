import { afterAll, beforeAll } from "vitest";
import type { CoordinatorProtocol } from "../../../lib/simulator/frontEnd.js";
import { demoScenario } from "../../../lib/simulator/scenario/scenario.js";
import { startTestBroker } from "../../support/broker.js";
import {
  type BridgeTestWorld,
  observer,
  request,
  scenarioPort,
  startBridge,
  WorldPieces,
  waitForInterviews,
  writeConfig,
} from "../support/bridgeWorld.js";
import { tempDir } from "../support/herdsmanWorld.js";

/** The coordinator stacks the core suite runs against: one network model, two serial protocols. */
export const STACKS: readonly CoordinatorProtocol[] = ["zstack", "deconz"];

export interface StackFigures {
  startMs?: number;
  joinAndInterviewMs?: number;
  restartMs?: number;
  reportsPerSecond?: number;
}

export interface StackWorld extends BridgeTestWorld {
  readonly adapter: CoordinatorProtocol;
  readonly figures: StackFigures;
}

/**
 * The bridge on the virtual coordinator speaking `adapter`, with the demo devices factory new: they join when the
 * bridge permits joining (herdsman's deconz adapter only reports joins while permit join is open, so both stacks go
 * the same way). Figures are printed after the file's tests.
 */
export function useStackWorld(adapter: CoordinatorProtocol): StackWorld {
  const world = Object.assign(new WorldPieces(tempDir(`zigmqtt-${adapter}-`)), {
    adapter,
    figures: {} as StackFigures,
  });
  const { dir, started: state, figures } = world;
  beforeAll(async () => {
    state.broker = await startTestBroker();
    const scenario = demoScenario();
    scenario.devices = scenario.devices.map((d) => ({ ...d, paired: false }));
    writeConfig(dir, state.broker.url, { serial: { port: scenarioPort(dir, scenario), adapter } });
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
    await world.stop();
  });
  return world;
}

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { startTestBroker, type TestBroker } from "../../support/broker.js";
import type { TestClient } from "../../support/mqttTestClient.js";
import {
  BASE,
  json,
  observer,
  type RunningBridge,
  startBridge,
  waitForInterviews,
  writeConfig,
} from "../support/bridgeWorld.js";
import { removeDir, tempDir } from "../support/herdsmanWorld.js";

/**
 * One network model, two front-ends: a data dir made on the virtual Z-Stack stick keeps its network and devices when
 * `serial.adapter` becomes deconz (the stick is "reflashed"; the network and its devices persist in the simulator's
 * NV file, and herdsman's deconz adapter restores the network from zigbee2mqtt's coordinator backup).
 */
describe("switching the virtual coordinator from Z-Stack to deCONZ", () => {
  const dir = tempDir();
  let broker: TestBroker;
  let mqtt: TestClient;
  let bridge: RunningBridge | undefined;
  let ieees: string[] = [];

  beforeAll(async () => {
    broker = await startTestBroker();
    writeConfig(dir, broker.url);
    mqtt = await observer(broker.url);
    bridge = await startBridge(dir);
    await waitForInterviews(bridge, 4);
    ieees = bridge.controller.zigbee
      .devices()
      .map((d) => d.ieee)
      .sort();
    await bridge.stop();
    const file = join(dir, "configuration.yaml");
    const config = parse(readFileSync(file, "utf8")) as { serial: Record<string, unknown> };
    config.serial.adapter = "deconz";
    writeFileSync(file, stringify(config));
    bridge = await startBridge(dir);
  }, 60_000);

  afterAll(async () => {
    await mqtt?.end();
    await bridge?.stop();
    await broker?.stop();
    removeDir(dir);
  });

  it("the bridge comes up on deCONZ with the same devices, and controls the bulb", async () => {
    if (!bridge) throw new Error("no bridge");
    expect(bridge.simulator.adapter).toBe("deconz");
    expect(
      bridge.controller.zigbee
        .devices()
        .map((d) => d.ieee)
        .sort(),
    ).toEqual(ieees);
    const bulb = bridge.simulator.device("bulb").description.ieee;
    const since = mqtt.mark();
    await mqtt.publish(`${BASE}/${bulb}/set`, JSON.stringify({ brightness: 99 }));
    await mqtt.waitForMessage((m) => m.topic === `${BASE}/${bulb}` && json(m.payload).brightness === 99, {
      since,
      timeoutMs: 10_000,
    });
  });
});

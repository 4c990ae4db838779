import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Controller } from "../../../lib/controller.js";
import { SettingsStore } from "../../../lib/settings/settingsStore.js";
import type { Simulator } from "../../../lib/simulator/simulator.js";
import { createLogger } from "../../../lib/util/logger.js";
import { startTestBroker, type TestBroker } from "../../support/broker.js";
import type { TestClient } from "../../support/mqttTestClient.js";
import { BASE, json, observer } from "../support/bridgeWorld.js";
import { createController, NETWORK, removeDir, startSimulator, tempDir, waitFor } from "../support/herdsmanWorld.js";

/**
 * A zigbee2mqtt user switches: their data directory (configuration.yaml v4, database.db, coordinator_backup.json,
 * state.json, written by zigbee2mqtt's zigbee-herdsman) works as is, devices stay paired.
 */
describe("bridge on a zigbee2mqtt data directory", () => {
  const simDir = tempDir("zigmqtt-stick-");
  const dataDir = tempDir("zigmqtt-z2m-");
  let broker: TestBroker;
  let sim: Simulator;
  let controller: Controller;
  let mqtt: TestClient;
  let lamp: string;

  beforeAll(async () => {
    broker = await startTestBroker();
    // The "stick": a network coordinator on TCP that zigbee2mqtt's herdsman commissioned and paired devices with.
    sim = await startSimulator(simDir);
    lamp = sim.device("bulb").description.ieee;
    const z2mHerdsman = createController(dataDir, sim.url);
    await z2mHerdsman.start();
    await waitFor(
      () =>
        z2mHerdsman.getDevices().filter((d) => d.type !== "Coordinator" && d.interviewState === "SUCCESSFUL").length ===
        4,
      30_000,
      "pairing",
    );
    await z2mHerdsman.stop();
    writeFileSync(
      join(dataDir, "configuration.yaml"),
      `# written by zigbee2mqtt 2.x
version: 4
homeassistant:
  enabled: false
frontend:
  enabled: false
mqtt:
  base_topic: ${BASE}
  server: ${broker.url}
serial:
  port: ${sim.url}
  adapter: zstack
advanced:
  network_key: [${NETWORK.networkKey.join(", ")}]
  pan_id: ${NETWORK.panID}
  ext_pan_id: [${NETWORK.extendedPanID.join(", ")}]
  channel: 11
  log_level: warning
  last_seen: ISO_8601
device_options:
  retain: true
devices:
  '${lamp}':
    friendly_name: kitchen_lamp
`,
    );
    writeFileSync(
      join(dataDir, "state.json"),
      JSON.stringify({ [lamp]: { state: "ON", brightness: 12, color_mode: "xy" } }, null, 4),
    );
    mqtt = await observer(broker.url);
    const settings = SettingsStore.load(dataDir, {});
    controller = new Controller(settings, createLogger({ level: "warning", output: [] }));
    await controller.start();
  }, 60_000);

  afterAll(async () => {
    await mqtt?.end();
    await controller?.stop();
    await sim?.stop();
    await broker?.stop();
    removeDir(simDir);
    removeDir(dataDir);
  });

  it("resumes the network with every device and its friendly name; the cached state is published", async () => {
    expect(
      controller.zigbee
        .devices()
        .map((d) => d.ieee)
        .sort(),
    ).toEqual(["bulb", "sensor", "remote", "plug"].map((n) => sim.device(n).description.ieee).sort());
    expect(controller.zigbee.device(lamp)?.name).toBe("kitchen_lamp");
    // the observer subscribed before the controller started: count from its first message
    const cached = await mqtt.waitForMessage(`${BASE}/kitchen_lamp`, { since: 0 });
    expect(json(cached.payload)).toMatchObject({ state: "ON", brightness: 12 });
  });

  it("controls the lamp by its zigbee2mqtt name", async () => {
    const since = mqtt.mark();
    await mqtt.publish(`${BASE}/kitchen_lamp/set`, JSON.stringify({ brightness: 222, state: "ON" }));
    await mqtt.waitForMessage((m) => m.topic === `${BASE}/kitchen_lamp` && json(m.payload).brightness === 222, {
      since,
      timeoutMs: 5000,
    });
    expect(sim.device("bulb").getAttribute(1, "genLevelCtrl", "currentLevel")).toBe(222);
  });
});

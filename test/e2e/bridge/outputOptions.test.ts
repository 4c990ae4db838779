import { describe, expect, it } from "vitest";
import { BASE, json, useBridgeWorld } from "../support/bridgeWorld.js";

/** advanced.output attribute_and_json, last_seen, and the per-device qos/retain options. */
describe("bridge: output options", () => {
  const world = useBridgeWorld({
    config: {
      advanced: { output: "attribute_and_json", last_seen: "ISO_8601" },
      device_options: { retain: false, qos: 1 },
    },
  });

  it("publishes each attribute on its own topic as well as the JSON state, with last_seen", async () => {
    const { mqtt, bridge } = world;
    const lamp = bridge.simulator.device("bulb").description.ieee;
    await mqtt.publish(
      `${BASE}/${lamp}/set`,
      JSON.stringify({ state: "ON", brightness: 201, color: { x: 0.2, y: 0.5 } }),
    );
    const attr = await mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/${lamp}/brightness` && m.payload === "201",
      5000,
    );
    expect(attr.retain).toBe(false);
    await mqtt.waitForMessage((m) => m.topic === `${BASE}/${lamp}/color-x` && m.payload === "0.2", 5000);
    await mqtt.waitForMessage((m) => m.topic === `${BASE}/${lamp}/state` && m.payload === "ON", 5000);
    const full = await mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/${lamp}` && json(m.payload).brightness === 201,
      5000,
    );
    expect(String(json(full.payload).last_seen)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(full.qos).toBe(1);
  });
});

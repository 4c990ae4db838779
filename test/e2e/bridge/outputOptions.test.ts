import { describe, expect, it } from "vitest";
import { retainedOn } from "../../support/mqttTestClient.js";
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
    const since = mqtt.mark();
    await mqtt.publish(
      `${BASE}/${lamp}/set`,
      JSON.stringify({ state: "ON", brightness: 201, color: { x: 0.2, y: 0.5 } }),
    );
    const published = (topic: string, pred: (payload: string) => boolean) =>
      mqtt.waitForMessage((m) => m.topic === topic && pred(m.payload), { since, timeoutMs: 5000 });
    await published(`${BASE}/${lamp}/brightness`, (p) => p === "201");
    await published(`${BASE}/${lamp}/color-x`, (p) => p === "0.2");
    await published(`${BASE}/${lamp}/state`, (p) => p === "ON");
    const full = await published(`${BASE}/${lamp}`, (p) => json(p).brightness === 201);
    // retain: false for the device: neither the attribute nor the JSON state is kept by the broker
    expect(await retainedOn(world.broker.url, `${BASE}/${lamp}/brightness`)).toEqual([]);
    expect(await retainedOn(world.broker.url, `${BASE}/${lamp}`)).toEqual([]);
    expect(String(json(full.payload).last_seen)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(full.qos).toBe(1);
  });
});

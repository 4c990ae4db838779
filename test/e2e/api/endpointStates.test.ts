import { describe, expect, it } from "vitest";
import type { Scenario } from "../../../lib/simulator/scenario/scenario.js";
import { BASE, json, request, useBridgeWorld } from "../support/bridgeWorld.js";

const DIMMER = "0x00124b00000d0002";
const scenario: Scenario = {
  name: "dual-dimmer-ha",
  seed: "dual-dimmer-ha",
  devices: [{ kind: "dualDimmer", name: "dimmer", ieee: DIMMER, paired: true }],
};

/**
 * With Home Assistant on, a multi-endpoint light's state is also published per endpoint on `<device>/<endpoint>`
 * (the `state_topic` of its discovered lights), as zigbee2mqtt does; a group with one of its endpoints as member
 * sets that endpoint's state optimistically.
 */
describe("per-endpoint state topics", () => {
  const world = useBridgeWorld({
    scenario,
    devices: 1,
    config: { homeassistant: { enabled: true }, devices: { [DIMMER]: { friendly_name: "stairs" } } },
  });
  const waitOn = (topic: string, since: number, pred: (s: Record<string, unknown>) => boolean) =>
    world.mqtt.waitForMessage((m) => m.topic === `${BASE}/${topic}` && pred(json(m.payload)), {
      since,
      timeoutMs: 5000,
    });

  it("a state is published on <device>/l1 and <device>/l2 with each endpoint's keys, without their suffix", async () => {
    const since = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/stairs/set`, JSON.stringify({ state_l1: "ON", brightness_l1: 99 }));
    const full = json((await waitOn("stairs", since, (s) => s.brightness_l1 === 99)).payload);
    const l1 = json((await waitOn("stairs/l1", since, (s) => s.brightness === 99)).payload);
    expect(l1).toMatchObject({ state: "ON", brightness: 99 });
    for (const key of Object.keys(l1)) expect(full[`${key}_l1`], key).toEqual(l1[key]);
    expect(Object.keys(l1).some((k) => k.endsWith("_l1") || k === "linkquality")).toBe(false);
    const l2 = json((await waitOn("stairs/l2", since, () => true)).payload);
    for (const key of Object.keys(l2)) expect(full[`${key}_l2`], key).toEqual(l2[key]);
  });

  it("a group /set publishes the state of a member endpoint (suffixed) optimistically", async () => {
    await request(world.mqtt, "group/add", { friendly_name: "landing", id: 9 });
    await request(world.mqtt, "group/members/add", { group: "landing", device: "stairs", endpoint: "l2" });
    // already on: the gang reports nothing new, so only the optimistic state can be published
    const on = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/stairs/set`, JSON.stringify({ state_l2: "ON" }));
    await waitOn("stairs", on, (s) => s.state_l2 === "ON");
    const since = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/landing/set`, JSON.stringify({ state: "ON" }));
    await waitOn("stairs", since, (s) => s.state_l2 === "ON");
    expect(json((await waitOn("stairs/l2", since, (s) => s.state === "ON")).payload)).not.toHaveProperty("state_l2");
  });
});

import { describe, expect, it } from "vitest";
import type { Scenario } from "../../../lib/simulator/scenario/scenario.js";
import { BASE, json, request, useBridgeWorld } from "../support/bridgeWorld.js";
import { waitFor } from "../support/herdsmanWorld.js";

const DIMMER = "0x00124b00000d0001";
const scenario: Scenario = {
  name: "dual-dimmer",
  seed: "dual-dimmer",
  devices: [{ kind: "dualDimmer", name: "dimmer", ieee: DIMMER, paired: true }],
};

/** A 2-gang dimmer (endpoints l1 and l2): each gang is commanded and reported on its own, as in zigbee2mqtt. */
describe("multi-endpoint device", () => {
  const world = useBridgeWorld({
    scenario,
    devices: 1,
    config: { devices: { [DIMMER]: { friendly_name: "stairs" } } },
  });
  const sim = () => world.bridge.simulator.device("dimmer");
  const onOff = (ep: number) => sim().getAttribute(ep, "genOnOff", "onOff");
  const level = (ep: number) => sim().getAttribute(ep, "genLevelCtrl", "currentLevel");
  const stateAfter = (since: number, pred: (s: Record<string, unknown>) => boolean) =>
    world.mqtt.waitForMessage((m) => m.topic === `${BASE}/stairs` && pred(json(m.payload)), {
      since,
      timeoutMs: 5000,
    });

  it("/set with state_l2 and brightness_l2 switches only the second gang, to that level", async () => {
    expect([onOff(1), onOff(2)]).toEqual([0, 0]);
    const since = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/stairs/set`, JSON.stringify({ state_l2: "ON", brightness_l2: 120 }));
    await waitFor(() => onOff(2) === 1 && level(2) === 120, 5000, "gang 2 on at level 120");
    expect([onOff(1), level(1)]).toEqual([0, 254]);
    const state = json((await stateAfter(since, (s) => s.state_l2 === "ON" && s.brightness_l2 === 120)).payload);
    expect(state).not.toHaveProperty("state");
    expect(state).not.toHaveProperty("brightness");
  });

  it("<name>/l2/set with plain keys addresses the second gang", async () => {
    const since = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/stairs/l2/set`, JSON.stringify({ brightness: 60 }));
    await waitFor(() => level(2) === 60, 5000, "gang 2 at level 60");
    await stateAfter(since, (s) => s.brightness_l2 === 60);
    const off = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/stairs/l2/set`, "OFF");
    await waitFor(() => onOff(2) === 0, 5000, "gang 2 off");
    await stateAfter(off, (s) => s.state_l2 === "OFF");
    expect(onOff(1)).toBe(0);
  });

  it("<name>/2/set addresses the endpoint by number; its state keys still carry the name", async () => {
    const since = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/stairs/2/set`, JSON.stringify({ state: "ON", brightness: 90 }));
    await waitFor(() => onOff(2) === 1 && level(2) === 90, 5000, "gang 2 on at 90");
    await stateAfter(since, (s) => s.state_l2 === "ON" && s.brightness_l2 === 90);
    const off = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/stairs/2/set`, "OFF");
    await waitFor(() => onOff(2) === 0, 5000, "gang 2 off");
    await stateAfter(off, (s) => s.state_l2 === "OFF");
  });

  it("/set with state_l1 switches the first gang", async () => {
    const since = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/stairs/set`, JSON.stringify({ state_l1: "ON" }));
    await waitFor(() => onOff(1) === 1, 5000, "gang 1 on");
    await stateAfter(since, (s) => s.state_l1 === "ON");
    expect(onOff(2)).toBe(0);
  });

  it("reports from each endpoint come back as state_l1 / state_l2 / brightness_l2", async () => {
    const since = world.mqtt.mark();
    sim().setAttribute(2, "genOnOff", "onOff", 1);
    await stateAfter(since, (s) => s.state_l2 === "ON");
    const dim = world.mqtt.mark();
    sim().setAttribute(2, "genLevelCtrl", "currentLevel", 33);
    // the dimmer reports a level change at most every 5 s (its configured minimum interval)
    await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/stairs` && json(m.payload).brightness_l2 === 33, {
      since: dim,
      timeoutMs: 10_000,
    });
    const first = world.mqtt.mark();
    const flipped = onOff(1) === 1 ? 0 : 1;
    sim().setAttribute(1, "genOnOff", "onOff", flipped);
    const expected = flipped === 1 ? "ON" : "OFF";
    const state = json((await stateAfter(first, (s) => s.state_l1 === expected)).payload);
    expect(state).toMatchObject({ state_l1: expected, state_l2: "ON", brightness_l2: 33 });
  });

  it("a group with one gang as member: a group /set reaches that gang (endpoint-bound converters serve groups)", async () => {
    const added = await request(world.mqtt, "group/add", { friendly_name: "landing", id: 7 });
    expect(added).toMatchObject({ status: "ok" });
    const member = await request(world.mqtt, "group/members/add", {
      group: "landing",
      device: "stairs",
      endpoint: "l2",
    });
    expect(member).toMatchObject({ status: "ok", data: { endpoint: "l2" } });
    const before = onOff(1);
    const target = onOff(2) === 1 ? 0 : 1;
    await world.mqtt.publish(`${BASE}/landing/set`, JSON.stringify({ state: target ? "ON" : "OFF" }));
    await waitFor(() => onOff(2) === target, 5000, "gang 2 switched through the group");
    expect(onOff(1)).toBe(before);
  });
});

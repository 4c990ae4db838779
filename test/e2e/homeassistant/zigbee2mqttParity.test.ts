import { describe, expect, it } from "vitest";
import type { Scenario } from "../../../lib/simulator/scenario/scenario.js";
import { BASE, request } from "../support/bridgeWorld.js";
import { waitFor } from "../support/herdsmanWorld.js";
import { BULB_EFFECTS, COLOR_BULB_EFFECTS, config, latestDiscovery, useHaWorld } from "./haWorld.js";

const BULB = "0x00124b00000e0001";
const DIMMER = "0x00124b00000e0002";
const PLUG = "0x00124b00000e0003";
const SENSOR = "0x00124b00000e0004";
const REMOTE = "0x00124b00000e0005";
const scenario: Scenario = {
  name: "ha-parity",
  seed: "ha-parity",
  devices: [
    { kind: "colorBulb", name: "bulb", ieee: BULB, paired: true },
    { kind: "dualDimmer", name: "dimmer", ieee: DIMMER, paired: true },
    // joins when the test permits it
    { kind: "meteringPlug", name: "plug", ieee: PLUG, paired: false },
    { kind: "climateSensor", name: "sensor", ieee: SENSOR, paired: false },
    { kind: "remote", name: "remote", ieee: REMOTE, paired: false },
  ],
};
const parse = (p: string | undefined) => (p ? (JSON.parse(p) as Record<string, unknown>) : undefined);

/**
 * What zigbee2mqtt 2.14.1 publishes for Home Assistant (learned by running it, `npm run compat`): per-gang entities
 * of a multi-endpoint device, each config once per change, renames with and without `homeassistant_rename`, groups
 * with an endpoint member, group removal.
 */
describe("Home Assistant discovery as zigbee2mqtt publishes it", () => {
  // bulb 4 + dimmer 7, each with last_seen, + bridge 8
  const world = useHaWorld(
    { availability: { enabled: true }, advanced: { last_seen: "ISO_8601" } },
    { scenario, devices: 2, configs: 21 },
  );
  const of = (node: string, since = 0) =>
    world.ha.received((m) => m.topic.split("/")[2] === node && m.topic.endsWith("/config"), since);

  it("the dual dimmer has a light, an effect and a power-on behaviour per gang", async () => {
    const light = await config(world.ha, `homeassistant/light/${DIMMER}/light_l1/config`);
    expect(light).toMatchObject({
      name: "L1",
      state_topic: `${BASE}/${DIMMER}/l1`,
      command_topic: `${BASE}/${DIMMER}/l1/set`,
      supported_color_modes: ["brightness"],
      effect_list: BULB_EFFECTS,
      object_id: `${DIMMER}_l1`,
      unique_id: `${DIMMER}_light_l1_${BASE}`,
    });
    expect(await config(world.ha, `homeassistant/select/${DIMMER}/effect_l2/config`)).toMatchObject({
      name: "Effect l2",
      icon: "mdi:palette",
      enabled_by_default: false,
      command_topic: `${BASE}/${DIMMER}/l2/set/effect_l2`,
    });
    expect(await config(world.ha, `homeassistant/select/${DIMMER}/power_on_behavior_l1/config`)).toMatchObject({
      name: "Power-on behavior l1",
      icon: "mdi:power-settings",
      entity_category: "config",
      value_template: '{{ value_json["power_on_behavior_l1"] }}',
    });
  });

  it("with advanced.last_seen on, every device has a hidden last seen timestamp sensor", async () => {
    expect(await config(world.ha, `homeassistant/sensor/${DIMMER}/last_seen/config`)).toMatchObject({
      name: "Last seen",
      state_topic: `${BASE}/${DIMMER}`,
      value_template: "{{ value_json.last_seen }}",
      device_class: "timestamp",
      icon: "mdi:clock",
      entity_category: "diagnostic",
      enabled_by_default: false,
      unique_id: `${DIMMER}_last_seen_${BASE}`,
    });
  });

  it("devices that join together are discovered once their interview is over: each config once", async () => {
    const since = world.ha.mark();
    expect((await request(world.mqtt, "permit_join", { time: 60 })).status).toBe("ok");
    // switch, power, voltage, current, energy, linkquality and the firmware update entity
    const configs = () => new Set(world.ha.received((m) => m.topic.endsWith("/config"), since).map((m) => m.topic));
    // the plug's 7 (with its firmware update entity), the sensor's 5 and the remote's 4, each with last_seen
    await waitFor(() => configs().size === 19, 20_000, "the joined devices' configs");
    await request(world.mqtt, "permit_join", { time: 0 });
    // a barrier: discovery runs in order, so what the join still had to publish comes before the rename's configs
    const renamed = world.ha.mark();
    await request(world.mqtt, "device/rename", { from: PLUG, to: "new_plug" });
    await waitFor(() => of(PLUG, renamed).length === 8, 5000, "the renamed plug's configs");
    const joined = world.ha.received(
      (m) => m.seq < renamed && [PLUG, SENSOR, REMOTE].includes(m.topic.split("/")[2] ?? ""),
      since,
    );
    const topics = joined.map((m) => m.topic);
    expect(new Set(topics).size).toBe(topics.length);
    for (const m of of(PLUG, since).filter((m) => m.seq < renamed)) {
      expect(parse(m.payload)?.device).toMatchObject({ sw_version: "2.0", name: PLUG });
    }
  });

  it("a rename with homeassistant_rename clears each config, then publishes it once with the new entity ids", async () => {
    const before = [...latestDiscovery(world.ha)].filter(([t]) => t.split("/")[2] === BULB).map(([t]) => t);
    expect(before.length).toBe(5);
    const since = world.ha.mark();
    const rsp = await request(world.mqtt, "device/rename", {
      from: BULB,
      to: "living/lamp",
      homeassistant_rename: true,
    });
    expect(rsp.status).toBe("ok");
    await waitFor(
      () => before.every((t) => latestDiscovery(world.ha, undefined, since).get(t)?.includes("living/lamp")),
      5000,
      "renamed configs",
    );
    for (const topic of before) {
      const sequence = of(BULB, since).filter((m) => m.topic === topic);
      expect(sequence.map((m) => (m.payload === "" ? "cleared" : "config"))).toEqual(["cleared", "config"]);
    }
    // the "/" of the name stays in the entity id, as zigbee2mqtt's
    expect(await config(world.ha, `homeassistant/select/${BULB}/effect/config`)).toMatchObject({
      object_id: "living/lamp_effect",
      default_entity_id: "select.living/lamp_effect",
      command_topic: `${BASE}/living/lamp/set/effect`,
    });
  });

  it("a new interview of a discovered device keeps its entities", async () => {
    const since = world.ha.mark();
    // discovery runs while the bulb is being interviewed: a device change as soon as the interview starts
    const { bus } = world.bridge.controller;
    const owner = {};
    bus.on("deviceInterview", owner, (e) => {
      if (e.ieee === BULB && e.status === "started") bus.emit("devicesChanged", {});
    });
    const interview = request(world.mqtt, "device/interview", { id: "living/lamp" }, 20_000);
    expect((await interview).status).toBe("ok");
    bus.off(owner);
    // a barrier: discovery runs in order, what the interview made publish comes before the group's config
    await request(world.mqtt, "group/add", { friendly_name: "barrier", id: 3 });
    await request(world.mqtt, "group/members/add", { group: "barrier", device: "living/lamp" });
    await world.ha.waitForMessage((m) => m.topic.startsWith("homeassistant/light/1221051039810110150109113116116_3/"), {
      since,
      timeoutMs: 5000,
    });
    expect(of(BULB, since).filter((m) => m.payload === "")).toEqual([]);
    await request(world.mqtt, "group/remove", { id: "barrier" });
  });

  it("a rename without homeassistant_rename publishes the new configs over the old ones, once each", async () => {
    const before = [...latestDiscovery(world.ha)].filter(([t]) => t.split("/")[2] === DIMMER).map(([t]) => t);
    const since = world.ha.mark();
    const rsp = await request(world.mqtt, "device/rename", { from: DIMMER, to: "stairs" });
    expect(rsp.status).toBe("ok");
    await waitFor(
      () => before.every((t) => latestDiscovery(world.ha, undefined, since).get(t)?.includes('"stairs"')),
      5000,
      "renamed configs",
    );
    expect(
      of(DIMMER, since)
        .map((m) => m.topic)
        .sort(),
    ).toEqual([...before].sort());
    expect(of(DIMMER, since).filter((m) => m.payload === "")).toEqual([]);
  });

  it("a group with a gang of the dimmer: one light of both, republished as members change, cleared on remove", async () => {
    const topic = "homeassistant/light/1221051039810110150109113116116_9/light/config";
    const created = world.mqtt.mark();
    expect((await request(world.mqtt, "group/add", { friendly_name: "lights", id: 9 })).status).toBe("ok");
    expect((await request(world.mqtt, "group/members/add", { group: "lights", device: "living/lamp" })).status).toBe(
      "ok",
    );
    const added = world.ha.mark();
    const rsp = await request(world.mqtt, "group/members/add", { group: "lights", device: "stairs", endpoint: "l1" });
    expect(rsp.status).toBe("ok");
    const both = await world.ha.waitForMessage((m) => m.topic === topic && m.payload.includes("light_l1"), {
      since: added,
      timeoutMs: 5000,
    });
    expect(parse(both.payload)).toMatchObject({
      group: [`${BULB}_light_${BASE}`, `${DIMMER}_light_l1_${BASE}`],
      supported_color_modes: ["xy", "color_temp"],
      effect_list: COLOR_BULB_EFFECTS,
      state_topic: `${BASE}/lights`,
      // its members have availability: so has the group
      availability: [
        { topic: `${BASE}/bridge/state`, value_template: "{{ value_json.state }}" },
        { topic: `${BASE}/lights/availability`, value_template: "{{ value_json.state }}" },
      ],
    });
    // the group availability the light reads is published
    await world.mqtt.waitForMessage(`${BASE}/lights/availability`, { since: created, timeoutMs: 5000 });
    const removed = world.ha.mark();
    await request(world.mqtt, "group/members/remove", { group: "lights", device: "living/lamp" });
    const dimmerOnly = await world.ha.waitForMessage(topic, { since: removed, timeoutMs: 5000 });
    const light = parse(dimmerOnly.payload);
    expect(light).toMatchObject({
      group: [`${DIMMER}_light_l1_${BASE}`],
      supported_color_modes: ["brightness"],
      effect_list: BULB_EFFECTS,
    });
    expect(light).not.toHaveProperty("min_mireds");
    const gone = world.ha.mark();
    await request(world.mqtt, "group/remove", { id: "lights" });
    const cleared = await world.ha.waitForMessage(topic, { since: gone, timeoutMs: 5000 });
    expect(cleared.payload).toBe("");
  });
});

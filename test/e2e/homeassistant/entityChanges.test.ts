import { describe, expect, it } from "vitest";
import { assertValidDiscovery } from "../../support/haDiscoveryChecker.js";
import { BASE } from "../support/bridgeWorld.js";
import { waitFor } from "../support/herdsmanWorld.js";
import { allDiscovery, bridgeTopics, COLOR_BULB_EFFECTS, config, latestDiscovery, useHaWorld } from "./haWorld.js";

const parse = (p: string | undefined) => (p ? (JSON.parse(p) as Record<string, unknown>) : undefined);

/** Groups, renames and removals: discovery follows, unique ids stay. */
describe("Home Assistant discovery through entity changes", () => {
  const world = useHaWorld();
  const ieee = (name: string) => world.bridge.simulator.device(name).description.ieee;
  const of = (id: string) => [...latestDiscovery(world.ha)].filter(([t]) => t.split("/")[2] === id);

  it("a group of bulbs becomes a light that groups its members' lights", async () => {
    const { controller, settings } = world.bridge;
    const zh = controller.zigbee.controller.createGroup(7);
    await controller.zigbee.device(ieee("bulb"))?.zh.getEndpoint(1)?.addToGroup(zh);
    settings.addGroup("lights", 7);
    controller.zigbee.trackGroup(zh);
    controller.bus.emit("groupsChanged", {});
    const node = "1221051039810110150109113116116_7";
    const light = await config(world.ha, `homeassistant/light/${node}/light/config`);
    expect(light).toEqual({
      availability: [{ topic: `${BASE}/bridge/state`, value_template: "{{ value_json.state }}" }],
      availability_mode: "all",
      brightness: true,
      brightness_scale: 254,
      command_topic: `${BASE}/lights/set`,
      default_entity_id: "light.lights",
      device: {
        identifiers: [`zigbee2mqtt_${node}`],
        manufacturer: "zigmqtt",
        model: "Group",
        name: "lights",
        sw_version: "0.1.0",
        via_device: `zigbee2mqtt_bridge_${controller.zigbee.coordinator()?.ieee}`,
      },
      // the members' effects (the light's effect list; a group has no effect select)
      effect: true,
      effect_list: COLOR_BULB_EFFECTS,
      group: [`${ieee("bulb")}_light_${BASE}`],
      max_mireds: 500,
      min_mireds: 153,
      name: null,
      object_id: "lights",
      origin: { name: "zigmqtt", sw: "0.1.0" },
      schema: "json",
      state_topic: `${BASE}/lights`,
      supported_color_modes: ["xy", "color_temp"],
      unique_id: `7_light_${BASE}`,
    });
    // HA's command on the group's command topic switches the member bulb, and the group's state says so
    const since = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/lights/set`, JSON.stringify({ state: "ON", brightness: 77 }));
    await waitFor(
      () => world.bridge.simulator.device("bulb").getAttribute(1, "genLevelCtrl", "currentLevel") === 77,
      5000,
      "group command",
    );
    await world.mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/lights` && parse(m.payload)?.state === "ON" && parse(m.payload)?.brightness === 77,
      { since, timeoutMs: 5000 },
    );
  });

  it("a rename keeps every unique_id and moves names and topics to the new name", async () => {
    const id = ieee("sensor");
    const before = new Map(of(id).map(([t, p]) => [t, parse(p)]));
    expect(before.size).toBe(5);
    const renamed = world.bridge.settings.renameDevice(id, "living_room/climate");
    world.bridge.controller.bus.emit("entityRenamed", { kind: "device", id, ...renamed });
    await waitFor(
      () => of(id).every(([, p]) => parse(p)?.state_topic === `${BASE}/living_room/climate`),
      5000,
      "renamed configs",
    );
    const after = new Map(of(id).map(([t, p]) => [t, parse(p)]));
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [topic, payload] of after) {
      expect(payload?.unique_id).toBe(before.get(topic)?.unique_id);
      expect((payload?.device as { name?: string } | undefined)?.name).toBe("living_room/climate");
    }
    expect(after.get(`homeassistant/sensor/${id}/temperature/config`)?.default_entity_id).toBe(
      "sensor.living_room/climate_temperature", // zigbee2mqtt keeps the "/" of the name
    );
    const since = world.mqtt.mark();
    world.bridge.simulator.device("sensor").emitReport(1, "msTemperatureMeasurement", { measuredValue: 2150 });
    await world.mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/living_room/climate` && parse(m.payload)?.temperature === 21.5,
      { since, timeoutMs: 5000 },
    );
  });

  it("a removed device's configs are all cleared", async () => {
    const id = ieee("plug");
    // six entities and the firmware update entity
    expect(of(id).length).toBe(7);
    const removed = world.ha.mark();
    world.bridge.settings.removeDevice(id);
    world.bridge.controller.bus.emit("entityRemoved", { kind: "device", id, name: id });
    await waitFor(() => of(id).every(([, p]) => p === ""), 5000, "cleared configs");
    const cleared = world.ha.received((m) => m.topic.split("/")[2] === id && m.payload === "", removed);
    expect(cleared.length).toBe(7);
  });

  it("every discovery payload seen passes Home Assistant's rules", () => {
    assertValidDiscovery(allDiscovery(world.ha), bridgeTopics(world));
  });
});

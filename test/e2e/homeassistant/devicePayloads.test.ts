import { describe, expect, it } from "vitest";
import { assertValidDiscovery } from "../../support/haDiscoveryChecker.js";
import { retainedOn } from "../../support/mqttTestClient.js";
import { BASE } from "../support/bridgeWorld.js";
import { allDiscovery, bridgeTopics, COLOR_BULB_EFFECTS, config, latestDiscovery, useHaWorld } from "./haWorld.js";

/** The discovery payloads Home Assistant gets for the demo devices and the bridge, exactly. */
describe("Home Assistant discovery of the demo devices", () => {
  const world = useHaWorld();
  const ieee = (name: string) => world.bridge.simulator.device(name).description.ieee;
  const coordinator = () => world.bridge.controller.zigbee.coordinator()?.ieee ?? "";
  const origin = { name: "zigmqtt", sw: "0.1.0" };
  const availability = [{ topic: `${BASE}/bridge/state`, value_template: "{{ value_json.state }}" }];
  const entity = (id: string, component: string, objectId: string, device: Record<string, unknown>) => ({
    availability,
    availability_mode: "all",
    device: {
      identifiers: [`zigbee2mqtt_${id}`],
      name: id,
      via_device: `zigbee2mqtt_bridge_${coordinator()}`,
      ...device,
    },
    origin,
    unique_id: `${id}_${objectId}_${BASE}`,
    object_id: objectId === component ? id : `${id}_${objectId}`,
    default_entity_id: `${component}.${objectId === component ? id : `${id}_${objectId}`}`,
  });
  const sensor = (id: string, property: string, device: Record<string, unknown>, extra: Record<string, unknown>) => ({
    ...entity(id, "sensor", property, device),
    state_topic: `${BASE}/${id}`,
    value_template: `{{ value_json["${property}"] }}`,
    ...extra,
  });

  it("the bulb is a json light with xy + color_temp, 254 brightness steps, its mired range and effects", async () => {
    const bulb = ieee("bulb");
    const device = {
      hw_version: 1,
      manufacturer: "Ajax Online",
      model: "Smart Zigbee pro 12W A60 RGBCW bulb",
      model_id: "ZB_A60_RGBCW",
      sw_version: "1.0.8",
    };
    expect(await config(world.ha, `homeassistant/light/${bulb}/light/config`)).toEqual({
      ...entity(bulb, "light", "light", device),
      name: null,
      schema: "json",
      state_topic: `${BASE}/${bulb}`,
      command_topic: `${BASE}/${bulb}/set`,
      brightness: true,
      brightness_scale: 254,
      supported_color_modes: ["xy", "color_temp"],
      min_mireds: 153,
      max_mireds: 500,
      effect: true,
      effect_list: COLOR_BULB_EFFECTS,
    });
    // HA's command (json schema) on the discovered command topic reaches the bulb, and its state topic comes alive
    const since = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/${bulb}/set`, JSON.stringify({ state: "ON", brightness: 120, color_temp: 300 }));
    await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/${bulb}` && JSON.parse(m.payload).brightness === 120, {
      since,
    });
    expect(world.bridge.simulator.device("bulb").getAttribute(1, "genLevelCtrl", "currentLevel")).toBe(120);
    expect(await config(world.ha, `homeassistant/select/${bulb}/power_on_behavior/config`)).toMatchObject({
      entity_category: "config",
      command_topic: `${BASE}/${bulb}/set/power_on_behavior`,
      options: ["off", "on", "toggle", "previous"],
      icon: "mdi:power-settings",
    });
    // the effect select is hidden by default (the light has the effects), as zigbee2mqtt's
    expect(await config(world.ha, `homeassistant/select/${bulb}/effect/config`)).toMatchObject({
      name: "Effect",
      icon: "mdi:palette",
      enabled_by_default: false,
    });
  });

  it("the sensor has temperature, humidity and battery sensors with classes and units; linkquality is hidden", async () => {
    const id = ieee("sensor");
    const device = {
      hw_version: 0,
      manufacturer: "SONOFF",
      model: "Temperature and humidity sensor",
      model_id: "SNZB-02",
    };
    const at = (p: string) => config(world.ha, `homeassistant/sensor/${id}/${p}/config`);
    const measured = { state_class: "measurement" };
    expect(await at("temperature")).toEqual(
      sensor(id, "temperature", device, {
        ...measured,
        enabled_by_default: true, // no name: HA names it after its device class
        device_class: "temperature",
        unit_of_measurement: "°C",
      }),
    );
    expect(await at("humidity")).toEqual(
      sensor(id, "humidity", device, {
        ...measured,
        enabled_by_default: true, // no name: HA names it after its device class
        device_class: "humidity",
        unit_of_measurement: "%",
      }),
    );
    expect(await at("battery")).toEqual(
      sensor(id, "battery", device, {
        ...measured,
        enabled_by_default: true, // no name: HA names it after its device class
        device_class: "battery",
        unit_of_measurement: "%",
        entity_category: "diagnostic",
      }),
    );
    expect(await at("linkquality")).toEqual(
      sensor(id, "linkquality", device, {
        ...measured,
        name: "Linkquality",
        unit_of_measurement: "lqi",
        entity_category: "diagnostic",
        enabled_by_default: false,
        icon: "mdi:signal",
      }),
    );
  });

  it("the plug is a switch with power and energy sensors", async () => {
    const id = ieee("plug");
    const device = {
      hw_version: 1,
      manufacturer: "Innr",
      model: "Smart plug",
      model_id: "SP 120",
      sw_version: "2.0",
    };
    expect(await config(world.ha, `homeassistant/switch/${id}/switch/config`)).toEqual({
      ...entity(id, "switch", "switch", device),
      name: null,
      state_topic: `${BASE}/${id}`,
      value_template: '{{ value_json["state"] }}',
      command_topic: `${BASE}/${id}/set`,
      payload_on: "ON",
      payload_off: "OFF",
    });
    const at = (p: string) => config(world.ha, `homeassistant/sensor/${id}/${p}/config`);
    expect(await at("power")).toEqual(
      sensor(id, "power", device, {
        enabled_by_default: true,
        device_class: "power",
        state_class: "measurement",
        unit_of_measurement: "W",
      }),
    );
    expect(await at("energy")).toEqual(
      sensor(id, "energy", device, {
        enabled_by_default: true,
        device_class: "energy",
        state_class: "total_increasing",
        unit_of_measurement: "kWh",
      }),
    );
  });

  it("a state message carries null for each discovered property not known yet, as zigbee2mqtt's does", async () => {
    const bulb = ieee("bulb");
    await config(world.ha, `homeassistant/select/${bulb}/effect/config`);
    const since = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/${bulb}/get`, JSON.stringify({ state: "" }));
    const msg = await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/${bulb}`, { since, timeoutMs: 5000 });
    const state = JSON.parse(msg.payload) as Record<string, unknown>;
    expect(state).toHaveProperty("effect", null); // a bulb never reports its effect
    expect(state.state).toMatch(/^(ON|OFF)$/);
  });

  it("an OTA-capable device's state carries `update` with unknown versions until a check, as zigbee2mqtt's", async () => {
    const plug = ieee("plug");
    await config(world.ha, `homeassistant/update/${plug}/update/config`);
    const since = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/${plug}/get`, JSON.stringify({ state: "" }));
    const msg = await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/${plug}`, { since, timeoutMs: 5000 });
    const state = JSON.parse(msg.payload) as Record<string, unknown>;
    expect(state.update).toEqual({ installed_version: -1, latest_version: -1, state: null });
    // a device without OTA gets none
    const bulb = ieee("bulb");
    const bulbSince = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/${bulb}/get`, JSON.stringify({ state: "" }));
    const bulbMsg = await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/${bulb}`, { since: bulbSince });
    expect(JSON.parse(bulbMsg.payload)).not.toHaveProperty("update");
  });

  it("the remote gets a device trigger per action value, the first time it is pressed", async () => {
    const id = ieee("remote");
    const topic = `homeassistant/device_automation/${id}/action_on/config`;
    expect(latestDiscovery(world.ha).has(topic)).toBe(false);
    const pressed = world.mqtt.mark();
    await world.bridge.simulator.device("remote").press("on");
    const trigger = await config(world.ha, topic);
    expect(trigger).toEqual({
      automation_type: "trigger",
      type: "action",
      subtype: "on",
      payload: "on",
      topic: `${BASE}/${id}/action`,
      device: {
        identifiers: [`zigbee2mqtt_${id}`],
        name: id,
        hw_version: 1,
        manufacturer: "IKEA",
        model: "TRADFRI on/off switch",
        model_id: "E1743",
        sw_version: "24.4.5",
        via_device: `zigbee2mqtt_bridge_${coordinator()}`,
      },
      origin,
    });
    await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/${id}/action` && m.payload === "on", {
      since: pressed,
      timeoutMs: 5000,
    });
    expect(await retainedOn(world.broker.url, `${BASE}/${id}/action`)).toEqual([]); // an action is not retained
    await world.bridge.simulator.device("remote").press("off");
    await config(world.ha, `homeassistant/device_automation/${id}/action_off/config`);
  });

  it("the bridge is a device with connection state, permit join, restart, log level and versions", async () => {
    const node = `1221051039810110150109113116116_${coordinator()}`;
    const topics = [...latestDiscovery(world.ha).keys()].filter((t) => t.includes(node)).sort();
    expect(topics.map((t) => t.split("/").slice(1, 2).concat(t.split("/")[3]).join("/"))).toEqual([
      "binary_sensor/connection_state",
      "binary_sensor/restart_required",
      "button/restart",
      "select/log_level",
      "sensor/coordinator_version",
      "sensor/network_map",
      "sensor/version",
      "switch/permit_join",
    ]);
    const bridgeDevice = {
      identifiers: [`zigbee2mqtt_bridge_${coordinator()}`],
      name: "zigmqtt Bridge",
      model: "Bridge",
      manufacturer: "zigmqtt",
      sw_version: "0.1.0",
      hw_version: "ZStack3x0 20240710", // the coordinator's type and firmware revision, as zigbee2mqtt's
    };
    expect(await config(world.ha, `homeassistant/binary_sensor/${node}/connection_state/config`)).toEqual({
      name: "Connection state",
      state_topic: `${BASE}/bridge/state`,
      value_template: "{{ value_json.state }}",
      payload_on: "online",
      payload_off: "offline",
      device_class: "connectivity",
      entity_category: "diagnostic",
      device: bridgeDevice,
      origin,
      unique_id: `bridge_${coordinator()}_connection_state_${BASE}`,
      object_id: "zigmqtt_bridge_connection_state",
      default_entity_id: "binary_sensor.zigmqtt_bridge_connection_state",
    });
    expect(await config(world.ha, `homeassistant/switch/${node}/permit_join/config`)).toMatchObject({
      command_topic: `${BASE}/bridge/request/permit_join`,
      payload_on: '{"time": 254}',
      payload_off: '{"time": 0}',
      state_topic: `${BASE}/bridge/info`,
      icon: "mdi:human-greeting-proximity",
      device: bridgeDevice,
    });
    const restart = await config(world.ha, `homeassistant/button/${node}/restart/config`);
    expect(restart).toMatchObject({ device_class: "restart", name: "Restart" });
    expect(restart).not.toHaveProperty("entity_category"); // as zigbee2mqtt's: a plain button
    expect(await config(world.ha, `homeassistant/sensor/${node}/network_map/config`)).toMatchObject({
      state_topic: `${BASE}/bridge/response/networkmap`,
      json_attributes_topic: `${BASE}/bridge/response/networkmap`,
      json_attributes_template: "{{ value_json.data.value | tojson }}",
      entity_category: "diagnostic",
      enabled_by_default: false,
      device: bridgeDevice,
    });
  });

  it("every discovery payload passes Home Assistant's rules, with topics the bridge really uses", () => {
    expect(allDiscovery(world.ha).length).toBeGreaterThan(25);
    assertValidDiscovery(allDiscovery(world.ha), bridgeTopics(world));
  });
});

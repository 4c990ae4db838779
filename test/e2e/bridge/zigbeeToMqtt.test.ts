import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { TestBroker } from "../../support/broker.js";
import { retainedOn, type TestClient } from "../../support/mqttTestClient.js";
import { BASE, json, type RunningBridge, useBridgeWorld } from "../support/bridgeWorld.js";

/** the exact versions package.json pins */
const PINS = (
  JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
    dependencies: Record<string, string>;
  }
).dependencies;

/** The whole chain: bridge + virtual coordinator + real broker, as a user sees it on MQTT. */
describe("bridge: Zigbee ↔ MQTT with the demo devices", () => {
  const world = useBridgeWorld();
  let broker: TestBroker;
  let bridge: RunningBridge;
  let mqtt: TestClient;
  let lamp: string;

  const lastState = (name: string) => json(mqtt.received(`${BASE}/${name}`).at(-1)?.payload ?? "{}");
  /** the first state of `name` from the mark `since` (taken before the action) on that satisfies `pred` */
  const waitState = (since: number, name: string, pred: (s: Record<string, unknown>) => boolean) =>
    mqtt.waitForMessage((m) => m.topic === `${BASE}/${name}` && pred(json(m.payload)), { since, timeoutMs: 5000 });
  /** the observer subscribed before the bridge started: what the start published counts from here */
  const STARTUP = 0;

  beforeAll(() => {
    ({ broker, bridge, mqtt } = world);
    lamp = bridge.simulator.device("bulb").description.ieee;
  });

  it("retains empty bridge/converters and bridge/extensions (no external ones loaded), as zigbee2mqtt does", async () => {
    for (const topic of [`${BASE}/bridge/converters`, `${BASE}/bridge/extensions`]) {
      const retained = await retainedOn(broker.url, topic);
      expect(retained.map((m) => m.payload)).toEqual(["[]"]);
    }
  });

  it("publishes the demo devices in retained bridge/devices with their definitions", async () => {
    const msg = await mqtt.waitForMessage(
      (m) => {
        if (m.topic !== `${BASE}/bridge/devices`) return false;
        const list = JSON.parse(m.payload) as Array<{ interview_state: string }>;
        return list.filter((d) => d.interview_state === "SUCCESSFUL").length >= 5;
      },
      { since: STARTUP, timeoutMs: 10_000 },
    );
    type Expose = { type: string; name: string; features?: Expose[] };
    type Entry = { ieee_address: string; type: string; definition?: { model: string; exposes: Expose[] } };
    const devices = JSON.parse(msg.payload) as Entry[];
    const bulb = devices.find((d) => d.ieee_address === lamp);
    expect(bulb?.definition).toMatchObject({ model: "ZB_A60_RGBCW", vendor: "Ajax Online" });
    const light = bulb?.definition?.exposes.find((e) => e.type === "light");
    const features = (light?.features ?? []).map((f) => f.name);
    expect(features).toEqual(expect.arrayContaining(["state", "brightness", "color_temp", "color_xy"]));
    // as zigbee2mqtt: the coordinator is supported, every definition ends with a linkquality expose and has a version
    expect(devices.find((d) => d.type === "Coordinator")).toMatchObject({ supported: true });
    for (const d of devices.filter((x) => x.definition)) {
      expect(d.definition?.exposes.at(-1)).toMatchObject({ name: "linkquality", unit: "lqi", category: "diagnostic" });
      expect(d.definition).toMatchObject({ source: "native", version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    }
    const events = mqtt.received(`${BASE}/bridge/event`, STARTUP).map((m) => json(m.payload));
    expect(events).toContainEqual({ type: "device_joined", data: { friendly_name: lamp, ieee_address: lamp } });
    const interview = events.find(
      (e) => e.type === "device_interview" && (e.data as { status: string }).status === "successful",
    );
    expect(interview?.data).toMatchObject({
      supported: true,
      definition: { model: expect.any(String), source: "native", version: expect.any(String) },
    });
    const info = json((await mqtt.waitForMessage(`${BASE}/bridge/info`, { since: STARTUP })).payload);
    expect(info).toMatchObject({
      zigbee_herdsman: { version: PINS["zigbee-herdsman"] },
      zigbee_herdsman_converters: { version: PINS["zigbee-herdsman-converters"] },
    });
    expect(JSON.stringify(info.config)).not.toMatch(/network_key/);
    expect(
      devices
        .map((d) => d.definition?.model)
        .filter(Boolean)
        .sort(),
    ).toEqual(["E1743", "SNZB-02", "SP 120", "ZB_A60_RGBCW"]);
  });

  it("a /set of state, brightness and xy colour changes the bulb; the retained state follows", async () => {
    const since = mqtt.mark();
    await mqtt.publish(
      `${BASE}/${lamp}/set`,
      JSON.stringify({ state: "ON", brightness: 200, color: { x: 0.3, y: 0.4 } }),
    );
    await waitState(
      since,
      lamp,
      (s) => s.state === "ON" && s.brightness === 200 && s.color_mode === "xy" && (s.color as { x: number })?.x === 0.3,
    );
    const sb = bridge.simulator.device("bulb");
    expect(sb.getAttribute(1, "genOnOff", "onOff")).toBe(1);
    expect(sb.getAttribute(1, "genLevelCtrl", "currentLevel")).toBe(200);
    expect(sb.getAttribute(1, "lightingColorCtrl", "currentX")).toBe(Math.round(0.3 * 65535));
    expect(lastState(lamp)).toMatchObject({
      state: "ON",
      brightness: 200,
      color: { x: 0.3, y: 0.4 },
      color_mode: "xy",
    });
    const retained = await retainedOn(broker.url, `${BASE}/${lamp}`);
    expect(retained.map((m) => json(m.payload))).toEqual([expect.objectContaining({ state: "ON", brightness: 200 })]);
  });

  it("color_temp through /set/<attribute>, and /get reads back", async () => {
    const set = mqtt.mark();
    await mqtt.publish(`${BASE}/${lamp}/set/color_temp`, "370");
    await waitState(set, lamp, (s) => s.color_temp === 370 && s.color_mode === "color_temp");
    expect(bridge.simulator.device("bulb").getAttribute(1, "lightingColorCtrl", "colorTemperature")).toBe(370);
    const changed = mqtt.mark();
    bridge.simulator.device("bulb").setAttribute(1, "genLevelCtrl", "currentLevel", 120);
    await waitState(changed, lamp, (s) => s.brightness === 120);
    const get = mqtt.mark();
    await mqtt.publish(`${BASE}/${lamp}/get`, JSON.stringify({ brightness: "" }));
    await waitState(get, lamp, (s) => s.brightness === 120);
  });

  it("bare OFF works, and the sensor's reports appear as temperature, humidity and battery", async () => {
    const off = mqtt.mark();
    await mqtt.publish(`${BASE}/${lamp}/set`, "OFF");
    await waitState(off, lamp, (s) => s.state === "OFF");
    const sensor = bridge.simulator.device("sensor");
    const reported = mqtt.mark();
    sensor.emitReport(1, "msTemperatureMeasurement", { measuredValue: 2312 });
    sensor.emitReport(1, "msRelativeHumidity", { measuredValue: 5530 });
    sensor.emitReport(1, "genPowerCfg", { batteryPercentageRemaining: 150 });
    const name = sensor.description.ieee;
    await waitState(reported, name, (s) => s.temperature === 23.12 && s.humidity === 55.3 && s.battery === 75);
  });

  it("a remote press appears as an action (not cached)", async () => {
    const remote = bridge.simulator.device("remote");
    const pressed = mqtt.mark();
    remote.press("on");
    const name = remote.description.ieee;
    await waitState(pressed, name, (s) => s.action === "on");
    expect(bridge.controller.state.get(name).action).toBeUndefined();
  });
});

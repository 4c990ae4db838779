import { beforeAll, describe, expect, it } from "vitest";
import { retainedOn } from "../../support/mqttTestClient.js";
import { BASE, json, request, useBridgeWorld } from "../support/bridgeWorld.js";

/** device/rename and device/options: settings changes a user sees on MQTT, and refused ones that leave no trace. */
describe("device/rename and device/options", () => {
  const world = useBridgeWorld();
  let lamp: string;
  let sensor: string;

  beforeAll(async () => {
    lamp = world.bridge.simulator.device("bulb").description.ieee;
    sensor = world.bridge.simulator.device("sensor").description.ieee;
    const since = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/${lamp}/set`, JSON.stringify({ state: "ON", brightness: 77 }));
    await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/${lamp}` && json(m.payload).brightness === 77, {
      since,
      timeoutMs: 5000,
    });
  });

  it("renames: the old retained topic is cleared, the state moves to the new name, /set works there", async () => {
    const start = world.mqtt.mark();
    const r = await request(world.mqtt, "device/rename", {
      from: lamp,
      to: "kitchen/lamp",
      homeassistant_rename: true,
    });
    expect(r).toMatchObject({ status: "ok", data: { from: lamp, to: "kitchen/lamp", homeassistant_rename: true } });
    await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/${lamp}` && m.payload === "", { since: start });
    const moved = await world.mqtt.waitForMessage(`${BASE}/kitchen/lamp`, { since: start });
    expect(json(moved.payload)).toMatchObject({ state: "ON", brightness: 77 });
    expect(world.bridge.settings.findDevice("kitchen/lamp")?.ieee).toBe(lamp);

    const retained = await retainedOn(world.broker.url, `${BASE}/kitchen/lamp`);
    expect(retained.map((m) => json(m.payload))).toEqual([expect.objectContaining({ brightness: 77 })]);
    expect(await retainedOn(world.broker.url, `${BASE}/${lamp}`)).toEqual([]);

    const set = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/kitchen/lamp/set`, JSON.stringify({ brightness: 140 }));
    await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/kitchen/lamp` && json(m.payload).brightness === 140, {
      since: set,
      timeoutMs: 5000,
    });
    expect(world.bridge.simulator.device("bulb").getAttribute(1, "genLevelCtrl", "currentLevel")).toBe(140);
  });

  it("refuses a taken or invalid name and unknown devices, leaving settings and topics untouched", async () => {
    const start = world.mqtt.mark();
    const lampName = world.bridge.settings.findDevice(lamp)?.options.friendly_name;
    const cases: Array<[Record<string, unknown>, string | RegExp]> = [
      [{ from: lamp, to: sensor }, /is used by another device/],
      [{ from: lamp, to: "lamp/2" }, /friendly_name/],
      [{ from: "no_such_device", to: "x" }, "Device 'no_such_device' does not exist"],
      [{ from: lamp }, /'to' is required/],
      [{ last: "yes", to: "x" }, "Invalid payload: 'last' must be true or false"],
    ];
    for (const [payload, error] of cases) {
      const r = await request(world.mqtt, "device/rename", payload);
      expect(r.status, JSON.stringify(payload)).toBe("error");
      expect(r.error).toMatch(error);
    }
    expect(world.bridge.settings.findDevice(lamp)?.options.friendly_name).toBe(lampName);
    expect(world.bridge.settings.findDevice(sensor)?.options.friendly_name).toBe(sensor);
    // the refusals are answered after anything they would have published
    const touched = [lamp, sensor, "lamp/2", "x", lampName].map((name) => `${BASE}/${name}`);
    expect(world.mqtt.received((m) => touched.includes(m.topic) && m.payload === "", start)).toEqual([]);
  });

  it("device/options changes options (from/to without friendly_name) and bridge/devices shows them", async () => {
    const start = world.mqtt.mark();
    const r = await request(world.mqtt, "device/options", {
      id: lamp,
      options: { description: "over the table", qos: 1 },
    });
    expect(r).toMatchObject({
      status: "ok",
      data: {
        id: lamp,
        from: { retain: true },
        to: { retain: true, description: "over the table", qos: 1 },
        restart_required: false,
      },
    });
    expect(r.data.from).not.toHaveProperty("friendly_name");
    expect(r.data.to).not.toHaveProperty("friendly_name");
    expect(r.data.from).not.toHaveProperty("description");
    await world.mqtt.waitForMessage(
      (m) => {
        if (m.topic !== `${BASE}/bridge/devices`) return false;
        const list = JSON.parse(m.payload) as Array<{ ieee_address: string; description?: string }>;
        return list.find((d) => d.ieee_address === lamp)?.description === "over the table";
      },
      { since: start, timeoutMs: 5000 },
    );
    expect(world.bridge.settings.deviceOptions(lamp)).toMatchObject({ description: "over the table", qos: 1 });
  });

  it("device/options refuses invalid values, renames and unknown devices", async () => {
    const before = structuredClone(world.bridge.settings.deviceOptions(lamp));
    const cases: Array<[Record<string, unknown>, string | RegExp]> = [
      [{ id: lamp, options: { qos: 7 } }, /qos/],
      [{ id: lamp, options: { friendly_name: "elsewhere" } }, /device\/rename/],
      [{ id: lamp, options: "retain" }, /Invalid payload/],
      [{ id: "no_such_device", options: { retain: false } }, "Device 'no_such_device' does not exist"],
    ];
    for (const [payload, error] of cases) {
      const r = await request(world.mqtt, "device/options", payload);
      expect(r.status, JSON.stringify(payload)).toBe("error");
      expect(r.error).toMatch(error);
    }
    expect(world.bridge.settings.deviceOptions(lamp)).toEqual(before);
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { BASE, json, observer, request, useBridgeWorld } from "../support/bridgeWorld.js";
import { waitFor } from "../support/herdsmanWorld.js";

/** device/remove (leave, force, block) and renaming the device that joined last. */
describe("device/remove", () => {
  const world = useBridgeWorld();
  let plug: string;
  let sensor: string;
  const listed = (payload: string, ieee: string) =>
    (JSON.parse(payload) as Array<{ ieee_address: string }>).some((d) => d.ieee_address === ieee);

  beforeAll(() => {
    plug = world.bridge.simulator.device("plug").description.ieee;
    sensor = world.bridge.simulator.device("sensor").description.ieee;
  });

  it("asks the device to leave, then forgets it: settings, state, retained topic and bridge/devices", async () => {
    await world.mqtt.publish(`${BASE}/${plug}/set`, JSON.stringify({ state: "ON" }));
    await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/${plug}` && json(m.payload).state === "ON", 5000);
    const start = world.mqtt.messages.length;
    const r = await request(world.mqtt, "device/remove", plug);
    expect(r).toEqual({ status: "ok", data: { id: plug, block: false, force: false } });
    await waitFor(() => world.bridge.simulator.member("plug")?.joined === false, 5000, "the plug to leave");
    expect(world.bridge.settings.findDevice(plug)).toBeUndefined();
    expect(world.bridge.controller.state.has(plug)).toBe(false);
    expect(world.bridge.controller.zigbee.device(plug)).toBeUndefined();
    const cleared = world.mqtt.messages.slice(start).filter((m) => m.topic === `${BASE}/${plug}`);
    expect(cleared.at(-1)?.payload).toBe(""); // the retained state is cleared
    const devices = await world.mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/bridge/devices` && world.mqtt.messages.indexOf(m) > start && !listed(m.payload, plug),
      5000,
    );
    expect(listed(devices.payload, sensor)).toBe(true);
    const fresh = await observer(world.broker.url);
    await fresh.waitForMessage(`${BASE}/bridge/devices`, 3000); // retained messages have arrived
    expect(fresh.received(`${BASE}/${plug}`)).toEqual([]);
    await fresh.end();
  });

  it("a removed device may join again; {last: true} renames the device that joined last", async () => {
    const joined = world.mqtt.messages.length;
    await request(world.mqtt, "permit_join", { time: 30 });
    await world.mqtt.waitForMessage(
      (m) =>
        m.topic === `${BASE}/bridge/event` &&
        world.mqtt.messages.indexOf(m) >= joined &&
        json(m.payload).type === "device_joined",
      10_000,
    );
    await request(world.mqtt, "permit_join", { time: 0 });
    const r = await request(world.mqtt, "device/rename", { last: true, to: "plug_again" });
    expect(r).toMatchObject({ status: "ok", data: { from: plug, to: "plug_again", homeassistant_rename: false } });
    expect(world.bridge.settings.findDevice("plug_again")?.ieee).toBe(plug);
  });

  it("force removes it from the bridge only (it stays in the network); block puts it on the blocklist", async () => {
    const r = await request(world.mqtt, "device/remove", { id: sensor, force: true, block: true });
    expect(r).toMatchObject({ status: "ok", data: { id: sensor, block: true, force: true } });
    expect(world.bridge.simulator.member("sensor")?.joined).toBe(true);
    expect(world.bridge.settings.get().blocklist).toContain(sensor);
    expect(world.bridge.settings.findDevice(sensor)).toBeUndefined();
    expect(world.bridge.controller.zigbee.device(sensor)).toBeUndefined();
  });

  it("refuses unknown devices and malformed payloads, changing nothing", async () => {
    const unknown = await request(world.mqtt, "device/remove", { id: "no_such_device" });
    expect(unknown).toMatchObject({ status: "error", error: "Device 'no_such_device' does not exist" });
    const badForce = await request(world.mqtt, "device/remove", { id: "plug_again", force: "yes" });
    expect(badForce).toMatchObject({ status: "error", error: "Invalid payload: 'force' must be true or false" });
    const noId = await request(world.mqtt, "device/remove", { block: true });
    expect(noId).toMatchObject({ status: "error", error: expect.stringMatching(/'id' is required/) });
    expect(world.bridge.settings.findDevice("plug_again")?.ieee).toBe(plug);
    expect(world.bridge.simulator.member("plug")?.joined).toBe(true);
  });
});

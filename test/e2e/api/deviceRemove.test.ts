import { beforeAll, describe, expect, it } from "vitest";
import { retainedOn } from "../../support/mqttTestClient.js";
import { BASE, json, request, useBridgeWorld } from "../support/bridgeWorld.js";
import { waitFor } from "../support/herdsmanWorld.js";

/** device/remove (leave, force, block) and renaming the device that joined last. */
describe("device/remove", () => {
  const world = useBridgeWorld();
  let plug: string;
  let sensor: string;
  let bulb: string;
  /** device/remove of the plug, answered once it has left */
  const removePlug = async () => {
    const r = await request(world.mqtt, "device/remove", plug);
    expect(r).toEqual({
      status: "ok",
      data: { id: plug, block: false, force: false, clear_cache: false, keep_config: false },
    });
    await waitFor(() => world.bridge.simulator.member("plug")?.joined === false, 5000, "the plug to leave");
  };
  const listed = (payload: string, ieee: string) =>
    (JSON.parse(payload) as Array<{ ieee_address: string }>).some((d) => d.ieee_address === ieee);

  beforeAll(() => {
    plug = world.bridge.simulator.device("plug").description.ieee;
    sensor = world.bridge.simulator.device("sensor").description.ieee;
    bulb = world.bridge.simulator.device("bulb").description.ieee;
  });

  it("asks the device to leave, then forgets it: settings, state, retained topic and bridge/devices", async () => {
    const on = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/${plug}/set`, JSON.stringify({ state: "ON" }));
    await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/${plug}` && json(m.payload).state === "ON", {
      since: on,
      timeoutMs: 5000,
    });
    expect(await retainedOn(world.broker.url, `${BASE}/${plug}`)).toHaveLength(1);
    const start = world.mqtt.mark();
    await removePlug();
    expect(world.bridge.settings.findDevice(plug)).toBeUndefined();
    expect(world.bridge.controller.state.has(plug)).toBe(false);
    expect(world.bridge.controller.zigbee.device(plug)).toBeUndefined();
    // the retained state is cleared
    await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/${plug}` && m.payload === "", { since: start });
    const devices = await world.mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/bridge/devices` && !listed(m.payload, plug),
      { since: start, timeoutMs: 5000 },
    );
    expect(listed(devices.payload, sensor)).toBe(true);
    expect(await retainedOn(world.broker.url, `${BASE}/${plug}`)).toEqual([]);
  });

  it("a removed device may join again; {last: true} renames the device that joined last", async () => {
    if (world.bridge.simulator.member("plug")?.joined) await removePlug(); // when this test runs alone
    const joined = world.mqtt.mark();
    await request(world.mqtt, "permit_join", { time: 30 });
    await world.mqtt.waitForMessage(
      (m) => {
        if (m.topic !== `${BASE}/bridge/event`) return false;
        const event = json(m.payload) as { type?: string; data?: { ieee_address?: string } };
        return event.type === "device_joined" && event.data?.ieee_address === plug;
      },
      { since: joined, timeoutMs: 10_000 },
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

  it("keep_config keeps the device's settings (its name and options); the device itself is gone", async () => {
    const remote = world.bridge.simulator.device("remote").description.ieee;
    await request(world.mqtt, "device/rename", { from: remote, to: "kept_remote" });
    const r = await request(world.mqtt, "device/remove", { id: "kept_remote", force: true, keep_config: true });
    expect(r).toMatchObject({
      status: "ok",
      data: { id: "kept_remote", block: false, force: true, clear_cache: false, keep_config: true },
    });
    expect(world.bridge.controller.zigbee.device(remote)).toBeUndefined();
    expect(world.bridge.settings.findDevice(remote)?.options.friendly_name).toBe("kept_remote");
  });

  it("refuses unknown devices and malformed payloads, changing nothing", async () => {
    const unknown = await request(world.mqtt, "device/remove", { id: "no_such_device" });
    expect(unknown).toMatchObject({ status: "error", error: "Device 'no_such_device' does not exist" });
    const badForce = await request(world.mqtt, "device/remove", { id: bulb, force: "yes" });
    expect(badForce).toMatchObject({ status: "error", error: "Invalid payload: 'force' must be true or false" });
    const noId = await request(world.mqtt, "device/remove", { block: true });
    expect(noId).toMatchObject({ status: "error", error: expect.stringMatching(/'id' is required/) });
    expect(world.bridge.settings.findDevice(bulb)?.ieee).toBe(bulb);
    expect(world.bridge.controller.zigbee.device(bulb)).toBeDefined();
    expect(world.bridge.simulator.member("bulb")?.joined).toBe(true);
  });
});

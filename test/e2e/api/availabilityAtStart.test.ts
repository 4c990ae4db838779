import { afterAll, describe, expect, it } from "vitest";
import { AVAILABILITY_SCALE_ENV } from "../../../lib/features/availability.js";
import { BASE, request, useBridgeWorld } from "../support/bridgeWorld.js";

const ONLINE = '{"state":"online"}';

// one availability "minute" is 300 ms here: at the restart every router has been quiet longer than its timeout
process.env[AVAILABILITY_SCALE_ENV] = "0.005";
afterAll(() => {
  delete process.env[AVAILABILITY_SCALE_ENV];
});

/**
 * zigbee2mqtt announces each device's availability `online` once at start. A restart must not flap Home Assistant's
 * entities to unavailable: no `offline` for a device that answers, and one `online` per device.
 */
describe("availability at start", () => {
  const world = useBridgeWorld({ config: { availability: { enabled: true, active: { timeout: 1 } } } });

  it("after a restart every device and group is announced online exactly once, never offline", async () => {
    const sim = world.bridge.simulator;
    const names = ["bulb", "sensor", "remote", "plug"];
    const topics = new Map(names.map((n) => [`${BASE}/${sim.device(n).description.ieee}/availability`, n]));
    // a group whose only member is the plug (a router, pinged at start): online once too, never offline first
    const plug = sim.device("plug").description.ieee;
    const zigbee = world.bridge.controller.zigbee;
    world.bridge.settings.addGroup("plugs", 7);
    const group = zigbee.controller.createGroup(7);
    await zigbee.device(plug)?.zh.getEndpoint(1)?.addToGroup(group);
    names.push("plugs");
    topics.set(`${BASE}/plugs/availability`, "plugs");
    const since = world.mqtt.mark();
    await world.restart();
    const after = () => world.mqtt.messages.filter((m) => m.seq >= since && topics.has(m.topic));
    for (const topic of topics.keys()) {
      await world.mqtt.waitForMessage((m) => m.topic === topic && m.payload === ONLINE, { since, timeoutMs: 10_000 });
    }
    // a request answered after the announcements closes the window: anything the start sent came before it
    expect((await request(world.mqtt, "health_check", {})).status).toBe("ok");
    const byDevice = Object.fromEntries(names.map((n) => [n, [] as string[]]));
    for (const m of after()) byDevice[topics.get(m.topic) as string]?.push(m.payload);
    expect(byDevice).toEqual(Object.fromEntries(names.map((n) => [n, [ONLINE]])));
  });
});

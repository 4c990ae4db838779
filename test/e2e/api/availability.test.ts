import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AVAILABILITY_SCALE_ENV } from "../../../lib/features/availability.js";
import type { TestClient } from "../../support/mqttTestClient.js";
import { connectTestClient } from "../../support/mqttTestClient.js";
import { BASE, type RunningBridge, request, useBridgeWorld } from "../support/bridgeWorld.js";

// one availability "minute" is 300 ms here: the plug (a router) is pinged after 300 ms of silence
process.env[AVAILABILITY_SCALE_ENV] = "0.005";
afterAll(() => {
  delete process.env[AVAILABILITY_SCALE_ENV];
});

const ONLINE = '{"state":"online"}';
const OFFLINE = '{"state":"offline"}';

/** Availability: retained online/offline per device and group; a silent router is pinged and goes offline. */
describe("availability", () => {
  const world = useBridgeWorld({ config: { availability: { enabled: true, active: { timeout: 1 } } } });
  let bridge: RunningBridge;
  let mqtt: TestClient;
  let plug: string;
  const topic = (name: string) => `${BASE}/${name}/availability`;

  beforeAll(async () => {
    ({ bridge, mqtt } = world);
    plug = bridge.simulator.device("plug").description.ieee;
    // a group whose only member is the plug
    const zigbee = bridge.controller.zigbee;
    bridge.settings.addGroup("plugs", 7);
    const group = zigbee.controller.createGroup(7);
    await zigbee.device(plug)?.zh.getEndpoint(1)?.addToGroup(group);
    zigbee.trackGroup(group);
    bridge.controller.bus.emit("groupsChanged", {});
  });

  it("every device and the group are online, retained, for a client that subscribes later", async () => {
    const late = await connectTestClient(world.broker.url);
    try {
      const since = late.mark();
      await late.subscribe(`${BASE}/+/availability`);
      for (const name of ["bulb", "sensor", "remote", "plug"]) {
        const m = await late.waitForMessage(topic(bridge.simulator.device(name).description.ieee), { since });
        expect({ payload: m.payload, retain: m.retain }).toEqual({ payload: ONLINE, retain: true });
      }
      expect((await late.waitForMessage(topic("plugs"), { since })).payload).toBe(ONLINE);
    } finally {
      await late.end();
    }
  });

  it("a device that joins while the bridge runs is announced online when first heard, never offline first", async () => {
    // the demo devices join right after the network forms, while the observer (subscribed before the start) listens
    for (const name of ["bulb", "sensor", "remote", "plug"]) {
      const t = topic(bridge.simulator.device(name).description.ieee);
      const first = await mqtt.waitForMessage(t, { since: 0, timeoutMs: 10_000 });
      expect(first.payload).toBe(ONLINE);
    }
  });

  it("a silent plug goes offline (and its group with it); back online when it answers again", async () => {
    const silent = mqtt.mark();
    bridge.simulator.setSilent("plug", true);
    await mqtt.waitForMessage((m) => m.topic === topic(plug) && m.payload === OFFLINE, {
      since: silent,
      timeoutMs: 10_000,
    });
    await mqtt.waitForMessage((m) => m.topic === topic("plugs") && m.payload === OFFLINE, {
      since: silent,
      timeoutMs: 5000,
    });
    // the bulb, pinged just as often, stays online
    const bulb = bridge.simulator.device("bulb").description.ieee;
    expect(mqtt.received(topic(bulb), silent).map((m) => m.payload)).not.toContain(OFFLINE);
    const back = mqtt.mark();
    bridge.simulator.setSilent("plug", false);
    await mqtt.waitForMessage((m) => m.topic === topic(plug) && m.payload === ONLINE, {
      since: back,
      timeoutMs: 10_000,
    });
    await mqtt.waitForMessage((m) => m.topic === topic("plugs") && m.payload === ONLINE, {
      since: back,
      timeoutMs: 5000,
    });
  });

  it("a renamed device's old availability topic is cleared and the new one published", async () => {
    const since = mqtt.mark();
    const rsp = await request(mqtt, "device/rename", { from: plug, to: "kitchen_plug" });
    expect(rsp.status).toBe("ok");
    await mqtt.waitForMessage((m) => m.topic === topic(plug) && m.payload === "" && m.retain === false, {
      since,
      timeoutMs: 5000,
    });
    const renamed = await mqtt.waitForMessage(topic("kitchen_plug"), { since, timeoutMs: 5000 });
    expect(renamed.payload).toBe(ONLINE);
  });

  it("a battery sensor's own availability timeout wins over the passive one (1500 min); a report brings it back", async () => {
    const sensor = bridge.simulator.device("sensor").description.ieee;
    const since = mqtt.mark();
    const rsp = await request(mqtt, "device/options", { id: sensor, options: { availability: { timeout: 1 } } });
    expect(rsp.status).toBe("ok");
    // it takes effect at once (as zigbee2mqtt), counted from now: online until that timeout has passed
    expect((rsp.data as { restart_required?: boolean }).restart_required).toBe(false);
    await mqtt.waitForMessage((m) => m.topic === topic(sensor) && m.payload === OFFLINE, { since, timeoutMs: 10_000 });
    const back = mqtt.mark();
    await bridge.simulator.generateReports({
      devices: ["sensor"],
      cluster: "msTemperatureMeasurement",
      attribute: "measuredValue",
      count: 1,
    });
    await mqtt.waitForMessage((m) => m.topic === topic(sensor) && m.payload === ONLINE, {
      since: back,
      timeoutMs: 10_000,
    });
  });

  it("availability: false on a device clears its retained availability", async () => {
    const sensor = bridge.simulator.device("sensor").description.ieee;
    const since = mqtt.mark();
    const rsp = await request(mqtt, "device/options", { id: sensor, options: { availability: false } });
    expect(rsp.status).toBe("ok");
    await mqtt.waitForMessage((m) => m.topic === topic(sensor) && m.payload === "", { since, timeoutMs: 5000 });
  });
});

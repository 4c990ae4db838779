import { describe, expect, it } from "vitest";
import { connectTestClient } from "../../support/mqttTestClient.js";
import { BASE, json, useBridgeWorld } from "../support/bridgeWorld.js";
import { waitFor } from "../support/herdsmanWorld.js";

/** Broker and adapter outages: the bridge keeps running and nothing is lost. */
describe("outages", () => {
  const world = useBridgeWorld();

  it("a broker restart in the middle of a report stream: the final retained states equal the devices' attributes", async () => {
    const { bridge, broker } = world;
    const sim = bridge.simulator;
    const reports = world.mqtt.mark();
    const stream = sim.generateReports({
      count: 3000,
      rate: 1500,
      devices: ["bulb", "plug"],
      cluster: "genOnOff",
      attribute: "onOff",
      value: (i) => (i >> 1) % 2,
    });
    const bulb = sim.device("bulb");
    const plug = sim.device("plug");
    const streamed = [bulb, plug].map((d) => `${BASE}/${d.description.ieee}`);
    // the restart comes once the bridge has published a tenth of the stream
    await waitFor(
      () => world.mqtt.received((m) => streamed.includes(m.topic), reports).length >= 300 || undefined,
      10_000,
      "the report stream under way",
    );
    await broker.restart(); // loses every retained message and session
    await stream;
    const after = world.mqtt.mark();
    sim.device("bulb").setAttribute(1, "genLevelCtrl", "currentLevel", 77);
    sim.device("sensor").emitReport(1, "msTemperatureMeasurement", { measuredValue: 1999 });
    const on = (v: unknown) => (v === 1 ? "ON" : "OFF");
    await world.mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/${bulb.description.ieee}` && json(m.payload).brightness === 77,
      { since: after, timeoutMs: 10_000 },
    );
    const again = await connectTestClient(broker.url);
    const subscribed = again.mark();
    await again.subscribe([`${BASE}/+`, `${BASE}/bridge/state`]);
    const latest = async (ieee: string) =>
      json(
        (
          await again.waitForMessage((m) => m.topic === `${BASE}/${ieee}` && m.retain, {
            since: subscribed,
            timeoutMs: 5000,
          })
        ).payload,
      );
    expect(await latest(bulb.description.ieee)).toMatchObject({
      state: on(bulb.getAttribute(1, "genOnOff", "onOff")),
      brightness: 77,
    });
    expect(await latest(plug.description.ieee)).toMatchObject({ state: on(plug.getAttribute(1, "genOnOff", "onOff")) });
    expect(await latest(sim.device("sensor").description.ieee)).toMatchObject({ temperature: 19.99 });
    const state = json((await again.waitForMessage(`${BASE}/bridge/state`, { since: subscribed })).payload);
    expect(state).toEqual({ state: "online" });
    await again.end();
  });

  it("QoS 1 commands sent while the bridge's MQTT connection is down take effect when it is back", async () => {
    const { bridge, broker } = world;
    const lamp = bridge.simulator.device("bulb").description.ieee;
    const client = await connectTestClient(broker.url);
    bridge.controller.mqtt.stream?.destroy(); // the bridge loses its connection; its session stays on the broker
    await waitFor(() => !bridge.controller.mqtt.connected, 3000, "disconnected");
    await client.publish(`${BASE}/${lamp}/set`, JSON.stringify({ brightness: 44 }), { qos: 1 });
    await waitFor(
      () => bridge.simulator.device("bulb").getAttribute(1, "genLevelCtrl", "currentLevel") === 44,
      15_000,
      "the queued command",
    );
    await client.end();
  });

  it("the coordinator connection drops and returns 5 times: same process, every device still controllable", async () => {
    const { bridge, mqtt } = world;
    const sim = bridge.simulator;
    const lamp = sim.device("bulb").description.ieee;
    const plug = sim.device("plug").description.ieee;
    for (let round = 1; round <= 5; round++) {
      const dropped = mqtt.mark();
      sim.dropHost();
      await mqtt.waitForMessage(
        (m) => m.topic === `${BASE}/bridge/event` && json(m.payload).type === "adapter_disconnected",
        { since: dropped, timeoutMs: 5000 },
      );
      // a command during the outage gets a clear error, not a hang
      const errors: string[] = [];
      const off = bridge.controller.logger.onLog((e) => void (e.level === "error" && errors.push(e.message)));
      await mqtt.publish(`${BASE}/${lamp}/set`, JSON.stringify({ brightness: 1 }));
      await waitFor(() => errors.find((e) => /adapter is disconnected/.test(e)), 3000, "outage error");
      off();
      await mqtt.waitForMessage(
        (m) => m.topic === `${BASE}/bridge/event` && json(m.payload).type === "adapter_reconnected",
        { since: dropped, timeoutMs: 15_000 },
      );
      await mqtt.publish(`${BASE}/${lamp}/set`, JSON.stringify({ state: "ON", brightness: 100 + round }));
      await mqtt.publish(`${BASE}/${plug}/set`, JSON.stringify({ state: round % 2 ? "OFF" : "ON" }));
      await waitFor(
        () => sim.device("bulb").getAttribute(1, "genLevelCtrl", "currentLevel") === 100 + round,
        5000,
        `lamp round ${round}`,
      );
      await waitFor(
        () => sim.device("plug").getAttribute(1, "genOnOff", "onOff") === (round % 2 ? 0 : 1),
        5000,
        `plug round ${round}`,
      );
    }
    expect(bridge.controller.zigbee.available).toBe(true);
  });
});

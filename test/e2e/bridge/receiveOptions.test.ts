import { connectAsync, type IPublishPacket, type MqttClient } from "mqtt";
import { beforeAll, describe, expect, it } from "vitest";
import type { TestBroker } from "../../support/broker.js";
import type { TestClient } from "../../support/mqttTestClient.js";
import { BASE, json, type RunningBridge, request, useBridgeWorld } from "../support/bridgeWorld.js";

/**
 * Per-device debounce/debounce_ignore/throttle/retention and advanced.elapsed/last_seen, through the real bridge,
 * the virtual coordinator and a real MQTT 5 broker (mosquitto: retention is MQTT 5's message expiry).
 */
describe("bridge: receive options (debounce, throttle, retention, elapsed, last_seen, device information)", () => {
  const world = useBridgeWorld({
    config: (server) => ({
      mqtt: { base_topic: BASE, server, version: 5, include_device_information: true },
      advanced: { elapsed: true, last_seen: "epoch" },
    }),
    mosquittoFor: "MQTT 5 message expiry",
  });
  let broker: TestBroker;
  let bridge: RunningBridge;
  let mqtt: TestClient;
  let sensor: string;
  let remote: string;

  const stateAfter = (name: string, since: number, pred: (s: Record<string, unknown>) => boolean = () => true) =>
    mqtt
      .waitForMessage((m) => m.topic === `${BASE}/${name}` && pred(json(m.payload)), { since, timeoutMs: 8000 })
      .then((m) => ({ state: json(m.payload), seq: m.seq }));
  const options = async (id: string, o: Record<string, unknown>) => {
    const rsp = await request(mqtt, "device/options", { id, options: o });
    expect(rsp.status, rsp.error).toBe("ok");
  };

  beforeAll(() => {
    ({ broker, bridge, mqtt } = world);
    sensor = bridge.simulator.device("sensor").description.ieee;
    remote = bridge.simulator.device("remote").description.ieee;
  });

  it("a message without a converter refreshes last_seen", async () => {
    const t0 = Date.now();
    const since = mqtt.mark();
    bridge.simulator.device("sensor").emitReport(1, "genIdentify", { identifyTime: 0 });
    const { state } = await stateAfter(sensor, since);
    expect(state.last_seen).toEqual(expect.any(Number));
    expect(state.last_seen as number).toBeGreaterThanOrEqual(t0);
  });

  it("advanced.elapsed: the ms since the device's previous message; never cached", async () => {
    const device = bridge.simulator.device("sensor");
    let since = mqtt.mark();
    device.emitReport(1, "msTemperatureMeasurement", { measuredValue: 1901 });
    await stateAfter(sensor, since, (s) => s.temperature === 19.01);
    since = mqtt.mark();
    device.emitReport(1, "msTemperatureMeasurement", { measuredValue: 1902 });
    const { state } = await stateAfter(sensor, since, (s) => s.temperature === 19.02);
    expect(state.elapsed).toEqual(expect.any(Number));
    expect(state.elapsed as number).toBeGreaterThanOrEqual(0);
    expect(bridge.controller.state.get(sensor)).not.toHaveProperty("elapsed");
  });

  it("mqtt.include_device_information: the state carries zigbee2mqtt's device object", async () => {
    const since = mqtt.mark();
    bridge.simulator.device("sensor").emitReport(1, "msRelativeHumidity", { measuredValue: 4444 });
    const { state } = await stateAfter(sensor, since, (s) => s.humidity === 44.44);
    expect(state.device).toMatchObject({ friendlyName: sensor, ieeeAddr: sensor, model: "SNZB-02", type: "EndDevice" });
    expect(bridge.controller.state.get(sensor)).not.toHaveProperty("device");
  });

  it("debounce: two reports in a burst are published as one merged state", async () => {
    await options(sensor, { debounce: 1 });
    const device = bridge.simulator.device("sensor");
    const since = mqtt.mark();
    device.emitReport(1, "msTemperatureMeasurement", { measuredValue: 2001 });
    device.emitReport(1, "msRelativeHumidity", { measuredValue: 4002 });
    const { state } = await stateAfter(sensor, since);
    expect(state).toMatchObject({ temperature: 20.01, humidity: 40.02 });
  });

  it("debounce_ignore: a new action value publishes the pending state first, so no press is merged away", async () => {
    await options(remote, { debounce: 1, debounce_ignore: ["action"] });
    const device = bridge.simulator.device("remote");
    const since = mqtt.mark();
    device.press("on");
    device.emitReport(1, "genPowerCfg", { batteryPercentageRemaining: 120 });
    device.press("off");
    const first = await stateAfter(remote, since);
    expect(first.state).toMatchObject({ action: "on", battery: 60 });
    const second = await stateAfter(remote, first.seq + 1);
    expect(second.state).toMatchObject({ action: "off" });
  });

  it("throttle: the first report at once, then only the latest of the window", async () => {
    await options(sensor, { debounce: null, throttle: 2 });
    const device = bridge.simulator.device("sensor");
    // open a fresh window: the first report after the option is published at once
    const since = mqtt.mark();
    for (const v of [2101, 2102, 2103]) device.emitReport(1, "msTemperatureMeasurement", { measuredValue: v });
    const first = await stateAfter(sensor, since);
    expect(first.state.temperature).toBe(21.01);
    const second = await stateAfter(sensor, first.seq + 1);
    expect(second.state.temperature).toBe(21.03);
  });

  it("retention: the state is published with that MQTT 5 message expiry", async () => {
    await options(sensor, { throttle: null, retention: 30 });
    const client: MqttClient = await connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
    try {
      await client.subscribeAsync(`${BASE}/${sensor}`, { qos: 1 });
      const live = new Promise<IPublishPacket>((resolve) =>
        client.on("message", (_t, payload, packet) => {
          if (!packet.retain && json(payload.toString()).temperature === 22.01) resolve(packet);
        }),
      );
      bridge.simulator.device("sensor").emitReport(1, "msTemperatureMeasurement", { measuredValue: 2201 });
      const packet = await live;
      expect(packet.properties?.messageExpiryInterval).toBeGreaterThan(0);
      expect(packet.properties?.messageExpiryInterval).toBeLessThanOrEqual(30);
    } finally {
      await client.endAsync();
    }
  });
});

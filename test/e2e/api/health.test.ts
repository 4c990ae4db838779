import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEALTH_SCALE_ENV, type HealthReport } from "../../../lib/features/health.js";
import { connectTestClient, type TestClient } from "../../support/mqttTestClient.js";
import { BASE, type RunningBridge, useBridgeWorld } from "../support/bridgeWorld.js";

// one health "minute" is 300 ms here
process.env[HEALTH_SCALE_ENV] = "0.005";
afterAll(() => {
  delete process.env[HEALTH_SCALE_ENV];
});

/** bridge/health: retained, every health.interval, with per-device message counters that grow with reports. */
describe("bridge/health", () => {
  const world = useBridgeWorld({ config: { health: { interval: 1 } } });
  let bridge: RunningBridge;
  let mqtt: TestClient;

  beforeAll(() => {
    ({ bridge, mqtt } = world);
  });

  const nextHealth = async (): Promise<HealthReport> => {
    const m = await mqtt.waitForMessage(`${BASE}/bridge/health`, { since: mqtt.mark(), timeoutMs: 5000 });
    return JSON.parse(m.payload) as HealthReport;
  };

  it("reports the host, the process, MQTT and every device", async () => {
    const h = await nextHealth();
    expect(h.response_time).toBeGreaterThan(Date.now() - 60_000);
    expect(h.os.load_average).toHaveLength(3);
    expect(h.os.memory_percent).toBeGreaterThan(0);
    expect(h.process.memory_used_mb).toBeGreaterThan(1);
    expect(h.process.uptime_sec).toBeGreaterThanOrEqual(0);
    expect(h.mqtt).toEqual({
      connected: expect.any(Boolean),
      queued: expect.any(Number),
      received: expect.any(Number),
      published: expect.any(Number),
    });
    const ieees = bridge.controller.zigbee.devices().map((d) => d.ieee);
    expect(Object.keys(h.devices).sort()).toEqual(ieees.sort());
    for (const d of Object.values(h.devices)) {
      expect(d).toEqual({
        messages: expect.any(Number),
        messages_per_sec: expect.any(Number),
        leave_count: 0,
        network_address_changes: 0,
      });
    }
  });

  it("a device's message count grows with its reports; the report is retained", async () => {
    const sensor = bridge.simulator.device("sensor");
    const before = (await nextHealth()).devices[sensor.description.ieee].messages;
    const reported = mqtt.mark();
    for (const measuredValue of [2111, 2222, 2333]) sensor.emitReport(1, "msTemperatureMeasurement", { measuredValue });
    await mqtt.waitForMessage((m) => m.topic === `${BASE}/${sensor.description.ieee}` && m.payload.includes("23.33"), {
      since: reported,
    });
    const after = await nextHealth();
    expect(after.devices[sensor.description.ieee].messages).toBeGreaterThanOrEqual(before + 3);
    const late = await connectTestClient(world.broker.url);
    try {
      const since = late.mark();
      await late.subscribe(`${BASE}/bridge/health`);
      expect((await late.waitForMessage(`${BASE}/bridge/health`, { since })).retain).toBe(true);
    } finally {
      await late.end();
    }
  });
});

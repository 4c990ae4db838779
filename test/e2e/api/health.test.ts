import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEALTH_SCALE_ENV, type HealthReport } from "../../../lib/features/health.js";
import { connectTestClient, retainedOn, type TestClient } from "../../support/mqttTestClient.js";
import { BASE, type RunningBridge, useBridgeWorld } from "../support/bridgeWorld.js";

const HEALTH = `${BASE}/bridge/health`;

// one health "minute" is 300 ms here
process.env[HEALTH_SCALE_ENV] = "0.005";
afterAll(() => {
  delete process.env[HEALTH_SCALE_ENV];
});

/** As zigbee2mqtt: nothing at start, the first report one health.interval later. */
describe("bridge/health at start", () => {
  // 1000 "minutes": far longer than this test, so any bridge/health it sees was published at start
  const world = useBridgeWorld({ config: { health: { interval: 1000 } } });

  it("is not published when the bridge starts: none on the wire, none retained", async () => {
    const { mqtt } = world;
    const since = mqtt.mark();
    await world.restart();
    // everything the bridge published during its start reached the observer before this marker did
    const marker = "zigmqtt-test/health-marker";
    await mqtt.subscribe(marker);
    await mqtt.publish(marker, "after start", { qos: 1 });
    await mqtt.waitForMessage(marker, { since });
    expect(mqtt.received((m) => m.topic.startsWith(`${BASE}/bridge/`), since).length).toBeGreaterThan(0);
    expect(mqtt.received(HEALTH, since)).toEqual([]);
    expect(await retainedOn(world.broker.url, HEALTH)).toEqual([]);
  });
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
    const m = await mqtt.waitForMessage(HEALTH, { since: mqtt.mark(), timeoutMs: 5000 });
    return JSON.parse(m.payload) as HealthReport;
  };

  it("after a start, comes once the interval has passed, retained", async () => {
    await world.restart();
    ({ bridge } = world);
    const started = Date.now();
    const since = mqtt.mark();
    const first = JSON.parse((await mqtt.waitForMessage(HEALTH, { since, timeoutMs: 5000 })).payload) as HealthReport;
    // made by the restarted bridge (which published none at start), not a late one of the bridge before it
    expect(first.response_time).toBeGreaterThanOrEqual(started);
    const stored = await retainedOn(world.broker.url, HEALTH);
    expect(stored).toHaveLength(1);
    expect(stored[0].retain).toBe(true);
    expect((JSON.parse(stored[0].payload) as HealthReport).response_time).toBeGreaterThanOrEqual(started);
  });

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

import { describe, expect, it, vi } from "vitest";
import { EventBus } from "../../../lib/eventBus.js";
import type { BridgeContext } from "../../../lib/features/context.js";
import { Health } from "../../../lib/features/health.js";
import type { Logger } from "../../../lib/util/logger.js";

const logger: Logger = { error() {}, warning() {}, info() {}, debug() {}, isEnabled: () => false };

function world(resetOnCheck: boolean) {
  const bus = new EventBus(logger);
  const published: string[] = [];
  const ctx = {
    bus,
    logger,
    settings: { get: () => ({ health: { interval: 10, reset_on_check: resetOnCheck } }) },
    zigbee: { devices: () => [{ ieee: "0x01" }, { ieee: "0x02" }] },
    mqtt: { baseTopic: "z", publish: async (_t: string, payload: string) => void published.push(payload) },
  } as unknown as BridgeContext;
  const stats = { connected: true, queued: 2, received: 30, published: 40, reconnects: 1 };
  return { health: new Health(ctx, () => stats, {}), bus, published };
}

describe("Health", () => {
  it("passes the MQTT client's counters through and counts messages, leaves and address changes per device", async () => {
    const { health, bus, published } = world(false);
    await health.start();
    for (let i = 0; i < 3; i++) bus.emit("deviceMessage", { ieee: "0x01", message: {} as never });
    bus.emit("deviceLeave", { ieee: "0x02", name: "b" });
    bus.emit("deviceNetworkAddressChanged", { ieee: "0x02" });
    const r = health.report();
    health.stop();
    expect(r.mqtt).toEqual({ connected: true, queued: 2, received: 30, published: 40 });
    // as zigbee2mqtt: nothing at start, the first report comes after health.interval
    expect(published).toEqual([]);
    expect(r.devices["0x01"]).toMatchObject({ messages: 3, leave_count: 0, network_address_changes: 0 });
    expect(r.devices["0x01"].messages_per_sec).toBeGreaterThan(0);
    expect(r.devices["0x02"]).toMatchObject({ messages: 0, leave_count: 1, network_address_changes: 1 });
  });

  it("publishes every interval; with reset_on_check the counters start again after each report", async () => {
    vi.useFakeTimers();
    try {
      const { health, bus, published } = world(true);
      await health.start();
      bus.emit("deviceMessage", { ieee: "0x01", message: {} as never });
      bus.emit("deviceMessage", { ieee: "0x01", message: {} as never });
      expect(published).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(10 * 60_000);
      expect(published).toHaveLength(1);
      expect(JSON.parse(published[0]).devices["0x01"].messages).toBe(2);
      expect(health.report().devices["0x01"].messages).toBe(0);
      bus.emit("deviceMessage", { ieee: "0x01", message: {} as never });
      await vi.advanceTimersByTimeAsync(10 * 60_000);
      health.stop();
      expect(published).toHaveLength(2);
      expect(JSON.parse(published[1]).devices["0x01"].messages).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

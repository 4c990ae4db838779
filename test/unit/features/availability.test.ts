import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EventBus } from "../../../lib/eventBus.js";
import { Availability } from "../../../lib/features/availability.js";
import type { BridgeContext } from "../../../lib/features/context.js";
import type { Logger } from "../../../lib/util/logger.js";

const MIN = 60_000;
const logger: Logger = { error() {}, warning() {}, info() {}, debug() {}, isEnabled: () => false };

interface FakeDevice {
  ieee: string;
  name: string;
  options: Record<string, unknown>;
  zh: { type: string; powerSource: string; lastSeen: number | undefined; ping: () => Promise<void> };
}

function world(devices: FakeDevice[]) {
  const bus = new EventBus(logger);
  const published: Array<[string, string]> = [];
  const availability = {
    enabled: true,
    active: { timeout: 1, max_jitter: 0, backoff: true, pause_on_backoff_gt: 0 }, // no jitter: exact times
    passive: { timeout: 2 },
  };
  const ctx = {
    bus,
    logger,
    settings: { get: () => ({ availability }) },
    zigbee: { devices: () => devices, device: (i: string) => devices.find((d) => d.ieee === i), groups: () => [] },
    mqtt: {
      baseTopic: "z",
      publish: async (topic: string, payload: string) => void published.push([topic, payload]),
    },
  } as unknown as BridgeContext;
  const states = (name: string) =>
    published.filter(([t]) => t === `${name}/availability`).map(([, p]) => (p ? JSON.parse(p).state : ""));
  return { feature: new Availability(ctx, {}), bus, states };
}

const device = (name: string, type: string, powerSource: string, ping = async () => {}): FakeDevice => ({
  ieee: `0x${name.padStart(16, "0")}`,
  name,
  options: {},
  zh: { type, powerSource, lastSeen: Date.now(), ping },
});

describe("Availability", () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it("a battery device goes offline after the passive timeout and comes back with its next message", async () => {
    const sensor = device("a1", "EndDevice", "Battery");
    const { feature, bus, states } = world([sensor]);
    feature.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(states("a1")).toEqual(["online"]);
    await vi.advanceTimersByTimeAsync(2 * MIN + 1000);
    expect(states("a1")).toEqual(["online", "offline"]);
    sensor.zh.lastSeen = Date.now();
    bus.emit("deviceMessage", { ieee: sensor.ieee, message: {} as never });
    await vi.advanceTimersByTimeAsync(0);
    expect(states("a1")).toEqual(["online", "offline", "online"]);
    feature.stop();
  });

  it("a quiet router is pinged; failed pings back off by 1.5×; a device's own timeout wins", async () => {
    let pings = 0;
    const plug = device("b2", "Router", "Mains (single phase)", async () => {
      pings++;
      throw new Error("MAC_NO_ACK");
    });
    plug.options = { availability: { timeout: 3 } };
    const { feature, states } = world([plug]);
    feature.start();
    await vi.advanceTimersByTimeAsync(2 * MIN);
    expect(pings).toBe(0); // its own timeout is 3 minutes
    await vi.advanceTimersByTimeAsync(MIN);
    expect(pings).toBe(1);
    expect(states("b2")).toEqual(["online", "offline"]);
    await vi.advanceTimersByTimeAsync(4.5 * MIN); // 3 × 1.5
    expect(pings).toBe(2);
    await vi.advanceTimersByTimeAsync(6.75 * MIN - 1); // 3 × 2.25, not yet
    expect(pings).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(pings).toBe(3);
    feature.stop();
  });

  it("availability: false turns a device off; a disabled device is ignored", async () => {
    const off = device("c3", "Router", "Mains (single phase)");
    off.options = { availability: false };
    const disabled = device("d4", "EndDevice", "Battery");
    disabled.options = { disabled: true };
    const { feature, states } = world([off, disabled]);
    feature.start();
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect([...states("c3"), ...states("d4")]).toEqual([]);
    feature.stop();
  });
});

import { describe, expect, it, vi } from "vitest";
import { EventBus } from "../../../lib/eventBus.js";
import type { BridgeContext } from "../../../lib/features/context.js";
import { ConverterEvents } from "../../../lib/features/converterEvents.js";
import type { Logger } from "../../../lib/util/logger.js";

type Event = { type: string; data: Record<string, unknown> };

interface FakeDevice {
  ieee: string;
  name: string;
  isCoordinator: boolean;
  options: Record<string, unknown>;
  definition: { onEvent?: (e: Event) => Promise<void> | void } | undefined;
  zh: { ieeeAddr: string };
  refreshed: number;
  refreshExposes(): void;
}

/** A device whose definition's hook records the events it gets (`throws`: it throws on them instead). */
function device(name: string, seen: string[], opts: { throws?: string; disabled?: boolean; hooks?: boolean } = {}) {
  const ieee = `0x${name.padStart(16, "0")}`;
  const d: FakeDevice = {
    ieee,
    name,
    isCoordinator: false,
    options: opts.disabled ? { disabled: true } : {},
    definition:
      opts.hooks === false
        ? undefined
        : {
            onEvent: async (e) => {
              if (e.type === opts.throws) throw new Error(`${name} broke on ${e.type}`);
              seen.push(`${name} ${e.type}${e.data.status ? ` ${e.data.status}` : ""}`);
            },
          },
    zh: { ieeeAddr: ieee },
    refreshed: 0,
    refreshExposes() {
      d.refreshed++;
    },
  };
  return d;
}

function world(devices: FakeDevice[]) {
  const errors: string[] = [];
  const logger: Logger = {
    error: (m: unknown) => void errors.push(String(m)),
    warning() {},
    info() {},
    debug() {},
    isEnabled: () => false,
  };
  const bus = new EventBus(logger);
  const ctx = {
    bus,
    logger,
    state: { get: () => ({ state: "ON" }) },
    zigbee: {
      devices: () => devices,
      device: (ieee: string) => devices.find((x) => x.ieee === ieee),
    },
  } as unknown as BridgeContext;
  return { events: new ConverterEvents(ctx), bus, errors };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("ConverterEvents", () => {
  it("a hook that throws is logged, and the other devices' hooks still run; the failing device gets later events", async () => {
    const seen: string[] = [];
    const broken = device("broken", seen, { throws: "start" });
    const ok = device("ok", seen);
    const { events, bus, errors } = world([broken, ok]);
    events.start();
    await events.started(broken.ieee);
    await events.started(ok.ieee);
    expect(seen).toEqual(["ok start"]);
    expect(errors).toEqual([expect.stringMatching(/'start' of 'broken' failed: broken broke on start/)]);

    bus.emit("deviceAnnounce", { ieee: broken.ieee });
    bus.emit("deviceAnnounce", { ieee: ok.ieee });
    await tick();
    expect(seen).toEqual(["ok start", "broken deviceAnnounce", "ok deviceAnnounce"]);

    await events.stop();
    expect(seen.slice(3).sort()).toEqual(["broken stop", "ok stop"]);
  });

  it("calls start once, before any other event of a device that gets hooks later; none for a disabled device", async () => {
    const seen: string[] = [];
    const late = device("late", seen, { hooks: false });
    const off = device("off", seen, { disabled: true });
    const { events, bus } = world([late, off]);
    events.start();
    await tick();
    expect(seen).toEqual([]);
    // its interview resolved a definition with hooks: start first, then the event, and start only once
    late.definition = device("late", seen).definition;
    bus.emit("deviceInterview", { ieee: late.ieee, status: "successful" });
    bus.emit("deviceNetworkAddressChanged", { ieee: late.ieee });
    bus.emit("deviceAnnounce", { ieee: off.ieee });
    await tick();
    expect(seen).toEqual(["late start", "late deviceInterview successful", "late deviceNetworkAddressChanged"]);
    bus.emit("deviceLeave", { ieee: late.ieee, name: "late" });
    await tick();
    expect(seen.at(-1)).toBe("late stop");
    await events.stop();
    expect(seen.filter((s) => s === "late stop")).toHaveLength(1); // already stopped when it left
  });

  it("started() waits for the device's start hooks, but not for one that never ends", async () => {
    let release: (() => void) | undefined;
    const slow = device("slow", []);
    slow.definition = {
      onEvent: (e) =>
        e.type === "start"
          ? new Promise<void>((r) => {
              release = r;
            })
          : undefined,
    };
    const stuck = device("stuck", []);
    stuck.definition = { onEvent: (e) => (e.type === "start" ? new Promise<void>(() => {}) : undefined) };
    const { events } = world([slow, stuck]);
    vi.useFakeTimers();
    try {
      events.start();
      let slowStarted = false;
      void events.started(slow.ieee).then(() => {
        slowStarted = true;
      });
      await vi.advanceTimersByTimeAsync(100);
      expect(slowStarted).toBe(false);
      release?.();
      await vi.advanceTimersByTimeAsync(0);
      expect(slowStarted).toBe(true);

      let stuckStarted = false;
      void events.started(stuck.ieee).then(() => {
        stuckStarted = true;
      });
      await vi.advanceTimersByTimeAsync(9_000);
      expect(stuckStarted).toBe(false);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(stuckStarted).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it("passes options changes, and deviceExposesChanged republishes the device list", async () => {
    const got: Event[] = [];
    const d = device("d", []);
    d.definition = { onEvent: (e) => void got.push(e) };
    const { events, bus } = world([d]);
    const changed: unknown[] = [];
    bus.on("devicesChanged", changed, (e) => void changed.push(e));
    events.start();
    await events.started(d.ieee);
    bus.emit("deviceOptionsChanged", { ieee: d.ieee, from: { a: 1 }, to: { a: 2 } });
    await tick();
    const e = got.find((x) => x.type === "deviceOptionsChanged");
    if (!e) throw new Error("no deviceOptionsChanged event");
    expect(e.data).toMatchObject({ from: { a: 1 }, to: { a: 2 }, state: { state: "ON" }, options: {} });
    (e.data.deviceExposesChanged as () => void)();
    expect(d.refreshed).toBe(1);
    expect(changed).toEqual([{}]);
    // disabled by the change: its hooks stop, and it gets no more events
    d.options = { disabled: true };
    bus.emit("deviceOptionsChanged", { ieee: d.ieee, from: {}, to: { disabled: true } });
    bus.emit("deviceAnnounce", { ieee: d.ieee });
    await tick();
    expect(got.map((x) => x.type)).toEqual(["start", "deviceOptionsChanged", "stop"]);
    await events.stop();
    expect(got).toHaveLength(3);
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";
import { EventBus, type ZigbeeMessage } from "../../../lib/eventBus.js";
import type { BridgeContext, PublishOptions } from "../../../lib/features/context.js";
import { EntityPublisher } from "../../../lib/features/entityPublisher.js";
import { Receive } from "../../../lib/features/receive.js";
import { StateCache } from "../../../lib/state/stateCache.js";
import { silentLogger } from "../../support/broker.js";

const IEEE = "0x00124b0000000001";
type Convert = (model: unknown, msg: ZigbeeMessage, publish: (p: Record<string, unknown>) => void) => unknown;

/** Receive over a real EntityPublisher and state cache, one fake device; MQTT publishes are recorded. */
function world(convert: Convert, options: Record<string, unknown> = {}, advanced: Record<string, unknown> = {}) {
  const published: Array<Record<string, unknown>> = [];
  const logger = { ...silentLogger, error: vi.fn() };
  const definition = {
    model: "TEST",
    exposes: [{ name: "temperature", property: "temperature", type: "numeric" }],
    fromZigbee: [{ cluster: "msTemperatureMeasurement", type: ["attributeReport"], convert }],
  };
  const device = {
    ieee: IEEE,
    name: "sensor",
    definition,
    interviewed: true,
    options: { friendly_name: "sensor", ...options },
    zh: { ieeeAddr: IEEE, lastSeen: 1_700_000_000_000 },
    resolveDefinition: async () => definition,
  };
  const bus = new EventBus(logger);
  const ctx = {
    settings: {
      get: () => ({
        mqtt: { include_device_information: false },
        advanced: { cache_state: true, last_seen: "disable", output: "json", elapsed: false, ...advanced },
      }),
    },
    bus,
    logger,
    state: new StateCache(undefined, logger),
    zigbee: { device: (ieee: string) => (ieee === IEEE ? device : undefined) },
    mqtt: {
      publish: async (_topic: string, payload: string, _o?: PublishOptions) => void published.push(JSON.parse(payload)),
    },
  } as unknown as BridgeContext;
  const publisher = new EntityPublisher(ctx);
  const receive = new Receive(ctx, publisher);
  receive.start();
  const message = (data: Record<string, unknown> = {}, cluster = "msTemperatureMeasurement") =>
    ({ type: "attributeReport", cluster, data, linkquality: 77, endpoint: { ID: 1 }, meta: {} }) as never;
  return { published, receive, message, ctx, publisher, logger, device };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("Receive", () => {
  it("post-processes what a converter hands to its publish callback (calibration), like the returned result", async () => {
    const w = world((_m, _msg, publish) => void publish({ temperature: 20 }), { temperature_calibration: 1.5 });
    await w.receive.onMessage(IEEE, w.message());
    await vi.waitFor(() => expect(w.published).toEqual([{ temperature: 21.5, linkquality: 77 }]));
  });

  it("advanced.elapsed adds the milliseconds since the device's previous message", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const w = world((_m, msg) => ({ temperature: msg.data.v }), {}, { elapsed: true });
    await w.receive.onMessage(IEEE, w.message({ v: 1 }));
    vi.advanceTimersByTime(1234);
    await w.receive.onMessage(IEEE, w.message({ v: 2 }));
    expect(w.published[0]).not.toHaveProperty("elapsed");
    expect(w.published[1]).toMatchObject({ temperature: 2, elapsed: 1234 });
    expect(w.ctx.state.get(IEEE)).not.toHaveProperty("elapsed");
  });

  it("a message without a converter, or one that converts to nothing, refreshes last_seen when enabled", async () => {
    const w = world(() => undefined, {}, { last_seen: "epoch" });
    await w.receive.onMessage(IEEE, w.message({}, "genBasic"));
    await w.receive.onMessage(IEEE, w.message({}));
    expect(w.published).toEqual([{ last_seen: 1_700_000_000_000 }, { last_seen: 1_700_000_000_000 }]);
    const off = world(() => undefined);
    await off.receive.onMessage(IEEE, off.message({}, "genBasic"));
    expect(off.published).toEqual([]);
  });

  it("debounce: a burst is published once, merged; the cache is current meanwhile; a /set value wins", async () => {
    vi.useFakeTimers();
    const w = world((_m, msg) => msg.data, { debounce: 1 });
    await w.receive.onMessage(IEEE, w.message({ temperature: 20 }));
    await w.receive.onMessage(IEEE, w.message({ humidity: 50 }));
    await w.receive.onMessage(IEEE, w.message({ state: "OFF" }));
    expect(w.published).toEqual([]);
    expect(w.ctx.state.get(IEEE)).toMatchObject({ temperature: 20, humidity: 50, state: "OFF" });
    // an optimistic state published meanwhile (a /set): the older debounced value must not overwrite it
    await w.publisher.publish(w.device as never, { state: "ON" });
    await vi.advanceTimersByTimeAsync(1000);
    expect(w.published.at(-1)).toEqual({ temperature: 20, humidity: 50, state: "ON", linkquality: 77 });
    expect(w.published).toHaveLength(2);
  });

  it("throttle: the first message at once, the latest of the window at its end", async () => {
    vi.useFakeTimers();
    const w = world((_m, msg) => msg.data, { throttle: 2 });
    for (const t of [1, 2, 3]) await w.receive.onMessage(IEEE, w.message({ temperature: t }));
    expect(w.published).toEqual([{ temperature: 1, linkquality: 77 }]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(w.published).toEqual([
      { temperature: 1, linkquality: 77 },
      { temperature: 3, linkquality: 77 },
    ]);
  });

  it("stop() and the device's removal clear its debounce timer", async () => {
    vi.useFakeTimers();
    const w = world((_m, msg) => msg.data, { debounce: 1 });
    await w.receive.onMessage(IEEE, w.message({ temperature: 20 }));
    expect(vi.getTimerCount()).toBe(1);
    w.ctx.bus.emit("entityRemoved", { kind: "device", id: IEEE, name: "sensor" });
    expect(vi.getTimerCount()).toBe(0);
    await w.receive.onMessage(IEEE, w.message({ temperature: 21 }));
    w.receive.stop();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(w.published).toEqual([]);
  });

  it("a failing re-resolution after deviceExposesChanged is logged, not an unhandled rejection", async () => {
    const w = world(() => ({}));
    const failing = Object.assign(w.device, {
      invalidate: () => {},
      resolveDefinition: () => Promise.reject(new Error("boom")),
    });
    const convert = w.device.definition.fromZigbee[0]!;
    convert.convert = ((
      _m: unknown,
      _msg: unknown,
      _p: unknown,
      _o: unknown,
      meta: { deviceExposesChanged: () => void },
    ) => {
      meta.deviceExposesChanged();
      return {};
    }) as never;
    await w.receive.onMessage(failing.ieee, w.message({}));
    await vi.waitFor(() => expect(w.logger.error).toHaveBeenCalledWith(expect.stringContaining("boom"), "z2m:receive"));
  });
});

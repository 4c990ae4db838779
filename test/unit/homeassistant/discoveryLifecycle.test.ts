import { describe, expect, it, vi } from "vitest";
import type { MqttPublisher } from "../../../lib/features/context.js";
import { DiscoveryLifecycle } from "../../../lib/features/homeassistant/discoveryLifecycle.js";
import type { DiscoveryMessage } from "../../../lib/features/homeassistant/discoveryPayloads.js";
import { silentLogger } from "../../support/broker.js";

/** A publisher that records what is published (narrow unit test: the lifecycle's own bookkeeping). */
function recorder(): MqttPublisher & { published: Array<[string, string]> } {
  const published: Array<[string, string]> = [];
  return {
    baseTopic: "z2m",
    published,
    publish: async () => {},
    publishAbsolute: async (topic, payload) => {
      published.push([topic, payload]);
    },
    subscribe: async () => {},
    unsubscribe: async () => {},
    onMessage: () => () => {},
  };
}

const msg = (topic: string, name: string): DiscoveryMessage => ({ topic, payload: { name } });
const A = "homeassistant/light/0x01/light/config";
const B = "homeassistant/sensor/0x01/battery/config";
const C = "homeassistant/light/0x02/light/config";

describe("DiscoveryLifecycle", () => {
  it("syncs asked for in a burst are one run with the payloads of when it runs: each config once", async () => {
    const mqtt = recorder();
    const lifecycle = new DiscoveryLifecycle(mqtt, "z2m", "homeassistant", silentLogger);
    let name = "first";
    const wanted = () => [msg(A, name), msg(B, name)];
    const runs = [lifecycle.sync(wanted), lifecycle.sync(wanted)];
    name = "final";
    runs.push(lifecycle.sync(wanted));
    await Promise.all(runs);
    expect(mqtt.published).toEqual([
      [A, '{"name":"final"}'],
      [B, '{"name":"final"}'],
    ]);
    // nothing changed: nothing published; a forced run publishes everything again
    await lifecycle.sync(wanted);
    expect(mqtt.published.length).toBe(2);
    await lifecycle.sync(wanted, { force: true });
    expect(mqtt.published.length).toBe(4);
  });

  it("clearFirst clears the matching configs, then 1 s later publishes them again; others are left alone", async () => {
    vi.useFakeTimers();
    try {
      const mqtt = recorder();
      const lifecycle = new DiscoveryLifecycle(mqtt, "z2m", "homeassistant", silentLogger);
      await lifecycle.sync(() => [msg(A, "lamp"), msg(C, "other")]);
      mqtt.published.length = 0;
      const run = lifecycle.sync(() => [msg(A, "renamed"), msg(C, "other")], {
        clearFirst: (t) => t.split("/")[2] === "0x01",
      });
      await vi.advanceTimersByTimeAsync(900);
      // HA gets the time to remove the old entity before the new config comes (zigbee2mqtt waits too)
      expect(mqtt.published).toEqual([[A, ""]]);
      await vi.advanceTimersByTimeAsync(100);
      await run;
      expect(mqtt.published).toEqual([
        [A, ""],
        [A, '{"name":"renamed"}'],
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a config no longer wanted is cleared with an empty retained payload", async () => {
    const mqtt = recorder();
    const lifecycle = new DiscoveryLifecycle(mqtt, "z2m", "homeassistant", silentLogger);
    await lifecycle.sync(() => [msg(A, "lamp"), msg(B, "battery")]);
    await lifecycle.sync(() => [msg(A, "lamp")]);
    expect(mqtt.published.at(-1)).toEqual([B, ""]);
    expect(lifecycle.topics()).toEqual([A]);
  });
});

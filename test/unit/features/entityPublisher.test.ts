import { describe, expect, it } from "vitest";
import { EventBus } from "../../../lib/eventBus.js";
import type { BridgeContext, PublishOptions } from "../../../lib/features/context.js";
import { EntityPublisher } from "../../../lib/features/entityPublisher.js";
import { StateCache } from "../../../lib/state/stateCache.js";
import { silentLogger } from "../../support/broker.js";

/** A publisher over a real state cache and bus; MQTT publishes are recorded. */
function world(advanced: Record<string, unknown> = {}, mqttSettings: Record<string, unknown> = {}) {
  const published: Array<{ topic: string; payload: string; options?: PublishOptions }> = [];
  const ctx = {
    settings: {
      get: () => ({
        mqtt: { include_device_information: false, ...mqttSettings },
        advanced: { cache_state: true, last_seen: "disable", output: "json", ...advanced },
      }),
    },
    bus: new EventBus(silentLogger),
    logger: silentLogger,
    state: new StateCache(undefined, silentLogger),
    mqtt: {
      publish: async (topic: string, payload: string, options?: PublishOptions) => {
        published.push({ topic, payload, options });
      },
    },
  } as unknown as BridgeContext;
  return { ctx, published, publisher: new EntityPublisher(ctx) };
}

/** An array that counts how often it is iterated (each compile of the regex list iterates it). */
function countingList(items: string[]): { list: string[]; iterations: () => number } {
  let n = 0;
  const list = [...items];
  const iterate = list[Symbol.iterator].bind(list);
  list[Symbol.iterator] = () => {
    n++;
    return iterate();
  };
  return { list, iterations: () => n };
}

describe("EntityPublisher", () => {
  it("compiles filtered_attributes/filtered_cache once per options list, not on every publish", async () => {
    const { publisher } = world();
    const attrs = countingList(["battery"]);
    const cache = countingList(["voltage"]);
    const group = { id: 3, name: "g", options: { filtered_attributes: attrs.list, filtered_cache: cache.list } };
    for (let i = 0; i < 5; i++) await publisher.publish(group as never, { state: "ON", battery: i, voltage: i });
    expect(attrs.iterations()).toBe(1);
    expect(cache.iterations()).toBe(1);
  });

  it("matches filter entries against the whole key, as zigbee2mqtt does (^entry$)", async () => {
    const { publisher, published, ctx } = world();
    const options = { filtered_attributes: ["battery", "color_.*"], filtered_cache: ["volt"] };
    const group = { id: 3, name: "g", options };
    await publisher.publish(group as never, { battery: 1, battery_low: false, color_temp: 300, volt: 1, voltage: 2 });
    expect(JSON.parse(published.at(-1)!.payload)).toEqual({ battery_low: false, volt: 1, voltage: 2 });
    expect(ctx.state.get("3")).toEqual({ battery: 1, battery_low: false, color_temp: 300, voltage: 2 });
  });

  it("sends retention as the MQTT 5 message expiry of the state publishes (json and attribute output)", async () => {
    const { publisher, published } = world({ output: "attribute_and_json" });
    const group = { id: 3, name: "g", options: { retention: 90, retain: true, qos: 1 } };
    await publisher.publish(group as never, { state: "ON" });
    expect(published.map((p) => [p.topic, p.options])).toEqual([
      ["g", { retain: true, qos: 1, properties: { messageExpiryInterval: 90 } }],
      ["g/state", { retain: true, qos: 1, properties: { messageExpiryInterval: 90 } }],
    ]);
    const plain = { id: 4, name: "h", options: {} };
    await publisher.publish(plain as never, { state: "ON" });
    expect(published.at(-1)?.options).toEqual({ retain: false, qos: 0 });
  });

  it("remember() updates the cache without publishing", async () => {
    const { publisher, published, ctx } = world();
    const group = { id: 3, name: "g", options: {} };
    publisher.remember(group as never, { state: "OFF", action: "x" });
    expect(published).toEqual([]);
    expect(ctx.state.get("3")).toEqual({ state: "OFF" });
  });

  it("mqtt.include_device_information adds zigbee2mqtt's device object to device states, never cached", async () => {
    const { publisher, published, ctx } = world({}, { include_device_information: true });
    const zh = {
      networkAddress: 0x1234,
      type: "EndDevice",
      manufacturerName: "eWeLink\u0000junk",
      powerSource: "Battery",
    };
    const device = { ieee: "0x01", name: "sensor", options: {}, definition: { model: "SNZB-02" }, zh };
    await publisher.publish(device as never, { temperature: 21 });
    expect(JSON.parse(published.at(-1)!.payload)).toEqual({
      temperature: 21,
      device: {
        friendlyName: "sensor",
        model: "SNZB-02",
        ieeeAddr: "0x01",
        networkAddress: 0x1234,
        type: "EndDevice",
        powerSource: "Battery",
        manufacturerName: "eWeLink",
      },
    });
    expect(ctx.state.get("0x01")).toEqual({ temperature: 21 });
    // groups get none
    await publisher.publish({ id: 3, name: "g", options: {} } as never, { state: "ON" });
    expect(JSON.parse(published.at(-1)!.payload)).toEqual({ state: "ON" });
  });
});

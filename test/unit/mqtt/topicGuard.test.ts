import { describe, expect, it } from "vitest";
import { MqttPayloadTooLargeError, MqttTopicError } from "../../../lib/mqtt/mqttErrors.js";
import {
  assertPacketSize,
  assertPublishTopic,
  publishPacketSize,
  publishTopicProblem,
  topicFilterProblem,
} from "../../../lib/mqtt/topicGuard.js";
import { useMqttWorld } from "./mqttWorld.js";

const BAD_TOPICS: [string, string][] = [
  ["", "empty topic"],
  ["a/+/b", "wildcards (+, #) are not allowed in a publish topic"],
  ["a/#", "wildcards (+, #) are not allowed in a publish topic"],
  ["a\u0000b", "contains U+0000"],
  ["a/\uD800/b", "not valid UTF-8 (lone surrogate)"],
  ["a/\uDC00", "not valid UTF-8 (lone surrogate)"],
  ["x".repeat(65536), "longer than 65535 bytes (65536)"],
  ["é".repeat(32768), "longer than 65535 bytes (65536)"],
  // mosquitto closes the connection of a client that publishes these (MQTT-1.5.4-2 allows it)
  ["a\u0001b", "contains U+0001 (a control character or noncharacter)"],
  ["a/\u007f", "contains U+007F (a control character or noncharacter)"],
  ["lamp\u0085", "contains U+0085 (a control character or noncharacter)"],
  ["a\uFDD0", "contains U+FDD0 (a control character or noncharacter)"],
  ["a\uFFFF", "contains U+FFFF (a control character or noncharacter)"],
  ["a\u{10FFFE}", "contains U+10FFFE (a control character or noncharacter)"],
];

describe("topic guard", () => {
  it.each(BAD_TOPICS)("refuses %j", (topic, reason) => {
    expect(publishTopicProblem(topic)).toBe(reason);
    expect(() => assertPublishTopic(topic)).toThrow(MqttTopicError);
  });

  it("accepts ordinary and unusual-but-valid topics", () => {
    for (const topic of [
      "zigbee2mqtt/bulb",
      "a//b",
      "/leading",
      "ünïcödé/😀",
      "x".repeat(65535),
      "a b/$c",
      "a\u00a0b",
      "\u{1FFFD}",
    ]) {
      expect(publishTopicProblem(topic)).toBeUndefined();
    }
  });

  it("checks subscription filters: wildcards only as whole levels", () => {
    for (const ok of ["a/+/b", "a/#", "#", "+", "+/+/set"]) expect(topicFilterProblem(ok)).toBeUndefined();
    expect(topicFilterProblem("a/b#")).toBe("'#' must be the whole last level");
    expect(topicFilterProblem("a/#/b")).toBe("'#' must be the whole last level");
    expect(topicFilterProblem("a/b+")).toBe("'+' must be a whole level");
    expect(topicFilterProblem("")).toBe("empty topic");
  });

  it("computes PUBLISH packet sizes like the wire format", () => {
    expect(publishPacketSize("a", "", 0)).toBe(5); // 0x30, len 3, 0x00 0x01 'a'
    expect(publishPacketSize("a", "xyz", 1)).toBe(10);
    expect(publishPacketSize("t", Buffer.alloc(200), 0)).toBe(1 + 2 + 3 + 200);
  });

  describe("on a real broker", () => {
    const world = useMqttWorld();

    it("refuses bad topics with a typed error and nothing reaches the broker", async () => {
      const spy = await world.spy();
      await spy.subscribe("#", 0);
      const since = spy.mark();
      const bridge = world.bridge();
      await bridge.connect();
      for (const [topic] of BAD_TOPICS) {
        await expect(bridge.publish(topic, "bad")).rejects.toBeInstanceOf(MqttTopicError);
      }
      await expect(bridge.subscribe(["a/b#"])).rejects.toBeInstanceOf(MqttTopicError);
      await bridge.publish(`${world.base}/marker`, "good");
      await spy.waitForMessage(`${world.base}/marker`, { since });
      expect(spy.received((m) => m.payload === "bad", since)).toEqual([]);
      expect(bridge.stats.published).toBe(1);
      expect(bridge.connected).toBe(true);
    });

    it("maximum_packet_size limits what it receives, not what it sends (bridge/devices of a big network)", async () => {
      const bridge = world.bridge({ maximum_packet_size: 100 });
      await bridge.connect();
      const spy = await world.spy();
      const topic = `${world.base}/big`;
      await spy.subscribe(topic);
      const since = spy.mark();
      await bridge.publish(topic, "x".repeat(5000));
      const got = await spy.waitForMessage(topic, { since });
      expect(got.payload.length).toBe(5000);
      expect(() => assertPacketSize(topic, "x".repeat(100), 0, 100)).toThrow(MqttPayloadTooLargeError);
      expect(publishPacketSize(topic, "x", 0)).toBeGreaterThan(1);
    });
  });
});

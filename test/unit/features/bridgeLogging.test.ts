import { describe, expect, it } from "vitest";
import { BridgeLogging } from "../../../lib/features/bridge/bridgeLogging.js";
import type { BridgeContext } from "../../../lib/features/context.js";
import { createLogger } from "../../../lib/util/logger.js";

/** A real logger (no outputs) feeding BridgeLogging; the MQTT side records what is published. */
function world(debugToFrontend = false) {
  const logger = createLogger({ level: "debug", output: [] });
  const published: Array<{ topic: string; payload: string; retain?: boolean; qos?: number }> = [];
  const ctx = {
    logger,
    settings: { get: () => ({ advanced: { log_debug_to_mqtt_frontend: debugToFrontend } }) },
    mqtt: {
      publish: async (topic: string, payload: string, o: { retain?: boolean; qos?: number }) => {
        published.push({ topic, payload, ...o });
        // as the real MQTT client does for other topics: a publish that logs must not come back here
        logger.info(`MQTT publish: topic '${topic}', payload '${payload}'`, "z2m:mqtt");
      },
    },
  } as unknown as BridgeContext;
  const feature = new BridgeLogging(ctx, (l) => logger.onLog(l));
  return { logger, feature, published, payloads: () => published.map((p) => JSON.parse(p.payload)) };
}

describe("BridgeLogging", () => {
  it("publishes zigbee2mqtt's shape: level and '<namespace>: <text>', no namespace field, not retained, QoS 0", () => {
    const { logger, feature, published } = world();
    feature.start();
    logger.info("Device 'lamp' joined");
    logger.error("Request failed", "z2m:bridge");
    logger.warning("Reading 'x' failed", "zh:controller");
    expect(published).toEqual([
      {
        topic: "bridge/logging",
        payload: `{"level":"info","message":"z2m: Device 'lamp' joined"}`,
        retain: false,
        qos: 0,
      },
      {
        topic: "bridge/logging",
        payload: `{"level":"error","message":"z2m:bridge: Request failed"}`,
        retain: false,
        qos: 0,
      },
      {
        topic: "bridge/logging",
        payload: `{"level":"warning","message":"zh:controller: Reading 'x' failed"}`,
        retain: false,
        qos: 0,
      },
    ]);
  });

  it("escapes the text as JSON", () => {
    const { logger, feature, payloads } = world();
    feature.start();
    logger.info(`MQTT publish: topic 'z/lamp', payload '{"state":"ON"}'`, "z2m:mqtt");
    expect(payloads()).toEqual([
      { level: "info", message: `z2m:mqtt: MQTT publish: topic 'z/lamp', payload '{"state":"ON"}'` },
    ]);
  });

  it("drops a line identical to the one published just before, as zigbee2mqtt does; a repeat later is published", () => {
    const { logger, feature, payloads } = world();
    feature.start();
    logger.info("same");
    logger.info("same");
    logger.warning("same"); // another level: another line
    logger.info("other");
    logger.info("same");
    expect(payloads().map((p) => `${p.level} ${p.message}`)).toEqual([
      "info z2m: same",
      "warning z2m: same",
      "info z2m: other",
      "info z2m: same",
    ]);
  });

  it("publishes debug lines only with advanced.log_debug_to_mqtt_frontend", () => {
    const off = world(false);
    off.feature.start();
    off.logger.debug("detail");
    off.logger.info("fact");
    expect(off.payloads().map((p) => p.message)).toEqual(["z2m: fact"]);

    const on = world(true);
    on.feature.start();
    on.logger.debug("detail");
    expect(on.payloads()).toEqual([{ level: "debug", message: "z2m: detail" }]);
  });

  it("publishes nothing before start and after stop", () => {
    const { logger, feature, published } = world();
    logger.info("before");
    feature.start();
    logger.info("during");
    feature.stop();
    logger.info("after");
    expect(published.map((p) => p.payload)).toEqual([`{"level":"info","message":"z2m: during"}`]);
  });
});

import type { LogEntry } from "../../util/logger.js";
import type { BridgeContext, Feature } from "../context.js";

/** Subscribes to the logger's written lines (see BridgeLogger.onLog); returns unsubscribe. */
export type LogSource = (listener: (entry: LogEntry) => void) => () => void;

/**
 * `bridge/logging`: every written log line, as zigbee2mqtt 2.x publishes it (observed with the compat oracle):
 * `{"level":"info","message":"<namespace>: <text>"}`, not retained, QoS 0. Debug lines only with
 * `advanced.log_debug_to_mqtt_frontend`. A line identical (level and text) to the one published just before is not
 * published again, as zigbee2mqtt does (a state published twice in a row is told once).
 *
 * Started once the bridge's MQTT and Zigbee sides are up, before the features start (so the availability and cached
 * states republished at start are told, as zigbee2mqtt tells them), and stopped first: the connection chatter before
 * and the shut-down after stay off MQTT, as with zigbee2mqtt. The logger does not hand a listener's own log lines back to it, and the MQTT client does not
 * log publishes to bridge/logging, so this cannot loop.
 */
export class BridgeLogging implements Feature {
  private unsubscribe: (() => void) | undefined;
  private last = "";

  constructor(
    private readonly ctx: BridgeContext,
    private readonly source: LogSource,
  ) {}

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.source((entry) => this.publish(entry));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private publish(entry: LogEntry): void {
    if (entry.level === "debug" && this.ctx.settings.get().advanced.log_debug_to_mqtt_frontend !== true) return;
    const payload = bridgeLoggingPayload(entry);
    if (payload === this.last) return;
    this.last = payload;
    void this.ctx.mqtt.publish("bridge/logging", payload, { retain: false, qos: 0 }).catch(() => {});
  }
}

/** `{"level":"info","message":"z2m:mqtt: text"}` (the namespace leads the text, as zigbee2mqtt writes it). */
export function bridgeLoggingPayload(entry: LogEntry): string {
  return `{"level":"${entry.level}","message":${JSON.stringify(`${entry.namespace}: ${entry.message}`)}}`;
}

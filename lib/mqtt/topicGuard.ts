/**
 * Topic and payload checks applied before anything is handed to the MQTT library: a refused topic throws a typed
 * error and is never sent. Rules from MQTT 3.1.1 §4.7 / MQTT 5 §4.7 (UTF-8 strings, §1.5.3 / §1.5.4).
 */
import { MqttPayloadTooLargeError, MqttTopicError } from "./mqttErrors.js";

/** Longest topic an MQTT UTF-8 string can hold. */
export const MAX_TOPIC_BYTES = 65535;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/**
 * Control characters and noncharacters: MQTT says a topic SHOULD NOT contain them and a server MAY close the
 * connection when one does (§1.5.4, MQTT-1.5.4-2); mosquitto does. One such publish would cost us the session.
 */
const NONCHARACTER_PAIRS = Array.from({ length: 17 }, (_, plane) => plane * 0x10000 + 0xfffe)
  .map((c) => `\\u{${c.toString(16)}}\\u{${(c + 1).toString(16)}}`)
  .join("");
const DISALLOWED_CODE_POINT = new RegExp(
  `[\\u{1}-\\u{1f}\\u{7f}-\\u{9f}\\u{fdd0}-\\u{fdef}${NONCHARACTER_PAIRS}]`,
  "u",
);

/** Why `topic` cannot be a UTF-8 MQTT string, or undefined if it can. */
function stringProblem(topic: string): string | undefined {
  if (topic.length === 0) return "empty topic";
  if (topic.includes("\u0000")) return "contains U+0000";
  if (LONE_SURROGATE.test(topic)) return "not valid UTF-8 (lone surrogate)";
  const bad = DISALLOWED_CODE_POINT.exec(topic);
  if (bad)
    return `contains U+${bad[0].codePointAt(0)?.toString(16).toUpperCase().padStart(4, "0")} (a control character or noncharacter)`;
  const bytes = Buffer.byteLength(topic, "utf8");
  if (bytes > MAX_TOPIC_BYTES) return `longer than ${MAX_TOPIC_BYTES} bytes (${bytes})`;
  return undefined;
}

/** Why `topic` cannot be published to, or undefined when it is fine. */
export function publishTopicProblem(topic: string): string | undefined {
  if (typeof topic !== "string") return "not a string";
  const problem = stringProblem(topic);
  if (problem) return problem;
  if (topic.includes("+") || topic.includes("#")) return "wildcards (+, #) are not allowed in a publish topic";
  return undefined;
}

/** Throws MqttTopicError unless `topic` is a valid publish topic. */
export function assertPublishTopic(topic: string): void {
  const problem = publishTopicProblem(topic);
  if (problem) throw new MqttTopicError(String(topic), problem);
}

/** Why `filter` cannot be subscribed to, or undefined when it is fine (`+` and `#` only as whole levels). */
export function topicFilterProblem(filter: string): string | undefined {
  if (typeof filter !== "string") return "not a string";
  const problem = stringProblem(filter);
  if (problem) return problem;
  const levels = filter.split("/");
  for (const [i, level] of levels.entries()) {
    if (level.includes("#") && (level !== "#" || i !== levels.length - 1)) return "'#' must be the whole last level";
    if (level.includes("+") && level !== "+") return "'+' must be a whole level";
  }
  return undefined;
}

/** Throws MqttTopicError unless `filter` is a valid subscription filter. */
export function assertTopicFilter(filter: string): void {
  const problem = topicFilterProblem(filter);
  if (problem) throw new MqttTopicError(String(filter), problem);
}

/**
 * Size of the PUBLISH packet on the wire, without properties: fixed header (1 byte + remaining-length varint),
 * topic length prefix and topic, packet id when QoS > 0, payload.
 */
export function publishPacketSize(topic: string, payload: string | Buffer, qos: 0 | 1 | 2): number {
  const remaining =
    2 +
    Buffer.byteLength(topic, "utf8") +
    (qos > 0 ? 2 : 0) +
    (typeof payload === "string" ? Buffer.byteLength(payload, "utf8") : payload.length);
  const varint = remaining < 128 ? 1 : remaining < 16384 ? 2 : remaining < 2097152 ? 3 : 4;
  return 1 + varint + remaining;
}

/** Throws MqttPayloadTooLargeError when the packet would exceed `maximum` bytes (no limit when undefined). */
export function assertPacketSize(topic: string, payload: string | Buffer, qos: 0 | 1 | 2, maximum?: number): void {
  if (maximum === undefined) return;
  const size = publishPacketSize(topic, payload, qos);
  if (size > maximum) throw new MqttPayloadTooLargeError(topic, size, maximum);
}

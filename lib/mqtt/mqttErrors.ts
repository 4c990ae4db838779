/**
 * Typed errors of the MQTT adapter. Callers branch on `code`, never on the message text.
 */
export type MqttErrorCode =
  | "MQTT_INVALID_TOPIC"
  | "MQTT_PAYLOAD_TOO_LARGE"
  | "MQTT_UNAVAILABLE"
  | "MQTT_CONNECT_FAILED"
  | "MQTT_SUBSCRIBE_FAILED"
  | "MQTT_BROKER_FAILED";

export class MqttError extends Error {
  constructor(
    readonly code: MqttErrorCode,
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A topic (or subscription filter) that must never reach the broker. */
export class MqttTopicError extends MqttError {
  constructor(
    readonly topic: string,
    readonly reason: string,
  ) {
    super("MQTT_INVALID_TOPIC", `Refusing MQTT topic ${JSON.stringify(topic.slice(0, 200))}: ${reason}`, { reason });
  }
}

export class MqttPayloadTooLargeError extends MqttError {
  constructor(topic: string, size: number, maximum: number) {
    super("MQTT_PAYLOAD_TOO_LARGE", `Refusing MQTT publish to '${topic}': packet of ${size} bytes exceeds ${maximum}`, {
      topic,
      size,
      maximum,
    });
  }
}

/** Not connected to the broker (the publish was not sent). */
export class MqttUnavailableError extends MqttError {
  constructor(topic: string) {
    super("MQTT_UNAVAILABLE", `Not connected to the MQTT server: dropped publish to '${topic}'`, { topic });
  }
}

export class MqttConnectError extends MqttError {
  constructor(server: string, reason: string, cause?: unknown) {
    super("MQTT_CONNECT_FAILED", `MQTT connect to ${server} failed: ${reason}`, { server, reason });
    if (cause !== undefined) this.cause = cause;
  }
}

import type { JsonSchema } from "./jsonSchema.js";

/** Marks a setting whose change only takes effect after a restart (read by `restartRequired`). */
export const RR = { requiresRestart: true } as const;

export const mqttSchema: JsonSchema = {
  type: "object",
  title: "MQTT",
  required: ["server"],
  properties: {
    base_topic: {
      type: "string",
      title: "Base topic",
      default: "zigbee2mqtt",
      description: "Prefix of every topic the bridge publishes and subscribes to",
      ...RR,
    },
    server: {
      type: "string",
      title: "MQTT server",
      description:
        "MQTT broker URL, e.g. mqtt://localhost:1883 or mqtts://broker:8883. Supports !secret. " +
        "With embedded_broker (zigmqtt), a local URL may be served by the bridge itself.",
      examples: ["mqtt://localhost:1883"],
      ...RR,
    },
    embedded_broker: {
      oneOf: [{ type: "boolean" }, { type: "string", enum: ["auto"] }],
      title: "Embedded broker (zigmqtt)",
      default: "auto",
      description:
        'zigmqtt addition. "auto": start an in-process broker when mqtt.server points at this machine and nothing ' +
        "listens there; true: always start it (on the port of mqtt.server); false: never.",
      ...RR,
    },
    user: { type: "string", title: "User", description: "Broker user name. Supports !secret.", ...RR },
    password: { type: "string", title: "Password", description: "Broker password. Supports !secret.", ...RR },
    client_id: { type: "string", title: "Client ID", ...RR },
    keepalive: { type: "number", title: "Keepalive", default: 60, description: "Seconds", ...RR },
    ca: { type: "string", title: "CA certificate", description: "Path to a PEM file", ...RR },
    key: { type: "string", title: "Client key", description: "Path to a PEM file", ...RR },
    cert: { type: "string", title: "Client certificate", description: "Path to a PEM file", ...RR },
    reject_unauthorized: {
      type: "boolean",
      title: "Reject unauthorized",
      default: true,
      description: "Reject TLS certificates that do not verify",
      ...RR,
    },
    server_name: { type: "string", title: "TLS server name (SNI)", ...RR },
    version: {
      type: ["number", "null"],
      enum: [3, 4, 5, null],
      title: "MQTT protocol version",
      default: 4,
      ...RR,
    },
    include_device_information: {
      type: "boolean",
      title: "Include device information",
      default: false,
      description: "Add a `device` object to every entity state payload",
    },
    force_disable_retain: {
      type: "boolean",
      title: "Force disable retain",
      default: false,
      description: "Never publish retained messages (for brokers without retain support)",
      ...RR,
    },
    queued_command_max_age: {
      type: "integer",
      title: "Queued command max age (zigmqtt)",
      default: 60,
      minimum: 0,
      maximum: 4294967295,
      description:
        "zigmqtt addition. Seconds. A QoS 1 command published while the bridge was away (stopped, crashed or cut off " +
        "from the broker) is carried out when it comes back only if it was away for at most this long; after a " +
        "longer absence the bridge starts a clean MQTT session and those commands are dropped (logged). It is also " +
        "the MQTT 5 session expiry. 0: a clean session at every connect, as zigbee2mqtt.",
      ...RR,
    },
    maximum_packet_size: {
      type: "number",
      title: "Maximum packet size",
      default: 1048576,
      minimum: 20,
      maximum: 268435456,
      ...RR,
    },
  },
};

export const adapterTypes = ["deconz", "zstack", "zigate", "ezsp", "ember", "zboss", "zoh"] as const;

export const serialSchema: JsonSchema = {
  type: "object",
  title: "Serial",
  properties: {
    port: {
      type: ["string", "null"],
      title: "Port",
      description:
        "Adapter location: a device path (/dev/serial/by-id/…), tcp://host:port or mdns://…; unset to auto-detect. " +
        "zigmqtt addition: virtual://<scenario> runs the built-in virtual coordinator " +
        "(virtual://demo, virtual://scale:100, virtual:///abs/path/scenario.yaml).",
      examples: ["/dev/ttyACM0", "tcp://192.168.1.20:6638", "virtual://demo"],
      ...RR,
    },
    adapter: {
      type: "string",
      enum: [...adapterTypes],
      title: "Adapter type",
      description: "Zigbee stack of the adapter; unset to auto-detect",
      ...RR,
    },
    baudrate: { type: "number", title: "Baud rate", examples: [115200], ...RR },
    rtscts: { type: "boolean", title: "RTS/CTS hardware flow control", ...RR },
    disable_led: { type: "boolean", title: "Disable LED", default: false, ...RR },
  },
};

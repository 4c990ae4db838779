import type { JsonSchema } from "./jsonSchema.js";
import { RR } from "./schemaConnection.js";

export const logLevels = ["error", "warning", "info", "debug"] as const;

const byteArray = (length: number): JsonSchema => ({
  type: "array",
  items: { type: "integer", minimum: 0, maximum: 255 },
  minItems: length,
  maxItems: length,
});

export const advancedSchema: JsonSchema = {
  type: "object",
  title: "Advanced",
  properties: {
    log_output: {
      type: "array",
      items: { type: "string", enum: ["console", "file", "syslog"] },
      title: "Log output",
      description: "console and/or file (syslog is not supported yet and is refused)",
      default: ["console", "file"],
      ...RR,
    },
    log_directory: {
      type: "string",
      title: "Log directory",
      description: "%TIMESTAMP% is replaced by the start time; default <data>/log/%TIMESTAMP%",
      ...RR,
    },
    log_file: { type: "string", title: "Log file", default: "log.log", ...RR },
    log_rotation: { type: "boolean", title: "Log rotation", default: true, ...RR },
    log_directories_to_keep: {
      type: "number",
      title: "Log directories to keep",
      default: 10,
      minimum: 5,
      maximum: 1000,
      ...RR,
    },
    log_symlink_current: {
      type: "boolean",
      title: "Symlink 'current' to the log directory",
      description: "Not supported yet: true is refused",
      default: false,
      ...RR,
    },
    log_level: { type: "string", enum: [...logLevels], title: "Log level", default: "info" },
    log_namespaced_levels: {
      type: "object",
      title: "Log levels per namespace",
      additionalProperties: { type: "string", enum: [...logLevels] },
      default: {},
      examples: [{ "zh:ember": "debug" }],
    },
    log_debug_namespace_ignore: {
      type: "string",
      title: "Ignore debug namespaces",
      description: "Regular expression of namespaces whose debug messages are dropped",
      default: "",
    },
    log_console_json: { type: "boolean", title: "JSON console log", default: false, ...RR },
    log_syslog: {
      type: "object",
      title: "syslog",
      properties: {
        host: { type: "string" },
        port: { type: "number" },
        protocol: { type: "string" },
        path: { type: "string" },
        pid: { type: "string" },
        localhost: { type: "string" },
        type: { type: "string" },
        app_name: { type: "string" },
        eol: { type: "string" },
      },
      default: {},
      ...RR,
    },
    log_debug_to_mqtt_frontend: {
      type: "boolean",
      title: "Debug log to MQTT and frontend",
      default: false,
      ...RR,
    },
    timestamp_format: { type: "string", title: "Log timestamp format", default: "YYYY-MM-DD HH:mm:ss", ...RR },
    pan_id: {
      oneOf: [
        { type: "number", minimum: 0, maximum: 0xfffe },
        { type: "string", const: "GENERATE" },
      ],
      title: "PAN ID",
      description: "Zigbee network PAN ID; GENERATE picks a random one on first start and writes it back",
      default: 0x1a62,
      ...RR,
    },
    ext_pan_id: {
      oneOf: [byteArray(8), { type: "string", const: "GENERATE" }],
      title: "Extended PAN ID",
      description: "8 bytes; GENERATE picks random ones on first start and writes them back",
      default: [0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd],
      ...RR,
    },
    network_key: {
      oneOf: [byteArray(16), { type: "string", const: "GENERATE" }],
      title: "Network key",
      description:
        "16 bytes (0–255); GENERATE makes a random key on first start and writes it back. Supports !secret. " +
        "Changing it on a running network makes every device rejoin.",
      default: [1, 3, 5, 7, 9, 11, 13, 15, 0, 2, 4, 6, 8, 10, 12, 13],
      ...RR,
    },
    channel: {
      type: "number",
      minimum: 11,
      maximum: 26,
      title: "Zigbee channel",
      description: "11–26; 15, 20 and 25 overlap least with Wi-Fi",
      default: 11,
      ...RR,
    },
    adapter_concurrent: {
      type: ["number", "null"],
      minimum: 1,
      maximum: 64,
      title: "Adapter concurrency",
      description: "Requests in flight to the adapter at once",
      ...RR,
    },
    adapter_delay: {
      type: ["number", "null"],
      minimum: 0,
      maximum: 1000,
      title: "Adapter delay",
      description: "Milliseconds between requests to the adapter",
      ...RR,
    },
    transmit_power: {
      type: ["number", "null"],
      minimum: -128,
      maximum: 127,
      title: "Transmit power (dBm)",
      ...RR,
    },
    cache_state: { type: "boolean", title: "Cache state", default: true },
    cache_state_persistent: { type: "boolean", title: "Persist state cache", default: true },
    cache_state_send_on_startup: { type: "boolean", title: "Publish cached state on startup", default: true },
    last_seen: {
      type: "string",
      enum: ["disable", "ISO_8601", "ISO_8601_local", "epoch"],
      title: "last_seen",
      description: "Add a last_seen timestamp to device state payloads",
      default: "disable",
    },
    elapsed: { type: "boolean", title: "elapsed", description: "Add ms since the previous message", default: false },
    output: {
      type: "string",
      enum: ["json", "attribute", "attribute_and_json"],
      title: "MQTT output type",
      default: "json",
    },
    enable_external_js: {
      type: "boolean",
      title: "Enable external converters and extensions",
      default: true,
      ...RR,
    },
  },
};

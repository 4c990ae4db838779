import type { JsonSchema } from "./jsonSchema.js";
import { RR } from "./schemaConnection.js";

export const homeassistantSchema: JsonSchema = {
  type: "object",
  required: [],
  title: "Home Assistant integration",
  properties: {
    enabled: { type: "boolean", title: "Enabled", description: "Publish MQTT discovery", default: false, ...RR },
    discovery_topic: { type: "string", title: "Discovery topic", default: "homeassistant", ...RR },
    status_topic: { type: "string", title: "Status topic", default: "homeassistant/status", ...RR },
    legacy_action_sensor: {
      type: "boolean",
      title: "Legacy action sensor",
      description: "Also expose the action as a sensor entity",
      default: false,
    },
    experimental_event_entities: {
      type: "boolean",
      title: "Event entities (experimental)",
      default: false,
    },
  },
};

const activeAvailabilityProperties: Record<string, JsonSchema> = {
  timeout: { type: "number", minimum: 1, title: "Timeout (minutes)", default: 10, ...RR },
  max_jitter: { type: "number", minimum: 1000, title: "Maximum jitter (ms)", default: 30000 },
  backoff: { type: "boolean", title: "Back off", default: true },
  pause_on_backoff_gt: { type: "number", minimum: 0, title: "Pause when backoff exceeds", default: 0 },
};

export const availabilitySchema: JsonSchema = {
  type: "object",
  required: [],
  title: "Availability",
  properties: {
    enabled: { type: "boolean", title: "Enabled", default: false, ...RR },
    active: {
      type: "object",
      title: "Active (mains-powered) devices",
      properties: activeAvailabilityProperties,
    },
    passive: {
      type: "object",
      title: "Passive (battery) devices",
      properties: { timeout: { type: "number", minimum: 1, title: "Timeout (minutes)", default: 1500, ...RR } },
    },
  },
};

/** Per-device `availability`: a switch or the active-availability knobs (taking effect at once, no restart). */
export const deviceAvailabilitySchema: JsonSchema = {
  oneOf: [
    { type: "boolean" },
    {
      type: "object",
      properties: Object.fromEntries(
        Object.entries(activeAvailabilityProperties).map(
          ([k, { default: _omit, minimum, requiresRestart: _now, ...rest }]) => [
            k,
            // zigbee2mqtt does not bound a device's own timeout (its device options are free-form): 0.1 min is valid
            k === "timeout" ? { ...rest, exclusiveMinimum: 0 } : { ...rest, minimum },
          ],
        ),
      ),
    },
  ],
  title: "Availability",
};

export const frontendSchema: JsonSchema = {
  type: "object",
  required: [],
  title: "Frontend",
  properties: {
    enabled: { type: "boolean", title: "Enabled", default: false, ...RR },
    package: {
      type: "string",
      enum: ["zigbee2mqtt-windfront", "zigbee2mqtt-frontend"],
      title: "Frontend package",
      default: "zigbee2mqtt-windfront",
      ...RR,
    },
    port: { type: "number", title: "Port", default: 8080, ...RR },
    host: {
      type: ["string", "null"],
      title: "Bind host",
      description: "An IP address, or a unix socket path starting with /",
      ...RR,
    },
    base_url: { type: "string", pattern: "^\\/.*", title: "Base URL", default: "/", ...RR },
    auth_token: { type: ["string", "null"], title: "Auth token", description: "Supports !secret.", ...RR },
    url: { type: ["string", "null"], title: "External URL", ...RR },
    ssl_cert: { type: ["string", "null"], title: "TLS certificate file", ...RR },
    ssl_key: { type: ["string", "null"], title: "TLS key file", ...RR },
    notification_filter: { type: "array", items: { type: "string" }, title: "Notification filter (regexes)" },
    disable_ui_serving: { type: ["boolean", "null"], title: "Serve only the WebSocket API", ...RR },
  },
};

export const otaSchema: JsonSchema = {
  type: "object",
  title: "OTA updates",
  description: "Firmware updates over the air (zigbee2mqtt's settings, plus the update queue)",
  properties: {
    update_check_interval: {
      type: "number",
      minimum: 1,
      title: "Update check interval (minutes)",
      description: "At most one check per device in this time when the device asks for an image",
      default: 1440,
    },
    disable_automatic_update_check: { type: "boolean", title: "Disable automatic update check", default: false },
    zigbee_ota_override_index_location: {
      type: ["string", "null"],
      title: "Override index",
      description: "A local file (relative: the data directory) or URL with extra OTA images",
      ...RR,
    },
    image_block_request_timeout: {
      type: "number",
      minimum: 10000,
      maximum: 2147483647,
      title: "Block request timeout (ms)",
      default: 150000,
    },
    image_block_response_delay: {
      type: "number",
      minimum: 50,
      title: "Block response delay (ms)",
      default: 250,
    },
    default_maximum_data_size: {
      type: "number",
      minimum: 10,
      maximum: 100,
      title: "Default maximum data size (bytes)",
      default: 50,
    },
    queue_concurrency: {
      type: "number",
      minimum: 1,
      maximum: 16,
      title: "Updates at once",
      description: "How many queued updates run at the same time (routers first, then sleepy devices)",
      default: 1,
    },
    battery_threshold: {
      type: "number",
      minimum: 0,
      maximum: 100,
      title: "Battery threshold (%)",
      description: "A battery device below this charge is not updated (0: no threshold)",
      default: 20,
    },
  },
};

export const healthSchema: JsonSchema = {
  type: "object",
  required: [],
  title: "Health",
  properties: {
    interval: { type: "number", minimum: 1, title: "Interval (minutes)", default: 10, ...RR },
    reset_on_check: { type: "boolean", title: "Reset counters on each check", default: false },
  },
};

/** Colours by key, with zigbee2mqtt's defaults. */
const colors = (defaults: Record<string, string>): JsonSchema => ({
  type: "object",
  properties: Object.fromEntries(Object.entries(defaults).map(([k, d]) => [k, { type: "string", default: d }])),
});

export const mapOptionsSchema: JsonSchema = {
  type: "object",
  title: "Network map",
  properties: {
    graphviz: {
      type: "object",
      properties: {
        colors: {
          type: "object",
          properties: {
            fill: colors({ enddevice: "#fff8ce", coordinator: "#e04e5d", router: "#4ea3e0" }),
            font: colors({ enddevice: "#000000", coordinator: "#ffffff", router: "#ffffff" }),
            line: colors({ active: "#009900", inactive: "#994444" }),
          },
        },
      },
    },
  },
};

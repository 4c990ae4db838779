import type { JsonSchema } from "./jsonSchema.js";
import { RR } from "./schemaConnection.js";
import { deviceAvailabilitySchema } from "./schemaFeatures.js";

export const IEEE_KEY_PATTERN = "^0x[0-9a-fA-F]{16}$";
export const GROUP_KEY_PATTERN = "^[0-9]+$";
export const IEEE_ADDRESS = new RegExp(IEEE_KEY_PATTERN);

const regexList = (title: string, description: string): JsonSchema => ({
  type: "array",
  items: { type: "string" },
  title,
  description,
});

/** `homeassistant` of a device or group: its name in Home Assistant, and per-entity discovery overrides. */
const homeassistantOverrides = (kind: string): JsonSchema => ({
  type: ["object", "null"],
  title: "Home Assistant overrides",
  description: "Per-entity discovery overrides keyed by object_id; null hides the entity from discovery",
  properties: {
    name: { type: ["string", "null"], title: "Home Assistant name", description: `The ${kind}'s name there` },
  },
});

/** Keys devices and groups share. Extra keys are converter options and stay unconstrained. */
const entityProperties: Record<string, JsonSchema> = {
  friendly_name: {
    type: "string",
    title: "Friendly name",
    description: "Name used in MQTT topics; may contain / to nest topics",
  },
  description: { type: "string", title: "Description" },
  retain: { type: "boolean", title: "Retain", description: "Publish state messages retained", default: false },
  retention: {
    type: "number",
    title: "Retention (seconds)",
    description: "Message expiry for retained state; needs mqtt.version 5",
  },
  qos: { type: ["number"], enum: [0, 1, 2], title: "QoS" },
  optimistic: {
    type: "boolean",
    title: "Optimistic",
    description: "Publish the expected state after a successful /set",
    default: true,
  },
  filtered_attributes: regexList("Filtered attributes", "Regexes of attributes never published"),
};

export const deviceSchema: JsonSchema = {
  type: "object",
  title: "Device",
  required: ["friendly_name"],
  properties: {
    ...entityProperties,
    // renamed with bridge/request/device/rename only
    friendly_name: { ...entityProperties.friendly_name, readOnly: true },
    homeassistant: homeassistantOverrides("device"),
    disabled: { type: "boolean", title: "Disabled", description: "Ignore the device entirely", ...RR },
    debounce: {
      type: "number",
      title: "Debounce (seconds)",
      description: "Merge the messages of a burst: publish once, this long after the last one",
      ...RR,
    },
    debounce_ignore: {
      type: "array",
      items: { type: "string" },
      title: "Debounce ignore",
      description:
        "Properties whose distinct values are never merged away: a new value publishes the pending message first",
      examples: [["action"]],
    },
    throttle: {
      type: "number",
      title: "Throttle (seconds)",
      description:
        "The minimum time between published messages; messages within it are dropped except the latest, " +
        "published when it ends",
      ...RR,
    },
    filtered_cache: regexList("Filtered cache", "Regexes of attributes never cached"),
    filtered_optimistic: regexList("Filtered optimistic", "Regexes of attributes left out of optimistic state"),
    icon: {
      type: "string",
      title: "Icon",
      description: "http(s):// URL or device_icons/<file>",
    },
    availability: deviceAvailabilitySchema,
    disable_automatic_update_check: { type: "boolean", title: "Disable automatic OTA update check", default: false },
  },
};

export const groupSchema: JsonSchema = {
  type: "object",
  title: "Group",
  required: ["friendly_name"],
  properties: {
    ...entityProperties,
    homeassistant: homeassistantOverrides("group"),
    off_state: {
      type: ["string"],
      enum: ["all_members_off", "last_member_state"],
      title: "Off state",
      description: "When the group reports OFF",
      default: "all_members_off",
      ...RR,
    },
  },
};

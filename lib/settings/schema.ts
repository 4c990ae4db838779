import type { JsonSchema } from "./jsonSchema.js";
import { advancedSchema } from "./schemaAdvanced.js";
import { mqttSchema, RR, serialSchema } from "./schemaConnection.js";
import { deviceSchema, GROUP_KEY_PATTERN, groupSchema, IEEE_KEY_PATTERN } from "./schemaEntities.js";
import {
  availabilitySchema,
  frontendSchema,
  healthSchema,
  homeassistantSchema,
  mapOptionsSchema,
  otaSchema,
} from "./schemaFeatures.js";

const ieeeList = (title: string, description: string): JsonSchema => ({
  type: "array",
  items: { type: "string" },
  title,
  description,
  default: [],
  ...RR,
});

/**
 * JSON schema (draft-07, ajv 8) of `configuration.yaml` version 5, compatible with zigbee2mqtt's. `version` is not
 * part of it. `requiresRestart: true` marks settings that take effect only after a restart. Shipped as
 * `bridge/info.config_schema`, so it carries titles and descriptions for settings forms.
 */
export const settingsSchema: JsonSchema = {
  type: "object",
  required: ["mqtt"],
  properties: {
    homeassistant: homeassistantSchema,
    availability: availabilitySchema,
    mqtt: mqttSchema,
    serial: serialSchema,
    passlist: ieeeList("Passlist", "Only these devices may join; every other device is removed"),
    blocklist: ieeeList("Blocklist", "These devices are removed and rejected when they join"),
    map_options: mapOptionsSchema,
    ota: otaSchema,
    frontend: frontendSchema,
    devices: {
      type: "object",
      title: "Devices",
      description: "Keyed by IEEE address (0x + 16 hex digits)",
      patternProperties: { [IEEE_KEY_PATTERN]: { $ref: "#/definitions/device" } },
      additionalProperties: false,
      default: {},
    },
    groups: {
      type: "object",
      title: "Groups",
      description: "Keyed by group ID",
      patternProperties: { [GROUP_KEY_PATTERN]: { $ref: "#/definitions/group" } },
      additionalProperties: false,
      default: {},
    },
    device_options: {
      type: "object",
      title: "Options for every device",
      description: "Merged under each device's own options",
      default: {},
    },
    advanced: advancedSchema,
    health: healthSchema,
  },
  definitions: { device: deviceSchema, group: groupSchema },
};

/** Settings whose value may be a `!secret <key>` reference into `secret.yaml`. */
export const SECRET_CAPABLE_PATHS: readonly (readonly string[])[] = [
  ["mqtt", "server"],
  ["mqtt", "user"],
  ["mqtt", "password"],
  ["advanced", "network_key"],
  ["frontend", "auth_token"],
];

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SettingsError, SettingsStore, validateFriendlyName } from "../../../lib/settings/settingsStore.js";
import { BASIC, dataDir, problems } from "./dataDir.js";

const MIN = "version: 5\nmqtt:\n  server: mqtt://localhost\n";

describe("invalid settings", () => {
  it("malformed YAML: one line with file, line:column and what is wrong", () => {
    const dir = dataDir({ "configuration.yaml": `${MIN}serial:\n  port: /dev/ttyACM0\n   adapter: zstack\n` });
    const error = (() => {
      try {
        SettingsStore.load(dir, {});
      } catch (e) {
        return e as SettingsError;
      }
    })();
    expect(error).toBeInstanceOf(SettingsError);
    expect(error?.problems).toHaveLength(1);
    expect(error?.problems).toEqual([
      `${join(dir, "configuration.yaml")}:5:9: Nested mappings are not allowed in compact mappings`,
    ]);
    expect(error?.message).not.toContain("\n");
  });

  it("a device's own availability timeout may be a fraction of a minute (zigbee2mqtt does not bound it)", () => {
    const config = `${MIN}devices:\n  '0x00124b0001020304':\n    friendly_name: a\n    availability:\n      timeout: 0.1\n`;
    expect(() => problems(config)).toThrow("the configuration loaded");
  });

  it.each([
    [
      "an unknown adapter",
      `${MIN}serial:\n  adapter: foo\n`,
      'serial.adapter: must be one of deconz, zstack, zigate, ezsp, ember, zboss, zoh (got "foo")',
    ],
    ["channel 30", `${MIN}advanced:\n  channel: 30\n`, "advanced.channel: must be <= 26 (got 30)"],
    ["a wrong type", `${MIN}  keepalive: sixty\n`, 'mqtt.keepalive: must be a number (got "sixty")'],
    ["no server", "version: 5\nmqtt:\n  base_topic: z\n", "mqtt.server: is required"],
    ["no mqtt section", "version: 5\n", "mqtt.server: is required"],
    [
      "a short network key",
      `${MIN}advanced:\n  network_key: [1, 2, 3]\n`,
      'advanced.network_key: must be a list of 16 integers 0–255 or "GENERATE" (got [1,2,3])',
    ],
    [
      "a byte out of range",
      `${MIN}advanced:\n  network_key: [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,256]\n`,
      'advanced.network_key: must be a list of 16 integers 0–255 or "GENERATE" (got [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,256])',
    ],
    [
      "a pan_id string",
      `${MIN}advanced:\n  pan_id: random\n`,
      'advanced.pan_id: must be a number 0–65534 or "GENERATE" (got "random")',
    ],
    ["an MQTT version", `${MIN}  version: 6\n`, "mqtt.version: must be one of 3, 4, 5, null (got 6)"],
    ["a section that is not a mapping", `${MIN}homeassistant: [1]\n`, "homeassistant: must be a mapping (got [1])"],
    [
      "a bad device key",
      `${MIN}devices:\n  lamp:\n    friendly_name: lamp\n`,
      "devices.lamp: is not an IEEE address (0x followed by 16 hex digits)",
    ],
    [
      "a device without a name",
      `${MIN}devices:\n  '0x00124b0001020304':\n    retain: true\n`,
      "devices.0x00124b0001020304.friendly_name: is required",
    ],
    [
      "a bad qos",
      `${MIN}devices:\n  '0x00124b0001020304':\n    friendly_name: a\n    qos: 3\n`,
      "devices.0x00124b0001020304.qos: must be one of 0, 1, 2 (got 3)",
    ],
    [
      "retention without MQTT 5",
      `${MIN}devices:\n  '0x00124b0001020304':\n    friendly_name: a\n    retention: 60\n`,
      "devices.0x00124b0001020304.retention: needs mqtt.version 5 (mqtt.version is 4)",
    ],
    [
      "a device availability timeout of zero",
      `${MIN}devices:\n  '0x00124b0001020304':\n    friendly_name: a\n    availability:\n      timeout: 0\n`,
      'devices.0x00124b0001020304.availability: must be true or false or a mapping (got {"timeout":0})',
    ],
    [
      "a bad icon",
      `${MIN}devices:\n  '0x00124b0001020304':\n    friendly_name: a\n    icon: /tmp/x.png\n`,
      'devices.0x00124b0001020304.icon: must start with http://, https:// or device_icons/ (got "/tmp/x.png")',
    ],
    [
      "a group name ending in a number",
      `${MIN}groups:\n  '3':\n    friendly_name: lights/2\n`,
      "groups.3.friendly_name: 'lights/2' must not end with /<number> (that addresses an endpoint)",
    ],
  ])("%s", (_what, configuration, line) => {
    expect(problems(configuration)).toEqual([line]);
  });

  it("duplicate friendly names across devices and groups", () => {
    const config = `${MIN}devices:
  '0x00124b0001020303':
    friendly_name: lamp
  '0x00124b0001020304':
    friendly_name: lamp
groups:
  '2':
    friendly_name: lamp
`;
    expect(problems(config)).toEqual([
      "devices.0x00124b0001020304.friendly_name: 'lamp' is used by another device (devices.0x00124b0001020303)",
      "groups.2.friendly_name: 'lamp' is used by another device (devices.0x00124b0001020303)",
    ]);
  });

  it("lists every problem, one line each, without stack traces", () => {
    const lines = problems(`version: 5\nmqtt:\n  keepalive: x\nadvanced:\n  channel: 5\n  last_seen: sometimes\n`);
    expect(lines).toEqual([
      "mqtt.server: is required",
      'mqtt.keepalive: must be a number (got "x")',
      "advanced.channel: must be >= 11 (got 5)",
      'advanced.last_seen: must be one of disable, ISO_8601, ISO_8601_local, epoch (got "sometimes")',
    ]);
    for (const line of lines) expect(line).not.toMatch(/\n|at .*\.ts/);
  });

  it("a valid configuration loads", () => {
    expect(() => problems(BASIC)).toThrow("the configuration loaded");
  });
});

describe("validateFriendlyName", () => {
  it.each([
    ["kitchen/lamp", undefined],
    ["Living Room Lamp", undefined],
    ["lamp 2", undefined],
    ["", "must not be empty"],
    ["/lamp", "'/lamp' must not start or end with /"],
    ["lamp/", "'lamp/' must not start or end with /"],
    ["lamp\u0007", "'lamp\u0007' must not contain control characters"],
    ["lamp\u0085", "'lamp\u0085' must not contain control characters"],
    ["lamp\ud800", "'lamp\ud800' is not valid Unicode text (a lone surrogate)"],
    ["lamp\ufffe", "'lamp\ufffe' must not contain Unicode noncharacters"],
    ["lamp \u{1F4A1}", undefined],
    ["lamp#1", "'lamp#1' must not contain the MQTT wildcards # or +"],
    ["a+b", "'a+b' must not contain the MQTT wildcards # or +"],
    ["lamp/12", "'lamp/12' must not end with /<number> (that addresses an endpoint)"],
    ["bridge", "'bridge' is reserved for the bridge's own topics"],
    ["bridge/lamp", "'bridge/lamp' is reserved for the bridge's own topics"],
    ["lamp/set", "'lamp/set' must not end with /set or /get (those are command topics)"],
  ])("%j", (name, expected) => {
    expect(validateFriendlyName(name)).toBe(expected);
  });
});

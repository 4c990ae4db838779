import { afterAll, describe, expect, it } from "vitest";
import { removeConfigDirs, startWithConfig, VALID_CONFIG } from "../support/startWithConfig.js";

/** A broken configuration stops the start with exit code 1 and one line per problem naming the setting. */
describe("invalid configuration", () => {
  afterAll(removeConfigDirs);

  it.each([
    ["malformed YAML", "mqtt: {server: [unclosed\n", /configuration\.yaml:\d+:\d+:/],
    [
      "an unknown adapter",
      VALID_CONFIG.replace("adapter: zstack", "adapter: foo"),
      /^ {2}serial\.adapter: must be one of .*\(got "foo"\)$/m,
    ],
    [
      "channel 30",
      VALID_CONFIG.replace("channel: 11", "channel: 30"),
      /^ {2}advanced\.channel: must be <= 26 \(got 30\)$/m,
    ],
    [
      "duplicate friendly names",
      `${VALID_CONFIG}devices:\n  "0x0000000000000001": { friendly_name: lamp }\n  "0x0000000000000002": { friendly_name: lamp }\n`,
      /^ {2}devices\.0x0000000000000002\.friendly_name: 'lamp' is used by another device/m,
    ],
    [
      "a wrong type",
      VALID_CONFIG.replace("base_topic: zigbee2mqtt", "base_topic: zigbee2mqtt, keepalive: sixty"),
      /^ {2}mqtt\.keepalive: must be a number \(got "sixty"\)$/m,
    ],
  ])("%s: exit code 1 and a line naming the setting, no stack trace", (_what, config, line) => {
    const r = startWithConfig(config);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(line);
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
  });
});

import { describe, expect, it } from "vitest";
import { SettingsError, SettingsStore } from "../../../lib/settings/settingsStore.js";
import { dataDir } from "./dataDir.js";

const MIN = "version: 5\nmqtt:\n  server: mqtt://localhost\n";

function loadProblems(yaml: string): string[] {
  try {
    SettingsStore.load(dataDir({ "configuration.yaml": yaml }), {});
    return [];
  } catch (e) {
    if (e instanceof SettingsError) return [...e.problems];
    throw e;
  }
}

/** Settings that are validated but not implemented: a non-default value is refused, never silently ignored. */
describe("unsupported settings", () => {
  it.each([
    [
      "an OTA check interval",
      `${MIN}ota:\n  update_check_interval: 60\n`,
      "ota.update_check_interval: OTA updates are not supported yet; remove it or set the default 1440 (got 60)",
    ],
    [
      "an OTA override index",
      `${MIN}ota:\n  zigbee_ota_override_index_location: my_index.json\n`,
      'ota.zigbee_ota_override_index_location: OTA updates are not supported yet; remove it (got "my_index.json")',
    ],
    [
      "syslog output",
      `${MIN}advanced:\n  log_output: [console, syslog]\n`,
      'advanced.log_output: syslog output is not supported yet; use console and/or file (got ["console","syslog"])',
    ],
    [
      "the current-log symlink",
      `${MIN}advanced:\n  log_symlink_current: true\n`,
      "advanced.log_symlink_current: the 'current' log directory symlink is not supported yet; remove it or set the default false (got true)",
    ],
  ])("%s is refused at load with one line naming the setting", (_what, yaml, line) => {
    expect(loadProblems(yaml)).toEqual([line]);
  });

  it("an ota section with only defaults (as zigbee2mqtt writes it), or with automatic checks disabled, loads", () => {
    const defaults =
      "ota:\n  update_check_interval: 1440\n  disable_automatic_update_check: true\n" +
      "  image_block_response_delay: 250\n  default_maximum_data_size: 50\n";
    expect(loadProblems(`${MIN}${defaults}advanced:\n  log_output: [console, file]\n`)).toEqual([]);
  });

  it("a bridge/request/options change to an unsupported setting is refused and nothing is written", () => {
    const store = SettingsStore.load(dataDir({ "configuration.yaml": MIN }), {});
    expect(() => store.apply({ ota: { image_block_request_timeout: 5 } })).toThrow(
      /ota\.image_block_request_timeout: OTA updates are not supported yet/,
    );
    expect(store.get().ota.image_block_request_timeout).toBe(150000);
  });
});

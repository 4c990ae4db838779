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

  it("an ota section (OTA updates are implemented) loads with any valid values", () => {
    const defaults =
      "ota:\n  update_check_interval: 60\n  disable_automatic_update_check: true\n" +
      "  zigbee_ota_override_index_location: my_index.json\n" +
      "  image_block_response_delay: 100\n  default_maximum_data_size: 64\n";
    expect(loadProblems(`${MIN}${defaults}advanced:\n  log_output: [console, file]\n`)).toEqual([]);
  });

  it("a bridge/request/options change to an unsupported setting is refused and nothing is written", () => {
    const store = SettingsStore.load(dataDir({ "configuration.yaml": MIN }), {});
    expect(() => store.apply({ advanced: { log_symlink_current: true } })).toThrow(
      /advanced\.log_symlink_current: the 'current' log directory symlink is not supported yet/,
    );
    expect(store.get().advanced.log_symlink_current).toBe(false);
  });
});

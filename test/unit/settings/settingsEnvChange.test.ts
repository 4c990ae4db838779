import { describe, expect, it } from "vitest";
import { SettingsStore } from "../../../lib/settings/settingsStore.js";
import { BASIC, dataDir, read } from "./dataDir.js";

const ENV = {
  ZIGMQTT_CONFIG_ADVANCED_LOG_LEVEL: "warning",
  ZIGBEE2MQTT_CONFIG_ADVANCED_LOG_SYSLOG: '{"host":"logs.example"}',
};

/** A change to a setting an environment variable sets would be written but never take effect: it is refused. */
describe("SettingsStore: changes to settings set by the environment", () => {
  it("refuses a different value, naming the variable, and writes nothing", () => {
    const dir = dataDir({ "configuration.yaml": BASIC });
    const store = SettingsStore.load(dir, ENV);
    const before = read(dir);
    expect(() => store.apply({ advanced: { log_level: "debug", channel: 20 } })).toThrow(
      "advanced.log_level: set by the environment variable ZIGMQTT_CONFIG_ADVANCED_LOG_LEVEL, which overrides " +
        "configuration.yaml; unset the variable to change this setting (nothing was changed)",
    );
    expect(() => store.apply({ advanced: { log_syslog: { host: "other" } } })).toThrow(
      /^advanced\.log_syslog\.host: set by the environment variable ZIGBEE2MQTT_CONFIG_ADVANCED_LOG_SYSLOG/,
    );
    expect(read(dir)).toBe(before);
    expect(store.get().advanced).toMatchObject({ log_level: "warning", channel: 15 });
  });

  it("a value equal to the one in effect is accepted but not written to the file; the rest applies", () => {
    const dir = dataDir({ "configuration.yaml": BASIC });
    const store = SettingsStore.load(dir, ENV);
    store.apply({ advanced: { log_level: "warning", log_file: "bridge.log" } });
    expect(store.get().advanced).toMatchObject({ log_level: "warning", log_file: "bridge.log" });
    expect(read(dir)).toContain("log_file: bridge.log");
    expect(read(dir)).not.toContain("log_level");
  });

  it("settings without a variable change as before", () => {
    const dir = dataDir({ "configuration.yaml": BASIC });
    const store = SettingsStore.load(dir, {});
    store.apply({ advanced: { log_level: "debug" } });
    expect(store.get().advanced.log_level).toBe("debug");
    expect(read(dir)).toContain("log_level: debug");
  });
});

import { describe, expect, it } from "vitest";
import { readEnvOverrides } from "../../../lib/settings/envOverrides.js";
import { BASIC, load, problems, read } from "./dataDir.js";

describe("environment overrides", () => {
  it("find the setting through the schema, coerce its type, and are not written to the file", () => {
    const env = {
      ZIGMQTT_CONFIG_MQTT_SERVER: "mqtt://broker:1884",
      ZIGMQTT_CONFIG_MQTT_KEEPALIVE: "30",
      ZIGMQTT_CONFIG_MQTT_VERSION: "5",
      ZIGMQTT_CONFIG_ADVANCED_LOG_LEVEL: "debug",
      ZIGMQTT_CONFIG_SERIAL_PORT: "virtual://scale:100",
      ZIGMQTT_CONFIG_HOMEASSISTANT_ENABLED: "true",
      ZIGMQTT_CONFIG_MQTT_EMBEDDED_BROKER: "false",
      ZIGMQTT_CONFIG_AVAILABILITY_ACTIVE: '{"timeout": 5}',
      ZIGMQTT_CONFIG_ADVANCED_LOG_OUTPUT: '["console"]',
    };
    const { dir, store } = load(BASIC, env);
    const s = store.get();
    expect(s.mqtt.server).toBe("mqtt://broker:1884");
    expect(s.mqtt.keepalive).toBe(30);
    expect(s.mqtt.version).toBe(5);
    expect(s.mqtt.embedded_broker).toBe(false);
    expect(s.advanced.log_level).toBe("debug");
    expect(s.advanced.log_output).toEqual(["console"]);
    expect(s.serial.port).toBe("virtual://scale:100");
    expect(s.homeassistant.enabled).toBe(true);
    expect(s.availability.active).toEqual({ timeout: 5, max_jitter: 30000, backoff: true, pause_on_backoff_gt: 0 });
    expect(read(dir)).toBe(BASIC);

    // a later write changes only what it changes: still no override in the file
    store.renameDevice("sensor", "hall/sensor");
    expect(read(dir)).toBe(BASIC.replace("friendly_name: sensor", "friendly_name: hall/sensor"));
    expect(store.get().mqtt.server).toBe("mqtt://broker:1884");
  });

  it("ours win over zigbee2mqtt's", () => {
    const { store } = load(BASIC, {
      ZIGBEE2MQTT_CONFIG_ADVANCED_CHANNEL: "20",
      ZIGMQTT_CONFIG_ADVANCED_CHANNEL: "25",
      ZIGBEE2MQTT_CONFIG_MQTT_BASE_TOPIC: "z2m",
    });
    expect(store.get().advanced.channel).toBe(25);
    expect(store.get().mqtt.base_topic).toBe("z2m");
  });

  it("invalid values name the variable", () => {
    expect(problems(BASIC, { ZIGMQTT_CONFIG_MQTT_KEEPALIVE: "sixty" })).toEqual([
      'mqtt.keepalive: must be a number (got "sixty") (from ZIGMQTT_CONFIG_MQTT_KEEPALIVE)',
    ]);
    expect(problems(BASIC, { ZIGBEE2MQTT_CONFIG_ADVANCED_CHANNEL: "40" })).toEqual([
      "advanced.channel: must be <= 26 (got 40) (from ZIGBEE2MQTT_CONFIG_ADVANCED_CHANNEL)",
    ]);
  });

  it("unknown names are reported, not fatal", () => {
    const { store } = load(BASIC, { ZIGMQTT_CONFIG_MQTT_SERVR: "x" });
    expect(store.notices).toContain("ZIGMQTT_CONFIG_MQTT_SERVR names no setting; ignored");
  });

  it("GENERATE from the environment generates into the file once", () => {
    const config = "version: 5\nmqtt:\n  server: mqtt://x\n";
    const { dir, store } = load(config, { ZIGMQTT_CONFIG_ADVANCED_NETWORK_KEY: "GENERATE" });
    expect(read(dir)).toContain(`network_key: [${store.get().advanced.network_key.join(", ")}]`);
    expect(readEnvOverrides({ ZIGMQTT_CONFIG_ADVANCED_NETWORK_KEY: "GENERATE" }).values).toEqual({});
  });
});

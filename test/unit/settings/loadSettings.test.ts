import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SettingsStore } from "../../../lib/settings/settingsStore.js";
import { BASIC, dataDir, load, read } from "./dataDir.js";

describe("loading configuration.yaml", () => {
  it("creates it from the example when missing, with GENERATE replaced by random values written back", () => {
    const dir = dataDir();
    const lines: string[] = [];
    const store = SettingsStore.load(dir, {}, (line) => lines.push(line));

    const { network_key, pan_id, ext_pan_id } = store.get().advanced;
    expect(network_key).toHaveLength(16);
    expect(network_key.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)).toBe(true);
    expect(pan_id).toBeGreaterThanOrEqual(1);
    expect(pan_id).toBeLessThanOrEqual(0xfffe);
    expect(ext_pan_id).toHaveLength(8);
    expect(store.get().serial.port).toBe("virtual://demo");
    expect(lines[0]).toMatch(/^Created .*configuration\.yaml from configuration\.example\.yaml/);
    expect(lines.some((l) => l.startsWith("Generated random advanced.network_key, advanced.pan_id"))).toBe(true);

    const text = read(dir);
    expect(text).not.toContain("GENERATE");
    expect(text).toContain(`network_key: [${network_key.join(", ")}]`);
    expect(text).toContain(`pan_id: ${pan_id}`);
    expect(text).toContain("# Zigbee channel 11–26"); // comments survive the write
    expect(text).toContain("# A network coordinator:");

    // the next start reads the same network settings and writes nothing
    const again = SettingsStore.load(dir, {});
    expect(again.get().advanced.network_key).toEqual(network_key);
    expect(again.notices).toEqual([]);
    expect(read(dir)).toBe(text);
  });

  it("fills defaults without writing them", () => {
    const { dir, store } = load(BASIC);
    const s = store.get();
    expect(s.mqtt.keepalive).toBe(60);
    expect(s.mqtt.version).toBe(4);
    expect(s.mqtt.embedded_broker).toBe("auto");
    expect(s.homeassistant).toEqual({
      enabled: false,
      discovery_topic: "homeassistant",
      status_topic: "homeassistant/status",
      legacy_action_sensor: false,
      experimental_event_entities: false,
    });
    expect(s.availability.active.timeout).toBe(10);
    expect(s.advanced.log_directory).toBe(join(dir, "log", "%TIMESTAMP%"));
    expect(s.advanced.ext_pan_id).toEqual([0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd]);
    expect(Object.isFrozen(s.mqtt)).toBe(true);
    expect(read(dir)).toBe(BASIC);
  });

  it("loads a zigbee2mqtt 2.x version-4 data directory, migrating it to version 5 with a backup", () => {
    const z2m = `homeassistant:
  enabled: true
frontend:
  enabled: true
  port: 8080
mqtt:
  base_topic: zigbee2mqtt
  server: mqtt://core-mosquitto:1883
  user: addons
  password: secretpass
serial:
  port: /dev/ttyUSB0
  adapter: ember
advanced:
  log_level: warning
  network_key: [1, 3, 5, 7, 9, 11, 13, 15, 0, 2, 4, 6, 8, 10, 12, 13]
  pan_id: 6754
  ext_pan_id: [221, 221, 221, 221, 221, 221, 221, 221]
  channel: 25
  last_seen: ISO_8601
devices:
  '0x00158d0001a2b3c4':
    friendly_name: living/motion
    retain: true
  '0xa4c138aabbccddee':
    friendly_name: Plug One
    homeassistant:
      name: Plug
groups:
  '5':
    friendly_name: all lights
    off_state: last_member_state
device_options:
  legacy: false
version: 4
`;
    const { dir, store } = load(z2m);
    expect(store.get().serial.adapter).toBe("ember");
    expect(store.deviceOptions("0x00158d0001a2b3c4")).toMatchObject({ friendly_name: "living/motion", retain: true });
    expect(store.findDevice("Plug One")?.ieee).toBe("0xa4c138aabbccddee");
    expect(store.findGroup("all lights")?.id).toBe(5);
    expect(read(dir, "configuration_backup_v4.yaml")).toBe(z2m);
    expect(read(dir)).toBe(
      z2m.replace("device_options:\n  legacy: false\n", "device_options: {}\n").replace("version: 4", "version: 5"),
    );
    expect(store.notices[0]).toMatch(/^Migrated .* from version 4 to 5 \(backup: .*configuration_backup_v4\.yaml\)$/);
  });

  it("migrates a version-1 file (no version) and keeps its comments", () => {
    const old = `# my setup
homeassistant: true
permit_join: true
mqtt:
  server: mqtt://localhost # broker
advanced:
  homeassistant_discovery_topic: ha
  log_level: warn
  availability_timeout: 60
experimental:
  output: attribute
ban: ['0x0000000000000001']
`;
    const { dir, store } = load(old);
    const s = store.get();
    expect(s.homeassistant.enabled).toBe(true);
    expect(s.homeassistant.discovery_topic).toBe("ha");
    expect(s.advanced.log_level).toBe("warning");
    expect(s.advanced.output).toBe("attribute");
    expect(s.blocklist).toEqual(["0x0000000000000001"]);
    const text = read(dir);
    expect(text).toContain("# my setup");
    expect(text).toContain("server: mqtt://localhost # broker");
    expect(text).not.toMatch(/permit_join|experimental|availability_timeout|\bban\b/);
    expect(text).toMatch(/^version: 5$/m);
    expect(read(dir, "configuration_backup_v1.yaml")).toBe(old);
    expect(store.notices).toContain(
      "permit_join removed: joining is opened at runtime with bridge/request/permit_join",
    );
  });

  it("mentions settings it does not know, without failing", () => {
    const { store } = load(`${BASIC}experimental_thing: 1\n`.replace("  channel: 15", "  chanel: 15"));
    expect(store.notices).toEqual([
      "advanced.chanel is not a known setting; ignored",
      "experimental_thing is not a known setting; ignored",
    ]);
  });

  it("refuses versions it does not know and old shapes it cannot migrate", () => {
    expect(() => load("version: 9\nmqtt: {server: mqtt://x}\n")).toThrow(/^version: 9 is newer than this bridge/);
    expect(() => load("frontend: yes please\nmqtt: {server: mqtt://x}\n")).toThrow(
      'frontend: cannot migrate "yes please" (expected true, false or a mapping)',
    );
  });

  it("reads devices and groups from their own files and writes changes back there", () => {
    const config =
      "version: 5\nmqtt:\n  server: mqtt://x\ndevices: [devices.yaml, more-devices.yaml]\ngroups: groups.yaml\n";
    const devices = "# mine\n'0x00124b0001020301':\n  friendly_name: lamp\n";
    const more = "'0x00124b0001020302':\n  friendly_name: switch\n";
    const { dir, store } = load(config, {}, { "devices.yaml": devices, "more-devices.yaml": more });
    expect(Object.keys(store.get().devices)).toEqual(["0x00124b0001020301", "0x00124b0001020302"]);
    expect(store.get().groups).toEqual({});

    store.renameDevice("switch", "hall/switch");
    store.ensureDevice("0x00124b0001020303");
    store.addGroup("hall", 7);
    expect(read(dir)).toBe(config);
    expect(read(dir, "more-devices.yaml")).toBe("'0x00124b0001020302':\n  friendly_name: hall/switch\n");
    expect(read(dir, "devices.yaml")).toBe(`${devices}"0x00124b0001020303":\n  friendly_name: "0x00124b0001020303"\n`);
    expect(read(dir, "groups.yaml")).toBe('"7":\n  friendly_name: hall\n');
  });

  it("resolves !secret references, quoted or not, and writes changed secrets back to secret.yaml", () => {
    const config = `version: 5
mqtt:
  server: '!secret server'
  password: !secret mqtt_password
advanced:
  network_key: '!secret network_key'
`;
    const secret = "server: mqtt://broker:1883\nmqtt_password: hunter2\nnetwork_key: GENERATE\n";
    const { dir, store } = load(config, {}, { "secret.yaml": secret });
    expect(store.get().mqtt.server).toBe("mqtt://broker:1883");
    expect(store.get().mqtt.password).toBe("hunter2");
    expect(store.get().advanced.network_key).toHaveLength(16);
    expect(read(dir)).toBe(config);
    expect(read(dir, "secret.yaml")).toMatch(/^network_key: \[\d+(, \d+){15}\]$/m);

    store.apply({ mqtt: { password: "correct horse" } });
    expect(read(dir)).toBe(config);
    expect(read(dir, "secret.yaml")).toContain("mqtt_password: correct horse");
  });

  it("names the setting when a secret is missing", () => {
    const config = "version: 5\nmqtt:\n  server: mqtt://x\n  password: '!secret pw'\n  user: '!secret user'\n";
    const dir = dataDir({ "configuration.yaml": config });
    expect(() => SettingsStore.load(dir, {})).toThrow(
      `mqtt.user: '!secret user' refers to ${join(dir, "secret.yaml")}, which does not exist`,
    );
    const withFile = dataDir({ "configuration.yaml": config, "secret.yaml": "user: me\n" });
    expect(() => SettingsStore.load(withFile, {})).toThrow(
      `mqtt.password: '!secret pw' refers to key 'pw', which is not in ${join(withFile, "secret.yaml")}`,
    );
  });

  it("copies the example from the repository root", () => {
    const example = readFileSync(new URL("../../../configuration.example.yaml", import.meta.url), "utf8");
    expect(example).toMatch(/^version: 5$/m);
    const dir = dataDir();
    SettingsStore.load(dir, {});
    expect(existsSync(join(dir, "configuration.yaml"))).toBe(true);
  });
});

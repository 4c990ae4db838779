import { describe, expect, it } from "vitest";
import { SettingsError } from "../../../lib/settings/settingsStore.js";
import type { Settings } from "../../../lib/settings/types.js";
import { BASIC, load, read } from "./dataDir.js";

const LAMP = "0x00124b0001020301";
const SENSOR = "0x00124b0001020302";

function errorOf(action: () => unknown): SettingsError {
  try {
    action();
  } catch (e) {
    if (e instanceof SettingsError) return e;
    throw e;
  }
  throw new Error("no error");
}

describe("SettingsStore", () => {
  it("renames a device, keeping comments and key order", () => {
    const { dir, store } = load(BASIC);
    const changes: Readonly<Settings>[] = [];
    store.onChange((s) => changes.push(s));
    expect(store.renameDevice("kitchen/lamp", "kitchen/ceiling")).toEqual({
      from: "kitchen/lamp",
      to: "kitchen/ceiling",
    });
    expect(read(dir)).toBe(BASIC.replace("friendly_name: kitchen/lamp #", "friendly_name: kitchen/ceiling #"));
    expect(store.findDevice("kitchen/ceiling")?.ieee).toBe(LAMP);
    expect(changes).toHaveLength(1);
    expect(changes[0]?.devices[LAMP]?.friendly_name).toBe("kitchen/ceiling");
  });

  it.each([
    ["sensor", `devices.${LAMP}.friendly_name: 'sensor' is used by another device (devices.${SENSOR})`],
    ["downstairs", `devices.${LAMP}.friendly_name: 'downstairs' is used by another group (groups.1)`],
    ["lamp/1", `devices.${LAMP}.friendly_name: 'lamp/1' must not end with /<number> (that addresses an endpoint)`],
    ["bridge/lamp", `devices.${LAMP}.friendly_name: 'bridge/lamp' is reserved for the bridge's own topics`],
  ])("refuses to rename to %j with one line and leaves the file byte-identical", (to, line) => {
    const { dir, store } = load(BASIC);
    const error = errorOf(() => store.renameDevice(LAMP, to));
    expect(error.problems).toEqual([line]);
    expect(read(dir)).toBe(BASIC);
    expect(store.deviceOptions(LAMP).friendly_name).toBe("kitchen/lamp");
  });

  it("refuses an unknown device", () => {
    const { store } = load(BASIC);
    expect(errorOf(() => store.renameDevice("nope", "x")).message).toBe("devices: no device 'nope'");
  });

  it("apply() validates the whole result first, writes only changes, and says when a restart is needed", () => {
    const { dir, store } = load(BASIC);
    expect(store.apply({ advanced: { log_level: "debug" } })).toEqual({ restartRequired: false });
    expect(read(dir)).toContain("  channel: 15\n  log_level: debug\n");
    expect(store.apply({ advanced: { channel: 20 } })).toEqual({ restartRequired: true });
    expect(store.apply({ homeassistant: { enabled: true } })).toEqual({ restartRequired: true });
    expect(store.apply({ devices: { [SENSOR]: { debounce: 1 } } })).toEqual({ restartRequired: true });

    const before = read(dir);
    expect(store.apply({ advanced: { channel: 20 } })).toEqual({ restartRequired: false }); // unchanged
    expect(errorOf(() => store.apply({ advanced: { channel: 30 } })).problems).toEqual([
      "advanced.channel: must be <= 26 (got 30)",
    ]);
    expect(read(dir)).toBe(before);
    expect(store.get().advanced.channel).toBe(20);

    store.apply({ advanced: { log_level: null } });
    expect(read(dir)).not.toContain("log_level");
    expect(store.get().advanced.log_level).toBe("info");
  });

  it("setDeviceOptions merges device_options, reports restarts, and keeps homeassistant: null", () => {
    const { store } = load(`${BASIC}device_options:\n  retain: true\n`);
    expect(store.deviceOptions(LAMP)).toEqual({ friendly_name: "kitchen/lamp", retain: true });
    expect(store.deviceOptions("0x00124b00010203ff")).toEqual({ friendly_name: "0x00124b00010203ff", retain: true });
    const result = store.setDeviceOptions(LAMP, { transition: 2, homeassistant: null, retain: false });
    expect(result).toEqual({
      from: { friendly_name: "kitchen/lamp", retain: true },
      to: { friendly_name: "kitchen/lamp", retain: false, transition: 2, homeassistant: null },
      restartRequired: false,
    });
    expect(store.setDeviceOptions(LAMP, { throttle: 5 }).restartRequired).toBe(true);
    expect(store.setDeviceOptions(LAMP, { transition: null }).to).not.toHaveProperty("transition");
  });

  it("ensureDevice, removeDevice and addToBlocklist", () => {
    const { dir, store } = load(BASIC);
    store.ensureDevice(LAMP);
    expect(read(dir)).toBe(BASIC);
    store.ensureDevice("0x00124b0001020399");
    expect(store.deviceOptions("0x00124b0001020399").friendly_name).toBe("0x00124b0001020399");
    store.ensureDevices([LAMP, "0x00124b00010203a1", "0x00124b00010203a2"]);
    expect(Object.keys(store.get().devices)).toHaveLength(5);
    store.removeDevice("sensor");
    store.addToBlocklist(SENSOR);
    store.addToBlocklist(SENSOR);
    expect(store.findDevice(SENSOR)).toBeUndefined();
    expect(store.get().blocklist).toEqual([SENSOR]);
    expect(read(dir)).toContain("friendly_name: kitchen/lamp # the big one");
    expect(read(dir)).toContain(`blocklist: ["${SENSOR}"]`);
  });

  it("groups: add, rename, options, remove", () => {
    const { store } = load(BASIC);
    expect(store.addGroup("upstairs")).toEqual({ id: 2, friendly_name: "upstairs" });
    expect(store.addGroup("garden", 10)).toEqual({ id: 10, friendly_name: "garden" });
    expect(errorOf(() => store.addGroup("x", 10)).message).toBe("groups.10: group 10 already exists ('garden')");
    expect(errorOf(() => store.addGroup("kitchen/lamp")).message).toBe(
      `groups.3.friendly_name: 'kitchen/lamp' is used by another device (devices.${LAMP})`,
    );
    expect(store.renameGroup("garden", "yard")).toEqual({ from: "garden", to: "yard" });
    expect(store.findGroup(10)?.options.friendly_name).toBe("yard");
    expect(store.setGroupOptions("yard", { off_state: "last_member_state" }).restartRequired).toBe(true);
    expect(store.groupOptions(10)).toEqual({ friendly_name: "yard", off_state: "last_member_state" });
    store.removeGroup("10");
    expect(store.findGroup("yard")).toBeUndefined();
  });

  it("redacted() leaves out the network key, MQTT password and frontend token", () => {
    const { store } = load(
      `${BASIC}frontend:\n  auth_token: tok\n`.replace("  base_topic", "  password: pw\n  base_topic"),
    );
    expect(store.get().mqtt.password).toBe("pw");
    const redacted = JSON.stringify(store.redacted());
    expect(redacted).not.toMatch(/network_key|password|auth_token|"pw"|"tok"/);
    expect(store.redacted().mqtt.server).toBe("mqtt://localhost:1883");
  });

  it("schema() marks restart-requiring settings and documents our additions", () => {
    const { store } = load(BASIC);
    const schema = store.schema() as {
      properties: Record<string, { properties: Record<string, Record<string, unknown>> }>;
    };
    expect(schema.properties.advanced?.properties.channel?.requiresRestart).toBe(true);
    expect(schema.properties.mqtt?.properties.embedded_broker?.description).toMatch(/zigmqtt addition/);
    expect(schema.properties.serial?.properties.port?.description).toMatch(/virtual:\/\//);
  });

  it("listeners that throw do not break a write", () => {
    const { store } = load(BASIC);
    const unsubscribe = store.onChange(() => {
      throw new Error("boom");
    });
    store.renameDevice("sensor", "sensor2");
    unsubscribe();
    expect(store.findDevice("sensor2")).toBeDefined();
  });
});

import { describe, expect, it } from "vitest";
import { exposesToConfigs } from "../../../lib/features/homeassistant/exposeMapping.js";
import type { Expose } from "../../../lib/features/homeassistant/exposeTypes.js";
import { applyOverrides } from "../../../lib/features/homeassistant/overrides.js";
import { checkDiscovery } from "../../support/haDiscoveryChecker.js";

const topics = {
  state: "z/dev",
  command: (ep?: string, p?: string) => ["z/dev", ep, "set", p].filter(Boolean).join("/"),
};
const options = { legacyActionSensor: false, eventEntities: true, actionTopic: "z/dev/action" };
const map = (exposes: Expose[]) => exposesToConfigs(exposes, topics, options);
const byId = (exposes: Expose[]) =>
  Object.fromEntries(map(exposes).map((c) => [`${c.component}/${c.objectId}`, c.payload]));
const num = (name: string, access: number, extra: Partial<Expose> = {}): Expose => ({
  type: "numeric",
  name,
  property: name,
  label: name,
  access,
  ...extra,
});

describe("expose → Home Assistant mapping", () => {
  it("maps every expose kind to a platform Home Assistant accepts", () => {
    const exposes: Expose[] = [
      {
        type: "cover",
        features: [
          { type: "enum", name: "state", property: "state", access: 3, values: ["OPEN", "CLOSE", "STOP"] },
          num("position", 7, { value_min: 0, value_max: 100 }),
        ],
      },
      {
        type: "lock",
        features: [
          { type: "binary", name: "state", property: "state", access: 3, value_on: "LOCK", value_off: "UNLOCK" },
        ],
      },
      {
        type: "climate",
        features: [
          num("occupied_heating_setpoint", 7, { value_min: 5, value_max: 30, value_step: 0.5 }),
          num("local_temperature", 5),
          { type: "enum", name: "system_mode", property: "system_mode", access: 7, values: ["off", "heat", "auto"] },
          { type: "enum", name: "running_state", property: "running_state", access: 5, values: ["idle", "heat"] },
        ],
      },
      {
        type: "fan",
        features: [
          { type: "binary", name: "state", property: "fan_state", access: 7, value_on: "ON", value_off: "OFF" },
          { type: "enum", name: "mode", property: "fan_mode", access: 7, values: ["off", "low", "high", "on"] },
        ],
      },
      {
        type: "composite",
        name: "warning",
        property: "warning",
        access: 2,
        features: [{ type: "enum", name: "mode", property: "mode", access: 2, values: ["stop", "burglar", "fire"] }],
      },
      {
        type: "binary",
        name: "contact",
        property: "contact",
        label: "Contact",
        access: 1,
        value_on: true,
        value_off: false,
      },
      {
        type: "binary",
        name: "child_lock",
        property: "child_lock",
        label: "Child lock",
        access: 3,
        value_on: "LOCK",
        value_off: "UNLOCK",
        category: "config",
      },
      num("illuminance", 1, { unit: "lx" }),
      num("pressure", 1, { unit: "ms" }),
      num("motion_timeout", 7, { value_min: 0, value_max: 600, unit: "s", category: "config" }),
      {
        type: "enum",
        name: "sensitivity",
        property: "sensitivity",
        label: "Sensitivity",
        access: 7,
        values: ["low", "high"],
      },
      { type: "enum", name: "action", property: "action", label: "Action", access: 1, values: ["single", "double"] },
      { type: "text", name: "note", property: "note", label: "Note", access: 7 },
    ];
    const c = byId(exposes);
    expect(Object.keys(c).sort()).toEqual([
      "binary_sensor/contact",
      "climate/climate",
      "cover/cover",
      "event/action",
      "fan/fan",
      "lock/lock",
      "number/motion_timeout",
      "select/sensitivity",
      "sensor/illuminance",
      "sensor/linkquality",
      "sensor/pressure",
      "siren/siren",
      "switch/child_lock",
      "text/note",
    ]);
    expect(c["binary_sensor/contact"]).toMatchObject({ device_class: "door", payload_on: false, payload_off: true });
    expect(c["sensor/illuminance"]).toMatchObject({
      device_class: "illuminance",
      state_class: "measurement",
      unit_of_measurement: "lx",
    });
    expect(c["sensor/pressure"]).not.toHaveProperty("device_class"); // a unit HA refuses for the class: no class
    expect(c["climate/climate"]).toMatchObject({
      modes: ["off", "heat", "auto"],
      temperature_command_topic: "z/dev/set/occupied_heating_setpoint",
      min_temp: 5,
      max_temp: 30,
      temp_step: 0.5,
    });
    expect(c["cover/cover"]).toMatchObject({
      set_position_topic: "z/dev/set",
      position_template: '{{ value_json["position"] }}',
    });
    expect(c["number/motion_timeout"]).toMatchObject({
      entity_category: "config",
      min: 0,
      max: 600,
      unit_of_measurement: "s",
    });
    expect(c["event/action"]).toMatchObject({ event_types: ["single", "double"], state_topic: "z/dev/action" });
    const bridge = { published: ["z/dev", "z/dev/action"], subscriptions: ["z/+/set", "z/+/set/+"] };
    for (const cfg of map(exposes)) {
      const payload = {
        ...cfg.payload,
        unique_id: `x_${cfg.objectId}`,
        device: { identifiers: ["x"], name: "dev" },
        origin: { name: "t" },
      };
      expect(
        checkDiscovery(`homeassistant/${cfg.component}/x/${cfg.objectId}/config`, JSON.stringify(payload), bridge),
      ).toEqual([]);
    }
  });

  it("applies the user's overrides: per object id, for all, and null to drop an entity or a key", () => {
    const configs = map([num("temperature", 1, { unit: "°C" }), num("humidity", 1, { unit: "%" })]);
    const out = applyOverrides(configs, {
      expire_after: 60,
      humidity: null,
      temperature: { name: "Air", state_class: null },
    });
    expect(out.map((c) => c.objectId)).toEqual(["temperature", "linkquality"]);
    expect(out[0].payload).toMatchObject({ name: "Air", expire_after: 60, device_class: "temperature" });
    expect(out[0].payload).not.toHaveProperty("state_class");
  });

  it("the checker refuses what Home Assistant refuses", () => {
    const bad = {
      unique_id: "u",
      device: { identifiers: ["x"], name: "d" },
      origin: { name: "o" },
      state_topic: "z/dev",
      device_class: "energy",
      state_class: "measurement",
      unit_of_measurement: "W",
    };
    const problems = checkDiscovery("homeassistant/sensor/x/e/config", JSON.stringify(bad), {
      published: [],
      subscriptions: [],
    });
    expect(problems.join("\n")).toMatch(
      /unit 'W' is not allowed[\s\S]*cannot have state_class measurement[\s\S]*never published/,
    );
  });
});

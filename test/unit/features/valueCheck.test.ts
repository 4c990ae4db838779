import { describe, expect, it } from "vitest";
import { checkValue } from "../../../lib/features/valueCheck.js";
import type { BridgeDevice } from "../../../lib/zigbee/bridgeDevice.js";

/** The exposes of a dimmable colour-temperature light with effects, as zhc's m.light() builds them. */
const exposes = [
  {
    type: "light",
    features: [
      { type: "binary", property: "state", access: 7, value_on: "ON", value_off: "OFF", value_toggle: "TOGGLE" },
      { type: "numeric", property: "brightness", access: 7, value_min: 0, value_max: 254 },
      { type: "numeric", property: "color_temp", access: 7, value_min: 153, value_max: 500 },
      {
        type: "composite",
        property: "level_config",
        access: 7,
        features: [{ type: "numeric", property: "on_level", access: 7, value_min: 1, value_max: 254 }],
      },
    ],
  },
  { type: "enum", property: "effect", access: 2, values: ["blink", "breathe", "okay"] },
  { type: "enum", property: "power_on_behavior", access: 7, values: ["off", "on", "toggle", "previous"] },
  { type: "numeric", property: "brightness_l2", access: 7, value_min: 0, value_max: 254 },
  { type: "numeric", property: "linkquality", access: 1, value_min: 0, value_max: 255 },
];
const device = { exposes: () => exposes } as unknown as BridgeDevice;

describe("checkValue", () => {
  it("takes what zigbee-herdsman-converters takes", () => {
    expect(checkValue(device, "brightness", 255)).toBeUndefined();
    expect(checkValue(device, "brightness", "200")).toBeUndefined();
    expect(checkValue(device, "color_temp", 600)).toBeUndefined();
    expect(checkValue(device, "color_temp", "warmest")).toBeUndefined();
    expect(checkValue(device, "power_on_behavior", "On")).toBeUndefined();
    expect(checkValue(device, "effect", "Blink")).toBeUndefined();
    expect(checkValue(device, "state", "on")).toBeUndefined();
    expect(checkValue(device, "brightness", null)).toBeUndefined();
    expect(checkValue(device, "transition", 3)).toBeUndefined();
    // a feature of a composite is a field of one value, not a property of its own
    expect(checkValue(device, "on_level", 9999)).toBeUndefined();
  });

  it("refuses what the converter would refuse, saying why", () => {
    expect(checkValue(device, "brightness", 256)).toBe("must be at most 254 (got 256)");
    expect(checkValue(device, "brightness", -1)).toBe("must be at least 0 (got -1)");
    expect(checkValue(device, "brightness", true)).toBe("must be a number (got true)");
    expect(checkValue(device, "effect", "dance")).toBe('must be one of blink, breathe, okay (got "dance")');
    expect(checkValue(device, "state", "MAYBE")).toBe('must be ON, OFF, TOGGLE (got "MAYBE")');
    expect(checkValue(device, "linkquality", 3)).toBe("'linkquality' is read-only");
  });

  it("checks an endpoint's key against its exposed property", () => {
    expect(checkValue(device, "brightness", 255, "brightness_l2")).toBeUndefined();
    expect(checkValue(device, "brightness", 300, "brightness_l2")).toBe("must be at most 254 (got 300)");
  });
});

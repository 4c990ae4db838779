import { describe, expect, it } from "vitest";
import { PreSerialized, stableStringify } from "../../../lib/util/stableJson.js";

describe("stableStringify", () => {
  it("sorts keys, skips undefined and functions, turns non-finite numbers into null", () => {
    expect(stableStringify({ b: 1, a: [Number.NaN, undefined, "x"], c: undefined, d: () => 1 })).toBe(
      '{"a":[null,null,"x"],"b":1}',
    );
  });

  it("inserts a pre-serialized part as written, and other readers see its value", () => {
    const definition = { model: "ZB_A60_RGBCW", exposes: [{ type: "light", features: [{ name: "state" }] }] };
    const shared = PreSerialized.of(definition);
    const devices = [
      { ieee_address: "0x01", definition: shared },
      { ieee_address: "0x02", definition: shared },
    ];
    const plain = devices.map((d) => ({ ...d, definition }));
    expect(stableStringify(devices)).toBe(stableStringify(plain));
    expect(JSON.parse(JSON.stringify(devices))).toEqual(plain);
  });
});

import { describe, expect, it } from "vitest";
import { ActionTriggers } from "../../../lib/features/homeassistant/actionTriggers.js";

const remote = {
  ieee: "0x01",
  name: "remote",
  exposes: () => [{ type: "enum", name: "action", property: "action", values: ["on", "off"] }],
};
const freeText = { ieee: "0x02", name: "scene_switch", exposes: () => [{ type: "text", property: "action" }] };

describe("ActionTriggers", () => {
  it("makes triggers only for the action values the definition lists", () => {
    const t = new ActionTriggers(() => {});
    expect(t.add(remote, "on")).toBe(true);
    expect(t.add(remote, "on")).toBe(false);
    expect(t.add(remote, "bogus_123")).toBe(false);
    expect([...t.get(remote.ieee)]).toEqual(["on"]);
  });

  it("without listed values: at most `cap` per device, with one warning", () => {
    const warnings: string[] = [];
    const t = new ActionTriggers((l) => warnings.push(l), 3);
    for (let i = 0; i < 10; i++) t.add(freeText, `value_${i}`);
    expect([...t.get(freeText.ieee)]).toEqual(["value_0", "value_1", "value_2"]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("'scene_switch' sent more than 3 different action values");
    t.delete(freeText.ieee);
    expect([...t.get(freeText.ieee)]).toEqual([]);
  });
});

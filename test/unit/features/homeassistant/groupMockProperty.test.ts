// Which property a group's state carries as null for Home Assistant until known (groupMockProperty): zigbee2mqtt
// (observed with the compat oracle) takes its first member's, endpoint suffix included.
import { describe, expect, it } from "vitest";
import { groupMockProperty } from "../../../../lib/features/homeassistant/groupExposes.js";
import type { BridgeDevice } from "../../../../lib/zigbee/bridgeDevice.js";

const light = (endpoint?: string) => {
  const suffix = endpoint ? `_${endpoint}` : "";
  return {
    type: "light",
    ...(endpoint ? { endpoint } : {}),
    features: [
      { type: "binary", name: "state", property: `state${suffix}`, access: 7, ...(endpoint ? { endpoint } : {}) },
      { type: "numeric", name: "brightness", property: `brightness${suffix}`, access: 7 },
    ],
  };
};
// a narrow fake: groupMockProperty reads only a member device's exposes
const device = (exposes: unknown[]) => ({ exposes: () => exposes }) as unknown as BridgeDevice;
const bulb = { device: device([light()]) };
const dimmerL1 = { device: device([light("l1"), light("l2")]), endpoint: "l1" };

describe("a group's Home Assistant placeholder property", () => {
  it("is the first light member's state property: `state` led by a bulb, `state_l1` by a dimmer's l1", () => {
    expect(groupMockProperty([bulb, dimmerL1], "light")).toBe("state");
    expect(groupMockProperty([dimmerL1, bulb], "light")).toBe("state_l1");
    expect(groupMockProperty([dimmerL1], "light")).toBe("state_l1");
  });

  it("is none for a component no member has", () => {
    expect(groupMockProperty([bulb], "switch")).toBeUndefined();
  });
});

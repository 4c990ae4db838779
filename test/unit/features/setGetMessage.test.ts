import { describe, expect, it } from "vitest";
import {
  messageFor,
  orderKeys,
  parsePayload,
  regexList,
  removeMatching,
  splitEndpointKey,
  withEndpointSuffix,
} from "../../../lib/features/setGetMessage.js";

describe("/set message handling", () => {
  it("splits an endpoint suffix off a key unless a converter takes the whole key", () => {
    const none = () => false;
    expect(splitEndpointKey("state_l2", ["l1", "l2"], none)).toEqual({ key: "state", endpoint: "l2" });
    expect(splitEndpointKey("brightness_l1", ["l1", "l2"], none)).toEqual({ key: "brightness", endpoint: "l1" });
    expect(splitEndpointKey("state", ["l1", "l2"], none)).toEqual({ key: "state" });
    expect(splitEndpointKey("_l2", ["l2"], none)).toEqual({ key: "_l2" });
    expect(splitEndpointKey("state_bottom_left", ["left", "bottom_left"], none)).toEqual({
      key: "state",
      endpoint: "bottom_left",
    });
    expect(splitEndpointKey("power_on_behavior_l1", ["l1"], (k) => k === "power_on_behavior_l1")).toEqual({
      key: "power_on_behavior_l1",
    });
  });

  it("gives each converter its own copy, with the endpoint's keys stripped of their suffix", () => {
    const message = { state_l2: "ON", brightness_l2: 120, state_l1: "OFF", transition: 1 };
    const l2 = messageFor(message, "l2");
    expect(l2).toEqual({ state: "ON", brightness: 120, state_l1: "OFF", transition: 1 });
    l2.state = "on";
    expect(message.state_l2).toBe("ON");
    expect(messageFor(message, undefined)).toEqual(message);
    expect(messageFor(message, undefined)).not.toBe(message);
  });

  it("suffixes an optimistic state with the endpoint and removes filtered keys", () => {
    expect(withEndpointSuffix({ state: "ON", brightness: 3 }, "l2")).toEqual({ state_l2: "ON", brightness_l2: 3 });
    const filters = regexList(["^brightness", "[invalid"]);
    expect(filters).toHaveLength(1);
    expect(regexList(["x"])).not.toBe(regexList(["x"]));
    const list = ["^color"];
    expect(regexList(list)).toBe(regexList(list));
    expect(removeMatching({ state: "ON", brightness: 3, brightness_l2: 4 }, filters)).toEqual({ state: "ON" });
  });

  it("orders state keys last when switching on, first when switching off", () => {
    expect(orderKeys({ state: "ON", color_temp: 300 }).map(([k]) => k)).toEqual(["color_temp", "state"]);
    expect(orderKeys({ color_temp: 300, state: "off" }).map(([k]) => k)).toEqual(["state", "color_temp"]);
  });

  it("parses JSON, raw attribute values and bare states; refuses anything else clearly", () => {
    expect(parsePayload('{"state":"ON"}', undefined, "lamp/set")).toEqual({ state: "ON" });
    expect(parsePayload("on", undefined, "lamp/set")).toEqual({ state: "ON" });
    expect(parsePayload("42", "brightness", "lamp/set")).toEqual({ brightness: 42 });
    expect(parsePayload("warmest", "color_temp", "lamp/set")).toEqual({ color_temp: "warmest" });
    expect(() => parsePayload("[1]", undefined, "lamp/set")).toThrow(
      "Invalid payload for 'lamp/set': expected a JSON object ([1])",
    );
    expect(() => parsePayload("dance", undefined, "lamp/set")).toThrow(/not JSON and not ON\/OFF\/TOGGLE \(dance\)/);
  });
});

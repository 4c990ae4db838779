import { describe, expect, it } from "vitest";
import { BASE } from "../support/bridgeWorld.js";
import { config, DISCOVERY, latestDiscovery, useHaWorld } from "./haWorld.js";

/** Device triggers are retained discovery configs: only action values the definition lists get one. */
describe("Home Assistant: device triggers are bounded", () => {
  const world = useHaWorld();

  it("an action value the remote's definition does not list gets no trigger (the raw action is still sent)", async () => {
    const { bridge, mqtt, ha } = world;
    const remote = bridge.simulator.device("remote");
    const id = remote.description.ieee;
    const device = bridge.controller.zigbee.device(id);
    if (!device || !bridge.controller.publisher) throw new Error("the remote is not known");
    const since = mqtt.mark();
    // a state with an unknown action value, as a misbehaving device (or converter) would produce
    await bridge.controller.publisher.publish(device, { action: "bogus_42" });
    await mqtt.waitForMessage((m) => m.topic === `${BASE}/${id}/action` && m.payload === "bogus_42", {
      since,
      timeoutMs: 5000,
    });
    // a listed value afterwards: its trigger is published by a later discovery pass than any for bogus_42
    remote.press("off");
    await config(ha, `${DISCOVERY}/device_automation/${id}/action_off/config`);
    expect(latestDiscovery(ha).has(`${DISCOVERY}/device_automation/${id}/action_bogus_42/config`)).toBe(false);
  });
});

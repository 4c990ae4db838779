import { describe, expect, it } from "vitest";
import { BASE, json, request, useBridgeWorld } from "../support/bridgeWorld.js";

/**
 * device/interview runs the same interview path as a join: bridge/event tells it (started, then successful), and the
 * bridge configures the device again as after any successful interview.
 */
describe("device/interview events", () => {
  const world = useBridgeWorld();

  it("bridge/event shows device_interview started and successful; the device is configured again", async () => {
    const sim = world.bridge.simulator.device("remote");
    const remote = sim.description.ieee;
    const battery = sim.bindings.find((b) => b.clusterId === 0x0001);
    expect(battery).toBeDefined();
    sim.unbind(battery as NonNullable<typeof battery>); // the remote forgot its binding (a reset)
    const since = world.mqtt.mark();
    const r = await request(world.mqtt, "device/interview", { id: remote }, 30_000);
    expect(r).toMatchObject({ status: "ok", data: { id: remote } });
    const events = () =>
      world.mqtt.messages
        .filter((m) => m.seq >= since && m.topic === `${BASE}/bridge/event`)
        .map((m) => json(m.payload))
        .filter((e) => e.type === "device_interview")
        .map((e) => (e.data as { status: string; ieee_address: string }).status);
    await world.mqtt.waitForMessage(
      (m) =>
        m.topic === `${BASE}/bridge/event` &&
        json(m.payload).type === "device_interview" &&
        /successful/.test(m.payload),
      { since, timeoutMs: 5000 },
    );
    expect(events()).toEqual(["started", "successful"]);
    await world.bridge.controller.configure?.idle();
    expect(sim.bindings).toContainEqual(battery);
  });
});

import { describe, expect, it } from "vitest";
import { BASE, json, request, useBridgeWorld } from "../support/bridgeWorld.js";

/**
 * device/interview runs the same interview path as a join: bridge/event tells it (started, then successful). As
 * zigbee2mqtt (observed with the compat oracle), a device configured with its definition's current version is not
 * configured again, and the log says "Interviewing" and "Successfully interviewed" (no pairing lines).
 */
describe("device/interview events", () => {
  const world = useBridgeWorld();

  it("bridge/event shows device_interview started and successful; a configured device is not configured again", async () => {
    const sim = world.bridge.simulator.device("remote");
    const remote = sim.description.ieee;
    const battery = sim.bindings.find((b) => b.clusterId === 0x0001);
    expect(battery).toBeDefined();
    sim.unbind(battery as NonNullable<typeof battery>); // the remote forgot its binding (a reset)
    const logger = world.bridge.controller.logger;
    logger.setLevel("info");
    const since = world.mqtt.mark();
    const r = await request(world.mqtt, "device/interview", { id: remote }, 30_000).finally(() =>
      logger.setLevel("warning"),
    );
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
    expect(sim.bindings).not.toContainEqual(battery);
    const lines = world.mqtt
      .received(`${BASE}/bridge/logging`, since)
      .map((m) => String(json(m.payload).message))
      .filter((l) => !l.includes("MQTT publish"));
    expect(lines).toEqual([`z2m: Interviewing '${remote}'`, `z2m: Successfully interviewed '${remote}'`]);
    // device/configure still configures it on request
    expect(await request(world.mqtt, "device/configure", { id: remote })).toMatchObject({ status: "ok" });
    expect(sim.bindings).toContainEqual(battery);
  });
});

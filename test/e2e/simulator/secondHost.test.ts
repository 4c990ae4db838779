/**
 * The virtual coordinator's TCP port serves one host at a time, like a serial port: another local client is refused
 * and the bridge keeps its adapter; after an adapter outage the bridge's own reconnect is still accepted.
 */
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { BASE, json, useBridgeWorld } from "../support/bridgeWorld.js";
import { waitFor } from "../support/herdsmanWorld.js";

describe("the simulator's TCP port: one host at a time", () => {
  const world = useBridgeWorld();
  const lamp = () => world.bridge.simulator.device("bulb");

  const setLamp = async (brightness: number) => {
    await world.mqtt.publish(`${BASE}/${lamp().description.ieee}/set`, JSON.stringify({ brightness }));
    await waitFor(
      () => lamp().getAttribute(1, "genLevelCtrl", "currentLevel") === brightness,
      10_000,
      `lamp at ${brightness}`,
    );
  };

  it("a second local client is closed at once; the bridge stays connected and in control", async () => {
    const { simulator, controller } = world.bridge;
    const port = simulator.transport.port as number;
    const warnings: string[] = [];
    const off = controller.logger.onLog((e) => void (e.level === "warning" && warnings.push(e.message)));
    const since = world.mqtt.mark();
    const intruder = connect({ host: "127.0.0.1", port });
    intruder.on("error", () => {});
    await new Promise<void>((resolve) => intruder.once("close", () => resolve()));
    off();
    expect(simulator.transport.stats.refused).toBe(1);
    expect(warnings).toContainEqual(
      expect.stringMatching(/^refused a second host connection from 127\.0\.0\.1:\d+: a host is already connected/),
    );
    expect(simulator.transport.connected).toBe(true);
    await setLamp(42);
    const events = world.mqtt
      .received(`${BASE}/bridge/event`)
      .filter((m) => m.seq >= since)
      .map((m) => json(m.payload).type);
    expect(events).not.toContain("adapter_disconnected");
  });

  it("after an adapter outage the bridge reconnects (its old socket is gone) and is in control again", async () => {
    const since = world.mqtt.mark();
    world.bridge.simulator.dropHost();
    await world.mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/bridge/event` && json(m.payload).type === "adapter_reconnected",
      { since, timeoutMs: 20_000 },
    );
    await setLamp(43);
  });
});

import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../support/broker.js";
import { connectTestClient } from "../../support/mqttTestClient.js";
import { BASE, json, type RunningBridge, startBridge, waitForInterviews, writeConfig } from "../support/bridgeWorld.js";
import { removeDir, tempDir } from "../support/herdsmanWorld.js";

/** A first start on a machine with no broker: the bridge starts its own where the settings point, and works. */
describe("bridge with no broker installed", () => {
  const dir = tempDir();
  let bridge: RunningBridge | undefined;

  afterAll(async () => {
    await bridge?.stop();
    removeDir(dir);
  });

  it("starts the embedded broker on the configured local address; the lamp answers through it", async () => {
    const port = await freePort();
    writeConfig(dir, `mqtt://127.0.0.1:${port}`);
    bridge = await startBridge(dir);
    const lamp = bridge.simulator.device("bulb").description.ieee;
    const mqtt = await connectTestClient(`mqtt://127.0.0.1:${port}`);
    const subscribed = mqtt.mark();
    await mqtt.subscribe(`${BASE}/#`);
    const online = await mqtt.waitForMessage(`${BASE}/bridge/state`, { since: subscribed });
    expect(json(online.payload)).toEqual({ state: "online" });
    await waitForInterviews(bridge, 4);
    const since = mqtt.mark();
    await mqtt.publish(`${BASE}/${lamp}/set`, JSON.stringify({ state: "ON", brightness: 10 }));
    await mqtt.waitForMessage((m) => m.topic === `${BASE}/${lamp}` && json(m.payload).brightness === 10, {
      since,
      timeoutMs: 5000,
    });
    expect(bridge.simulator.device("bulb").getAttribute(1, "genLevelCtrl", "currentLevel")).toBe(10);
    await mqtt.end();
  });
});

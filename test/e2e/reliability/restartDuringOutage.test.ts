import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Controller } from "../../../lib/controller.js";
import { SettingsStore } from "../../../lib/settings/settingsStore.js";
import { Simulator } from "../../../lib/simulator/simulator.js";
import { createLogger } from "../../../lib/util/logger.js";
import { freePort, startTestBroker, type TestBroker } from "../../support/broker.js";
import type { TestClient } from "../../support/mqttTestClient.js";
import { BASE, json, observer, writeConfig } from "../support/bridgeWorld.js";
import { removeDir, tempDir, waitFor } from "../support/herdsmanWorld.js";

/** A "stick" that takes the connection and never answers: herdsman's start hangs on it. */
async function silentStick(port: number): Promise<{ server: Server; sockets: Set<Socket>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.resume(); // reads and drops what the host sends
    s.on("close", () => sockets.delete(s));
    s.on("error", () => {});
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    server,
    sockets,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * bridge/request/restart while the adapter is away: stopping the bridge during a reconnect attempt ends that attempt
 * (its connection closed, nothing emitted afterwards), and the new bridge connects once the adapter is back.
 */
describe("restart during an adapter outage", () => {
  const dir = tempDir("zigmqtt-outage-restart-");
  const simDir = tempDir("zigmqtt-outage-stick-");
  let broker: TestBroker;
  let port: number;
  let sim: Simulator;
  let mqtt: TestClient;
  const controllers: Controller[] = [];

  const newSimulator = () => new Simulator({ nvFile: join(simDir, "simulator-nv.json"), port }).start();
  const startController = async () => {
    const c = new Controller(SettingsStore.load(dir, {}), createLogger({ level: "warning", output: [] }));
    controllers.push(c);
    await c.start();
    return c;
  };

  beforeAll(async () => {
    broker = await startTestBroker();
    port = await freePort();
    sim = await newSimulator();
    writeConfig(dir, broker.url, { serial: { port: `tcp://127.0.0.1:${port}`, adapter: "zstack" } });
    mqtt = await observer(broker.url);
  });

  afterAll(async () => {
    await mqtt?.end();
    for (const c of controllers) await c.stop();
    await sim?.stop();
    await broker?.stop();
    removeDir(dir);
    removeDir(simDir);
  });

  it("the stopped bridge's reconnect attempt ends with the stop; the new bridge reconnects", async () => {
    const old = await startController();
    await waitFor(() => old.zigbee.devices().filter((d) => d.interviewed).length === 4, 20_000, "4 devices");
    /** what the old bridge tells once its stop has begun */
    const oldEvents: string[] = [];
    let stopping = false;
    old.bus.on("adapterReconnected", {}, () => void (stopping && oldEvents.push("adapterReconnected")));
    old.bus.on("devicesChanged", {}, () => void (stopping && oldEvents.push("devicesChanged")));

    // the stick goes away; then something takes the connection but never answers
    const disconnected = mqtt.mark();
    await sim.stop();
    await mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/bridge/event` && json(m.payload).type === "adapter_disconnected",
      { since: disconnected, timeoutMs: 5000 },
    );
    const stick = await silentStick(port);
    await waitFor(() => stick.sockets.size > 0, 10_000, "a reconnect attempt on the silent stick");

    // the restart: stop during the attempt
    stopping = true;
    await old.stop();
    expect(old.zigbee.available).toBe(false);
    // its connection to the stick is closed (the server side hears of it a moment later)
    await waitFor(() => stick.sockets.size === 0, 3000, "the stopped bridge to release the adapter");
    await stick.close();
    sim = await newSimulator();
    const fresh = await startController();
    expect(fresh.zigbee.available).toBe(true);
    const lamp = sim.device("bulb").description.ieee;
    const since = mqtt.mark();
    await mqtt.publish(`${BASE}/${lamp}/set`, JSON.stringify({ state: "ON", brightness: 61 }));
    await mqtt.waitForMessage((m) => m.topic === `${BASE}/${lamp}` && json(m.payload).brightness === 61, {
      since,
      timeoutMs: 5000,
    });
    expect(sim.device("bulb").getAttribute(1, "genLevelCtrl", "currentLevel")).toBe(61);
    expect(oldEvents).toEqual([]);
    expect(fresh.zigbee.available).toBe(true);
  });
});

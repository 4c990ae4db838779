import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as zhc from "zigbee-herdsman-converters";
import { Controller } from "../../../lib/controller.js";
import { SettingsStore } from "../../../lib/settings/settingsStore.js";
import type { ApsFrame } from "../../../lib/simulator/air.js";
import type { Simulator } from "../../../lib/simulator/simulator.js";
import { createLogger } from "../../../lib/util/logger.js";
import { startTestBroker, type TestBroker } from "../../support/broker.js";
import { writeConfig } from "../support/bridgeWorld.js";
import { createController, removeDir, startSimulator, tempDir, waitFor } from "../support/herdsmanWorld.js";

/** ZCL global command "configure reporting" */
const CONFIG_REPORT = 0x06;

/** The ZCL global command id of a frame, or undefined for a cluster-specific one. */
function globalCommand(frame: ApsFrame): number | undefined {
  const control = frame.data[0] ?? 0;
  if ((control & 0x03) !== 0) return undefined;
  return frame.data[(control & 0x04) !== 0 ? 4 : 2];
}

/**
 * zigbee2mqtt 2.x stores `meta.configured` as the definition's version in database.db. A zigbee2mqtt data directory
 * is not configured again (no bind, no configure-reporting reaches the devices), and a sleepy end device that was
 * never configured is configured when it is next heard, with the value zigbee2mqtt would store.
 */
describe("configure on a zigbee2mqtt data directory", () => {
  const simDir = tempDir("zigmqtt-cfg-stick-");
  const dataDir = tempDir("zigmqtt-cfg-z2m-");
  let broker: TestBroker;
  let sim: Simulator;
  let controller: Controller;
  let remote: string;
  const versions = new Map<string, string>();
  /** "<ieee> bind" / "<ieee> configReport", in the order the devices got them */
  const received: string[] = [];

  beforeAll(async () => {
    broker = await startTestBroker();
    sim = await startSimulator(simDir);
    remote = sim.device("remote").description.ieee;
    // zigbee2mqtt's herdsman paired the devices and configured all but the sleepy remote
    const z2m = createController(dataDir, sim.url);
    await z2m.start();
    const paired = () => z2m.getDevices().filter((d) => d.type !== "Coordinator" && d.interviewState === "SUCCESSFUL");
    await waitFor(() => paired().length === 4, 30_000, "pairing");
    for (const d of paired()) {
      const definition = await zhc.findByDevice(d as never);
      expect(definition?.configure).toBeDefined();
      versions.set(d.ieeeAddr, definition?.version as string);
      if (d.ieeeAddr === remote) continue;
      d.meta.configured = definition?.version;
      d.save();
    }
    await z2m.stop();

    for (const name of sim.deviceNames()) {
      const device = sim.device(name);
      const ieee = device.description.ieee;
      const bind = device.bind.bind(device);
      device.bind = (binding) => {
        received.push(`${ieee} bind`);
        return bind(binding);
      };
    }
    const net = sim.coordinator.net;
    const unicast = net.unicastFromHost.bind(net);
    net.unicastFromHost = (dst, frame) => {
      const target = net.get(dst);
      if (globalCommand(frame) === CONFIG_REPORT) received.push(`${target?.ieee ?? dst} configReport`);
      return unicast(dst, frame);
    };

    writeConfig(dataDir, broker.url, { serial: { port: sim.url, adapter: "zstack" } });
    controller = new Controller(SettingsStore.load(dataDir, {}), createLogger({ level: "warning", output: [] }));
    await controller.start();
  }, 60_000);

  afterAll(async () => {
    await controller?.stop();
    await sim?.stop();
    await broker?.stop();
    removeDir(simDir);
    removeDir(dataDir);
  });

  it("devices zigbee2mqtt configured are not configured again; the sleepy remote is left alone at start", async () => {
    await controller.configure?.idle(); // what the start queued has run
    expect(received).toEqual([]);
    for (const d of controller.zigbee.devices()) {
      const stored = (d.zh.meta as Record<string, unknown>).configured;
      expect(stored).toBe(d.ieee === remote ? undefined : versions.get(d.ieee));
    }
  });

  it("the remote is configured when it is next heard, storing zigbee2mqtt's value", async () => {
    const device = sim.device("remote");
    device.press(device.actions[0] as string);
    const zh = () => controller.zigbee.device(remote)?.zh.meta as Record<string, unknown>;
    await waitFor(() => zh().configured !== undefined, 10_000, "the remote configured");
    expect(zh().configured).toBe(versions.get(remote));
    expect(received.length).toBeGreaterThan(0);
    expect(received.every((r) => r.startsWith(remote))).toBe(true);
  });
});

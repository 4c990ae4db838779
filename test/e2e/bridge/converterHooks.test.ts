import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  fingerprintDevice,
  GENERIC_CLIENT_CLUSTERS,
  GENERIC_SERVER_CLUSTERS,
} from "../../../lib/simulator/devices/fingerprintDevice.js";
import { Simulator } from "../../../lib/simulator/simulator.js";
import { startTestBroker, type TestBroker } from "../../support/broker.js";
import type { TestClient } from "../../support/mqttTestClient.js";
import {
  observer,
  type RunningBridge,
  request,
  startBridge,
  waitForInterviews,
  writeConfig,
} from "../support/bridgeWorld.js";
import { removeDir, tempDir } from "../support/herdsmanWorld.js";

const IEEE = "0x00124b00ce11a001";

/**
 * zigbee-herdsman-converters' event hooks, called by the bridge as zigbee2mqtt calls them. Heiman's HS2IRC (a real
 * definition) registers its manufacturer cluster `heimanSpecificInfraRedRemote` in its `start` hook, and its
 * configure binds that cluster: without the hook herdsman does not know the cluster and the configure fails. Herdsman
 * keeps no custom cluster in its database, so after a restart only the `start` hook at bridge start brings it back.
 */
describe("converter event hooks: a definition's custom cluster is registered before configure", () => {
  const dir = tempDir("zigmqtt-hooks-");
  let broker: TestBroker;
  let sim: Simulator;
  let bridge: RunningBridge;
  let mqtt: TestClient;

  beforeAll(async () => {
    broker = await startTestBroker();
    sim = new Simulator({ scenario: { name: "hooks", seed: "hooks", devices: [] } });
    const device = fingerprintDevice({
      ieee: IEEE,
      modelId: "IRControl2-EF-3.0",
      manufacturerName: "HEIMAN",
      logicalType: "Router",
      endpoints: [{ id: 1, inClusters: [...GENERIC_SERVER_CLUSTERS], outClusters: [...GENERIC_CLIENT_CLUSTERS] }],
    });
    sim.frontEnd.net.add(device, { paired: true });
    await sim.start();
    writeConfig(dir, broker.url, { serial: { port: sim.url, adapter: "zstack" } });
    mqtt = await observer(broker.url);
    bridge = await startBridge(dir, sim);
    await waitForInterviews(bridge, 1, 30_000);
  }, 60_000);

  afterAll(async () => {
    await mqtt?.end();
    await bridge?.stop();
    await sim?.stop();
    await broker?.stop();
    removeDir(dir);
  });

  it("a device that joins is configured after its interview (start hook first)", () => {
    const d = bridge.controller.zigbee.device(IEEE);
    expect(d?.definition?.model).toBe("HS2IRC");
    expect((d?.zh.meta as Record<string, unknown> | undefined)?.configured).toBe(d?.definition?.version);
    expect(d?.zh.customClusters).toHaveProperty("heimanSpecificInfraRedRemote");
  });

  it("after a restart, device/configure succeeds: the start hook ran at bridge start", async () => {
    await bridge.stop();
    bridge = await startBridge(dir, sim);
    const rsp = await request(mqtt, "device/configure", { id: IEEE }, 20_000);
    expect(rsp).toMatchObject({ status: "ok", data: { id: IEEE } });
    expect(bridge.controller.zigbee.device(IEEE)?.zh.customClusters).toHaveProperty("heimanSpecificInfraRedRemote");
  }, 60_000);
});

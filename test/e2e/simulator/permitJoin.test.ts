import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Controller } from "zigbee-herdsman";
import type { Scenario } from "../../../lib/simulator/scenario/scenario.js";
import type { Simulator } from "../../../lib/simulator/simulator.js";
import { createController, removeDir, startSimulator, tempDir, waitFor } from "../support/herdsmanWorld.js";

const scenario: Scenario = {
  name: "join-test",
  seed: "join-test",
  devices: [
    { kind: "meteringPlug", name: "plug", paired: true },
    { kind: "colorBulb", name: "new_bulb" },
    { kind: "climateSensor", name: "new_sensor", autoJoin: false },
  ],
};

/** Devices join only while permit join is open, network-wide or through one router, as real ones do. */
describe("permit join and device faults", () => {
  const dir = tempDir();
  let sim: Simulator;
  let controller: Controller;
  const interviewed = new Set<string>();

  beforeAll(async () => {
    sim = await startSimulator(dir, { scenario });
    controller = createController(dir, sim.url, interviewed);
    await controller.start();
    await waitFor(() => interviewed.has(sim.device("plug").description.ieee), 5000, "the paired plug");
  });

  afterAll(async () => {
    await controller?.stop();
    await sim?.stop();
    removeDir(dir);
  });

  it("a device that is not paired stays out while joining is closed", () => {
    // the paired plug joined (beforeAll): the paired devices' join is over, and it took no unpaired device in
    expect(sim.member("plug")?.joined).toBe(true);
    expect(sim.member("new_bulb")?.joined).toBe(false);
    // a device that tries to join now is refused
    expect(sim.coordinator.net.permitJoinOpen).toBe(false);
    for (const name of ["new_bulb", "new_sensor"]) {
      expect(sim.coordinator.net.tryJoin(sim.device(name).description.ieee), name).toBe(false);
      expect(sim.member(name)?.joined, name).toBe(false);
    }
  });

  it("permit join (network-wide) lets a waiting device join and be interviewed", async () => {
    await controller.permitJoin(60);
    const ieee = sim.device("new_bulb").description.ieee;
    await waitFor(() => interviewed.has(ieee), 5000, "new bulb interviewed");
    expect(controller.getDeviceByIeeeAddr(ieee)?.modelID).toBe("ZB_A60_RGBCW");
    await controller.permitJoin(0);
    expect(sim.coordinator.net.permitJoinOpen).toBe(false);
  });

  it("permit join through one router: the device joins with that router as parent", async () => {
    const plug = controller.getDeviceByIeeeAddr(sim.device("plug").description.ieee);
    await controller.permitJoin(60, plug);
    const sensor = sim.device("new_sensor").description.ieee;
    expect(sim.coordinator.net.tryJoin(sensor)).toBe(true);
    await waitFor(() => interviewed.has(sensor), 5000, "sensor interviewed");
    expect(sim.member("new_sensor")?.parent).toBe(sim.member("plug")?.nwk);
    // the router's neighbour table now lists its child
    const table = await plug?.lqi();
    expect(table?.find((n) => n.eui64 === sensor)?.relationship).toBe(1);
    await controller.permitJoin(0);
  });

  it("a silent device: unicasts fail with MAC_NO_ACK instead of hanging", async () => {
    sim.setSilent("plug", true);
    const plug = controller.getDeviceByIeeeAddr(sim.device("plug").description.ieee);
    // MAC_NO_ACK (status 233) from the stick, not herdsman's own response timeout
    await expect(plug?.getEndpoint(1)?.read("genBasic", ["modelId"], { disableRecovery: true })).rejects.toThrow(
      /233|NO_ACK/i,
    );
    sim.setSilent("plug", false);
    const rsp = await plug?.getEndpoint(1)?.read("genBasic", ["modelId"]);
    expect(rsp?.modelId).toBe("SP 120");
  });
});

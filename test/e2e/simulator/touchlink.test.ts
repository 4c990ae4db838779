import type { EventEmitter } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Controller, Zcl } from "zigbee-herdsman";
import type { Scenario } from "../../../lib/simulator/scenario/scenario.js";
import type { Simulator } from "../../../lib/simulator/simulator.js";
import { createController, removeDir, startSimulator, tempDir, waitFor } from "../support/herdsmanWorld.js";

const scenario: Scenario = {
  name: "touchlink-test",
  seed: "touchlink-test",
  devices: [
    // in the network (on its channel, 11); after a factory reset its radio goes to channel 20
    { kind: "colorBulb", name: "linked_bulb", paired: true, touchlinkChannel: 20 },
    // factory new, never joined, listening on channel 25
    { kind: "colorBulb", name: "new_bulb", autoJoin: false, touchlinkChannel: 25 },
    // no touchlink target
    { kind: "meteringPlug", name: "plug", paired: true },
  ],
};

interface ScanResponse {
  address: string;
  data: Buffer;
}

/** The scan response fields, read from the bytes (a factory-new target's 0xffff address is outside herdsman's range). */
function scanResponseFields(data: Buffer) {
  const p = data.subarray(3);
  return {
    transactionId: p.readUInt32LE(0),
    zigbeeInformation: p[5],
    touchlinkInformation: p[6],
    keyBitmask: p.readUInt16LE(7),
    extendedPanId: `0x${Buffer.from(p.subarray(13, 21)).reverse().toString("hex")}`,
    logicalChannel: p[22],
    panId: p.readUInt16LE(23),
    networkAddress: p.readUInt16LE(25),
    numberOfSubDevices: p[27],
    endpoint: p[29],
    profileId: p.readUInt16LE(30),
    deviceId: p.readUInt16LE(32),
  };
}

/** herdsman's touchlink on the virtual Z-Stack: inter-PAN scan, identify and reset to factory new. */
describe("touchlink on the virtual coordinator", () => {
  const dir = tempDir();
  let sim: Simulator;
  let controller: Controller;
  const scanResponses: ScanResponse[] = [];
  const left: string[] = [];

  beforeAll(async () => {
    sim = await startSimulator(dir, { scenario });
    controller = createController(dir, sim.url);
    controller.on("deviceLeave", (e) => left.push(e.ieeeAddr));
    await controller.start();
    const adapter = (controller as unknown as { adapter: EventEmitter }).adapter;
    adapter.on("zclPayload", (p: { clusterID: number; address: string; data: Buffer; endpoint: number }) => {
      if (p.clusterID === 0x1000 && p.endpoint === 0xfe) scanResponses.push({ address: p.address, data: p.data });
    });
    const linked = sim.device("linked_bulb").description.ieee;
    await waitFor(
      () => controller.getDeviceByIeeeAddr(linked)?.interviewState === "SUCCESSFUL",
      10_000,
      "linked bulb interview",
    );
  }, 30_000);

  afterAll(async () => {
    await controller?.stop();
    await sim?.stop();
    removeDir(dir);
  });

  it("a scan finds each target on its channel, with the scan response fields of its state", async () => {
    const linked = sim.device("linked_bulb");
    const fresh = sim.device("new_bulb");
    const found = await controller.touchlink.scan();
    expect(found).toEqual([
      { ieeeAddr: linked.description.ieee, channel: 11 },
      { ieeeAddr: fresh.description.ieee, channel: 25 },
    ]);
    const byAddress = new Map(scanResponses.map((r) => [r.address, r.data]));
    const linkedRsp = byAddress.get(linked.description.ieee) as Buffer;
    expect(scanResponseFields(linkedRsp)).toMatchObject({
      zigbeeInformation: 0x05, // router, receiver on when idle
      touchlinkInformation: 0x80, // not factory new
      keyBitmask: 0x0010,
      extendedPanId: (await controller.getNetworkParameters()).extendedPanID,
      logicalChannel: 11,
      panId: 0x1a62,
      networkAddress: sim.member("linked_bulb")?.nwk,
      numberOfSubDevices: 1,
      endpoint: 1,
      profileId: 0x0104,
      deviceId: 0x010d,
    });
    // herdsman's own ZCL codec reads it as a scan response
    const header = Zcl.Header.fromBuffer(linkedRsp);
    expect(Zcl.Frame.fromBuffer(0x1000, header, linkedRsp, {}).command.name).toBe("scanResponse");
    expect(scanResponseFields(byAddress.get(fresh.description.ieee) as Buffer)).toMatchObject({
      touchlinkInformation: 0x81, // factory new
      extendedPanId: "0x0000000000000000",
      logicalChannel: 25,
      panId: 0xffff,
      networkAddress: 0xffff,
    });
    expect(byAddress.has(sim.device("plug").description.ieee)).toBe(false);
  }, 30_000);

  it("identify reaches the target only on its channel", async () => {
    const fresh = sim.device("new_bulb");
    await controller.touchlink.identify(fresh.description.ieee, 25);
    expect(fresh.touchlink?.identifications).toHaveLength(1);
    expect(fresh.touchlink?.lastIdentify?.durationS).toBe(3);
    await expect(controller.touchlink.identify(fresh.description.ieee, 15)).rejects.toThrow(/timeout/i);
    expect(fresh.touchlink?.identifications).toHaveLength(1);
  }, 20_000);

  it("reset to factory new: the linked bulb leaves the network, forgets its state and listens on its own channel", async () => {
    const linked = sim.device("linked_bulb");
    const ieee = linked.description.ieee;
    linked.setAttribute(1, "genLevelCtrl", "currentLevel", 77);
    expect(await controller.touchlink.factoryReset(ieee, 11)).toBe(true);
    await waitFor(() => left.includes(ieee), 2000, "the leave indication");
    expect(controller.getDeviceByIeeeAddr(ieee)).toBeUndefined();
    expect(sim.member("linked_bulb")).toMatchObject({ joined: false, paired: false });
    expect(linked.touchlink?.factoryNew).toBe(true);
    expect(linked.touchlink?.factoryResets).toBe(1);
    expect(linked.getAttribute(1, "genLevelCtrl", "currentLevel")).toBe(254);
    await controller.touchlink.identify(ieee, 20);
    expect(linked.touchlink?.identifications.length).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it("a factory-new target ignores a reset: nothing to forget", async () => {
    const fresh = sim.device("new_bulb");
    expect(await controller.touchlink.factoryReset(fresh.description.ieee, 25)).toBe(true);
    expect(fresh.touchlink?.factoryNew).toBe(true);
    expect(fresh.touchlink?.factoryResets).toBe(0);
    expect(sim.member("new_bulb")?.joined).toBe(false);
  }, 20_000);
});

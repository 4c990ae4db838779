import { beforeAll, describe, expect, it } from "vitest";
import { Zcl } from "zigbee-herdsman";
import * as zhc from "zigbee-herdsman-converters";
import { createDevice, type DeviceKindName, listKinds } from "../../../../lib/simulator/devices/catalog.js";
import { command, FakeLink, parse, values } from "./support/fakeLink.js";
import { convertFrame, coordinatorEndpoint, Device } from "./support/herdsmanStandIn.js";

async function interviewed(kind: DeviceKindName, ieee: string) {
  const virtual = createDevice(kind, { ieee });
  const link = new FakeLink();
  virtual.attach(link);
  const device = new Device(virtual, link);
  await device.interview();
  return { virtual, link, device };
}

/** what configure must leave behind, per kind (from the definitions in zhc 26.112.0) */
const expected: Record<
  Exclude<DeviceKindName, "customPlug">,
  { model: string; vendor: string; bound: string[]; configured: string[] }
> = {
  colorBulb: { model: "ZB_A60_RGBCW", vendor: "Ajax Online", bound: [], configured: [] },
  climateSensor: {
    model: "SNZB-02",
    vendor: "SONOFF",
    bound: ["msTemperatureMeasurement", "msRelativeHumidity", "genPowerCfg"],
    configured: [
      "msTemperatureMeasurement.measuredValue",
      "msRelativeHumidity.measuredValue",
      "genPowerCfg.batteryVoltage",
      "genPowerCfg.batteryPercentageRemaining",
    ],
  },
  remote: {
    model: "E1743",
    vendor: "IKEA",
    bound: ["genOnOff", "genOnOff", "genLevelCtrl", "genPowerCfg"],
    configured: ["genPowerCfg.batteryPercentageRemaining"],
  },
  meteringPlug: {
    model: "SP 120",
    vendor: "Innr",
    bound: ["genOnOff", "haElectricalMeasurement", "seMetering"],
    configured: [
      "genOnOff.onOff",
      "haElectricalMeasurement.activePower",
      "haElectricalMeasurement.rmsCurrent",
      "haElectricalMeasurement.rmsVoltage",
      "seMetering.currentSummDelivered",
    ],
  },
  dualDimmer: {
    model: "D086-ZG",
    vendor: "HZC Electric",
    // per endpoint (1, then 2) that has the cluster
    bound: ["genOnOff", "genOnOff", "genLevelCtrl", "genLevelCtrl"],
    configured: ["genOnOff.onOff", "genOnOff.onOff", "genLevelCtrl.currentLevel", "genLevelCtrl.currentLevel"],
  },
};

describe("device catalog", () => {
  beforeAll(() => {
    const quiet = () => {};
    zhc.setLogger({ debug: quiet, info: quiet, warning: quiet, error: quiet });
  });

  it("lists the six kinds", () => {
    expect(listKinds().map((k) => [k.kind, k.model, k.logicalType])).toEqual([
      ["colorBulb", "ZB_A60_RGBCW", "Router"],
      ["climateSensor", "SNZB-02", "EndDevice"],
      ["remote", "E1743", "EndDevice"],
      ["meteringPlug", "SP 120", "Router"],
      ["dualDimmer", "D086-ZG", "Router"],
      ["customPlug", "ZM-PLUG-1", "Router"],
    ]);
    expect(() => createDevice("toaster", { ieee: "0x1" })).toThrow(/unknown device kind/);
  });

  it("customPlug: zhc knows no definition for it (only a generated one)", async () => {
    const { device } = await interviewed("customPlug", "0x00124b0000000d02");
    expect(device.modelID).toBe("ZM-PLUG-1");
    const definition = await zhc.findByDevice(device as unknown as Parameters<typeof zhc.findByDevice>[0]);
    expect(definition).toBeUndefined();
  });

  for (const kind of Object.keys(expected) as Array<keyof typeof expected>) {
    it(`${kind}: resolves to its zhc definition, whose configure() succeeds against the device`, async () => {
      const { virtual, device } = await interviewed(kind, "0x00124b0000000d01");
      expect(device.manufacturerID).not.toBe(0);
      expect(device.manufacturerID).not.toBe(4098);
      const definition = await zhc.findByDevice(device as unknown as Parameters<typeof zhc.findByDevice>[0]);
      expect(definition).toBeDefined();
      expect([definition!.model, definition!.vendor]).toEqual([expected[kind].model, expected[kind].vendor]);
      await definition!.configure?.(
        device as never,
        coordinatorEndpoint(virtual, device.link) as never,
        definition as never,
      );
      expect(device.bound).toEqual(expected[kind].bound);
      expect(device.configured).toEqual(expected[kind].configured);
      const clusterIds = [...new Set(virtual.bindings.map((b) => b.clusterId))];
      const boundIds = [...new Set(expected[kind].bound.map((name) => Zcl.Utils.getCluster(name, undefined, {}).ID))];
      expect(clusterIds).toEqual(boundIds);
      for (const binding of virtual.bindings) {
        expect(binding.destination).toEqual({ kind: "endpoint", ieee: "0x00124b00c0ffee00", endpoint: 1 });
      }
    });
  }

  it("colorBulb: configure reads the colour capabilities and range", async () => {
    const { virtual, device } = await interviewed("colorBulb", "0x00124b0000000d02");
    const definition = await zhc.findByDevice(device as never);
    await definition!.configure?.(
      device as never,
      coordinatorEndpoint(virtual, device.link) as never,
      definition as never,
    );
    expect(device.endpoints[0]?.clusterValues.lightingColorCtrl).toEqual({
      colorCapabilities: 31,
      colorTempPhysicalMin: 153,
      colorTempPhysicalMax: 500,
    });
  });

  it("meteringPlug: reports power as configured; switching off makes activePower 0", async () => {
    const { virtual, link, device } = await interviewed("meteringPlug", "0x00124b0000000d03");
    const definition = await zhc.findByDevice(device as never);
    await definition!.configure?.(device as never, coordinatorEndpoint(virtual, link) as never, definition as never);
    link.take();
    virtual.receive(command("genOnOff", "off", {}, { disableDefaultResponse: true }));
    const sent = link.take();
    expect(sent.map((f) => ({ cluster: f.clusterId, ...values(f) }))).toEqual([
      { cluster: 6, onOff: 0 },
      { cluster: 0x0b04, activePower: 0, rmsCurrent: 0 },
    ]);
    const offState = {};
    for (const frame of sent) Object.assign(offState, await convertFrame(definition!, device, parse(frame)));
    expect(offState).toEqual({ state: "OFF", power: 0, current: 0 });
    virtual.receive(command("genOnOff", "on", {}, { disableDefaultResponse: true }));
    link.advance(2 * 60 * 60_000);
    const energy = virtual.getAttribute(1, "seMetering", "currentSummDelivered") as number;
    expect(energy).toBeGreaterThanOrEqual(11); // 60 W for 2 h = 0.12 kWh = 12 × 0.01 kWh
    expect(energy).toBeLessThanOrEqual(13);
    expect(virtual.getAttribute(1, "haElectricalMeasurement", "activePower")).toBeGreaterThan(55);
    const reports = link.take().map(parse);
    const published: Record<string, unknown> = {};
    for (const frame of reports) Object.assign(published, await convertFrame(definition!, device, frame));
    expect(published.energy).toBe(0.1); // reported once the change reached the configured 10 (0.1 kWh)
    // switched on right after the off: activePower is reported when min (10 s) has passed; ±2 % jitter stays below
    // the configured change of 5 W, and the voltage jitter below 5 V, so neither reports again within 2 h
    expect(published.power).toBeGreaterThan(55);
    expect(published.voltage).toBeUndefined();
  });

  it("remote: a press sends the command to the bindings, which zhc turns into an action", async () => {
    const { virtual, link, device } = await interviewed("remote", "0x00124b0000000d04");
    const definition = await zhc.findByDevice(device as never);
    link.take();
    virtual.press("on");
    virtual.press("brightness_move_up");
    virtual.press("brightness_stop");
    const sent = link.take();
    expect(sent.map((f) => [f.destination.kind, f.srcEndpoint, f.clusterId])).toEqual([
      ["bindings", 1, 6],
      ["bindings", 1, 8],
      ["bindings", 1, 8],
    ]);
    const frames = sent.map(parse);
    expect(frames.map((f) => f.command.name)).toEqual(["on", "moveWithOnOff", "stopWithOnOff"]);
    expect(new Set(frames.map((f) => f.header.transactionSequenceNumber)).size).toBe(3);
    const actions: unknown[] = [];
    for (const frame of frames) actions.push((await convertFrame(definition!, device, frame)).action);
    expect(actions).toEqual(["on", "brightness_move_up", "brightness_stop"]);
    expect(() => virtual.press("dance")).toThrow(/known: on, off, toggle/);
  });

  it("remote bound to a group drives the bulbs in it (the network resolves the binding)", () => {
    const remote = createDevice("remote", { ieee: "0x00124b0000000d05" });
    const bulb = createDevice("colorBulb", { ieee: "0x00124b0000000d06" });
    const link = new FakeLink();
    remote.attach(link);
    bulb.attach(new FakeLink());
    bulb.receive(command("genGroups", "add", { groupid: 901, groupname: "" }));
    remote.bind({ srcEndpoint: 1, clusterId: 6, destination: { kind: "group", groupId: 901 } });
    remote.press("off");
    const [frame] = link.take();
    // the network would deliver it as a groupcast from the remote's nwk address
    bulb.receive({
      profileId: 0x0104,
      clusterId: frame!.clusterId,
      srcAddr: 0x4d2e,
      srcEndpoint: 1,
      dstEndpoint: 0xff,
      groupId: 901,
      data: frame!.data,
    });
    expect(bulb.getAttribute(1, "genOnOff", "onOff")).toBe(0);
  });
});

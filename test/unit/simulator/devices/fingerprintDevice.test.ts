import { describe, expect, it } from "vitest";
import { fingerprintDevice } from "../../../../lib/simulator/devices/fingerprintDevice.js";
import { command, FakeLink, globalRequest, parse } from "./support/fakeLink.js";

describe("a device built from a definition's fingerprint", () => {
  const device = () => {
    const d = fingerprintDevice({
      ieee: "0x00124b0000000f01",
      modelId: "TS0601",
      manufacturerName: "_TZE200_test",
      endpoints: [{ id: 1, inClusters: [0x0006, 0x0500, 0x0b04], outClusters: [0x0019] }],
    });
    const link = new FakeLink();
    d.attach(link);
    return { d, link };
  };

  it("has genBasic with the fingerprint's model and manufacturer, and every standard attribute of its clusters", () => {
    const { d } = device();
    expect(d.description.endpoints[0]?.inClusters).toEqual([0x0000, 0x0006, 0x0500, 0x0b04]);
    expect(d.getAttribute(1, "genBasic", "modelId")).toBe("TS0601");
    expect(d.getAttribute(1, "genBasic", "manufacturerName")).toBe("_TZE200_test");
    expect(d.getAttribute(1, "genOnOff", "onOff")).toBe(0);
    expect(d.getAttribute(1, "haElectricalMeasurement", "acPowerDivisor")).toBe(0);
    expect(d.getAttribute(1, "ssIasZone", "iasCieAddr")).toBe("0x0000000000000000");
  });

  it("answers a read of its attributes, and UNSUPPORTED_ATTRIBUTE for a manufacturer-specific one", () => {
    const { d, link } = device();
    d.receive(globalRequest("genOnOff", "read", [{ attrId: 0 }]));
    expect(parse(link.take()[0]!).payload).toEqual([{ attrId: 0, status: 0, dataType: 0x10, attrData: 0 }]);
    d.receive(globalRequest("genOnOff", "read", [{ attrId: 0x8000 }], { manufacturerCode: 0x1002 }));
    expect(parse(link.take()[0]!).payload).toEqual([{ attrId: 0x8000, status: 0x86 }]);
  });

  it("IAS zone: auto-enrolled by the CIE's enroll response (code 0), with the zone id given", () => {
    const { d } = device();
    d.receive(command("ssIasZone", "enrollRsp", { enrollrspcode: 0, zoneid: 23 }, { disableDefaultResponse: true }));
    expect(d.getAttribute(1, "ssIasZone", "zoneState")).toBe(1);
    expect(d.getAttribute(1, "ssIasZone", "zoneId")).toBe(23);
  });

  it("IAS zone: a refused enrollment (code ≠ 0) leaves it not enrolled", () => {
    const { d } = device();
    d.receive(command("ssIasZone", "enrollRsp", { enrollrspcode: 2, zoneid: 23 }, { disableDefaultResponse: true }));
    expect(d.getAttribute(1, "ssIasZone", "zoneState")).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { Zcl } from "zigbee-herdsman";
import { createDevice } from "../../../../lib/simulator/devices/catalog.js";
import { FakeLink, globalRequest, parse } from "./support/fakeLink.js";

describe("attribute reporting: turning it off", () => {
  it("a maximum interval of 0xffff stops the reports of that attribute (as herdsman and the ZCL spec mean it)", () => {
    const bulb = createDevice("colorBulb", { ieee: "0x00124b0000000b03" });
    const link = new FakeLink();
    bulb.attach(link);
    const reports = () => link.take().filter((f) => parse(f).command.name === "report");
    const on = bulb.getAttribute(1, "genOnOff", "onOff") === 1;
    bulb.setAttribute(1, "genOnOff", "onOff", on ? 0 : 1);
    expect(reports()).toHaveLength(1); // the factory default reports every change

    const off = { direction: 0, attrId: 0, dataType: Zcl.DataType.BOOLEAN, minRepIntval: 0, maxRepIntval: 0xffff };
    bulb.receive(globalRequest("genOnOff", "configReport", [off]));
    expect(parse(link.take()[0]!).payload).toEqual([{ status: 0 }]);
    bulb.setAttribute(1, "genOnOff", "onOff", on ? 1 : 0);
    link.advance(3_600_000);
    expect(reports()).toEqual([]);

    bulb.receive(globalRequest("genOnOff", "readReportConfig", [{ direction: 0, attrId: 0 }]));
    expect(parse(link.take()[0]!).payload).toEqual([{ status: Zcl.Status.NOT_FOUND, direction: 0, attrId: 0 }]);
  });
});

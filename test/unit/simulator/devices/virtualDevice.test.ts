import { beforeEach, describe, expect, it } from "vitest";
import { Zcl } from "zigbee-herdsman";
import { createDevice } from "../../../../lib/simulator/devices/catalog.js";
import type { VirtualDevice } from "../../../../lib/simulator/devices/virtualDevice.js";
import { command, FakeLink, globalRequest, parse, values } from "./support/fakeLink.js";

const IEEE = "0x00124b0000000a01";

describe("VirtualDevice: ZCL foundation", () => {
  let bulb: VirtualDevice;
  let link: FakeLink;

  beforeEach(() => {
    bulb = createDevice("colorBulb", { ieee: IEEE });
    link = new FakeLink();
    bulb.attach(link);
  });

  it("describes itself from its data", () => {
    expect(bulb.description).toMatchObject({
      ieee: IEEE,
      logicalType: "Router",
      manufacturerCode: 0x1224,
      macCapabilities: 0x8e,
    });
    expect(bulb.description.endpoints).toEqual([
      {
        endpoint: 1,
        profileId: 0x0104,
        deviceId: 0x010d,
        deviceVersion: 1,
        inClusters: [0x0000, 0x0003, 0x0004, 0x0005, 0x0006, 0x0008, 0x0300, 0x1000],
        outClusters: [0x0019],
      },
    ]);
  });

  it("answers a read with the same TSN and cluster, from the addressed endpoint to the sender's", () => {
    bulb.receive(globalRequest("genBasic", "read", [{ attrId: 0x0005 }], { tsn: 0x77 }));
    const [answer] = link.take();
    expect(answer).toMatchObject({ srcEndpoint: 1, clusterId: 0, destination: { kind: "coordinator", endpoint: 1 } });
    const frame = parse(answer!);
    expect(frame.header.transactionSequenceNumber).toBe(0x77);
    expect(frame.header.frameControl.direction).toBe(Zcl.Direction.SERVER_TO_CLIENT);
    expect(frame.header.frameControl.disableDefaultResponse).toBe(true);
    expect(frame.command.name).toBe("readRsp");
    expect(frame.payload).toEqual([
      { attrId: 5, status: 0, dataType: Zcl.DataType.CHAR_STR, attrData: "ZB_A60_RGBCW" },
    ]);
  });

  it("answers an unknown attribute with UNSUPPORTED_ATTRIBUTE and still the known ones", () => {
    bulb.receive(globalRequest("lightingColorCtrl", "read", [{ attrId: 0x400a }, { attrId: 0x1234 }]));
    const frame = parse(link.take()[0]!);
    expect(frame.payload).toEqual([
      { attrId: 0x400a, status: 0, dataType: Zcl.DataType.BITMAP16, attrData: 31 },
      { attrId: 0x1234, status: Zcl.Status.UNSUPPORTED_ATTRIBUTE },
    ]);
  });

  it("writes writable attributes and refuses read-only ones", () => {
    const write = [
      { attrId: 0x4010, dataType: Zcl.DataType.UINT16, attrData: 370 },
      { attrId: 0x0007, dataType: Zcl.DataType.UINT16, attrData: 300 },
    ];
    bulb.receive(globalRequest("lightingColorCtrl", "write", write));
    expect(parse(link.take()[0]!).payload).toEqual([{ status: Zcl.Status.READ_ONLY, attrId: 7 }]);
    expect(bulb.getAttribute(1, "lightingColorCtrl", "startUpColorTemperature")).toBe(370);
    expect(bulb.getAttribute(1, "lightingColorCtrl", "colorTemperature")).toBe(250);
  });

  it("writes nothing of an undivided write with one bad record", () => {
    const write = [
      { attrId: 0x4010, dataType: Zcl.DataType.UINT16, attrData: 370 },
      { attrId: 0x000f, dataType: Zcl.DataType.UINT16, attrData: 1 },
    ];
    bulb.receive(globalRequest("lightingColorCtrl", "writeUndiv", write));
    expect(parse(link.take()[0]!).payload).toEqual([{ status: Zcl.Status.INVALID_DATA_TYPE, attrId: 0x000f }]);
    expect(bulb.getAttribute(1, "lightingColorCtrl", "startUpColorTemperature")).toBe(250);
  });

  it("discovers attributes in id order, in pages", () => {
    bulb.receive(globalRequest("genOnOff", "discover", { startAttrId: 0, maxAttrIds: 3 }));
    expect(parse(link.take()[0]!).payload).toEqual({
      discComplete: 0,
      attrInfos: [
        { attrId: 0x0000, dataType: Zcl.DataType.BOOLEAN },
        { attrId: 0x4000, dataType: Zcl.DataType.BOOLEAN },
        { attrId: 0x4001, dataType: Zcl.DataType.UINT16 },
      ],
    });
  });

  it("sends a default response to a cluster command only when asked", () => {
    bulb.receive(command("genOnOff", "off", {}, { tsn: 9 }));
    const [answer] = link.take().filter((f) => f.destination.kind === "coordinator");
    expect(parse(answer!).payload).toEqual({ cmdId: 0, statusCode: 0 });
    expect(parse(answer!).header.transactionSequenceNumber).toBe(9);
    bulb.receive(command("genOnOff", "on", {}, { disableDefaultResponse: true }));
    expect(link.take().filter((f) => f.destination.kind === "coordinator")).toEqual([]);
  });

  it("answers an unsupported cluster with 0xC3 and an unsupported command with 0x81, even without asking", () => {
    bulb.receive(globalRequest("msTemperatureMeasurement", "read", [{ attrId: 0 }]));
    expect(parse(link.take()[0]!).payload).toEqual({ cmdId: 0, statusCode: Zcl.Status.UNSUPPORTED_CLUSTER });
    bulb.receive(
      command("genLevelCtrl", "moveToClosestFrequency", { frequency: 50 }, { disableDefaultResponse: true }),
    );
    expect(parse(link.take()[0]!).payload).toEqual({ cmdId: 8, statusCode: Zcl.Status.UNSUP_COMMAND });
  });

  it("does not answer a groupcast, nor a command from another device, but acts on both", () => {
    bulb.receive(command("genGroups", "add", { groupid: 5, groupname: "" }));
    link.take();
    bulb.receive(command("genOnOff", "off", {}, { groupId: 5 }));
    let sent = link.take();
    expect(sent.filter((f) => f.destination.kind === "coordinator")).toEqual([]);
    expect(bulb.getAttribute(1, "genOnOff", "onOff")).toBe(0);
    bulb.receive(command("genOnOff", "on", {}, { srcAddr: 0x1234 }));
    sent = link.take();
    expect(sent.filter((f) => f.destination.kind === "coordinator")).toEqual([]);
    expect(bulb.getAttribute(1, "genOnOff", "onOff")).toBe(1);
    // a groupcast to a group the bulb is not in does nothing
    bulb.receive(command("genOnOff", "off", {}, { groupId: 6 }));
    expect(bulb.getAttribute(1, "genOnOff", "onOff")).toBe(1);
  });

  it("ignores frames while detached", () => {
    bulb.detach();
    bulb.receive(command("genOnOff", "off"));
    expect(link.take()).toEqual([]);
    expect(bulb.getAttribute(1, "genOnOff", "onOff")).toBe(1);
  });

  it("keeps a binding table with ZDO statuses", () => {
    const binding = { srcEndpoint: 1, clusterId: 6, destination: { kind: "group" as const, groupId: 3 } };
    expect(bulb.bind(binding)).toBe(0);
    expect(bulb.bind(binding)).toBe(0);
    expect(bulb.bindings).toEqual([binding]);
    expect(bulb.bind({ ...binding, srcEndpoint: 9 })).toBe(0x84);
    expect(bulb.unbind(binding)).toBe(0);
    expect(bulb.unbind(binding)).toBe(0x88);
  });

  it("round-trips its state through snapshot/restore (JSON)", () => {
    bulb.receive(command("genGroups", "add", { groupid: 7, groupname: "" }));
    bulb.receive(command("lightingColorCtrl", "moveToColor", { colorx: 20000, colory: 30000, transtime: 0 }));
    bulb.receive(command("genScenes", "store", { groupid: 7, sceneid: 2 }));
    bulb.bind({
      srcEndpoint: 1,
      clusterId: 6,
      destination: { kind: "endpoint", ieee: "0x00124b00c0ffee00", endpoint: 1 },
    });
    const config = [
      { direction: 0, attrId: 0, dataType: Zcl.DataType.UINT8, minRepIntval: 5, maxRepIntval: 300, repChange: 3 },
    ];
    bulb.receive(globalRequest("genLevelCtrl", "configReport", config));
    const state = JSON.parse(JSON.stringify(bulb.snapshot()));

    const copy = createDevice("colorBulb", { ieee: IEEE });
    copy.restore(state);
    expect(copy.snapshot()).toEqual(state);
    expect(copy.groupEndpoints(7)).toEqual([1]);
    expect(copy.getAttribute(1, "lightingColorCtrl", "currentX")).toBe(20000);
    expect(copy.bindings).toEqual(bulb.bindings);
    const copyLink = new FakeLink();
    copy.attach(copyLink);
    copy.receive(globalRequest("genLevelCtrl", "readReportConfig", [{ direction: 0, attrId: 0 }]));
    expect(parse(copyLink.take()[0]!).payload).toEqual([{ status: 0, ...config[0] }]);
    copy.receive(command("lightingColorCtrl", "moveToColor", { colorx: 1000, colory: 2000, transtime: 0 }));
    copy.receive(command("lightingColorCtrl", "moveToColorTemp", { colortemp: 400, transtime: 0 }));
    copyLink.take();
    copy.receive(
      command("genScenes", "recall", { groupid: 7, sceneid: 2, transitionTime: 0 }, { disableDefaultResponse: true }),
    );
    expect(values(copyLink.take()[0]!)).toEqual({
      currentX: 20000,
      currentY: 30000,
      colorTemperature: 250,
      colorMode: 1,
    });
  });

  it("stops every timer on detach", () => {
    bulb.receive(command("genIdentify", "identify", { identifytime: 10 }));
    bulb.receive(command("genLevelCtrl", "move", { movemode: 0, rate: 1 }));
    expect(link.pendingTimers).toBeGreaterThan(0);
    bulb.detach();
    expect(link.pendingTimers).toBe(0);
  });
});

import { beforeEach, describe, expect, it } from "vitest";
import { Zcl } from "zigbee-herdsman";
import { createDevice } from "../../../../lib/simulator/devices/catalog.js";
import type { VirtualDevice } from "../../../../lib/simulator/devices/virtualDevice.js";
import { command, FakeLink, parse, values } from "./support/fakeLink.js";

describe("cluster behaviours of the colour bulb", () => {
  let bulb: VirtualDevice;
  let link: FakeLink;
  const attr = (cluster: string, attribute: string) => bulb.getAttribute(1, cluster, attribute);
  /** the cluster-specific answer to the coordinator */
  const answer = () => {
    const frame = link.take().find((f) => f.destination.kind === "coordinator");
    return frame && parse(frame);
  };
  const send = (cluster: string, name: string, payload: Record<string, unknown> = {}) => {
    link.take();
    bulb.receive(command(cluster, name, payload, { disableDefaultResponse: true }));
  };

  beforeEach(() => {
    bulb = createDevice("colorBulb", { ieee: "0x00124b0000000c01" });
    link = new FakeLink();
    bulb.attach(link);
  });

  it("switches with on, off and toggle, reporting onOff", () => {
    send("genOnOff", "off");
    expect(values(link.take()[0]!)).toEqual({ onOff: 0 });
    send("genOnOff", "toggle");
    expect(attr("genOnOff", "onOff")).toBe(1);
    send("genOnOff", "offWithEffect", { effectid: 0, effectvariant: 0 });
    expect(attr("genOnOff", "onOff")).toBe(0);
  });

  it("switches off after onWithTimedOff's on time", () => {
    send("genOnOff", "off");
    send("genOnOff", "onWithTimedOff", { ctrlbits: 0, ontime: 50, offwaittime: 0 });
    expect(attr("genOnOff", "onOff")).toBe(1);
    link.advance(4_999);
    expect(attr("genOnOff", "onOff")).toBe(1);
    link.advance(1);
    expect(attr("genOnOff", "onOff")).toBe(0);
  });

  it("moveToLevelWithOnOff to the minimum turns the light off, above it on", () => {
    send("genLevelCtrl", "moveToLevelWithOnOff", { level: 1, transtime: 0 });
    expect([attr("genLevelCtrl", "currentLevel"), attr("genOnOff", "onOff")]).toEqual([1, 0]);
    const sent = link.take().map(values);
    expect(sent).toContainEqual({ currentLevel: 1 });
    expect(sent).toContainEqual({ onOff: 0 });
    send("genLevelCtrl", "moveToLevelWithOnOff", { level: 0, transtime: 0 });
    expect(attr("genLevelCtrl", "currentLevel")).toBe(1);
    send("genLevelCtrl", "moveToLevelWithOnOff", { level: 128, transtime: 10 });
    expect([attr("genLevelCtrl", "currentLevel"), attr("genOnOff", "onOff")]).toEqual([128, 1]);
  });

  it("ignores moveToLevel while off unless ExecuteIfOff", () => {
    send("genOnOff", "off");
    send("genLevelCtrl", "moveToLevel", { level: 100, transtime: 0 });
    expect(attr("genLevelCtrl", "currentLevel")).toBe(254);
    send("genLevelCtrl", "moveToLevel", { level: 100, transtime: 0, optionsMask: 1, optionsOverride: 1 });
    expect([attr("genLevelCtrl", "currentLevel"), attr("genOnOff", "onOff")]).toEqual([100, 0]);
  });

  it("moves the level at its rate until stop, from the elapsed time", () => {
    send("genLevelCtrl", "moveToLevel", { level: 100, transtime: 0 });
    send("genLevelCtrl", "move", { movemode: 0, rate: 20 });
    link.advance(2_500);
    send("genLevelCtrl", "stop", {});
    expect(attr("genLevelCtrl", "currentLevel")).toBe(150);
    expect(link.take().map(values)).toEqual([{ currentLevel: 150 }]);
    send("genLevelCtrl", "moveWithOnOff", { movemode: 1, rate: 100 });
    link.advance(10_000);
    expect([attr("genLevelCtrl", "currentLevel"), attr("genOnOff", "onOff")]).toEqual([1, 0]);
  });

  it("steps the level, clamped", () => {
    send("genLevelCtrl", "step", { stepmode: 0, stepsize: 50, transtime: 0 });
    expect(attr("genLevelCtrl", "currentLevel")).toBe(254);
    send("genLevelCtrl", "stepWithOnOff", { stepmode: 1, stepsize: 300 & 0xff, transtime: 0 });
    expect(attr("genLevelCtrl", "currentLevel")).toBe(210);
  });

  it("sets colour temperature clamped to the physical range, in colour mode 2", () => {
    send("lightingColorCtrl", "moveToColorTemp", { colortemp: 600, transtime: 0 });
    expect([attr("lightingColorCtrl", "colorTemperature"), attr("lightingColorCtrl", "colorMode")]).toEqual([500, 2]);
    send("lightingColorCtrl", "moveToColorTemp", { colortemp: 100, transtime: 0 });
    expect(attr("lightingColorCtrl", "colorTemperature")).toBe(153);
    send("lightingColorCtrl", "stepColorTemp", { stepmode: 1, stepsize: 47, transtime: 0, minimum: 0, maximum: 0 });
    expect(attr("lightingColorCtrl", "colorTemperature")).toBe(200);
    send("lightingColorCtrl", "moveColorTemp", { movemode: 1, rate: 100, minimum: 0, maximum: 0 });
    link.advance(1_000);
    send("lightingColorCtrl", "stopMoveStep", {});
    expect(attr("lightingColorCtrl", "colorTemperature")).toBe(300);
  });

  it("sets hue and saturation in colour mode 0", () => {
    send("lightingColorCtrl", "moveToHueAndSaturation", { hue: 100, saturation: 200, transtime: 0 });
    expect([attr("lightingColorCtrl", "currentHue"), attr("lightingColorCtrl", "currentSaturation")]).toEqual([
      100, 200,
    ]);
    expect([attr("lightingColorCtrl", "colorMode"), attr("lightingColorCtrl", "enhancedColorMode")]).toEqual([0, 0]);
  });

  it("manages groups with proper responses; membership drives groupEndpoints()", () => {
    bulb.receive(command("genGroups", "add", { groupid: 0x10, groupname: "" }));
    expect(answer()?.payload).toEqual({ status: 0, groupid: 0x10 });
    bulb.receive(command("genGroups", "add", { groupid: 0x11, groupname: "" }));
    expect(answer()?.payload).toEqual({ status: 0, groupid: 0x11 });
    expect(bulb.groupEndpoints(0x10)).toEqual([1]);
    bulb.receive(command("genGroups", "view", { groupid: 0x12 }));
    expect(answer()?.payload).toEqual({ status: Zcl.Status.NOT_FOUND, groupid: 0x12, groupname: "" });
    bulb.receive(command("genGroups", "getMembership", { groupcount: 0, grouplist: [] }));
    expect(answer()?.payload).toEqual({ capacity: 14, groupcount: 2, grouplist: [0x10, 0x11] });
    bulb.receive(command("genGroups", "remove", { groupid: 0x10 }));
    expect(answer()?.payload).toEqual({ status: 0, groupid: 0x10 });
    expect(bulb.groupEndpoints(0x10)).toEqual([]);
    bulb.receive(command("genGroups", "removeAll", {}));
    expect(bulb.groupEndpoints(0x11)).toEqual([]);
    bulb.receive(command("genGroups", "addIfIdentifying", { groupid: 0x20, groupname: "" }));
    expect(bulb.groupEndpoints(0x20)).toEqual([]);
    send("genIdentify", "identify", { identifytime: 5 });
    bulb.receive(command("genGroups", "addIfIdentifying", { groupid: 0x20, groupname: "" }));
    expect(bulb.groupEndpoints(0x20)).toEqual([1]);
  });

  it("stores and recalls scenes as zhc's scene_store/scene_recall use them", () => {
    bulb.receive(command("genScenes", "store", { groupid: 0, sceneid: 1 }));
    expect(answer()?.payload).toEqual({ status: 0, groupid: 0, sceneid: 1 });
    send("genLevelCtrl", "moveToLevelWithOnOff", { level: 1, transtime: 0 });
    send("lightingColorCtrl", "moveToColor", { colorx: 100, colory: 200, transtime: 0 });
    send("genScenes", "recall", { groupid: 0, sceneid: 1, transitionTime: 0xffff });
    expect(attr("genOnOff", "onOff")).toBe(1);
    expect(attr("genLevelCtrl", "currentLevel")).toBe(254);
    expect(attr("lightingColorCtrl", "colorMode")).toBe(2);
    expect(attr("genScenes", "currentScene")).toBe(1);
    bulb.receive(command("genScenes", "getSceneMembership", { groupid: 0 }));
    expect(answer()?.payload).toEqual({ status: 0, capacity: 15, groupid: 0, scenecount: 1, scenelist: [1] });
    bulb.receive(command("genScenes", "store", { groupid: 9, sceneid: 1 }));
    expect(answer()?.payload).toEqual({ status: Zcl.Status.INVALID_FIELD, groupid: 9, sceneid: 1 });
    bulb.receive(command("genScenes", "recall", { groupid: 0, sceneid: 7, transitionTime: 0 }));
    expect(answer()?.payload).toEqual({ cmdId: 5, statusCode: Zcl.Status.NOT_FOUND });
  });

  it("adds a scene from extension fields and views it back", () => {
    const extensionfieldsets = [
      { clstId: 6, len: 1, extField: [0] },
      { clstId: 8, len: 1, extField: [77] },
      { clstId: 768, len: 4, extField: [1000, 2000] },
    ];
    bulb.receive(
      command("genScenes", "add", { groupid: 0, sceneid: 3, transtime: 0, scenename: "", extensionfieldsets }),
    );
    expect(answer()?.payload).toEqual({ status: 0, groupId: 0, sceneId: 3 });
    bulb.receive(command("genScenes", "view", { groupid: 0, sceneid: 3 }));
    expect(answer()?.payload).toEqual({
      status: 0,
      groupid: 0,
      sceneid: 3,
      transtime: 0,
      scenename: "",
      extensionfieldsets,
    });
    send("genScenes", "recall", { groupid: 0, sceneid: 3, transitionTime: 0 });
    expect([
      attr("genOnOff", "onOff"),
      attr("genLevelCtrl", "currentLevel"),
      attr("lightingColorCtrl", "currentX"),
    ]).toEqual([0, 77, 1000]);
    expect(attr("lightingColorCtrl", "colorMode")).toBe(1);
  });

  it("identifies, counting identifyTime down, and answers identifyQuery while identifying", () => {
    send("genIdentify", "identify", { identifytime: 3 });
    link.advance(1_000);
    bulb.receive(command("genIdentify", "identifyQuery", {}));
    expect(answer()?.payload).toEqual({ timeout: 2 });
    link.advance(2_000);
    expect(attr("genIdentify", "identifyTime")).toBe(0);
  });

  it("lets a prepended behaviour inject a fault", () => {
    bulb.behaviours.unshift({
      cluster: "genOnOff",
      handle: (r) => (r.command === "on" ? { status: Zcl.Status.FAILURE } : undefined),
    });
    send("genOnOff", "off");
    bulb.receive(command("genOnOff", "on", {}, { disableDefaultResponse: true }));
    expect(answer()?.payload).toEqual({ cmdId: 1, statusCode: Zcl.Status.FAILURE });
    expect(attr("genOnOff", "onOff")).toBe(0);
  });
});

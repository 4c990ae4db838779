import { describe, expect, it } from "vitest";
import type { InterPanFrame, InterPanLink, NetworkMembership } from "../../../../lib/simulator/air.js";
import { createDevice } from "../../../../lib/simulator/devices/catalog.js";

/** A touchlink command frame as an initiator sends it: client→server, TSN 0, transaction id first. */
function command(commandId: number, transactionId: number, rest: number[] = []): InterPanFrame {
  const data = Buffer.alloc(7 + rest.length);
  data[0] = 0x11; // cluster-specific, client→server, no default response
  data[2] = commandId;
  data.writeUInt32LE(transactionId, 3);
  Buffer.from(rest).copy(data, 7);
  return { srcIeee: "0x00124b0000000000", srcPanId: 0x1a62, profileId: 0xc05e, clusterId: 0x1000, data };
}

const SCAN = (t: number) => command(0x00, t, [0x04, 0x12]);
const IDENTIFY = (t: number) => command(0x06, t, [0xff, 0xff]);
const RESET = (t: number) => command(0x07, t);

function air(network?: NetworkMembership) {
  const state = { now: 0, answers: [] as Buffer[], leaves: 0 };
  const link: InterPanLink = {
    network,
    now: () => state.now,
    answer: (_cluster, data) => state.answers.push(data),
    leaveNetwork: () => state.leaves++,
  };
  return { state, link };
}

const IN_NETWORK: NetworkMembership = {
  extendedPanId: Buffer.from("0807060504030201", "hex"),
  panId: 0x1a62,
  channel: 15,
  nwkUpdateId: 2,
  nwkAddr: 0x1234,
};

describe("touchlink target", () => {
  it("answers a scan with the fields of its state; a factory-new one on its own channel", () => {
    const bulb = createDevice("colorBulb", { ieee: "0x00124b00000000a1", touchlinkChannel: 20 });
    const { state, link } = air();
    bulb.touchlink?.receive(SCAN(0x01020304), link);
    const rsp = state.answers[0] as Buffer;
    expect(rsp.subarray(0, 3)).toEqual(Buffer.from([0x19, 0x00, 0x01])); // server→client scan response
    expect(rsp.readUInt32LE(3)).toBe(0x01020304);
    expect(rsp[9]).toBe(0x81); // factory new, profile interop
    expect(rsp[25]).toBe(20); // logical channel
    expect(rsp.readUInt16LE(28)).toBe(0xffff); // network address: none
    expect(rsp.length).toBe(3 + 29 + 7); // one sub-device: its endpoint info follows
  });

  it("in a network it reports that network", () => {
    const bulb = createDevice("colorBulb", { ieee: "0x00124b00000000a2", touchlinkChannel: 20 });
    bulb.touchlink?.joinedNetwork();
    const { state, link } = air(IN_NETWORK);
    bulb.touchlink?.receive(SCAN(7), link);
    const rsp = state.answers[0] as Buffer;
    expect(rsp[9]).toBe(0x80);
    expect(rsp.subarray(16, 24)).toEqual(IN_NETWORK.extendedPanId);
    expect([rsp[24], rsp[25], rsp.readUInt16LE(26), rsp.readUInt16LE(28)]).toEqual([2, 15, 0x1a62, 0x1234]);
  });

  it("obeys identify and reset only with the scan's transaction id, within 8 s", () => {
    const bulb = createDevice("colorBulb", { ieee: "0x00124b00000000a3", touchlinkChannel: 11 });
    const target = bulb.touchlink;
    target?.joinedNetwork();
    bulb.setAttribute(1, "genLevelCtrl", "currentLevel", 40);
    const { state, link } = air(IN_NETWORK);
    target?.receive(IDENTIFY(5), link); // no scan yet
    target?.receive(SCAN(5), link);
    target?.receive(IDENTIFY(6), link); // another transaction
    expect(target?.identifications).toHaveLength(0);
    target?.receive(IDENTIFY(5), link);
    expect(target?.lastIdentify).toEqual({ durationS: 3, at: 0 });
    state.now = 9000;
    target?.receive(RESET(5), link); // expired
    expect([state.leaves, target?.factoryNew]).toEqual([0, false]);
    target?.receive(SCAN(9), link);
    target?.receive(RESET(9), link);
    expect([state.leaves, target?.factoryNew, target?.factoryResets]).toEqual([1, true, 1]);
    expect(bulb.getAttribute(1, "genLevelCtrl", "currentLevel")).toBe(254);
  });

  it("only a kind with the touchlink cluster can be a touchlink target", () => {
    expect(() => createDevice("climateSensor", { ieee: "0x00124b00000000a4", touchlinkChannel: 11 })).toThrow(
      /no touchlink cluster/,
    );
    expect(() => createDevice("colorBulb", { ieee: "0x00124b00000000a5", touchlinkChannel: 27 })).toThrow(/11–26/);
  });
});

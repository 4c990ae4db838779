import { COORDINATOR_NWK } from "../../network/network.js";
import type { Responder } from "../context.js";

const n = (v: unknown) => v as number;

/** Node relations of the association table (`AssocDevice.nodeRelation`). */
const Relation = { CHILD_RFD: 1, CHILD_RFD_RX_IDLE: 2, CHILD_FFD: 3, CHILD_FFD_RX_IDLE: 4, NOTUSED: 0xff } as const;

export const utilResponder: Responder = {
  getDeviceInfo: (_req, ctx) => {
    const children = ctx.net.joinedMembers().filter((m) => m.parent === COORDINATOR_NWK);
    const list = children.slice(0, 64).map((m) => m.nwk);
    return {
      status: 0,
      ieeeaddr: ctx.ieee,
      shortaddr: COORDINATOR_NWK,
      devicetype: 0x07, // coordinator, router and end device capable
      devicestate: ctx.devState,
      numassocdevices: list.length,
      assocdeviceslist: list,
    };
  },
  ledControl: () => ({ status: 0 }),
  callbackSubCmd: () => ({ status: 0 }),
  testLoopback: (req) => ({ data: req.data }),
  addrmgrExtAddrLookup: (req, ctx) => ({ nwkaddr: ctx.net.get(String(req.extaddr))?.nwk ?? 0xfffe }),
  addrmgrNwkAddrLookup: (req, ctx) => ({ extaddr: ctx.net.get(n(req.nwkaddr))?.ieee ?? "0x0000000000000000" }),
  assocGetWithAddress: (req, ctx) => {
    const children = ctx.net.joinedMembers().filter((m) => m.parent === COORDINATOR_NWK);
    const ieee = String(req.extaddr).toLowerCase();
    const idx = children.findIndex((m) => m.ieee === ieee || m.nwk === n(req.nwkaddr));
    if (idx < 0) return { nwkaddr: 0xfffe, addridx: 0xffff, noderelation: Relation.NOTUSED };
    const m = children[idx];
    const d = m.device.description;
    const rxOn = (d.macCapabilities & 0x08) !== 0;
    const relation =
      d.logicalType === "Router"
        ? rxOn
          ? Relation.CHILD_FFD_RX_IDLE
          : Relation.CHILD_FFD
        : rxOn
          ? Relation.CHILD_RFD_RX_IDLE
          : Relation.CHILD_RFD;
    return { nwkaddr: m.nwk, addridx: idx, noderelation: relation };
  },
  assocRemove: () => ({ status: 0 }),
  assocAdd: () => ({ status: 0 }),
};

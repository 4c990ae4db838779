/**
 * ZDP (the Zigbee Device Profile, endpoint 0) as it travels on air: requests and responses with the ZDP transaction
 * number first. A coordinator front-end whose host sends raw ZDP frames (deCONZ's APS data requests to endpoint 0)
 * hands them here; the answer of the addressed device (or of the coordinator itself) comes back as a raw response.
 * Protocol-neutral: nothing here knows how the host is connected.
 */

import type { Binding, Ieee, SimpleDescriptor } from "../air.js";
import { ieeeFromBuffer, ieeeToBuffer } from "../mt/codec.js";
import { COORDINATOR_NWK, type Member, type Network } from "./network.js";
import { neighborTable, page, routingTable } from "./topology.js";
import * as Zdo from "./zdoPayloads.js";

export const ZdpCluster = {
  NWK_ADDR: 0x0000,
  IEEE_ADDR: 0x0001,
  NODE_DESC: 0x0002,
  POWER_DESC: 0x0003,
  SIMPLE_DESC: 0x0004,
  ACTIVE_EP: 0x0005,
  MATCH_DESC: 0x0006,
  DEVICE_ANNOUNCE: 0x0013,
  BIND: 0x0021,
  UNBIND: 0x0022,
  MGMT_LQI: 0x0031,
  MGMT_RTG: 0x0032,
  MGMT_BIND: 0x0033,
  MGMT_LEAVE: 0x0034,
  MGMT_PERMIT_JOIN: 0x0036,
  MGMT_NWK_UPDATE: 0x0038,
} as const;

const RESPONSE = 0x8000;
const LOGICAL = { Coordinator: 0, Router: 1, EndDevice: 2 } as const;
const TABLE_PAGE = 3;

/** What the ZDP server needs of the coordinator it answers for. */
export interface ZdpCoordinator {
  readonly net: Network;
  ieee(): Ieee;
  extendedPanId(): Buffer;
  /** the coordinator's own endpoints (its simple descriptors) */
  endpoints(): SimpleDescriptor[];
  /** a channel change (Mgmt_NWK_Update_req with scan duration 0xfe) */
  changeChannel(channel: number): void;
  /** bindings or membership changed: persist */
  changed(): void;
}

/** A ZDP response from `srcAddr`, with its transaction number first. */
export interface ZdpReply {
  srcAddr: number;
  clusterId: number;
  payload: Buffer;
}

/** A device that answers: joined and not silenced. Otherwise no answer ever comes, as on air. */
export function reachable(net: Network, nwk: number): Member | undefined {
  const m = net.get(nwk);
  return m?.joined && !m.silent ? m : undefined;
}

/** The device announce a joining or rejoining device broadcasts (ZDP cluster 0x0013, TSN 0). */
export function deviceAnnounce(m: Member): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16LE(m.nwk, 1);
  ieeeToBuffer(m.ieee, b, 3);
  b[11] = m.device.description.macCapabilities;
  return b;
}

function addressResponse(ieee: Ieee, nwk: number): Buffer {
  const b = Buffer.alloc(11);
  b[0] = Zdo.ZdoStatus.SUCCESS;
  ieeeToBuffer(ieee, b, 1);
  b.writeUInt16LE(nwk, 9);
  return b;
}

/** The binding a Bind_req/Unbind_req body (after the transaction number) asks for; undefined when malformed. */
export function parseBind(p: Buffer): Binding | undefined {
  if (p.length < 12) return undefined;
  const srcEndpoint = p[8];
  const clusterId = p.readUInt16LE(9);
  if (p[11] === 0x01 && p.length >= 14)
    return { srcEndpoint, clusterId, destination: { kind: "group", groupId: p.readUInt16LE(12) } };
  if (p[11] === 0x03 && p.length >= 21)
    return { srcEndpoint, clusterId, destination: { kind: "endpoint", ieee: ieeeFromBuffer(p, 12), endpoint: p[20] } };
  return undefined;
}

/** Node_Desc_rsp body of a device. */
export function memberNodeDescriptor(m: Member): Buffer {
  const d = m.device.description;
  return Zdo.nodeDescriptor({
    nwk: m.nwk,
    logicalType: LOGICAL[d.logicalType],
    macCapabilities: d.macCapabilities,
    manufacturerCode: d.manufacturerCode,
  });
}

/** Mgmt_Lqi_rsp body: the neighbour table of `owner` from `start`, one page. */
export function lqiTableResponse(
  net: Network,
  owner: number,
  epid: Buffer,
  coordinatorIeee: Ieee,
  start: number,
): Buffer {
  const all = neighborTable(net, owner, epid, coordinatorIeee);
  return Zdo.lqiTable(all.length, start, page(all, start, TABLE_PAGE));
}

/** Mgmt_Rtg_rsp body: the routing table of `owner` from `start`, one page. */
export function routingTableResponse(net: Network, owner: number, start: number): Buffer {
  const all = routingTable(net, owner);
  return Zdo.routingTable(all.length, start, page(all, start, TABLE_PAGE));
}

/** Mgmt_Bind_rsp body: the binding table of a device from `start`, one page. */
export function bindingTableResponse(m: Member, start: number): Buffer {
  const all = m.device.bindings.map((b) => ({
    srcIeee: m.ieee,
    srcEndpoint: b.srcEndpoint,
    clusterId: b.clusterId,
    dest:
      b.destination.kind === "group"
        ? { group: b.destination.groupId }
        : { ieee: b.destination.ieee, endpoint: b.destination.endpoint },
  }));
  return Zdo.bindingTable(all.length, start, page(all, start, TABLE_PAGE));
}

/** The channel a Mgmt_NWK_Update_req channel mask names (its lowest of 11..26), or undefined. */
export function channelOfMask(mask: number): number | undefined {
  for (let ch = 11; ch <= 26; ch++) if (mask & (1 << ch)) return ch;
  return undefined;
}

/**
 * A ZDP request from the coordinator's host to `dstNwk` (a device, the coordinator itself, or a broadcast).
 * `payload` starts with the ZDP transaction number. Returns the answer, or undefined when none comes.
 */
export function serveZdp(c: ZdpCoordinator, dstNwk: number, clusterId: number, payload: Buffer): ZdpReply | undefined {
  if (payload.length < 1) return undefined;
  const tsn = payload[0];
  const p = payload.subarray(1);
  const body = answer(c, dstNwk, clusterId, p);
  if (!body) return undefined;
  return {
    srcAddr: body.from,
    clusterId: clusterId | RESPONSE,
    payload: Buffer.concat([Buffer.from([tsn]), body.data]),
  };
}

function answer(
  c: ZdpCoordinator,
  dst: number,
  clusterId: number,
  p: Buffer,
): { from: number; data: Buffer } | undefined {
  const net = c.net;
  const toCoordinator = dst === COORDINATOR_NWK;
  const m = toCoordinator ? undefined : reachable(net, dst);
  if (!toCoordinator && !m && dst < 0xfff8) return undefined;
  const from = m?.nwk ?? COORDINATOR_NWK;
  const reply = (data: Buffer) => ({ from, data });
  switch (clusterId) {
    case ZdpCluster.NWK_ADDR: {
      if (p.length < 8) return undefined;
      const ieee = ieeeFromBuffer(p, 0);
      if (ieee === c.ieee()) return { from: COORDINATOR_NWK, data: addressResponse(ieee, COORDINATOR_NWK) };
      const target = net.get(ieee);
      return target?.joined && !target.silent
        ? { from: target.nwk, data: addressResponse(ieee, target.nwk) }
        : undefined;
    }
    case ZdpCluster.IEEE_ADDR:
      return reply(addressResponse(m?.ieee ?? c.ieee(), from));
    case ZdpCluster.NODE_DESC: {
      if (!m)
        return reply(Zdo.nodeDescriptor({ nwk: 0, logicalType: 0, macCapabilities: 0x8f, manufacturerCode: 0x1135 }));
      return reply(memberNodeDescriptor(m));
    }
    case ZdpCluster.POWER_DESC:
      return reply(Zdo.powerDescriptor(from, m ? (m.device.description.macCapabilities & 0x04) !== 0 : true));
    case ZdpCluster.ACTIVE_EP: {
      const eps = m ? m.device.description.endpoints : c.endpoints();
      return reply(
        Zdo.activeEndpoints(
          from,
          eps.map((e) => e.endpoint),
        ),
      );
    }
    case ZdpCluster.SIMPLE_DESC: {
      if (p.length < 3) return undefined;
      const eps = m ? m.device.description.endpoints : c.endpoints();
      const d = eps.find((e) => e.endpoint === p[2]);
      return reply(d ? Zdo.simpleDescriptor(from, d) : Zdo.simpleDescriptorStatus(from, Zdo.ZdoStatus.NOT_ACTIVE));
    }
    case ZdpCluster.MATCH_DESC:
      return m ? reply(Zdo.matchDescriptor(m.nwk, matchEndpoints(m, p))) : undefined;
    case ZdpCluster.BIND:
    case ZdpCluster.UNBIND: {
      const binding = parseBind(p);
      if (!m) return reply(Zdo.status(binding ? Zdo.ZdoStatus.SUCCESS : Zdo.ZdoStatus.NOT_SUPPORTED));
      if (!binding) return reply(Zdo.status(Zdo.ZdoStatus.NOT_SUPPORTED));
      const s = clusterId === ZdpCluster.UNBIND ? m.device.unbind(binding) : m.device.bind(binding);
      c.changed();
      return reply(Zdo.status(s));
    }
    case ZdpCluster.MGMT_LQI:
    case ZdpCluster.MGMT_RTG: {
      if (m && m.device.description.logicalType !== "Router") return reply(Zdo.status(Zdo.ZdoStatus.NOT_SUPPORTED));
      const start = p[0] ?? 0;
      if (clusterId === ZdpCluster.MGMT_LQI)
        return reply(lqiTableResponse(net, from, c.extendedPanId(), c.ieee(), start));
      return reply(routingTableResponse(net, from, start));
    }
    case ZdpCluster.MGMT_BIND: {
      if (!m) return reply(Zdo.status(Zdo.ZdoStatus.NOT_SUPPORTED));
      return reply(bindingTableResponse(m, p[0] ?? 0));
    }
    case ZdpCluster.MGMT_LEAVE: {
      if (!m) return undefined;
      const rejoin = (p[8] & 0x80) !== 0;
      const t = setTimeout(() => net.leave(m.ieee, { rejoin }), 1);
      t.unref?.();
      return reply(Zdo.status(Zdo.ZdoStatus.SUCCESS));
    }
    case ZdpCluster.MGMT_PERMIT_JOIN: {
      const duration = p[0] ?? 0;
      if (dst >= 0xfff8) {
        net.permitJoin("all", duration);
        return undefined;
      }
      if (!m) {
        net.permitJoin("coordinator", duration);
        return reply(Zdo.status(Zdo.ZdoStatus.SUCCESS));
      }
      if (m.device.description.logicalType !== "Router") return reply(Zdo.status(Zdo.ZdoStatus.NOT_SUPPORTED));
      net.permitJoin(m.nwk, duration);
      return reply(Zdo.status(Zdo.ZdoStatus.SUCCESS));
    }
    case ZdpCluster.MGMT_NWK_UPDATE: {
      const channel = p.length >= 5 && p[4] === 0xfe ? channelOfMask(p.readUInt32LE(0)) : undefined;
      if (channel !== undefined) c.changeChannel(channel);
      return undefined;
    }
    default:
      return m ? reply(Zdo.status(Zdo.ZdoStatus.NOT_SUPPORTED)) : undefined;
  }
}

function matchEndpoints(m: Member, p: Buffer): number[] {
  if (p.length < 5) return [];
  const profile = p.readUInt16LE(2);
  const nIn = p[4];
  const inClusters = Array.from({ length: nIn }, (_, i) => p.readUInt16LE(5 + i * 2));
  const o = 5 + nIn * 2;
  const nOut = p[o] ?? 0;
  const outClusters = Array.from({ length: nOut }, (_, i) => p.readUInt16LE(o + 1 + i * 2));
  return m.device.description.endpoints
    .filter(
      (e) =>
        e.profileId === profile &&
        (inClusters.some((cl) => e.inClusters.includes(cl)) || outClusters.some((cl) => e.outClusters.includes(cl))),
    )
    .map((e) => e.endpoint);
}

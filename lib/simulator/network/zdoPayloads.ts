/**
 * Standard ZDO response payloads (Zigbee spec §2.4.4), without the ZDO TSN, as Z-Stack passes them to the host
 * after the `srcaddr` of its MT AREQ.
 */

import type { SimpleDescriptor } from "../air.js";
import { ieeeToBuffer } from "../mt/codec.js";

export const ZdoStatus = {
  SUCCESS: 0x00,
  INV_REQUESTTYPE: 0x80,
  DEVICE_NOT_FOUND: 0x81,
  INVALID_EP: 0x82,
  NOT_ACTIVE: 0x83,
  NOT_SUPPORTED: 0x84,
  TIMEOUT: 0x85,
  NO_MATCH: 0x86,
  NO_ENTRY: 0x88,
  NO_DESCRIPTOR: 0x89,
  INSUFFICIENT_SPACE: 0x8a,
  NOT_PERMITTED: 0x8b,
  TABLE_FULL: 0x8c,
  NOT_AUTHORIZED: 0x8d,
} as const;

export function status(s: number): Buffer {
  return Buffer.from([s]);
}

export function nodeDescriptor(args: {
  nwk: number;
  logicalType: number;
  macCapabilities: number;
  manufacturerCode: number;
}): Buffer {
  const b = Buffer.alloc(16);
  b[0] = ZdoStatus.SUCCESS;
  b.writeUInt16LE(args.nwk, 1);
  b[3] = args.logicalType & 0x07;
  b[4] = 0x40; // 2.4 GHz
  b[5] = args.macCapabilities;
  b.writeUInt16LE(args.manufacturerCode, 6);
  b[8] = 0x52; // max buffer size 82
  b.writeUInt16LE(0x52, 9); // max incoming transfer size
  b.writeUInt16LE(0x2c00, 11); // server mask: stack compliance revision 22
  b.writeUInt16LE(0x52, 13); // max outgoing transfer size
  b[15] = 0x00; // descriptor capability
  return b;
}

export function powerDescriptor(nwk: number, mains: boolean): Buffer {
  const b = Buffer.alloc(5);
  b.writeUInt16LE(nwk, 1);
  // current mode 0 (rx on when idle); available: mains or battery; current source; level 100%
  b[3] = mains ? 0x10 : 0x40;
  b[4] = mains ? 0xc1 : 0xc4;
  return b;
}

export function activeEndpoints(nwk: number, endpoints: number[]): Buffer {
  const b = Buffer.alloc(4 + endpoints.length);
  b.writeUInt16LE(nwk, 1);
  b[3] = endpoints.length;
  endpoints.forEach((ep, i) => {
    b[4 + i] = ep;
  });
  return b;
}

export function simpleDescriptor(nwk: number, d: SimpleDescriptor): Buffer {
  const descLen = 8 + 2 * d.inClusters.length + 2 * d.outClusters.length;
  const b = Buffer.alloc(4 + descLen);
  b.writeUInt16LE(nwk, 1);
  b[3] = descLen;
  let o = 4;
  b[o++] = d.endpoint;
  b.writeUInt16LE(d.profileId, o);
  o += 2;
  b.writeUInt16LE(d.deviceId, o);
  o += 2;
  b[o++] = d.deviceVersion & 0x0f;
  b[o++] = d.inClusters.length;
  for (const c of d.inClusters) {
    b.writeUInt16LE(c, o);
    o += 2;
  }
  b[o++] = d.outClusters.length;
  for (const c of d.outClusters) {
    b.writeUInt16LE(c, o);
    o += 2;
  }
  return b;
}

export function simpleDescriptorStatus(nwk: number, s: number): Buffer {
  const b = Buffer.alloc(4);
  b[0] = s;
  b.writeUInt16LE(nwk, 1);
  return b;
}

export function matchDescriptor(nwk: number, endpoints: number[]): Buffer {
  return activeEndpoints(nwk, endpoints);
}

/** NWK_addr_rsp / IEEE_addr_rsp in Z-Stack's MT layout: startIndex and numAssocDev swapped compared with ZDO. */
export function addressResponseMt(ieee: string, nwk: number, assoc: number[] = [], startIndex = 0): Buffer {
  const b = Buffer.alloc(13 + assoc.length * 2);
  b[0] = ZdoStatus.SUCCESS;
  ieeeToBuffer(ieee, b, 1);
  b.writeUInt16LE(nwk, 9);
  b[11] = startIndex;
  b[12] = assoc.length;
  assoc.forEach((a, i) => {
    b.writeUInt16LE(a, 13 + i * 2);
  });
  return b;
}

export interface LqiEntry {
  extendedPanId: Buffer; // 8 bytes, as on air (little-endian)
  ieee: string;
  nwk: number;
  deviceType: number; // 0 coordinator, 1 router, 2 end device
  rxOnWhenIdle: number; // 0 off, 1 on
  relationship: number; // 0 parent, 1 child, 2 sibling, 3 none
  permitJoining: number;
  depth: number;
  lqi: number;
}

export function lqiTable(total: number, startIndex: number, entries: LqiEntry[]): Buffer {
  const b = Buffer.alloc(4 + entries.length * 22);
  b[0] = ZdoStatus.SUCCESS;
  b[1] = total;
  b[2] = startIndex;
  b[3] = entries.length;
  let o = 4;
  for (const e of entries) {
    e.extendedPanId.copy(b, o, 0, 8);
    ieeeToBuffer(e.ieee, b, o + 8);
    b.writeUInt16LE(e.nwk, o + 16);
    b[o + 18] = (e.deviceType & 0x03) | ((e.rxOnWhenIdle & 0x03) << 2) | ((e.relationship & 0x07) << 4);
    b[o + 19] = e.permitJoining & 0x03;
    b[o + 20] = e.depth;
    b[o + 21] = e.lqi;
    o += 22;
  }
  return b;
}

export interface RouteEntry {
  destination: number;
  status: number; // 0 active
  nextHop: number;
}

export function routingTable(total: number, startIndex: number, entries: RouteEntry[]): Buffer {
  const b = Buffer.alloc(4 + entries.length * 5);
  b[0] = ZdoStatus.SUCCESS;
  b[1] = total;
  b[2] = startIndex;
  b[3] = entries.length;
  let o = 4;
  for (const e of entries) {
    b.writeUInt16LE(e.destination, o);
    b[o + 2] = e.status & 0x07;
    b.writeUInt16LE(e.nextHop, o + 3);
    o += 5;
  }
  return b;
}

export interface BindEntryOnAir {
  srcIeee: string;
  srcEndpoint: number;
  clusterId: number;
  dest: { group: number } | { ieee: string; endpoint: number };
}

export function bindingTable(total: number, startIndex: number, entries: BindEntryOnAir[]): Buffer {
  const parts: Buffer[] = [Buffer.from([ZdoStatus.SUCCESS, total, startIndex, entries.length])];
  for (const e of entries) {
    const head = Buffer.alloc(11);
    ieeeToBuffer(e.srcIeee, head, 0);
    head[8] = e.srcEndpoint;
    head.writeUInt16LE(e.clusterId, 9);
    parts.push(head);
    if ("group" in e.dest) {
      const d = Buffer.alloc(3);
      d[0] = 0x01;
      d.writeUInt16LE(e.dest.group, 1);
      parts.push(d);
    } else {
      const d = Buffer.alloc(10);
      d[0] = 0x03;
      ieeeToBuffer(e.dest.ieee, d, 1);
      d[9] = e.dest.endpoint;
      parts.push(d);
    }
  }
  return Buffer.concat(parts);
}

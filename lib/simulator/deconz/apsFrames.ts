import type { Ieee } from "../air.js";
import { ieeeFromBuffer, ieeeToBuffer } from "../mt/codec.js";
import { AddrMode } from "./protocol.js";

/** Where an APS frame goes: a group, a network address (with endpoint), or an IEEE address (with endpoint). */
export type ApsDestination =
  | { mode: typeof AddrMode.GROUP; group: number }
  | { mode: typeof AddrMode.NWK; nwk: number; endpoint: number }
  | { mode: typeof AddrMode.IEEE; ieee: Ieee; endpoint: number };

/** APS_DATA_REQUEST from the host. */
export interface ApsDataRequest {
  requestId: number;
  destination: ApsDestination;
  profileId: number;
  clusterId: number;
  srcEndpoint: number;
  asdu: Buffer;
  txOptions: number;
  radius: number;
}

/** Decodes the body of an APS_DATA_REQUEST frame (after the 5-byte header); throws on a short frame. */
export function decodeApsDataRequest(frame: Buffer): ApsDataRequest {
  let o = 7; // header, payloadLength
  const requestId = frame[o++];
  o++; // flags
  const mode = frame[o++];
  let destination: ApsDestination;
  if (mode === AddrMode.GROUP) {
    destination = { mode, group: frame.readUInt16LE(o) };
    o += 2;
  } else if (mode === AddrMode.NWK) {
    destination = { mode, nwk: frame.readUInt16LE(o), endpoint: frame[o + 2] };
    o += 3;
  } else if (mode === AddrMode.IEEE) {
    destination = { mode, ieee: ieeeFromBuffer(frame, o), endpoint: frame[o + 8] };
    o += 9;
  } else throw new RangeError(`address mode ${mode}`);
  const profileId = frame.readUInt16LE(o);
  const clusterId = frame.readUInt16LE(o + 2);
  const srcEndpoint = frame[o + 4];
  const len = frame.readUInt16LE(o + 5);
  o += 7;
  if (o + len + 2 > frame.length) throw new RangeError("asdu past the end of the frame");
  const asdu = Buffer.from(frame.subarray(o, o + len));
  return {
    requestId,
    destination,
    profileId,
    clusterId,
    srcEndpoint,
    asdu,
    txOptions: frame[o + len],
    radius: frame[o + len + 1],
  };
}

function destinationBytes(d: ApsDestination): Buffer {
  if (d.mode === AddrMode.GROUP) {
    const b = Buffer.alloc(3);
    b[0] = d.mode;
    b.writeUInt16LE(d.group, 1);
    return b;
  }
  if (d.mode === AddrMode.NWK) {
    const b = Buffer.alloc(4);
    b[0] = d.mode;
    b.writeUInt16LE(d.nwk, 1);
    b[3] = d.endpoint;
    return b;
  }
  const b = Buffer.alloc(10);
  b[0] = d.mode;
  ieeeToBuffer(d.ieee, b, 1);
  b[9] = d.endpoint;
  return b;
}

/** The payload of an APS_DATA_CONFIRM answer (after the device state byte). */
export function confirmPayload(req: ApsDataRequest, status: number): Buffer {
  return Buffer.concat([
    Buffer.from([req.requestId]),
    destinationBytes(req.destination),
    Buffer.from([req.srcEndpoint, status, 0, 0, 0, 0]),
  ]);
}

/** A frame for the host, as the firmware queues it until the host reads it with APS_DATA_INDICATION. */
export interface ApsIndication {
  destination: { mode: typeof AddrMode.GROUP; group: number } | { mode: typeof AddrMode.NWK; nwk: number };
  dstEndpoint: number;
  srcNwk: number;
  srcIeee?: Ieee;
  srcEndpoint: number;
  profileId: number;
  clusterId: number;
  asdu: Buffer;
  lqi: number;
  rssi: number;
}

/** The payload of an APS_DATA_INDICATION answer (after the device state byte). */
export function indicationPayload(ind: ApsIndication): Buffer {
  const d = ind.destination;
  const head = Buffer.alloc(4);
  head[0] = d.mode;
  head.writeUInt16LE(d.mode === AddrMode.GROUP ? d.group : d.nwk, 1);
  head[3] = d.mode === AddrMode.GROUP ? 0 : ind.dstEndpoint;
  const src = Buffer.alloc(ind.srcIeee ? 11 : 3);
  src[0] = ind.srcIeee ? AddrMode.NWK_AND_IEEE : AddrMode.NWK;
  src.writeUInt16LE(ind.srcNwk, 1);
  if (ind.srcIeee) ieeeToBuffer(ind.srcIeee, src, 3);
  const mid = Buffer.alloc(7);
  mid[0] = ind.srcEndpoint;
  mid.writeUInt16LE(ind.profileId, 1);
  mid.writeUInt16LE(ind.clusterId, 3);
  mid.writeUInt16LE(ind.asdu.length, 5);
  // two reserved bytes, the LQI, four reserved bytes, the RSSI
  const tail = Buffer.from([0, 0, ind.lqi, 0, 0, 0, 0, ind.rssi & 0xff]);
  return Buffer.concat([head, src, mid, ind.asdu, tail]);
}

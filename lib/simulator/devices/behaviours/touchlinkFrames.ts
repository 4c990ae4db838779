/**
 * The touchlink commissioning frames (ZCL cluster 0x1000) a target reads and writes, by hand: a factory-new target
 * reports values (PAN id and address 0xffff) outside the ranges herdsman's ZCL encoder accepts.
 */

/** ZCL frame control: cluster-specific frame, manufacturer-specific, server→client, disable default response. */
const FRAME_TYPE_SPECIFIC = 0x01;
const MANUFACTURER_SPECIFIC = 0x04;
const SERVER_TO_CLIENT = 0x08;
const DISABLE_DEFAULT_RESPONSE = 0x10;

export const TouchlinkCommand = {
  SCAN_REQUEST: 0x00,
  SCAN_RESPONSE: 0x01,
  IDENTIFY_REQUEST: 0x06,
  RESET_TO_FACTORY_NEW: 0x07,
} as const;

/** A touchlink command a target received (client→server). */
export interface TouchlinkRequest {
  tsn: number;
  commandId: number;
  /** the inter-PAN transaction identifier every touchlink command starts with */
  transactionId: number;
  /** the rest of the payload */
  payload: Buffer;
}

/** A client→server touchlink command, or undefined for anything else (a response, a global command, a stub). */
export function parseTouchlinkRequest(data: Buffer): TouchlinkRequest | undefined {
  if (data.length < 3) return undefined;
  const control = data[0];
  if ((control & 0x03) !== FRAME_TYPE_SPECIFIC || (control & SERVER_TO_CLIENT) !== 0) return undefined;
  const header = control & MANUFACTURER_SPECIFIC ? 5 : 3;
  if (data.length < header + 4) return undefined;
  return {
    tsn: data[header - 2],
    commandId: data[header - 1],
    transactionId: data.readUInt32LE(header),
    payload: data.subarray(header + 4),
  };
}

/** The fields of a scan response (ZCL touchlink commissioning), in their order on the air. */
export interface ScanResponseFields {
  transactionId: number;
  rssiCorrection: number;
  zigbeeInformation: number;
  touchlinkInformation: number;
  keyBitmask: number;
  responseId: number;
  /** little-endian, as the NIB stores it */
  extendedPanId: Buffer;
  networkUpdateId: number;
  logicalChannel: number;
  panId: number;
  networkAddress: number;
  numberOfSubDevices: number;
  totalGroupIds: number;
  /** present when the device has exactly one sub-device */
  subDevice?: { endpoint: number; profileId: number; deviceId: number; version: number; groupIdCount: number };
}

/** A scan response frame: server→client, no default response, the request's TSN. */
export function encodeScanResponse(tsn: number, f: ScanResponseFields): Buffer {
  const b = Buffer.alloc(3 + 29 + (f.subDevice ? 7 : 0));
  b[0] = FRAME_TYPE_SPECIFIC | SERVER_TO_CLIENT | DISABLE_DEFAULT_RESPONSE;
  b[1] = tsn;
  b[2] = TouchlinkCommand.SCAN_RESPONSE;
  let o = b.writeUInt32LE(f.transactionId >>> 0, 3);
  o = b.writeUInt8(f.rssiCorrection, o);
  o = b.writeUInt8(f.zigbeeInformation, o);
  o = b.writeUInt8(f.touchlinkInformation, o);
  o = b.writeUInt16LE(f.keyBitmask, o);
  o = b.writeUInt32LE(f.responseId >>> 0, o);
  f.extendedPanId.copy(b, o, 0, 8);
  o += 8;
  o = b.writeUInt8(f.networkUpdateId, o);
  o = b.writeUInt8(f.logicalChannel, o);
  o = b.writeUInt16LE(f.panId, o);
  o = b.writeUInt16LE(f.networkAddress, o);
  o = b.writeUInt8(f.numberOfSubDevices, o);
  o = b.writeUInt8(f.totalGroupIds, o);
  const s = f.subDevice;
  if (s) {
    o = b.writeUInt8(s.endpoint, o);
    o = b.writeUInt16LE(s.profileId, o);
    o = b.writeUInt16LE(s.deviceId, o);
    o = b.writeUInt8(s.version, o);
    b.writeUInt8(s.groupIdCount, o);
  }
  return b;
}

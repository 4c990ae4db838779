import { Zcl } from "zigbee-herdsman";
import type { AttributeValue } from "./deviceSpec.js";

/** Encodes the ZCL frames a device sends. Every device frame goes server→client unless it is a command it issues. */

const { DataType } = Zcl;

export interface ReportRecord {
  readonly id: number;
  readonly type: number;
  readonly value: AttributeValue;
}

/** byte size of the fixed-size integer types (signed as negative), for the hand-written report encoder */
const INTEGER_SIZE: Partial<Record<number, number>> = {
  [DataType.BOOLEAN]: 1,
  [DataType.DATA8]: 1,
  [DataType.BITMAP8]: 1,
  [DataType.UINT8]: 1,
  [DataType.ENUM8]: 1,
  [DataType.INT8]: -1,
  [DataType.DATA16]: 2,
  [DataType.BITMAP16]: 2,
  [DataType.UINT16]: 2,
  [DataType.ENUM16]: 2,
  [DataType.CLUSTER_ID]: 2,
  [DataType.ATTR_ID]: 2,
  [DataType.INT16]: -2,
  [DataType.DATA24]: 3,
  [DataType.BITMAP24]: 3,
  [DataType.UINT24]: 3,
  [DataType.INT24]: -3,
  [DataType.DATA32]: 4,
  [DataType.BITMAP32]: 4,
  [DataType.UINT32]: 4,
  [DataType.UTC]: 4,
  [DataType.INT32]: -4,
  [DataType.UINT40]: 5,
  [DataType.INT40]: -5,
  [DataType.DATA48]: 6,
  [DataType.BITMAP48]: 6,
  [DataType.UINT48]: 6,
  [DataType.INT48]: -6,
};

/** Frame control of a global, server→client frame with disableDefaultResponse set. */
const REPORT_FRAME_CONTROL = 0x18;
const REPORT_COMMAND = 0x0a;

/**
 * An `attributeReport` (server→client, disableDefaultResponse). Integer types are written by hand (about 10× faster
 * than `Zcl.Frame.create(...).toBuffer()`); any other type falls back to herdsman's encoder.
 */
export function encodeReport(clusterId: number, tsn: number, records: readonly ReportRecord[]): Buffer {
  let length = 3;
  for (const record of records) {
    const size = INTEGER_SIZE[record.type];
    if (size === undefined || typeof record.value !== "number") return encodeReportSlow(clusterId, tsn, records);
    length += 3 + Math.abs(size);
  }
  const buffer = Buffer.allocUnsafe(length);
  buffer[0] = REPORT_FRAME_CONTROL;
  buffer[1] = tsn;
  buffer[2] = REPORT_COMMAND;
  let offset = 3;
  for (const record of records) {
    const size = INTEGER_SIZE[record.type] as number;
    buffer.writeUInt16LE(record.id, offset);
    buffer[offset + 2] = record.type;
    const value = record.value as number;
    if (size > 0) buffer.writeUIntLE(value, offset + 3, size);
    else buffer.writeIntLE(value, offset + 3, -size);
    offset += 3 + Math.abs(size);
  }
  return buffer;
}

function encodeReportSlow(clusterId: number, tsn: number, records: readonly ReportRecord[]): Buffer {
  const payload = records.map((r) => ({ attrId: r.id, dataType: r.type, attrData: r.value }));
  return encodeGlobal(clusterId, tsn, "report", payload, Zcl.Direction.SERVER_TO_CLIENT);
}

/** A global (foundation) command frame with disableDefaultResponse set. */
export function encodeGlobal(
  clusterId: number,
  tsn: number,
  command: string,
  payload: unknown,
  direction: number = Zcl.Direction.SERVER_TO_CLIENT,
): Buffer {
  return Zcl.Frame.create(
    Zcl.FrameType.GLOBAL,
    direction,
    true,
    undefined,
    tsn,
    command,
    clusterId,
    payload,
    {},
  ).toBuffer();
}

/** A cluster-specific frame: a response (server→client) or a command a device issues (client→server). */
export function encodeSpecific(
  clusterId: number,
  tsn: number,
  command: string,
  payload: unknown,
  direction: number,
  disableDefaultResponse = true,
): Buffer {
  return Zcl.Frame.create(
    Zcl.FrameType.SPECIFIC,
    direction,
    disableDefaultResponse,
    undefined,
    tsn,
    command,
    clusterId,
    payload,
    {},
  ).toBuffer();
}

/** A defaultRsp answering command `commandId` with `status`. */
export function encodeDefaultRsp(clusterId: number, tsn: number, commandId: number, status: number): Buffer {
  return encodeGlobal(clusterId, tsn, "defaultRsp", { cmdId: commandId, statusCode: status });
}

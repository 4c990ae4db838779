/**
 * UNPI framing as Z-Stack's MT transport uses it:
 *   SOF(0xfe) | LEN | CMD0 | CMD1 | DATA[LEN] | FCS
 * CMD0 = (type << 5) | subsystem; FCS = XOR of LEN, CMD0, CMD1 and DATA.
 */

export const SOF = 0xfe;
/** Largest DATA a frame may carry (one length byte; herdsman's own buffer is 250). */
export const MAX_DATA = 250;

export enum FrameType {
  POLL = 0,
  SREQ = 1,
  AREQ = 2,
  SRSP = 3,
}

export enum Subsystem {
  RES0 = 0,
  SYS = 1,
  MAC = 2,
  NWK = 3,
  AF = 4,
  ZDO = 5,
  SAPI = 6,
  UTIL = 7,
  DEBUG = 8,
  APP = 9,
  APP_CNF = 15,
  GREENPOWER = 21,
}

export interface UnpiFrame {
  type: FrameType;
  subsystem: number;
  command: number;
  data: Buffer;
}

export function fcs(buffer: Buffer, start: number, end: number): number {
  let x = 0;
  for (let i = start; i < end; i++) x ^= buffer[i];
  return x;
}

export function encodeFrame(frame: UnpiFrame): Buffer {
  const len = frame.data.length;
  if (len > MAX_DATA) throw new RangeError(`UNPI data too long: ${len} > ${MAX_DATA}`);
  const out = Buffer.allocUnsafe(len + 5);
  out[0] = SOF;
  out[1] = len;
  out[2] = ((frame.type & 0x07) << 5) | (frame.subsystem & 0x1f);
  out[3] = frame.command;
  frame.data.copy(out, 4);
  out[len + 4] = fcs(out, 1, len + 4);
  return out;
}

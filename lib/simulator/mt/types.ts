/** Parameter types of the MT wire format (little-endian). */
export type ParamType =
  | "u8"
  | "i8"
  | "u16"
  | "u32"
  /** 8 bytes little-endian, as a `0x…` string of 16 hex digits */
  | "ieee"
  /** as many bytes as the preceding numeric parameter says */
  | "buffer"
  /** every remaining byte of the frame */
  | "rest"
  /** a fixed number of bytes (see `length`) */
  | "bytes"
  /** `count` u16 values, the count being the preceding numeric parameter */
  | "list_u16"
  /** `count` u8 values, the count being the preceding numeric parameter */
  | "list_u8";

export interface Param {
  name: string;
  type: ParamType;
  /** for "bytes" */
  length?: number;
}

export type MtPayload = Record<string, unknown>;

export interface MtCommand {
  subsystem: number;
  id: number;
  name: string;
  /** SREQ: the host asks and waits for an SRSP; AREQ: either direction, no answer */
  type: "SREQ" | "AREQ";
  /** fields of the SREQ, or of the AREQ */
  request: Param[];
  /** fields of the SRSP (SREQ only) */
  response?: Param[];
}

import type { Ieee } from "../air.js";
import { ParamId, PROTOCOL_VERSION, Status } from "./protocol.js";

/** How a parameter is laid out on the wire; `indexed` ones take an argument on read (key index, endpoint index). */
type Layout = { size: number; writable: boolean; indexed?: "u8" | "u64" };

const LAYOUT: Record<number, Layout> = {
  [ParamId.MAC_ADDRESS]: { size: 8, writable: true },
  [ParamId.NWK_PANID]: { size: 2, writable: true },
  [ParamId.NWK_ADDRESS]: { size: 2, writable: false },
  [ParamId.NWK_EXTENDED_PANID]: { size: 8, writable: false },
  [ParamId.APS_DESIGNED_COORDINATOR]: { size: 1, writable: true },
  [ParamId.APS_CHANNEL_MASK]: { size: 4, writable: true },
  [ParamId.APS_USE_EXTENDED_PANID]: { size: 8, writable: true },
  [ParamId.APS_TRUST_CENTER_ADDRESS]: { size: 8, writable: true },
  [ParamId.STK_ENDPOINT]: { size: -1, writable: true, indexed: "u8" },
  [ParamId.STK_PREDEFINED_PANID]: { size: 1, writable: true },
  [ParamId.STK_STATIC_NETWORK_ADDRESS]: { size: 1, writable: true },
  [ParamId.STK_NETWORK_KEY]: { size: 17, writable: true, indexed: "u8" },
  [ParamId.STK_LINK_KEY]: { size: 24, writable: true, indexed: "u64" },
  [ParamId.STK_CURRENT_CHANNEL]: { size: 1, writable: false },
  [ParamId.STK_PERMIT_JOIN]: { size: 1, writable: true },
  [ParamId.STK_PROTOCOL_VERSION]: { size: 2, writable: false },
  [ParamId.STK_NWK_UPDATE_ID]: { size: 1, writable: true },
  [ParamId.DEV_WATCHDOG_TTL]: { size: 4, writable: true },
  [ParamId.STK_FRAME_COUNTER]: { size: 4, writable: true },
  [ParamId.STK_DEBUG_LOG_LEVEL]: { size: 4, writable: true },
};

/** Parameters that live in RAM only (the watchdog, permit join, log level): not persisted. */
const VOLATILE = new Set<number>([ParamId.DEV_WATCHDOG_TTL, ParamId.STK_PERMIT_JOIN, ParamId.STK_DEBUG_LOG_LEVEL]);

export interface DeconzSnapshot {
  /** parameter id (decimal) → value bytes (hex); indexed ones as `id/index` */
  params: Record<string, string>;
  /** the firmware was in the network when it was powered off (it starts the network again by itself) */
  connected: boolean;
}

export type ReadResult = { status: number; value?: Buffer };

/**
 * The firmware's parameter store: raw little-endian values as the serial protocol carries them, keyed by parameter
 * id (and index for keys and endpoints). Reads and writes check the layout the way the firmware does.
 */
export class DeconzParameters {
  private readonly values = new Map<string, Buffer>();
  /** the host or the firmware changed something persistent */
  onChange: (() => void) | undefined;

  constructor(mac: Ieee) {
    this.setU64(ParamId.MAC_ADDRESS, mac);
    this.values.set(key(ParamId.NWK_ADDRESS), Buffer.from([0, 0]));
    this.values.set(key(ParamId.APS_DESIGNED_COORDINATOR), Buffer.from([1]));
    this.setU32(ParamId.APS_CHANNEL_MASK, 0x07fff800);
    this.setU16(ParamId.STK_PROTOCOL_VERSION, PROTOCOL_VERSION);
    this.setU32(ParamId.DEV_WATCHDOG_TTL, 0);
    // a blank stick: a default endpoint the host replaces, no network key, no PAN
    this.values.set(key(ParamId.STK_ENDPOINT, 0), Buffer.from([0, 0x01, 0x04, 0x01, 0x05, 0x00, 0x01, 0x00, 0x00]));
  }

  // ---- the serial protocol's view ------------------------------------------------------------------------------

  read(id: number, arg: Buffer): ReadResult {
    const layout = LAYOUT[id];
    if (!layout) return { status: Status.UNSUPPORTED };
    if (!layout.indexed) {
      const v = this.values.get(key(id));
      return v ? { status: Status.SUCCESS, value: v } : { status: Status.UNSUPPORTED };
    }
    const index = indexOf(layout, arg);
    if (index === undefined) return { status: Status.INVALID_VALUE };
    const v = this.values.get(key(id, index));
    if (v) return { status: Status.SUCCESS, value: v };
    if (id === ParamId.STK_NETWORK_KEY)
      return { status: Status.SUCCESS, value: Buffer.concat([arg.subarray(0, 1), Buffer.alloc(16)]) };
    return { status: Status.UNSUPPORTED };
  }

  write(id: number, data: Buffer): number {
    const layout = LAYOUT[id];
    if (!layout) return Status.UNSUPPORTED;
    if (!layout.writable) return Status.INVALID_VALUE;
    if (layout.size > 0 && data.length !== layout.size) return Status.INVALID_VALUE;
    if (layout.size < 0 && data.length < 2) return Status.INVALID_VALUE;
    const index = layout.indexed ? indexOf(layout, data) : undefined;
    this.values.set(key(id, index), Buffer.from(data));
    if (!VOLATILE.has(id)) this.onChange?.();
    return Status.SUCCESS;
  }

  // ---- typed access for the firmware's own logic ---------------------------------------------------------------

  u8(id: number): number {
    return this.values.get(key(id))?.[0] ?? 0;
  }

  u16(id: number): number {
    return this.values.get(key(id))?.readUInt16LE(0) ?? 0;
  }

  u32(id: number): number {
    return this.values.get(key(id))?.readUInt32LE(0) ?? 0;
  }

  /** a U64 parameter as the 8 bytes on air (little-endian) */
  bytes(id: number, index?: number): Buffer | undefined {
    return this.values.get(key(id, index));
  }

  setU8(id: number, v: number, notify = true): void {
    this.set(id, Buffer.from([v & 0xff]), notify);
  }

  setU16(id: number, v: number): void {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(v);
    this.set(id, b);
  }

  setU32(id: number, v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    this.set(id, b);
  }

  setU64(id: number, ieee: Ieee): void {
    this.set(id, Buffer.from(ieee.slice(2).padStart(16, "0"), "hex").reverse());
  }

  setBytes(id: number, value: Buffer): void {
    this.set(id, Buffer.from(value));
  }

  /** the network key (16 bytes) at index 0 */
  networkKey(): Buffer {
    return this.values.get(key(ParamId.STK_NETWORK_KEY, 0))?.subarray(1, 17) ?? Buffer.alloc(16);
  }

  private set(id: number, value: Buffer, notify = true): void {
    this.values.set(key(id), value);
    if (notify && !VOLATILE.has(id)) this.onChange?.();
  }

  // ---- persistence ----------------------------------------------------------------------------------------------

  snapshot(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.values) {
      if (!VOLATILE.has(Number(k.split("/")[0]))) out[k] = v.toString("hex");
    }
    return out;
  }

  restore(params: Record<string, string>): void {
    for (const [k, hex] of Object.entries(params)) {
      if (/^\d+(\/[0-9a-f]+)?$/.test(k) && /^([0-9a-f]{2})*$/i.test(hex)) this.values.set(k, Buffer.from(hex, "hex"));
    }
    this.setU16(ParamId.STK_PROTOCOL_VERSION, PROTOCOL_VERSION);
  }
}

function key(id: number, index?: number | string): string {
  return index === undefined ? String(id) : `${id}/${index}`;
}

function indexOf(layout: Layout, arg: Buffer): string | undefined {
  if (layout.indexed === "u8") return arg.length >= 1 ? arg[0].toString(16) : undefined;
  return arg.length >= 8 ? Buffer.from(arg.subarray(0, 8)).toString("hex") : undefined;
}

import { Zcl } from "zigbee-herdsman";
import type { ApsFrame, DeviceLink, OutgoingFrame, Timer } from "../../../../../lib/simulator/air.js";

interface PendingTimer {
  id: number;
  at: number;
  fn: () => void;
}

/** A DeviceLink that records what the device sends, with a manual clock. */
export class FakeLink implements DeviceLink {
  time = 1_000_000;
  readonly sent: OutgoingFrame[] = [];
  private readonly timers = new Map<number, PendingTimer>();
  private nextId = 1;

  send(frame: OutgoingFrame): void {
    this.sent.push(frame);
  }

  now(): number {
    return this.time;
  }

  setTimer(fn: () => void, ms: number): Timer {
    const id = this.nextId++;
    this.timers.set(id, { id, at: this.time + ms, fn });
    return id as unknown as Timer;
  }

  clearTimer(timer: Timer): void {
    this.timers.delete(timer as unknown as number);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves the clock forward, running due timers in time order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: PendingTimer | undefined;
      for (const timer of this.timers.values()) {
        if (timer.at <= end && (!next || timer.at < next.at || (timer.at === next.at && timer.id < next.id)))
          next = timer;
      }
      if (!next) break;
      this.timers.delete(next.id);
      this.time = next.at;
      next.fn();
    }
    this.time = end;
  }

  /** Returns the frames sent so far and forgets them. */
  take(): OutgoingFrame[] {
    return this.sent.splice(0);
  }
}

export interface RequestOptions {
  tsn?: number;
  /** default: true for global commands, false for cluster commands (as herdsman sends them) */
  disableDefaultResponse?: boolean;
  dstEndpoint?: number;
  srcAddr?: number;
  groupId?: number;
  manufacturerCode?: number;
}

/** A ZCL request as herdsman sends it from the coordinator (nwk 0, endpoint 1). */
export function zclRequest(
  cluster: string,
  command: string,
  payload: unknown,
  global: boolean,
  options: RequestOptions = {},
): ApsFrame {
  const frameType = global ? Zcl.FrameType.GLOBAL : Zcl.FrameType.SPECIFIC;
  const ddr = options.disableDefaultResponse ?? global;
  const frame = Zcl.Frame.create(
    frameType,
    Zcl.Direction.CLIENT_TO_SERVER,
    ddr,
    options.manufacturerCode,
    options.tsn ?? 42,
    command,
    cluster,
    payload,
    {},
  );
  return {
    profileId: 0x0104,
    clusterId: frame.cluster.ID,
    srcAddr: options.srcAddr ?? 0,
    srcEndpoint: 1,
    dstEndpoint: options.groupId !== undefined ? 0xff : (options.dstEndpoint ?? 1),
    groupId: options.groupId,
    data: frame.toBuffer(),
  };
}

/** A global command (read, write, configReport…). */
export function globalRequest(cluster: string, command: string, payload: unknown, options?: RequestOptions): ApsFrame {
  return zclRequest(cluster, command, payload, true, options);
}

/** A cluster-specific command (on, moveToLevel…). */
export function command(cluster: string, name: string, payload: unknown = {}, options?: RequestOptions): ApsFrame {
  return zclRequest(cluster, name, payload, false, options);
}

/** Parses a frame the device sent. */
export function parse(frame: OutgoingFrame): Zcl.Frame {
  return Zcl.Frame.fromBuffer(frame.clusterId, Zcl.Header.fromBuffer(frame.data), frame.data, {});
}

/** The attribute values of an attributeReport or readRsp, by attribute name. */
export function values(frame: OutgoingFrame): Record<string, unknown> {
  const parsed = parse(frame);
  const result: Record<string, unknown> = {};
  for (const record of parsed.payload as { attrId: number; attrData?: unknown; status?: number }[]) {
    if (record.status !== undefined && record.status !== 0) continue;
    const name = Zcl.Utils.getClusterAttribute(parsed.cluster, record.attrId, undefined)?.name ?? String(record.attrId);
    result[name] = record.attrData;
  }
  return result;
}

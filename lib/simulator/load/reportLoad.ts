import type { VirtualDevice } from "../devices/virtualDevice.js";

export interface ReportLoadOptions {
  /** how many reports in all */
  count: number;
  /** reports per second over all devices; unset: as fast as the host takes them (TCP backpressure) */
  rate?: number;
  /** what each report carries (default: the bulb's current level, which every colour bulb has) */
  endpoint?: number;
  cluster?: string;
  attribute?: string;
  /** the value for report number i (default: a level that changes every report) */
  value?: (i: number) => number;
}

export interface ReportLoadResult {
  sent: number;
  elapsedMs: number;
  perSecond: number;
}

export interface LoadSink {
  /** bytes queued towards the host and not yet taken by it */
  backlog(): number;
  /** resolves when the host took what was queued (or after a short pause) */
  drained(): Promise<void>;
}

/**
 * Bytes queued to the host above which we wait for it. Small, like a UART's buffers: the host then reads short
 * chunks, as from a real stick (zigbee-herdsman's frame parser costs grow with the size of what it reads at once).
 */
const HIGH_WATER = 4 * 1024;
const BURST = 64;

/** N devices send attribute reports round-robin, at a given rate or as fast as the host accepts them. */
export async function runReportLoad(
  devices: VirtualDevice[],
  sink: LoadSink,
  o: ReportLoadOptions,
): Promise<ReportLoadResult> {
  if (devices.length === 0) throw new Error("no joined devices to send reports");
  const endpoint = o.endpoint ?? 1;
  const cluster = o.cluster ?? "genLevelCtrl";
  const attribute = o.attribute ?? "currentLevel";
  const value = o.value ?? ((i: number) => 1 + (i % 254));
  const t0 = performance.now();
  let sent = 0;
  const values: Record<string, number> = {};
  while (sent < o.count) {
    const burst = Math.min(BURST, o.count - sent);
    for (let k = 0; k < burst; k++) {
      values[attribute] = value(sent);
      devices[sent % devices.length].emitReport(endpoint, cluster, values);
      sent++;
    }
    if (o.rate) {
      const due = t0 + (sent / o.rate) * 1000;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      else await new Promise((r) => setImmediate(r));
    } else {
      // let the air deliver this burst, then respect the host's pace
      await new Promise((r) => setImmediate(r));
      if (sink.backlog() > HIGH_WATER) await sink.drained();
    }
  }
  const elapsedMs = performance.now() - t0;
  return { sent, elapsedMs, perSecond: (sent / elapsedMs) * 1000 };
}

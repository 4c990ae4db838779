import { freemem, loadavg, totalmem } from "node:os";
import { errorMessage } from "../util/errors.js";
import { stableStringify } from "../util/stableJson.js";
import type { BridgeContext, Feature } from "./context.js";
import type { MqttStatsView } from "./deps.js";

const NS = "z2m:health";
const MINUTE_MS = 60_000;
const MB = 1024 * 1024;
/** Test knob, not a user setting: multiplies `health.interval` (whose schema minimum is one minute). */
export const HEALTH_SCALE_ENV = "ZIGMQTT_HEALTH_SCALE";

interface DeviceCounters {
  messages: number;
  leave_count: number;
  network_address_changes: number;
}

export interface HealthReport {
  response_time: number;
  os: { load_average: number[]; memory_used_mb: number; memory_percent: number };
  process: { uptime_sec: number; memory_used_mb: number; memory_percent: number };
  mqtt: { connected: boolean; queued: number; received: number; published: number };
  devices: Record<string, DeviceCounters & { messages_per_sec: number }>;
}

/**
 * `bridge/health` (retained, qos 1) every `health.interval` minutes, the first one interval after the start, as
 * zigbee2mqtt (nothing at start; a web UI client that connects before then gets `report()`): host and process load,
 * the MQTT client's counters, and per device the messages received (and per second since the counters started),
 * leaves and network address changes. With `health.reset_on_check` the device counters restart after each report.
 */
export class Health implements Feature {
  private readonly counters = new Map<string, DeviceCounters>();
  private countingSince = Date.now();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly intervalMs: number;

  constructor(
    private readonly ctx: BridgeContext,
    private readonly mqttStats: (() => MqttStatsView) | undefined,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const scale = Number(env[HEALTH_SCALE_ENV]);
    const minutes = ctx.settings.get().health.interval;
    this.intervalMs = minutes * MINUTE_MS * (Number.isFinite(scale) && scale > 0 ? scale : 1);
  }

  start(): void {
    const bus = this.ctx.bus;
    bus.on("deviceMessage", this, (e) => {
      const c = this.counters.get(e.ieee);
      if (c) c.messages++;
      else this.counters.set(e.ieee, { messages: 1, leave_count: 0, network_address_changes: 0 });
    });
    bus.on("deviceLeave", this, (e) => void this.counter(e.ieee).leave_count++);
    bus.on("deviceNetworkAddressChanged", this, (e) => void this.counter(e.ieee).network_address_changes++);
    this.timer = setInterval(() => void this.publish(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.ctx.bus.off(this);
    clearInterval(this.timer);
  }

  private counter(ieee: string): DeviceCounters {
    let c = this.counters.get(ieee);
    if (!c) {
      c = { messages: 0, leave_count: 0, network_address_changes: 0 };
      this.counters.set(ieee, c);
    }
    return c;
  }

  /** The report as it would be published now (counters untouched). */
  report(): HealthReport {
    const now = Date.now();
    const seconds = Math.max((now - this.countingSince) / 1000, 1);
    const devices: HealthReport["devices"] = {};
    for (const d of this.ctx.zigbee.devices()) {
      const c = this.counters.get(d.ieee) ?? { messages: 0, leave_count: 0, network_address_changes: 0 };
      devices[d.ieee] = { ...c, messages_per_sec: round(c.messages / seconds, 3) };
    }
    const total = totalmem();
    const rss = process.memoryUsage().rss;
    const stats = this.mqttStats?.();
    return {
      response_time: now,
      os: {
        load_average: loadavg().map((l) => round(l, 2)),
        memory_used_mb: round((total - freemem()) / MB, 2),
        memory_percent: round(((total - freemem()) / total) * 100, 2),
      },
      process: {
        uptime_sec: Math.floor(process.uptime()),
        memory_used_mb: round(rss / MB, 2),
        memory_percent: round((rss / total) * 100, 2),
      },
      mqtt: {
        connected: stats?.connected ?? true,
        queued: stats?.queued ?? 0,
        received: stats?.received ?? 0,
        published: stats?.published ?? 0,
      },
      devices,
    };
  }

  private async publish(): Promise<void> {
    const report = this.report();
    if (this.ctx.settings.get().health.reset_on_check) {
      this.counters.clear();
      this.countingSince = Date.now();
    }
    try {
      await this.ctx.mqtt.publish("bridge/health", stableStringify(report), { retain: true, qos: 1 });
    } catch (e) {
      this.ctx.logger.warning(`Cannot publish bridge/health: ${errorMessage(e)}`, NS);
    }
  }
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

import type { OnEvent } from "zigbee-herdsman-converters";
import * as zhc from "zigbee-herdsman-converters";
import { errorMessage } from "../util/errors.js";
import type { BridgeDevice } from "../zigbee/bridgeDevice.js";
import type { BridgeContext, Feature } from "./context.js";

const NS = "z2m:onevent";
/** how long configure waits at most for a device's `start` hooks (herdsman's default request timeout) */
const START_WAIT_MS = 10_000;
const STOP_WAIT_MS = 5_000;

type EventType = OnEvent.Event["type"];
type DeviceEventType = Exclude<EventType, "stop" | "deviceOptionsChanged" | "deviceInterview">;

/** What configure waits for: a device's `start` hooks have run (settled), so custom clusters are registered. */
export interface ConverterHooksGate {
  started(ieee: string): Promise<void>;
}

/**
 * Calls zigbee-herdsman-converters' event hooks, as zigbee2mqtt 2.x does: zhc's own `onEvent` (generic handling,
 * e.g. Legrand's and the Aqara feeder's custom read responses) and then the definition's `onEvent` (custom cluster
 * registration, polling, time sync, keep-alive…), for every device that is not disabled:
 * - `start` for every known device when the bridge starts, and before any other event of a device not started yet
 *   (one that got its definition later, e.g. after its interview);
 * - `deviceJoined`, `deviceInterview` (every status), `deviceAnnounce`, `deviceNetworkAddressChanged`,
 *   `deviceOptionsChanged` (bridge/request/device/options) as they happen;
 * - `stop` when a device leaves, is removed or disabled, and for every device when the bridge stops.
 * zhc 26.x has no per-message event: nothing is added on the hot path. A hook that throws is logged and never keeps
 * the others (or the bridge) from running. `deviceExposesChanged` republishes bridge/devices and the discovery.
 */
export class ConverterEvents implements Feature, ConverterHooksGate {
  /**
   * devices whose `start` was called (and not `stop`): the promise of that call (settled, never rejected), and
   * whether their definition had hooks then (a device without a definition yet is started again once it has one)
   */
  private readonly startedDevices = new Map<string, { device: BridgeDevice; done: Promise<void>; hooked: boolean }>();
  private stopped = false;

  constructor(private readonly ctx: BridgeContext) {}

  start(): void {
    const bus = this.ctx.bus;
    // not awaited (as zigbee2mqtt): a hook that waits on a sleeping device must not hold the start; configure of a
    // device waits for its own (`started`)
    for (const d of this.ctx.zigbee.devices()) if (eligible(d)) void this.begin(d);
    const on = (type: DeviceEventType) => (e: { ieee: string }) => this.deviceEvent(e.ieee, type);
    bus.on("deviceJoined", this, on("deviceJoined"));
    bus.on("deviceAnnounce", this, on("deviceAnnounce"));
    bus.on("deviceNetworkAddressChanged", this, on("deviceNetworkAddressChanged"));
    bus.on("deviceInterview", this, (e) => {
      const d = this.device(e.ieee);
      if (d) void this.call(d, { type: "deviceInterview", data: { ...this.baseData(d), status: e.status } });
    });
    bus.on("deviceOptionsChanged", this, (e) => {
      const d = this.device(e.ieee);
      if (d) void this.call(d, { type: "deviceOptionsChanged", data: { ...this.baseData(d), from: e.from, to: e.to } });
      else void this.stopDevice(e.ieee); // disabled now: its hooks stop (polling, keep-alive…)
    });
    bus.on("deviceLeave", this, (e) => void this.stopDevice(e.ieee));
    bus.on("entityRemoved", this, (e) => {
      if (e.kind === "device") void this.stopDevice(e.id);
    });
  }

  /** `stop` for every started device (the adapter is still up: a hook may tell its device). */
  async stop(): Promise<void> {
    this.ctx.bus.off(this);
    const all = Promise.all([...this.startedDevices.keys()].map((ieee) => this.stopDevice(ieee)));
    // a hook that waits on a sleeping device must not hold the bridge's stop (a restart, Ctrl+C) for long
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.ctx.logger.warning(`Converter stop hooks not done after ${STOP_WAIT_MS} ms; stopping anyway`, NS);
        resolve();
      }, STOP_WAIT_MS);
    });
    await Promise.race([all, late]);
    clearTimeout(timer);
    this.stopped = true;
  }

  /**
   * Resolves when the device's `start` hooks have settled (at once for a device not started), or after
   * START_WAIT_MS: a hook that waits on a sleeping device must not hold every configure (they run one at a time).
   */
  started(ieee: string): Promise<void> {
    const started = this.startedDevices.get(ieee);
    if (!started) return Promise.resolve();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.ctx.logger.debug(() => `Converter hook 'start' of '${started.device.name}' still runs`, NS);
        resolve();
      }, START_WAIT_MS);
    });
    return Promise.race([started.done, late]).finally(() => clearTimeout(timer));
  }

  private device(ieee: string): BridgeDevice | undefined {
    const d = this.ctx.zigbee.device(ieee);
    return d && eligible(d) ? d : undefined;
  }

  private deviceEvent(ieee: string, type: DeviceEventType): void {
    const d = this.device(ieee);
    if (d) void this.call(d, { type, data: this.baseData(d) });
  }

  private baseData(d: BridgeDevice): OnEvent.BaseData {
    return {
      device: d.zh as never,
      deviceExposesChanged: () => this.exposesChanged(d),
      state: this.ctx.state.get(d.ieee) ?? {},
      options: d.options as Record<string, unknown>,
    };
  }

  private async stopDevice(ieee: string): Promise<void> {
    const started = this.startedDevices.get(ieee);
    if (!started) return;
    await this.call(started.device, { type: "stop", data: { ieeeAddr: ieee } });
  }

  /**
   * Runs zhc's hook and the definition's for one event; before any other event, `start` for a device whose
   * definition has hooks and that was not started with them. Never rejects.
   */
  private async call(d: BridgeDevice, event: OnEvent.Event): Promise<void> {
    if (this.stopped) return;
    if (event.type === "start") return this.begin(d);
    if (event.type !== "stop") {
      const started = this.startedDevices.get(d.ieee);
      await (d.definition?.onEvent && !started?.hooked ? this.begin(d) : started?.done);
    } else this.startedDevices.delete(d.ieee);
    await this.run(d, event);
  }

  /** `start` of a device; the events that follow wait for it (in the order they came). */
  private begin(d: BridgeDevice): Promise<void> {
    const done = this.run(d, { type: "start", data: this.baseData(d) });
    this.startedDevices.set(d.ieee, { device: d, done, hooked: d.definition?.onEvent !== undefined });
    return done;
  }

  private async run(d: BridgeDevice, event: OnEvent.Event): Promise<void> {
    try {
      await zhc.onEvent(event);
    } catch (e) {
      this.failed(d, event.type, e);
    }
    const hook = d.definition?.onEvent;
    if (!hook) return;
    try {
      await hook(event);
    } catch (e) {
      this.failed(d, event.type, e);
    }
  }

  private failed(d: BridgeDevice, type: EventType, e: unknown): void {
    this.ctx.logger.error(`Converter hook '${type}' of '${d.name}' failed: ${errorMessage(e)}`, NS);
  }

  /** A hook changed what the device exposes: bridge/devices and Home Assistant's discovery follow. */
  private exposesChanged(d: BridgeDevice): void {
    if (this.stopped) return;
    d.refreshExposes();
    this.ctx.bus.emit("devicesChanged", {});
  }
}

/** zigbee2mqtt calls no hook of the coordinator or of a disabled device. */
function eligible(d: BridgeDevice): boolean {
  return !d.isCoordinator && d.options.disabled !== true;
}

import type { BridgeEvents } from "../eventBus.js";
import type { AvailabilitySettings } from "../settings/types.js";
import { errorMessage } from "../util/errors.js";
import type { BridgeDevice } from "../zigbee/bridgeDevice.js";
import type { BridgeContext, Feature } from "./context.js";

const NS = "z2m:availability";
const MINUTE_MS = 60_000;
/** A failed ping is retried after timeout × 1.5^failures, at most this many timeouts later. */
const MAX_BACKOFF = 5;
/**
 * Test knob, not a user setting: multiplies every availability duration (the schema's minimum timeout is one
 * minute; the e2e tests run with e.g. 0.005, one "minute" = 300 ms).
 */
export const AVAILABILITY_SCALE_ENV = "ZIGMQTT_AVAILABILITY_SCALE";

type State = "online" | "offline";

interface Tracked {
  readonly ieee: string;
  name: string;
  state: State | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  failures: number;
  pinging: boolean;
  /** the timeout its timer was set with: an options change that alters it checks the device again */
  timeoutMs?: number;
}

/**
 * `<base>/<name>/availability` (`{"state":"online"|"offline"}`, retained, qos 1) for every device with
 * availability enabled (`availability.enabled`, or a device's own `availability: true | {timeout}`; a device's
 * `availability: false` or `disabled: true` turns it off), and for every group with such members (online when any
 * member is). Mains-powered devices and routers are pinged (a genBasic read, without route recovery) when nothing
 * was heard from them for `availability.active.timeout` minutes; battery devices go offline when nothing was heard
 * for `availability.passive.timeout` minutes; a device's own `timeout` wins for both. herdsman's `lastSeen` tells when a
 * device was last heard; any message puts it back online at once.
 */
export class Availability implements Feature {
  private readonly tracked = new Map<string, Tracked>();
  private readonly groupStates = new Map<number, { name: string; state: State }>();
  private readonly minuteMs: number;
  /** the `availability` section as at start (its changes need a restart) */
  private settings: AvailabilitySettings;
  private stopped = false;

  constructor(
    private readonly ctx: BridgeContext,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const scale = Number(env[AVAILABILITY_SCALE_ENV]);
    this.minuteMs = Number.isFinite(scale) && scale > 0 ? MINUTE_MS * scale : MINUTE_MS;
    this.settings = ctx.settings.get().availability;
  }

  start(): void {
    this.settings = this.ctx.settings.get().availability;
    const bus = this.ctx.bus;
    bus.on("deviceMessage", this, (e) => this.heard(e.ieee));
    bus.on("deviceAnnounce", this, (e) => this.heard(e.ieee));
    bus.on("devicesChanged", this, () => this.sync());
    bus.on("groupsChanged", this, () => this.updateGroups());
    bus.on("deviceLeave", this, (e) => this.left(e.ieee));
    bus.on("entityRenamed", this, (e) => this.renamed(e));
    bus.on("entityRemoved", this, (e) => this.removed(e));
    bus.on("mqttConnected", this, (e) => {
      if (!e.sessionPresent) this.republish();
    });
    this.sync(true);
  }

  stop(): void {
    this.stopped = true;
    this.ctx.bus.off(this);
    for (const t of this.tracked.values()) clearTimeout(t.timer);
    this.tracked.clear();
  }

  /** Tracks the devices that have availability enabled (and only those); checks the new ones at once. */
  private sync(initial = false): void {
    if (this.stopped) return;
    const wanted = new Set<string>();
    for (const d of this.ctx.zigbee.devices()) {
      if (!this.enabledFor(d)) continue;
      wanted.add(d.ieee);
      const known = this.tracked.get(d.ieee);
      if (known) {
        const timeout = this.timeoutMs(d);
        if (known.timeoutMs !== undefined && known.timeoutMs !== timeout && !known.pinging) {
          // a new timeout counts from now (as zigbee2mqtt): the device is judged when it has passed
          known.timeoutMs = timeout;
          this.schedule(known, timeout, d);
        }
        continue;
      }
      const t: Tracked = {
        ieee: d.ieee,
        name: d.name,
        state: undefined,
        timer: undefined,
        failures: 0,
        pinging: false,
      };
      this.tracked.set(d.ieee, t);
      // a device that joins while we run is announced when it is first heard, not offline first (as zigbee2mqtt)
      if (initial || d.zh.lastSeen !== undefined) void this.check(t);
    }
    for (const t of [...this.tracked.values()]) {
      if (wanted.has(t.ieee)) continue;
      this.untrack(t); // availability turned off for it (or it is gone): no stale state stays retained
      if (t.state) this.clear(t.name);
    }
    this.updateGroups();
  }

  private enabledFor(d: BridgeDevice): boolean {
    const options = d.options;
    if (options.disabled) return false;
    if (options.availability !== undefined && options.availability !== null) return options.availability !== false;
    return this.settings.enabled;
  }

  /** Routers and mains-powered devices answer pings; battery devices are only listened to. */
  private isActive(d: BridgeDevice): boolean {
    const power = d.zh.powerSource;
    return (d.zh.type === "Router" && power !== "Battery") || power === "Mains (single phase)" || power === "DC Source";
  }

  private timeoutMs(d: BridgeDevice): number {
    const s = this.settings;
    // a device's own timeout wins for battery devices too (as zigbee2mqtt: seen on the compat oracle)
    const own = d.options.availability;
    if (typeof own === "object" && own?.timeout !== undefined) return own.timeout * this.minuteMs;
    return (this.isActive(d) ? s.active.timeout : s.passive.timeout) * this.minuteMs;
  }

  /** Decides the device's state from when it was last heard, pinging an active device that has been quiet. */
  private async check(t: Tracked): Promise<void> {
    clearTimeout(t.timer);
    t.timer = undefined;
    const d = this.ctx.zigbee.device(t.ieee);
    if (!d || this.stopped) return;
    const timeout = this.timeoutMs(d);
    t.timeoutMs = timeout;
    const quiet = Date.now() - (d.zh.lastSeen ?? 0);
    if (quiet < timeout) {
      this.set(t, "online");
      this.schedule(t, timeout - quiet);
      return;
    }
    if (!this.isActive(d)) {
      this.set(t, "offline"); // the next message brings it back
      return;
    }
    await this.ping(t, d, timeout);
  }

  private async ping(t: Tracked, d: BridgeDevice, timeout: number): Promise<void> {
    if (t.pinging) return;
    t.pinging = true;
    let error: unknown;
    try {
      await d.zh.ping(true);
    } catch (e) {
      error = e ?? "failed";
    } finally {
      t.pinging = false;
    }
    if (this.stopped || this.tracked.get(t.ieee) !== t) return;
    const quiet = Date.now() - (d.zh.lastSeen ?? 0);
    if (error === undefined || quiet < timeout) {
      t.failures = 0;
      this.set(t, "online");
      this.schedule(t, error === undefined ? timeout : timeout - quiet);
      return;
    }
    this.ctx.logger.debug(() => `Ping of '${t.name}' failed: ${errorMessage(error)}`, NS);
    t.failures++;
    this.set(t, "offline");
    const s = this.settings.active;
    const factor = s.backoff ? Math.min(1.5 ** t.failures, MAX_BACKOFF) : 1;
    if (s.pause_on_backoff_gt > 0 && factor > s.pause_on_backoff_gt) return; // paused until heard again
    this.schedule(t, timeout * factor);
  }

  private schedule(t: Tracked, delayMs: number, d = this.ctx.zigbee.device(t.ieee)): void {
    if (this.stopped) return;
    clearTimeout(t.timer);
    // the jitter spreads pings; a battery device is not pinged, so its timeout is exact
    const jitter =
      d && this.isActive(d) ? Math.random() * this.settings.active.max_jitter * (this.minuteMs / MINUTE_MS) : 0;
    t.timer = setTimeout(() => void this.check(t), Math.max(0, delayMs) + jitter);
    t.timer.unref();
  }

  private heard(ieee: string): void {
    const t = this.tracked.get(ieee);
    if (!t || t.state === "online") return;
    t.failures = 0;
    void this.check(t);
  }

  private set(t: Tracked, state: State): void {
    const d = this.ctx.zigbee.device(t.ieee);
    if (d) t.name = d.name;
    if (t.state === state) return;
    t.state = state;
    this.ctx.logger.debug(`Device '${t.name}' is ${state}`, NS); // zigbee2mqtt does not log it at info
    this.publish(t.name, state);
    this.updateGroups();
  }

  private left(ieee: string): void {
    const t = this.tracked.get(ieee);
    if (t) this.set(t, "offline");
    this.untrack(t);
  }

  private untrack(t: Tracked | undefined): void {
    if (!t) return;
    clearTimeout(t.timer);
    this.tracked.delete(t.ieee);
  }

  private renamed(e: BridgeEvents["entityRenamed"]): void {
    if (e.kind === "device") {
      const t = this.tracked.get(e.id);
      if (!t?.state) return;
      t.name = e.to;
      this.clear(e.from);
      this.publish(e.to, t.state);
    } else {
      const g = this.groupStates.get(Number(e.id));
      if (!g) return;
      g.name = e.to;
      this.clear(e.from);
      this.publish(e.to, g.state);
    }
  }

  private removed(e: BridgeEvents["entityRemoved"]): void {
    if (e.kind === "device") {
      if (!this.tracked.has(e.id)) return;
      this.untrack(this.tracked.get(e.id));
    } else {
      if (!this.groupStates.delete(Number(e.id))) return;
    }
    this.clear(e.name);
  }

  /**
   * Groups with tracked members: online when any of them is, offline when all are. While no member is online and
   * some are not decided yet (pinged at start), the group is not announced: no offline-then-online at each start.
   */
  private updateGroups(): void {
    const seen = new Set<number>();
    for (const g of this.ctx.zigbee.groups()) {
      const members = g.members().flatMap((m) => this.tracked.get(m.ieee) ?? []);
      if (members.length === 0) continue;
      seen.add(g.id);
      const online = members.some((t) => t.state === "online");
      if (!online && members.some((t) => t.state === undefined)) continue;
      const state: State = online ? "online" : "offline";
      const before = this.groupStates.get(g.id);
      if (before?.state === state && before.name === g.name) continue;
      if (before && before.name !== g.name) this.clear(before.name);
      this.groupStates.set(g.id, { name: g.name, state });
      this.publish(g.name, state);
    }
    for (const [id, g] of this.groupStates) {
      if (seen.has(id)) continue;
      this.groupStates.delete(id);
      this.clear(g.name);
    }
  }

  /** After the broker lost our session: every retained availability again. */
  private republish(): void {
    for (const t of this.tracked.values()) if (t.state) this.publish(t.name, t.state);
    for (const g of this.groupStates.values()) this.publish(g.name, g.state);
  }

  private publish(name: string, state: State): void {
    this.send(name, JSON.stringify({ state }));
  }

  /** An empty retained message removes the topic from the broker. */
  private clear(name: string): void {
    this.send(name, "");
  }

  private send(name: string, payload: string): void {
    this.ctx.mqtt
      .publish(`${name}/availability`, payload, { retain: true, qos: 1 })
      .catch((e: unknown) => this.ctx.logger.warning(`Cannot publish ${name}/availability: ${errorMessage(e)}`, NS));
  }
}

import * as zhc from "zigbee-herdsman-converters";
import type { ZigbeeMessage } from "../eventBus.js";
import type { EntityState } from "../state/stateCache.js";
import { errorMessage } from "../util/errors.js";
import type { BridgeDevice } from "../zigbee/bridgeDevice.js";
import type { Definition } from "../zigbee/herdsmanTypes.js";
import type { BridgeContext, Feature } from "./context.js";
import type { EntityPublisher } from "./entityPublisher.js";
import { Debouncer, Throttler } from "./publishHolds.js";

const NS = "z2m:receive";
type FzConverter = Definition["fromZigbee"][number];
/** Clusters whose unconverted messages are routine (time sync, OTA queries, basic attributes, poll control). */
const QUIET_CLUSTERS = new Set(["genOta", "genTime", "genBasic", "genPollCtrl"]);

/**
 * Zigbee → MQTT: a herdsman message runs through the device definition's fromZigbee converters; the merged result
 * (and whatever a converter hands to its `publish` callback) is post-processed (calibration, precision), gets
 * `elapsed` when enabled, and is published as the device's state, held back per the device's `debounce` or
 * `throttle`. A message that produces nothing still refreshes `last_seen` when that is enabled. The hot path:
 * converter lists are cached per (definition, cluster, type); one timer per debounced or throttled device.
 */
export class Receive implements Feature {
  private readonly converterCache = new WeakMap<Definition, Map<string, FzConverter[]>>();
  /** Date.now() of each device's last published message (`advanced.elapsed`) */
  private readonly lastMessageAt = new Map<string, number>();
  private readonly debouncer = new Debouncer((key, update) => this.publishHeld(key, update));
  private readonly throttler = new Throttler((key, update) => this.publishHeld(key, update));
  /** a held-back update is being published now: its keys are not removed from itself */
  private publishingHeld = false;
  private offUpdates: (() => void) | undefined;

  constructor(
    private readonly ctx: BridgeContext,
    private readonly publisher: EntityPublisher,
  ) {}

  start(): void {
    this.ctx.bus.on("deviceMessage", this, (e) => this.onMessage(e.ieee, e.message));
    this.ctx.bus.on("entityRemoved", this, (e) => {
      if (e.kind === "device") this.forget(e.id);
    });
    // a newer value published meanwhile (e.g. the optimistic state of a /set) wins over a debounced older one
    this.offUpdates = this.publisher.onUpdate((key, update) => {
      if (this.publishingHeld) return;
      const held = this.debouncer.held(key);
      if (held) for (const k of Object.keys(update)) delete held[k];
    });
  }

  stop(): void {
    this.ctx.bus.off(this);
    this.offUpdates?.();
    this.debouncer.clear();
    this.throttler.clear();
    this.lastMessageAt.clear();
  }

  private forget(ieee: string): void {
    this.debouncer.cancel(ieee);
    this.throttler.cancel(ieee);
    this.lastMessageAt.delete(ieee);
  }

  private converters(def: Definition, cluster: string | number, type: string): FzConverter[] {
    let byKey = this.converterCache.get(def);
    if (!byKey) {
      byKey = new Map();
      this.converterCache.set(def, byKey);
    }
    const key = `${cluster}|${type}`;
    let list = byKey.get(key);
    if (!list) {
      list = def.fromZigbee.filter(
        (c) => c.cluster === cluster && (Array.isArray(c.type) ? c.type.includes(type) : c.type === type),
      );
      byKey.set(key, list);
    }
    return list;
  }

  async onMessage(ieee: string, message: ZigbeeMessage): Promise<void> {
    const device = this.ctx.zigbee.device(ieee);
    if (!device) return;
    const def = device.definition ?? (await device.resolveDefinition());
    if (!def || !device.interviewed) {
      this.ctx.logger.debug(() => `message from '${device.name}' before its definition is known: ${message.type}`, NS);
      await this.publishLastSeen(device);
      return;
    }
    const converters = this.converters(def, message.cluster, message.type);
    if (converters.length === 0) {
      if (!QUIET_CLUSTERS.has(String(message.cluster))) {
        this.ctx.logger.debug(
          () => `No converter for '${device.name}' (${def.model}): ${message.cluster} ${message.type}`,
          NS,
        );
      }
      await this.publishLastSeen(device);
      return;
    }
    const options = device.options as Record<string, unknown>;
    const payload: EntityState = {};
    // what a converter publishes by itself (e.g. a delayed action) takes the same path as the returned result
    const publish = (p: EntityState) => {
      if (p && typeof p === "object") this.publishConverted(device, def, p, message.linkquality);
    };
    const meta = {
      device: device.zh,
      state: this.ctx.state.get(ieee),
      deviceExposesChanged: () => this.exposesChanged(device),
    };
    for (const c of converters) {
      try {
        let r = c.convert(def as never, message as never, publish as never, options as never, meta as never);
        if (r && typeof (r as Promise<unknown>).then === "function") r = await r;
        if (r && typeof r === "object") Object.assign(payload, r);
      } catch (e) {
        this.ctx.logger.error(
          `Converter for '${device.name}' (${def.model}) failed on ${message.cluster} ${message.type}: ${errorMessage(e)}`,
          NS,
        );
      }
    }
    if (Object.keys(payload).length === 0) {
      await this.publishLastSeen(device);
      return;
    }
    this.publishConverted(device, def, payload, message.linkquality);
  }

  /** Calibration/precision, linkquality and elapsed, then publish now or hold back per debounce/throttle. */
  private publishConverted(device: BridgeDevice, def: Definition, payload: EntityState, linkquality: number): void {
    const options = device.options;
    try {
      zhc.postProcessConvertedFromZigbeeMessage(def as never, payload, options as never, device.zh as never);
    } catch (e) {
      this.ctx.logger.error(`Post-processing the state of '${device.name}' failed: ${errorMessage(e)}`, NS);
    }
    payload.linkquality = linkquality;
    if (this.ctx.settings.get().advanced.elapsed) {
      const now = Date.now();
      const before = this.lastMessageAt.get(device.ieee);
      if (before !== undefined) payload.elapsed = now - before;
      this.lastMessageAt.set(device.ieee, now);
    }
    const debounce = options.debounce;
    const throttle = options.throttle;
    if (typeof debounce === "number" && debounce > 0) {
      this.debouncer.add(device.ieee, payload, debounce, options.debounce_ignore);
      // zigbee2mqtt keeps the cache current while a publish is held back (state.json, /get, a restart)
      this.publisher.remember(device, payload);
    } else if (typeof throttle === "number" && throttle > 0) {
      this.publisher.remember(device, payload);
      this.throttler.add(device.ieee, payload, throttle);
    } else void this.publisher.publish(device, payload);
  }

  private publishHeld(ieee: string, update: EntityState): void {
    const device = this.ctx.zigbee.device(ieee);
    if (!device) return;
    this.publishingHeld = true;
    try {
      void this.publisher.publish(device, update);
    } finally {
      this.publishingHeld = false;
    }
  }

  /** A message that changed no state still refreshes last_seen (when enabled), as zigbee2mqtt does. */
  private async publishLastSeen(device: BridgeDevice): Promise<void> {
    const lastSeen = this.ctx.settings.get().advanced.last_seen;
    if (lastSeen && lastSeen !== "disable") await this.publisher.publish(device, {});
  }

  private exposesChanged(device: BridgeDevice): void {
    device.invalidate();
    device
      .resolveDefinition()
      .then(() => this.ctx.bus.emit("devicesChanged", {}))
      .catch((e: unknown) => {
        this.ctx.logger.error(`Resolving the new exposes of '${device.name}' failed: ${errorMessage(e)}`, NS);
      });
  }
}

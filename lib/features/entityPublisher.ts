import type { EntityState } from "../state/stateCache.js";
import { errorMessage } from "../util/errors.js";
import { stableStringify } from "../util/stableJson.js";
import type { BridgeDevice } from "../zigbee/bridgeDevice.js";
import type { BridgeGroup } from "../zigbee/bridgeGroup.js";
import type { BridgeContext, PublishOptions } from "./context.js";

const NS = "z2m:publish";
type Entity = BridgeDevice | BridgeGroup;
export type UpdateListener = (key: string, update: Readonly<EntityState>) => void;
/** A state about to be published: the entity key, the message as it will go out, and the update it came from. */
export type ChangeListener = (key: string, state: EntityState, update: Readonly<EntityState>) => void;
/** Changes a state message just before it is filtered and published (not the cached state). */
export type MessageAdjuster = (entity: Entity, message: EntityState) => void;

function stateKey(entity: Entity): string {
  return "ieee" in entity ? entity.ieee : String(entity.id);
}

/**
 * Compiled `filtered_attributes`/`filtered_cache` lists. zigbee2mqtt matches each entry against the whole key
 * (`^<entry>$`). Compiled once per list: by identity (device options are cached, frozen objects), else by content
 * (group options are copies), so no publish compiles a regex.
 */
class FilterCache {
  private readonly byList = new WeakMap<readonly unknown[], RegExp[]>();
  private readonly byText = new Map<string, RegExp[]>();

  constructor(private readonly onInvalid: (pattern: string, error: unknown) => void) {}

  get(list: unknown): RegExp[] | undefined {
    if (!Array.isArray(list) || list.length === 0) return undefined;
    let compiled = this.byList.get(list);
    if (compiled) return compiled;
    const text = list.join("\u0000");
    compiled = this.byText.get(text);
    if (!compiled) {
      compiled = [];
      for (const s of list) {
        try {
          compiled.push(new RegExp(`^${String(s)}$`));
        } catch (e) {
          this.onInvalid(String(s), e);
        }
      }
      this.byText.set(text, compiled);
    }
    this.byList.set(list, compiled);
    return compiled;
  }
}

/**
 * The one path every entity state takes to MQTT: merge into the state cache, add linkquality/last_seen, filter,
 * and publish `<base>/<name>` (and/or per-attribute topics) with the entity's retain/qos.
 */
export class EntityPublisher {
  private readonly filters: FilterCache;
  private readonly updateListeners = new Set<UpdateListener>();
  private readonly changeListeners = new Set<ChangeListener>();
  private readonly adjusters = new Set<MessageAdjuster>();

  constructor(private readonly ctx: BridgeContext) {
    this.filters = new FilterCache((pattern, e) =>
      ctx.logger.error(`Invalid regular expression '${pattern}' in the options: ${errorMessage(e)}`, NS),
    );
  }

  /**
   * Called at the start of every publish with the entity key and the update (before the cache merge). Receive uses
   * it to drop keys from a debounced update when a newer value for them is published. Returns the unsubscribe.
   */
  onUpdate(listener: UpdateListener): () => void {
    this.updateListeners.add(listener);
    return () => this.updateListeners.delete(listener);
  }

  /**
   * Called with every state just before it is published (after the cache merge), as zigbee2mqtt's state change event:
   * what a listener publishes in its synchronous part (the optimistic group and member states) goes out before this
   * state does. Returns the unsubscribe.
   */
  onChange(listener: ChangeListener): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Home Assistant's placeholders (`null` for each discovered property not known yet), as zigbee2mqtt adds them. */
  addAdjuster(adjuster: MessageAdjuster): () => void {
    this.adjusters.add(adjuster);
    return () => this.adjusters.delete(adjuster);
  }

  /**
   * Merges an update into the cached state without publishing it (debounce and throttle hold a publish back but
   * keep the cache current, as zigbee2mqtt does).
   */
  remember(entity: Entity, update: EntityState): void {
    if (this.ctx.settings.get().advanced.cache_state === false) return;
    const options = entity.options as Record<string, unknown>;
    this.ctx.state.merge(stateKey(entity), update, this.filters.get(options.filtered_cache));
  }

  async publish(entity: Entity, update: EntityState): Promise<void> {
    const s = this.ctx.settings.get();
    const options = entity.options as Record<string, unknown>;
    const key = stateKey(entity);
    for (const listener of this.updateListeners) listener(key, update);
    const payload: EntityState = { ...update };
    if ("ieee" in entity) {
      // the link quality of the device's last message (zigbee-herdsman keeps it), as zigbee2mqtt adds it
      const lqi = entity.zh.linkquality;
      if (payload.linkquality === undefined && lqi !== undefined) payload.linkquality = lqi;
      const lastSeen = s.advanced.last_seen;
      const seen = entity.zh.lastSeen;
      if (lastSeen && lastSeen !== "disable" && seen) {
        payload.last_seen =
          lastSeen === "epoch"
            ? seen
            : lastSeen === "ISO_8601_local"
              ? localIso(new Date(seen))
              : new Date(seen).toISOString();
      }
    }
    const message =
      s.advanced.cache_state !== false
        ? this.ctx.state.merge(key, payload, this.filters.get(options.filtered_cache))
        : payload;
    if (s.mqtt.include_device_information && "ieee" in entity) message.device = deviceInformation(entity);
    for (const adjust of this.adjusters) adjust(entity, message);
    const filtered = this.filters.get(options.filtered_attributes);
    if (filtered) for (const k of Object.keys(message)) if (filtered.some((r) => r.test(k))) delete message[k];
    const publishOptions: PublishOptions = {
      retain: options.retain === true,
      qos: (options.qos as 0 | 1 | 2 | undefined) ?? 0,
    };
    // MQTT 5 message expiry (the settings refuse `retention` without mqtt.version 5)
    if (typeof options.retention === "number") publishOptions.properties = { messageExpiryInterval: options.retention };
    const output = s.advanced.output ?? "json";
    const name = entity.name;
    for (const listener of this.changeListeners) listener(key, message, update);
    try {
      if (output === "json" || output === "attribute_and_json") {
        await this.ctx.mqtt.publish(name, stableStringify(message), publishOptions);
      }
      if (output === "attribute" || output === "attribute_and_json") {
        for (const [k, v] of flatten(message)) {
          await this.ctx.mqtt.publish(`${name}/${k}`, typeof v === "string" ? v : stableStringify(v), publishOptions);
        }
      }
    } catch (e) {
      this.ctx.logger.error(`Failed to publish the state of '${name}': ${errorMessage(e)}`, NS);
      return;
    }
    this.ctx.bus.emit("statePublished", { key, name, state: message, update });
  }
}

/** `mqtt.include_device_information`: zigbee2mqtt's `device` object in every device state (never cached). */
function deviceInformation(device: BridgeDevice): Record<string, unknown> {
  const zh = device.zh;
  return {
    friendlyName: device.name,
    model: device.definition?.model,
    ieeeAddr: device.ieee,
    networkAddress: zh.networkAddress,
    type: zh.type,
    manufacturerID: zh.manufacturerID,
    powerSource: zh.powerSource,
    applicationVersion: zh.applicationVersion,
    stackVersion: zh.stackVersion,
    zclVersion: zh.zclVersion,
    hardwareVersion: zh.hardwareVersion,
    dateCode: zh.dateCode,
    softwareBuildID: zh.softwareBuildID,
    // a manufacturer name can carry a NUL and garbage after it
    manufacturerName: zh.manufacturerName?.split("\u0000")[0],
  };
}

function flatten(o: EntityState, prefix = ""): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(o)) {
    if (v !== null && typeof v === "object" && !Array.isArray(v))
      out.push(...flatten(v as EntityState, `${prefix}${k}-`));
    else out.push([`${prefix}${k}`, v]);
  }
  return out;
}

export function localIso(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? "+" : "-";
  const pad = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  const local = new Date(d.getTime() + off * 60_000).toISOString().slice(0, -1);
  return `${local}${sign}${pad(off / 60)}:${pad(off % 60)}`;
}

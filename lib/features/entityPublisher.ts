import type { EntityState } from "../state/stateCache.js";
import { errorMessage } from "../util/errors.js";
import { stableStringify } from "../util/stableJson.js";
import type { BridgeDevice } from "../zigbee/bridgeDevice.js";
import type { BridgeGroup } from "../zigbee/bridgeGroup.js";
import type { BridgeContext } from "./context.js";

const NS = "z2m:publish";
type Entity = BridgeDevice | BridgeGroup;

function stateKey(entity: Entity): string {
  return "ieee" in entity ? entity.ieee : String(entity.id);
}

function regexes(list: unknown): RegExp[] | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const out: RegExp[] = [];
  for (const s of list) {
    try {
      out.push(new RegExp(String(s)));
    } catch {
      // an invalid regex in the settings is reported by settings validation
    }
  }
  return out;
}

/**
 * The one path every entity state takes to MQTT: merge into the state cache, add linkquality/last_seen, filter,
 * and publish `<base>/<name>` (and/or per-attribute topics) with the entity's retain/qos.
 */
export class EntityPublisher {
  constructor(private readonly ctx: BridgeContext) {}

  async publish(entity: Entity, update: EntityState): Promise<void> {
    const s = this.ctx.settings.get();
    const options = entity.options as Record<string, unknown>;
    const key = stateKey(entity);
    const payload: EntityState = { ...update };
    if ("ieee" in entity) {
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
      s.advanced.cache_state !== false ? this.ctx.state.merge(key, payload, regexes(options.filtered_cache)) : payload;
    const filtered = regexes(options.filtered_attributes);
    if (filtered) for (const k of Object.keys(message)) if (filtered.some((r) => r.test(k))) delete message[k];
    const retain = options.retain === true;
    const qos = (options.qos as 0 | 1 | 2 | undefined) ?? 0;
    const output = s.advanced.output ?? "json";
    const name = entity.name;
    try {
      if (output === "json" || output === "attribute_and_json") {
        await this.ctx.mqtt.publish(name, stableStringify(message), { retain, qos });
      }
      if (output === "attribute" || output === "attribute_and_json") {
        for (const [k, v] of flatten(message)) {
          await this.ctx.mqtt.publish(`${name}/${k}`, typeof v === "string" ? v : stableStringify(v), { retain, qos });
        }
      }
    } catch (e) {
      this.ctx.logger.error(`Failed to publish the state of '${name}': ${errorMessage(e)}`, NS);
      return;
    }
    this.ctx.bus.emit("statePublished", { key, name, state: message });
  }
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

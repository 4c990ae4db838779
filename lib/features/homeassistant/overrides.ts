/**
 * The user's `homeassistant:` option on a device or group, as in zigbee2mqtt: keys that are an entity's object id
 * change that entity (`null` drops the entity, a `null` value drops a key); other keys apply to every entity.
 */
import type { EntityConfig } from "./exposeTypes.js";

function merge(payload: Record<string, unknown>, override: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(override)) {
    if (v === null) delete payload[k];
    else payload[k] = v;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function applyOverrides(configs: EntityConfig[], overrides: unknown): EntityConfig[] {
  if (!isObject(overrides)) return configs;
  const ids = new Set(configs.map((c) => c.objectId));
  const common: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(overrides)) if (!ids.has(k)) common[k] = v;
  const out: EntityConfig[] = [];
  for (const c of configs) {
    const own = overrides[c.objectId];
    if (own === null) continue;
    const payload = { ...c.payload };
    merge(payload, common);
    if (isObject(own)) merge(payload, own);
    out.push({ ...c, payload });
  }
  return out;
}

/**
 * The exposes of a group: the light, switch, lock and cover exposes of its members (main endpoint), merged per type
 * so that the group entity supports what any member supports (colour modes, the widest colour temperature range).
 */
import type { BridgeDevice } from "../../zigbee/bridgeDevice.js";
import type { Expose } from "./exposeTypes.js";

const GROUP_TYPES = ["light", "switch", "lock", "cover"];

function mergeFeatures(into: Expose, from: Expose): void {
  const features = into.features ?? [];
  for (const f of from.features ?? []) {
    const existing = features.find((x) => x.name === f.name);
    if (!existing) {
      features.push(structuredClone(f));
      continue;
    }
    if (f.value_min !== undefined && existing.value_min !== undefined) {
      existing.value_min = Math.min(existing.value_min, f.value_min);
    }
    if (f.value_max !== undefined && existing.value_max !== undefined) {
      existing.value_max = Math.max(existing.value_max, f.value_max);
    }
  }
  into.features = features;
}

export function groupExposes(members: BridgeDevice[]): Expose[] {
  const byType = new Map<string, Expose>();
  for (const member of members) {
    for (const e of member.exposes() as Expose[]) {
      if (!GROUP_TYPES.includes(e.type) || e.endpoint) continue;
      const existing = byType.get(e.type);
      if (existing) mergeFeatures(existing, e);
      else byType.set(e.type, structuredClone(e));
    }
  }
  // a group has no device-specific effects, only its members' common light/switch/lock/cover control
  return [...byType.values()];
}

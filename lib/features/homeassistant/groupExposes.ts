/**
 * The exposes of a group: the light, switch, lock and cover exposes of its members (of the member endpoint, e.g. a
 * dual dimmer's `l1`), merged per type so that the group entity supports what any member supports (colour modes, the
 * widest colour temperature range, every effect).
 */
import type { BridgeDevice } from "../../zigbee/bridgeDevice.js";
import { ACCESS, can, type Expose, objectIdOf } from "./exposeTypes.js";

export const GROUP_TYPES = ["light", "switch", "lock", "cover"];

/** A member of a group: the device and the name of its member endpoint, when the device names its endpoints. */
export interface GroupMember {
  device: BridgeDevice;
  endpoint?: string;
}

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

/** An endpoint's expose as the group's: the group's state has the plain properties (`state`, not `state_l1`). */
function withoutEndpoint(e: Expose): Expose {
  const out = structuredClone(e);
  const suffix = e.endpoint ? `_${e.endpoint}` : undefined;
  delete out.endpoint;
  for (const f of [out, ...(out.features ?? [])]) {
    if (suffix && f.property?.endsWith(suffix)) f.property = f.property.slice(0, -suffix.length);
    delete f.endpoint;
  }
  return out;
}

/** The member's exposes of its member endpoint (its endpoint-less ones when it has none for that endpoint). */
function memberExposes(member: GroupMember): Expose[] {
  const all = member.device.exposes() as Expose[];
  const own = member.endpoint ? all.filter((e) => e.endpoint === member.endpoint) : [];
  return own.length > 0 ? own : all.filter((e) => !e.endpoint);
}

/** The group's light/switch/lock/cover exposes, plus a settable `effect` enum with every member's effects. */
export function groupExposes(members: GroupMember[]): Expose[] {
  const byType = new Map<string, Expose>();
  const effects: string[] = [];
  for (const member of members) {
    for (const e of memberExposes(member)) {
      if (e.name === "effect" && e.type === "enum" && can(e, ACCESS.SET)) {
        for (const v of (e.values ?? []).map(String)) if (!effects.includes(v)) effects.push(v);
      }
      if (!GROUP_TYPES.includes(e.type)) continue;
      const existing = byType.get(e.type);
      if (existing) mergeFeatures(existing, e);
      else byType.set(e.type, withoutEndpoint(e));
    }
  }
  const out = [...byType.values()];
  if (effects.length > 0)
    out.push({ type: "enum", name: "effect", property: "effect", access: ACCESS.SET, values: effects });
  return out;
}

/**
 * The property zigbee2mqtt puts as `null` into a group's state for a group entity of this component until known
 * (observed with the compat oracle): the `state` property of the first such member's expose, endpoint suffix
 * included (a group whose first light member is a dimmer's `l1` gets `state_l1`, one led by a bulb `state`).
 */
export function groupMockProperty(members: GroupMember[], component: string): string | undefined {
  for (const m of members) {
    const e = memberExposes(m).find((x) => x.type === component);
    if (e) return e.features?.find((f) => f.name === "state")?.property;
  }
  return undefined;
}

/** The unique ids of the members' entities a group entity (`light`, …) stands for: HA's entity grouping. */
export function memberEntityIds(members: GroupMember[], component: string, base: string): string[] {
  return members
    .filter((m) => memberExposes(m).some((e) => e.type === component))
    .map((m) => {
      const endpoint = memberExposes(m).find((e) => e.type === component)?.endpoint;
      return `${m.device.ieee}_${objectIdOf(component, endpoint)}_${base}`;
    });
}

import type { EntityState } from "../../state/stateCache.js";
import { stableStringify } from "../../util/stableJson.js";

/** The state keys a group shares with its members (zigbee2mqtt's light/switch properties). */
export const SHARED_KEYS = ["state", "brightness", "color", "color_temp", "color_mode"] as const;
const SHARED = new Set<string>(SHARED_KEYS);
const OFF_STATES = new Set(["OFF", "CLOSE"]);

type Expose = { property?: string; features?: Expose[] };

function same(a: unknown, b: unknown): boolean {
  return a === b || stableStringify(a) === stableStringify(b);
}

/**
 * The shared keys that changed between two states of an entity, grouped by endpoint name ("" for keys without an
 * `_<endpoint>` suffix). `endpointNames` are the device's named endpoints (none for a group).
 */
export function sharedChanges(
  before: EntityState,
  after: EntityState,
  endpointNames: readonly string[] = [],
): Map<string, EntityState> {
  const out = new Map<string, EntityState>();
  for (const [key, value] of Object.entries(after)) {
    if (same(before[key], value)) continue;
    const suffix = endpointNames.find((n) => key.endsWith(`_${n}`));
    const prop = suffix ? key.slice(0, -(suffix.length + 1)) : key;
    if (!SHARED.has(prop)) continue;
    const endpoint = suffix ?? "";
    out.set(endpoint, { ...out.get(endpoint), [prop]: value });
  }
  return out;
}

/** Every property a device's exposes name (features of composite exposes included). */
export function exposedProperties(exposes: readonly Expose[]): Set<string> {
  const out = new Set<string>();
  const walk = (list: readonly Expose[]) => {
    for (const e of list) {
      if (e.property) out.add(e.property);
      if (e.features) walk(e.features);
    }
  };
  walk(exposes);
  return out;
}

/**
 * What a member gets from a group update: the keys it exposes, suffixed with its endpoint name when the member
 * is a named endpoint. `color_mode` follows `color`/`color_temp` when the member has either.
 */
export function memberUpdate(groupChange: EntityState, exposed: Set<string>, endpointName?: string): EntityState {
  const out: EntityState = {};
  // a named endpoint's exposes name its properties with the suffix (`state_l1`)
  const has = (key: string) =>
    exposed.has(key) || (endpointName !== undefined && exposed.has(`${key}_${endpointName}`));
  const hasColour = has("color") || has("color_temp");
  for (const [key, value] of Object.entries(groupChange)) {
    if (!has(key) && !(key === "color_mode" && hasColour)) continue;
    out[endpointName ? `${key}_${endpointName}` : key] = value;
  }
  return out;
}

export type OffState = "all_members_off" | "last_member_state";

/**
 * How a group follows a member that changed: ON when a member turns on; OFF only when all members are off (or,
 * with `last_member_state`, whenever the last member that changed is off); brightness and colour follow the member
 * that changed. Returns the keys that differ from the group's current state, or undefined when none do.
 */
export function groupUpdateFromMember(
  memberChange: EntityState,
  groupState: EntityState,
  offState: OffState,
  anyMemberOn: boolean,
): EntityState | undefined {
  const turningOff = typeof memberChange.state === "string" && OFF_STATES.has(memberChange.state);
  if (turningOff && offState === "all_members_off" && anyMemberOn) return undefined;
  const out: EntityState = {};
  for (const [key, value] of Object.entries(memberChange)) if (!same(groupState[key], value)) out[key] = value;
  return Object.keys(out).length > 0 ? out : undefined;
}

export function isOn(value: unknown): boolean {
  return value === "ON" || value === "OPEN";
}

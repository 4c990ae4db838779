import type { EntityState } from "../../state/stateCache.js";
import type { BridgeDevice } from "../../zigbee/bridgeDevice.js";
import type { BridgeGroup } from "../../zigbee/bridgeGroup.js";
import type { Endpoint } from "../../zigbee/herdsmanTypes.js";
import type { BridgeContext, Feature } from "../context.js";
import type { EntityPublisher } from "../entityPublisher.js";
import {
  exposedProperties,
  groupUpdateFromMember,
  isOn,
  memberUpdate,
  type OffState,
  SHARED_KEYS,
  sharedChanges,
} from "./groupStateRules.js";

const NO_NAMES: readonly string[] = [];
const EMPTY: EntityState = Object.freeze({});
const SHARED = new Set<string>(SHARED_KEYS);

/** Whether `key` is a shared key, or one suffixed with one of the device's endpoint names (`state_l2`). */
function isShared(key: string, endpointNames: readonly string[]): boolean {
  if (SHARED.has(key)) return true;
  for (const n of endpointNames) {
    if (key.length > n.length + 1 && key.endsWith(`_${n}`) && SHARED.has(key.slice(0, -(n.length + 1)))) return true;
  }
  return false;
}

/** The shared keys of an update, or undefined when it has none. */
function sharedUpdate(update: Readonly<EntityState>): EntityState | undefined {
  const out: EntityState = {};
  for (const [k, v] of Object.entries(update)) if (SHARED.has(k)) out[k] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * `before` updated with the shared keys of `state` (a new object; `before` is left as it was), or undefined when
 * neither has any: only these keys are kept, not a second copy of every state.
 */
function sharedPart(
  before: EntityState | undefined,
  state: EntityState,
  endpointNames: readonly string[],
): EntityState | undefined {
  let out: EntityState | undefined;
  for (const k of Object.keys(state)) {
    if ((before !== undefined && before[k] === state[k]) || !isShared(k, endpointNames)) continue;
    out ??= { ...before };
    out[k] = state[k];
  }
  return out ?? before;
}

/**
 * Optimistic group and member states, as zigbee2mqtt keeps them: a state published for a group (a group /set) is
 * published for each member that exposes the same light/switch keys; a member's change updates every group it is
 * in (ON when any member is on; OFF per the group's `off_state`). Publishes made here are marked by entity key and
 * not followed again, so a group update never bounces back from its members. As zigbee2mqtt's, these follow a state
 * just before it is published: the followers' messages go out first.
 */
export class GroupState implements Feature {
  /** the shared (light/switch) keys last published per entity key, to see what a publication changed */
  private readonly seen = new Map<string, EntityState>();
  /** entity keys this feature is publishing right now (their publications are not followed) */
  private readonly own = new Map<string, number>();
  private offChange: (() => void) | undefined;

  constructor(
    private readonly ctx: BridgeContext,
    private readonly publisher: EntityPublisher,
  ) {}

  start(): void {
    for (const key of this.ctx.state.keys()) {
      const shared = sharedPart(undefined, this.ctx.state.get(key), this.endpointNamesOf(key));
      if (shared) this.seen.set(key, shared);
    }
    // before the state goes out, as zigbee2mqtt: a member's report publishes its groups' state first, a group's
    // state its members' first
    this.offChange = this.publisher.onChange((key, state, update) => void this.onStateChange(key, state, update));
    this.ctx.bus.on("entityRemoved", this, (e) => {
      this.seen.delete(e.id);
    });
  }

  stop(): void {
    this.offChange?.();
    this.ctx.bus.off(this);
  }

  private async onStateChange(key: string, state: EntityState, update: Readonly<EntityState>): Promise<void> {
    const device = this.ctx.zigbee.device(key);
    const names = device ? Object.keys(device.endpointNames()) : NO_NAMES;
    const before = this.seen.get(key) ?? EMPTY;
    const next = sharedPart(before, state, names);
    if (next && next !== before) this.seen.set(key, next);
    if (this.own.has(key)) return;
    if (device) {
      for (const [endpointName, change] of sharedChanges(before, state, names)) {
        const endpoint = device.endpoint(endpointName || undefined);
        if (endpoint) await this.followMember(endpoint, change);
      }
      return;
    }
    const group = /^\d+$/.test(key) ? this.ctx.zigbee.group(Number(key)) : undefined;
    // a group's update reaches its members even when the group's state does not change (zigbee2mqtt sets them all)
    const change = group && (sharedUpdate(update) ?? sharedChanges(before, state).get(""));
    if (group && change) await this.followGroup(group, change);
  }

  private endpointNamesOf(key: string): readonly string[] {
    const device = this.ctx.zigbee.device(key);
    return device ? Object.keys(device.endpointNames()) : NO_NAMES;
  }

  /** A group's state changed: its members (and the other groups they are in) follow. */
  private async followGroup(group: BridgeGroup, change: EntityState): Promise<void> {
    if (group.options.optimistic === false) return;
    const followed: Array<{ endpoint: Endpoint; change: EntityState }> = [];
    for (const endpoint of group.zh.members) {
      const device = this.ctx.zigbee.device(endpoint.deviceIeeeAddress);
      const options = device?.options as Record<string, unknown> | undefined;
      if (!device || !options || options.disabled === true || options.optimistic === false) continue;
      const exposed = exposedProperties(device.exposes());
      const suffix = this.suffixOf(device, endpoint);
      const update = memberUpdate(change, exposed, suffix);
      if (Object.keys(update).length === 0) continue;
      await this.publishOwn(device, update);
      // the change as the member's other groups see it (without the endpoint suffix)
      const unsuffixed = Object.fromEntries(
        Object.entries(update).map(([k, v]) => [suffix ? k.slice(0, -(suffix.length + 1)) : k, v]),
      );
      followed.push({ endpoint, change: unsuffixed });
    }
    for (const f of followed) await this.followMember(f.endpoint, f.change, group.id);
  }

  /** A member endpoint's state changed: every (other) group it is in follows, per the group's `off_state`. */
  private async followMember(endpoint: Endpoint, change: EntityState, exceptGroup?: number): Promise<void> {
    for (const group of this.ctx.zigbee.groups()) {
      if (group.id === exceptGroup || !group.zh.hasMember(endpoint)) continue;
      const options = group.options;
      if (options.optimistic === false) continue;
      const offState: OffState = options.off_state ?? "all_members_off";
      const anyOn = group.zh.members.some((m) => isOn(this.memberStateValue(m)));
      const update = groupUpdateFromMember(change, this.ctx.state.get(String(group.id)), offState, anyOn);
      if (update) await this.publishOwn(group, update);
    }
  }

  /** A member endpoint's `state` (`state_<endpoint>` for a named endpoint). */
  private memberStateValue(endpoint: Endpoint): unknown {
    const device = this.ctx.zigbee.device(endpoint.deviceIeeeAddress);
    if (!device) return undefined;
    const state = this.ctx.state.get(device.ieee);
    const suffix = this.suffixOf(device, endpoint);
    return suffix ? (state[`state_${suffix}`] ?? state.state) : state.state;
  }

  private suffixOf(device: BridgeDevice, endpoint: Endpoint): string | undefined {
    const name = device.endpointName(endpoint);
    return name && name !== "default" ? name : undefined;
  }

  private async publishOwn(entity: BridgeDevice | BridgeGroup, update: EntityState): Promise<void> {
    const key = "ieee" in entity ? entity.ieee : String(entity.id);
    this.own.set(key, (this.own.get(key) ?? 0) + 1);
    try {
      await this.publisher.publish(entity, update);
    } finally {
      const n = (this.own.get(key) ?? 1) - 1;
      if (n > 0) this.own.set(key, n);
      else this.own.delete(key);
    }
  }
}

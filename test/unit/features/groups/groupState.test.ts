import { describe, expect, it } from "vitest";
import { EventBus } from "../../../../lib/eventBus.js";
import type { BridgeContext } from "../../../../lib/features/context.js";
import type { ChangeListener, EntityPublisher } from "../../../../lib/features/entityPublisher.js";
import { GroupState } from "../../../../lib/features/groups/groupState.js";
import { type EntityState, StateCache } from "../../../../lib/state/stateCache.js";
import { createLogger } from "../../../../lib/util/logger.js";

const LIGHT = [{ type: "light", features: [{ property: "state" }, { property: "brightness" }, { property: "color" }] }];

/** Two lamps and a sensor in a group; the publisher records publishes and announces them like EntityPublisher. */
function world(groupOptions: Record<string, unknown> = {}, lampBOptions: Record<string, unknown> = {}) {
  const logger = createLogger({ level: "error", output: [] });
  const bus = new EventBus(logger);
  const state = new StateCache(undefined, logger);
  const device = (ieee: string, exposes: unknown[], options: Record<string, unknown> = {}) => {
    const ep = { ID: 1, deviceIeeeAddress: ieee };
    return { ieee, name: ieee, ep, options, exposes: () => exposes, endpointNames: () => ({}), endpoint: () => ep };
  };
  const devices = [device("lamp_a", LIGHT), device("lamp_b", LIGHT, lampBOptions), device("sensor", [])];
  for (const d of devices) Object.assign(d, { endpointName: () => undefined });
  const members = devices.map((d) => d.ep);
  const group = {
    id: 5,
    name: "lights",
    options: { friendly_name: "lights", ...groupOptions },
    zh: { members, hasMember: (e: unknown) => members.includes(e as never) },
  };
  const published: Array<[string, EntityState]> = [];
  const listeners = new Set<ChangeListener>();
  const publisher = {
    // as EntityPublisher: the change listeners see the merged state just before it is published
    publish: async (entity: { name: string; ieee?: string; id?: number }, update: EntityState) => {
      const key = entity.ieee ?? String(entity.id);
      const merged = state.merge(key, update);
      for (const l of listeners) l(key, merged, update);
      published.push([entity.name, update]);
      await Promise.resolve();
    },
    onChange: (l: ChangeListener) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  } as unknown as EntityPublisher;
  const zigbee = {
    device: (ieee: string) => devices.find((d) => d.ieee === ieee),
    group: (id: number) => (id === 5 ? group : undefined),
    groups: () => [group],
  };
  const ctx = { bus, state, logger, zigbee } as unknown as BridgeContext;
  const groupState = new GroupState(ctx, publisher);
  groupState.start();
  const flush = () => new Promise((r) => setTimeout(r, 0));
  return { published, group, devices, publisher, flush, groupState };
}

describe("GroupState", () => {
  it("a group state reaches every member that exposes the keys, once, without bouncing back", async () => {
    const w = world();
    await w.publisher.publish(w.group as never, { state: "ON", brightness: 120 });
    await w.flush();
    // as zigbee2mqtt: the first member's state goes out before the group's, the others' after it
    expect(w.published).toEqual([
      ["lamp_a", { state: "ON", brightness: 120 }],
      ["lights", { state: "ON", brightness: 120 }],
      ["lamp_b", { state: "ON", brightness: 120 }],
    ]);
  });

  it("skips a member whose optimistic option is false", async () => {
    const w = world({}, { optimistic: false });
    await w.publisher.publish(w.group as never, { state: "ON" });
    await w.flush();
    expect(w.published.map(([name]) => name)).toEqual(["lamp_a", "lights"]);
  });

  it("all_members_off: the group turns OFF only when the last member does; brightness follows the member", async () => {
    const w = world();
    const [a, b] = w.devices;
    await w.publisher.publish(w.group as never, { state: "ON", brightness: 120 });
    await w.flush();
    w.published.length = 0;
    await w.publisher.publish(a as never, { state: "OFF" });
    await w.publisher.publish(b as never, { brightness: 60 });
    await w.flush();
    await w.publisher.publish(b as never, { state: "OFF" });
    await w.flush();
    // a member's change publishes its group first, as zigbee2mqtt
    expect(w.published).toEqual([
      ["lamp_a", { state: "OFF" }],
      ["lights", { brightness: 60 }],
      ["lamp_b", { brightness: 60 }],
      ["lights", { state: "OFF" }],
      ["lamp_b", { state: "OFF" }],
    ]);
  });

  it("last_member_state: the group follows the member that changed", async () => {
    const w = world({ off_state: "last_member_state" });
    await w.publisher.publish(w.group as never, { state: "ON" });
    await w.flush();
    w.published.length = 0;
    await w.publisher.publish(w.devices[0] as never, { state: "OFF" });
    await w.flush();
    expect(w.published).toEqual([
      ["lights", { state: "OFF" }],
      ["lamp_a", { state: "OFF" }],
    ]);
  });

  it("remembers only the shared light/switch keys of each state, not a second copy of every state", async () => {
    const w = world();
    const [a, , sensor] = w.devices;
    await w.publisher.publish(a as never, { state: "ON", brightness: 10, power_on_behavior: "on", linkquality: 90 });
    await w.publisher.publish(sensor as never, { temperature: 21, humidity: 40, battery: 90 });
    await w.flush();
    const seen = (w.groupState as unknown as { seen: Map<string, unknown> }).seen;
    expect(seen.get("lamp_a")).toEqual({ state: "ON", brightness: 10 });
    expect(seen.has("sensor")).toBe(false);
    expect(seen.get("5")).toEqual({ state: "ON", brightness: 10 });
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { BASE, json, request, useBridgeWorld } from "../support/bridgeWorld.js";

type Info = { commit?: unknown; config: Record<string, unknown> };

/**
 * What zigbee2mqtt republishes after each kind of change (bridge/devices, bridge/info, bridge/definitions,
 * bridge/groups), the fields of bridge/info and bridge/definitions it has and we had not, and the device states it
 * publishes where we did not.
 */
describe("bridge republishing, as zigbee2mqtt", () => {
  const world = useBridgeWorld();
  let lamp: string;
  let remote: string;

  beforeAll(() => {
    lamp = world.bridge.simulator.device("bulb").description.ieee;
    remote = world.bridge.simulator.device("remote").description.ieee;
  });

  const published = (topic: string, since: number) =>
    world.mqtt.waitForMessage(`${BASE}/${topic}`, { since, timeoutMs: 5000 });

  it("bridge/info has a commit, the configuration's version and the network map colours' defaults", async () => {
    const since = world.mqtt.mark();
    await request(world.mqtt, "permit_join", { time: 0 });
    const info = json((await published("bridge/info", since)).payload) as Info;
    expect(typeof info.commit).toBe("string");
    expect(info.config.version).toBe(5);
    expect(info.config.map_options).toEqual({
      graphviz: {
        colors: {
          fill: { enddevice: "#fff8ce", coordinator: "#e04e5d", router: "#4ea3e0" },
          font: { enddevice: "#000000", coordinator: "#ffffff", router: "#ffffff" },
          line: { active: "#009900", inactive: "#994444" },
        },
      },
    });
  });

  it("bridge/definitions lists the custom clusters of each device that has some, by IEEE address", async () => {
    const zh = world.bridge.controller.zigbee.device(remote)?.zh;
    const custom = zh?.customClusters ?? {};
    expect(Object.keys(custom).length).toBeGreaterThan(0);
    const since = world.mqtt.mark();
    await request(world.mqtt, "group/add", { friendly_name: "defs", id: 31 });
    await request(world.mqtt, "group/members/add", { group: "defs", device: lamp });
    const defs = json((await published("bridge/definitions", since)).payload) as {
      custom_clusters: Record<string, unknown>;
    };
    expect(defs.custom_clusters[remote]).toEqual(JSON.parse(JSON.stringify(custom)));
    expect(defs.custom_clusters).not.toHaveProperty(lamp);
  });

  /** Adds a group and waits for its bridge/groups (published a moment after the response). */
  const addGroup = async (friendly_name: string, id: number) => {
    const since = world.mqtt.mark();
    await request(world.mqtt, "group/add", { friendly_name, id });
    await groupsWhere(since, (groups) => groups.some((g) => g.id === id));
  };
  const groupsWhere = (since: number, pred: (groups: Array<{ id: number; members: unknown[] }>) => boolean) =>
    world.mqtt.waitForMessage((m) => m.topic === `${BASE}/bridge/groups` && pred(JSON.parse(m.payload)), {
      since,
      timeoutMs: 5000,
    });
  const membersOf = (groups: Array<{ id: number; members: unknown[] }>, id: number) =>
    groups.find((g) => g.id === id)?.members.length;

  it("a group member change republishes bridge/groups, bridge/devices, bridge/info and bridge/definitions", async () => {
    await addGroup("members", 32);
    const since = world.mqtt.mark();
    const r = await request(world.mqtt, "group/members/add", { group: "members", device: lamp });
    expect(r).toMatchObject({ status: "ok", data: { endpoint: "default" } });
    await groupsWhere(since, (groups) => membersOf(groups, 32) === 1);
    for (const topic of ["bridge/devices", "bridge/info", "bridge/definitions"]) await published(topic, since);
    const removed = world.mqtt.mark();
    await request(world.mqtt, "group/members/remove", { group: "members", device: lamp });
    await groupsWhere(removed, (groups) => membersOf(groups, 32) === 0);
    for (const topic of ["bridge/devices", "bridge/info", "bridge/definitions"]) await published(topic, removed);
  });

  it("group options republish bridge/info (its config), not bridge/groups (which has no options)", async () => {
    await addGroup("opts", 33);
    const since = world.mqtt.mark();
    const r = await request(world.mqtt, "group/options", { id: "opts", options: { transition: 1 } });
    expect(r).toMatchObject({ status: "ok" });
    const transition = (payload: string) =>
      ((json(payload) as Info).config.groups as Record<string, { transition?: number }>)["33"]?.transition;
    // (an earlier test's device may still be configured again meanwhile, republishing bridge/info before this one)
    await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/bridge/info` && transition(m.payload) === 1, {
      since,
      timeoutMs: 5000,
    });
    // the next bridge/groups is the one of the next group change: the options published none
    await request(world.mqtt, "group/add", { friendly_name: "opts_after", id: 34 });
    const groups = JSON.parse((await published("bridge/groups", since)).payload) as Array<{ id: number }>;
    expect(groups.map((g) => g.id)).toContain(34);
  });

  it("device options republish bridge/info (with them), bridge/devices and bridge/definitions", async () => {
    const since = world.mqtt.mark();
    const r = await request(world.mqtt, "device/options", { id: lamp, options: { transition: 2 } });
    expect(r).toMatchObject({ status: "ok", data: { to: { transition: 2 } } });
    const transition = (payload: string) =>
      ((json(payload) as Info).config.devices as Record<string, { transition?: number }>)[lamp]?.transition;
    await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/bridge/info` && transition(m.payload) === 2, {
      since,
      timeoutMs: 5000,
    });
    for (const topic of ["bridge/devices", "bridge/definitions"]) await published(topic, since);
  });

  it("a device's state carries the link quality of its last message, from the first publish", async () => {
    const zh = world.bridge.controller.zigbee.device(lamp)?.zh;
    expect(zh?.linkquality).toEqual(expect.any(Number));
    const since = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/${lamp}/set`, JSON.stringify({ state: "ON" }));
    const state = await world.mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/${lamp}` && json(m.payload).state === "ON",
      { since, timeoutMs: 5000 },
    );
    expect(json(state.payload).linkquality).toBe(zh?.linkquality);
  });

  it("a renamed device's state is published under its new name even when none is known yet", async () => {
    world.bridge.controller.state.remove(remote);
    const since = world.mqtt.mark();
    const r = await request(world.mqtt, "device/rename", { from: remote, to: "hall/remote" });
    expect(r).toMatchObject({ status: "ok" });
    const state = json((await published("hall/remote", since)).payload);
    expect(state).toEqual(expect.objectContaining({ linkquality: expect.any(Number) }));
  });
});

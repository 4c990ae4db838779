import { beforeAll, describe, expect, it } from "vitest";
import { retainedOn } from "../../support/mqttTestClient.js";
import { BASE, json, request, useBridgeWorld } from "../support/bridgeWorld.js";

/** group/add, group/options, group/rename, group/remove through MQTT → bridge → herdsman → virtual coordinator. */
describe("group administration", () => {
  const world = useBridgeWorld();
  let lamp: string;
  const herdsmanGroup = (id: number) => world.bridge.controller.zigbee.controller.getGroupByID(id);
  const settingsGroups = () => world.bridge.settings.get().groups;
  /** the first bridge/groups published from the mark `from` on that lists these group names */
  const groupsAfter = (from: number, names: string[]) =>
    world.mqtt.waitForMessage(
      (m) => {
        if (m.topic !== `${BASE}/bridge/groups`) return false;
        const list = JSON.parse(m.payload) as Array<{ friendly_name: string }>;
        return JSON.stringify(list.map((g) => g.friendly_name)) === JSON.stringify(names);
      },
      { since: from },
    );

  /** a request with a plain-string payload (no transaction): the first response after it */
  const requestString = async (name: string, body: string) => {
    const since = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/bridge/request/${name}`, body);
    const m = await world.mqtt.waitForMessage(`${BASE}/bridge/response/${name}`, { since });
    return json(m.payload);
  };

  /** the groups a test needs, made as the first test makes them when this test runs alone */
  const ensureGroups = async (groups: Record<string, number>) => {
    for (const [name, id] of Object.entries(groups)) {
      if (world.bridge.settings.findGroup(name)) continue;
      expect(await request(world.mqtt, "group/add", { friendly_name: name, id })).toMatchObject({ status: "ok" });
    }
  };

  beforeAll(() => {
    lamp = world.bridge.simulator.device("bulb").description.ieee;
  });

  it("group/add creates the group in herdsman and the settings, with a free id or the one given", async () => {
    const from = world.mqtt.mark();
    expect(await request(world.mqtt, "group/add", { friendly_name: "living_room" })).toMatchObject({
      status: "ok",
      data: { friendly_name: "living_room", id: 1 },
    });
    expect((await requestString("group/add", "kitchen")).data).toEqual({ friendly_name: "kitchen", id: 2 });
    expect((await request(world.mqtt, "group/add", { friendly_name: "hall", id: 7 })).data).toEqual({
      friendly_name: "hall",
      id: 7,
    });
    expect([herdsmanGroup(1), herdsmanGroup(2), herdsmanGroup(7)].every(Boolean)).toBe(true);
    expect(settingsGroups()["7"]).toMatchObject({ friendly_name: "hall" });
    await groupsAfter(from, ["living_room", "kitchen", "hall"]);
  });

  it("group/add refuses a used name or id, a device's name and a bad payload, creating nothing", async () => {
    await ensureGroups({ living_room: 1, hall: 7 });
    const before = JSON.stringify(settingsGroups());
    const cases: Array<[Record<string, unknown> | string, RegExp]> = [
      [{ friendly_name: "living_room" }, /used by another group/],
      [{ friendly_name: "new", id: 7 }, /Group 7 already exists/],
      [{ friendly_name: lamp }, /used by another device/],
      [{ friendly_name: "bad/12" }, /must not end with/],
      [{ id: 3 }, /'friendly_name' is required/],
      [{ friendly_name: "x", id: 0 }, /'id' must be a whole number/],
    ];
    for (const [payload, error] of cases) {
      const r = await request(world.mqtt, "group/add", payload);
      expect(r, JSON.stringify(payload)).toMatchObject({ status: "error", error: expect.stringMatching(error) });
    }
    expect(JSON.stringify(settingsGroups())).toBe(before);
    expect(herdsmanGroup(3)).toBeUndefined();
  });

  it("group/options changes options and says when a restart is needed; bad options change nothing", async () => {
    await ensureGroups({ living_room: 1 });
    const r = await request(world.mqtt, "group/options", { id: "living_room", options: { retain: true } });
    expect(r).toMatchObject({
      status: "ok",
      data: {
        id: "living_room",
        from: {},
        to: { retain: true },
        restart_required: false,
      },
    });
    // as zigbee2mqtt: the group's name is not among its options in the answer
    expect(r).not.toHaveProperty("data.to.friendly_name");
    expect(settingsGroups()["1"]).toMatchObject({ retain: true });
    const bad = await request(world.mqtt, "group/options", { id: 1, options: { qos: 7 } });
    expect(bad).toMatchObject({ status: "error", error: expect.stringMatching(/qos/) });
    const unknown = await request(world.mqtt, "group/options", { id: "attic", options: { retain: true } });
    expect(unknown).toMatchObject({ status: "error", error: "Group 'attic' does not exist" });
    expect(settingsGroups()["1"]).not.toHaveProperty("qos");
  });

  it("group/rename clears the old retained topic and republishes the state under the new name", async () => {
    await ensureGroups({ living_room: 1, kitchen: 2 });
    if (!world.bridge.settings.findGroup("living_room")?.options.retain) {
      const retain = await request(world.mqtt, "group/options", { id: "living_room", options: { retain: true } });
      expect(retain.status).toBe("ok"); // the group's state is retained (as the options test leaves it)
    }
    await request(world.mqtt, "group/members/add", { group: "living_room", device: lamp });
    const on = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/living_room/set`, JSON.stringify({ state: "ON" }));
    await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/living_room` && json(m.payload).state === "ON", {
      since: on,
    });
    const renamed = world.mqtt.mark();
    const r = await request(world.mqtt, "group/rename", { from: "living_room", to: "lounge" });
    expect(r).toMatchObject({ status: "ok", data: { from: "living_room", to: "lounge", homeassistant_rename: false } });
    expect(settingsGroups()["1"]).toMatchObject({ friendly_name: "lounge" });
    await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/lounge` && json(m.payload).state === "ON", {
      since: renamed,
    });
    const [lounge, ...more] = await retainedOn(world.broker.url, `${BASE}/lounge`);
    expect(more).toEqual([]);
    expect(json(lounge?.payload ?? "{}")).toMatchObject({ state: "ON" });
    expect(await retainedOn(world.broker.url, `${BASE}/living_room`)).toEqual([]);
    const taken = await request(world.mqtt, "group/rename", { from: "lounge", to: "kitchen" });
    expect(taken).toMatchObject({
      status: "error",
      error: expect.stringMatching(/'kitchen' is used by another group/),
    });
    const missing = await request(world.mqtt, "group/rename", { from: "attic", to: "loft" });
    expect(missing).toMatchObject({ status: "error", error: "Group 'attic' does not exist" });
  });

  it("group/remove takes the group off its members, out of herdsman and the settings, and clears its state", async () => {
    // what the tests before leave: lounge (1, the lamp in it, with a state), kitchen (2) and 7
    if (!world.bridge.settings.findGroup("lounge")) {
      await ensureGroups({ lounge: 1, kitchen: 2, hall: 7 });
      await request(world.mqtt, "group/members/add", { group: "lounge", device: lamp });
      await request(world.mqtt, "group/options", { id: "lounge", options: { retain: true } });
      const on = world.mqtt.mark();
      await world.mqtt.publish(`${BASE}/lounge/set`, JSON.stringify({ state: "ON" }));
      await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/lounge` && m.payload !== "", { since: on });
    }
    expect(world.bridge.simulator.device("bulb").groups.list(1)).toEqual([1]);
    const from = world.mqtt.mark();
    const r = await request(world.mqtt, "group/remove", { id: "lounge" });
    expect(r).toMatchObject({ status: "ok", data: { id: "lounge", force: false } });
    expect(world.bridge.simulator.device("bulb").groups.list(1)).toEqual([]);
    expect(herdsmanGroup(1)).toBeUndefined();
    expect(settingsGroups()).not.toHaveProperty("1");
    await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/lounge` && m.payload === "", { since: from });
    expect(await retainedOn(world.broker.url, `${BASE}/lounge`)).toEqual([]);
    expect((await requestString("group/remove", "kitchen")).data).toEqual({ id: "kitchen", force: false });
    expect((await request(world.mqtt, "group/remove", { id: 7, force: true })).data).toEqual({ id: 7, force: true });
    const gone = await request(world.mqtt, "group/remove", { id: "lounge" });
    expect(gone).toMatchObject({ status: "error", error: "Group 'lounge' does not exist" });
    await groupsAfter(from, []);
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { BASE, request, useBridgeWorld, withConfigureRuns } from "../support/bridgeWorld.js";
import { waitFor } from "../support/herdsmanWorld.js";

type GroupJson = { id: number; friendly_name: string; members: Array<{ ieee_address: string; endpoint: number }> };

/** group/members/add, /remove, /remove_all: the simulated device's group table and herdsman's database agree. */
describe("group members", () => {
  const world = useBridgeWorld();
  let lamp: string;
  let plug: string;
  const table = (name: string) => world.bridge.simulator.device(name).groups.list(1);
  const herdsmanMembers = (id: number) =>
    world.bridge.controller.zigbee.controller.getGroupByID(id)?.members.map((e) => e.deviceIeeeAddress);
  /** the first bridge/groups published from the mark `from` on where `pred` holds */
  const groupsAfter = (from: number, pred: (groups: GroupJson[]) => boolean) =>
    world.mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/bridge/groups` && pred(JSON.parse(m.payload) as GroupJson[]),
      { since: from },
    );
  /** makes `device` a member of group `id` (when a test runs alone, what an earlier one would have done) */
  const ensureMember = async (id: number, device: string) => {
    if (herdsmanMembers(id)?.includes(device)) return;
    expect((await request(world.mqtt, "group/members/add", { group: id, device })).status).toBe("ok");
  };

  beforeAll(async () => {
    lamp = world.bridge.simulator.device("bulb").description.ieee;
    plug = world.bridge.simulator.device("plug").description.ieee;
    await request(world.mqtt, "group/add", { friendly_name: "downstairs", id: 10 });
    await request(world.mqtt, "group/add", { friendly_name: "everything", id: 11 });
  });

  it("members/add puts the device's endpoint in the group on the device, in herdsman and in bridge/groups", async () => {
    const from = world.mqtt.mark();
    const r = await request(world.mqtt, "group/members/add", { group: "downstairs", device: lamp, endpoint: 1 });
    expect(r).toMatchObject({ status: "ok", data: { device: lamp, group: "downstairs", endpoint: 1 } });
    expect((await request(world.mqtt, "group/members/add", { group: 11, device: lamp })).status).toBe("ok");
    expect((await request(world.mqtt, "group/members/add", { group: "everything", device: plug })).status).toBe("ok");
    expect(table("bulb").sort()).toEqual([10, 11]);
    expect(table("plug")).toEqual([11]);
    expect(herdsmanMembers(11)?.sort()).toEqual([lamp, plug].sort());
    const message = await groupsAfter(from, (gs) => gs.find((g) => g.id === 11)?.members.length === 2);
    const groups = JSON.parse(message.payload) as GroupJson[];
    expect(groups.find((g) => g.id === 10)?.members).toEqual([{ ieee_address: lamp, endpoint: 1 }]);
  });

  it("members/add refuses an unknown group, device or endpoint and a bad payload", async () => {
    const cases: Array<[Record<string, unknown>, string | RegExp]> = [
      [{ group: "attic", device: lamp }, "Group 'attic' does not exist"],
      [{ group: "downstairs", device: "no_such_lamp" }, "Device 'no_such_lamp' does not exist"],
      [{ group: "downstairs", device: lamp, endpoint: 9 }, /^Device '0x[0-9a-f]+' has no endpoint '9' \(it has: 1\)$/],
      [{ device: lamp }, /'group' is required/],
      [{ group: "downstairs", device: lamp, skip_disable_reporting: "yes" }, /must be true or false/],
    ];
    const before = herdsmanMembers(10);
    for (const [payload, error] of cases) {
      const r = await request(world.mqtt, "group/members/add", payload);
      expect(r, JSON.stringify(payload)).toMatchObject({ status: "error", error });
    }
    expect(herdsmanMembers(10)).toEqual(before);
  });

  it("members/remove takes the endpoint out of the group; a non-member is an error", async () => {
    await ensureMember(10, lamp);
    const others = table("bulb").filter((id) => id !== 10);
    const r = await request(world.mqtt, "group/members/remove", { group: "downstairs", device: lamp });
    // no endpoint given: zigbee2mqtt answers "default"
    expect(r).toMatchObject({ status: "ok", data: { device: lamp, group: "downstairs", endpoint: "default" } });
    expect(table("bulb")).toEqual(others);
    expect(herdsmanMembers(10)).toEqual([]);
    const again = await request(world.mqtt, "group/members/remove", { group: "downstairs", device: lamp });
    expect(again).toMatchObject({
      status: "error",
      error: expect.stringMatching(/is not a member of group 'downstairs'/),
    });
    const unknown = await request(world.mqtt, "group/members/remove", { group: "downstairs", device: "ghost" });
    expect(unknown).toMatchObject({ status: "error", error: "Device 'ghost' does not exist" });
  });

  it("members/remove_all empties the device's group table and takes it out of every group", async () => {
    await ensureMember(10, lamp);
    await ensureMember(11, lamp);
    await ensureMember(11, plug);
    const from = world.mqtt.mark();
    const r = await request(world.mqtt, "group/members/remove_all", { device: lamp });
    expect(r).toMatchObject({ status: "ok", data: { device: lamp, endpoint: "default" } });
    // removeAll goes out without waiting for the device's answer (as herdsman sends it)
    await waitFor(() => table("bulb").length === 0, 5000, "the bulb's empty group table");
    expect(herdsmanMembers(10)).toEqual([]);
    expect(herdsmanMembers(11)).toEqual([plug]);
    await groupsAfter(from, (gs) => gs.every((g) => g.members.every((m) => m.ieee_address !== lamp)));
    const unknown = await request(world.mqtt, "group/members/remove_all", { device: lamp, endpoint: "left" });
    expect(unknown).toMatchObject({ status: "error", error: expect.stringMatching(/has no endpoint 'left'/) });
  });
  it("a device that leaves a group is configured again (its own reporting restored), as zigbee2mqtt", async () => {
    await ensureMember(10, lamp);
    await withConfigureRuns(world.bridge, async (runs) => {
      const r = await request(world.mqtt, "group/members/remove", { group: 10, device: lamp });
      expect(r).toMatchObject({ status: "ok" });
      await waitFor(() => runs.includes(lamp), 5000, "the bulb to be configured again");
    });
  });
});

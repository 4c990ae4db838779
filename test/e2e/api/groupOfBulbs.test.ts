import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { BASE, json, request, useBridgeWorld } from "../support/bridgeWorld.js";
import { removeDir, tempDir, waitFor } from "../support/herdsmanWorld.js";

const A = "0x00124b00000a0001";
const B = "0x00124b00000b0002";
const scenarioDir = tempDir("zigmqtt-scenario-");
const scenario = join(scenarioDir, "scenario.yaml");
writeFileSync(
  scenario,
  stringify({
    name: "two-bulbs",
    seed: "two-bulbs",
    devices: [
      { kind: "colorBulb", name: "bulb_a", ieee: A, paired: true },
      { kind: "colorBulb", name: "bulb_b", ieee: B, paired: true },
      { kind: "remote", name: "remote", paired: true },
    ],
  }),
);

/** A group of two colour bulbs on the virtual network: group commands reach both, states follow each other. */
describe("group of two bulbs", () => {
  const world = useBridgeWorld({
    devices: 3,
    config: {
      serial: { port: `virtual://${scenario}`, adapter: "zstack" },
      devices: { [A]: { friendly_name: "bulb_a" }, [B]: { friendly_name: "bulb_b" } },
    },
  });
  afterAll(() => removeDir(scenarioDir));

  const bulb = (name: string) => world.bridge.simulator.device(name);
  const onOff = (name: string) => bulb(name).getAttribute(1, "genOnOff", "onOff");
  const level = (name: string) => bulb(name).getAttribute(1, "genLevelCtrl", "currentLevel");
  const since = () => world.mqtt.mark();
  /** the first state of `name` published from the mark `from` on that matches */
  const stateAfter = (from: number, name: string, pred: (s: Record<string, unknown>) => boolean) =>
    world.mqtt.waitForMessage((m) => m.topic === `${BASE}/${name}` && pred(json(m.payload)), {
      since: from,
      timeoutMs: 5000,
    });
  const set = (name: string, payload: Record<string, unknown>) =>
    world.mqtt.publish(`${BASE}/${name}/set`, JSON.stringify(payload));
  /** the group "lights" with both bulbs in it (made by the first test; made here when a test runs alone) */
  const lightsWithBothBulbs = async () => {
    if (!world.bridge.settings.findGroup("lights")) {
      expect(await request(world.mqtt, "group/add", { friendly_name: "lights" })).toMatchObject({ status: "ok" });
    }
    for (const device of ["bulb_a", "bulb_b"]) {
      if (bulb(device).groups.list(1).length > 0) continue;
      const r = await request(world.mqtt, "group/members/add", { group: "lights", device });
      expect(r).toMatchObject({ status: "ok" });
    }
  };

  it("a group /set switches both bulbs and publishes the group's and both members' states", async () => {
    const added = await request(world.mqtt, "group/add", { friendly_name: "lights" });
    expect(added).toMatchObject({ status: "ok", data: { friendly_name: "lights", id: 1 } });
    for (const device of ["bulb_a", "bulb_b"]) {
      const r = await request(world.mqtt, "group/members/add", { group: "lights", device });
      expect(r).toMatchObject({ status: "ok", data: { device, group: "lights", endpoint: "default" } }); // none given: zigbee2mqtt answers "default"
    }
    expect(bulb("bulb_a").groups.list(1)).toEqual([1]);
    expect(bulb("bulb_b").groups.list(1)).toEqual([1]);
    const off = since();
    await set("bulb_a", { state: "OFF" });
    await set("bulb_b", { state: "OFF" });
    await stateAfter(off, "lights", (s) => s.state === "OFF");

    const from = since();
    await set("lights", { state: "ON", brightness: 120 });
    await stateAfter(from, "lights", (s) => s.state === "ON" && s.brightness === 120);
    await stateAfter(from, "bulb_a", (s) => s.state === "ON" && s.brightness === 120);
    await stateAfter(from, "bulb_b", (s) => s.state === "ON" && s.brightness === 120);
    const attributes = () => [onOff("bulb_a"), level("bulb_a"), onOff("bulb_b"), level("bulb_b")].join();
    await waitFor(() => attributes() === "1,120,1,120", 5000, "both bulbs on at level 120");
  });

  it("with all_members_off the group stays ON while one member is still on", async () => {
    await lightsWithBothBulbs();
    // both members on, as the bridge knows them
    const on = since();
    await set("bulb_a", { state: "ON" });
    await set("bulb_b", { state: "ON" });
    await stateAfter(on, "bulb_a", (s) => s.state === "ON");
    await stateAfter(on, "bulb_b", (s) => s.state === "ON");
    await stateAfter(on, "lights", (s) => s.state === "ON");
    const from = since();
    await set("bulb_a", { state: "OFF" });
    await stateAfter(from, "bulb_a", (s) => s.state === "OFF");
    await set("bulb_b", { brightness: 80 });
    await stateAfter(from, "lights", (s) => s.brightness === 80);
    const groupStates = world.mqtt.received(`${BASE}/lights`, from);
    expect(groupStates.map((m) => json(m.payload).state)).toEqual(groupStates.map(() => "ON"));
  });

  it("after members/remove, a group /set no longer reaches the removed bulb; the last member OFF turns the group OFF", async () => {
    await lightsWithBothBulbs();
    await set("bulb_a", { state: "ON" });
    await waitFor(() => onOff("bulb_a") === 1, 5000, "bulb_a on");
    const removed = await request(world.mqtt, "group/members/remove", { group: "lights", device: "bulb_a" });
    expect(removed).toMatchObject({ status: "ok", data: { device: "bulb_a", group: "lights" } });
    expect(bulb("bulb_a").groups.list(1)).toEqual([]);

    let from = since();
    await set("lights", { state: "OFF" });
    await stateAfter(from, "bulb_b", (s) => s.state === "OFF");
    await waitFor(() => onOff("bulb_b") === 0, 5000, "bulb_b off");
    expect(onOff("bulb_a")).toBe(1);
    expect(world.mqtt.received(`${BASE}/bulb_a`, from).map((m) => json(m.payload).state)).not.toContain("OFF");

    from = since();
    await set("lights", { state: "ON" });
    await stateAfter(from, "lights", (s) => s.state === "ON");
    await stateAfter(from, "bulb_b", (s) => s.state === "ON");
    from = since();
    await set("bulb_b", { state: "OFF" });
    expect(json((await stateAfter(from, "lights", () => true)).payload)).toMatchObject({ state: "OFF" });
    expect(onOff("bulb_a")).toBe(1);
  });
});

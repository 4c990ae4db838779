import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { BASE, json, request, useBridgeWorld } from "../support/bridgeWorld.js";
import { removeDir, tempDir, waitFor } from "../support/herdsmanWorld.js";

const A = "0x00124b00000c0001";
const B = "0x00124b00000c0002";
const REMOTE = "0x00124b00000c0003";
const GROUP = 5;
type DeviceEntry = {
  ieee_address: string;
  endpoints: Record<
    string,
    {
      bindings: Array<{ target: { type: string; id?: number } }>;
      configured_reportings: Array<Record<string, unknown>>;
    }
  >;
};
const scenarioDir = tempDir("zigmqtt-scenario-");
const scenario = join(scenarioDir, "scenario.yaml");
writeFileSync(
  scenario,
  stringify({
    name: "remote-and-bulbs",
    seed: "remote-and-bulbs",
    devices: [
      { kind: "colorBulb", name: "bulb_a", ieee: A, paired: true },
      { kind: "colorBulb", name: "bulb_b", ieee: B, paired: true },
      { kind: "remote", name: "remote", ieee: REMOTE, paired: true },
    ],
  }),
);

/** A remote bound to a group of two bulbs switches both on its own; the bridge sees it through the bulbs' reports. */
describe("device/bind: a remote bound to a group of two bulbs", () => {
  const world = useBridgeWorld({
    devices: 3,
    config: {
      serial: { port: `virtual://${scenario}`, adapter: "zstack" },
      devices: {
        [A]: { friendly_name: "bulb_a" },
        [B]: { friendly_name: "bulb_b" },
        [REMOTE]: { friendly_name: "remote" },
      },
    },
  });
  afterAll(() => removeDir(scenarioDir));
  const sim = (name: string) => world.bridge.simulator.device(name);
  const onOff = (name: string) => sim(name).getAttribute(1, "genOnOff", "onOff");
  const stateAfter = (from: number, name: string, state: string) =>
    world.mqtt.waitForMessage((m) => m.topic === `${BASE}/${name}` && json(m.payload).state === state, {
      since: from,
      timeoutMs: 5000,
    });
  /** switches both bulbs off through the bridge (a /set is answered with the state even when already off) */
  const bothOff = async () => {
    const from = world.mqtt.mark();
    for (const name of ["bulb_a", "bulb_b"]) await world.mqtt.publish(`${BASE}/${name}/set`, '{"state":"OFF"}');
    await Promise.all([stateAfter(from, "bulb_a", "OFF"), stateAfter(from, "bulb_b", "OFF")]);
    await waitFor(() => onOff("bulb_a") === 0 && onOff("bulb_b") === 0, 5000, "both bulbs off");
  };

  beforeAll(async () => {
    // the group, set up directly (group/* requests are not what this file tests)
    const zigbee = world.bridge.controller.zigbee;
    const group = zigbee.controller.createGroup(GROUP);
    for (const ieee of [A, B]) await zigbee.device(ieee)?.zh.getEndpoint(1)?.addToGroup(group);
    world.bridge.settings.addGroup("lights", GROUP);
    zigbee.trackGroup(group);
    expect(sim("bulb_a").groups.list(1)).toEqual([GROUP]);
    expect(sim("bulb_b").groups.list(1)).toEqual([GROUP]);
  });

  it("binds genOnOff and genLevelCtrl; on/off presses switch both bulbs and both states are published", async () => {
    const bound = world.mqtt.mark();
    const r = await request(world.mqtt, "device/bind", {
      from: "remote",
      to: "lights",
      clusters: ["genOnOff", "genLevelCtrl"],
    });
    expect(r).toMatchObject({
      status: "ok",
      data: {
        from: "remote",
        from_endpoint: "default",
        to: "lights",
        clusters: ["genOnOff", "genLevelCtrl"],
        failed: [],
      },
    });
    const groupBindings = sim("remote").bindings.filter((b) => b.destination.kind === "group");
    expect(groupBindings.map((b) => [b.clusterId, b.destination])).toEqual([
      [0x0006, { kind: "group", groupId: GROUP }],
      [0x0008, { kind: "group", groupId: GROUP }],
    ]);
    const entry = (payload: string, ieee: string) =>
      (JSON.parse(payload) as DeviceEntry[]).find((d) => d.ieee_address === ieee)?.endpoints["1"];
    // bridge/devices shows the binding, and the bulbs now reporting their state to the bridge (the remote talks to
    // them, not to the bridge)
    const reportsOnOff = (payload: string, ieee: string) =>
      (entry(payload, ieee)?.configured_reportings ?? []).some(
        (c) => c.cluster === "genOnOff" && c.attribute === "onOff",
      );
    await world.mqtt.waitForMessage(
      (m) => {
        if (m.topic !== `${BASE}/bridge/devices`) return false;
        const bindings = entry(m.payload, REMOTE)?.bindings ?? [];
        return (
          bindings.some((b) => b.target.type === "group" && b.target.id === GROUP) &&
          reportsOnOff(m.payload, A) &&
          reportsOnOff(m.payload, B)
        );
      },
      { since: bound, timeoutMs: 5000 },
    );

    // both bulbs start off
    await bothOff();

    let from = world.mqtt.mark();
    sim("remote").press("on");
    await Promise.all([stateAfter(from, "bulb_a", "ON"), stateAfter(from, "bulb_b", "ON")]);
    expect([onOff("bulb_a"), onOff("bulb_b")]).toEqual([1, 1]);

    from = world.mqtt.mark();
    sim("remote").press("off");
    await Promise.all([stateAfter(from, "bulb_a", "OFF"), stateAfter(from, "bulb_b", "OFF")]);
    expect([onOff("bulb_a"), onOff("bulb_b")]).toEqual([0, 0]);
  });

  it("unbind removes the group binding and turns the bulbs' reporting off again; presses then reach no bulb", async () => {
    const b = await request(world.mqtt, "device/bind", { from: "remote", to: "lights", clusters: ["genOnOff"] });
    expect(b).toMatchObject({ status: "ok", data: { failed: [] } });
    await bothOff();
    const r = await request(world.mqtt, "device/unbind", { from: "remote", to: GROUP, clusters: ["genOnOff"] });
    expect(r).toMatchObject({ status: "ok", data: { clusters: ["genOnOff"], failed: [] } });
    expect(sim("remote").bindings.filter((b) => b.clusterId === 0x0006 && b.destination.kind === "group")).toEqual([]);
    const bulb = world.bridge.controller.zigbee.device(A)?.zh.getEndpoint(1);
    expect(bulb?.configuredReportings.filter((c) => c.cluster.name === "genOnOff")).toEqual([]);
    const pressed = world.mqtt.mark();
    sim("remote").press("on");
    await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/remote` && json(m.payload).action === "on", {
      since: pressed,
    });
    expect([onOff("bulb_a"), onOff("bulb_b")]).toEqual([0, 0]);
  });

  it("refuses a target that does not exist, and a cluster the remote does not have", async () => {
    const missing = await request(world.mqtt, "device/bind", { from: "remote", to: "nowhere" });
    expect(missing).toMatchObject({ status: "error", error: "Device or group 'nowhere' does not exist" });
    const unfit = await request(world.mqtt, "device/bind", { from: "remote", to: "lights", clusters: ["msCO2"] });
    expect(unfit).toMatchObject({ status: "error", error: expect.stringMatching(/^Nothing to bind/) });
  });
});

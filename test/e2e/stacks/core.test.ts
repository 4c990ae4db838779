import { describe, expect, it } from "vitest";
import { BASE, json, request } from "../support/bridgeWorld.js";
import { STACKS, useStackWorld } from "./stackWorld.js";

type Msg = { topic: string; payload: string };
const stateOf = (name: string) => (m: Msg) => m.topic === `${BASE}/${name}`;

/** The core of the end-to-end suite, on each coordinator stack: same network, same devices, same expectations. */
describe.each(STACKS)("on the %s virtual coordinator", (adapter) => {
  const w = useStackWorld(adapter);

  async function setAndSee(
    name: string,
    payload: Record<string, unknown>,
    see: (s: Record<string, unknown>) => boolean,
  ) {
    const since = w.mqtt.mark();
    await w.mqtt.publish(`${BASE}/${name}/set`, JSON.stringify(payload));
    const m = await w.mqtt.waitForMessage((x) => stateOf(name)(x) && see(json(x.payload)), {
      since,
      timeoutMs: 10_000,
    });
    return json(m.payload);
  }

  it("forms a network; all four demo devices join and are interviewed, with their definitions", () => {
    expect(w.bridge.simulator.adapter).toBe(adapter);
    const models = w.bridge.controller.zigbee.devices().map((d) => d.definition?.model);
    expect(models.sort()).toEqual(["E1743", "SNZB-02", "SP 120", "ZB_A60_RGBCW"]);
  });

  it("bulb: state, brightness, xy colour and colour temperature reach the device and come back as state", async () => {
    const bulb = w.bridge.simulator.device("bulb");
    await setAndSee("bulb", { state: "ON", brightness: 77 }, (s) => s.brightness === 77 && s.state === "ON");
    expect(bulb.getAttribute(1, "genOnOff", "onOff")).toBe(1);
    expect(bulb.getAttribute(1, "genLevelCtrl", "currentLevel")).toBe(77);
    const xy = await setAndSee("bulb", { color: { x: 0.3, y: 0.4 } }, (s) => (s.color as { x?: number })?.x === 0.3);
    expect(xy.color_mode).toBe("xy");
    await setAndSee("bulb", { color_temp: 300 }, (s) => s.color_temp === 300);
    expect(bulb.getAttribute(1, "lightingColorCtrl", "colorTemperature")).toBe(300);
  });

  it("a report the bulb sends by itself comes back as state", async () => {
    const since = w.mqtt.mark();
    w.bridge.simulator.device("bulb").emitReport(1, "genLevelCtrl", { currentLevel: 123 });
    await w.mqtt.waitForMessage((m) => stateOf("bulb")(m) && json(m.payload).brightness === 123, {
      since,
      timeoutMs: 10_000,
    });
  });

  it("groups: a group with the bulb switches it", async () => {
    expect((await request(w.mqtt, "group/add", { friendly_name: "living", id: 5 })).status).toBe("ok");
    const added = await request(w.mqtt, "group/members/add", { group: "living", device: "bulb" });
    expect(added.status).toBe("ok");
    expect(w.bridge.simulator.device("bulb").groupEndpoints(5)).toEqual([1]);
    const since = w.mqtt.mark();
    await w.mqtt.publish(`${BASE}/living/set`, JSON.stringify({ state: "OFF" }));
    await w.mqtt.waitForMessage((m) => stateOf("bulb")(m) && json(m.payload).state === "OFF", {
      since,
      timeoutMs: 10_000,
    });
    expect(w.bridge.simulator.device("bulb").getAttribute(1, "genOnOff", "onOff")).toBe(0);
  });

  it("bind: the remote bound to the bulb toggles it by itself", async () => {
    const r = await request(w.mqtt, "device/bind", { from: "remote", to: "bulb", clusters: ["genOnOff"] });
    expect(r.status).toBe("ok");
    expect(r.data.failed).toEqual([]);
    const before = w.bridge.simulator.device("bulb").getAttribute(1, "genOnOff", "onOff");
    const since = w.mqtt.mark();
    w.bridge.simulator.device("remote").press("toggle");
    const want = before === 1 ? "OFF" : "ON";
    await w.mqtt.waitForMessage((m) => stateOf("bulb")(m) && json(m.payload).state === want, {
      since,
      timeoutMs: 10_000,
    });
  });

  it("the network map lists the coordinator and the four devices, with links", async () => {
    const r = await request(w.mqtt, "networkmap", { type: "raw", routes: false }, 30_000);
    expect(r.status).toBe("ok");
    const value = r.data.value as { nodes: { type: string }[]; links: unknown[] };
    expect(value.nodes.map((n) => n.type).sort()).toEqual([
      "Coordinator",
      "EndDevice",
      "EndDevice",
      "Router",
      "Router",
    ]);
    expect(value.links.length).toBeGreaterThanOrEqual(4);
  });

  it("restarts on the same data dir: the network resumes with every device, and the bulb is still controlled", async () => {
    w.figures.restartMs = Math.round(await w.restart());
    expect(w.bridge.controller.zigbee.devices().filter((d) => d.interviewed)).toHaveLength(4);
    await setAndSee("bulb", { brightness: 150 }, (s) => s.brightness === 150);
  });
});

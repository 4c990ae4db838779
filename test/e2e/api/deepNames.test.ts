import { describe, expect, it } from "vitest";
import { BASE, request, useBridgeWorld } from "../support/bridgeWorld.js";
import { waitFor } from "../support/herdsmanWorld.js";

const LAMP = "0xa4c1380f2a4342a9"; // the demo scenario's colour bulb
const PLUG = "0xa4c1389f16caa5cf"; // and its metering plug

/** Friendly names of any depth, and with `/set/` or `/get/` inside, are commanded like any other. */
describe("friendly names of any depth", () => {
  const world = useBridgeWorld({
    config: { devices: { [LAMP]: { friendly_name: "hall" }, [PLUG]: { friendly_name: "plug" } } },
  });
  const attr = (device: string, cluster: string, attribute: string) =>
    world.bridge.simulator.device(device).getAttribute(1, cluster, attribute);

  it("a device renamed to a seven-level name is set at <name>/set and <name>/<endpoint>/set", async () => {
    const deep = "house/floor1/east/kitchen/ceiling/left/plug";
    const r = await request(world.mqtt, "device/rename", { from: "plug", to: deep });
    expect(r).toMatchObject({ status: "ok", data: { to: deep } });
    await world.mqtt.publish(`${BASE}/${deep}/set`, JSON.stringify({ state: "OFF" }));
    await waitFor(() => attr("plug", "genOnOff", "onOff") === 0, 5000, "plug off");
    await world.mqtt.publish(`${BASE}/${deep}/1/set/state`, "ON");
    await waitFor(() => attr("plug", "genOnOff", "onOff") === 1, 5000, "plug on through endpoint 1");
  });

  it("'hall/get/lamp' is its own entity, next to 'hall'", async () => {
    const r = await request(world.mqtt, "device/rename", {
      from: "house/floor1/east/kitchen/ceiling/left/plug",
      to: "hall/get/lamp",
    });
    expect(r).toMatchObject({ status: "ok", data: { to: "hall/get/lamp" } });
    await world.mqtt.publish(`${BASE}/hall/get/lamp/set`, JSON.stringify({ state: "OFF" }));
    await waitFor(() => attr("plug", "genOnOff", "onOff") === 0, 5000, "hall/get/lamp (the plug) off");
    await world.mqtt.publish(`${BASE}/hall/set`, JSON.stringify({ brightness: 17 }));
    await waitFor(() => attr("bulb", "genLevelCtrl", "currentLevel") === 17, 5000, "hall (the lamp) at 17");
    expect(attr("plug", "genOnOff", "onOff")).toBe(0);
  });
});

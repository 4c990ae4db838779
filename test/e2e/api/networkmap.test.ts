import { beforeAll, describe, expect, it } from "vitest";
import type { NetworkMap } from "../../../lib/features/network/networkMap.js";
import { renderDot } from "../../support/graphviz.js";
import type { TestClient } from "../../support/mqttTestClient.js";
import { type RunningBridge, request, useBridgeWorld } from "../support/bridgeWorld.js";

/** networkmap: the coordinator's and routers' neighbor tables as raw JSON, Graphviz (rendered by dot) and PlantUML. */
describe("bridge request networkmap", () => {
  const world = useBridgeWorld();
  let bridge: RunningBridge;
  let mqtt: TestClient;
  const ieee = (name: string) => bridge.simulator.device(name).description.ieee;

  beforeAll(() => {
    ({ bridge, mqtt } = world);
  });

  it("raw: every device is a node; the coordinator's and routers' neighbors are links with their lqi", async () => {
    const rsp = await request(mqtt, "networkmap", { type: "raw", routes: false });
    expect(rsp).toMatchObject({ status: "ok", data: { type: "raw", routes: false } });
    const map = rsp.data.value as NetworkMap;
    const coordinator = bridge.controller.zigbee.coordinator()?.ieee as string;
    expect(map.nodes.map((n) => n.ieeeAddr).sort()).toEqual(
      [coordinator, ...["bulb", "sensor", "remote", "plug"].map(ieee)].sort(),
    );
    const bulb = map.nodes.find((n) => n.ieeeAddr === ieee("bulb"));
    expect(bulb).toMatchObject({ type: "Router", failed: [], definition: { model: expect.any(String) } });
    // as zigbee2mqtt lists it: a composite expose by its type and features, the others by name, each once
    expect(bulb?.definition?.supports).toMatch(/^light \(state, brightness[^)]*\)(, [a-z_]+)*, linkquality$/);
    // an end device is not asked for its tables: no failed list (nothing was tried)
    expect(map.nodes.find((n) => n.ieeeAddr === ieee("sensor"))).not.toHaveProperty("failed");
    expect(typeof bulb?.lastSeen).toBe("number");
    // the sensor is listed by the coordinator (its parent) with the lqi the simulator gives it
    const sensorLink = map.links.find((l) => l.source.ieeeAddr === ieee("sensor") && l.target.ieeeAddr === coordinator);
    expect(sensorLink).toMatchObject({ relationship: 1, deviceType: 2, routes: [], sourceIeeeAddr: ieee("sensor") });
    expect(sensorLink?.lqi).toBeGreaterThan(0);
    expect(sensorLink?.linkquality).toBe(sensorLink?.lqi);
    // routers list each other as siblings
    expect(map.links.some((l) => l.source.ieeeAddr === ieee("plug") && l.target.ieeeAddr === ieee("bulb"))).toBe(true);
  });

  it("raw with routes: the coordinator's active routes ride on the links to their next hop", async () => {
    const rsp = await request(mqtt, "networkmap", { type: "raw", routes: true });
    const map = rsp.data.value as NetworkMap;
    const coordinator = bridge.controller.zigbee.coordinator()?.ieee as string;
    const toBulb = map.links.find((l) => l.source.ieeeAddr === ieee("bulb") && l.target.ieeeAddr === coordinator);
    expect(toBulb?.routes).toEqual([
      { destinationAddress: toBulb?.source.networkAddress, nextHop: toBulb?.source.networkAddress, status: "ACTIVE" },
    ]);
  });

  it("graphviz: a digraph that dot renders", async () => {
    // a plain-string request has no transaction: request() matches only an answer published after it
    const rsp = await request(mqtt, "networkmap", "graphviz");
    expect(rsp).toMatchObject({ status: "ok", data: { type: "graphviz", routes: false } });
    const dot = rsp.data.value as string;
    expect(dot).toMatch(/^digraph G \{/);
    expect(dot).toContain(`"${ieee("plug")}"`);
    const svg = await renderDot(dot);
    expect(svg).toContain(`<title>${ieee("plug")}</title>`);
  });

  it("plantuml: a diagram with a card per device and arrows labelled with lqi", async () => {
    const rsp = await request(mqtt, "networkmap", { type: "plantuml", routes: true });
    expect(rsp).toMatchObject({ status: "ok", data: { type: "plantuml", routes: true } });
    const uml = rsp.data.value as string;
    expect(uml).toMatch(/^@startuml\n[\s\S]*@enduml\n$/);
    expect(uml.match(/^card /gm)).toHaveLength(5);
    expect(uml).toMatch(/^n\d+ --> n\d+: \d+/m);
  });

  it("a router that does not answer is marked failed; the rest of the map is still there", async () => {
    bridge.simulator.setSilent("plug", true);
    try {
      const rsp = await request(mqtt, "networkmap", { type: "raw" }, 30_000);
      const map = rsp.data.value as NetworkMap;
      expect(map.nodes.find((n) => n.ieeeAddr === ieee("plug"))?.failed).toEqual(["lqi"]);
      expect(map.nodes.find((n) => n.ieeeAddr === ieee("bulb"))?.failed).toEqual([]);
      expect(map.links.some((l) => l.target.ieeeAddr === ieee("bulb"))).toBe(true);
    } finally {
      bridge.simulator.setSilent("plug", false);
    }
  }, 40_000); // herdsman waits 10 s for the silent router's ZDO answer

  it("an unknown type or a non-boolean routes is refused", async () => {
    const bad = await request(mqtt, "networkmap", { type: "svg" });
    expect(bad).toMatchObject({ status: "error", data: {} });
    expect(bad.error).toBe("Invalid network map type 'svg': expected raw, graphviz or plantuml");
    const routes = await request(mqtt, "networkmap", { type: "raw", routes: "yes" });
    expect(routes.error).toBe("Invalid payload: 'routes' must be true or false");
  });
});

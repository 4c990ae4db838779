import { describe, expect, it } from "vitest";
import { assertValidDiscovery } from "../../support/haDiscoveryChecker.js";
import { connectTestClient } from "../../support/mqttTestClient.js";
import { BASE } from "../support/bridgeWorld.js";
import { waitFor } from "../support/herdsmanWorld.js";
import { allDiscovery, bridgeTopics, latestDiscovery, useHaWorld } from "./haWorld.js";

const isConfig = (m: { topic: string; payload: string }) => m.topic.endsWith("/config") && m.payload !== "";

/** Bridge, Home Assistant and broker restarts: discovery is learned, answered and restored. */
describe("Home Assistant discovery across restarts", () => {
  const world = useHaWorld();
  const ieee = (name: string) => world.bridge.simulator.device(name).description.ieee;

  it("a restarted bridge clears its stale configs, keeps others' and republishes nothing identical", async () => {
    const stale = "homeassistant/sensor/0x0000000000000001/temperature/config";
    const foreign = "homeassistant/sensor/0x0000000000000002/temperature/config";
    const owned = (base: string) =>
      JSON.stringify({ availability: [{ topic: `${base}/bridge/state` }], state_topic: `${base}/x` });
    await world.ha.publish(stale, owned(BASE), { retain: true, qos: 1 });
    await world.ha.publish(foreign, owned("other_bridge"), { retain: true, qos: 1 });
    const known = latestDiscovery(world.ha).size;
    world.ha.clear();
    await world.restart();
    await world.ha.waitForMessage((m) => m.topic === stale && m.payload === "", 10_000);
    // a rename after the restart is published after anything the start could have republished
    const bulb = ieee("bulb");
    const renamed = world.bridge.settings.renameDevice(bulb, "desk_lamp");
    world.bridge.controller.bus.emit("entityRenamed", { kind: "device", id: bulb, ...renamed });
    await world.ha.waitForMessage(
      (m) => m.topic === `homeassistant/light/${bulb}/light/config` && m.payload.includes("desk_lamp"),
    );
    const republished = world.ha.messages.filter(isConfig).map((m) => m.topic.split("/")[2]);
    expect(new Set(republished)).toEqual(new Set([bulb]));
    expect(world.ha.messages.some((m) => m.topic === foreign)).toBe(false);
    expect(latestDiscovery(world.ha).size).toBeLessThan(known);
  });

  it("Home Assistant's birth message brings bridge state, discovery and current states again", async () => {
    world.ha.clear();
    world.mqtt.clear();
    await world.ha.publish("homeassistant/status", "online");
    const plug = ieee("plug");
    await world.mqtt.waitForMessage(`${BASE}/bridge/state`, 5000);
    await world.mqtt.waitForMessage(`${BASE}/${plug}`, 5000);
    await waitFor(() => latestDiscovery(world.ha).get(`homeassistant/switch/${plug}/switch/config`), 5000, "discovery");
    await waitFor(() => world.ha.messages.filter(isConfig).length >= 25, 5000, "all discovery");
    expect(JSON.parse((await world.mqtt.waitForMessage(`${BASE}/bridge/state`)).payload)).toEqual({ state: "online" });
  });

  it("after a broker restart that lost every retained message, discovery and states come back", async () => {
    await world.mqtt.publish(`${BASE}/desk_lamp/set`, JSON.stringify({ state: "ON" }));
    await world.mqtt.waitForMessage(`${BASE}/desk_lamp`, 5000);
    const configs = [...latestDiscovery(world.ha)].filter(([, p]) => p !== "").map(([t]) => t);
    await world.broker.restart();
    await waitFor(() => world.bridge.controller.mqtt.connected, 10_000, "bridge reconnected");
    const watcher = await connectTestClient(world.broker.url);
    await watcher.subscribe("homeassistant/#");
    await waitFor(() => configs.every((t) => latestDiscovery(watcher).get(t)), 10_000, "discovery republished");
    const fresh = await connectTestClient(world.broker.url);
    await fresh.subscribe(["homeassistant/#", `${BASE}/+`]);
    await waitFor(() => configs.every((t) => fresh.received(t).some((m) => m.retain)), 5000, "retained configs");
    await fresh.waitForMessage((m) => m.topic === `${BASE}/desk_lamp` && m.retain, 10_000);
    await fresh.waitForMessage((m) => m.topic === `${BASE}/${ieee("plug")}` && m.retain, 10_000);
    // the bridge entities' state topic is republished too, maybe after the configs: wait for it before checking them
    await world.mqtt.waitForMessage(`${BASE}/bridge/info`, 10_000);
    assertValidDiscovery(allDiscovery(fresh), bridgeTopics(world));
    await Promise.all([watcher.end(), fresh.end()]);
  });
});

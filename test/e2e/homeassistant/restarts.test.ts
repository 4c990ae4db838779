import { readFileSync } from "node:fs";
import { join } from "node:path";
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
  /** the device's friendly name now (a test may have renamed it) */
  const nameOf = (name: string) => world.bridge.controller.zigbee.device(ieee(name))?.name ?? ieee(name);

  it("a restarted bridge clears its stale configs, keeps others' and republishes nothing identical", async () => {
    const stale = "homeassistant/sensor/0x0000000000000001/temperature/config";
    const foreign = "homeassistant/sensor/0x0000000000000002/temperature/config";
    const owned = (base: string) =>
      JSON.stringify({ availability: [{ topic: `${base}/bridge/state` }], state_topic: `${base}/x` });
    await world.ha.publish(stale, owned(BASE), { retain: true, qos: 1 });
    await world.ha.publish(foreign, owned("other_bridge"), { retain: true, qos: 1 });
    const known = latestDiscovery(world.ha).size;
    const restarted = world.ha.mark();
    await world.restart();
    await world.ha.waitForMessage((m) => m.topic === stale && m.payload === "", {
      since: restarted,
      timeoutMs: 10_000,
    });
    // a rename after the restart is published after anything the start could have republished
    const bulb = ieee("bulb");
    const renamed = world.bridge.settings.renameDevice(bulb, "desk_lamp");
    world.bridge.controller.bus.emit("entityRenamed", { kind: "device", id: bulb, ...renamed });
    await world.ha.waitForMessage(
      (m) => m.topic === `homeassistant/light/${bulb}/light/config` && m.payload.includes("desk_lamp"),
      { since: restarted },
    );
    const republished = world.ha.received(isConfig, restarted).map((m) => m.topic);
    // the bulb's configs (renamed), and the bridge's connection state, which zigbee2mqtt republishes at every start
    expect(
      new Set(republished.filter((t) => !t.endsWith("/connection_state/config")).map((t) => t.split("/")[2])),
    ).toEqual(new Set([bulb]));
    expect(republished.filter((t) => t.endsWith("/connection_state/config"))).toEqual([
      expect.stringMatching(/^homeassistant\/binary_sensor\/\d+_0x[0-9a-f]{16}\/connection_state\/config$/),
    ]);
    expect(world.ha.received(foreign, restarted)).toEqual([]);
    expect(latestDiscovery(world.ha, undefined, restarted).size).toBeLessThan(known);
  });

  it("the states republished at start carry the discovered properties' nulls, and no link quality", async () => {
    const read = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/${nameOf("bulb")}/get`, JSON.stringify({ state: "" }));
    const before = await world.mqtt.waitForMessage(`${BASE}/${nameOf("bulb")}`, { since: read });
    expect(JSON.parse(before.payload)).toHaveProperty("linkquality", expect.any(Number));
    const since = world.mqtt.mark();
    const haSince = world.ha.mark();
    await world.restart();
    const msg = await world.mqtt.waitForMessage(`${BASE}/${nameOf("bulb")}`, { since, timeoutMs: 10_000 });
    // the start's discovery ends with the bridge's connection state config (republished at every start): waited for
    // here so that it does not fall into the next test
    await world.ha.waitForMessage((m) => m.topic.endsWith("/connection_state/config"), {
      since: haSince,
      timeoutMs: 10_000,
    });
    const state = JSON.parse(msg.payload) as Record<string, unknown>;
    // as zigbee2mqtt: the link quality is not kept in state.json (unknown until the bulb is heard again), and the
    // properties Home Assistant's entities read are null until known, from the first message after the start on
    expect(state).toMatchObject({ effect: null, power_on_behavior: null, linkquality: null });
    expect(state.state).toMatch(/^(ON|OFF)$/);
    const file = JSON.parse(readFileSync(join(world.dir, "virtual", "state.json"), "utf8")) as Record<string, object>;
    expect(Object.values(file).filter((s) => "linkquality" in s)).toEqual([]);
  });

  it("Home Assistant's birth message brings bridge state and current states 30 s later, no discovery", async () => {
    const known = latestDiscovery(world.ha);
    const birth = world.mqtt.mark();
    const haBirth = world.ha.mark();
    await world.ha.publish("homeassistant/status", "online");
    const plug = nameOf("plug");
    // as zigbee2mqtt: HA sets its MQTT entities up first, the states come 30 s after its birth message
    const state = await world.mqtt.waitForMessage(`${BASE}/bridge/state`, { since: birth, timeoutMs: 40_000 });
    expect(JSON.parse(state.payload)).toEqual({ state: "online" });
    await world.mqtt.waitForMessage(`${BASE}/${plug}`, { since: state.seq, timeoutMs: 5000 });
    // discovery is retained (HA read it when it subscribed): no config is published again
    const again = world.ha.received((m) => isConfig(m) && known.get(m.topic) === m.payload, haBirth);
    expect(again.map((m) => m.topic)).toEqual([]);
  }, 60_000);

  it("after a broker restart that lost every retained message, discovery and states come back", async () => {
    const lamp = nameOf("bulb");
    const set = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/${lamp}/set`, JSON.stringify({ state: "ON" }));
    await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/${lamp}` && JSON.parse(m.payload).state === "ON", {
      since: set,
      timeoutMs: 5000,
    });
    // this bridge's configs (not the other bridge's a test may have published)
    const configs = [...latestDiscovery(world.ha)].filter(([, p]) => p.includes(`"${BASE}/`)).map(([t]) => t);
    const restarted = world.mqtt.mark();
    await world.broker.restart();
    await waitFor(() => world.bridge.controller.mqtt.connected, 10_000, "bridge reconnected");
    const watcher = await connectTestClient(world.broker.url);
    await watcher.subscribe("homeassistant/#");
    await waitFor(() => configs.every((t) => latestDiscovery(watcher).get(t)), 10_000, "discovery republished");
    const fresh = await connectTestClient(world.broker.url);
    const subscribed = fresh.mark();
    await fresh.subscribe(["homeassistant/#", `${BASE}/+`]);
    await waitFor(() => configs.every((t) => fresh.received(t).some((m) => m.retain)), 5000, "retained configs");
    const retainedOn = (topic: string) =>
      fresh.waitForMessage((m) => m.topic === topic && m.retain, { since: subscribed, timeoutMs: 10_000 });
    await retainedOn(`${BASE}/${lamp}`);
    await retainedOn(`${BASE}/${nameOf("plug")}`);
    // the bridge entities' state topic is republished too, maybe after the configs: wait for it before checking them
    await world.mqtt.waitForMessage(`${BASE}/bridge/info`, { since: restarted, timeoutMs: 10_000 });
    assertValidDiscovery(allDiscovery(fresh), bridgeTopics(world));
    await Promise.all([watcher.end(), fresh.end()]);
  });
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { retainedOn, type TestClient } from "../../support/mqttTestClient.js";
import { BASE, json, type RunningBridge, useBridgeWorld } from "../support/bridgeWorld.js";

/** What survives a restart, and what bad input does (nothing, but a clear error). */
describe("bridge: restarts, renames and malformed commands", () => {
  const world = useBridgeWorld();
  let bridge: RunningBridge;
  let mqtt: TestClient;
  let lampIeee: string;

  beforeAll(() => {
    ({ bridge, mqtt } = world);
    lampIeee = bridge.simulator.device("bulb").description.ieee;
  });

  it("malformed /set payloads are refused with clear errors; nothing crashes and the lamp still answers", async () => {
    const errors: string[] = [];
    const logger = bridge.controller.logger;
    const off = logger.onLog((e) => {
      if (e.level === "error") errors.push(e.message);
    });
    const bad: Array<[string, string]> = [
      [`${lampIeee}/set`, "{not json"],
      [`${lampIeee}/set`, JSON.stringify({ no_such_key: 1 })],
      [`${lampIeee}/set`, JSON.stringify({ brightness: 9999 })],
      [`${lampIeee}/set`, JSON.stringify({ state: "MAYBE" })],
      [`${lampIeee}/set`, '{"__proto__": {"polluted": true}, "constructor": 1}'],
      [`${lampIeee}/set`, "[1,2,3]"],
      ["no_such_device/set", JSON.stringify({ state: "ON" })],
      [`${lampIeee}/7/set`, JSON.stringify({ state: "ON" })],
    ];
    const since = mqtt.mark();
    for (const [topic, payload] of bad) await mqtt.publish(`${BASE}/${topic}`, payload);
    await mqtt.publish(`${BASE}/${lampIeee}/set`, JSON.stringify({ state: "ON", brightness: 33 }));
    await mqtt.waitForMessage((m) => m.topic === `${BASE}/${lampIeee}` && json(m.payload).brightness === 33, {
      since,
      timeoutMs: 5000,
    });
    off();
    // the prototype keys were refused by name and reached neither the lamp's state nor its prototype chain
    const state = bridge.controller.state.get(lampIeee) as Record<string, unknown>;
    expect("polluted" in state).toBe(false);
    expect(Object.keys(state)).not.toContain("constructor");
    const text = errors.join("\n");
    expect(text).toMatch(/not JSON/);
    expect(text).toMatch(/No converter available for 'no_such_key'/);
    expect(text).toMatch(/'brightness'.*at most 254 \(got 9999\)/);
    expect(text).toMatch(/'state'.*must be ON, OFF, TOGGLE \(got "MAYBE"\)/);
    expect(text).toMatch(/Refused key '__proto__'/);
    expect(text).toMatch(/Refused key 'constructor'/);
    expect(text).toMatch(/expected a JSON object/);
    expect(text).toMatch(/Entity 'no_such_device' is unknown/);
    expect(text).toMatch(/has no endpoint '7'/);
    expect(bridge.simulator.device("bulb").getAttribute(1, "genLevelCtrl", "currentLevel")).toBe(33);
    // the same errors reach MQTT clients on bridge/logging
    const logged = await mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/bridge/logging` && /no_such_device/.test(String(json(m.payload).message)),
      { since },
    );
    // zigbee2mqtt's shape: the namespace leads the message, no other field
    expect(json(logged.payload)).toEqual({
      level: "error",
      message: "z2m: Entity 'no_such_device' is unknown",
    });
  });

  it("at info, every publish is told on bridge/logging before it is sent, as zigbee2mqtt does, bridge/logging excepted", async () => {
    const logger = bridge.controller.logger;
    logger.setLevel("info");
    try {
      const since = mqtt.mark();
      await mqtt.publish(`${BASE}/${lampIeee}/set`, JSON.stringify({ brightness: 77 }));
      const state = await mqtt.waitForMessage(
        (m) => m.topic === `${BASE}/${lampIeee}` && json(m.payload).brightness === 77,
        { since, timeoutMs: 5000 },
      );
      const line = `z2m:mqtt: MQTT publish: topic '${BASE}/${lampIeee}', payload '${state.payload}'`;
      const told = mqtt.received(
        (m) => m.topic === `${BASE}/bridge/logging` && json(m.payload).message === line,
        since,
      );
      expect(told).toHaveLength(1);
      expect(json(told[0].payload)).toEqual({ level: "info", message: line });
      expect(told[0].seq).toBeLessThan(state.seq);
      // a line about every bridge/logging message would loop: there is none
      const logging = mqtt.received((m) => m.topic === `${BASE}/bridge/logging`, since);
      expect(logging.filter((m) => String(json(m.payload).message).includes(`'${BASE}/bridge/logging'`))).toEqual([]);
    } finally {
      logger.setLevel("warning");
    }
  });

  it("permit_join answers with zigbee2mqtt's envelope, errors included", async () => {
    const since = mqtt.mark();
    await mqtt.publish(`${BASE}/bridge/request/permit_join`, JSON.stringify({ time: 20, transaction: "t1" }));
    const ok = await mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/bridge/response/permit_join` && json(m.payload).transaction === "t1",
      { since },
    );
    expect(json(ok.payload)).toEqual({ data: { time: 20 }, status: "ok", transaction: "t1" });
    await mqtt.publish(`${BASE}/bridge/request/permit_join`, JSON.stringify({ time: 999, transaction: "t2" }));
    const err = await mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/bridge/response/permit_join` && json(m.payload).transaction === "t2",
      { since },
    );
    expect(json(err.payload)).toMatchObject({ data: {}, status: "error", transaction: "t2" });
    expect(String(json(err.payload).error)).toMatch(/'time' must be .* 0 to 254/);
    const plain = mqtt.mark();
    await mqtt.publish(`${BASE}/bridge/request/permit_join`, "0");
    await mqtt.waitForMessage(
      (m) =>
        m.topic === `${BASE}/bridge/response/permit_join` &&
        json(m.payload).status === "ok" &&
        (json(m.payload).data as { time: number }).time === 0,
      { since: plain },
    );
  });

  it("a rename and the cached state survive a restart; a new subscriber gets the retained state", async () => {
    bridge.settings.renameDevice(lampIeee, "living_room/lamp");
    const set = mqtt.mark();
    await mqtt.publish(`${BASE}/living_room/lamp/set`, JSON.stringify({ state: "ON", brightness: 150 }));
    await mqtt.waitForMessage((m) => m.topic === `${BASE}/living_room/lamp` && json(m.payload).brightness === 150, {
      since: set,
      timeoutMs: 5000,
    });
    await bridge.stop();
    const onDisk = JSON.parse(readFileSync(join(world.dir, "virtual", "state.json"), "utf8")) as Record<
      string,
      Record<string, unknown>
    >;
    expect(onDisk[lampIeee]).toMatchObject({ state: "ON", brightness: 150 });
    expect(readFileSync(join(world.dir, "configuration.yaml"), "utf8")).toContain("living_room/lamp");

    await world.restart();
    bridge = world.bridge;
    const retained = await retainedOn(world.broker.url, `${BASE}/living_room/lamp`);
    expect(retained.map((m) => json(m.payload))).toEqual([expect.objectContaining({ state: "ON", brightness: 150 })]);
    const again = mqtt.mark();
    await mqtt.publish(`${BASE}/living_room/lamp/set`, JSON.stringify({ brightness: 90 }));
    await mqtt.waitForMessage((m) => m.topic === `${BASE}/living_room/lamp` && json(m.payload).brightness === 90, {
      since: again,
      timeoutMs: 5000,
    });
    expect(bridge.simulator.device("bulb").getAttribute(1, "genLevelCtrl", "currentLevel")).toBe(90);
  });
});

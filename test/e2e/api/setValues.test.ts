import { beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { COMMAND_LIMITS } from "../../../lib/features/commandQueue.js";
import type { ClusterBehaviour } from "../../../lib/simulator/devices/behaviours/clusterBehaviour.js";
import { BASE, json, useBridgeWorld } from "../support/bridgeWorld.js";
import { waitFor } from "../support/herdsmanWorld.js";

const LAMP = "0xa4c1380f2a4342a9"; // the demo scenario's colour bulb

/** What zigbee-herdsman-converters accepts reaches the lamp; commands to one lamp run in the order received. */
describe("/set values and order", () => {
  const world = useBridgeWorld({
    config: { devices: { [LAMP]: { friendly_name: "lamp", filtered_optimistic: ["^power_on_behavior$"] } } },
  });
  const bulb = () => world.bridge.simulator.device("bulb");
  const attr = (cluster: string, attribute: string) => bulb().getAttribute(1, cluster, attribute);
  /** the cluster commands the simulated lamp received, in order */
  const frames: string[] = [];
  const recorder: ClusterBehaviour = {
    cluster: "*",
    handle(request) {
      frames.push(`${request.cluster}.${request.command}`);
      return undefined;
    },
  };
  const set = (payload: unknown) =>
    world.mqtt.publish(`${BASE}/lamp/set`, typeof payload === "string" ? payload : JSON.stringify(payload));
  const errorLogged = (since: number, pattern: RegExp) =>
    world.mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/bridge/logging` && pattern.test(String(json(m.payload).message)),
      { since, timeoutMs: 5000 },
    );

  beforeAll(() => {
    bulb().behaviours.unshift(recorder);
  });

  it("two quick /sets to one lamp run in order: ON with colour and brightness, then OFF, ends OFF", async () => {
    await set("ON");
    await waitFor(() => frames.includes("genOnOff.on"), 5000, "the lamp switched on");
    frames.length = 0;
    await set({ state: "ON", brightness: 200, color_temp: 300 });
    await set("OFF");
    await waitFor(() => frames.length >= 3, 5000, "three commands at the lamp");
    expect(frames).toEqual(["lightingColorCtrl.moveToColorTemp", "genLevelCtrl.moveToLevelWithOnOff", "genOnOff.off"]);
    expect(attr("genOnOff", "onOff")).toBe(0);
  });

  it("brightness 255 is taken (zhc sends 254); an out-of-range brightness is refused but the state still goes", async () => {
    await set({ brightness: 255 });
    await waitFor(() => attr("genLevelCtrl", "currentLevel") === 254 && attr("genOnOff", "onOff") === 1, 5000, "254");
    await set("OFF");
    await waitFor(() => attr("genOnOff", "onOff") === 0, 5000, "lamp off");
    const since = world.mqtt.mark();
    await set({ brightness: 9999, state: "ON" });
    await errorLogged(since, /brightness.*lamp.*at most 254 \(got 9999\)/);
    await waitFor(() => attr("genOnOff", "onOff") === 1, 5000, "lamp on although brightness was refused");
    expect(attr("genLevelCtrl", "currentLevel")).toBe(254);
  });

  it("enum values in any case reach the converter (power_on_behavior 'Off', effect 'Blink')", async () => {
    expect(attr("genOnOff", "startUpOnOff")).toBe(1);
    frames.length = 0;
    await set({ power_on_behavior: "Off" });
    await waitFor(() => attr("genOnOff", "startUpOnOff") === 0, 5000, "startUpOnOff written");
    await set({ effect: "Blink" });
    await waitFor(() => frames.includes("genIdentify.triggerEffect"), 5000, "the effect at the lamp");
  });

  it("color_temp beyond the lamp's range is clamped by the converter, not refused", async () => {
    await set({ color_temp: 600 });
    await waitFor(() => attr("lightingColorCtrl", "colorTemperature") === 500, 5000, "colour temperature 500");
  });

  it("filtered_optimistic keeps matching keys out of the optimistic state", async () => {
    const since = world.mqtt.mark();
    await set({ power_on_behavior: "on" });
    // commands to the lamp run in order, so this one's state comes after the first one's optimistic publish
    await set({ brightness: 42 });
    await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/lamp` && json(m.payload).brightness === 42, {
      since,
      timeoutMs: 5000,
    });
    expect(attr("genOnOff", "startUpOnOff")).toBe(1);
    const states = world.mqtt.received((m) => m.topic === `${BASE}/lamp` && m.seq >= since).map((m) => json(m.payload));
    expect(states.length).toBeGreaterThan(0);
    for (const state of states) expect(state).not.toHaveProperty("power_on_behavior");
  });

  it("a client flooding one lamp that does not answer: commands beyond the per-entity limit are refused", async () => {
    const sim = world.bridge.simulator;
    const limit = COMMAND_LIMITS.perEntity;
    const extra = 6;
    sim.setSilent("bulb", true);
    const refusals: string[] = [];
    const off = world.bridge.controller.logger.onLog((e) => void (e.level === "error" && refusals.push(e.message)));
    onTestFinished(off);
    const since = world.mqtt.mark();
    const refusal = /Refused 'set' for 'lamp': \d+ commands are already waiting \(at most \d+ per device or group\)/;
    const firstRefused = errorLogged(since, refusal);
    // the first command waits for the silent lamp (herdsman retries for seconds) while the others queue behind it
    for (let i = 0; i < limit + extra; i++) await set({ brightness: 1 + i });
    await firstRefused;
    sim.setSilent("bulb", false);
    // the accepted ones are carried out in order once the lamp answers again: the last accepted is the limit-th
    await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/lamp` && json(m.payload).brightness === limit, {
      since,
      timeoutMs: 60_000,
    });
    // counted in the log: bridge/logging, as zigbee2mqtt's, does not repeat a line identical to the one before
    expect(refusals.filter((line) => refusal.test(line))).toHaveLength(extra);
    expect(attr("genLevelCtrl", "currentLevel")).toBe(limit);
  }, 90_000);

  it("a command the lamp never answers fails with the line WindFront turns into a failed-command notice", async () => {
    const sim = world.bridge.simulator;
    sim.setSilent("bulb", true);
    try {
      const since = world.mqtt.mark();
      await set({ state: "TOGGLE" });
      // WindFront (zigbee2mqtt-windfront) matches bridge/logging errors with this pattern, namespace included
      const windfront = /^z2m: Publish '(set|get)' '(.+)' to '(.+)' failed.*\((.*)\)'$/;
      const line = await world.mqtt.waitForMessage(
        (m) => m.topic === `${BASE}/bridge/logging` && windfront.test(String(json(m.payload).message)),
        { since, timeoutMs: 60_000 },
      );
      expect(json(line.payload)).toMatchObject({ level: "error" });
      expect(String(json(line.payload).message)).toMatch(/^z2m: Publish 'set' 'state' to 'lamp' failed/);
    } finally {
      sim.setSilent("bulb", false);
    }
  }, 90_000);
});

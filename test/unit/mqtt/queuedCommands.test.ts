/** `mqtt.queued_command_max_age`: commands queued at the broker while the bridge was away expire with the absence. */
import { describe, expect, it } from "vitest";
import { buildClientOptions } from "../../../lib/mqtt/mqttOptions.js";
import { requireTools, tools } from "../../support/tools.js";
import { useMqttWorld } from "./mqttWorld.js";

const ONLINE = JSON.stringify({ state: "online" });
const OFFLINE = JSON.stringify({ state: "offline" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("commands queued while the bridge is away", () => {
  const world = useMqttWorld();

  it.for([3, 4, 5] as const)(
    "MQTT %i: after an absence longer than the bound, a clean session: the queued command is dropped, and logged",
    async (version, ctx) => {
      if (version === 5) requireTools(ctx, [tools.mosquitto], "MQTT 5 (the aedes fallback speaks 3.1.1 only)");
      const topic = `${world.base}/dev/set`;
      const first = world.bridge({ version, queued_command_max_age: 1 });
      await first.connect();
      await first.announceOnline([topic]);
      await first.close();

      const spy = await world.spy();
      await spy.publish(topic, "stale", { qos: 1 });
      await sleep(1500); // the absence must outlast the 1 s bound

      const second = world.bridge({ version, queued_command_max_age: 1 });
      const received: string[] = [];
      second.onMessage((_t, payload) => received.push(payload.toString()));
      await second.connect();
      await second.announceOnline([topic]);
      await spy.publish(topic, "fresh", { qos: 1 });
      await expect.poll(() => received).toEqual(["fresh"]);
      expect(second.logs.map((l) => `${l.level}: ${l.message}`)).toContainEqual(
        expect.stringMatching(
          /^warning: The bridge was away from the MQTT server for \d+ s, longer than mqtt.queued_command_max_age \(1 s\): starting a clean session/,
        ),
      );
    },
  );

  it("MQTT 3.1.1, a reconnect after a longer outage: what the kept session delivers is dropped and logged", async () => {
    const topic = `${world.base}/dev/set`;
    const spy = await world.spy();
    await spy.subscribe(`${world.base}/bridge/state`);
    const bridge = world.bridge({ queued_command_max_age: 1 }, { reconnectMinMs: 1500, reconnectMaxMs: 1500 });
    const received: string[] = [];
    bridge.onMessage((_t, payload) => received.push(payload.toString()));
    const online = spy.waitForMessage((m) => m.payload === ONLINE, { since: spy.mark(), timeoutMs: 5000 });
    await bridge.connect();
    await bridge.announceOnline([topic]);
    await online;

    const since = spy.mark();
    bridge.stream?.destroy(); // the connection drops; the broker keeps the session
    await spy.waitForMessage((m) => m.payload === OFFLINE, { since, timeoutMs: 5000 });
    await spy.publish(topic, "stale", { qos: 1 });
    await spy.waitForMessage((m) => m.payload === ONLINE, { since, timeoutMs: 10_000 });
    await spy.publish(topic, "fresh", { qos: 1 });
    await expect.poll(() => received).toEqual(["fresh"]);
    expect(bridge.logs.map((l) => `${l.level}: ${l.message}`)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^warning: Dropped ${topic}: queued at the MQTT server while the bridge was away for \\d+ s, longer than mqtt.queued_command_max_age \\(1 s\\)$`,
        ),
      ),
    );
  });

  it("bound 0: a clean session every time, as zigbee2mqtt", async () => {
    const topic = `${world.base}/dev/set`;
    const first = world.bridge({ queued_command_max_age: 0 });
    await first.connect();
    await first.announceOnline([topic]);
    await first.close();
    const spy = await world.spy();
    await spy.publish(topic, "queued", { qos: 1 });

    const second = world.bridge({ queued_command_max_age: 0 });
    const received: string[] = [];
    second.onMessage((_t, payload) => received.push(payload.toString()));
    await second.connect();
    await second.announceOnline([topic]);
    await spy.publish(topic, "fresh", { qos: 1 });
    await expect.poll(() => received).toEqual(["fresh"]);
  });

  it("MQTT 5: the session expires after the bound; a clean start unless resuming", async () => {
    const settings = { server: "mqtt://x", base_topic: "b", version: 5 as const, queued_command_max_age: 90 };
    const fresh = await buildClientOptions(settings, {});
    expect(fresh.properties?.sessionExpiryInterval).toBe(90);
    expect(fresh.clean).toBe(true);
    expect((await buildClientOptions(settings, {}, true)).clean).toBe(false);
    const v4 = await buildClientOptions({ server: "mqtt://x", base_topic: "b" }, {});
    expect(v4.properties).toBeUndefined();
  });
});

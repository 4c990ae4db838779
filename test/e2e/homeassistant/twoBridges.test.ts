import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { assertValidDiscovery } from "../../support/haDiscoveryChecker.js";
import { connectTestClient, type TestClient } from "../../support/mqttTestClient.js";
import { BASE, writeConfig } from "../support/bridgeWorld.js";
import { removeDir, tempDir, waitFor } from "../support/herdsmanWorld.js";
import { allDiscovery, bridgeTopics, createGroup, latestDiscovery, useHaWorld } from "./haWorld.js";

const SECOND = "zigbee2mqtt_upstairs";
/** the built bridge (`npm ci` builds it; the suite runs after the build, as CI does) */
const ENTRY = join(import.meta.dirname, "../../../dist/index.js");

/**
 * Two bridges (another network, another base_topic) on one broker and one Home Assistant. zigbee-herdsman keeps
 * its models in process-wide statics, so the second bridge runs in its own process (the built `dist/index.js`).
 */
describe("two bridges on one broker", () => {
  const world = useHaWorld();
  const dir = tempDir();
  let child: ChildProcess | undefined;
  let upstairs: TestClient | undefined;

  beforeAll(async () => {
    const scenario = join(dir, "upstairs.yaml");
    const kinds = ["colorBulb", "climateSensor", "remote", "meteringPlug"];
    const devices = kinds.map((kind) => ({ kind, paired: true }));
    writeFileSync(scenario, stringify({ name: "upstairs", seed: "upstairs", devices }));
    writeConfig(dir, world.broker.url, {
      mqtt: { base_topic: SECOND, server: world.broker.url },
      serial: { port: `virtual://${scenario}`, adapter: "zstack" },
      homeassistant: { enabled: true },
    });
    upstairs = await connectTestClient(world.broker.url);
    const subscribed = upstairs.mark();
    await upstairs.subscribe(`${SECOND}/#`);
    child = spawn(process.execPath, [ENTRY], { env: { ...process.env, ZIGMQTT_DATA: dir }, stdio: "ignore" });
    // ready when all four devices are interviewed and known (group requests need them)
    const ready = (payload: string) =>
      (JSON.parse(payload) as Array<{ type: string; interview_completed: boolean; definition?: unknown }>).filter(
        (d) => d.type !== "Coordinator" && d.interview_completed && d.definition,
      ).length === 4;
    await upstairs.waitForMessage((m) => m.topic === `${SECOND}/bridge/devices` && ready(m.payload), {
      since: subscribed,
      timeoutMs: 20_000,
    });
  }, 30_000);
  afterAll(async () => {
    await upstairs?.end();
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child?.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    removeDir(dir);
  });

  let transactions = 0;
  /** A request to the second bridge; resolves with the data of its response (matched by transaction). */
  async function ask(name: string, payload: Record<string, unknown>): Promise<unknown> {
    const client = upstairs as TestClient;
    const transaction = `upstairs-${++transactions}`;
    const since = client.mark();
    await client.publish(`${SECOND}/bridge/request/${name}`, JSON.stringify({ ...payload, transaction }));
    const rsp = await client.waitForMessage(
      (m) => m.topic === `${SECOND}/bridge/response/${name}` && JSON.parse(m.payload).transaction === transaction,
      { since, timeoutMs: 10_000 },
    );
    expect(JSON.parse(rsp.payload)).toMatchObject({ status: "ok" });
    return JSON.parse(rsp.payload).data;
  }

  it("produce no colliding topics or unique_ids, even for the same group id", async () => {
    const bulbs = {
      [BASE]: world.bridge.simulator.device("bulb").description.ieee,
      [SECOND]:
        (
          JSON.parse(upstairs?.received(`${SECOND}/bridge/devices`).at(-1)?.payload ?? "[]") as Array<{
            ieee_address: string;
            definition?: { model: string };
          }>
        ).find((d) => d.definition?.model === "ZB_A60_RGBCW")?.ieee_address ?? "",
    };
    await createGroup(world.bridge, 7, "lights", [bulbs[BASE]]);
    await ask("group/add", { friendly_name: "lights", id: 7 });
    await ask("group/members/add", { group: "lights", device: bulbs[SECOND] });
    const lights = () => [...latestDiscovery(world.ha).keys()].filter((t) => t.startsWith("homeassistant/light/"));
    await waitFor(() => lights().length === 4, 10_000, "both bulbs and both groups");
    const configs = [...latestDiscovery(world.ha)].filter(([, p]) => p !== "").map(([, p]) => JSON.parse(p));
    const owner = (p: Record<string, unknown>) =>
      String((p.availability as Array<{ topic: string }> | undefined)?.[0]?.topic ?? p.state_topic ?? p.topic).split(
        "/",
      )[0];
    const counts = { [BASE]: 0, [SECOND]: 0 };
    for (const p of configs) counts[owner(p) as keyof typeof counts]++;
    // 27 entities each (the bridge's 8 with its network map), plus the firmware update entities of the plug and remote
    expect(counts).toEqual({ [BASE]: 29, [SECOND]: 29 });
    const uniqueIds = configs.map((p) => p.unique_id);
    expect(new Set(uniqueIds).size).toBe(uniqueIds.length);
    // every topic was only ever written by one bridge
    const writers = new Map<string, Set<string>>();
    for (const m of allDiscovery(world.ha).filter((x) => x.payload !== "")) {
      writers.set(m.topic, (writers.get(m.topic) ?? new Set()).add(owner(JSON.parse(m.payload))));
    }
    expect([...writers].filter(([, w]) => w.size > 1)).toEqual([]);
    for (const [base, seen] of [
      [BASE, world.mqtt],
      [SECOND, upstairs as TestClient],
    ] as const) {
      const since = seen.mark();
      await seen.publish(`${base}/lights/set`, JSON.stringify({ state: "ON" }));
      // the group's state and its member bulb's state, both published after the command
      const on = (topic: string) => (m: { topic: string; payload: string }) =>
        m.topic === topic && JSON.parse(m.payload).state === "ON";
      await seen.waitForMessage(on(`${base}/lights`), { since, timeoutMs: 5000 });
      await seen.waitForMessage(on(`${base}/${bulbs[base]}`), { since, timeoutMs: 5000 });
      const mine = allDiscovery(world.ha).filter((m) => m.payload && owner(JSON.parse(m.payload)) === base);
      assertValidDiscovery(mine, {
        ...bridgeTopics(world, base),
        published: new Set(seen.messages.map((m) => m.topic)),
      });
    }
  });
});

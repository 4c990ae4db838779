import { spawn } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { json, useBridgeWorld } from "../support/bridgeWorld.js";
import { removeDir, tempDir } from "../support/herdsmanWorld.js";

const PROBE = join(import.meta.dirname, "../../../dist/probe.js");
if (!existsSync(PROBE)) throw new Error(`${PROBE} is missing: run "npm run build" first (npm ci does it)`);

/** Runs dist/probe.js as the image's health check does (a separate process; the bridge runs in this one). */
function probe(dataDir: string, ...args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PROBE, ...args], {
      env: { ...process.env, ZIGMQTT_DATA: dataDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out: out.trim() }));
  });
}

/** The demo scenario's devices; the test configuration gives them no friendly names. */
const LAMP = "0xa4c1380f2a4342a9";
const DEMO = [LAMP, "0xa4c138efecd52762", "0xa4c13897944f75a8", "0xa4c1389f16caa5cf"];

/** dist/probe.js: the Docker image's HEALTHCHECK and the checks of npm run docker:test, against the real bridge. */
describe("probe", () => {
  const world = useBridgeWorld();

  it("health: the bridge answers bridge/request/health_check healthy", async () => {
    expect(await probe(world.dir, "health")).toEqual({ code: 0, out: "healthy" });
  });

  it("online: bridge/state is online", async () => {
    expect(await probe(world.dir, "online")).toEqual({ code: 0, out: "online" });
  });

  it("set: the lamp's state after the command is printed, as the bridge published it", async () => {
    const since = world.mqtt.mark();
    const r = await probe(world.dir, "set", LAMP, '{"state":"ON","brightness":77}', "--timeout", "20");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ state: "ON", brightness: 77 });
    // the same state reached an ordinary subscriber: the probe saw the bridge's own publication
    await world.mqtt.waitForMessage(
      (m) => m.topic === `zigbee2mqtt/${LAMP}` && json(m.payload).brightness === 77 && json(m.payload).state === "ON",
      { since, timeoutMs: 10_000 },
    );
  });

  it("get: the answer has every key asked for", async () => {
    const r = await probe(world.dir, "get", LAMP, '{"brightness":""}', "--timeout", "20");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toHaveProperty("brightness", 77);
  });

  it("network: the coordinator, the network and every device by name", async () => {
    const r = await probe(world.dir, "network");
    expect(r.code).toBe(0);
    const network = JSON.parse(r.out) as { coordinator: string; network: { channel: number }; devices: string[] };
    expect(network.coordinator).toBe("ZStack3x0");
    expect(network.network.channel).toBe(11);
    expect(network.devices).toEqual(expect.arrayContaining(DEMO.map((ieee) => `${ieee}=${ieee}`)));
  });

  it("a bad payload is one clear line and exit code 1", async () => {
    expect(await probe(world.dir, "set", LAMP, "{oops")).toEqual({
      code: 1,
      out: "probe failed: the payload must be a JSON object, got '{oops'",
    });
  });

  it("device: a character device it may read and write; anything else is refused", async () => {
    const ok = await probe(world.dir, "device", "/dev/null");
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^\/dev\/null: character device 1:3, .*read\/write ok$/);
    const file = join(world.dir, "configuration.yaml");
    expect(await probe(world.dir, "device", file)).toEqual({
      code: 1,
      out: `probe failed: ${file} is not a character device`,
    });
  });
});

describe("probe without a running bridge", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) removeDir(d);
  });

  it("before the first start: fails, and writes nothing into the data directory (the bridge owns it)", async () => {
    const dir = tempDir("zigmqtt-probe-");
    dirs.push(dir);
    const r = await probe(dir, "health");
    expect(r).toEqual({ code: 1, out: `probe failed: no configuration.yaml in ${dir} yet (first start not done)` });
    expect(readdirSync(dir)).toEqual([]);
  });

  it("no broker: fails with the MQTT error", async () => {
    const dir = tempDir("zigmqtt-probe-");
    dirs.push(dir);
    writeFileSync(
      join(dir, "configuration.yaml"),
      "version: 5\nmqtt: { server: 'mqtt://127.0.0.1:1', base_topic: zigbee2mqtt }\nserial: { port: 'virtual://demo' }\n",
    );
    const r = await probe(dir, "health", "--timeout", "5");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^probe failed: MQTT: .*ECONNREFUSED/);
  });
});

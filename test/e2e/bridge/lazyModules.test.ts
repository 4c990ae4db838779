import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../../lib/simulator/simulator.js";
import { freePort, startTestBroker, type TestBroker } from "../../support/broker.js";
import type { TestClient } from "../../support/mqttTestClient.js";
import { BASE, observer, writeConfig } from "../support/bridgeWorld.js";
import { removeDir, startSimulator, tempDir, waitFor } from "../support/herdsmanWorld.js";

const ROOT = join(import.meta.dirname, "../../..");
const ENTRY = join(ROOT, "dist/index.js");
/** the preload of scripts/rss-modules.mjs: every module the process resolves, written out on SIGUSR2 */
const HOOK = pathToFileURL(join(ROOT, "scripts/rss/loadHook.mjs")).href;

/** What an optional part loads first: present exactly when the part is in use. */
const PARTS = {
  simulator: "dist/simulator/simulator.js",
  homeAssistant: "dist/features/homeassistant/homeAssistant.js",
  frontend: "dist/features/frontend/frontend.js",
  windfront: "/node_modules/zigbee2mqtt-windfront/",
  sirv: "/node_modules/sirv/",
  usbDiscovery: "dist/zigbee/adapterDiscovery.js",
};

/**
 * Runs the built bridge (as `npm start`, dist/index.js) with the module recorder preloaded until bridge/state is
 * online; returns the paths of every module it loaded.
 */
async function loadedModules(dir: string, mqtt: TestClient): Promise<string[]> {
  const out = join(dir, "modules.json");
  const since = mqtt.mark();
  let log = "";
  const child: ChildProcess = spawn(process.execPath, ["--import", HOOK, ENTRY], {
    env: { ...process.env, ZIGMQTT_DATA: dir, RSS_MODULES_OUT: out, DEBUG: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => {
    log += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    log += d.toString();
  });
  try {
    await mqtt
      .waitForMessage((m) => m.topic === `${BASE}/bridge/state` && m.payload.includes('"online"'), {
        since,
        timeoutMs: 60_000,
      })
      .catch((e: Error) => {
        throw new Error(`${e.message}\nbridge output:\n${log}`);
      });
    child.kill("SIGUSR2");
    await waitFor(() => existsSync(out) && statSync(out).size > 0, 10_000, "the module list");
    // the file is written in one synchronous call: parse it once it is complete
    const list = await waitFor(
      () => {
        try {
          return JSON.parse(readFileSync(out, "utf8")) as { modules: Array<[string, string | null]> };
        } catch {
          return undefined;
        }
      },
      5_000,
      "a complete module list",
    );
    return list.modules.map(([url]) => (url.startsWith("file:") ? fileURLToPath(url) : url));
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
  }
}

const has = (modules: string[], part: string) => modules.some((m) => m.includes(part));

/**
 * The optional parts are imported only when the configuration uses them (issue 15): a bridge on a stick with Home
 * Assistant and the web UI off loads no simulator, no Home Assistant feature, no web UI; turning them on loads them
 * (the same recorder sees them, so the first test cannot pass for want of seeing anything).
 */
describe("optional parts are loaded only when used", () => {
  const dirs: string[] = [];
  let broker: TestBroker;
  let mqtt: TestClient;
  let sim: Simulator | undefined;

  beforeAll(async () => {
    if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run npm run build first`);
    broker = await startTestBroker();
    mqtt = await observer(broker.url);
  });

  afterAll(async () => {
    await mqtt?.end();
    await sim?.stop();
    await broker?.stop();
    for (const d of dirs) removeDir(d);
  });

  it("a coordinator at a configured port, Home Assistant and the web UI off: none of them is loaded", async () => {
    const dir = tempDir("zigmqtt-lazy-stick-");
    dirs.push(dir);
    sim = await startSimulator(join(dir, "sim"));
    writeConfig(dir, broker.url, {
      serial: { port: sim.url, adapter: "zstack" },
      homeassistant: { enabled: false },
      frontend: { enabled: false },
    });
    const modules = await loadedModules(dir, mqtt);
    expect(has(modules, "dist/controller.js")).toBe(true);
    for (const [part, path] of Object.entries(PARTS))
      expect({ part, loaded: has(modules, path) }).toEqual({
        part,
        loaded: false,
      });
  }, 90_000);

  it("the virtual coordinator, Home Assistant and the web UI on: each is loaded", async () => {
    const dir = tempDir("zigmqtt-lazy-all-");
    dirs.push(dir);
    writeConfig(dir, broker.url, {
      homeassistant: { enabled: true },
      frontend: { enabled: true, host: "127.0.0.1", port: await freePort() },
    });
    const modules = await loadedModules(dir, mqtt);
    for (const part of ["simulator", "homeAssistant", "frontend", "windfront", "sirv"] as const)
      expect({ part, loaded: has(modules, PARTS[part]) }).toEqual({ part, loaded: true });
    // the port is configured (virtual://): no USB discovery
    expect(has(modules, PARTS.usbDiscovery)).toBe(false);
  }, 90_000);
});

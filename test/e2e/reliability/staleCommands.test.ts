/**
 * Commands while the bridge is away (README): a QoS 1 `/set` queued at the broker while the bridge was stopped is
 * carried out when it comes back within `mqtt.queued_command_max_age`, and dropped (and logged) after a longer
 * absence. The real bridge process (dist/index.js), a real mosquitto, the virtual coordinator.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { stringify } from "yaml";
import { startMosquitto, type TestBroker } from "../../support/broker.js";
import { connectTestClient, type TestClient } from "../../support/mqttTestClient.js";
import { describeWithTools, tools } from "../../support/tools.js";
import { BASE } from "../support/bridgeWorld.js";
import { NETWORK, removeDir, tempDir, waitFor } from "../support/herdsmanWorld.js";

const ENTRY = join(import.meta.dirname, "../../../dist/index.js");
const LAMP_IEEE = "0xa4c1380f2a4342a9"; // the demo scenario's bulb (its address comes from the scenario seed)
const LAMP = "demo_lamp";

describeWithTools([tools.mosquitto], "commands queued while the bridge is away", () => {
  const data = tempDir("zigmqtt-stale-");
  let broker: TestBroker;
  let mqtt: TestClient;
  let child: ChildProcess | undefined;
  let out = "";

  const config = (maxAge: number) =>
    writeFileSync(
      join(data, "configuration.yaml"),
      stringify({
        version: 5,
        mqtt: { base_topic: BASE, server: broker.url, queued_command_max_age: maxAge },
        serial: { port: "virtual://demo", adapter: "zstack" },
        devices: { [LAMP_IEEE]: { friendly_name: LAMP } },
        advanced: {
          network_key: NETWORK.networkKey,
          pan_id: NETWORK.panID,
          ext_pan_id: NETWORK.extendedPanID,
          log_level: "info",
          log_output: ["console"],
        },
      }),
    );

  const start = async (): Promise<void> => {
    out = "";
    const proc = spawn(process.execPath, [ENTRY], {
      env: { ...process.env, ZIGMQTT_DATA: data },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    proc.stdout?.on("data", (d) => {
      out += d;
    });
    proc.stderr?.on("data", (d) => {
      out += d;
    });
    await waitFor(() => /zigmqtt started/.test(out) || proc.exitCode !== null, 30_000, "the bridge started");
    expect(out).toMatch(/zigmqtt started/);
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    proc.kill("SIGTERM");
    await exited;
  };

  /** The lamp's next published state with this brightness (only messages after `since`). */
  const lampState = (brightness: number, since: number) =>
    mqtt.waitForMessage((m) => m.topic === `${BASE}/${LAMP}` && JSON.parse(m.payload).brightness === brightness, {
      since,
      timeoutMs: 20_000,
    });

  beforeAll(async () => {
    broker = await startMosquitto(tools.mosquitto.path as string);
    mqtt = await connectTestClient(broker.url);
    await mqtt.subscribe(`${BASE}/#`);
    config(60);
    await start();
    await waitFor(() => new RegExp(`Successfully interviewed '${LAMP}'`).test(out), 20_000, "the lamp paired");
    const since = mqtt.mark();
    await mqtt.publish(`${BASE}/${LAMP}/set`, JSON.stringify({ state: "ON", brightness: 10 }), { qos: 1 });
    await lampState(10, since);
  }, 60_000);

  afterAll(async () => {
    child?.kill("SIGKILL");
    await mqtt?.end();
    await broker?.stop();
    removeDir(data);
  });

  it("a /set published while the bridge was stopped is carried out when it is back within the bound", async () => {
    await stop();
    await mqtt.publish(`${BASE}/${LAMP}/set`, JSON.stringify({ brightness: 20 }), { qos: 1 });
    const since = mqtt.mark();
    await start();
    await lampState(20, since);
    expect(out).toMatch(/Connected to MQTT server \(session resumed\)/);
  }, 60_000);

  it("after a longer absence it is dropped, and the log says so", async () => {
    config(1);
    await stop();
    await mqtt.publish(`${BASE}/${LAMP}/set`, JSON.stringify({ brightness: 30 }), { qos: 1 });
    // the absence must outlast the 1 s bound: a wait for time to pass, not for an event
    await new Promise((r) => setTimeout(r, 1500));
    const since = mqtt.mark();
    await start();
    expect(out).toMatch(
      /The bridge was away from the MQTT server for \d+ s, longer than mqtt\.queued_command_max_age \(1 s\): starting a clean session, so commands queued meanwhile are dropped/,
    );
    expect(out).toMatch(/Connected to MQTT server \(new session\)/);
    // a command sent now is carried out; the queued one never was
    await mqtt.publish(`${BASE}/${LAMP}/set`, JSON.stringify({ brightness: 40 }), { qos: 1 });
    const fresh = await lampState(40, since);
    const lampStates = mqtt.messages
      .filter((m) => m.seq >= since && m.seq < fresh.seq && m.topic === `${BASE}/${LAMP}`)
      .map((m) => JSON.parse(m.payload).brightness);
    expect(lampStates).not.toContain(30);
  }, 60_000);
});

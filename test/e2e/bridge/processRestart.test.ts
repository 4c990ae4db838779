import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { startTestBroker, type TestBroker } from "../../support/broker.js";
import type { TestClient } from "../../support/mqttTestClient.js";
import { BASE, json, observer, request, writeConfig } from "../support/bridgeWorld.js";
import { removeDir, tempDir, waitFor } from "../support/herdsmanWorld.js";

const ENTRY = join(import.meta.dirname, "../../../dist/index.js");
const ONLINE = '{"state":"online"}';
const PASSWORD = "Pw-after-restart-42";

/**
 * bridge/request/restart in the real process (dist/index.js, `npm run build` first): requests in quick succession are
 * one restart, the restart applies the logging settings and the secrets to mask, keeps the settings notices, and
 * announces each device's availability once.
 */
describe("process: bridge/request/restart", () => {
  const dir = tempDir("zigmqtt-proc-restart-");
  let broker: TestBroker;
  let child: ChildProcess | undefined;
  let out = "";
  let mqtt: TestClient;
  const lines = (re: RegExp) => out.split("\n").filter((l) => re.test(l));
  const started = () => lines(/zigmqtt started in/).length;
  /** the devices of the latest bridge/devices whose interview succeeded */
  const interviewed = () => {
    const last = mqtt.received(`${BASE}/bridge/devices`).at(-1);
    const list = last
      ? (JSON.parse(last.payload) as Array<{ ieee_address: string; interview_state: string; type: string }>)
      : [];
    return list.filter((d) => d.interview_state === "SUCCESSFUL" && d.type !== "Coordinator");
  };

  beforeAll(async () => {
    if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run npm run build first`);
    broker = await startTestBroker();
    writeConfig(dir, broker.url, {
      availability: { enabled: true },
      advanced: { log_level: "info", log_output: ["console"] },
    });
    mqtt = await observer(broker.url);
    child = spawn(process.execPath, [ENTRY], {
      env: { ...process.env, ZIGMQTT_DATA: dir, DEBUG: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    await waitFor(() => started() === 1, 30_000, "the bridge to start");
    await waitFor(() => interviewed().length === 4, 30_000, "the demo devices interviewed");
  }, 60_000);

  afterAll(async () => {
    await mqtt?.end();
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child?.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    await broker?.stop();
    removeDir(dir);
  });

  it("two requests in quick succession are one restart; each device is announced online once, never offline", async () => {
    const topics = interviewed().map((d) => `${BASE}/${d.ieee_address}/availability`);
    expect(topics).toHaveLength(4);
    const since = mqtt.mark();
    const restartingBefore = lines(/Restarting zigmqtt$/).length;
    await mqtt.publish(`${BASE}/bridge/request/restart`, "");
    await mqtt.publish(`${BASE}/bridge/request/restart`, "");
    await waitFor(() => started() >= 2, 30_000, "the restarted bridge");
    // both requests' timers have fired long before a restarted bridge is up
    expect(lines(/Restarting zigmqtt$/).length - restartingBefore).toBe(1);
    // zigbee2mqtt's stop line, all three parts
    expect(out).toContain("z2m: Stopping zigmqtt (restart=true, code=0, signal=undefined)");
    for (const topic of topics) {
      await mqtt.waitForMessage((m) => m.topic === topic && m.payload === ONLINE, { since, timeoutMs: 10_000 });
    }
    expect((await request(mqtt, "health_check", {})).data).toEqual({ healthy: true });
    expect(started()).toBe(2);
    const seen = Object.fromEntries(topics.map((t) => [t, [] as string[]]));
    for (const m of mqtt.messages) if (m.seq >= since && m.topic in seen) seen[m.topic]?.push(m.payload);
    expect(seen).toEqual(Object.fromEntries(topics.map((t) => [t, [ONLINE]])));
    // bridge/logging tells those announcements before the "started" line, as zigbee2mqtt's does after a restart
    const logging = mqtt.received(`${BASE}/bridge/logging`, since).map((m) => String(json(m.payload).message));
    const startedAt = logging.findIndex((l) => /zigmqtt started in \d+ ms$/.test(l));
    const toldAt = topics.map((t) => logging.indexOf(`z2m:mqtt: MQTT publish: topic '${t}', payload '${ONLINE}'`));
    expect(startedAt).toBeGreaterThan(0);
    expect(toldAt.filter((i) => i < 0 || i > startedAt)).toEqual([]);
  }, 60_000);

  it("a restart applies new log settings and masks a new password; settings notices are kept", async () => {
    const logDir = join(dir, "log-after");
    const options = await request(mqtt, "options", {
      options: {
        advanced: { log_output: ["console", "file"], log_directory: logDir, log_file: "after.log" },
        mqtt: { user: "bridge", password: PASSWORD },
      },
    });
    expect(options).toMatchObject({ status: "ok", data: { restart_required: true } });
    // a setting this version does not know: its notice must reach the log after the restart
    const config = parse(readFileSync(join(dir, "configuration.yaml"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(dir, "configuration.yaml"), stringify({ ...config, no_such_section: { x: 1 } }));
    const since = mqtt.mark();
    const before = started();
    expect((await request(mqtt, "restart", {})).status).toBe("ok");
    await waitFor(() => started() > before, 30_000, "the restarted bridge");
    // the new bridge tells that nothing waits for a restart any more (and the checks below show the changes applied)
    await mqtt.waitForMessage((m) => m.topic === `${BASE}/bridge/info` && json(m.payload).restart_required === false, {
      since,
      timeoutMs: 10_000,
    });
    expect(out).toMatch(/no_such_section is not a known setting; ignored/);

    const logged = mqtt.mark();
    await mqtt.publish(`${BASE}/${PASSWORD}/set`, JSON.stringify({ state: "ON" }));
    const error = await mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/bridge/logging` && /is unknown/.test(json(m.payload).message as string),
      { since: logged, timeoutMs: 5000 },
    );
    expect(json(error.payload).message).toMatch(/Entity '\*\*\*' is unknown/);
    expect(out).not.toContain(PASSWORD);
    const file = join(logDir, "after.log");
    await waitFor(() => existsSync(file) && /Entity '\*\*\*' is unknown/.test(readFileSync(file, "utf8")), 5000, file);
    expect(readdirSync(logDir)).toContain("after.log");
    expect(readFileSync(file, "utf8")).not.toContain(PASSWORD);
  }, 60_000);
});

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { stringify } from "yaml";
import { connectTestClient, type TestClient } from "../../support/mqttTestClient.js";
import { startSecureMosquitto } from "../../support/tls.js";
import { describeWithTools, tools } from "../../support/tools.js";
import { BASE, request } from "../support/bridgeWorld.js";
import { NETWORK, removeDir, tempDir, waitFor } from "../support/herdsmanWorld.js";

const ENTRY = join(import.meta.dirname, "../../../dist/index.js");
const PASSWORD = "Zx9-very-secret-pw";
/** not zigbee2mqtt's well-known default key (which the settings schema documents as the default) */
const NETWORK_KEY = [201, 12, 43, 94, 35, 176, 7, 88, 119, 210, 61, 42, 153, 24, 5, 236];
const KEY_HEX = Buffer.from(NETWORK_KEY).toString("hex");

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

/** TLS + a password file on a real mosquitto; secrets never appear in logs, bridge/info or responses. */
describeWithTools([tools.mosquitto, tools.mosquittoPasswd], "security: TLS, password, secrets", () => {
  const certs = tempDir("zigmqtt-tls-");
  const data = tempDir("zigmqtt-sec-");
  let broker: Awaited<ReturnType<typeof startSecureMosquitto>>;
  let child: ChildProcess | undefined;
  let out = "";
  let mqtt: TestClient;

  const config = (password: string) => {
    writeFileSync(join(data, "secret.yaml"), stringify({ mqtt_password: password }));
    writeFileSync(
      join(data, "configuration.yaml"),
      stringify({
        version: 5,
        mqtt: {
          base_topic: BASE,
          server: broker.url,
          user: "bridge",
          password: "!secret mqtt_password",
          ca: broker.ca,
        },
        serial: { port: "virtual://demo", adapter: "zstack" },
        advanced: {
          network_key: NETWORK_KEY,
          pan_id: NETWORK.panID,
          ext_pan_id: NETWORK.extendedPanID,
          log_level: "debug",
          log_output: ["console", "file"],
        },
      }),
    );
  };

  beforeAll(async () => {
    broker = await startSecureMosquitto(certs, { users: { bridge: PASSWORD, observer: "obs-pw" } });
  });

  afterAll(async () => {
    child?.kill("SIGKILL");
    await mqtt?.end();
    await broker?.stop();
    removeDir(certs);
    removeDir(data);
  });

  it("a wrong password: exit code 1 and one clear line, not a loop of stack traces", () => {
    config("wrong-password");
    const r = spawnSync(process.execPath, [ENTRY], {
      env: { ...process.env, ZIGMQTT_DATA: data },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    const text = r.stdout + r.stderr;
    expect(text).toMatch(/MQTT connect to mqtts:\/\/127\.0\.0\.1:\d+ failed: not authorized/);
    expect(text).not.toMatch(/\n\s+at .*\.js:\d+/);
    expect(text).not.toContain("wrong-password");
  });

  it("connects over TLS with the CA and the password; the lamp answers; no secret leaks anywhere", async () => {
    config(PASSWORD);
    mqtt = await connectTestClient(broker.url, {
      ca: readFileSync(broker.ca),
      username: "observer",
      password: "obs-pw",
    });
    const started = mqtt.mark();
    await mqtt.subscribe(`${BASE}/#`);
    child = spawn(process.execPath, [ENTRY], {
      env: { ...process.env, ZIGMQTT_DATA: data },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const collect = (d: Buffer) => {
      out += d.toString();
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    await waitFor(() => /zigmqtt started/.test(out), 30_000, "bridge started");
    await waitFor(() => /Successfully interviewed '0x[0-9a-f]+'/.test(out), 20_000, "a device paired");
    const lamp = "0xa4c1380f2a4342a9"; // the demo scenario's bulb (its address comes from the scenario seed)
    await waitFor(() => new RegExp(`Successfully interviewed '${lamp}'`).test(out), 20_000, "the lamp paired");
    const set = mqtt.mark();
    await mqtt.publish(`${BASE}/${lamp}/set`, JSON.stringify({ state: "ON", brightness: 66 }));
    await mqtt.waitForMessage((m) => m.topic === `${BASE}/${lamp}` && JSON.parse(m.payload).brightness === 66, {
      since: set,
      timeoutMs: 5000,
    });
    const responses = [
      await request(mqtt, "permit_join", { time: 5 }),
      await request(mqtt, "permit_join", { time: -1 }),
      await request(mqtt, "permit_join", "not json"),
    ];
    // every request is answered (an error is an answer too): one left unanswered fails the test
    for (const name of ["options", "backup", "health_check", "device/options", "no/such/request"]) {
      responses.push(await request(mqtt, name, { options: {} }));
    }
    const info = await mqtt.waitForMessage(`${BASE}/bridge/info`, { since: started });
    child.kill("SIGTERM");
    await new Promise((r) => child?.once("exit", r));

    const logFiles = allFiles(join(data, "log"))
      .map((f) => readFileSync(f, "utf8"))
      .join("\n");
    const published = mqtt.messages.map((m) => `${m.topic} ${m.payload}`).join("\n");
    const haystacks = {
      stdout: out,
      "log files": logFiles,
      "bridge/info": info.payload,
      responses: JSON.stringify(responses),
      "everything published": published,
    };
    const needles = [PASSWORD, KEY_HEX, NETWORK_KEY.join(","), NETWORK_KEY.join(", ")];
    for (const [where, text] of Object.entries(haystacks)) {
      for (const needle of needles)
        expect(text.includes(needle), `${where} contains a secret (${needle.slice(0, 6)}…)`).toBe(false);
    }
    expect(logFiles.length).toBeGreaterThan(1000); // debug logging was on: a real search
    expect(JSON.parse(info.payload).config.mqtt.server).toBe(broker.url);
  });
});

/** TLS and username/password against a real mosquitto (gated on the tools: test/support/tools.ts). */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { MqttClient } from "../../../lib/mqtt/mqttClient.js";
import { MqttConnectError } from "../../../lib/mqtt/mqttErrors.js";
import { startMosquitto, type TestBroker } from "../../support/broker.js";
import { makeTestCertificates } from "../../support/tls.js";
import { describeWithTools, tools } from "../../support/tools.js";
import { recordingLogger } from "./mqttWorld.js";

const mosquitto = tools.mosquitto.path;
const mosquittoPasswd = tools.mosquittoPasswd.path;
const dir = mkdtempSync(join(tmpdir(), "zigmqtt-security-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const openClients: MqttClient[] = [];
function client(settings: Partial<ConstructorParameters<typeof MqttClient>[0]> & { server: string }): MqttClient {
  const c = new MqttClient({ base_topic: "zsec", ...settings }, recordingLogger(), { connectTimeoutMs: 3000 });
  openClients.push(c);
  return c;
}
afterAll(async () => {
  for (const c of openClients) await c.close();
});

describeWithTools([tools.mosquitto], "TLS", () => {
  let broker: TestBroker;
  const ca = join(dir, "ca.crt");
  beforeAll(async () => {
    await makeTestCertificates(dir);
    broker = await startMosquitto(mosquitto!, {
      scheme: "mqtts",
      listenerConfig: [
        "allow_anonymous true",
        `cafile ${ca}`,
        `certfile ${join(dir, "server.crt")}`,
        `keyfile ${join(dir, "server.key")}`,
        "require_certificate false",
      ],
    });
  });
  afterAll(() => broker?.stop());

  it("connects with the CA and reject_unauthorized", async () => {
    const c = client({ server: broker.url, ca, reject_unauthorized: true });
    await c.connect();
    await c.announceOnline(["zsec/bridge/request/#"]);
    expect(c.connected).toBe(true);
  });

  it("connects by host name with server_name (SNI)", async () => {
    const c = client({ server: `mqtts://localhost:${broker.port}`, ca, server_name: "localhost" });
    await c.connect();
    expect(c.connected).toBe(true);
  });

  it("refuses an untrusted certificate with a clear one-line error", async () => {
    const error = await client({ server: broker.url })
      .connect()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MqttConnectError);
    const message = (error as Error).message;
    expect(message).toMatch(new RegExp(`^MQTT connect to ${broker.url} failed: TLS error: .*certificate`));
    expect(message).toContain("set mqtt.ca");
    expect(message).not.toContain("\n");
  });

  it("hints at mqtts:// when plain MQTT is sent to the TLS listener", async () => {
    const error = await client({ server: broker.url.replace("mqtts:", "mqtt:") })
      .connect()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MqttConnectError);
    expect((error as Error).message).toMatch(
      /^MQTT connect to mqtt:\/\/127\.0\.0\.1:\d+ failed: .*needs mqtts:\/\/\)$/,
    );
  });
});

describeWithTools([tools.mosquitto, tools.mosquittoPasswd], "username and password", () => {
  let broker: TestBroker;
  beforeAll(async () => {
    const passwords = join(dir, "passwords");
    execFileSync(mosquittoPasswd!, ["-c", "-b", passwords, "bridge", "s3cret"], { stdio: "pipe" });
    broker = await startMosquitto(mosquitto!, {
      listenerConfig: ["allow_anonymous false", `password_file ${passwords}`],
    });
  });
  afterAll(() => broker?.stop());

  it("connects with the right credentials", async () => {
    const c = client({ server: broker.url, user: "bridge", password: "s3cret" });
    await c.connect();
    expect(c.connected).toBe(true);
  });

  it.each([3, 4, 5] as const)("MQTT %i: wrong credentials give a clear one-line error", async (version) => {
    const error = await client({ server: broker.url, user: "bridge", password: "wrong", version })
      .connect()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MqttConnectError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^MQTT connect to ${broker.url} failed: (bad username or password|not authorized) \\(return code \\d+\\)$`,
      ),
    );
  });

  it("anonymous access is refused clearly", async () => {
    const error = await client({ server: broker.url })
      .connect()
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/failed: not authorized \(return code 5\)$/);
  });

  it("keeps credentials in the URL out of messages", async () => {
    const url = new URL(broker.url);
    const error = await client({ server: `mqtt://bridge:wrong@127.0.0.1:${url.port}` })
      .connect()
      .catch((e: unknown) => e);
    expect((error as Error).message).not.toContain("wrong");
  });
});

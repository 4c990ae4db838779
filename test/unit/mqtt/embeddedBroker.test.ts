import { createServer, type Server } from "node:net";
import { connectAsync } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import {
  type EmbeddedBroker,
  ensureBroker,
  isBrokerListening,
  isLocalServer,
  isLoopbackHost,
} from "../../../lib/mqtt/embeddedBroker.js";
import { MqttClient } from "../../../lib/mqtt/mqttClient.js";
import { MqttError } from "../../../lib/mqtt/mqttErrors.js";
import { freePort } from "../../support/broker.js";
import { connectTestClient, type TestClient } from "../../support/mqttTestClient.js";
import { recordingLogger } from "./mqttWorld.js";

describe("embedded broker", () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const close of cleanup.splice(0).reverse()) await close();
  });
  const track = <T extends EmbeddedBroker | TestClient | undefined>(thing: T): T => {
    if (thing && "close" in thing) cleanup.push(() => thing.close());
    if (thing && "end" in thing) cleanup.push(() => thing.end());
    return thing;
  };
  const listen = async (port: number): Promise<Server> => {
    const server = createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
    cleanup.push(() => new Promise((r) => server.close(r)));
    return server;
  };

  it("recognises local servers", () => {
    for (const url of ["mqtt://localhost:1883", "mqtt://127.0.0.1", "mqtt://[::1]:1884", "mqtt://0.0.0.0:1883"]) {
      expect(isLocalServer(url)).toBe(true);
    }
    for (const url of ["mqtt://broker.lan:1883", "mqtt://192.168.1.2", "not a url"])
      expect(isLocalServer(url)).toBe(false);
  });

  it("probes whether something listens", async () => {
    const port = await freePort();
    expect(await isBrokerListening(`mqtt://127.0.0.1:${port}`)).toBe(false);
    await listen(port);
    expect(await isBrokerListening(`mqtt://127.0.0.1:${port}`)).toBe(true);
  });

  it("auto: starts aedes on a free local port; retained messages and QoS 1 work through it", async () => {
    const port = await freePort();
    const server = `mqtt://127.0.0.1:${port}`;
    const logger = recordingLogger();
    const broker = track(await ensureBroker({ server, embedded_broker: "auto" }, logger));
    expect(broker?.url).toBe(server);
    expect(logger.lines).toContainEqual({
      level: "info",
      message: `No MQTT broker at ${server}: started the embedded broker there (anonymous, loopback only)`,
    });
    expect(await isBrokerListening(server)).toBe(true);

    const publisher = track(await connectTestClient(server));
    await publisher.publish("z/bridge/state", '{"state":"online"}', { qos: 1, retain: true });
    const subscriber = track(await connectTestClient(server));
    const subscribed = subscriber.mark();
    await subscriber.subscribe("z/#", 1);
    expect(await subscriber.waitForMessage("z/bridge/state", { since: subscribed })).toMatchObject({
      retain: true,
      qos: 1,
    });
    const published = subscriber.mark();
    await publisher.publish("z/live", "1", { qos: 1 });
    expect(await subscriber.waitForMessage("z/live", { since: published })).toMatchObject({
      retain: false,
      qos: 1,
      payload: "1",
    });
  });

  it("auto: leaves an existing broker alone; remote servers are never replaced", async () => {
    const port = await freePort();
    await listen(port);
    const logger = recordingLogger();
    expect(await ensureBroker({ server: `mqtt://localhost:${port}`, embedded_broker: "auto" }, logger)).toBeUndefined();
    expect(await ensureBroker({ server: "mqtt://192.0.2.1:1883", embedded_broker: "auto" }, logger)).toBeUndefined();
    expect(
      await ensureBroker({ server: `mqtt://127.0.0.1:${await freePort()}`, embedded_broker: false }, logger),
    ).toBeUndefined();
  });

  it("true: fails clearly when the port is taken or the server is remote", async () => {
    const port = await freePort();
    await listen(port);
    const logger = recordingLogger();
    const error = await ensureBroker({ server: `mqtt://127.0.0.1:${port}`, embedded_broker: true }, logger).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MqttError);
    expect(error).toMatchObject({
      code: "MQTT_BROKER_FAILED",
      message: `Embedded MQTT broker cannot listen on 127.0.0.1:${port}: address already in use`,
    });
    await expect(ensureBroker({ server: "mqtt://broker.lan:1883", embedded_broker: true }, logger)).rejects.toThrow(
      /not a plain mqtt:\/\/ URL on this machine/,
    );
  });

  it("true: starts even when nothing listens, and close() frees the port", async () => {
    const port = await freePort();
    const server = `mqtt://localhost:${port}`;
    const broker = await ensureBroker({ server, embedded_broker: true }, recordingLogger());
    expect(broker?.url).toBe(server);
    const client = await connectTestClient(server);
    await client.end();
    await broker?.close();
    expect(await isBrokerListening(server)).toBe(false);
  });

  it("with mqtt.user/password set, it requires them: no login or a wrong one is refused, the bridge gets in", async () => {
    const port = await freePort();
    const server = `mqtt://127.0.0.1:${port}`;
    const logger = recordingLogger();
    const settings = { server, embedded_broker: "auto" as const, user: "bridge", password: "s3cret" };
    track(await ensureBroker(settings, logger));
    expect(logger.lines.map((l) => l.message)).toContain(
      `No MQTT broker at ${server}: started the embedded broker there (requires mqtt.user and mqtt.password)`,
    );
    const refused = async (options: { username?: string; password?: string }) => {
      const error = await connectAsync(server, { ...options, reconnectPeriod: 0 }).then(
        (c) => c.endAsync().then(() => undefined),
        (e: unknown) => e,
      );
      expect(error, JSON.stringify(options)).toMatchObject({ code: 4 }); // CONNACK: bad user name or password
    };
    await refused({});
    await refused({ username: "bridge", password: "wrong" });
    await refused({ username: "other", password: "s3cret" });
    const bridge = new MqttClient({ server, base_topic: "zauth", user: "bridge", password: "s3cret" }, logger);
    cleanup.push(() => bridge.close());
    await bridge.connect();
    expect(bridge.connected).toBe(true);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: "warning", message: expect.stringMatching(/refused client .*: bad user name/) }),
    );
  });

  it("refuses to listen beyond loopback without a login; with one it serves 0.0.0.0", async () => {
    const port = await freePort();
    const server = `mqtt://0.0.0.0:${port}`;
    await expect(ensureBroker({ server, embedded_broker: "auto" }, recordingLogger())).rejects.toThrow(
      `The embedded MQTT broker does not listen on 0.0.0.0 (reachable from other machines) without a login: set mqtt.user and mqtt.password, or use mqtt://localhost`,
    );
    expect(await isBrokerListening(server)).toBe(false);
    const broker = track(await ensureBroker({ server, user: "u", password: "p" }, recordingLogger()));
    expect(broker?.url).toBe(server);
    expect(isLoopbackHost("127.0.0.2") && isLoopbackHost("[::1]") && isLoopbackHost("localhost")).toBe(true);
    expect([isLoopbackHost("0.0.0.0"), isLoopbackHost("::"), isLoopbackHost("192.168.1.2")]).toEqual([
      false,
      false,
      false,
    ]);
  });
});

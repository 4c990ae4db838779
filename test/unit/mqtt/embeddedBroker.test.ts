import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  type EmbeddedBroker,
  ensureBroker,
  isBrokerListening,
  isLocalServer,
} from "../../../lib/mqtt/embeddedBroker.js";
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
      message: `No MQTT broker at ${server}: started the embedded broker there`,
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
});

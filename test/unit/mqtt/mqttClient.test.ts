import { rmSync } from "node:fs";
import { type AddressInfo, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startEmbeddedBroker } from "../../../lib/mqtt/embeddedBroker.js";
import { MqttClient, UNLOGGED_BRIDGE_TOPICS } from "../../../lib/mqtt/mqttClient.js";
import { MqttConnectError, MqttUnavailableError } from "../../../lib/mqtt/mqttErrors.js";
import { defaultClientId } from "../../../lib/mqtt/mqttOptions.js";
import type { Logger } from "../../../lib/util/logger.js";
import { freePort, silentLogger } from "../../support/broker.js";
import { connectTestClient } from "../../support/mqttTestClient.js";
import { requireTools, tools } from "../../support/tools.js";
import { useMqttWorld } from "./mqttWorld.js";

const ONLINE = '{"state":"online"}';
const OFFLINE = '{"state":"offline"}';

describe("MqttClient", () => {
  const world = useMqttWorld();

  it("announces online (retained, QoS 1) and offline on close", async () => {
    const bridge = world.bridge();
    await bridge.connect();
    await bridge.announceOnline([`${world.base}/bridge/request/#`]);
    await bridge.close();
    const spy = await world.spy();
    const since = spy.mark();
    await spy.subscribe(`${world.base}/bridge/state`);
    const state = await spy.waitForMessage(`${world.base}/bridge/state`, { since });
    expect(state).toMatchObject({ payload: OFFLINE, retain: true });
  });

  it("publishes online only once its subscriptions are in place, so a request sent on 'online' is heard", async () => {
    const spy = await world.spy();
    await spy.subscribe(`${world.base}/bridge/state`);
    spy.client.on("message", (_topic, payload) => {
      if (payload.toString() === ONLINE)
        void spy.publish(`${world.base}/bridge/request/health_check`, "{}", { qos: 1 });
    });
    const bridge = world.bridge();
    const heard: string[] = [];
    bridge.onMessage((topic) => heard.push(topic));
    await bridge.connect();
    await bridge.announceOnline([`${world.base}/bridge/request/#`]);
    await expect.poll(() => heard).toEqual([`${world.base}/bridge/request/health_check`]);
    expect(bridge.stats).toMatchObject({ received: 1, connected: true, reconnects: 0 });
  });

  it("the broker publishes the LWT when the socket dies; the client reconnects and re-announces online", async () => {
    const spy = await world.spy();
    await spy.subscribe(`${world.base}/bridge/state`);
    const bridge = world.bridge();
    const sessions: boolean[] = [];
    bridge.onConnect((sessionPresent) => sessions.push(sessionPresent));
    const connected = spy.mark();
    await bridge.connect();
    await bridge.announceOnline([`${world.base}/cmd`]);
    await spy.waitForMessage((m) => m.payload === ONLINE, { since: connected });

    const destroyed = spy.mark();
    bridge.stream?.destroy();
    expect((await spy.waitForMessage(`${world.base}/bridge/state`, { since: destroyed })).payload).toBe(OFFLINE);
    // a QoS 1 command sent while we are away is kept in our persistent session
    await spy.publish(`${world.base}/cmd`, "while-away", { qos: 1 });
    const received: string[] = [];
    bridge.onMessage((_t, payload) => received.push(payload.toString()));

    await spy.waitForMessage((m) => m.payload === ONLINE, { since: destroyed, timeoutMs: 5000 });
    await expect.poll(() => received).toContain("while-away");
    expect(bridge.stats.reconnects).toBe(1);
    await expect.poll(() => sessions).toEqual([false, true]);
  });

  it.for([3, 4, 5] as const)(
    "MQTT %i: a QoS 1 message sent while the bridge was stopped arrives when it is back",
    async (version, ctx) => {
      if (version === 5) requireTools(ctx, [tools.mosquitto], "MQTT 5 (the aedes fallback speaks 3.1.1 only)");
      const first = world.bridge({ version });
      await first.connect();
      await first.announceOnline([`${world.base}/dev/set`]);
      await first.close();

      const spy = await world.spy();
      await spy.publish(`${world.base}/dev/set`, '{"state":"ON"}', { qos: 1 });

      const second = world.bridge({ version });
      const received: string[] = [];
      second.onMessage((topic, payload) => received.push(`${topic} ${payload}`));
      await second.connect();
      expect(second.clientId).toBe(first.clientId);
      // the session delivers it at once; it is handed on once the bridge has subscribed (its handlers are ready)
      await second.announceOnline([`${world.base}/dev/set`]);
      await expect.poll(() => received).toEqual([`${world.base}/dev/set {"state":"ON"}`]);
    },
  );

  it("times out a connect that gets no CONNACK", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket.resume()));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as AddressInfo).port;
    try {
      const bridge = world.bridge({ server: `mqtt://127.0.0.1:${port}` }, { connectTimeoutMs: 300 });
      await expect(bridge.connect()).rejects.toThrow(/^MQTT connect to mqtt:\/\/127\.0\.0\.1:\d+ failed: .*time/);
      // and lets go of the socket
      await expect.poll(() => sockets.every((s) => s.closed || s.readableEnded)).toBe(true);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it("derives a stable client id from base topic and data dir", () => {
    expect(defaultClientId("zigbee2mqtt", "/data")).toBe(defaultClientId("zigbee2mqtt", "/data"));
    expect(defaultClientId("zigbee2mqtt", "/data")).not.toBe(defaultClientId("zigbee2mqtt", "/data2"));
    expect(defaultClientId("zigbee2mqtt", "/data")).toMatch(/^zigmqtt_[0-9a-f]{12}$/);
    expect(world.bridge({ client_id: "mine" }).clientId).toBeUndefined(); // known after connect
  });

  it("uses the configured client_id", async () => {
    const bridge = world.bridge({ client_id: `${world.base}_id` });
    await bridge.connect();
    expect(bridge.clientId).toBe(`${world.base}_id`);
  });

  it("fails to connect with a clear one-line error when nothing listens", async () => {
    const port = await freePort();
    const bridge = world.bridge({ server: `mqtt://127.0.0.1:${port}` });
    const error = await bridge.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MqttConnectError);
    expect((error as Error).message).toBe(`MQTT connect to mqtt://127.0.0.1:${port} failed: connection refused`);
  });

  it("fails to connect with a clear error on a bad server URL", async () => {
    await expect(world.bridge({ server: "foo://127.0.0.1:1" }).connect()).rejects.toThrow(
      /^MQTT connect to foo:\/\/127.0.0.1:1 failed: /,
    );
  });

  it("fails to connect with a clear error when a TLS file is missing", async () => {
    const bridge = world.bridge({ ca: "/nonexistent/ca.pem" });
    await expect(bridge.connect()).rejects.toThrow(/failed: cannot read mqtt.ca file \/nonexistent\/ca.pem: ENOENT$/);
  });

  it("queues publishes while the broker is away (retained coalesced per topic) and sends them after reconnecting", async () => {
    const port = await freePort();
    let broker = await startEmbeddedBroker({ host: "127.0.0.1", port, logger: silentLogger });
    const bridge = world.bridge({ server: broker.url });
    await bridge.connect();
    await bridge.announceOnline([`${world.base}/bridge/request/#`]);
    const disconnected = new Promise<void>((resolve) => bridge.onDisconnect(resolve));
    await broker.close();
    await disconnected;
    expect(bridge.stats.connected).toBe(false);
    // with no broker these resolve at once (queued); were they waiting for the broker, they would never resolve
    await bridge.publish(`${world.base}/lamp`, '{"brightness":1}', { qos: 1, retain: true });
    await bridge.publish(`${world.base}/lamp`, '{"brightness":2}', { qos: 1, retain: true });
    await bridge.publish(`${world.base}/bridge/event`, '{"type":"e1"}', { qos: 0 });
    await expect(bridge.subscribe([`${world.base}/y`])).rejects.toBeInstanceOf(MqttUnavailableError);
    expect(bridge.stats).toMatchObject({ connected: false, queued: 2 }); // two lamp states coalesced, plus the event
    expect(bridge.logs).toContainEqual({
      level: "warning",
      message: `Disconnected from MQTT server ${broker.url}; reconnecting`,
    });
    broker = await startEmbeddedBroker({ host: "127.0.0.1", port, logger: silentLogger });
    try {
      await expect
        .poll(() => bridge.stats, { timeout: 5000 })
        .toMatchObject({ connected: true, reconnects: 1, queued: 0 });
      const spy = await connectTestClient(broker.url);
      const since = spy.mark();
      await spy.subscribe(`${world.base}/lamp`);
      const retained = await spy.waitForMessage(`${world.base}/lamp`, { since });
      expect(retained).toMatchObject({ payload: '{"brightness":2}', retain: true });
      await spy.end();
    } finally {
      await bridge.close();
      await broker.close();
    }
  });

  it("after a broker restart that lost everything it resubscribes and re-announces online", async () => {
    const bridge = world.bridge();
    await bridge.connect();
    await bridge.announceOnline([`${world.base}/bridge/request/#`]);
    const reconnected = new Promise<boolean>((resolve) => bridge.onConnect(resolve));
    await world.broker.restart();
    expect(await reconnected).toBe(false); // the restarted broker lost our session
    expect(bridge.stats).toMatchObject({ connected: true, reconnects: 1 });
    const spy = await world.spy();
    const since = spy.mark();
    await spy.subscribe(`${world.base}/bridge/state`);
    expect(await spy.waitForMessage(`${world.base}/bridge/state`, { since })).toMatchObject({
      payload: ONLINE,
      retain: true,
    });
    const heard: string[] = [];
    bridge.onMessage((topic) => heard.push(topic));
    await spy.publish(`${world.base}/bridge/request/ping`, "{}", { qos: 1 });
    await expect.poll(() => heard).toEqual([`${world.base}/bridge/request/ping`]);
  });

  it("force_disable_retain publishes without retain, bridge state included", async () => {
    // a retained message the bridge publishes would replace these; a non-retained one leaves them in place
    const kept = `${world.base}/kept`;
    const state = `${world.base}/bridge/state`;
    const live = await world.spy();
    await live.publish(kept, "old", { retain: true, qos: 1 });
    await live.publish(state, "old state", { retain: true, qos: 1 });
    const since = live.mark();
    await live.subscribe([kept, state]);
    await live.waitForMessage((m) => m.topic === kept && m.retain, { since });
    await live.waitForMessage((m) => m.topic === state && m.retain, { since });
    const bridge = world.bridge({ force_disable_retain: true });
    await bridge.connect();
    await bridge.announceOnline([]);
    await bridge.publish(kept, "v", { retain: true, qos: 1 });
    // once the broker forwarded them live, it has handled them (retained or not)
    await live.waitForMessage((m) => m.topic === kept && m.payload === "v", { since });
    await live.waitForMessage((m) => m.topic === state && m.payload === ONLINE, { since });

    const fresh = await world.spy();
    const subscribed = fresh.mark();
    await fresh.subscribe([kept, state]);
    const retained = (topic: string) =>
      fresh.waitForMessage((m) => m.topic === topic && m.retain, { since: subscribed });
    expect((await retained(kept)).payload).toBe("old");
    expect((await retained(state)).payload).toBe("old state");
  });

  it("sets TCP_NODELAY on its socket, again after a reconnect", async () => {
    const noDelay = (stream: object | undefined) => {
      // Node keeps the flag under an internal symbol; strace shows setsockopt(TCP_NODELAY, 1) for it
      const symbol = Object.getOwnPropertySymbols(stream).find((s) => s.description === "kSetNoDelay");
      return symbol && (stream as Record<symbol, unknown>)[symbol];
    };
    const bridge = world.bridge();
    await bridge.connect();
    expect(noDelay(bridge.stream)).toBe(true);
    const first = bridge.stream;
    first?.destroy();
    await expect.poll(() => bridge.stats.reconnects, { timeout: 5000 }).toBe(1);
    expect(bridge.stream).not.toBe(first);
    expect(noDelay(bridge.stream)).toBe(true);
    const plain = world.bridge({ client_id: `${world.base}_nagle` }, { noDelay: false });
    await plain.connect();
    expect(noDelay(plain.stream)).toBe(false);
  });

  it("counts published and received messages", async () => {
    const bridge = world.bridge();
    await bridge.connect();
    await bridge.subscribe([`${world.base}/echo`]);
    await bridge.publish(`${world.base}/echo`, "1", { qos: 1 });
    await expect.poll(() => bridge.stats.received).toBe(1);
    expect(bridge.stats.published).toBe(1);
  });

  it("logs every publish at info as zigbee2mqtt does, but not bridge/logging itself nor the large retained lists", async () => {
    const bridge = world.bridge();
    await bridge.connect();
    const b = world.base;
    await bridge.publish(`${b}/lamp`, '{"state":"ON"}');
    await bridge.publish(`${b}/lamp`, Buffer.from('{"state":"OFF"}'));
    await bridge.publish(`${b}/bridge/event`, '{"type":"device_joined"}');
    for (const t of UNLOGGED_BRIDGE_TOPICS) await bridge.publish(`${b}/bridge/${t}`, "[]");
    await bridge.publish(`${b}/bridge/state`, '{"state":"online"}');
    expect(bridge.logs.filter((l) => l.message.startsWith("MQTT publish"))).toEqual([
      { level: "info", message: `MQTT publish: topic '${b}/lamp', payload '{"state":"ON"}'` },
      { level: "info", message: `MQTT publish: topic '${b}/lamp', payload '{"state":"OFF"}'` },
      { level: "info", message: `MQTT publish: topic '${b}/bridge/event', payload '{"type":"device_joined"}'` },
      { level: "info", message: `MQTT publish: topic '${b}/bridge/state', payload '{"state":"online"}'` },
    ]);
    expect(UNLOGGED_BRIDGE_TOPICS).toContain("logging");
  });

  it("asks the logger first and builds no line when info is off for z2m:mqtt", async () => {
    const asked: string[] = [];
    const written: string[] = [];
    const logger: Logger = {
      error: () => {},
      warning: () => {},
      info: (m, ns) => void written.push(`${ns}: ${typeof m === "function" ? m() : m}`),
      debug: () => {},
      isEnabled: (level, ns) => {
        asked.push(`${level} ${ns}`);
        return false;
      },
    };
    const client = new MqttClient({ server: world.broker.url, base_topic: world.base }, logger, {
      dataDir: join(tmpdir(), `${world.base}_quiet`),
      connectTimeoutMs: 3000,
    });
    try {
      await client.connect();
      written.length = 0; // the connection's own lines
      await client.publish(`${world.base}/lamp`, '{"state":"ON"}');
      expect(asked).toContain("info z2m:mqtt");
      expect(written).toEqual([]);
    } finally {
      await client.close();
      rmSync(join(tmpdir(), `${world.base}_quiet`), { recursive: true, force: true });
    }
  });

  it("a burst of publishes beyond the socket's buffer (a start with 1,000 devices) raises no listener-leak warning", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on("warning", onWarning);
    try {
      const bridge = world.bridge();
      await bridge.connect();
      const payload = "x".repeat(2048);
      // mqtt.js adds one 'drain' listener per packet written into a full socket buffer
      await Promise.all(Array.from({ length: 3000 }, (_, i) => bridge.publish(`${world.base}/burst/${i}`, payload)));
      expect(bridge.stats.published).toBe(3000);
      // Node emits the warning on the next tick after the listener that passed the limit
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.startsWith("MaxListenersExceededWarning"))).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });
});

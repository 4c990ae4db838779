import { request as httpRequest } from "node:http";
import { brotliDecompressSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import type { HealthReport } from "../../../lib/features/health.js";
import { freePort } from "../../support/broker.js";
import { retainedOn } from "../../support/mqttTestClient.js";
import { BASE, json, useBridgeWorld } from "../support/bridgeWorld.js";
import { DEMO_DEVICES, frontendConfig } from "./frontendWorld.js";
import { connectWs, type WsTestClient } from "./wsClient.js";

const port = await freePort();
const world = useBridgeWorld({ config: frontendConfig(port, {}, { advanced: { last_seen: "ISO_8601" } }) });
const url = `ws://127.0.0.1:${port}/api`;

/** A GET with exactly these headers (fetch would add Accept-Encoding and normalise the path). */
function get(path: string, headers: Record<string, string> = {}, method = "GET") {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("frontend HTTP server", () => {
  it("serves WindFront's index.html uncached, brotli when accepted, plain otherwise", async () => {
    const plain = await get("/");
    expect(plain.status).toBe(200);
    expect(plain.headers["content-type"]).toBe("text/html;charset=utf-8");
    expect(plain.headers["cache-control"]).toBe("no-store");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.toString()).toMatch(/<html/i);
    const br = await get("/", { "Accept-Encoding": "gzip, br" });
    expect(br.headers).toMatchObject({
      "content-encoding": "br",
      vary: "Accept-Encoding",
      "cache-control": "no-store",
    });
    expect(brotliDecompressSync(br.body)).toEqual(plain.body);

    const asset = /src="\.?\/?(assets\/[^"]+\.js)"/.exec(plain.body.toString())?.[1];
    expect(asset).toBeDefined();
    const js = await get(`/${asset}`, { "Accept-Encoding": "br" });
    expect(js.status).toBe(200);
    expect(js.headers).toMatchObject({ "content-type": "text/javascript", "content-encoding": "br" });
    expect(js.headers["cache-control"]).toBeUndefined();
  });

  it("answers 404 for what is not there, 405 for other methods, and never serves the data directory", async () => {
    expect((await get("/no/such/file.js")).status).toBe(404);
    expect((await get("/", {}, "POST")).status).toBe(405);
    for (const path of [
      "/device_icons/../configuration.yaml",
      "/device_icons/%2e%2e/configuration.yaml",
      "/device_icons/..%2fconfiguration.yaml",
      "/../configuration.yaml",
    ]) {
      const r = await get(path);
      expect(r.status, path).toBe(404);
      expect(r.body.toString()).not.toMatch(/network_key/);
    }
  });
});

describe("frontend WebSocket API", () => {
  const clients: WsTestClient[] = [];
  const open = async () => {
    const c = await connectWs(url);
    clients.push(c);
    return c;
  };
  afterAll(async () => {
    for (const c of clients) await c.close();
  });

  // the first test: bridge/health comes one health.interval (10 minutes here) after the start
  it("sends a client that connects before the first bridge/health a current report on that topic, not published", async () => {
    const health = `${BASE}/bridge/health`;
    expect(await retainedOn(world.broker.url, health)).toEqual([]);
    const ws = await open();
    const report = (await ws.waitFor((f) => f.topic === "bridge/health")).payload as HealthReport;
    expect(report).toMatchObject({
      response_time: expect.any(Number),
      os: {
        load_average: expect.any(Array),
        memory_used_mb: expect.any(Number),
        memory_percent: expect.any(Number),
      },
      process: {
        uptime_sec: expect.any(Number),
        memory_used_mb: expect.any(Number),
        memory_percent: expect.any(Number),
      },
      mqtt: {
        connected: true,
        queued: expect.any(Number),
        received: expect.any(Number),
        published: expect.any(Number),
      },
    });
    expect(report.os.load_average).toHaveLength(3);
    expect(Object.keys(report.devices)).toEqual(expect.arrayContaining(Object.keys(DEMO_DEVICES)));
    for (const d of Object.values(report.devices)) {
      expect(d).toEqual({
        messages: expect.any(Number),
        messages_per_sec: expect.any(Number),
        leave_count: expect.any(Number),
        network_address_changes: expect.any(Number),
      });
    }
    // sent to that client only: still nothing on the broker
    expect(await retainedOn(world.broker.url, health)).toEqual([]);
  });

  it("sends the retained bridge topics, then every device's state with linkquality and last_seen", async () => {
    const ws = await open();
    for (const topic of ["bridge/state", "bridge/info", "bridge/devices", "bridge/groups", "bridge/definitions"]) {
      await ws.waitFor((f) => f.topic === topic);
    }
    await ws.waitFor((f) => f.topic === "bridge/health");
    expect((await ws.waitFor((f) => f.topic === "bridge/state")).payload).toEqual({ state: "online" });
    const info = (await ws.waitFor((f) => f.topic === "bridge/info")).payload as Record<string, never>;
    // what WindFront reads without checking
    expect(info.config).toMatchObject({ frontend: { enabled: true, port }, ota: { update_check_interval: 1440 } });
    expect(info.config_schema).toMatchObject({ definitions: { device: {}, group: {} } });
    expect(Object.keys(info)).toEqual(
      expect.arrayContaining(["version", "coordinator", "zigbee_herdsman", "os", "mqtt", "permit_join", "network"]),
    );
    const devices = (await ws.waitFor((f) => f.topic === "bridge/devices")).payload as Array<{ friendly_name: string }>;
    expect(devices.map((d) => d.friendly_name)).toEqual(
      expect.arrayContaining(["Coordinator", "demo_lamp", "demo_climate_sensor", "demo_remote", "demo_plug"]),
    );
    const lamp = (await ws.waitFor((f) => f.topic === "demo_lamp")).payload as Record<string, unknown>;
    expect(lamp).toMatchObject({ linkquality: expect.any(Number), last_seen: expect.stringMatching(/^\d{4}-/) });
    for (const name of ["demo_climate_sensor", "demo_remote", "demo_plug"]) await ws.waitFor((f) => f.topic === name);
  });

  it("answers a bridge request sent over the WebSocket, on the WebSocket and on MQTT", async () => {
    const ws = await open();
    const since = world.mqtt.mark();
    const rsp = await ws.request("permit_join", { time: 10 });
    expect(rsp).toMatchObject({ status: "ok", data: { time: 10 } });
    const onMqtt = await world.mqtt.waitForMessage(`${BASE}/bridge/response/permit_join`, { since });
    expect(json(onMqtt.payload)).toMatchObject({ status: "ok", transaction: rsp.transaction });
    await ws.request("permit_join", { time: 0 });
  });

  it("takes WindFront's permit join payload: `device: null` (its undefined sent as null) means every router", async () => {
    const ws = await open();
    expect(await ws.request("permit_join", { time: 12, device: null })).toMatchObject({
      status: "ok",
      data: { time: 12 },
    });
    expect(await ws.request("permit_join", { time: 0, device: null })).toMatchObject({
      status: "ok",
      data: { time: 0 },
    });
  });

  it("turns the lamp off from the WebSocket: the state comes back on both sides", async () => {
    const ws = await open();
    const since = world.mqtt.mark();
    const wsSince = ws.mark();
    ws.send({ topic: "demo_lamp/set", payload: { state: "OFF" } });
    const m = await world.mqtt.waitForMessage(
      (x) => x.topic === `${BASE}/demo_lamp` && json(x.payload).state === "OFF",
      { since },
    );
    expect(json(m.payload).state).toBe("OFF");
    await ws.waitFor((f) => f.topic === "demo_lamp" && (f.payload as { state?: string }).state === "OFF", {
      since: wsSince,
    });
    ws.send({ topic: "demo_lamp/set", payload: { state: "ON" } });
    await ws.waitFor((f) => f.topic === "demo_lamp" && (f.payload as { state?: string }).state === "ON", {
      since: wsSince,
    });
  });

  it("mirrors what happens over MQTT: a /set from an MQTT client shows on the WebSocket", async () => {
    const ws = await open();
    const since = ws.mark();
    await world.mqtt.publish(`${BASE}/demo_lamp/set`, JSON.stringify({ brightness: 77 }));
    const f = await ws.waitFor(
      (x) => x.topic === "demo_lamp" && (x.payload as { brightness?: number }).brightness === 77,
      {
        since,
      },
    );
    expect(f.payload).toMatchObject({ brightness: 77, state: "ON" });
  });

  it("answers bad frames with a clear error on bridge/logging, and keeps the connection", async () => {
    const ws = await open();
    const cases: Array<[string | Uint8Array, RegExp]> = [
      ["not json", /refused: not JSON/],
      ["[1,2]", /expected a JSON object/],
      ['{"payload":{}}', /'topic' must be a non-empty string/],
      ['{"topic":"demo_lamp/#","payload":{}}', /without wildcards/],
      ['{"topic":"bridge/nothing","payload":{}}', /nothing handles topic 'bridge\/nothing'/],
      [new Uint8Array([1, 2, 3]), /binary frames are not accepted/],
    ];
    for (const [data, pattern] of cases) {
      const since = ws.mark();
      ws.sendRaw(data);
      const log = await ws.waitFor(
        (f) => f.topic === "bridge/logging" && pattern.test((f.payload as { message: string }).message),
        { since },
      );
      // zigbee2mqtt's shape: the namespace leads the message, no namespace field
      expect(log.payload).toEqual({ level: "error", message: expect.stringMatching(/^z2m:frontend: /) });
    }
    const rsp = await ws.request("device/rename", { from: "no_such_device", to: "x" });
    expect(rsp).toMatchObject({ status: "error", error: expect.stringContaining("no_such_device") });
  });

  it("on stop tells its clients the bridge is offline and closes them; after a restart the port serves again", async () => {
    const ws = await open();
    await ws.waitFor((f) => f.topic === "demo_plug");
    const since = ws.mark();
    await world.restart();
    const offline = await ws.waitFor((f) => f.topic === "bridge/state", { since });
    expect(offline.payload).toEqual({ state: "offline" });
    expect((await ws.closed).code).toBe(1006); // terminated, as zigbee2mqtt does
    const again = await open();
    expect((await again.waitFor((f) => f.topic === "bridge/state")).payload).toEqual({ state: "online" });
  });

  // the last test: the broker stays down (the world's teardown copes with that)
  it("keeps working while the broker is down: requests and commands go through, publishes are mirrored", async () => {
    const ws = await open();
    await world.broker.stop();
    const rsp = await ws.request("permit_join", { time: 5 });
    expect(rsp).toMatchObject({ status: "ok", data: { time: 5 } });
    const since = ws.mark();
    ws.send({ topic: "demo_lamp/set", payload: { state: "OFF" } });
    await ws.waitFor((f) => f.topic === "demo_lamp" && (f.payload as { state?: string }).state === "OFF", { since });
    await ws.request("permit_join", { time: 0 });
  });
});

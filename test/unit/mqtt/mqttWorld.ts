/** Shared setup for the MQTT adapter tests: a broker, bridge clients and spy clients, all cleaned up after each test. */
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll } from "vitest";
import { MqttClient, type MqttRuntimeOptions, type MqttSettings } from "../../../lib/mqtt/mqttClient.js";
import type { Logger, LogLevel } from "../../../lib/util/logger.js";
import { startTestBroker, type TestBroker } from "../../support/broker.js";
import { connectTestClient, type TestClient } from "../../support/mqttTestClient.js";

export interface LogLine {
  level: LogLevel;
  message: string;
}

export function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = (level: LogLevel) => (message: string | (() => string)) =>
    lines.push({ level, message: typeof message === "function" ? message() : message });
  return {
    lines,
    error: log("error"),
    warning: log("warning"),
    info: log("info"),
    debug: log("debug"),
    isEnabled: () => true,
  };
}

export interface MqttWorld {
  broker: TestBroker;
  /** A fresh base topic per test, so retained messages of one test don't leak into the next. */
  base: string;
  /** A bridge client (not connected). Same `dataDir` → same client id → same broker session. */
  bridge(settings?: Partial<MqttSettings>, runtime?: MqttRuntimeOptions): MqttClient & { logs: LogLine[] };
  spy(): Promise<TestClient>;
}

/** Registers vitest hooks; one broker per test file. */
export function useMqttWorld(): MqttWorld {
  const closers: (() => Promise<unknown>)[] = [];
  const world = { base: "" } as MqttWorld;
  beforeAll(async () => {
    world.broker = await startTestBroker();
  });
  afterAll(() => world.broker?.stop());
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => {});
    world.base = `zt_${randomUUID().slice(0, 8)}`;
  });
  world.base = `zt_${randomUUID().slice(0, 8)}`;
  world.bridge = (settings = {}, runtime = {}) => {
    const logger = recordingLogger();
    // the data dir keeps when the bridge was last connected (mqtt_session.json): same dir, same session
    const dataDir = join(tmpdir(), world.base);
    mkdirSync(dataDir, { recursive: true });
    closers.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const client = new MqttClient({ server: world.broker.url, base_topic: world.base, ...settings }, logger, {
      dataDir,
      reconnectMinMs: 100,
      reconnectMaxMs: 400,
      connectTimeoutMs: 3000,
      ...runtime,
    });
    closers.push(() => client.close());
    return Object.assign(client, { logs: logger.lines });
  };
  world.spy = async () => {
    const spy = await connectTestClient(world.broker.url);
    closers.push(() => spy.end());
    return spy;
  };
  return world;
}

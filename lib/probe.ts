/**
 * A small probe of a running bridge, over MQTT with the bridge's own settings (broker, login, TLS, base topic).
 * The Docker image's HEALTHCHECK (`node dist/probe.js`) and the checks of `npm run docker:test` run it inside the
 * container, so they need no network of their own. One line on stdout, exit code 0 on success, 1 otherwise.
 *
 *   probe.js [health]              bridge/request/health_check answers {"healthy":true}
 *   probe.js online                bridge/state is {"state":"online"}
 *   probe.js set <device> <json>   publish <device>/set, wait for a state with those values; prints the state
 *   probe.js get <device> <json>   publish <device>/get, wait for a state with every key asked for; prints it
 *   probe.js network               prints bridge/info's coordinator type and network, bridge/devices' names and
 *                                  addresses (JSON)
 *   probe.js http [port]           the web frontend answers GET / with 200 (default port: frontend.port)
 *   probe.js device <path>         <path> is a character device this process may read and write
 *
 * Options: --timeout <seconds> (default 10), --data <dir> (default $ZIGMQTT_DATA, as the bridge), --wait (MQTT
 * commands: until the timeout, try again while the bridge is not there yet).
 */
import { randomBytes } from "node:crypto";
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { connect, type MqttClient } from "mqtt";
import { buildClientOptions } from "./mqtt/mqttOptions.js";
import { loadSettingsFiles } from "./settings/loadSettings.js";
import { SettingsStore } from "./settings/settingsStore.js";
import type { Settings } from "./settings/types.js";
import { errorMessage } from "./util/errors.js";

type Json = Record<string, unknown>;

class ProbeError extends Error {}

const asObject = (value: unknown): Json =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {};

/** As the bridge (main.ts): `$ZIGMQTT_DATA`, `$ZIGBEE2MQTT_DATA`, or `data/` beside the installation. */
function dataDirectory(): string {
  const dir = process.env.ZIGMQTT_DATA ?? process.env.ZIGBEE2MQTT_DATA;
  return dir ? resolve(dir) : resolve(new URL("../data", import.meta.url).pathname);
}

/** The bridge's settings, read without writing anything (the bridge owns the files). */
function readSettings(dataDir: string): Readonly<Settings> {
  if (!existsSync(join(dataDir, "configuration.yaml"))) {
    throw new ProbeError(`no configuration.yaml in ${dataDir} yet (first start not done)`);
  }
  if (loadSettingsFiles(dataDir, process.env).generated.length > 0) {
    throw new ProbeError("the network settings are not generated yet (first start not done)");
  }
  return SettingsStore.load(dataDir, process.env).get();
}

function parseObject(text: string | undefined, what: string): Json {
  try {
    const value = JSON.parse(text ?? "") as unknown;
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Json;
  } catch {}
  throw new ProbeError(`${what} must be a JSON object, got '${text ?? ""}'`);
}

class Session {
  private readonly waiters = new Set<(topic: string, payload: string) => void>();
  private constructor(
    private readonly client: MqttClient,
    readonly base: string,
  ) {
    client.on("message", (topic, payload) => {
      for (const waiter of this.waiters) waiter(topic, payload.toString());
    });
  }

  static async open(settings: Readonly<Settings>, dataDir: string, timeoutMs: number): Promise<Session> {
    const options = await buildClientOptions(settings.mqtt, { dataDir, connectTimeoutMs: timeoutMs });
    options.clientId = `zigmqtt_probe_${randomBytes(4).toString("hex")}`;
    options.clean = true;
    options.reconnectPeriod = 0;
    options.manualConnect = false;
    delete options.will;
    if (options.properties) delete options.properties.sessionExpiryInterval;
    const client = connect(settings.mqtt.server, options);
    try {
      await new Promise<void>((resolve, reject) => {
        client.once("connect", () => resolve());
        client.once("error", (e) => reject(new ProbeError(`MQTT: ${errorMessage(e)}`)));
        client.once("close", () => reject(new ProbeError(`MQTT: cannot connect to ${settings.mqtt.server}`)));
      });
    } catch (e) {
      client.end(true);
      throw e;
    }
    return new Session(client, settings.mqtt.base_topic);
  }

  /** Subscribes, then runs `act`; resolves with the first later message on `topic` that `match` accepts. */
  async expect(topic: string, match: (payload: Json) => boolean, timeoutMs: number, act?: () => Promise<void>) {
    return asObject(await this.expectAny(topic, (p) => match(asObject(p)), timeoutMs, act));
  }

  /** As `expect`, for any JSON payload (bridge/devices is an array). */
  async expectAny(topic: string, match: (payload: unknown) => boolean, timeoutMs: number, act?: () => Promise<void>) {
    const full = `${this.base}/${topic}`;
    let timer: NodeJS.Timeout | undefined;
    let waiter: ((t: string, p: string) => void) | undefined;
    const seen = new Promise<unknown>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new ProbeError(`no matching message on ${full} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      waiter = (t, p) => {
        if (t !== full) return;
        try {
          const payload = JSON.parse(p) as unknown;
          if (match(payload)) resolve(payload);
        } catch {}
      };
      this.waiters.add(waiter);
    });
    try {
      await this.client.subscribeAsync(full, { qos: 1 });
      await act?.();
      return await seen;
    } finally {
      clearTimeout(timer);
      if (waiter) this.waiters.delete(waiter);
    }
  }

  async publish(topic: string, payload: Json): Promise<void> {
    await this.client.publishAsync(`${this.base}/${topic}`, JSON.stringify(payload), { qos: 1 });
  }

  close(): Promise<void> {
    return this.client.endAsync(true);
  }
}

const sameValues = (want: Json) => (got: Json) =>
  Object.entries(want).every(([k, v]) => JSON.stringify(got[k]) === JSON.stringify(v));

async function mqttCommand(command: string, args: string[], dataDir: string, timeoutMs: number): Promise<string> {
  const settings = readSettings(dataDir);
  const session = await Session.open(settings, dataDir, timeoutMs);
  try {
    switch (command) {
      case "health": {
        const transaction = randomBytes(4).toString("hex");
        const reply = await session.expect(
          "bridge/response/health_check",
          (p) => p.transaction === transaction,
          timeoutMs,
          () => session.publish("bridge/request/health_check", { transaction }),
        );
        const healthy = (reply.data as Json | undefined)?.healthy;
        if (reply.status !== "ok" || healthy !== true) throw new ProbeError(`unhealthy: ${JSON.stringify(reply)}`);
        return "healthy";
      }
      case "online":
        await session.expect("bridge/state", (p) => p.state === "online", timeoutMs);
        return "online";
      case "set":
      case "get": {
        const [device, text] = args;
        if (!device) throw new ProbeError(`usage: probe.js ${command} <device> <json>`);
        const want = parseObject(text, "the payload");
        const match = command === "set" ? sameValues(want) : (p: Json) => Object.keys(want).every((k) => k in p);
        const state = await session.expect(device, match, timeoutMs, () =>
          session.publish(`${device}/${command}`, want),
        );
        return JSON.stringify(state);
      }
      case "network": {
        const info = await session.expect("bridge/info", (p) => "network" in p, timeoutMs);
        const devices = await session.expectAny("bridge/devices", Array.isArray, timeoutMs);
        const list = (devices as unknown[]).map(asObject);
        const names = list.map((d) => `${d.friendly_name}=${d.ieee_address}`).sort();
        const coordinator = (info.coordinator as Json | undefined)?.type;
        return JSON.stringify({ coordinator, network: info.network, devices: names });
      }
      default:
        throw new ProbeError(`unknown command '${command}'`);
    }
  } finally {
    await session.close();
  }
}

async function httpCommand(port: string | undefined, dataDir: string, timeoutMs: number): Promise<string> {
  const settingsPort = port ? Number(port) : (readSettings(dataDir).frontend?.port ?? 8080);
  const url = `http://127.0.0.1:${settingsPort}/`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    throw new ProbeError(`GET ${url}: ${cause ?? errorMessage(e)}`);
  }
  if (response.status !== 200) throw new ProbeError(`GET ${url}: HTTP ${response.status}`);
  return `GET ${url}: 200 ${response.headers.get("content-type") ?? ""}`.trim();
}

function deviceCommand(path: string | undefined): string {
  if (!path) throw new ProbeError("usage: probe.js device <path>");
  const stat = statSync(path);
  if (!stat.isCharacterDevice()) throw new ProbeError(`${path} is not a character device`);
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
  } catch {
    throw new ProbeError(
      `${path}: no read/write access for uid ${process.getuid?.()} (groups ${process.getgroups?.()})`,
    );
  }
  const major = Number(stat.rdev) >> 8;
  const minor = Number(stat.rdev) & 0xff;
  return `${path}: character device ${major}:${minor}, gid ${stat.gid}, mode ${(stat.mode & 0o777).toString(8)}, read/write ok`;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { timeout: { type: "string" }, data: { type: "string" }, wait: { type: "boolean" } },
  });
  const timeoutMs = Number(values.timeout ?? 10) * 1000;
  if (!(timeoutMs > 0)) throw new ProbeError(`--timeout must be a positive number of seconds`);
  const dataDir = values.data ?? dataDirectory();
  const [command = "health", ...args] = positionals;
  if (command === "http") return void console.log(await httpCommand(args[0], dataDir, timeoutMs));
  if (command === "device") return void console.log(deviceCommand(args[0]));
  if (!values.wait) return void console.log(await mqttCommand(command, args, dataDir, timeoutMs));
  // --wait: the bridge may still be starting (no configuration yet, broker not listening): try again until the end
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    try {
      return void console.log(await mqttCommand(command, args, dataDir, Math.max(left, 500)));
    } catch (e) {
      if (!(e instanceof ProbeError) || left <= 200) throw e;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.log(`probe failed: ${errorMessage(e)}`);
    process.exit(1);
  },
);

/**
 * The `mqtt:` settings section (zigbee2mqtt's keys) and its translation into mqtt.js client options.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { IClientOptions } from "mqtt";

/** The settings keys this adapter reads; names and defaults as zigbee2mqtt's `mqtt` section. */
export interface MqttSettings {
  server: string;
  base_topic: string;
  user?: string;
  password?: string;
  client_id?: string;
  /** seconds; default 60 */
  keepalive?: number;
  /** file paths, read at connect */
  ca?: string;
  key?: string;
  cert?: string;
  /** default true */
  reject_unauthorized?: boolean;
  /** TLS SNI name */
  server_name?: string;
  /** 3 | 4 | 5; default 4 (null in a settings file means the default) */
  version?: 3 | 4 | 5 | null;
  maximum_packet_size?: number;
  force_disable_retain?: boolean;
  /**
   * seconds; default 60. A QoS 1 command queued at the broker while the bridge was away is carried out on return
   * only if the bridge was away for at most this long (the session is resumed); 0: a clean session every time.
   */
  queued_command_max_age?: number;
}

/** Runtime knobs that are not settings keys. */
export interface MqttRuntimeOptions {
  /** The data directory; part of the default client id so two bridges on one broker don't collide. */
  dataDir?: string;
  /** Give up the first connect after this long. Default 10 s. */
  connectTimeoutMs?: number;
  /** Reconnect backoff: first delay, doubled per failed attempt up to the maximum. Defaults 1 s and 30 s. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Disable Nagle's algorithm on the socket. Default true (a switch for measurements only). */
  noDelay?: boolean;
}

export const DEFAULT_MAXIMUM_PACKET_SIZE = 1048576;
export const DEFAULT_QUEUED_COMMAND_MAX_AGE_SEC = 60;

/** `mqtt.queued_command_max_age` with its default. */
export function queuedCommandMaxAge(settings: MqttSettings): number {
  return settings.queued_command_max_age ?? DEFAULT_QUEUED_COMMAND_MAX_AGE_SEC;
}

/** A stable client id (`zigmqtt_` + 12 hex): the broker keeps our session, and QoS 1 commands, across restarts. */
export function defaultClientId(baseTopic: string, dataDir = ""): string {
  const hash = createHash("sha256").update(`${baseTopic}\u0000${dataDir}`).digest("hex");
  return `zigmqtt_${hash.slice(0, 12)}`;
}

/** The server URL without credentials, for messages. */
export function displayServer(server: string): string {
  try {
    const url = new URL(server);
    url.username = "";
    url.password = "";
    return url.toString().replace(/\/$/, "");
  } catch {
    return server;
  }
}

async function readPem(what: string, path: string | undefined): Promise<Buffer | undefined> {
  if (!path) return undefined;
  try {
    return await readFile(path);
  } catch (error) {
    throw new Error(`cannot read mqtt.${what} file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

/**
 * mqtt.js options for the settings; reads the TLS files. Throws a one-line Error when a file is unreadable.
 * `resume`: ask the broker for the session it kept (clean: false); else a clean session. MQTT 5 sessions expire
 * `queued_command_max_age` seconds after a disconnect.
 */
export async function buildClientOptions(
  settings: MqttSettings,
  runtime: MqttRuntimeOptions,
  resume = false,
): Promise<IClientOptions> {
  const version = settings.version ?? 4;
  const [ca, key, cert] = await Promise.all([
    readPem("ca", settings.ca),
    readPem("key", settings.key),
    readPem("cert", settings.cert),
  ]);
  const options: IClientOptions = {
    clientId: settings.client_id || defaultClientId(settings.base_topic, runtime.dataDir),
    clean: !resume,
    keepalive: settings.keepalive ?? 60,
    protocolVersion: version,
    protocolId: version === 3 ? "MQIsdp" : "MQTT",
    reconnectPeriod: runtime.reconnectMinMs ?? 1000,
    connectTimeout: runtime.connectTimeoutMs ?? 10_000,
    resubscribe: false,
    queueQoSZero: false,
    manualConnect: true,
    // mqtt-packet's number cache is 65,536 two-byte Buffers (~6.5 MB of heap objects, and their one-shot creation
    // grows V8's young generation for good); writing a packet id or length fresh costs next to nothing
    writeCache: false,
    will: {
      topic: `${settings.base_topic}/bridge/state`,
      payload: Buffer.from(JSON.stringify({ state: "offline" })),
      qos: 1,
      retain: !settings.force_disable_retain,
    },
    rejectUnauthorized: settings.reject_unauthorized ?? true,
  };
  if (settings.user !== undefined) options.username = settings.user;
  if (settings.password !== undefined) options.password = settings.password;
  if (ca) options.ca = ca;
  if (key) options.key = key;
  if (cert) options.cert = cert;
  if (settings.server_name) options.servername = settings.server_name;
  if (version === 5) {
    options.properties = {
      sessionExpiryInterval: queuedCommandMaxAge(settings),
      maximumPacketSize: settings.maximum_packet_size ?? DEFAULT_MAXIMUM_PACKET_SIZE,
    };
  }
  return options;
}

const REFUSED_V4: Record<number, string> = {
  1: "unacceptable protocol version",
  2: "client id rejected",
  3: "server unavailable",
  4: "bad username or password",
  5: "not authorized",
};
const REFUSED_V5: Record<number, string> = {
  132: "unsupported protocol version",
  133: "client id rejected",
  134: "bad username or password",
  135: "not authorized",
  136: "server unavailable",
  137: "server busy",
  138: "banned",
};
const NETWORK: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "timed out",
  ECONNRESET: "connection reset by the server (wrong port or protocol? mqtt:// to a TLS listener needs mqtts://)",
  EPIPE: "connection closed by the server",
};
const TLS_HINT = "set mqtt.ca to the broker's CA file, or check mqtt.server_name";

/** One line saying why a connect attempt failed. */
export function describeConnectError(error: unknown, version: number): string {
  const err = error as Error & { code?: string | number };
  const code = err?.code;
  if (typeof code === "number") {
    const reason = (version === 5 ? REFUSED_V5 : REFUSED_V4)[code];
    return reason ? `${reason} (return code ${code})` : `refused by the broker: ${err.message} (code ${code})`;
  }
  if (typeof code === "string") {
    if (NETWORK[code]) return NETWORK[code];
    if (/CERT|SELF_SIGNED|UNABLE_TO_|ERR_TLS|ERR_SSL|SSL_/.test(code)) {
      return `TLS error: ${err.message} (${code}); ${TLS_HINT}`;
    }
    return `${err.message} (${code})`;
  }
  if (err?.message === "TLS not authorized") return `TLS error: server certificate not trusted; ${TLS_HINT}`;
  if (/^Connection refused: /.test(err?.message ?? ""))
    return err.message.replace(/^Connection refused: /, "").toLowerCase();
  return (err?.message ?? String(error)).split("\n")[0] ?? "unknown error";
}

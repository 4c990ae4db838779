/**
 * An in-process MQTT broker (aedes over node:net, in-memory persistence: retained messages, QoS 1/2, sessions),
 * for installs without one. MQTT 3.1/3.1.1 only: aedes does not speak MQTT 5.
 * With `mqtt.user`/`password` set it requires them from every client; without them it listens on loopback only.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, isIP, connect as netConnect, type Server } from "node:net";
import type { Logger } from "../util/logger.js";
import { MqttError } from "./mqttErrors.js";

const NS = "z2m:mqtt";
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0"]);

export interface EmbeddedBroker {
  url: string;
  close(): Promise<void>;
}

export interface BrokerCredentials {
  user: string;
  password: string;
}

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  logger: Logger;
  /** required from every client when given; without them only a loopback address is served */
  credentials?: BrokerCredentials;
}

/** The `mqtt` settings keys that decide about the embedded broker. */
export interface EmbeddedBrokerSettings {
  server: string;
  embedded_broker?: "auto" | boolean;
  version?: 3 | 4 | 5 | null;
  user?: string;
  password?: string;
}

/** True for addresses only this machine can reach: localhost, 127.0.0.0/8, ::1. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (h === "localhost" || h === "::1") return true;
  return isIP(h) === 4 && h.startsWith("127.");
}

const digest = (value: string | Buffer): Buffer => createHash("sha256").update(value).digest();

/** aedes' authenticate hook: the configured user and password, compared in constant time. */
function authenticator(credentials: BrokerCredentials, logger: Logger) {
  const user = digest(credentials.user);
  const password = digest(credentials.password);
  return (
    client: { id: string },
    username: Readonly<string | undefined>,
    pass: Readonly<Buffer | undefined>,
    done: (error: (Error & { returnCode: 4 }) | null, success: boolean | null) => void,
  ): void => {
    const userOk = timingSafeEqual(digest(username ?? ""), user);
    const passwordOk = timingSafeEqual(digest(pass ?? ""), password);
    if (userOk && passwordOk && username !== undefined && pass !== undefined) {
      done(null, true);
      return;
    }
    logger.warning(`Embedded MQTT broker: refused client ${client.id}: bad user name or password`, NS);
    done(Object.assign(new Error("bad user name or password"), { returnCode: 4 as const }), null);
  };
}

interface HostPort {
  protocol: string;
  host: string;
  port: number;
}

function parseServer(url: string): HostPort {
  const parsed = new URL(url);
  const protocol = parsed.protocol.replace(/:$/, "");
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  const defaultPort = protocol === "mqtts" || protocol === "ssl" || protocol === "tls" ? 8883 : 1883;
  return { protocol, host, port: parsed.port ? Number(parsed.port) : defaultPort };
}

/** True when the URL names this machine (localhost, 127.0.0.1, ::1, 0.0.0.0). */
export function isLocalServer(url: string): boolean {
  try {
    return LOCAL_HOSTS.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** A TCP connect probe to the URL's host:port: true if something accepts within `timeoutMs`. */
export function isBrokerListening(url: string, timeoutMs = 500): Promise<boolean> {
  const { host, port } = parseServer(url);
  return new Promise((resolve) => {
    const socket = netConnect({ host: host === "0.0.0.0" ? "127.0.0.1" : host, port });
    const finish = (listening: boolean): void => {
      socket.destroy();
      resolve(listening);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once("connect", () => finish(true));
    socket.once("error", () => finish(false));
  });
}

function formatUrl(host: string, port: number): string {
  return `mqtt://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** Starts aedes on host:port (port 0: any free port). Rejects with MqttError MQTT_BROKER_FAILED, e.g. port in use. */
export async function startEmbeddedBroker({
  host,
  port,
  logger,
  credentials,
}: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  if (!credentials && !isLoopbackHost(host)) {
    throw new MqttError(
      "MQTT_BROKER_FAILED",
      `The embedded MQTT broker does not listen on ${host} (reachable from other machines) without a login: ` +
        "set mqtt.user and mqtt.password, or use mqtt://localhost",
      { host, port },
    );
  }
  // loaded only when a broker is needed: most installations use their own (aedes costs ~13 MB resident)
  const { Aedes } = await import("aedes");
  const broker = await Aedes.createBroker({
    drainTimeout: 30_000,
    ...(credentials ? { authenticate: authenticator(credentials, logger) } : {}),
  });
  broker.on("client", (client) => logger.debug(() => `Embedded broker: client ${client.id} connected`, NS));
  broker.on("clientDisconnect", (client) => logger.debug(() => `Embedded broker: ${client.id} disconnected`, NS));
  broker.on("clientError", (client, error) =>
    logger.debug(() => `Embedded broker: client ${client.id}: ${error.message}`, NS),
  );
  const server: Server = createServer({ noDelay: true }, (socket) => broker.handle(socket));
  const bindHost = host === "localhost" ? "127.0.0.1" : host;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, bindHost, () => {
        server.removeListener("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "EADDRINUSE" ? "address already in use" : (error as Error).message;
    throw new MqttError("MQTT_BROKER_FAILED", `Embedded MQTT broker cannot listen on ${host}:${port}: ${reason}`, {
      host,
      port,
      code,
    });
  }
  server.on("error", (error) => logger.error(`Embedded MQTT broker: ${error.message}`, NS));
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const url = formatUrl(host, actualPort);
  logger.debug(() => `Embedded MQTT broker (aedes) listening on ${bindHost}:${actualPort}`, NS);
  let closed: Promise<void> | undefined;
  return {
    url,
    close: () => {
      closed ??= (async () => {
        await new Promise<void>((resolve) => broker.close(() => resolve()));
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closed;
    },
  };
}

/**
 * Applies `mqtt.embedded_broker`: "auto" starts aedes when `server` is local and nothing listens on its port;
 * true always starts it (failing if the port is taken); false never. Returns the broker when one was started.
 */
export async function ensureBroker(
  settings: EmbeddedBrokerSettings,
  logger: Logger,
): Promise<EmbeddedBroker | undefined> {
  const mode = settings.embedded_broker ?? "auto";
  if (mode === false) return undefined;
  const server = settings.server;
  let target: HostPort;
  try {
    target = parseServer(server);
  } catch {
    if (mode === true) throw new MqttError("MQTT_BROKER_FAILED", `mqtt.server '${server}' is not a valid URL`);
    return undefined;
  }
  const eligible = isLocalServer(server) && (target.protocol === "mqtt" || target.protocol === "tcp");
  if (!eligible) {
    if (mode === true) {
      throw new MqttError(
        "MQTT_BROKER_FAILED",
        `mqtt.embedded_broker is true but mqtt.server ${server} is not a plain mqtt:// URL on this machine`,
      );
    }
    return undefined;
  }
  if (settings.version === 5) {
    logger.warning("The embedded MQTT broker speaks MQTT 3.1.1 only; mqtt.version 5 will not connect to it", NS);
  }
  if (mode === "auto" && (await isBrokerListening(server))) {
    logger.debug(() => `MQTT broker found at ${server}`, NS);
    return undefined;
  }
  try {
    const credentials =
      settings.user !== undefined ? { user: settings.user, password: settings.password ?? "" } : undefined;
    const broker = await startEmbeddedBroker({ host: target.host, port: target.port, logger, credentials });
    const login = credentials ? "requires mqtt.user and mqtt.password" : "anonymous, loopback only";
    logger.info(`No MQTT broker at ${server}: started the embedded broker there (${login})`, NS);
    return broker;
  } catch (error) {
    // auto: another broker may have come up between the probe and the listen
    if (mode === "auto" && (error as MqttError).context?.code === "EADDRINUSE") {
      logger.info(`An MQTT broker started at ${server} meanwhile; not starting the embedded one`, NS);
      return undefined;
    }
    throw error;
  }
}

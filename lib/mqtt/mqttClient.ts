/**
 * The bridge's MQTT connection (mqtt.js underneath): a stable client id whose session is resumed only after an
 * absence of at most `mqtt.queued_command_max_age` (sessionClock.ts), LWT on
 * `<base>/bridge/state`, "online" announced only once subscribed (and again after every reconnect), a topic guard
 * in front of every publish, TCP_NODELAY, reconnect with backoff.
 */
import { Socket } from "node:net";
import type { Duplex } from "node:stream";
import {
  type IClientPublishOptions,
  type IConnackPacket,
  type IDisconnectPacket,
  type IPublishPacket,
  type MqttClient as MqttJsClient,
  connect as mqttConnect,
} from "mqtt";
import type { Logger } from "../util/logger.js";
import { MqttConnectError, MqttError, MqttUnavailableError } from "./mqttErrors.js";
import {
  buildClientOptions,
  describeConnectError,
  displayServer,
  type MqttRuntimeOptions,
  type MqttSettings,
  queuedCommandMaxAge,
} from "./mqttOptions.js";
import { PublishQueue } from "./publishQueue.js";
import { SessionClock } from "./sessionClock.js";
import { cleanStart, endOldSession, InboundGate } from "./sessionPolicy.js";
import { assertPacketSize, assertPublishTopic, assertTopicFilter } from "./topicGuard.js";

export type { MqttRuntimeOptions, MqttSettings } from "./mqttOptions.js";

export type QoS = 0 | 1 | 2;
export interface PublishOptions {
  retain?: boolean;
  qos?: QoS;
  /** MQTT 5 publish properties (e.g. messageExpiryInterval); dropped for MQTT 3/4. */
  properties?: IClientPublishOptions["properties"];
  /** no "MQTT publish" line at info (a control message of ours, such as Home Assistant's sync marker) */
  unlogged?: boolean;
}
export type MessageHandler = (topic: string, payload: Buffer, packet: IPublishPacket) => void;
export type ConnectHandler = (sessionPresent: boolean) => void;
export type DisconnectHandler = () => void;
/** Sees every publish the bridge makes (topic, payload, the options it asked for), connected or not. */
export type PublishHandler = (topic: string, payload: string | Buffer, options: PublishOptions) => void;
export interface MqttStats {
  received: number;
  published: number;
  connected: boolean;
  reconnects: number;
  /** messages waiting for the broker to come back */
  queued: number;
  /** non-retained messages dropped from a full queue, in all */
  dropped: number;
}

const NS = "z2m:mqtt";
/** The largest packet MQTT can carry (a 4-byte remaining length) */
const MQTT_MAX_PACKET_SIZE = 268_435_455;
const CLOSE_TIMEOUT_MS = 2000;
/**
 * Publishes to these `<base>/bridge/…` topics get no "MQTT publish" line (zigbee2mqtt 2.x, observed): bridge/logging
 * itself (its line would be published again, for ever) and the large retained lists. Every other publish is logged
 * at info, as zigbee2mqtt does; that is what the web UI and bridge/logging readers see.
 */
export const UNLOGGED_BRIDGE_TOPICS = [
  "logging",
  "info",
  "devices",
  "groups",
  "definitions",
  "converters",
  "extensions",
];

export class MqttClient {
  readonly stats: MqttStats = {
    received: 0,
    published: 0,
    connected: false,
    reconnects: 0,
    queued: 0,
    dropped: 0,
  };
  private readonly queue = new PublishQueue();
  readonly baseTopic: string;
  readonly server: string;
  private client: MqttJsClient | undefined;
  private clientIdValue: string | undefined;
  private readonly version: 3 | 4 | 5;
  private readonly messageHandlers = new Set<MessageHandler>();
  private readonly connectHandlers = new Set<ConnectHandler>();
  private readonly disconnectHandlers = new Set<DisconnectHandler>();
  private readonly publishHandlers = new Set<PublishHandler>();
  private onlineSubscriptions: string[] | undefined;
  private everConnected = false;
  private closing = false;
  private outageLogged = false;
  private clock: SessionClock | undefined;
  private cleanSessionLogged = false;
  private readonly gate: InboundGate;
  private readonly unlogged: ReadonlySet<string>;

  constructor(
    private readonly settings: MqttSettings,
    private readonly logger: Logger,
    private readonly runtime: MqttRuntimeOptions = {},
  ) {
    this.baseTopic = settings.base_topic;
    this.server = displayServer(settings.server);
    this.version = settings.version ?? 4;
    this.unlogged = new Set(UNLOGGED_BRIDGE_TOPICS.map((t) => `${this.baseTopic}/bridge/${t}`));
    this.gate = new InboundGate((topic, payload, packet) => {
      this.callAll(this.messageHandlers, (h) => h(topic, payload, packet));
    }, logger);
  }

  get connected(): boolean {
    return this.client?.connected === true;
  }

  get clientId(): string | undefined {
    return this.clientIdValue;
  }

  /** The current socket (diagnostics and tests). */
  get stream(): Duplex | undefined {
    return this.client?.stream;
  }

  /** Connects; resolves on the first CONNACK, rejects with MqttConnectError (one line) otherwise. */
  async connect(): Promise<void> {
    if (this.client) throw new MqttError("MQTT_CONNECT_FAILED", "MqttClient.connect() called twice");
    let options: Awaited<ReturnType<typeof buildClientOptions>>;
    try {
      options = await buildClientOptions(this.settings, this.runtime);
    } catch (error) {
      throw new MqttConnectError(this.server, (error as Error).message, error);
    }
    this.clientIdValue = options.clientId;
    const maxAge = queuedCommandMaxAge(this.settings);
    this.clock = new SessionClock(maxAge, options.clientId ?? "", this.server, this.runtime.dataDir, (message) =>
      this.logger.warning(message, NS),
    );
    const resume = this.resumeSession(this.clock);
    options.clean = cleanStart(maxAge, this.version, resume);
    // MQTT 3.1.1 has no clean start that keeps the new session: end the old one with a clean connection first
    if (!resume && !options.clean) {
      await endOldSession(this.settings.server, options, this.runtime.connectTimeoutMs ?? 10_000);
    }
    const timeoutMs = this.runtime.connectTimeoutMs ?? 10_000;
    this.logger.info(`Connecting to MQTT server at ${this.server} (client id ${options.clientId})`, NS);
    let client: MqttJsClient;
    try {
      client = mqttConnect(this.settings.server, options);
    } catch (error) {
      throw new MqttConnectError(this.server, (error as Error).message, error); // e.g. an unknown protocol
    }
    this.client = client;
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const done = (error?: unknown): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        client.removeListener("error", done);
        client.removeListener("close", onClose);
        if (error === undefined) {
          resolve();
          return;
        }
        client.end(true);
        this.client = undefined;
        reject(new MqttConnectError(this.server, describeConnectError(error, this.version), error));
      };
      const onClose = (): void => {
        // let a pending 'error' (CONNACK refusal, TLS) explain the close first
        setTimeout(() => done(new Error("connection closed by the server before CONNACK")), 20);
      };
      const timer = setTimeout(() => done(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      client.once("connect", () => done());
      client.on("error", done);
      client.on("close", onClose);
      this.wire(client);
      client.connect();
    });
  }

  onMessage(handler: MessageHandler): () => void {
    this.messageHandlers.add(handler);
    return () => this.messageHandlers.delete(handler);
  }

  /** Called on every CONNACK (the first included); after a reconnect, once re-subscribed and re-announced. */
  onConnect(handler: ConnectHandler): () => void {
    this.connectHandlers.add(handler);
    return () => this.connectHandlers.delete(handler);
  }

  onDisconnect(handler: DisconnectHandler): () => void {
    this.disconnectHandlers.add(handler);
    return () => this.disconnectHandlers.delete(handler);
  }

  /**
   * Every publish that passed the topic and size checks, before the connection is looked at: a tap (the web UI's
   * WebSocket mirror) sees what the bridge publishes even while the broker is away.
   */
  onPublish(handler: PublishHandler): () => void {
    this.publishHandlers.add(handler);
    return () => this.publishHandlers.delete(handler);
  }

  async subscribe(topics: string[], qos: QoS = 1): Promise<void> {
    for (const topic of topics) assertTopicFilter(topic);
    if (topics.length === 0) return;
    const client = this.client;
    if (!client?.connected) throw new MqttUnavailableError(topics.join(", "));
    const granted = await new Promise<{ topic: string; qos: number }[]>((resolve, reject) =>
      client.subscribe(topics, { qos }, (error, grants) => (error ? reject(error) : resolve(grants ?? []))),
    );
    const refused = granted.filter((g) => g.qos >= 0x80).map((g) => g.topic);
    if (refused.length > 0) {
      throw new MqttError("MQTT_SUBSCRIBE_FAILED", `MQTT server refused subscription to ${refused.join(", ")}`, {
        topics: refused,
      });
    }
    this.logger.debug(() => `Subscribed to ${topics.join(", ")}`, NS);
    this.gate.open();
  }

  /** Ends subscriptions made with `subscribe` (a no-op while disconnected: a lost session has none). */
  async unsubscribe(topics: string[]): Promise<void> {
    const client = this.client;
    if (topics.length === 0 || !client?.connected) return;
    await new Promise<void>((resolve, reject) =>
      client.unsubscribe(topics, (error) => (error ? reject(error) : resolve())),
    );
  }

  /** Subscribes first, then publishes retained `{"state":"online"}`; both are redone after every reconnect. */
  async announceOnline(subscriptions: string[]): Promise<void> {
    this.onlineSubscriptions = [...subscriptions];
    await this.subscribe(this.onlineSubscriptions, 1);
    await this.publishBridgeState("online");
  }

  /** Publishes to the full `topic`. Refused topics and oversized packets reject with a typed error, unsent. */
  async publish(topic: string, payload: string | Buffer, options: PublishOptions = {}): Promise<void> {
    assertPublishTopic(topic);
    const qos = options.qos ?? 0;
    // mqtt.maximum_packet_size is what we accept (MQTT 5 tells the broker); what we send is bounded by the protocol
    assertPacketSize(topic, payload, qos, MQTT_MAX_PACKET_SIZE);
    // the hot path (every state message): the level is checked before the line is built
    if (this.logger.isEnabled("info", NS) && !this.unlogged.has(topic) && !options.unlogged) {
      this.logger.info(`MQTT publish: topic '${topic}', payload '${payload}'`, NS);
    }
    if (this.publishHandlers.size > 0) this.callAll(this.publishHandlers, (h) => h(topic, payload, options));
    const sendOptions: IClientPublishOptions = {
      qos,
      retain: this.settings.force_disable_retain ? false : (options.retain ?? false),
    };
    if (this.version === 5 && options.properties) sendOptions.properties = options.properties;
    const client = this.client;
    if (!client?.connected || this.closing) return this.publishWhileUnavailable(topic, payload, sendOptions);
    return this.send(client, topic, payload, sendOptions);
  }

  /** Publishes `{"state":"offline"}` (if connected) and ends the session's connection cleanly. */
  async close(): Promise<void> {
    const client = this.client;
    if (!client || this.closing) return;
    if (client.connected) {
      try {
        await withTimeout(this.publishBridgeState("offline"), CLOSE_TIMEOUT_MS);
      } catch (error) {
        this.logger.warning(`Could not publish offline state before closing: ${(error as Error).message}`, NS);
      }
    }
    this.closing = true;
    const force = !client.connected;
    await withTimeout(new Promise<void>((resolve) => client.end(force, {}, () => resolve())), CLOSE_TIMEOUT_MS).catch(
      () => client.end(true),
    );
    if (this.everConnected) await this.clock?.disconnected(); // written before the process may exit
    this.stats.connected = false;
  }

  private publishBridgeState(state: "online" | "offline"): Promise<void> {
    return this.publish(`${this.baseTopic}/bridge/state`, JSON.stringify({ state }), { retain: true, qos: 1 });
  }

  /** While the broker is away: queue (retained coalesced per topic, events bounded); refused only when closing. */
  private async publishWhileUnavailable(topic: string, payload: string | Buffer, options: IClientPublishOptions) {
    if (this.closing || !this.everConnected) throw new MqttUnavailableError(topic);
    const before = this.queue.dropped;
    this.queue.add({ topic, payload, options });
    this.stats.queued = this.queue.size;
    if (this.queue.dropped > before && this.queue.dropped === 1) {
      this.logger.warning("MQTT server unavailable and the publish queue is full: dropping the oldest events", NS);
    }
  }

  /** Sends what was queued during an outage (after resubscribing and announcing online). */
  private async flushQueue(): Promise<void> {
    const dropped = this.queue.dropped;
    const entries = this.queue.drain();
    this.stats.queued = 0;
    if (entries.length === 0 && dropped === 0) return;
    let sent = 0;
    for (const e of entries) {
      const client = this.client;
      if (!client?.connected) {
        this.queue.add(e); // the connection dropped again: keep the rest for the next reconnect
        continue;
      }
      try {
        await this.send(client, e.topic, e.payload, e.options);
        sent++;
      } catch {
        this.queue.add(e);
      }
    }
    this.stats.queued = this.queue.size;
    this.stats.dropped += dropped;
    const lost = dropped > 0 ? `; ${dropped} older events were dropped while the queue was full` : "";
    this.logger.info(`Sent ${sent} messages queued during the MQTT outage${lost}`, NS);
  }

  private send(client: MqttJsClient, topic: string, payload: string | Buffer, opts: IClientPublishOptions) {
    return new Promise<void>((resolve, reject) =>
      client.publish(topic, payload, opts, (error) => {
        if (error) return reject(error);
        this.stats.published++;
        resolve();
      }),
    );
  }

  private wire(client: MqttJsClient): void {
    const minMs = this.runtime.reconnectMinMs ?? 1000;
    const maxMs = this.runtime.reconnectMaxMs ?? 30_000;
    client.on("packetsend", (packet) => {
      // the stream of a new connection is created right before its CONNECT: set TCP_NODELAY before any data flows
      if (packet.cmd === "connect" && this.runtime.noDelay !== false && client.stream instanceof Socket) {
        client.stream.setNoDelay(true);
      }
    });
    client.on("connect", (connack: IConnackPacket) => {
      // mqtt.js waits for 'drain' with one listener per packet written into a full socket buffer, and caps the
      // socket at 1000 listeners when it sends CONNECT: a start with a thousand devices (a state and an availability
      // message each) passed Node's leak warning although each listener goes once the buffer drains
      client.stream?.setMaxListeners?.(0);
      const first = !this.everConnected;
      this.checkResumedSession(connack.sessionPresent);
      this.cleanSessionLogged = false;
      this.everConnected = true;
      this.outageLogged = false;
      this.stats.connected = true;
      client.options.reconnectPeriod = minMs;
      if (!first) this.stats.reconnects++;
      const session = connack.sessionPresent ? "session resumed" : "new session";
      this.logger.info(`${first ? "Connected" : "Reconnected"} to MQTT server (${session})`, NS);
      void this.afterConnect(connack.sessionPresent, first);
    });
    client.on("reconnect", () => {
      const clock = this.clock;
      // MQTT 3.1.1 resumes in any case (a clean session would not outlive this connection): the gate drops what a
      // too-old session delivers
      if (clock)
        client.options.clean = cleanStart(
          clock.maxAgeSec,
          this.version,
          this.version !== 5 || this.resumeSession(clock),
        );
      const next = Math.min((client.options.reconnectPeriod ?? minMs) * 2, maxMs);
      this.logger.debug(() => `Reconnecting to MQTT server ${this.server}`, NS);
      client.options.reconnectPeriod = next;
    });
    client.on("close", () => {
      if (!this.stats.connected) return;
      this.stats.connected = false;
      void this.clock?.disconnected();
      if (this.closing) this.logger.info("Disconnected from MQTT server", NS);
      else this.logger.warning(`Disconnected from MQTT server ${this.server}; reconnecting`, NS);
      this.callAll(this.disconnectHandlers, (h) => h());
    });
    client.on("disconnect", (packet: IDisconnectPacket) => {
      const reason = packet.properties?.reasonString ?? "";
      this.logger.warning(`MQTT server sent DISCONNECT (reason code ${packet.reasonCode ?? 0}) ${reason}`.trim(), NS);
    });
    client.on("error", (error) => {
      if (!this.everConnected || this.closing) return;
      const text = `MQTT connection to ${this.server}: ${describeConnectError(error, this.version)}`;
      if (this.outageLogged) this.logger.debug(text, NS);
      else this.logger.warning(text, NS);
      this.outageLogged = true;
    });
    client.on("message", (topic, payload, packet) => {
      this.stats.received++;
      this.gate.receive(topic, payload, packet);
    });
  }

  /** Resume the broker's session only after an absence within the bound; says so when it starts a clean one. */
  private resumeSession(clock: SessionClock): boolean {
    if (clock.mayResume()) return true;
    const away = clock.awayMs();
    if (clock.maxAgeSec > 0 && away !== undefined && !this.cleanSessionLogged) {
      this.cleanSessionLogged = true;
      this.logger.warning(
        `The bridge was away from the MQTT server for ${Math.round(away / 1000)} s, longer than ` +
          `mqtt.queued_command_max_age (${clock.maxAgeSec} s): starting a clean session, so commands queued ` +
          "meanwhile are dropped",
        NS,
      );
    }
    return false;
  }

  /** A session the broker kept although we were away longer than the bound: drop what it delivers until subscribed. */
  private checkResumedSession(sessionPresent: boolean): void {
    const clock = this.clock;
    if (!clock) return;
    const away = clock.awayMs();
    if (sessionPresent && !clock.mayResume() && away !== undefined) {
      this.gate.stale(Math.round(away / 1000), clock.maxAgeSec);
    }
    clock.connected();
  }

  private async afterConnect(sessionPresent: boolean, first: boolean): Promise<void> {
    if (!first && this.onlineSubscriptions) {
      try {
        await this.announceOnline(this.onlineSubscriptions);
        await this.flushQueue();
      } catch (error) {
        this.logger.error(
          `Could not re-subscribe and announce online after reconnect: ${(error as Error).message}`,
          NS,
        );
      }
    }
    this.callAll(this.connectHandlers, (h) => h(sessionPresent));
  }

  private callAll<H>(handlers: Set<H>, call: (handler: H) => void): void {
    for (const handler of handlers) {
      try {
        call(handler);
      } catch (error) {
        this.logger.error(`MQTT handler failed: ${(error as Error).stack ?? error}`, NS);
      }
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { EventBus } from "./eventBus.js";
import { BridgeLogging } from "./features/bridge/bridgeLogging.js";
import { BridgePublications } from "./features/bridge/bridgePublications.js";
import { permitJoinRequests } from "./features/bridge/permitJoinRequest.js";
import { BridgeRequests } from "./features/bridge/requests.js";
import { Configure } from "./features/configure.js";
import type { BridgeContext, Feature, MqttPublisher, PublishOptions } from "./features/context.js";
import { ConverterEvents } from "./features/converterEvents.js";
import { EntityPublisher } from "./features/entityPublisher.js";
import { ExternalConverters } from "./features/external/externalConverters.js";
import { RESTART_DELAY_MS } from "./features/network/generalRequests.js";
import { Receive } from "./features/receive.js";
import { createFeatures } from "./features/registry.js";
import { SetGet } from "./features/setGet.js";
import { type EmbeddedBroker, ensureBroker } from "./mqtt/embeddedBroker.js";
import { MqttClient } from "./mqtt/mqttClient.js";
import { TopicRouter } from "./mqtt/topicRouter.js";
import type { SettingsStore } from "./settings/settingsStore.js";
import { StateCache } from "./state/stateCache.js";
import { errorMessage } from "./util/errors.js";
import { routeLibraryLogs } from "./util/libraryLogs.js";
import type { BridgeLogger } from "./util/logger.js";
import { MemoryTrim } from "./util/memoryTrim.js";
import { VIRTUAL_PREFIX } from "./zigbee/serialTarget.js";
import { Zigbee } from "./zigbee/zigbee.js";

const NS = "z2m";

/**
 * Wires the parts and owns their start/stop order:
 * state cache → MQTT broker (embedded if needed) → MQTT client → Zigbee → features → subscribe → online.
 * Stop runs it backwards, so nothing publishes into a closed client and state is saved last.
 */
export class Controller {
  readonly bus: EventBus;
  readonly state: StateCache;
  private broker: EmbeddedBroker | undefined;
  private mqttClient: MqttClient | undefined;
  private zigbeeParts: Zigbee | undefined;
  private features: Feature[] = [];
  private context: BridgeContext | undefined;
  private stopping = false;
  private unfollowSettings: (() => void) | undefined;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private memoryTrim: MemoryTrim | undefined;
  configure: Configure | undefined;
  /** called for bridge/request/restart; main.ts restarts the process-level bridge */
  onRestart: (() => void) | undefined;
  publisher: EntityPublisher | undefined;
  requests: BridgeRequests | undefined;

  constructor(
    readonly settings: SettingsStore,
    readonly logger: BridgeLogger,
  ) {
    this.bus = new EventBus(logger);
    const virtual = settings.get().serial.port?.startsWith(VIRTUAL_PREFIX) === true;
    const stateDir = virtual ? join(settings.dataDir, "virtual") : settings.dataDir;
    mkdirSync(stateDir, { recursive: true });
    const s = settings.get().advanced;
    this.state = new StateCache(s.cache_state_persistent !== false ? join(stateDir, "state.json") : undefined, logger);
  }

  get zigbee(): Zigbee {
    if (!this.zigbeeParts) throw new Error("not started");
    return this.zigbeeParts;
  }

  get mqtt(): MqttClient {
    if (!this.mqttClient) throw new Error("not started");
    return this.mqttClient;
  }

  async start(): Promise<void> {
    const s = this.settings.get();
    const t0 = performance.now();
    routeLibraryLogs(this.logger);
    this.state.load();
    this.broker = await ensureBroker(s.mqtt, this.logger);
    const mqtt = new MqttClient(s.mqtt, this.logger, { dataDir: this.settings.dataDir });
    this.mqttClient = mqtt;
    await mqtt.connect();
    // external converters first, so that devices get their definitions from them at once
    const externalConverters =
      s.advanced.enable_external_js !== false ? new ExternalConverters(this.settings.dataDir, this.logger) : undefined;
    await externalConverters?.loadAll();
    const zigbee = new Zigbee(this.settings, this.bus, this.logger, this.settings.dataDir);
    this.zigbeeParts = zigbee;
    await zigbee.start();

    const base = s.mqtt.base_topic;
    const publisher: MqttPublisher = {
      baseTopic: base,
      publish: (topic: string, payload: string, o?: PublishOptions) =>
        mqtt.publish(`${base}/${topic}`, payload, o as never),
      publishAbsolute: (topic: string, payload: string, o?: PublishOptions) => mqtt.publish(topic, payload, o as never),
      subscribe: (topics: string[]) => mqtt.subscribe(topics),
      unsubscribe: (topics: string[]) => mqtt.unsubscribe(topics),
      onMessage: (handler) => mqtt.onMessage((topic, payload, packet) => handler(topic, payload, packet.retain)),
    };
    const ctx: BridgeContext = {
      settings: this.settings,
      bus: this.bus,
      logger: this.logger,
      zigbee,
      state: this.state,
      mqtt: publisher,
    };
    this.context = ctx;
    const entityPublisher = new EntityPublisher(ctx);
    this.publisher = entityPublisher;
    const setGet = new SetGet(ctx, entityPublisher);
    const requests = new BridgeRequests(ctx);
    this.requests = requests;
    requests.register(permitJoinRequests(ctx));
    const publications = new BridgePublications(ctx);
    const bridgeLogging = new BridgeLogging(ctx, (l) => this.logger.onLog(l));
    const converterEvents = new ConverterEvents(ctx);
    this.configure = new Configure(ctx, converterEvents);
    const router = new TopicRouter(base, {
      request: (name, payload) => void requests.handle(name, payload),
      setGet: (req) => void setGet.handle(req),
      isEntity: (name) => zigbee.resolveEntity(name) !== undefined,
    });
    router.setNames(entityNames(zigbee));
    const extra = await createFeatures(ctx, {
      publisher: entityPublisher,
      configure: this.configure,
      publications,
      restart: () => this.scheduleRestart(),
      mqttStats: () => mqtt.stats,
      route: (topic, payload) => router.route(topic, payload),
      onPublish: (tap) => mqtt.onPublish((topic, payload, o) => tap(topic, payload, o.retain === true)),
      externalConverters,
    });
    for (const m of extra.requests) requests.register(m);
    // converter hooks first: `start` is called before configure and the other features see the devices; bridge/logging
    // from the features' start on (as zigbee2mqtt: after a restart its log tells the availability and the cached
    // states it republishes, before the "started" line); last in the list, so stopped first
    const core = [converterEvents, new Receive(ctx, entityPublisher), publications, this.configure];
    this.features = [...core, ...extra.features, bridgeLogging];
    bridgeLogging.start();
    for (const f of this.features) await f.start?.();

    mqtt.onMessage((topic, payload) => {
      try {
        if (!router.route(topic, payload)) this.logger.debug(() => `No handler for topic '${topic}'`, "z2m:mqtt");
      } catch (e) {
        this.logger.error(`Handling '${topic}' failed: ${errorMessage(e)}`, "z2m:mqtt");
      }
    });
    await mqtt.announceOnline(router.subscriptions());
    this.followNames(mqtt, router, zigbee);
    this.watchOutages(mqtt, entityPublisher, publications);
    if (s.advanced.cache_state_send_on_startup !== false && s.advanced.cache_state !== false) {
      await this.republishStates(entityPublisher);
    }
    this.logger.info(`zigmqtt started in ${Math.round(performance.now() - t0)} ms`, NS);
    this.memoryTrim = new MemoryTrim(this.logger);
    this.memoryTrim.start();
  }

  /**
   * A broker that lost our retained messages (a new session after a reconnect) gets them again; an adapter outage
   * is told on bridge/state (offline while the Zigbee side is gone) and bridge/event.
   */
  private watchOutages(mqtt: MqttClient, publisher: EntityPublisher, publications: BridgePublications): void {
    const base = this.settings.get().mqtt.base_topic;
    mqtt.onConnect((sessionPresent) => {
      this.bus.emit("mqttConnected", { sessionPresent });
      if (sessionPresent) return;
      this.logger.info("MQTT server lost our session: republishing retained bridge topics and states", NS);
      publications.schedule("info", "devices", "groups", "definitions");
      void this.republishStates(publisher);
    });
    const bridgeState = (state: "online" | "offline", event: string) => {
      void mqtt.publish(`${base}/bridge/state`, JSON.stringify({ state }), { retain: true, qos: 1 }).catch(() => {});
      void mqtt
        .publish(`${base}/bridge/event`, JSON.stringify({ data: {}, type: event }), { retain: false, qos: 0 })
        .catch(() => {});
    };
    this.bus.on("adapterDisconnected", this, () => bridgeState("offline", "adapter_disconnected"));
    this.bus.on("adapterReconnected", this, () => bridgeState("online", "adapter_reconnected"));
  }

  /** /set and /get subscriptions follow the friendly names (a deeper name needs more topic levels). */
  private followNames(mqtt: MqttClient, router: TopicRouter, zigbee: Zigbee): void {
    const follow = () => {
      const change = router.setNames(entityNames(zigbee));
      void mqtt
        .subscribe(change.subscribe)
        .then(() => mqtt.unsubscribe(change.unsubscribe))
        .catch((e) => this.logger.warning(`Following renamed entities on MQTT failed: ${errorMessage(e)}`, NS));
    };
    for (const event of ["entityRenamed", "entityRemoved", "devicesChanged", "groupsChanged"] as const)
      this.bus.on(event, this, follow);
    this.unfollowSettings = this.settings.onChange(follow);
    // a broker that lost our session gets the current ones again
    mqtt.onConnect(() => void mqtt.subscribe(router.subscriptions()).catch(() => {}));
  }

  /** Publishes every cached device and group state again (retained per their options). */
  async republishStates(publisher: EntityPublisher): Promise<void> {
    const zigbee = this.zigbee;
    for (const d of zigbee.devices()) if (this.state.has(d.ieee)) await publisher.publish(d, {});
    for (const g of zigbee.groups()) if (this.state.has(String(g.id))) await publisher.publish(g, {});
  }

  /** bridge/request/restart: onRestart once, RESTART_DELAY_MS later; more requests until then join that one */
  private scheduleRestart(): void {
    if (this.stopping || this.restartTimer) return;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.stopping) this.onRestart?.();
    }, RESTART_DELAY_MS);
  }

  /** `why` is told first, while bridge/logging still runs (zigbee2mqtt's "Stopping … (restart=…, code=…, signal=…)") */
  async stop(why?: StopReason): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (why) {
      // all three, as zigbee2mqtt writes them (a restart: "restart=true, code=0, signal=undefined")
      this.logger.info(`Stopping zigmqtt (restart=${why.restart}, code=${why.code ?? 0}, signal=${why.signal})`);
    }
    clearTimeout(this.restartTimer);
    this.memoryTrim?.stop();
    this.bus.off(this);
    this.unfollowSettings?.();
    for (const f of [...this.features].reverse()) {
      try {
        await f.stop?.();
      } catch (e) {
        this.logger.warning(`Stopping a feature failed: ${errorMessage(e)}`, NS);
      }
    }
    try {
      await this.mqttClient?.close();
    } catch (e) {
      this.logger.warning(`Closing MQTT failed: ${errorMessage(e)}`, NS);
    }
    await this.zigbeeParts?.stop();
    await this.state.flush();
    await this.broker?.close();
    this.logger.info("zigmqtt stopped", NS);
  }

  /** For tests and tools: the feature context. */
  get ctx(): BridgeContext | undefined {
    return this.context;
  }
}

export interface StopReason {
  restart: boolean;
  /** the exit code the process will end with */
  code?: number;
  signal?: string;
}

function entityNames(zigbee: Zigbee): string[] {
  const names = zigbee.groups().map((g) => g.name);
  for (const d of zigbee.devices()) if (!d.isCoordinator) names.push(d.name);
  return names;
}

/**
 * Home Assistant MQTT discovery: configs for every device, group and the bridge, kept in step with renames, option
 * and membership changes, removals, HA restarts (birth message) and brokers that lost their retained messages.
 * Action values become device triggers the first time they are seen (only values the definition lists, when it lists
 * them).
 */

import type { BridgeEvents } from "../../eventBus.js";
import { BridgeError, errorMessage } from "../../util/errors.js";
import { versions } from "../../util/versions.js";
import type { BridgeContext, Feature } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { ActionTriggers } from "./actionTriggers.js";
import { DiscoveryLifecycle, type SyncOptions } from "./discoveryLifecycle.js";
import {
  bridgeMessages,
  type DiscoveryEnv,
  type DiscoveryMessage,
  deviceMessages,
  groupMessages,
  groupNodeId,
} from "./discoveryPayloads.js";
import type { GroupMember } from "./groupExposes.js";

const NS = "z2m:homeassistant";
const BIRTH_DELAY_MS = 30_000;

export interface HomeAssistantOptions {
  /** delay before answering HA's birth message (default 30 s, as zigbee2mqtt) */
  birthDelayMs?: () => number;
  /** longest wait for our retained configs at start (default 5 s; normally a marker ends it much sooner) */
  learnTimeoutMs?: number;
}

export class HomeAssistant implements Feature {
  private readonly lifecycle: DiscoveryLifecycle;
  /** action values with a device trigger, per device IEEE (bounded, see ActionTriggers) */
  private readonly actions: ActionTriggers;
  /** devices removed (until they join again) */
  private readonly removed = new Set<string>();
  /** devices with discovered entities (kept through a new interview) */
  private readonly discovered = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private offMessages: (() => void) | undefined;
  private offAdjuster: (() => void) | undefined;
  /**
   * Per device IEEE / group id: the state properties its discovered entities read. Each is `null` in the state
   * messages until known, as in zigbee2mqtt (HA's templates fail on a missing key).
   */
  private readonly mocks = new Map<string, Map<string, unknown>>();
  private ready: Promise<void> | undefined;
  private started = false;
  private coordinatorHw: string | undefined;
  private pending: Promise<void> | undefined;

  constructor(
    private readonly ctx: BridgeContext,
    private readonly deps: FeatureDeps,
    private readonly options: HomeAssistantOptions = {},
  ) {
    const s = ctx.settings.get();
    const { discovery_topic } = s.homeassistant;
    if (discovery_topic === s.mqtt.base_topic) {
      throw new BridgeError(
        "UNSUPPORTED",
        `homeassistant.discovery_topic '${discovery_topic}' must differ from mqtt.base_topic '${s.mqtt.base_topic}'`,
      );
    }
    this.lifecycle = new DiscoveryLifecycle(ctx.mqtt, s.mqtt.base_topic, discovery_topic, ctx.logger);
    this.actions = new ActionTriggers((line) => ctx.logger.warning(line, NS));
  }

  async start(): Promise<void> {
    const { bus } = this.ctx;
    const rediscover = () => void this.announce();
    bus.on("devicesChanged", this, rediscover);
    bus.on("groupsChanged", this, rediscover);
    bus.on("entityRenamed", this, (e) => void this.onRenamed(e));
    bus.on("entityRemoved", this, (e) => this.onRemoved(e.kind, e.id));
    bus.on("deviceJoined", this, (e) => void this.removed.delete(e.ieee));
    bus.on("statePublished", this, (e) => this.onState(e.key, e.name, e.state));
    this.offAdjuster = this.deps.publisher.addAdjuster((entity, message) => {
      const mocks = this.mocks.get("ieee" in entity ? entity.ieee : String(entity.id));
      if (mocks) for (const [p, v] of mocks) if (message[p] === undefined) message[p] = structuredClone(v);
    });
    // the mock properties are known before the first state messages (the cached states republished at start)
    this.messages();
    bus.on("mqttConnected", this, (e) => void (e.sessionPresent ? undefined : this.afterSessionLost()));
    const statusTopic = this.ctx.settings.get().homeassistant.status_topic;
    this.offMessages = this.ctx.mqtt.onMessage((topic, payload) => {
      if (topic === statusTopic && payload.toString().trim().toLowerCase() === "online") this.onBirth();
    });
    await this.ctx.mqtt.subscribe([statusTopic]);
    this.ready = this.initialDiscovery();
  }

  async stop(): Promise<void> {
    this.ctx.bus.off(this);
    this.offMessages?.();
    this.offAdjuster?.();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.ready;
    await this.pending;
  }

  /** What should be on the broker now. */
  messages(): DiscoveryMessage[] {
    const env = this.env();
    if (!env) return [];
    const { zigbee } = this.ctx;
    const out = bridgeMessages(env, this.coordinatorHw);
    for (const d of zigbee.devices()) {
      // as zigbee2mqtt: a new device is discovered once its interview is over (its firmware version is known then);
      // one discovered before keeps its entities through a new interview
      const interviewing = d.zh.interviewState === "PENDING" || d.zh.interviewState === "IN_PROGRESS";
      if (this.removed.has(d.ieee) || (interviewing && !this.discovered.has(d.ieee))) continue;
      const messages = deviceMessages(env, d, this.actions.get(d.ieee));
      if (messages.length > 0) this.discovered.add(d.ieee);
      out.push(...this.withMocks(d.ieee, messages));
    }
    for (const g of zigbee.groups()) {
      const members: GroupMember[] = [];
      for (const m of g.members()) {
        const device = zigbee.device(m.ieee);
        const endpoint = device?.endpoint(m.endpoint);
        if (device?.definition) members.push({ device, endpoint: endpoint && device.endpointName(endpoint) });
      }
      // `<group>/availability` is published for a group with members that have availability
      const availability = members.some((m) => m.device.options.disabled !== true && env.availabilityEnabled(m.device));
      out.push(...this.withMocks(String(g.id), groupMessages(env, g, members, availability)));
    }
    return out;
  }

  private withMocks(key: string, messages: DiscoveryMessage[]): DiscoveryMessage[] {
    const props = messages.flatMap((m): [string, unknown][] => (m.mock ? [[m.mock, m.mockValue ?? null]] : []));
    if (props.length > 0) this.mocks.set(key, new Map(props));
    else this.mocks.delete(key);
    return messages;
  }

  private env(): DiscoveryEnv | undefined {
    const s = this.ctx.settings.get();
    const coordinator = this.ctx.zigbee.coordinator();
    if (!coordinator) return undefined;
    return {
      base: s.mqtt.base_topic,
      discoveryTopic: s.homeassistant.discovery_topic,
      version: versions.zigmqtt,
      coordinatorIeee: coordinator.ieee,
      legacyActionSensor: s.homeassistant.legacy_action_sensor,
      lastSeen: s.advanced.last_seen !== "disable",
      eventEntities: s.homeassistant.experimental_event_entities,
      availabilityEnabled: (d) => {
        const own = d.options.availability;
        return own !== false && (own === true || typeof own === "object" || s.availability.enabled);
      },
    };
  }

  private async initialDiscovery(): Promise<void> {
    try {
      const found = await this.lifecycle.learn(this.options.learnTimeoutMs ?? 5000);
      this.coordinatorHw = await this.coordinatorHardware();
      this.rememberTriggers(found);
      this.started = true;
      await this.lifecycle.sync(() => this.messages());
    } catch (e) {
      this.ctx.logger.error(`Home Assistant discovery failed: ${errorMessage(e)}`, NS);
    }
  }

  /** The bridge device's hardware: the coordinator's type and firmware revision ("ZStack3x0 20240710"). */
  private async coordinatorHardware(): Promise<string | undefined> {
    try {
      const { type, meta } = await this.ctx.zigbee.coordinatorVersion();
      const revision = meta.revision;
      return revision === undefined || revision === "" ? type : `${type} ${String(revision)}`;
    } catch (e) {
      this.ctx.logger.debug(() => `No coordinator version for Home Assistant: ${errorMessage(e)}`, NS);
      return undefined;
    }
  }

  /** Device triggers already on the broker stay: their actions were seen before a restart. */
  private rememberTriggers(found: Map<string, Record<string, unknown>>): void {
    const prefix = `${this.ctx.settings.get().homeassistant.discovery_topic}/device_automation/`;
    for (const [topic, payload] of found) {
      const ieee = topic.startsWith(prefix) ? topic.slice(prefix.length).split("/")[0] : undefined;
      const { type, subtype } = payload;
      const device = ieee ? this.ctx.zigbee.device(ieee) : undefined;
      if (device && type === "action" && typeof subtype === "string") this.actions.add(device, subtype);
    }
  }

  private announce(options: SyncOptions = {}): Promise<void> {
    if (!this.started) return Promise.resolve();
    const run = this.lifecycle.sync(() => this.messages(), options);
    this.pending = run;
    return run;
  }

  /**
   * A rename changes the entities' names and topics; with `homeassistant_rename` their entity ids follow, so (as
   * zigbee2mqtt) the old configs are cleared first and HA registers the entities anew.
   */
  private onRenamed(e: BridgeEvents["entityRenamed"]): Promise<void> {
    if (!e.homeassistantRename) return this.announce();
    const env = this.env();
    const node = !env ? undefined : e.kind === "device" ? e.id : groupNodeId(env, Number(e.id));
    return this.announce({ clearFirst: (topic) => topic.split("/")[2] === node });
  }

  private onRemoved(kind: "device" | "group", id: string): void {
    if (kind === "device") {
      this.removed.add(id);
      this.discovered.delete(id);
      this.actions.delete(id);
    }
    void this.announce();
  }

  /** The raw action on `<name>/action` (HA triggers and events read it), and a trigger for a new action value. */
  private onState(key: string, name: string, state: Record<string, unknown>): void {
    const action = state.action;
    if (typeof action !== "string" || action === "") return;
    const device = this.ctx.zigbee.device(key);
    if (!device) return;
    const publishAction = () =>
      this.ctx.mqtt.publish(`${name}/action`, action, { retain: false, qos: 0 }).catch((e: unknown) => {
        this.ctx.logger.warning(`Publishing the action of '${name}' failed: ${errorMessage(e)}`, NS);
      });
    if (this.actions.add(device, action)) {
      void this.announce().then(publishAction);
    } else void publishAction();
  }

  /**
   * HA came back: as zigbee2mqtt, 30 s later (HA has set up its MQTT entities by then) the bridge state and the
   * current states again. Discovery is retained: HA reads it when it subscribes, it is not published again.
   */
  private onBirth(): void {
    const delay = this.options.birthDelayMs?.() ?? BIRTH_DELAY_MS;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.republishAll(true);
    }, delay);
    this.timers.add(timer);
  }

  /** The broker lost our session (and maybe its retained messages): subscribe again and republish discovery. */
  private async afterSessionLost(): Promise<void> {
    try {
      await this.ctx.mqtt.subscribe([this.ctx.settings.get().homeassistant.status_topic]);
    } catch (e) {
      this.ctx.logger.warning(`Subscribing to the Home Assistant status topic failed: ${errorMessage(e)}`, NS);
    }
    await this.republishAll(false);
  }

  /** After HA's birth: the bridge state and the current states; after a lost session: every config. */
  private async republishAll(withStates: boolean): Promise<void> {
    try {
      if (!withStates) return await this.announce({ force: true });
      await this.ctx.mqtt.publish("bridge/state", JSON.stringify({ state: "online" }), { retain: true, qos: 1 });
      const { zigbee, state } = this.ctx;
      for (const d of zigbee.devices()) if (state.has(d.ieee)) await this.deps.publisher.publish(d, {});
      for (const g of zigbee.groups()) if (state.has(String(g.id))) await this.deps.publisher.publish(g, {});
    } catch (e) {
      this.ctx.logger.warning(`Republishing for Home Assistant failed: ${errorMessage(e)}`, NS);
    }
  }
}

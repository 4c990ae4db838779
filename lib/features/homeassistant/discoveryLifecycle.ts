/**
 * What is on the broker under the discovery topic, and bringing it to what should be there: learn our retained
 * configs once at start, then publish only what changed and clear (empty retained) what is ours but no longer
 * wanted. "Ours" = a config whose topics point into our base topic.
 */
import type { Logger } from "../../util/logger.js";
import { stableStringify } from "../../util/stableJson.js";
import type { MqttPublisher } from "../context.js";
import type { DiscoveryMessage } from "./discoveryPayloads.js";

const NS = "z2m:homeassistant";
const RETAINED = { retain: true, qos: 1 } as const;

/** What `onBroker` holds for a config to publish again whatever it is (never equal to a payload). */
const REFRESH_AT_START = "\u0000refresh";

/** Whether a discovery payload belongs to the bridge on `base` (its availability or trigger topic is ours). */

export function isOurs(payload: unknown, base: string): boolean {
  if (typeof payload !== "object" || payload === null) return false;
  const p = payload as Record<string, unknown>;
  const prefix = `${base}/`;
  const topics: unknown[] = [p.topic, p.state_topic, p.command_topic];
  if (Array.isArray(p.availability)) topics.unshift(...p.availability.map((a) => (a as { topic?: unknown })?.topic));
  const first = topics.find((t) => typeof t === "string");
  return typeof first === "string" && first.startsWith(prefix);
}

export interface SyncOptions {
  /** publish every wanted config, changed or not */
  force?: boolean;
  /** clear (empty retained) the configs on the broker whose topic passes, before publishing */
  clearFirst?: (topic: string) => boolean;
}

interface QueuedSync {
  force: boolean;
  clearFirst: Array<(topic: string) => boolean>;
  run: Promise<void>;
}

export class DiscoveryLifecycle {
  /** topic → payload (stable JSON) as we believe the broker holds it */
  private readonly onBroker = new Map<string, string>();
  private chain: Promise<void> = Promise.resolve();
  /** the sync run waiting for the chain, which later sync calls join */
  private queued: QueuedSync | undefined;

  /**
   * `reannounceDelayMs`: after clearing configs that are published again (`clearFirst`), how long HA gets to remove
   * the old entities before the new configs come (zigbee2mqtt waits about 2 s; 1 s is plenty for HA, which handles
   * its MQTT messages in order).
   */
  constructor(
    private readonly mqtt: MqttPublisher,
    private readonly base: string,
    private readonly discoveryTopic: string,
    private readonly logger: Logger,
    private readonly reannounceDelayMs = 1000,
  ) {}

  /**
   * Subscribes `<discovery>/#` until a marker we publish comes back (the broker sends retained messages first) or
   * `timeoutMs` passes, and remembers our retained configs. Returns them (topic → payload).
   */
  async learn(timeoutMs: number): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    const filter = `${this.discoveryTopic}/#`;
    const marker = `${this.discoveryTopic}/zigmqtt_sync/${encodeURIComponent(this.base).replace(/%/g, "_")}`;
    const nonce = `${process.pid}-${Date.now()}-${Math.random()}`;
    let done: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const off = this.mqtt.onMessage((topic, payload, retained) => {
      if (topic === marker && payload.toString() === nonce) return done();
      if (!retained || !topic.startsWith(`${this.discoveryTopic}/`) || payload.length === 0) return;
      try {
        const parsed = JSON.parse(payload.toString()) as unknown;
        if (isOurs(parsed, this.base)) found.set(topic, parsed as Record<string, unknown>);
      } catch {
        // someone else's config: not ours to judge
      }
    });
    const timer = setTimeout(done, timeoutMs);
    try {
      await this.mqtt.subscribe([filter]);
      // our control message, not a publication a user needs to read about in the log
      await this.mqtt.publishAbsolute(marker, nonce, { qos: 1, unlogged: true });
      await finished;
    } finally {
      clearTimeout(timer);
      off();
      await this.mqtt.unsubscribe([filter]).catch(() => {});
    }
    // A config without availability (the bridge's connection state, which is itself availability) is published again
    // at every start, as zigbee2mqtt does: it is still ours to clear, but never taken as up to date.
    for (const [topic, payload] of found)
      this.onBroker.set(topic, "availability" in payload ? stableStringify(payload) : REFRESH_AT_START);
    this.logger.debug(() => `Found ${found.size} retained discovery configs of ours`, NS);
    return found;
  }

  /**
   * Publishes the wanted configs that differ (all of them with `force`), clears ours that are not wanted. `wanted` is
   * read when the run starts, and runs asked for while one waits are one run: a burst of changes (an interview, a
   * rename) publishes each config once, with its final payload. `clearFirst`: configs to clear (empty retained) before
   * they are published again (after `reannounceDelayMs`), as for a rename that moves Home Assistant's entity ids.
   */
  sync(wanted: () => DiscoveryMessage[], options: SyncOptions = {}): Promise<void> {
    const queued = this.queued ?? this.enqueue(wanted);
    queued.force ||= options.force === true;
    if (options.clearFirst) queued.clearFirst.push(options.clearFirst);
    return queued.run;
  }

  private enqueue(wanted: () => DiscoveryMessage[]): QueuedSync {
    const queued: QueuedSync = { force: false, clearFirst: [], run: Promise.resolve() };
    queued.run = this.chain.then(async () => {
      this.queued = undefined;
      const filters = queued.clearFirst;
      const cleared = [...this.onBroker.keys()].filter((t) => filters.some((f) => f(t)));
      for (const topic of cleared) await this.publish(topic, "");
      if (cleared.length > 0 && this.reannounceDelayMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, this.reannounceDelayMs));
      }
      await this.apply(wanted(), queued.force);
    });
    this.queued = queued;
    this.chain = queued.run.catch(() => {});
    return queued;
  }

  /** Topics we believe are on the broker (tests and diagnostics). */
  topics(): string[] {
    return [...this.onBroker.keys()];
  }

  private async apply(wanted: DiscoveryMessage[], force: boolean): Promise<void> {
    const next = new Map(wanted.map((m) => [m.topic, stableStringify(m.payload)]));
    for (const topic of this.onBroker.keys()) if (!next.has(topic)) await this.publish(topic, "");
    let published = 0;
    for (const [topic, payload] of next) {
      if (!force && this.onBroker.get(topic) === payload) continue;
      await this.publish(topic, payload);
      published++;
    }
    if (published > 0) this.logger.debug(() => `Published ${published} discovery configs`, NS);
  }

  private async publish(topic: string, payload: string): Promise<void> {
    try {
      await this.mqtt.publishAbsolute(topic, payload, RETAINED);
      if (payload === "") this.onBroker.delete(topic);
      else this.onBroker.set(topic, payload);
    } catch (e) {
      this.logger.warning(`Publishing discovery to '${topic}' failed: ${(e as Error).message}`, NS);
    }
  }
}

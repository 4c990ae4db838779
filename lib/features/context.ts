import type { EventBus } from "../eventBus.js";
import type { SettingsStore } from "../settings/settingsStore.js";
import type { StateCache } from "../state/stateCache.js";
import type { Logger } from "../util/logger.js";
import type { Zigbee } from "../zigbee/zigbee.js";

export interface PublishOptions {
  retain?: boolean;
  qos?: 0 | 1 | 2;
  /** MQTT 5 properties (e.g. a correlation for a response topic) */
  properties?: Record<string, unknown>;
  /** no "MQTT publish" line at info (a control message of ours, such as Home Assistant's sync marker) */
  unlogged?: boolean;
}

/** What features may publish: topics relative to `mqtt.base_topic`, or absolute ones (e.g. Home Assistant's). */
export interface MqttPublisher {
  readonly baseTopic: string;
  publish(topic: string, payload: string, options?: PublishOptions): Promise<void>;
  publishAbsolute(topic: string, payload: string, options?: PublishOptions): Promise<void>;
  /** Extra subscriptions outside the router's topics (absolute topic filters, e.g. Home Assistant's). */
  subscribe(topics: string[]): Promise<void>;
  unsubscribe(topics: string[]): Promise<void>;
  /** Every incoming message (with its retain flag); returns the function that removes the handler. */
  onMessage(handler: (topic: string, payload: Buffer, retained: boolean) => void): () => void;
}

/** The small typed world a feature lives in: no globals, no controller. */
export interface BridgeContext {
  readonly settings: SettingsStore;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly zigbee: Zigbee;
  readonly state: StateCache;
  readonly mqtt: MqttPublisher;
}

/** A capability of the bridge. Features are started after MQTT and Zigbee, stopped before them. */
export interface Feature {
  start?(): Promise<void> | void;
  stop?(): Promise<void> | void;
}

import type { BridgeEvents } from "../../eventBus.js";
import { errorMessage } from "../../util/errors.js";
import type { BridgeDevice } from "../../zigbee/bridgeDevice.js";
import type { Entity } from "../../zigbee/zigbee.js";
import type { BridgeContext } from "../context.js";
import type { EntityPublisher } from "../entityPublisher.js";

/**
 * What an external extension's constructor gets, in zigbee2mqtt's order: (zigbee, mqtt, state, publishEntityState,
 * eventBus, enableDisableExtension, restartCallback, addExtension, settings, logger). These are not zigbee2mqtt's
 * objects but narrow adapters over the bridge's own interfaces, offering the members listed in the README; using any
 * other member throws an error that names it (and the extension fails to load, or its call fails).
 */
export interface ExtensionApi {
  args: unknown[];
  /** drops the extension's subscriptions and listeners */
  dispose(): void;
}

/**
 * MQTT subscriptions of the extensions, counted per topic: one extension that unsubscribes (or stops) does not take
 * a topic from another (e.g. the new version of a replaced extension, started before the old one stops). Topics
 * under the base topic are never unsubscribed: the filter may be one of the bridge's own (`<base>/+/set`), and an
 * extra subscription there only brings messages the router ignores.
 */
export class SharedSubscriptions {
  private readonly count = new Map<string, number>();

  constructor(private readonly ctx: BridgeContext) {}

  async subscribe(topic: string): Promise<void> {
    const n = this.count.get(topic) ?? 0;
    this.count.set(topic, n + 1);
    if (n === 0) await this.ctx.mqtt.subscribe([topic]);
  }

  async unsubscribe(topic: string): Promise<void> {
    const n = this.count.get(topic) ?? 0;
    if (n === 0) return;
    if (n > 1) {
      this.count.set(topic, n - 1);
      return;
    }
    this.count.delete(topic);
    const base = this.ctx.mqtt.baseTopic;
    if (topic === base || topic.startsWith(`${base}/`)) return;
    await this.ctx.mqtt.unsubscribe([topic]);
  }
}

/** zigbee2mqtt's view of a device or group, as extensions use it. */
function entityView(e: Entity): Record<string, unknown> {
  if ("ieee" in e) {
    const d: BridgeDevice = e;
    return strict(`device '${d.name}'`, {
      ID: d.ieee,
      ieeeAddr: d.ieee,
      name: d.name,
      zh: d.zh,
      definition: d.definition,
      options: d.options,
      exposes: () => d.exposes(),
      isDevice: () => true,
      isGroup: () => false,
    });
  }
  return strict(`group '${e.name}'`, {
    ID: e.id,
    name: e.name,
    zh: e.zh,
    options: e.options,
    isDevice: () => false,
    isGroup: () => true,
  });
}

export function extensionApi(
  name: string,
  ctx: BridgeContext,
  publisher: EntityPublisher,
  restart: () => void,
  topics: SharedSubscriptions,
): ExtensionApi {
  const ns = `z2m:extension:${name}`;
  /** runs an extension's callback; what it throws or rejects is logged under its name */
  const guard = (callback: (data: unknown) => unknown, data: unknown) => {
    Promise.resolve()
      .then(() => callback(data))
      .catch((e: unknown) =>
        ctx.logger.error(`External extension '${name}' failed in a callback: ${errorMessage(e)}`, ns),
      );
  };
  const disposers = new Map<unknown, Array<() => void>>();
  const subscriptions: string[] = [];
  const listen = (key: unknown, dispose: () => void) => disposers.set(key, [...(disposers.get(key) ?? []), dispose]);
  const busListener = <E extends keyof BridgeEvents>(event: E, map: (p: BridgeEvents[E]) => unknown) => {
    return (key: unknown, callback: (data: unknown) => unknown) => {
      const keyOwner = {};
      ctx.bus.on(event, keyOwner, (p) => guard(callback, map(p)));
      listen(key, () => ctx.bus.off(keyOwner));
    };
  };
  const device = (ieee: string) => {
    const d = ctx.zigbee.device(ieee);
    return d ? entityView(d) : undefined;
  };
  const notOffered = (what: string) => async () => {
    throw new Error(`${what} is not offered to external extensions by zigmqtt`);
  };

  const zigbee = strict("zigbee", {
    resolveEntity: (key: unknown) => {
      const e = ctx.zigbee.resolveEntity(String(key));
      return e ? entityView(e) : undefined;
    },
    *devicesIterator(predicate?: (d: unknown) => boolean) {
      for (const d of ctx.zigbee.devices()) {
        const v = entityView(d);
        if (!predicate || predicate(v)) yield v;
      }
    },
    *groupsIterator(predicate?: (g: unknown) => boolean) {
      for (const g of ctx.zigbee.groups()) {
        const v = entityView(g);
        if (!predicate || predicate(v)) yield v;
      }
    },
  });
  const mqtt = strict("mqtt", {
    publish: (topic: string, payload: string, options: MqttOptions = {}) => {
      const o = { retain: options.clientOptions?.retain ?? false, qos: options.clientOptions?.qos ?? 0 };
      return options.baseTopic !== undefined
        ? ctx.mqtt.publishAbsolute(`${options.baseTopic}/${topic}`, payload, o)
        : ctx.mqtt.publish(topic, payload, o);
    },
    subscribe: async (topic: string) => {
      subscriptions.push(topic);
      await topics.subscribe(topic);
    },
    unsubscribe: async (topic: string) => {
      const i = subscriptions.indexOf(topic);
      if (i < 0) return;
      subscriptions.splice(i, 1);
      await topics.unsubscribe(topic);
    },
  });
  const state = strict("state", {
    get: (entity: { ID?: unknown }) => ctx.state.get(String(entity.ID)),
  });
  const publishEntityState = async (entity: { ID?: unknown }, payload: Record<string, unknown>) => {
    const e = ctx.zigbee.resolveEntity(String(entity.ID));
    if (!e) throw new Error(`publishEntityState: no device or group '${String(entity.ID)}'`);
    await publisher.publish(e, payload);
  };
  const eventBus = strict("eventBus", {
    onMQTTMessage: (key: unknown, callback: (data: unknown) => unknown) => {
      listen(
        key,
        ctx.mqtt.onMessage((topic, payload) => guard(callback, { topic, message: payload.toString("utf8") })),
      );
    },
    onDeviceMessage: busListener("deviceMessage", (p) => ({ ...p.message, device: device(p.ieee) })),
    onDeviceJoined: busListener("deviceJoined", (p) => ({ device: device(p.ieee) })),
    onDeviceInterview: busListener("deviceInterview", (p) => ({ device: device(p.ieee), status: p.status })),
    onDeviceAnnounce: busListener("deviceAnnounce", (p) => ({ device: device(p.ieee) })),
    onDeviceLeave: busListener("deviceLeave", (p) => ({ ieeeAddr: p.ieee, name: p.name })),
    onDevicesChanged: busListener("devicesChanged", () => ({})),
    onGroupsChanged: busListener("groupsChanged", () => ({})),
    onPermitJoinChanged: busListener("permitJoinChanged", (p) => ({ permitted: p.permitted, time: p.time })),
    removeListeners: (key: unknown) => {
      for (const dispose of disposers.get(key) ?? []) dispose();
      disposers.delete(key);
    },
  });
  const settings = strict("settings", { get: () => ctx.settings.get() });
  const log = (level: "debug" | "info" | "warning" | "error") => (message: string, namespace?: string) =>
    ctx.logger[level](message, namespace ?? ns);
  const logger = strict("logger", {
    debug: log("debug"),
    info: log("info"),
    warning: log("warning"),
    error: log("error"),
  });
  return {
    args: [
      zigbee,
      mqtt,
      state,
      publishEntityState,
      eventBus,
      notOffered("enableDisableExtension"),
      async () => restart(),
      notOffered("addExtension"),
      settings,
      logger,
    ],
    dispose: () => {
      for (const list of disposers.values()) for (const dispose of list) dispose();
      disposers.clear();
      for (const topic of subscriptions.splice(0)) void topics.unsubscribe(topic).catch(() => {});
    },
  };
}

interface MqttOptions {
  clientOptions?: { retain?: boolean; qos?: 0 | 1 | 2 };
  baseTopic?: string;
}

/** The object, where reading a member it does not have throws an error naming it (not a silent `undefined`). */
function strict<T extends object>(what: string, target: T): T {
  return new Proxy(target, {
    get(t, key, receiver) {
      if (typeof key === "symbol" || key in t || key === "then" || key === "toJSON")
        return Reflect.get(t, key, receiver);
      throw new TypeError(`zigmqtt does not offer '${what}.${key}' to external extensions (see the README)`);
    },
  });
}

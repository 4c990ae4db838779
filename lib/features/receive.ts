import * as zhc from "zigbee-herdsman-converters";
import type { ZigbeeMessage } from "../eventBus.js";
import type { EntityState } from "../state/stateCache.js";
import { errorMessage } from "../util/errors.js";
import type { BridgeDevice } from "../zigbee/bridgeDevice.js";
import type { Definition } from "../zigbee/herdsmanTypes.js";
import type { BridgeContext, Feature } from "./context.js";
import type { EntityPublisher } from "./entityPublisher.js";

const NS = "z2m:receive";
type FzConverter = Definition["fromZigbee"][number];
/** Clusters whose unconverted messages are routine (time sync, OTA queries, basic attributes, poll control). */
const QUIET_CLUSTERS = new Set(["genOta", "genTime", "genBasic", "genPollCtrl"]);

/**
 * Zigbee → MQTT: a herdsman message runs through the device definition's fromZigbee converters; the merged result
 * is published as the device's state. The hot path: converter lists are cached per (definition, cluster, type).
 */
export class Receive implements Feature {
  private readonly converterCache = new WeakMap<Definition, Map<string, FzConverter[]>>();

  constructor(
    private readonly ctx: BridgeContext,
    private readonly publisher: EntityPublisher,
  ) {}

  start(): void {
    this.ctx.bus.on("deviceMessage", this, (e) => this.onMessage(e.ieee, e.message));
  }

  stop(): void {
    this.ctx.bus.off(this);
  }

  private converters(def: Definition, cluster: string | number, type: string): FzConverter[] {
    let byKey = this.converterCache.get(def);
    if (!byKey) {
      byKey = new Map();
      this.converterCache.set(def, byKey);
    }
    const key = `${cluster}|${type}`;
    let list = byKey.get(key);
    if (!list) {
      list = def.fromZigbee.filter(
        (c) => c.cluster === cluster && (Array.isArray(c.type) ? c.type.includes(type) : c.type === type),
      );
      byKey.set(key, list);
    }
    return list;
  }

  async onMessage(ieee: string, message: ZigbeeMessage): Promise<void> {
    const device = this.ctx.zigbee.device(ieee);
    if (!device) return;
    const def = device.definition ?? (await device.resolveDefinition());
    if (!def || !device.interviewed) {
      this.ctx.logger.debug(() => `message from '${device.name}' before its definition is known: ${message.type}`, NS);
      return;
    }
    const converters = this.converters(def, message.cluster, message.type);
    if (converters.length === 0) {
      if (!QUIET_CLUSTERS.has(String(message.cluster))) {
        this.ctx.logger.debug(
          () => `No converter for '${device.name}' (${def.model}): ${message.cluster} ${message.type}`,
          NS,
        );
      }
      return;
    }
    const options = device.options as Record<string, unknown>;
    const payload: EntityState = {};
    const publish = (p: EntityState) => {
      void this.publisher.publish(device, p);
    };
    const meta = {
      device: device.zh,
      state: this.ctx.state.get(ieee),
      deviceExposesChanged: () => this.exposesChanged(device),
    };
    for (const c of converters) {
      try {
        let r = c.convert(def as never, message as never, publish as never, options as never, meta as never);
        if (r && typeof (r as Promise<unknown>).then === "function") r = await r;
        if (r && typeof r === "object") Object.assign(payload, r);
      } catch (e) {
        this.ctx.logger.error(
          `Converter for '${device.name}' (${def.model}) failed on ${message.cluster} ${message.type}: ${errorMessage(e)}`,
          NS,
        );
      }
    }
    if (Object.keys(payload).length === 0) return;
    zhc.postProcessConvertedFromZigbeeMessage(def as never, payload, options as never, device.zh as never);
    payload.linkquality = message.linkquality;
    await this.publisher.publish(device, payload);
  }

  private exposesChanged(device: BridgeDevice): void {
    device.invalidate();
    void device.resolveDefinition().then(() => this.ctx.bus.emit("devicesChanged", {}));
  }
}

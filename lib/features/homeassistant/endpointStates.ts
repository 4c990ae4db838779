import { errorMessage } from "../../util/errors.js";
import { stableStringify } from "../../util/stableJson.js";
import type { BridgeDevice } from "../../zigbee/bridgeDevice.js";
import type { BridgeContext, Feature } from "../context.js";

const NS = "z2m:homeassistant";

/**
 * Home Assistant reads a multi-endpoint light's state from `<device>/<endpoint>` (its discovery's `state_topic`),
 * so, as zigbee2mqtt, every state of a device whose exposes name endpoints is also published there, per endpoint:
 * the keys ending in `_<endpoint>`, without that suffix (`{"state_l1": "ON"}` gives `<device>/l1` `{"state": "ON"}`).
 */
export class EndpointStates implements Feature {
  /** Endpoint names by exposes list (a device's list is replaced when its exposes change). */
  private readonly names = new WeakMap<object, string[]>();

  constructor(private readonly ctx: BridgeContext) {}

  async start(): Promise<void> {
    this.ctx.bus.on("statePublished", this, (e) => {
      const device = this.ctx.zigbee.device(e.key);
      if (device) return this.publish(device, e.name, e.state);
    });
  }

  stop(): void {
    this.ctx.bus.off(this);
  }

  private endpointNames(device: BridgeDevice): string[] {
    const exposes = device.exposes();
    let names = this.names.get(exposes);
    if (!names) {
      const found = new Set<string>();
      const walk = (list: readonly unknown[]) => {
        for (const e of list as Array<{ endpoint?: unknown; features?: unknown[] }>) {
          if (typeof e.endpoint === "string") found.add(e.endpoint);
          if (Array.isArray(e.features)) walk(e.features);
        }
      };
      walk(exposes);
      names = [...found];
      this.names.set(exposes, names);
    }
    return names;
  }

  private async publish(device: BridgeDevice, name: string, state: Record<string, unknown>): Promise<void> {
    const endpoints = this.endpointNames(device);
    if (endpoints.length === 0) return;
    const options = device.options as { retain?: unknown; qos?: unknown };
    const publishOptions = { retain: options.retain === true, qos: (options.qos as 0 | 1 | 2 | undefined) ?? 0 };
    for (const endpoint of endpoints) {
      const suffix = `_${endpoint}`;
      const part: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(state)) {
        if (k.endsWith(suffix) && k.length > suffix.length) part[k.slice(0, -suffix.length)] = v;
      }
      if (Object.keys(part).length === 0) continue;
      try {
        await this.ctx.mqtt.publish(`${name}/${endpoint}`, stableStringify(part), publishOptions);
      } catch (e) {
        this.ctx.logger.error(`Failed to publish the state of '${name}/${endpoint}': ${errorMessage(e)}`, NS);
      }
    }
  }
}

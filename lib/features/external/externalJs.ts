import { BridgeError } from "../../util/errors.js";
import { stableStringify } from "../../util/stableJson.js";
import type { RequestModule } from "../bridge/requests.js";
import type { BridgeContext, Feature } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import type { ExternalConverters } from "./externalConverters.js";
import { ExternalExtensions } from "./externalExtensions.js";
import { removeRequest, saveRequest } from "./externalFiles.js";

/**
 * zigbee2mqtt 2.x's external JavaScript: the retained lists `bridge/converters` and `bridge/extensions`
 * (`[{name, code}]`), and the requests `converter/save|remove` and `extension/save|remove`. The converters are
 * loaded by the controller before Zigbee starts (`converters`), so devices get their definitions at once; the
 * extensions here. With `advanced.enable_external_js: false` nothing is loaded, the lists are empty and the
 * requests answer an error.
 */
export class ExternalJs implements Feature {
  private readonly extensions: ExternalExtensions | undefined;
  /** saves and removes run one at a time (a save and a remove of one name cannot interleave) */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: BridgeContext,
    private readonly deps: FeatureDeps,
    private readonly converters: ExternalConverters | undefined,
  ) {
    this.extensions = converters ? new ExternalExtensions(ctx, deps.publisher, deps.restart) : undefined;
  }

  async start(): Promise<void> {
    await this.extensions?.loadAll();
    await Promise.all([this.publishConverters(), this.publishExtensions()]);
  }

  async stop(): Promise<void> {
    await this.extensions?.stopAll();
    this.converters?.unloadAll();
  }

  requests(): RequestModule {
    const one = (handler: (payload: unknown) => Promise<void>) => (payload: unknown) => {
      const run = this.queue.then(() => handler(payload));
      this.queue = run.catch(() => {});
      return run.then(() => ({}));
    };
    return {
      "converter/save": one(async (payload) => {
        const file = saveRequest(payload);
        await this.enabled(this.converters).load(file, true);
        await this.convertersChanged();
      }),
      "converter/remove": one(async (payload) => {
        this.enabled(this.converters).remove(removeRequest(payload));
        await this.convertersChanged();
      }),
      "extension/save": one(async (payload) => {
        const file = saveRequest(payload);
        await this.enabled(this.extensions).load(file, true);
        await this.publishExtensions();
      }),
      "extension/remove": one(async (payload) => {
        await this.enabled(this.extensions).remove(removeRequest(payload));
        await this.publishExtensions();
      }),
    };
  }

  private enabled<T>(part: T | undefined): T {
    if (!part)
      throw new BridgeError("UNSUPPORTED", "External JavaScript is disabled (advanced.enable_external_js: false)");
    return part;
  }

  /** Devices a converter matches (or matched) get their definitions anew; bridge/devices follows on the bus. */
  private async convertersChanged(): Promise<void> {
    await this.ctx.zigbee.redefineDevices();
    this.deps.publications.schedule("definitions");
    await this.publishConverters();
  }

  private publishConverters(): Promise<void> {
    return this.publish("bridge/converters", this.converters?.folder.list() ?? []);
  }

  private publishExtensions(): Promise<void> {
    return this.publish("bridge/extensions", this.extensions?.folder.list() ?? []);
  }

  private publish(topic: string, list: Array<{ name: string; code: string }>): Promise<void> {
    return this.ctx.mqtt.publish(topic, stableStringify(list), { retain: true, qos: 0 });
  }
}

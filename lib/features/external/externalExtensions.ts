import { join } from "node:path";
import { BridgeError, errorMessage } from "../../util/errors.js";
import type { BridgeContext } from "../context.js";
import type { EntityPublisher } from "../entityPublisher.js";
import { extensionApi, SharedSubscriptions } from "./extensionApi.js";
import { type ExternalFile, ExternalFolder } from "./externalFiles.js";

const NS = "z2m:external";

interface Running {
  instance: { start?(): unknown; stop?(): unknown };
  dispose(): void;
}

/**
 * zigbee2mqtt's external extensions: each file of `<data>/external_extensions/` exports (default export, or
 * `module.exports`) a class, constructed with the adapters of `extensionApi` and started; stopped when removed,
 * replaced or when the bridge stops. One that cannot be constructed or started is not kept.
 */
export class ExternalExtensions {
  readonly folder: ExternalFolder;
  private readonly running = new Map<string, Running>();
  private readonly topics: SharedSubscriptions;

  constructor(
    private readonly ctx: BridgeContext,
    private readonly publisher: EntityPublisher,
    private readonly restart: () => void,
  ) {
    this.folder = new ExternalFolder(join(ctx.settings.dataDir, "external_extensions"));
    this.topics = new SharedSubscriptions(ctx);
  }

  /** Starts every file; a bad one is logged and set aside (`<name>.invalid`). */
  async loadAll(): Promise<void> {
    this.folder.removeLeftovers();
    for (const file of this.folder.list()) {
      try {
        await this.load(file, false);
      } catch (e) {
        const aside = this.folder.setAside(file.name);
        this.ctx.logger.error(`External extension '${file.name}' not loaded, ${aside}: ${errorMessage(e)}`, NS);
      }
    }
  }

  /** Starts `file` in place of the extension of that name (stopped once the new one runs); `persist` writes it. */
  async load(file: ExternalFile, persist: boolean): Promise<void> {
    const started = await this.folder.load(file, (exported) => this.start(file.name, exported), persist);
    const previous = this.running.get(file.name);
    this.running.set(file.name, started);
    if (previous) await this.stopOne(file.name, previous);
    this.ctx.logger.info(`Loaded external extension '${file.name}'`, NS);
  }

  private async start(name: string, exported: unknown): Promise<Running> {
    if (typeof exported !== "function")
      throw new BridgeError(
        "INVALID_CODE",
        `${name} contains invalid code: its default export must be an extension class, not ${exported === undefined ? "nothing" : `a ${typeof exported}`}`,
      );
    const api = extensionApi(name, this.ctx, this.publisher, this.restart, this.topics);
    let instance: Running["instance"];
    try {
      instance = new (exported as new (...args: unknown[]) => Running["instance"])(...api.args);
      await instance.start?.();
    } catch (e) {
      api.dispose();
      throw new BridgeError("INVALID_CODE", `${name} failed to start: ${errorMessage(e)}`);
    }
    return { instance, dispose: api.dispose };
  }

  /** Stops the extension and deletes its file. */
  async remove(name: string): Promise<void> {
    this.folder.remove(name);
    const running = this.running.get(name);
    this.running.delete(name);
    if (running) await this.stopOne(name, running);
    this.ctx.logger.info(`Removed external extension '${name}'`, NS);
  }

  async stopAll(): Promise<void> {
    for (const [name, running] of [...this.running].reverse()) await this.stopOne(name, running);
    this.running.clear();
  }

  private async stopOne(name: string, running: Running): Promise<void> {
    try {
      await running.instance.stop?.();
    } catch (e) {
      this.ctx.logger.error(`External extension '${name}' failed to stop: ${errorMessage(e)}`, NS);
    }
    running.dispose();
  }
}

import { errorMessage } from "../util/errors.js";
import type { BridgeDevice } from "../zigbee/bridgeDevice.js";
import type { BridgeContext, Feature } from "./context.js";

const NS = "z2m:configure";
/** Bumped when our configure logic changes, so devices are configured again. */
const CONFIGURE_VERSION = 1;

/**
 * Runs a definition's `configure()` (binds, reporting) once per device: after a successful interview, and at start
 * for devices that were never configured by this version. One device at a time; failures are logged and retried at
 * the next start or interview.
 */
export class Configure implements Feature {
  private queue: Promise<void> = Promise.resolve();
  private readonly inFlight = new Set<string>();

  constructor(private readonly ctx: BridgeContext) {}

  start(): void {
    this.ctx.bus.on("deviceInterview", this, (e) => {
      if (e.status === "successful") this.schedule(e.ieee, true);
    });
    for (const d of this.ctx.zigbee.devices()) this.schedule(d.ieee, false);
  }

  stop(): void {
    this.ctx.bus.off(this);
  }

  private key(d: BridgeDevice): string {
    return `${d.definition?.model ?? "?"}:${CONFIGURE_VERSION}`;
  }

  schedule(ieee: string, force: boolean): void {
    if (this.inFlight.has(ieee)) return;
    this.inFlight.add(ieee);
    this.queue = this.queue.then(async () => {
      try {
        const d = this.ctx.zigbee.device(ieee);
        if (!d?.interviewed) return;
        const def = d.definition ?? (await d.resolveDefinition());
        if (!def?.configure) return;
        const meta = d.zh.meta as Record<string, unknown>;
        if (!force && meta.configured === this.key(d)) return;
        await this.run(d);
      } catch {
        // logged by run(); retried at the next start or interview
      } finally {
        this.inFlight.delete(ieee);
      }
    });
  }

  /** Configures now; throws what configure() threw. */
  async run(d: BridgeDevice): Promise<void> {
    const def = d.definition ?? (await d.resolveDefinition());
    if (!def?.configure) throw new Error(`Device '${d.name}' has no configure`);
    const coordinatorEndpoint = this.ctx.zigbee.coordinator()?.zh.getEndpoint(1);
    try {
      await def.configure(d.zh as never, coordinatorEndpoint as never, def);
      (d.zh.meta as Record<string, unknown>).configured = this.key(d);
      d.zh.save();
      this.ctx.logger.info(`Configured '${d.name}'`, NS);
      this.ctx.bus.emit("devicesChanged", {});
    } catch (e) {
      this.ctx.logger.error(`Failed to configure '${d.name}': ${errorMessage(e)}`, NS);
      throw e;
    }
  }

  /** Resolves when every scheduled configure has run (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue.catch(() => {});
  }
}

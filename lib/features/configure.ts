import { errorMessage } from "../util/errors.js";
import type { BridgeDevice } from "../zigbee/bridgeDevice.js";
import type { BridgeContext, Feature } from "./context.js";
import type { ConverterHooksGate } from "./converterEvents.js";

const NS = "z2m:configure";
/** failed configures of a device per run before only a forced one (interview, request) tries again */
const MAX_ATTEMPTS = 3;
/** zhc's default definition version: a stored value from an older scheme is then kept (no mass reconfigure) */
const DEFAULT_VERSION = "0.0.0";

/**
 * Why a configure is considered: `start` (routers only), `heard` (the device just spoke), `interview` (it was just
 * interviewed, so it is awake), `forced`.
 */
type Reason = "start" | "heard" | "interview" | "forced";

interface Pending {
  force: boolean;
  running: boolean;
  /** a forced run asked for while one was running: run again after it */
  again: boolean;
}

/**
 * Runs a definition's `configure()` (binds, reporting) as zigbee2mqtt 2.x does, on the same data directory:
 * `meta.configured` holds the definition's `version`; a device is configured when it never was, or when its
 * definition's version is not zhc's default and differs from the stored one. Routers are considered at start; end
 * devices (likely asleep then) when they are next heard or interviewed. A device that joins anew is configured anew;
 * one interviewed again on request is not when its stored version is current (as zigbee2mqtt: observed with the
 * compat oracle). At most 3 failed attempts per device per run, except forced ones. One at a time.
 */
export class Configure implements Feature {
  private queue: Promise<void> = Promise.resolve();
  private readonly pending = new Map<string, Pending>();
  private readonly attempts = new Map<string, number>();
  private stopped = false;

  /** `hooks`: configure waits for the device's converter `start` hooks (they register its custom clusters) */
  constructor(
    private readonly ctx: BridgeContext,
    private readonly hooks?: ConverterHooksGate,
  ) {}

  start(): void {
    const bus = this.ctx.bus;
    bus.on("deviceInterview", this, (e) => {
      if (e.status !== "successful") return;
      this.attempts.delete(e.ieee); // failed attempts are tried again after an interview
      this.consider(e.ieee, "interview");
    });
    bus.on("deviceJoined", this, (e) => {
      const zh = this.ctx.zigbee.device(e.ieee)?.zh;
      const meta = zh?.meta as Record<string, unknown> | undefined;
      if (zh && meta?.configured !== undefined) {
        delete meta.configured; // a device that joins anew is configured anew
        zh.save();
      }
    });
    bus.on("deviceMessage", this, (e) => this.consider(e.ieee, "heard"));
    bus.on("deviceAnnounce", this, (e) => this.consider(e.ieee, "heard"));
    for (const d of this.ctx.zigbee.devices()) if (d.zh.type === "Router") this.consider(d.ieee, "start");
  }

  /** Stops listening; resolves when the configure running now has ended (queued ones are dropped). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.ctx.bus.off(this);
    await this.idle();
  }

  /** Whether a configure is due, by zigbee2mqtt's rules (cheap: called for every message heard). */
  private due(d: BridgeDevice, reason: Reason): boolean {
    if (reason === "forced") return true;
    if (!d.interviewed || d.options.disabled || !d.definition?.configure) return false;
    if (d.zh.type === "EndDevice" && reason === "start") return false;
    if ((this.attempts.get(d.ieee) ?? 0) >= MAX_ATTEMPTS) return false;
    const stored = (d.zh.meta as Record<string, unknown>).configured;
    if (stored === undefined) return true;
    const version = d.definition.version;
    return version !== undefined && version !== DEFAULT_VERSION && stored !== version;
  }

  private consider(ieee: string, reason: Reason): void {
    if (this.stopped || this.pending.has(ieee)) return;
    const d = this.ctx.zigbee.device(ieee);
    if (d && this.due(d, reason)) this.schedule(ieee, false);
  }

  /**
   * Queues a configure of the device (forced: whatever was stored). A request for a device already queued joins it
   * (and makes it forced if this one is); a forced request while it runs runs it once more afterwards.
   */
  schedule(ieee: string, force: boolean): void {
    if (this.stopped) return;
    const queued = this.pending.get(ieee);
    if (queued) {
      if (!force) return;
      if (queued.running) queued.again = true;
      else queued.force = true;
      return;
    }
    const p: Pending = { force, running: false, again: false };
    this.pending.set(ieee, p);
    this.queue = this.queue.then(async () => {
      try {
        do {
          p.running = true;
          p.again = false;
          if (this.stopped) return;
          await this.runQueued(ieee, p.force);
          p.force = true; // a run asked for while this one ran is a forced one
        } while (p.again);
      } finally {
        this.pending.delete(ieee);
      }
    });
  }

  private async runQueued(ieee: string, force: boolean): Promise<void> {
    const d = this.ctx.zigbee.device(ieee);
    if (!d?.interviewed) return;
    if (!d.definition) await d.resolveDefinition().catch(() => undefined);
    if (!d.definition?.configure) return;
    if (!force && !this.due(d, "heard")) return;
    try {
      await this.run(d);
      this.attempts.delete(ieee);
    } catch {
      const n = (this.attempts.get(ieee) ?? 0) + 1;
      this.attempts.set(ieee, n);
      if (n === MAX_ATTEMPTS) {
        this.ctx.logger.warning(`Configuring '${d.name}' failed ${n} times; trying again after an interview`, NS);
      }
    }
  }

  /** Configures now; throws what configure() threw. */
  async run(d: BridgeDevice): Promise<void> {
    const def = d.definition ?? (await d.resolveDefinition());
    if (!def?.configure) throw new Error(`Device '${d.name}' has no configure`);
    await this.hooks?.started(d.ieee);
    const coordinatorEndpoint = this.ctx.zigbee.coordinator()?.zh.getEndpoint(1);
    this.ctx.logger.info(`Configuring '${d.name}'`); // zigbee2mqtt's wording and namespace, as the next one
    try {
      await def.configure(d.zh as never, coordinatorEndpoint as never, def);
    } catch (e) {
      this.ctx.logger.error(`Failed to configure '${d.name}': ${errorMessage(e)}`, NS);
      throw e;
    }
    (d.zh.meta as Record<string, unknown>).configured = def.version;
    d.zh.save();
    this.ctx.logger.info(`Successfully configured '${d.name}' (definition v${def.version})`);
    if (!this.stopped) this.ctx.bus.emit("devicesChanged", {}); // nothing is told once the bridge stops
  }

  /** Resolves when every scheduled configure has run (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue.catch(() => {});
  }
}

import { setTimeout as sleep } from "node:timers/promises";
import type { Controller } from "zigbee-herdsman";
import { errorMessage } from "../util/errors.js";
import type { Logger } from "../util/logger.js";
import { quiesceDeconz } from "./deconzDriver.js";

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;

export interface ReconnectSteps {
  /** one attempt to bring the adapter back; throws when it is still away */
  attempt(signal: AbortSignal): Promise<void>;
  /** the attempt succeeded (not called once stop() began) */
  back(attempt: number): void;
  failed(attempt: number, error: unknown): void;
}

/**
 * The adapter reconnect loop: attempts with backoff (0.5 s doubling to 30 s) until one succeeds. `stop()` ends it:
 * the wait between attempts is cut short, an attempt in flight sees its signal aborted, and nothing is reported
 * after stop() resolves.
 */
export class AdapterReconnect {
  private loop: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly steps: ReconnectSteps) {}

  get running(): boolean {
    return this.loop !== undefined;
  }

  /** Starts the loop unless it runs already (or was stopped). */
  start(): void {
    if (this.loop || this.abort.signal.aborted) return;
    this.loop = this.run().finally(() => {
      this.loop = undefined;
    });
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    let delay = RECONNECT_MIN_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        await sleep(delay, undefined, { signal });
      } catch {
        return; // stopped while waiting
      }
      try {
        await this.steps.attempt(signal);
      } catch (e) {
        if (signal.aborted) return;
        this.steps.failed(attempt, e);
        delay = Math.min(delay * 2, RECONNECT_MAX_MS);
        continue;
      }
      if (!signal.aborted) this.steps.back(attempt);
      return;
    }
  }

  /** Ends the loop; resolves when an attempt in flight has ended too. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }
}

/**
 * Closes the adapter connection of a herdsman whose start failed or is being abandoned (herdsman's own stop() would
 * save a database it has not loaded). Reaches herdsman's adapter, which its typings keep private.
 */
export async function closeAdapter(h: Controller): Promise<void> {
  const adapter = (h as unknown as { adapter?: { stop(): Promise<void> } }).adapter;
  try {
    await adapter?.stop();
  } catch {
    // already closed, or never opened
  }
}

export async function stopQuietly(h: Controller, logger: Logger): Promise<void> {
  try {
    await h.stop();
  } catch (e) {
    logger.debug(() => `stopping zigbee-herdsman: ${errorMessage(e)}`, "z2m:zigbee");
  }
  quiesceDeconz(h, logger);
}

import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Logger } from "./logger.js";

const NS = "z2m:memory";
/** the first look, after the start's own burst of allocation */
export const FIRST_CHECK_MS = 2_000;
export const CHECK_EVERY_MS = 15_000;
/** below this the young generation is at (about) its initial size: nothing to give back */
const NEW_SPACE_BYTES = 4 * 1048576;
/** the process used less CPU than this share of the window: quiet */
const QUIET_CPU_SHARE = 0.05;

type GcFunction = (options: { type: "major"; execution: "sync"; flavor: "last-resort" }) => void;

/** V8's gc(), exposed for this process (`--expose-gc` or, set here, the same flag); undefined if V8 refuses. */
function gcFunction(): GcFunction | undefined {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === "function") return exposed as GcFunction;
  try {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as unknown;
    return typeof gc === "function" ? (gc as GcFunction) : undefined;
  } catch {
    return undefined;
  }
}

export function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_size ?? 0;
}

/**
 * Gives the memory of a burst back once the bridge is quiet. V8 grows its young generation during a burst of
 * allocation (the start, a report storm) up to `--max-semi-space-size` twice over and keeps it while idle: about
 * 15 MB of the idle RSS with `npm start`'s cap. A look {@link FIRST_CHECK_MS} after the start and then every
 * {@link CHECK_EVERY_MS}: when the young generation is grown and the process used under 5 % of a core since the
 * last look, one memory-reducing full collection (V8's "last resort" flavour: it also shrinks the young generation
 * and returns free pages) runs. It pauses the process for about 100 ms with 1,000 devices (tens of milliseconds with
 * a few), only when nothing is going on; a young generation that stays small is left alone, so an idle bridge pays
 * it once.
 */
export class MemoryTrim {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private cpu = process.cpuUsage();
  private at = performance.now();
  private readonly gc = gcFunction();

  constructor(private readonly logger: Logger) {}

  start(): void {
    if (!this.gc) {
      this.logger.debug("V8's gc() is not available: no memory trim after bursts", NS);
      return;
    }
    this.schedule(FIRST_CHECK_MS);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.check();
      this.schedule(CHECK_EVERY_MS);
    }, ms);
    this.timer.unref();
  }

  /** One look (the timer's; tests call it): true when it trimmed. Each look starts the next CPU window. */
  check(): boolean {
    const used = process.cpuUsage(this.cpu);
    const windowMs = performance.now() - this.at;
    const share = (used.user + used.system) / 1000 / Math.max(1, windowMs);
    this.cpu = process.cpuUsage();
    this.at = performance.now();
    const young = newSpaceBytes();
    if (!this.gc || young <= NEW_SPACE_BYTES || share >= QUIET_CPU_SHARE) return false;
    const t0 = performance.now();
    const rss0 = process.memoryUsage.rss();
    this.gc({ type: "major", execution: "sync", flavor: "last-resort" });
    const mb = (b: number) => (b / 1048576).toFixed(1);
    this.cpu = process.cpuUsage();
    this.at = performance.now();
    this.logger.debug(
      () =>
        `Quiet: trimmed memory in ${Math.round(performance.now() - t0)} ms (young generation ${mb(young)} → ${mb(newSpaceBytes())} MB, RSS ${mb(rss0)} → ${mb(process.memoryUsage.rss())} MB)`,
      NS,
    );
    return true;
  }
}

import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../../util/atomicFile.js";
import { errorMessage } from "../../util/errors.js";
import type { OtaDataOverrides, OtaSourceSpec } from "./otaSource.js";

/** One queued update, as persisted in `<data>/ota_queue.json`. */
export interface QueueEntry {
  ieee: string;
  source: OtaSourceSpec;
  overrides: OtaDataOverrides;
  /** when it was queued (ms since epoch): the order within a priority */
  queuedAt: number;
}

export interface QueueHost {
  /** lower runs first (routers 0, sleepy end devices 1) */
  priority(ieee: string): number;
  /** runs one update; its result goes to whoever waits on the entry */
  run(entry: QueueEntry): Promise<Record<string, unknown>>;
  /** a device entered (queued) or left the queue (undefined): for its `update.state` */
  changed(ieee: string, queued: boolean): void;
  log(level: "info" | "warning" | "error", message: string): void;
}

interface Waiter {
  resolve(result: Record<string, unknown>): void;
  reject(error: Error): void;
}

/**
 * The OTA update queue: entries run `concurrency` at a time, routers before sleepy end devices, first queued first
 * within each; a failed update does not stop the next. Queued (not yet running) and running entries are written to
 * a file after every change, so that a restart resumes them.
 */
export class OtaQueue {
  private entries: QueueEntry[] = [];
  private readonly running = new Set<string>();
  private readonly waiters = new Map<string, Waiter[]>();
  private stopped = true;

  constructor(
    private readonly file: string,
    private readonly concurrency: () => number,
    private readonly host: QueueHost,
  ) {}

  /** Loads the persisted queue and starts running it. */
  start(): void {
    this.stopped = false;
    try {
      const data = JSON.parse(readFileSync(this.file, "utf8")) as { entries?: QueueEntry[] };
      this.entries = (data.entries ?? []).filter((e) => typeof e?.ieee === "string");
      if (this.entries.length > 0) this.host.log("info", `Resuming the OTA queue: ${this.entries.length} update(s)`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
        this.host.log("error", `Cannot read the OTA queue ${this.file}: ${errorMessage(e)}; starting empty`);
      }
      this.entries = [];
    }
    for (const e of this.entries) this.host.changed(e.ieee, true);
    this.pump();
  }

  /** Stops starting updates (running ones are the caller's to abort); the file keeps them for the next start. */
  stop(): void {
    this.stopped = true;
  }

  has(ieee: string): boolean {
    return this.entries.some((e) => e.ieee === ieee);
  }

  isRunning(ieee: string): boolean {
    return this.running.has(ieee);
  }

  /** Queued and running devices, in the order they run. */
  list(): string[] {
    return this.ordered().map((e) => e.ieee);
  }

  /** Queues an update (a device already queued keeps its place); resolves with its result when it has run. */
  enqueue(entry: QueueEntry): Promise<Record<string, unknown>> {
    const done = new Promise<Record<string, unknown>>((resolve, reject) => {
      const list = this.waiters.get(entry.ieee) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(entry.ieee, list);
    });
    if (!this.has(entry.ieee)) {
      this.entries.push(entry);
      this.save();
      this.host.changed(entry.ieee, true);
    }
    queueMicrotask(() => this.pump());
    return done;
  }

  /** Takes a device out of the queue (not running yet); false when it was not waiting. */
  remove(ieee: string, why: string): boolean {
    if (this.running.has(ieee) || !this.has(ieee)) return false;
    this.entries = this.entries.filter((e) => e.ieee !== ieee);
    this.save();
    this.host.changed(ieee, false);
    this.settle(ieee, undefined, new Error(why));
    return true;
  }

  private ordered(): QueueEntry[] {
    return [...this.entries].sort(
      (a, b) => this.host.priority(a.ieee) - this.host.priority(b.ieee) || a.queuedAt - b.queuedAt,
    );
  }

  private pump(): void {
    if (this.stopped) return;
    for (const entry of this.ordered()) {
      if (this.running.size >= this.concurrency()) return;
      if (this.running.has(entry.ieee)) continue;
      this.running.add(entry.ieee);
      void this.runOne(entry);
    }
  }

  private async runOne(entry: QueueEntry): Promise<void> {
    let result: Record<string, unknown> | undefined;
    let error: Error | undefined;
    try {
      result = await this.host.run(entry);
    } catch (e) {
      error = e instanceof Error ? e : new Error(String(e));
    }
    this.running.delete(entry.ieee);
    // an update interrupted by a stop stays queued for the next start
    if (this.stopped) return;
    this.entries = this.entries.filter((e) => e !== entry);
    this.save();
    this.host.changed(entry.ieee, false);
    this.settle(entry.ieee, result, error);
    this.pump();
  }

  private settle(ieee: string, result: Record<string, unknown> | undefined, error: Error | undefined): void {
    const list = this.waiters.get(ieee) ?? [];
    this.waiters.delete(ieee);
    for (const w of list) {
      if (error) w.reject(error);
      else w.resolve(result ?? {});
    }
  }

  private save(): void {
    try {
      writeFileAtomic(this.file, `${JSON.stringify({ entries: this.entries }, null, 1)}\n`);
    } catch (e) {
      this.host.log("error", `Cannot write the OTA queue ${this.file}: ${errorMessage(e)}`);
    }
  }
}

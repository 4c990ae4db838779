import { readFileWithBackup, writeFileWithBackup, writeFileWithBackupAsync } from "../util/backedUpFile.js";
import type { Logger } from "../util/logger.js";

const NS = "z2m:state";
/** Keys that describe an event, not a state: never cached (zigbee2mqtt's behaviour). */
const EPHEMERAL = new Set(["action", "action_group", "action_duration", "action_transition_time", "elapsed"]);
/**
 * Keys kept in memory but not written to state.json (zigbee2mqtt's behaviour): the link quality is that of a message
 * heard by this run; after a restart it is unknown until the device is heard again.
 */
const NOT_PERSISTED = new Set(["linkquality"]);
const SAVE_DELAY_MS = 1000;

/** The save debounce: 1 s, or `ZIGMQTT_STATE_SAVE_MS` (tests that need state.json written continuously). */
export function stateSaveDelayMs(env: NodeJS.ProcessEnv = process.env): number {
  const ms = Number(env.ZIGMQTT_STATE_SAVE_MS);
  return env.ZIGMQTT_STATE_SAVE_MS !== undefined && Number.isInteger(ms) && ms >= 0 ? ms : SAVE_DELAY_MS;
}

export type EntityState = Record<string, unknown>;

/**
 * The last known state of every device and group (`state.json`, zigbee2mqtt's format: `{"<ieee>": {...},
 * "<groupId>": {...}}`). Loaded at start, written atomically shortly after changes (off the event loop, so a slow
 * disk never delays a lamp) and at stop.
 */
export class StateCache {
  private readonly states = new Map<string, EntityState>();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private dirty = false;
  /** the background write in flight, if any */
  private writing: Promise<void> | undefined;
  /** `save()` was called during a background write: write again as soon as it ends */
  private saveWhenWritten = false;
  /** flushes waiting: no background write starts meanwhile, so a flush never waits behind a stream of them */
  private flushing = 0;

  constructor(
    private readonly file: string | undefined,
    private readonly logger: Logger,
    private readonly saveDelayMs = stateSaveDelayMs(),
  ) {}

  load(): void {
    if (!this.file) return;
    const read = readFileWithBackup(this.file, parseStates, (m) => this.logger.error(`State cache ${m}`, NS));
    if (!read) return;
    for (const [k, v] of read.value) this.states.set(k, v);
    // a state recovered from the backup is written back as state.json
    if (read.fromBackup) this.scheduleSave();
    this.logger.debug(() => `loaded ${this.states.size} cached states from ${this.file}`, NS);
  }

  get(key: string): EntityState {
    return this.states.get(key) ?? {};
  }

  has(key: string): boolean {
    return this.states.has(key);
  }

  /**
   * Merges an update into the cached state and returns the full state. Ephemeral keys and keys matching
   * `filteredCache` are left out of the cache (but returned in the result).
   */
  merge(key: string, update: EntityState, filteredCache?: RegExp[]): EntityState {
    const current = this.states.get(key);
    const next: EntityState = current ? { ...current } : {};
    let changed = false;
    for (const k of Object.keys(update)) {
      const v = update[k];
      if (EPHEMERAL.has(k) || filteredCache?.some((r) => r.test(k))) continue;
      if (next[k] !== v) {
        next[k] = v;
        changed = true;
      }
    }
    if (changed || !current) {
      this.states.set(key, next);
      this.scheduleSave();
    }
    return { ...next, ...update };
  }

  /** Replaces a state (e.g. a device left, or a rename that keeps the key). */
  set(key: string, state: EntityState): void {
    this.states.set(key, state);
    this.scheduleSave();
  }

  remove(key: string): void {
    if (this.states.delete(key)) this.scheduleSave();
  }

  keys(): string[] {
    return [...this.states.keys()];
  }

  private scheduleSave(): void {
    this.dirty = true;
    if (!this.file || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saveInBackground();
    }, this.saveDelayMs);
    this.saveTimer.unref();
  }

  private snapshot(): string {
    const obj: Record<string, EntityState> = {};
    for (const [k, v] of this.states) {
      const kept = Object.keys(v).some((p) => NOT_PERSISTED.has(p))
        ? Object.fromEntries(Object.entries(v).filter(([p]) => !NOT_PERSISTED.has(p)))
        : v;
      obj[k] = kept;
    }
    return JSON.stringify(obj, null, 4);
  }

  /** One write at a time, off the event loop; changes made meanwhile are written by the next one. */
  private saveInBackground(): void {
    if (!this.file || !this.dirty) return;
    if (this.writing || this.flushing > 0) {
      this.scheduleSave();
      return;
    }
    const file = this.file;
    this.dirty = false;
    this.writing = writeFileWithBackupAsync(file, this.snapshot())
      .catch((e: unknown) => {
        this.dirty = true;
        this.logger.error(`Cannot write state cache ${file}: ${(e as Error).message}`, NS);
      })
      .finally(() => {
        this.writing = undefined;
        if (this.saveWhenWritten) {
          this.saveWhenWritten = false;
          this.saveInBackground();
        }
      });
  }

  /**
   * Writes state.json now (atomically: temp file, fsync, rename), blocking. During a background write it only asks
   * for another write when that one ends, so an older snapshot can never land after a newer one: use `flush()` to
   * wait until everything is on disk.
   */
  save(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (!this.file || !this.dirty) return;
    if (this.writing) {
      this.saveWhenWritten = true;
      return;
    }
    try {
      writeFileWithBackup(this.file, this.snapshot());
      this.dirty = false;
    } catch (e) {
      this.logger.error(`Cannot write state cache ${this.file}: ${(e as Error).message}`, NS);
    }
  }

  /**
   * Everything on disk (at stop, before a backup): waits for the background write in flight, if any, then writes
   * the current state. Changes that keep arriving meanwhile cannot hold it up: no new background write starts.
   */
  async flush(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.flushing++;
    try {
      await this.writing;
      this.save();
    } finally {
      this.flushing--;
    }
  }
}

/** state.json's content: an object of objects (other entries are dropped); throws when it is not JSON. */
function parseStates(text: string): Array<[string, EntityState]> {
  const data = JSON.parse(text) as unknown;
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new Error("not a JSON object");
  return Object.entries(data).filter((e): e is [string, EntityState] => {
    const v = e[1];
    return typeof v === "object" && v !== null && !Array.isArray(v);
  });
}

import type { EntityState } from "../state/stateCache.js";

/** Publishes a held-back state (the entity's key and the update to publish). */
export type HeldPublish = (key: string, update: EntityState) => void;

interface Debounced {
  payload: EntityState;
  timer: NodeJS.Timeout;
}

/**
 * zigbee2mqtt's `debounce` per device: updates arriving within `seconds` of each other are merged and published
 * once, `seconds` after the last one. A change in a `debounce_ignore` key (a value the pending update already holds
 * with a different value) publishes the pending update first, so such values are never merged away. One timer per
 * device, restarted (not reallocated) on each update.
 */
export class Debouncer {
  private readonly pending = new Map<string, Debounced>();

  constructor(private readonly publish: HeldPublish) {}

  add(key: string, update: EntityState, seconds: number, ignore: readonly string[] | undefined): void {
    let held = this.pending.get(key);
    if (held && ignore && conflicts(update, held.payload, ignore)) {
      this.flush(key);
      held = undefined;
    }
    if (held) {
      Object.assign(held.payload, update);
      held.timer.refresh();
      return;
    }
    const timer = setTimeout(() => this.flush(key), seconds * 1000);
    this.pending.set(key, { payload: { ...update }, timer });
  }

  /** The update waiting for `key`, if any (mutable: a newer state published meanwhile removes its keys). */
  held(key: string): EntityState | undefined {
    return this.pending.get(key)?.payload;
  }

  /** Publishes what is waiting for `key` now. */
  flush(key: string): void {
    const held = this.pending.get(key);
    if (!held) return;
    clearTimeout(held.timer);
    this.pending.delete(key);
    this.publish(key, held.payload);
  }

  /** Drops what is waiting for `key` (the device was removed). */
  cancel(key: string): void {
    const held = this.pending.get(key);
    if (held) clearTimeout(held.timer);
    this.pending.delete(key);
  }

  /** Drops everything waiting (the bridge stops; the state cache already holds the values). */
  clear(): void {
    for (const held of this.pending.values()) clearTimeout(held.timer);
    this.pending.clear();
  }

  get size(): number {
    return this.pending.size;
  }
}

/** A `debounce_ignore` key whose new value differs from the one waiting. */
function conflicts(update: EntityState, held: EntityState, ignore: readonly string[]): boolean {
  for (const k of ignore) {
    if (update[k] !== undefined && Object.hasOwn(held, k) && update[k] !== held[k]) return true;
  }
  return false;
}

interface Throttled {
  /** Date.now() of the last publish */
  last: number;
  timer: NodeJS.Timeout | undefined;
  latest: EntityState | undefined;
}

/**
 * zigbee2mqtt's `throttle` per device: at most one publish per `seconds`. The first update publishes at once;
 * updates within the window are dropped except the latest, which is published when the window ends (the state
 * cache is kept current meanwhile, so that publish carries every value).
 */
export class Throttler {
  private readonly entries = new Map<string, Throttled>();

  constructor(
    private readonly publish: HeldPublish,
    private readonly now: () => number = Date.now,
  ) {}

  add(key: string, update: EntityState, seconds: number): void {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { last: Number.NEGATIVE_INFINITY, timer: undefined, latest: undefined };
      this.entries.set(key, entry);
    }
    const now = this.now();
    const wait = seconds * 1000 - (now - entry.last);
    if (wait <= 0 && !entry.timer) {
      entry.last = now;
      this.publish(key, update);
      return;
    }
    entry.latest = update;
    if (entry.timer) return;
    const held = entry;
    held.timer = setTimeout(() => {
      held.timer = undefined;
      held.last = this.now();
      const latest = held.latest;
      held.latest = undefined;
      if (latest) this.publish(key, latest);
    }, wait);
  }

  cancel(key: string): void {
    const entry = this.entries.get(key);
    if (entry?.timer) clearTimeout(entry.timer);
    this.entries.delete(key);
  }

  clear(): void {
    for (const entry of this.entries.values()) if (entry.timer) clearTimeout(entry.timer);
    this.entries.clear();
  }

  /** Devices with a publish waiting for the end of their window. */
  get waiting(): number {
    let n = 0;
    for (const entry of this.entries.values()) if (entry.timer) n++;
    return n;
  }
}

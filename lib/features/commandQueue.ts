import { BridgeError } from "../util/errors.js";

/**
 * How many MQTT commands (`/set`, `/get`) may wait, or run, at a time: per entity, and for all entities together.
 * A device takes a command in tens to hundreds of milliseconds, so 100 is more than any real automation queues for
 * one lamp; the total keeps a client flooding many entities from growing memory without bound.
 */
export const COMMAND_LIMITS = { perEntity: 100, total: 1000 } as const;

export interface CommandLimits {
  readonly perEntity: number;
  readonly total: number;
}

interface Lane {
  /** commands of this entity waiting or running */
  count: number;
  /** settles when the last command queued so far has finished */
  tail: Promise<void>;
}

/**
 * Commands to one entity run one after the other, in the order received (a per-entity FIFO); different entities
 * run concurrently. Beyond the limits a command is refused at once with a BUSY error, and nothing is kept for it.
 */
export class CommandQueue {
  private readonly lanes = new Map<string, Lane>();
  private total = 0;

  constructor(private readonly limits: CommandLimits = COMMAND_LIMITS) {}

  /** Commands waiting or running. */
  get size(): number {
    return this.total;
  }

  /**
   * Runs `task` after every task queued before under `key`. Throws (synchronously) a BridgeError "BUSY" when the
   * entity or the whole queue is full; the task's own failure is its promise's rejection.
   */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const lane = this.lanes.get(key);
    if (lane && lane.count >= this.limits.perEntity) {
      throw new BridgeError(
        "BUSY",
        `${lane.count} commands are already waiting (at most ${this.limits.perEntity} per device or group)`,
        { key, limit: this.limits.perEntity },
      );
    }
    if (this.total >= this.limits.total) {
      throw new BridgeError(
        "BUSY",
        `${this.total} commands are already waiting for all devices and groups (at most ${this.limits.total})`,
        { key, limit: this.limits.total },
      );
    }
    const current: Lane = lane ?? { count: 0, tail: Promise.resolve() };
    current.count++;
    this.total++;
    this.lanes.set(key, current);
    // an idle entity's command starts now, in the caller's turn (the MQTT message's): nothing is before it in its
    // lane, and a later command still waits for its tail. Deferring it would put the MQTT client's remaining work
    // for this read, and a microtask hop, between the message and the frame
    const result = lane ? current.tail.then(task) : startNow(task);
    const done = result.then(
      () => undefined,
      () => undefined,
    );
    current.tail = done;
    void done.then(() => {
      this.total--;
      if (--current.count === 0 && this.lanes.get(key) === current) this.lanes.delete(key);
    });
    return result;
  }

  /** Settles when every command queued so far has finished. */
  async idle(): Promise<void> {
    await Promise.all([...this.lanes.values()].map((l) => l.tail));
  }
}

/** `task()` as a promise; a synchronous throw becomes its rejection, as it would after `then`. */
function startNow<T>(task: () => Promise<T>): Promise<T> {
  try {
    return Promise.resolve(task());
  } catch (e) {
    return Promise.reject(e);
  }
}

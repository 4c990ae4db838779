import type { IClientPublishOptions } from "mqtt";

export interface QueuedPublish {
  topic: string;
  payload: string | Buffer;
  options: IClientPublishOptions;
}

/**
 * What the bridge publishes while the broker is away: retained messages coalesced to the latest per topic (a state
 * is only worth its newest value), other messages (events, responses) in order up to a bound, the oldest dropped
 * first and counted.
 */
export class PublishQueue {
  private readonly retained = new Map<string, QueuedPublish>();
  private events: QueuedPublish[] = [];
  /** non-retained messages dropped because the queue was full, since the last drain */
  dropped = 0;

  constructor(private readonly maxEvents = 1000) {}

  add(entry: QueuedPublish): void {
    if (entry.options.retain) {
      this.retained.delete(entry.topic); // re-insert: keep the order of last change
      this.retained.set(entry.topic, entry);
      return;
    }
    this.events.push(entry);
    if (this.events.length > this.maxEvents) {
      this.events.shift();
      this.dropped++;
    }
  }

  get size(): number {
    return this.retained.size + this.events.length;
  }

  /** Everything queued, retained states first, and an empty queue. */
  drain(): QueuedPublish[] {
    const out = [...this.retained.values(), ...this.events];
    this.retained.clear();
    this.events = [];
    this.dropped = 0;
    return out;
  }
}

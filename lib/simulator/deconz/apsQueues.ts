import type { LoadSink } from "../load/reportLoad.js";

/** APS request slots of the firmware: requests accepted and not yet confirmed to the host. */
export const APS_SLOTS = 8;
/** Indications the firmware holds for the host; more are dropped (counted). */
export const INDICATION_CAPACITY = 1024;
/** a load generator waits while more than this many indications are unread */
const LOAD_HIGH_WATER = INDICATION_CAPACITY / 4;

/**
 * The firmware's APS queues: confirms and indications wait here until the host reads them (one per request), and
 * the requests in flight occupy slots until their confirm is read.
 */
export class ApsQueues {
  private readonly confirms: Buffer[] = [];
  private readonly indications: Buffer[] = [];
  private drainWaiters: (() => void)[] = [];
  inFlight = 0;
  /** the most requests that were in flight at once */
  maxInFlight = 0;
  indicationsDropped = 0;

  /** a request was accepted: it holds a slot until its confirm is read */
  accepted(): void {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
  }

  get confirmPending(): boolean {
    return this.confirms.length > 0;
  }

  get indicationPending(): boolean {
    return this.indications.length > 0;
  }

  get unreadIndications(): number {
    return this.indications.length;
  }

  pushConfirm(payload: Buffer): void {
    this.confirms.push(payload);
  }

  /** the oldest confirm; its request's slot is free again */
  nextConfirm(): Buffer | undefined {
    const c = this.confirms.shift();
    if (c) this.inFlight = Math.max(0, this.inFlight - 1);
    return c;
  }

  /** false when the queue is full and the indication is dropped */
  pushIndication(payload: Buffer): boolean {
    if (this.indications.length >= INDICATION_CAPACITY) {
      this.indicationsDropped++;
      return false;
    }
    this.indications.push(payload);
    return true;
  }

  nextIndication(): Buffer | undefined {
    const i = this.indications.shift();
    if (this.indications.length < LOAD_HIGH_WATER) this.wake();
    return i;
  }

  /** A reboot: everything queued is lost. */
  clear(): void {
    this.confirms.length = 0;
    this.indications.length = 0;
    this.inFlight = 0;
    this.wake();
  }

  /** A load generator's view: the indications the host has not read yet are its backlog. */
  loadSink(transport: LoadSink): LoadSink {
    return {
      backlog: () => transport.backlog() + this.indications.length * 64,
      drained: () =>
        this.indications.length < LOAD_HIGH_WATER
          ? transport.drained()
          : new Promise<void>((resolve) => this.drainWaiters.push(resolve)),
    };
  }

  wake(): void {
    const w = this.drainWaiters;
    this.drainWaiters = [];
    for (const f of w) f();
  }
}

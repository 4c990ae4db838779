import type { Timer } from "../air.js";
import type { AttributeSlot, ClusterStore } from "./attributeStore.js";
import type { AttributeValue } from "./deviceSpec.js";

/** A reporting configuration as ZCL configure reporting sets it: seconds, and attribute units for the change. */
export interface ReportConfig {
  min: number;
  max: number;
  change: number;
}

/** What the reporter needs from its device. */
export interface ReporterHost {
  now(): number;
  /** undefined when the device is detached */
  setTimer(fn: () => void, ms: number): Timer | undefined;
  clearTimer(timer: Timer): void;
  /** sends one attributeReport with the current values of these attributes of one cluster */
  sendReport(cluster: ClusterStore, slots: AttributeSlot[]): void;
}

interface Entry extends ReportConfig {
  readonly cluster: ClusterStore;
  readonly slot: AttributeSlot;
  lastValue: AttributeValue;
  lastTime: number;
  /** when a pending change may be reported (min interval not yet elapsed) */
  changeDue?: number;
  periodicDue?: number;
  timer?: Timer;
}

/** 0 and 0xffff mean "no periodic report" */
function isPeriodic(max: number): boolean {
  return max !== 0 && max !== 0xffff;
}

/**
 * Attribute reporting as a ZCL server does it: a change of at least `change` (any change for discrete types) is
 * reported at once if `min` seconds passed since the attribute was last reported, otherwise when they have; and
 * every `max` seconds regardless. Changes noted together (one command) go out in one report per cluster.
 */
export class Reporter {
  private readonly entries = new Map<ClusterStore, Map<number, Entry>>();
  private readonly pending = new Set<Entry>();
  private active = false;

  constructor(private readonly host: ReporterHost) {}

  configure(cluster: ClusterStore, slot: AttributeSlot, config: ReportConfig): void {
    this.remove(cluster, slot);
    let byAttribute = this.entries.get(cluster);
    if (!byAttribute) {
      byAttribute = new Map();
      this.entries.set(cluster, byAttribute);
    }
    const entry: Entry = { ...config, cluster, slot, lastValue: slot.value, lastTime: Number.NEGATIVE_INFINITY };
    byAttribute.set(slot.id, entry);
    if (this.active) {
      entry.periodicDue = isPeriodic(entry.max) ? this.host.now() + entry.max * 1000 : undefined;
      this.schedule(entry);
    }
  }

  remove(cluster: ClusterStore, slot: AttributeSlot): void {
    const entry = this.entries.get(cluster)?.get(slot.id);
    if (!entry) return;
    this.cancel(entry);
    this.pending.delete(entry);
    this.entries.get(cluster)?.delete(slot.id);
  }

  get(cluster: ClusterStore, slot: AttributeSlot): ReportConfig | undefined {
    const entry = this.entries.get(cluster)?.get(slot.id);
    return entry && { min: entry.min, max: entry.max, change: entry.change };
  }

  *configs(): Generator<{ cluster: ClusterStore; slot: AttributeSlot; config: ReportConfig }> {
    for (const byAttribute of this.entries.values()) {
      for (const e of byAttribute.values())
        yield { cluster: e.cluster, slot: e.slot, config: { min: e.min, max: e.max, change: e.change } };
    }
  }

  /** Notes that an attribute changed; `flush()` decides what to report. */
  changed(cluster: ClusterStore, slot: AttributeSlot): void {
    const entry = this.entries.get(cluster)?.get(slot.id);
    if (entry && this.active) this.pending.add(entry);
  }

  flush(): void {
    if (this.pending.size === 0) return;
    const now = this.host.now();
    const due: Entry[] = [];
    for (const entry of this.pending) {
      if (!this.isReportable(entry)) {
        if (entry.changeDue !== undefined) {
          entry.changeDue = undefined;
          this.schedule(entry);
        }
      } else if (now >= entry.lastTime + entry.min * 1000) {
        due.push(entry);
      } else if (entry.changeDue === undefined) {
        entry.changeDue = entry.lastTime + entry.min * 1000;
        this.schedule(entry);
      }
    }
    this.pending.clear();
    this.report(due);
  }

  /** The device attached: periodic reports start counting from now. */
  start(): void {
    this.active = true;
    const now = this.host.now();
    for (const byAttribute of this.entries.values()) {
      for (const entry of byAttribute.values()) {
        entry.periodicDue = isPeriodic(entry.max) ? now + entry.max * 1000 : undefined;
        this.schedule(entry);
      }
    }
  }

  stop(): void {
    this.active = false;
    this.pending.clear();
    for (const byAttribute of this.entries.values()) {
      for (const entry of byAttribute.values()) {
        this.cancel(entry);
        entry.changeDue = undefined;
        entry.periodicDue = undefined;
      }
    }
  }

  private isReportable(entry: Entry): boolean {
    const value = entry.slot.value;
    if (value === entry.lastValue) return false;
    if (entry.slot.analog && entry.change > 0 && typeof value === "number" && typeof entry.lastValue === "number") {
      return Math.abs(value - entry.lastValue) >= entry.change;
    }
    return true;
  }

  /** A timer of one entry fired: report every attribute of its cluster that is due now. */
  private fire(fired: Entry): void {
    fired.timer = undefined;
    const now = this.host.now();
    const due: Entry[] = [];
    for (const entry of this.entries.get(fired.cluster)?.values() ?? []) {
      const periodic = entry.periodicDue !== undefined && entry.periodicDue <= now;
      let change = entry.changeDue !== undefined && entry.changeDue <= now;
      if (change && !this.isReportable(entry)) {
        entry.changeDue = undefined;
        change = false;
        if (!periodic) this.schedule(entry);
      }
      if (periodic || change) due.push(entry);
    }
    this.report(due);
  }

  private report(due: Entry[]): void {
    if (due.length === 0) return;
    const now = this.host.now();
    const byCluster = new Map<ClusterStore, Entry[]>();
    for (const entry of due) {
      const list = byCluster.get(entry.cluster);
      if (list) list.push(entry);
      else byCluster.set(entry.cluster, [entry]);
    }
    for (const [cluster, entries] of byCluster) {
      this.host.sendReport(
        cluster,
        entries.map((e) => e.slot),
      );
      for (const entry of entries) {
        entry.lastValue = entry.slot.value;
        entry.lastTime = now;
        entry.changeDue = undefined;
        entry.periodicDue = isPeriodic(entry.max) ? now + entry.max * 1000 : undefined;
        this.schedule(entry);
      }
    }
  }

  private schedule(entry: Entry): void {
    this.cancel(entry);
    if (!this.active) return;
    const next = Math.min(entry.changeDue ?? Number.POSITIVE_INFINITY, entry.periodicDue ?? Number.POSITIVE_INFINITY);
    if (next === Number.POSITIVE_INFINITY) return;
    entry.timer = this.host.setTimer(() => this.fire(entry), Math.max(0, next - this.host.now()));
  }

  private cancel(entry: Entry): void {
    if (entry.timer !== undefined) {
      this.host.clearTimer(entry.timer);
      entry.timer = undefined;
    }
  }
}

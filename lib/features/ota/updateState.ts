import type { BridgeDevice } from "../../zigbee/bridgeDevice.js";
import type { BridgeContext } from "../context.js";
import type { EntityPublisher } from "../entityPublisher.js";

/** zigbee2mqtt's `update` object of a device state; `queued` is zigmqtt's (waiting in the OTA queue). */
export interface UpdateState {
  state: "available" | "idle" | "updating" | "scheduled" | "queued";
  installed_version: number | null;
  latest_version: number | null;
  latest_source: string | null;
  latest_release_notes: string | null;
  progress?: number;
  remaining?: number;
}

const EMPTY: UpdateState = {
  state: "idle",
  installed_version: null,
  latest_version: null,
  latest_source: null,
  latest_release_notes: null,
};

/** Keeps and publishes each device's `update` state (in the state cache, so it survives restarts). */
export class UpdateStates {
  constructor(
    private readonly ctx: BridgeContext,
    private readonly publisher: EntityPublisher,
  ) {}

  get(d: BridgeDevice): UpdateState | undefined {
    const u = this.ctx.state.get(d.ieee).update;
    return typeof u === "object" && u !== null ? (u as UpdateState) : undefined;
  }

  /** Merges into the device's `update` object (dropping progress/remaining unless given) and publishes it. */
  async set(d: BridgeDevice, change: Partial<UpdateState>): Promise<void> {
    const { progress: _p, remaining: _r, ...current } = this.get(d) ?? EMPTY;
    const next: UpdateState = { ...EMPTY, ...current, ...change };
    // Home Assistant's update entity needs versions: unknown ones are -1 there (as zigbee2mqtt does)
    if (this.ctx.settings.get().homeassistant.enabled && next.latest_version === null) {
      next.installed_version ??= -1;
      next.latest_version = next.installed_version;
    }
    await this.publisher.publish(d, { update: next });
  }

  async progress(d: BridgeDevice, progress: number, remaining: number): Promise<void> {
    await this.set(d, {
      state: "updating",
      progress: Math.round(progress * 100) / 100,
      remaining: Math.round(remaining),
    });
  }

  /** After a failed update: `scheduled` again (a scheduled one retries on the next query), else `available`. */
  async failed(d: BridgeDevice, scheduled: boolean, installed?: number): Promise<void> {
    const change: Partial<UpdateState> = { state: scheduled ? "scheduled" : "available" };
    if (installed !== undefined) {
      change.installed_version = installed;
      if (!scheduled) change.state = "idle";
    }
    await this.set(d, change);
  }

  /** Out of the queue without running: back to what the versions say. */
  async restore(d: BridgeDevice): Promise<void> {
    const u = this.get(d);
    const available =
      u?.latest_version != null && u.installed_version != null && u.latest_version !== u.installed_version;
    await this.set(d, { state: d.zh.scheduledOta ? "scheduled" : available ? "available" : "idle" });
  }

  /** At start: no update runs, so `updating` becomes `idle` and progress/remaining go (zigbee2mqtt does the same). */
  cleanUp(): void {
    for (const key of this.ctx.state.keys()) {
      const state = this.ctx.state.get(key);
      const u = state.update as UpdateState | undefined;
      if (typeof u !== "object" || u === null) continue;
      if (u.state !== "updating" && u.progress === undefined && u.remaining === undefined) continue;
      const { progress: _p, remaining: _r, ...rest } = u;
      this.ctx.state.set(key, {
        ...state,
        update: { ...rest, state: rest.state === "updating" ? "idle" : rest.state },
      });
    }
  }
}

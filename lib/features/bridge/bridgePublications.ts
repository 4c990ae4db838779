import { arch, cpus, version as osVersion, release, totalmem } from "node:os";
import { Zcl } from "zigbee-herdsman";
import * as zhc from "zigbee-herdsman-converters";
import { CURRENT_VERSION } from "../../settings/migrate.js";
import { errorMessage } from "../../util/errors.js";
import { PreSerialized, stableStringify } from "../../util/stableJson.js";
import { versions } from "../../util/versions.js";
import type { BridgeContext, Feature } from "../context.js";
import { definitionJson, deviceJson, groupJson } from "./deviceJson.js";

const NS = "z2m:bridge";
const REPUBLISH_DELAY_MS = 50;

/**
 * The bridge's own retained publications (`bridge/info`, `bridge/devices`, `bridge/groups`, `bridge/definitions`;
 * `bridge/converters` and `bridge/extensions` are ExternalJs's),
 * and `bridge/event` for Zigbee events (`bridge/logging` is bridgeLogging.ts). Republishing is throttled: a burst
 * of joins publishes `bridge/devices` at once and then once more, not once per join.
 */
export class BridgePublications implements Feature {
  private pending = new Set<"info" | "devices" | "groups" | "definitions">();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private network: { pan_id: number; extended_pan_id: string; channel: number } | undefined;
  private coordinator: { type: string; meta: Record<string, unknown> } | undefined;
  restartRequired = false;

  constructor(private readonly ctx: BridgeContext) {}

  async start(): Promise<void> {
    const bus = this.ctx.bus;
    try {
      const p = await this.ctx.zigbee.networkParameters();
      this.network = { pan_id: p.panID, extended_pan_id: p.extendedPanID, channel: p.channel };
      this.coordinator = await this.ctx.zigbee.coordinatorVersion();
    } catch (e) {
      this.ctx.logger.warning(`Cannot read network parameters: ${errorMessage(e)}`, NS);
    }
    // what zigbee2mqtt republishes after each kind of change
    bus.on("devicesChanged", this, (e) =>
      e.listOnly ? this.schedule("devices") : this.schedule("devices", "info", "definitions"),
    );
    // a renamed group's bridge/groups follows from groupsChanged
    bus.on("entityRenamed", this, (e) =>
      e.kind === "device" ? this.schedule("devices", "info") : this.schedule("info"),
    );
    bus.on("entityRemoved", this, (e) => {
      if (e.kind === "device") this.schedule("devices", "definitions");
    });
    bus.on("groupsChanged", this, (e) => this.schedule(e.optionsOnly ? "info" : "groups"));
    bus.on("permitJoinChanged", this, () => this.schedule("info"));
    bus.on("deviceJoined", this, (e) => this.event("device_joined", e.ieee));
    bus.on("deviceAnnounce", this, (e) => this.event("device_announce", e.ieee));
    bus.on("deviceLeave", this, (e) =>
      this.publishEvent({ type: "device_leave", data: { friendly_name: e.name, ieee_address: e.ieee } }),
    );
    bus.on("deviceInterview", this, (e) => this.interviewEvent(e.ieee, e.status));
    await Promise.all([this.publishInfo(), this.publishDevices(), this.publishGroups(), this.publishDefinitions()]);
  }

  stop(): void {
    this.ctx.bus.off(this);
    if (this.timer) clearTimeout(this.timer);
  }

  /**
   * Publishes what changed now (as zigbee2mqtt does after each change), then at most once per REPUBLISH_DELAY_MS
   * while changes keep coming: a burst of joins publishes bridge/devices twice, not once per join.
   */
  schedule(...what: Array<"info" | "devices" | "groups" | "definitions">): void {
    for (const w of what) this.pending.add(w);
    if (this.timer) return;
    this.flush();
    this.window();
  }

  private window(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.pending.size === 0) return;
      this.flush();
      this.window();
    }, REPUBLISH_DELAY_MS);
    this.timer.unref();
  }

  private flush(): void {
    const todo = [...this.pending];
    this.pending.clear();
    for (const w of todo) {
      const run = {
        info: this.publishInfo,
        devices: this.publishDevices,
        groups: this.publishGroups,
        definitions: this.publishDefinitions,
      }[w];
      void run
        .call(this)
        .catch((e: unknown) => this.ctx.logger.error(`Cannot publish bridge/${w}: ${errorMessage(e)}`, NS));
    }
  }

  private retained(topic: string, payload: unknown): Promise<void> {
    return this.ctx.mqtt.publish(topic, stableStringify(payload), { retain: true, qos: 0 });
  }

  async publishInfo(): Promise<void> {
    const s = this.ctx.settings.get();
    const coordinator = this.ctx.zigbee.coordinator();
    await this.retained("bridge/info", {
      version: versions.zigmqtt,
      // zigbee2mqtt's build commit; ours when run from a git checkout, else "unknown"
      commit: versions.commit ?? "unknown",
      zigbee_herdsman: { version: versions.herdsman },
      zigbee_herdsman_converters: { version: versions.converters },
      coordinator: { ieee_address: coordinator?.ieee, type: this.coordinator?.type, meta: this.coordinator?.meta },
      network: this.network,
      log_level: s.advanced.log_level,
      permit_join: this.ctx.zigbee.permitJoinActive,
      permit_join_end: this.ctx.zigbee.permitJoinEnd,
      restart_required: this.restartRequired,
      os: {
        version: `${osVersion()} - ${release()} - ${arch()}`, // zigbee2mqtt's form
        node_version: process.version,
        cpus: `${cpus()[0]?.model ?? "?"} (x${cpus().length})`,
        memory_mb: Math.round(totalmem() / 1048576),
      },
      mqtt: { server: s.mqtt.server, version: s.mqtt.version ?? 4 },
      // the configuration file's format version, which zigbee2mqtt shows in its config
      config: { ...this.ctx.settings.redacted(), version: CURRENT_VERSION },
      config_schema: this.ctx.settings.schema(),
    });
  }

  async publishDevices(): Promise<void> {
    const list = [this.ctx.zigbee.coordinator(), ...this.ctx.zigbee.devices()].filter((d) => d !== undefined);
    await this.retained("bridge/devices", list.map(deviceJson));
  }

  async publishGroups(): Promise<void> {
    await this.retained("bridge/groups", this.ctx.zigbee.groups().map(groupJson));
  }

  async publishDefinitions(): Promise<void> {
    await this.retained("bridge/definitions", {
      // 228 KB of cluster definitions in their (fixed) source order: the native writer, not the key-sorting one
      clusters: new PreSerialized(JSON.stringify(Zcl.Clusters)),
      custom_clusters: this.customClusters(),
      actions: Object.keys((zhc as unknown as { ACTIONS?: Record<string, unknown> }).ACTIONS ?? {}),
    });
  }

  /** Each device's own clusters (added by its definition), by IEEE address; devices without any are left out. */
  private customClusters(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const d of this.ctx.zigbee.devices()) {
      const custom = d.zh.customClusters;
      if (custom && Object.keys(custom).length > 0) out[d.ieee] = custom;
    }
    return out;
  }

  private event(type: string, ieee: string): void {
    const d = this.ctx.zigbee.device(ieee);
    void this.publishEvent({ type, data: { friendly_name: d?.name ?? ieee, ieee_address: ieee } });
  }

  private interviewEvent(ieee: string, status: "started" | "successful" | "failed"): void {
    const d = this.ctx.zigbee.device(ieee);
    const data: Record<string, unknown> = { friendly_name: d?.name ?? ieee, ieee_address: ieee, status };
    if (status === "successful" && d) {
      data.supported = d.supported;
      // the same block as in bridge/devices (source, version, icon included), as zigbee2mqtt sends
      data.definition = d.definition ? definitionJson(d) : null;
    }
    void this.publishEvent({ type: "device_interview", data });
  }

  private async publishEvent(e: { type: string; data: Record<string, unknown> }): Promise<void> {
    try {
      await this.ctx.mqtt.publish("bridge/event", stableStringify(e), { retain: false, qos: 0 });
    } catch (err) {
      this.ctx.logger.warning(`Cannot publish bridge/event: ${errorMessage(err)}`, NS);
    }
  }
}

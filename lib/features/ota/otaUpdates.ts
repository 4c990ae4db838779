import { join } from "node:path";
import { setOtaConfiguration, Zcl } from "zigbee-herdsman";
import type { ZigbeeMessage } from "../../eventBus.js";
import { BridgeError, errorMessage } from "../../util/errors.js";
import type { BridgeDevice } from "../../zigbee/bridgeDevice.js";
import type { BridgeContext, Feature } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { OtaQueue, type QueueEntry } from "./otaQueue.js";
import type { OtaDataOverrides, OtaSourceSpec } from "./otaSource.js";
import { type UpdateState, UpdateStates } from "./updateState.js";

const NS = "z2m:ota";
const REINTERVIEW_MS = 5000;
type QueryPayload = { fieldControl: number; manufacturerCode: number; imageType: number; fileVersion: number };
type Versions = { file_version: number | null; software_build_id: unknown; date_code: unknown };

/**
 * Firmware updates over the air with zigbee-herdsman's OTA helpers (`Device.checkOta/updateOta/scheduleOta/…`):
 * answers every device's `queryNextImageRequest`, checks for updates on device polls at most once per
 * `ota.update_check_interval`, runs updates through a queue (`ota.queue_concurrency`), publishes the `update` state.
 */
export class OtaUpdates implements Feature {
  readonly states: UpdateStates;
  readonly queue: OtaQueue;
  /** devices with a check or a scheduled update running now */
  private readonly busy = new Set<string>();
  private readonly lastCheck = new Map<string, number>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    private readonly ctx: BridgeContext,
    deps: FeatureDeps,
  ) {
    this.states = new UpdateStates(ctx, deps.publisher);
    this.queue = new OtaQueue(
      join(ctx.settings.dataDir, "ota_queue.json"),
      () => ctx.settings.get().ota.queue_concurrency,
      {
        priority: (ieee) => (this.ctx.zigbee.device(ieee)?.zh.type === "EndDevice" ? 1 : 0),
        run: (entry) => this.runQueued(entry),
        changed: (ieee, queued) => {
          const d = this.ctx.zigbee.device(ieee);
          if (d && queued) void this.states.set(d, { state: "queued" });
        },
        log: (level, message) => this.ctx.logger[level](message, NS),
      },
    );
  }

  start(): void {
    const ota = this.ctx.settings.get().ota;
    setOtaConfiguration(this.ctx.settings.dataDir, ota.zigbee_ota_override_index_location ?? undefined);
    this.states.cleanUp();
    this.ctx.bus.on("deviceMessage", this, (e) => {
      if (e.message.cluster === "genOta" && e.message.type === "commandQueryNextImageRequest") {
        void this.onQuery(e.ieee, e.message);
      }
    });
    this.queue.start();
  }

  stop(): void {
    this.ctx.bus.off(this);
    this.queue.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const d of this.ctx.zigbee.devices()) d.zh.abortOta(); // a no-op where no transfer runs
  }

  /** An OTA-capable device: its definition says so, or a source was given. */
  requireOta(d: BridgeDevice, source: OtaSourceSpec): void {
    if (!d.definition?.ota && !source.url)
      throw new BridgeError("UNSUPPORTED", `Device '${d.name}' does not support OTA updates`);
    if (!d.zh.endpoints.some((e) => e.supportsOutputCluster("genOta"))) {
      throw new BridgeError("UNSUPPORTED", `Device '${d.name}' does not support OTA updates`);
    }
  }

  private extraMetas(d: BridgeDevice): Record<string, unknown> {
    const ota = d.definition?.ota;
    return typeof ota === "object" && ota !== null ? { ...ota } : {};
  }

  private inProgress(d: BridgeDevice): boolean {
    return this.busy.has(d.ieee) || this.queue.isRunning(d.ieee) || d.zh.otaInProgress;
  }

  /** check (/downgrade): asks the device for its version (image notify), looks the image up. */
  async check(d: BridgeDevice, source: OtaSourceSpec, current?: QueryPayload): Promise<Record<string, unknown>> {
    if (this.inProgress(d))
      throw new BridgeError("BUSY", `OTA update or check for update already in progress for '${d.name}'`);
    this.busy.add(d.ieee);
    try {
      const result = await d.zh.checkOta(source, current, this.extraMetas(d) as never);
      const meta = result.availableMeta;
      await this.states.set(d, {
        state: result.available ? "available" : "idle",
        installed_version: result.current.fileVersion,
        latest_version: meta?.fileVersion ?? result.current.fileVersion,
        latest_source: meta?.url ?? null,
        latest_release_notes: meta?.releaseNotes ?? null,
      });
      const data: Record<string, unknown> = { id: d.name, update_available: result.available };
      if (source.downgrade) data.downgrade = true;
      if (meta?.url) data.source = meta.url;
      if (meta?.releaseNotes) data.release_notes = meta.releaseNotes;
      return data;
    } catch (e) {
      throw new BridgeError(
        "ZIGBEE_FAILED",
        `Failed to check if update available for '${d.name}' (${errorMessage(e)})`,
      );
    } finally {
      this.busy.delete(d.ieee);
    }
  }

  /** Queues an update; resolves when it has run (the `update` request's response). */
  update(d: BridgeDevice, source: OtaSourceSpec, overrides: OtaDataOverrides): Promise<Record<string, unknown>> {
    if (this.inProgress(d))
      throw new BridgeError("BUSY", `OTA update or check for update already in progress for '${d.name}'`);
    return this.queue.enqueue({ ieee: d.ieee, source, overrides, queuedAt: Date.now() });
  }

  /** Aborts a running update, or takes a queued device out of the queue. */
  abort(d: BridgeDevice): void {
    if (this.queue.remove(d.ieee, `OTA update of '${d.name}' was aborted while queued`)) {
      void this.states.restore(d);
      return;
    }
    // herdsman's otaInProgress is false while the blocks transfer: the queue knows what runs
    if (!this.queue.isRunning(d.ieee) && !this.busy.has(d.ieee)) {
      throw new BridgeError("INVALID_PAYLOAD", `No OTA update in progress for '${d.name}'`);
    }
    d.zh.abortOta();
  }

  private async runQueued(entry: QueueEntry): Promise<Record<string, unknown>> {
    const d = this.ctx.zigbee.device(entry.ieee);
    if (!d) throw new BridgeError("UNKNOWN_ENTITY", `Device '${entry.ieee}' does not exist`);
    this.checkBattery(d);
    return this.run(d, entry.source, entry.overrides);
  }

  /** `ota.battery_threshold`: a battery device with a known charge below it is kept out. */
  private checkBattery(d: BridgeDevice): void {
    const threshold = this.ctx.settings.get().ota.battery_threshold;
    if (threshold <= 0 || d.zh.powerSource !== "Battery") return;
    const battery = this.ctx.state.get(d.ieee).battery;
    if (typeof battery === "number" && battery < threshold) {
      throw new BridgeError(
        "BUSY",
        `OTA update of '${d.name}' refused: battery ${battery}% is below ota.battery_threshold ${threshold}%`,
      );
    }
  }

  /** One update, with progress in the state; on success a re-interview (and so a new configure) follows. */
  private async run(
    d: BridgeDevice,
    source: OtaSourceSpec | undefined,
    overrides: OtaDataOverrides,
    query?: { payload: QueryPayload; tsn: number },
  ): Promise<Record<string, unknown>> {
    const ota = this.ctx.settings.get().ota;
    const settings = {
      requestTimeout: overrides.image_block_request_timeout ?? ota.image_block_request_timeout,
      responseDelay: overrides.image_block_response_delay ?? ota.image_block_response_delay,
      baseSize: overrides.default_maximum_data_size ?? ota.default_maximum_data_size,
    };
    this.ctx.logger.info(`Updating '${d.name}' to the latest firmware`, NS);
    const from = await this.readVersions(d);
    let result: Awaited<ReturnType<BridgeDevice["zh"]["updateOta"]>>;
    try {
      result = await d.zh.updateOta(
        source,
        query?.payload,
        query?.tsn,
        this.extraMetas(d) as never,
        (progress, remaining) => void this.states.progress(d, progress, remaining),
        settings,
      );
    } catch (e) {
      await this.states.failed(d, d.zh.scheduledOta !== undefined);
      throw new BridgeError("ZIGBEE_FAILED", `OTA update of '${d.name}' failed (${errorMessage(e)})`);
    }
    const [before, after] = result;
    if (!after) {
      await this.states.failed(d, false, before.fileVersion);
      throw new BridgeError("ZIGBEE_FAILED", `Update of '${d.name}' failed (No image currently available)`);
    }
    const to = await this.readVersions(d);
    this.ctx.logger.info(
      `Finished update of '${d.name}': file version ${before.fileVersion} → ${after.fileVersion}`,
      NS,
    );
    await this.states.set(d, {
      state: "idle",
      installed_version: after.fileVersion,
      latest_version: after.fileVersion,
      latest_source: null,
      latest_release_notes: null,
    });
    const meta = d.zh.meta as Record<string, unknown>;
    delete meta.configured;
    d.zh.save();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.ctx.zigbee.interview(d).catch(() => {}); // the interview reports its own failure
    }, REINTERVIEW_MS);
    this.timers.add(timer);
    return {
      id: d.name,
      from: { ...from, file_version: before.fileVersion },
      to: { ...to, file_version: after.fileVersion },
    };
  }

  private async readVersions(d: BridgeDevice): Promise<Versions> {
    const ep = d.zh.endpoints.find((e) => e.supportsInputCluster("genBasic")) ?? d.zh.endpoints[0];
    try {
      const r = (await ep?.read("genBasic", ["dateCode", "swBuildId"], { sendPolicy: "immediate" })) ?? {};
      return { file_version: null, software_build_id: r.swBuildId ?? null, date_code: r.dateCode ?? null };
    } catch {
      return { file_version: null, software_build_id: d.zh.softwareBuildID ?? null, date_code: d.zh.dateCode ?? null };
    }
  }

  /** A device asks for an image: a scheduled update runs now; else NO_IMAGE_AVAILABLE and maybe a check. */
  private async onQuery(ieee: string, message: ZigbeeMessage): Promise<void> {
    const d = this.ctx.zigbee.device(ieee);
    if (!d?.definition) return;
    const payload = message.data as unknown as QueryPayload;
    const tsn = Number(message.meta.zclTransactionSequenceNumber);
    const endpoint = d.zh.endpoints.find((e) => e.ID === message.endpoint.ID);
    // the answer to our own image notify: herdsman's check or update waits for it and answers it
    if (this.inProgress(d)) return;
    if (d.zh.scheduledOta) {
      this.busy.add(d.ieee);
      try {
        await this.run(d, undefined, {}, { payload, tsn });
      } catch (e) {
        this.ctx.logger.error(errorMessage(e), NS);
      } finally {
        this.busy.delete(d.ieee);
      }
      return;
    }
    try {
      await endpoint?.commandResponse(
        "genOta",
        "queryNextImageResponse",
        { status: Zcl.Status.NO_IMAGE_AVAILABLE },
        undefined,
        tsn,
      );
    } catch (e) {
      this.ctx.logger.debug(() => `Answering the image query of '${d.name}' failed: ${errorMessage(e)}`, NS);
    }
    const ota = this.ctx.settings.get().ota;
    if (!d.definition.ota || ota.disable_automatic_update_check || d.options.disable_automatic_update_check) return;
    if (this.queue.has(d.ieee)) return;
    const last = this.lastCheck.get(d.ieee);
    if (last !== undefined && Date.now() - last < ota.update_check_interval * 60_000) return;
    this.lastCheck.set(d.ieee, Date.now());
    try {
      await this.check(d, {}, payload);
    } catch (e) {
      this.ctx.logger.debug(() => errorMessage(e), NS);
    }
  }

  /** The current `update` state of a device (for the requests' responses). */
  state(d: BridgeDevice): UpdateState | undefined {
    return this.states.get(d);
  }
}

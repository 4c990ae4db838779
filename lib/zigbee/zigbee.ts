import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Controller } from "zigbee-herdsman";
import type { EventBus } from "../eventBus.js";
import type { Settings } from "../settings/types.js";
import { BridgeError, errorMessage } from "../util/errors.js";
import type { Logger } from "../util/logger.js";
import { AdapterReconnect, closeAdapter, stopQuietly } from "./adapterReconnect.js";
import { BridgeDevice, type DeviceOptionsSource } from "./bridgeDevice.js";
import { BridgeGroup, type GroupOptionsSource } from "./bridgeGroup.js";
import { guardDeconz, quiesceDeconz } from "./deconzDriver.js";
import type { Device, Group } from "./herdsmanTypes.js";
import { resolveSerialTarget, type SerialTarget, type VirtualCoordinator } from "./serialTarget.js";

const NS = "z2m:zigbee";
/** while a start is being abandoned, its adapter connection is closed again this often until the start has ended */
const CLOSE_RETRY_MS = 200;
const DIGITS = /^\d+$/;

export interface ZigbeeSettingsSource extends DeviceOptionsSource, GroupOptionsSource {
  get(): Readonly<Settings>;
  ensureDevice(ieee: string): void;
  ensureDevices(ieees: Iterable<string>): void;
}

export type Entity = BridgeDevice | BridgeGroup;

/**
 * zigbee-herdsman, started from the settings, with its events turned into bus events, and the devices and groups
 * the bridge knows (by IEEE address / group id, with friendly names from the settings).
 */
export class Zigbee {
  private herdsman: Controller | undefined;
  private readonly deviceByIeee = new Map<string, BridgeDevice>();
  private readonly groupById = new Map<number, BridgeGroup>();
  /** friendly name → entity, built on the first lookup after a device, group or settings change */
  private names: { settings: Readonly<Settings>; byName: Map<string, Entity> } | undefined;
  private target: SerialTarget | undefined;
  private permitJoinEndMs: number | undefined;
  private adapterDown = false;
  private stopping = false;
  /** a herdsman start in flight (the first one or a reconnect attempt) */
  private starting: { herdsman: Controller; abort: AbortController; done: Promise<unknown> } | undefined;
  private readonly reconnector: AdapterReconnect;

  constructor(
    private readonly settings: ZigbeeSettingsSource,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly dataDir: string,
  ) {
    this.reconnector = new AdapterReconnect({
      attempt: async (signal) => {
        await this.startHerdsman(signal);
      },
      back: (attempt) => {
        this.logger.info(`Zigbee adapter is back (attempt ${attempt})`, NS);
        this.bus.emit("adapterReconnected", {});
        this.bus.emit("devicesChanged", {});
      },
      failed: (attempt, e) =>
        this.logger.warning(`Reconnecting to the Zigbee adapter failed (attempt ${attempt}): ${errorMessage(e)}`, NS),
    });
  }

  get controller(): Controller {
    if (!this.herdsman || this.adapterDown) {
      throw new BridgeError("ADAPTER_UNAVAILABLE", "The Zigbee adapter is disconnected (reconnecting)");
    }
    return this.herdsman;
  }

  /** The in-process virtual coordinator, when `serial.port` is `virtual://…`. */
  get virtual(): VirtualCoordinator | undefined {
    return this.target?.virtual;
  }

  async start(): Promise<string> {
    this.target = await resolveSerialTarget(this.settings.get().serial, this.dataDir, this.logger);
    try {
      return await this.startHerdsman();
    } catch (e) {
      await this.target.virtual?.stop();
      throw e;
    }
  }

  /**
   * Starts herdsman and takes over its devices and groups. A stop() meanwhile aborts it: nothing is tracked or
   * emitted, and the adapter connection is closed (a failed start closes it too, so the port is never held).
   */
  private async startHerdsman(signal?: AbortSignal): Promise<string> {
    const s = this.settings.get();
    const target = this.target as SerialTarget;
    const files = target.virtual ? join(this.dataDir, "virtual") : this.dataDir;
    const adv = s.advanced;
    const herdsman = new Controller({
      network: {
        panID: adv.pan_id as number,
        extendedPanID: adv.ext_pan_id as number[],
        channelList: [adv.channel],
        networkKey: adv.network_key as number[],
      },
      transport: {
        path: target.path,
        adapter: target.adapter as never,
        baudRate: s.serial.baudrate ?? target.baudRate,
        rtscts: s.serial.rtscts ?? target.rtscts,
      },
      databasePath: join(files, "database.db"),
      databaseBackupPath: join(files, "database.db.backup"),
      backupPath: join(files, "coordinator_backup.json"),
      adapter: {
        disableLED: s.serial.disable_led ?? false,
        concurrent: adv.adapter_concurrent,
        delay: adv.adapter_delay,
        transmitPower: adv.transmit_power,
      },
      acceptJoiningDeviceHandler: async (ieee) => this.acceptJoin(ieee),
    });
    if (this.stopping || signal?.aborted) throw new BridgeError("ADAPTER_UNAVAILABLE", "The bridge is stopping");
    // herdsman picks the adapter itself when none is configured
    if (target.adapter === undefined || target.adapter === "deconz") guardDeconz(herdsman, this.logger);
    this.wire(herdsman);
    const abort = new AbortController();
    const started = herdsman.start(abort.signal);
    this.starting = { herdsman, abort, done: started.catch(() => {}) };
    let result: string;
    try {
      result = await started;
    } catch (e) {
      await closeAdapter(herdsman);
      quiesceDeconz(herdsman, this.logger);
      if (this.stopping) throw new BridgeError("ADAPTER_UNAVAILABLE", "The bridge stopped during the adapter start");
      throw new BridgeError(
        "ADAPTER_UNAVAILABLE",
        `Zigbee adapter failed to start on ${target.description}: ${errorMessage(e)}`,
      );
    } finally {
      this.starting = undefined;
    }
    if (this.stopping) {
      await stopQuietly(herdsman, this.logger);
      throw new BridgeError("ADAPTER_UNAVAILABLE", "The bridge stopped during the adapter start");
    }
    this.herdsman = herdsman;
    this.adapterDown = false;
    this.logger.info(`Zigbee network ${result} on ${target.description}`, NS);
    for (const d of herdsman.getDevicesIterator()) this.track(d);
    this.groupById.clear();
    this.names = undefined;
    for (const g of herdsman.getGroups()) this.groupById.set(g.groupID, new BridgeGroup(g, this.settings));
    this.settings.ensureDevices(this.devices().map((d) => d.ieee));
    for (const d of this.deviceByIeee.values()) await d.resolveDefinition();
    this.resumeInterviews();
    return result;
  }

  /** Devices whose interview never finished (the bridge stopped or crashed during it) are interviewed again. */
  private resumeInterviews(): void {
    for (const d of this.devices()) {
      if (d.zh.interviewState === "SUCCESSFUL" || d.zh.interviewState === "IN_PROGRESS") continue;
      this.logger.info(`Interview of '${d.name}' did not finish before; interviewing again`, NS);
      this.interview(d).catch(() => {}); // reported by interview()
    }
  }

  /**
   * Interviews a device again (device/interview, or an interview that did not finish), with the same events as
   * one herdsman runs when a device joins: `deviceInterview` started, then successful or failed. `requested` (the
   * device/interview request) logs zigbee2mqtt's lines for it: "Interviewing" and "Successfully interviewed", no
   * pairing line.
   */
  async interview(d: BridgeDevice, requested = false): Promise<void> {
    const h = this.controller;
    void this.interviewed(d.zh, "started", undefined, requested);
    try {
      await d.zh.interview(true);
    } catch (e) {
      if (this.herdsman === h) void this.interviewed(d.zh, "failed", errorMessage(e), requested);
      throw e;
    }
    if (this.herdsman === h) await this.interviewed(d.zh, "successful", undefined, requested);
  }

  /** The one place an interview's progress is taken in: definition refreshed, logged, told on the bus. */
  private async interviewed(
    zh: Device,
    status: "started" | "successful" | "failed",
    why?: string,
    requested = false,
  ): Promise<void> {
    const d = this.track(zh);
    if (status === "successful") {
      d.invalidate();
      try {
        await d.resolveDefinition();
      } catch (e) {
        this.logger.error(`Cannot find a definition for '${d.name}': ${errorMessage(e)}`, NS);
      }
    }
    if (this.stopping) return;
    // started and successful in zigbee2mqtt's wording and namespace (bridge/logging readers match on them)
    if (status === "failed") this.logger.warning(`Interview of '${d.name}' failed${why ? `: ${why}` : ""}`, NS);
    else if (status === "started")
      this.logger.info(requested ? `Interviewing '${d.name}'` : `Starting interview of '${d.name}'`);
    else if (requested) this.logger.info(`Successfully interviewed '${d.name}'`);
    else {
      this.logger.info(`Successfully interviewed '${d.name}', device has successfully been paired`);
      const def = d.definition;
      if (def && d.supported)
        this.logger.info(
          `Device '${d.name}' is supported, identified as: ${def.vendor} ${def.description} (${def.model})`,
        );
    }
    this.bus.emit("deviceInterview", { ieee: d.ieee, status });
    this.bus.emit("devicesChanged", { listOnly: true });
  }

  /** The adapter connection dropped: stop herdsman cleanly, then start it again with backoff until it is back. */
  private async reconnect(old: Controller): Promise<void> {
    if (this.herdsman === old) this.herdsman = undefined;
    await stopQuietly(old, this.logger);
    if (!this.stopping) this.reconnector.start();
  }

  /** False while the adapter is disconnected (commands then fail at once with a clear error). */
  get available(): boolean {
    return !this.adapterDown && this.herdsman !== undefined;
  }

  /**
   * Stops herdsman. A start in flight (a reconnect attempt on an adapter that does not answer) is aborted and its
   * adapter connection closed at once, so the port is free when this resolves.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    const starting = this.starting;
    if (starting) {
      starting.abort.abort();
      // the adapter may still be opening (closing it is then a no-op): close again until the start has ended
      let ended = false;
      void starting.done.then(() => {
        ended = true;
      });
      while (!ended) {
        await closeAdapter(starting.herdsman);
        await Promise.race([starting.done, sleep(CLOSE_RETRY_MS)]);
      }
      quiesceDeconz(starting.herdsman, this.logger);
    }
    await this.reconnector.stop();
    this.adapterDown = true;
    const h = this.herdsman;
    this.herdsman = undefined;
    if (h) {
      try {
        await h.stop();
      } catch (e) {
        this.logger.warning(`stopping zigbee-herdsman: ${errorMessage(e)}`, NS);
      }
      quiesceDeconz(h, this.logger);
    }
    await this.target?.virtual?.stop();
  }

  private acceptJoin(ieee: string): boolean {
    const s = this.settings.get();
    if (s.passlist.length > 0 && !s.passlist.includes(ieee)) {
      this.logger.warning(`Device '${ieee}' is not on the passlist: rejected`, NS);
      return false;
    }
    if (s.blocklist.includes(ieee)) {
      this.logger.warning(`Device '${ieee}' is on the blocklist: rejected`, NS);
      return false;
    }
    return true;
  }

  private wire(h: Controller): void {
    h.on("message", (m) => {
      if (m.device.type === "Coordinator") return;
      this.bus.emit("deviceMessage", { ieee: m.device.ieeeAddr, message: m as never });
    });
    h.on("deviceJoined", (e) => {
      this.track(e.device);
      this.settings.ensureDevice(e.device.ieeeAddr);
      this.logger.info(`Device '${this.nameOf(e.device)}' joined`);
      this.bus.emit("deviceJoined", { ieee: e.device.ieeeAddr });
      this.bus.emit("devicesChanged", { listOnly: true });
    });
    h.on("deviceInterview", (e) => {
      void this.interviewed(e.device, e.status);
    });
    h.on("deviceLeave", (e) => {
      const d = this.deviceByIeee.get(e.ieeeAddr);
      const name = d?.name ?? e.ieeeAddr;
      this.logger.info(`Device '${name}' left the network`, NS);
      this.deviceByIeee.delete(e.ieeeAddr);
      this.names = undefined;
      this.bus.emit("deviceLeave", { ieee: e.ieeeAddr, name });
      this.bus.emit("devicesChanged", { listOnly: true });
    });
    h.on("deviceAnnounce", (e) => {
      this.track(e.device);
      this.bus.emit("deviceAnnounce", { ieee: e.device.ieeeAddr });
    });
    h.on("deviceNetworkAddressChanged", (e) => {
      this.bus.emit("deviceNetworkAddressChanged", { ieee: e.device.ieeeAddr });
      this.bus.emit("devicesChanged", { listOnly: true });
    });
    h.on("permitJoinChanged", (e) => {
      this.permitJoinEndMs = e.permitted && e.time ? Date.now() + e.time * 1000 : undefined;
      this.bus.emit("permitJoinChanged", { permitted: e.permitted, time: e.time });
    });
    h.on("adapterDisconnected", () => {
      if (this.stopping || h !== this.herdsman) return;
      this.logger.error("Zigbee adapter disconnected; reconnecting", NS);
      this.adapterDown = true;
      this.bus.emit("adapterDisconnected", {});
      void this.reconnect(h);
    });
  }

  private track(d: Device): BridgeDevice {
    let bd = this.deviceByIeee.get(d.ieeeAddr);
    if (!bd || bd.zh !== d) {
      bd = new BridgeDevice(d, this.settings);
      this.deviceByIeee.set(d.ieeeAddr, bd);
      this.names = undefined;
    }
    return bd;
  }

  private nameOf(d: Device): string {
    return this.settings.deviceOptions(d.ieeeAddr).friendly_name ?? d.ieeeAddr;
  }

  // ---- lookups ------------------------------------------------------------------------------------------------

  device(ieee: string): BridgeDevice | undefined {
    return this.deviceByIeee.get(ieee);
  }

  /** Devices other than the coordinator. */
  devices(): BridgeDevice[] {
    return [...this.deviceByIeee.values()].filter((d) => !d.isCoordinator);
  }

  coordinator(): BridgeDevice | undefined {
    return [...this.deviceByIeee.values()].find((d) => d.isCoordinator);
  }

  groups(): BridgeGroup[] {
    return [...this.groupById.values()];
  }

  group(id: number): BridgeGroup | undefined {
    return this.groupById.get(id);
  }

  trackGroup(g: Group): BridgeGroup {
    const bg = new BridgeGroup(g, this.settings);
    this.groupById.set(g.groupID, bg);
    this.names = undefined;
    return bg;
  }

  untrackGroup(id: number): void {
    this.groupById.delete(id);
    this.names = undefined;
  }

  /**
   * Resolves every device's definition again (external converters were added or removed), then tells the bus that
   * the devices changed. A device whose definition cannot be found keeps none, with an error in the log.
   */
  async redefineDevices(): Promise<void> {
    for (const d of this.deviceByIeee.values()) {
      d.invalidate();
      try {
        await d.resolveDefinition();
      } catch (e) {
        this.logger.error(`Cannot find a definition for '${d.name}': ${errorMessage(e)}`, NS);
      }
    }
    this.bus.emit("devicesChanged", {});
  }

  /** Forgets a device removed from herdsman's database (herdsman emits no leave for a device it already deleted). */
  untrackDevice(ieee: string): void {
    this.deviceByIeee.delete(ieee);
    this.names = undefined;
  }

  /**
   * A device or group by IEEE address, friendly name (a device's before a group's) or group id. O(1): every MQTT
   * command resolves its entity, and a network can have a thousand devices.
   */
  resolveEntity(key: string): Entity | undefined {
    const byIeee = this.deviceByIeee.get(key.toLowerCase());
    if (byIeee && !byIeee.isCoordinator) return byIeee;
    const byName = this.nameIndex().get(key);
    if (byName) return byName;
    if (DIGITS.test(key)) return this.groupById.get(Number(key));
    return undefined;
  }

  /** The name index, rebuilt when the settings (the names' source) or the devices and groups changed. */
  private nameIndex(): Map<string, Entity> {
    const settings = this.settings.get();
    if (this.names?.settings === settings) return this.names.byName;
    const byName = new Map<string, Entity>();
    for (const d of this.deviceByIeee.values()) if (!d.isCoordinator && !byName.has(d.name)) byName.set(d.name, d);
    for (const g of this.groupById.values()) if (!byName.has(g.name)) byName.set(g.name, g);
    this.names = { settings, byName };
    return byName;
  }

  // ---- network ------------------------------------------------------------------------------------------------

  async permitJoin(seconds: number, device?: BridgeDevice): Promise<void> {
    await this.controller.permitJoin(seconds, device?.zh);
  }

  get permitJoinEnd(): number | undefined {
    return this.permitJoinEndMs;
  }

  get permitJoinActive(): boolean {
    return this.permitJoinEndMs !== undefined && this.permitJoinEndMs > Date.now();
  }

  async networkParameters(): Promise<{ panID: number; extendedPanID: string; channel: number }> {
    const p = await this.controller.getNetworkParameters();
    return { panID: p.panID, extendedPanID: String(p.extendedPanID), channel: p.channel };
  }

  async coordinatorVersion(): Promise<{ type: string; meta: Record<string, unknown> }> {
    const v = await this.controller.getCoordinatorVersion();
    return { type: v.type, meta: v.meta as Record<string, unknown> };
  }

  get adapterDescription(): string {
    return this.target?.description ?? "";
  }
}

import { join } from "node:path";
import { Controller } from "zigbee-herdsman";
import type { EventBus } from "../eventBus.js";
import type { Settings } from "../settings/types.js";
import { BridgeError } from "../util/errors.js";
import type { Logger } from "../util/logger.js";
import { BridgeDevice, type DeviceOptionsSource } from "./bridgeDevice.js";
import { BridgeGroup, type GroupOptionsSource } from "./bridgeGroup.js";
import type { Device, Group } from "./herdsmanTypes.js";
import { resolveSerialTarget, type SerialTarget, type VirtualCoordinator } from "./serialTarget.js";

const NS = "z2m:zigbee";
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;

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
  private target: SerialTarget | undefined;
  private permitJoinEndMs: number | undefined;
  private adapterDown = false;
  private reconnecting = false;
  private stopping = false;

  constructor(
    private readonly settings: ZigbeeSettingsSource,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly dataDir: string,
  ) {}

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

  private async startHerdsman(): Promise<string> {
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
      serialPort: {
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
    this.herdsman = herdsman;
    this.wire(herdsman);
    let result: string;
    try {
      result = await herdsman.start();
    } catch (e) {
      this.herdsman = undefined;
      throw new BridgeError(
        "ADAPTER_UNAVAILABLE",
        `Zigbee adapter failed to start on ${target.description}: ${(e as Error).message}`,
      );
    }
    this.adapterDown = false;
    this.logger.info(`Zigbee network ${result} on ${target.description}`, NS);
    for (const d of herdsman.getDevicesIterator()) this.track(d);
    this.groupById.clear();
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
      this.bus.emit("deviceInterview", { ieee: d.ieee, status: "started" });
      d.zh
        .interview(true)
        .then(async () => {
          d.invalidate();
          await d.resolveDefinition();
          this.bus.emit("deviceInterview", { ieee: d.ieee, status: "successful" });
          this.bus.emit("devicesChanged", {});
        })
        .catch((e: unknown) => {
          this.logger.warning(`Interview of '${d.name}' failed again: ${(e as Error).message}`, NS);
          this.bus.emit("deviceInterview", { ieee: d.ieee, status: "failed" });
        });
    }
  }

  /** The adapter connection dropped: stop herdsman cleanly, then start it again with backoff until it is back. */
  private async reconnect(): Promise<void> {
    if (this.stopping || this.reconnecting) return;
    this.reconnecting = true;
    this.adapterDown = true;
    const old = this.herdsman;
    this.herdsman = undefined;
    try {
      await old?.stop();
    } catch (e) {
      this.logger.debug(() => `stopping the disconnected herdsman: ${(e as Error).message}`, NS);
    }
    let delay = RECONNECT_MIN_MS;
    for (let attempt = 1; !this.stopping; attempt++) {
      await new Promise((r) => setTimeout(r, delay));
      if (this.stopping) break;
      try {
        await this.startHerdsman();
        this.logger.info(`Zigbee adapter is back (attempt ${attempt})`, NS);
        this.bus.emit("adapterReconnected", {});
        this.bus.emit("devicesChanged", {});
        break;
      } catch (e) {
        this.logger.warning(
          `Reconnecting to the Zigbee adapter failed (attempt ${attempt}): ${(e as Error).message}`,
          NS,
        );
        delay = Math.min(delay * 2, RECONNECT_MAX_MS);
      }
    }
    this.reconnecting = false;
  }

  /** False while the adapter is disconnected (commands then fail at once with a clear error). */
  get available(): boolean {
    return !this.adapterDown && this.herdsman !== undefined;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const h = this.herdsman;
    this.herdsman = undefined;
    if (h) {
      try {
        await h.stop();
      } catch (e) {
        this.logger.warning(`stopping zigbee-herdsman: ${(e as Error).message}`, NS);
      }
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
      this.logger.info(`Device '${this.nameOf(e.device)}' joined`, NS);
      this.bus.emit("deviceJoined", { ieee: e.device.ieeeAddr });
      this.bus.emit("devicesChanged", {});
    });
    h.on("deviceInterview", async (e) => {
      const d = this.track(e.device);
      if (e.status === "successful") {
        d.invalidate();
        await d.resolveDefinition();
      }
      this.logger.info(`Interview of '${d.name}' ${e.status}`, NS);
      this.bus.emit("deviceInterview", { ieee: d.ieee, status: e.status });
      if (e.status !== "started") this.bus.emit("devicesChanged", {});
    });
    h.on("deviceLeave", (e) => {
      const d = this.deviceByIeee.get(e.ieeeAddr);
      const name = d?.name ?? e.ieeeAddr;
      this.logger.info(`Device '${name}' left the network`, NS);
      this.deviceByIeee.delete(e.ieeeAddr);
      this.bus.emit("deviceLeave", { ieee: e.ieeeAddr, name });
      this.bus.emit("devicesChanged", {});
    });
    h.on("deviceAnnounce", (e) => {
      this.track(e.device);
      this.bus.emit("deviceAnnounce", { ieee: e.device.ieeeAddr });
    });
    h.on("deviceNetworkAddressChanged", (e) => {
      this.bus.emit("deviceNetworkAddressChanged", { ieee: e.device.ieeeAddr });
      this.bus.emit("devicesChanged", {});
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
      void this.reconnect();
    });
  }

  private track(d: Device): BridgeDevice {
    let bd = this.deviceByIeee.get(d.ieeeAddr);
    if (!bd || bd.zh !== d) {
      bd = new BridgeDevice(d, this.settings);
      this.deviceByIeee.set(d.ieeeAddr, bd);
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
    return bg;
  }

  untrackGroup(id: number): void {
    this.groupById.delete(id);
  }

  /** Forgets a device removed from herdsman's database (herdsman emits no leave for a device it already deleted). */
  untrackDevice(ieee: string): void {
    this.deviceByIeee.delete(ieee);
  }

  /** A device or group by friendly name, IEEE address or group id. */
  resolveEntity(key: string): Entity | undefined {
    const byIeee = this.deviceByIeee.get(key.toLowerCase());
    if (byIeee && !byIeee.isCoordinator) return byIeee;
    for (const d of this.deviceByIeee.values()) if (!d.isCoordinator && d.name === key) return d;
    for (const g of this.groupById.values()) if (g.name === key) return g;
    if (/^\d+$/.test(key)) return this.groupById.get(Number(key));
    return undefined;
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

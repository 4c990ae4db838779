import type { ApsFrame, Binding, DeviceLink, Ieee, OutgoingFrame, Timer } from "../air.js";
import type { AirDevice } from "../devices/airDevice.js";
import { Prng } from "../util/prng.js";

/** MAC/NWK statuses a data confirm can carry. */
export const TxStatus = {
  SUCCESS: 0x00,
  NWK_NO_ROUTE: 0xcd,
  MAC_NO_ACK: 0xe9,
  MAC_TRANSACTION_EXPIRED: 0xf0,
} as const;

export const COORDINATOR_NWK = 0x0000;
const BROADCASTS = new Set([0xfffc, 0xfffd, 0xffff]);
const GP_ENDPOINT = 242;

/** One device of the simulated network. */
export interface Member {
  device: AirDevice;
  ieee: Ieee;
  nwk: number;
  /** nwk of its parent: the coordinator or a router */
  parent: number;
  joined: boolean;
  /** a scenario device that was already in the network: joins right after formation */
  paired: boolean;
  /** joins by itself when permit join opens (true by default) */
  autoJoin: boolean;
  /** fault: the device does not acknowledge anything */
  silent: boolean;
  /** link quality the coordinator sees for its frames */
  lqi: number;
}

/** What the network needs of the coordinator above it. */
export interface CoordinatorSide {
  ieee(): Ieee;
  extendedPanId(): Buffer;
  /** a frame for the coordinator (it forwards it to the host as AF.incomingMsg) */
  deliverToHost(frame: ApsFrame, linkQuality: number): void;
  /** coordinator group table (APS groups registered by the host with ZDO.extAddGroup) */
  hostInGroup(groupId: number): boolean;
  /** join/leave/announce indications for the host */
  joined(member: Member): void;
  announced(member: Member): void;
  left(member: Member, rejoin: boolean): void;
}

export interface NetworkOptions {
  seed: string;
  /** deliver every groupcast to the host as well (true: as with the coordinator firmware zigbee2mqtt recommends) */
  coordinatorReceivesAllGroupcasts?: boolean;
  now?: () => number;
  log?: (level: "debug" | "info" | "warn", message: string) => void;
}

interface PermitJoin {
  /** coordinator-only, network-wide, or through one router */
  via: "all" | "coordinator" | number;
  until: number;
}

/**
 * The simulated network: addresses, joining, topology, and the "air" that carries frames between the coordinator
 * and the devices (and between devices, for bindings and groups).
 */
export class Network {
  private readonly members = new Map<Ieee, Member>();
  private readonly byNwk = new Map<number, Member>();
  private permit: PermitJoin | undefined;
  private permitTimer: Timer | undefined;
  private readonly prng: Prng;
  private formed = false;
  readonly now: () => number;
  /** counters, for tests and benchmarks */
  readonly stats = { framesToHost: 0, framesFromHost: 0, dropped: 0 };

  constructor(
    private readonly coordinator: CoordinatorSide,
    private readonly options: NetworkOptions,
  ) {
    this.prng = new Prng(`${options.seed}/nwk`);
    this.now = options.now ?? (() => performance.now());
  }

  // ---- membership ------------------------------------------------------------------------------------------

  /** Adds a device to the simulation (not yet joined unless `joined`). */
  add(
    device: AirDevice,
    opts: { paired?: boolean; autoJoin?: boolean; nwk?: number; parent?: number; joined?: boolean; lqi?: number } = {},
  ): Member {
    const ieee = device.description.ieee;
    if (this.members.has(ieee)) throw new Error(`device ${ieee} is already in the simulation`);
    const m: Member = {
      device,
      ieee,
      nwk: opts.nwk ?? 0xfffe,
      parent: opts.parent ?? COORDINATOR_NWK,
      joined: false,
      paired: opts.paired ?? false,
      autoJoin: opts.autoJoin ?? true,
      silent: false,
      lqi: opts.lqi ?? this.prng.int(120, 255),
    };
    this.members.set(ieee, m);
    if (opts.joined && opts.nwk !== undefined) {
      m.joined = true;
      this.byNwk.set(m.nwk, m);
      device.attach(this.linkFor(m));
    }
    return m;
  }

  get(ieeeOrNwk: Ieee | number): Member | undefined {
    return typeof ieeeOrNwk === "number" ? this.byNwk.get(ieeeOrNwk) : this.members.get(ieeeOrNwk.toLowerCase());
  }

  all(): Member[] {
    return [...this.members.values()];
  }

  joinedMembers(): Member[] {
    return [...this.byNwk.values()];
  }

  routers(): Member[] {
    return this.joinedMembers().filter((m) => m.device.description.logicalType === "Router");
  }

  // ---- network lifecycle -------------------------------------------------------------------------------------

  /** The coordinator formed (or resumed) the network. */
  setFormed(formed: boolean): void {
    this.formed = formed;
  }

  get isFormed(): boolean {
    return this.formed;
  }

  /** Factory reset of the coordinator: the network is gone; every device is out of it. */
  clear(): void {
    for (const m of this.members.values()) {
      if (m.joined) m.device.detach();
      m.joined = false;
      m.nwk = 0xfffe;
    }
    this.byNwk.clear();
    this.formed = false;
    this.closePermitJoin();
  }

  /** Devices marked `paired` that are not in the network yet join now (after formation). */
  joinPaired(): void {
    for (const m of this.members.values()) if (m.paired && !m.joined) this.join(m, COORDINATOR_NWK, true);
  }

  // ---- permit join and joining -------------------------------------------------------------------------------

  permitJoin(via: PermitJoin["via"], seconds: number): void {
    if (this.permitTimer) clearTimeout(this.permitTimer);
    this.permitTimer = undefined;
    if (seconds <= 0) {
      this.permit = undefined;
      return;
    }
    // 255 = "until told otherwise" on Zigbee 3.0 stacks (herdsman never sends it; we cap it like the spec: 254 s)
    const ms = Math.min(seconds, 254) * 1000;
    this.permit = { via, until: this.now() + ms };
    this.permitTimer = setTimeout(() => this.closePermitJoin(), ms);
    this.permitTimer.unref?.();
    // devices waiting to join try now, a few milliseconds apart as beacons would be answered
    let delay = 5;
    for (const m of this.members.values()) {
      if (!m.joined && m.autoJoin) {
        const t = setTimeout(() => this.tryJoin(m.ieee), delay);
        t.unref?.();
        delay += 20;
      }
    }
  }

  closePermitJoin(): void {
    if (this.permitTimer) clearTimeout(this.permitTimer);
    this.permitTimer = undefined;
    this.permit = undefined;
  }

  get permitJoinOpen(): boolean {
    return this.permit !== undefined && this.permit.until > this.now();
  }

  /** The parent a joining device would get, or undefined when nobody permits joining. */
  private joinParent(): number | undefined {
    if (!this.formed || !this.permitJoinOpen || !this.permit) return undefined;
    const via = this.permit.via;
    if (via === "all" || via === "coordinator") return COORDINATOR_NWK;
    const router = this.byNwk.get(via);
    return router?.joined ? router.nwk : undefined;
  }

  /** A device tries to join; it succeeds only while permit join is open (as real devices). */
  tryJoin(ieee: Ieee): boolean {
    const m = this.members.get(ieee.toLowerCase());
    if (!m || m.joined) return false;
    const parent = this.joinParent();
    if (parent === undefined) return false;
    this.join(m, parent, false);
    return true;
  }

  private join(m: Member, parent: number, keepAddress: boolean): void {
    if (!(keepAddress && m.nwk !== 0xfffe && !this.byNwk.has(m.nwk))) m.nwk = this.allocateNwk();
    m.parent = parent;
    m.joined = true;
    this.byNwk.set(m.nwk, m);
    m.device.attach(this.linkFor(m));
    this.coordinator.joined(m);
    this.coordinator.announced(m);
  }

  /** The device leaves the network by itself (or on request); with rejoin it comes back with a new address. */
  leave(ieee: Ieee, opts: { rejoin?: boolean } = {}): void {
    const m = this.members.get(ieee.toLowerCase());
    if (!m?.joined) return;
    m.device.detach();
    this.byNwk.delete(m.nwk);
    m.joined = false;
    this.coordinator.left(m, opts.rejoin ?? false);
  }

  /** Rejoin with a new network address (the device lost its parent): the host sees a join + announce. */
  rejoin(ieee: Ieee): number | undefined {
    const m = this.members.get(ieee.toLowerCase());
    if (!m) return undefined;
    if (m.joined) {
      m.device.detach();
      this.byNwk.delete(m.nwk);
      m.joined = false;
    }
    m.nwk = 0xfffe;
    this.join(m, m.parent, false);
    return m.nwk;
  }

  setSilent(ieee: Ieee, silent: boolean): void {
    const m = this.members.get(ieee.toLowerCase());
    if (m) m.silent = silent;
  }

  private allocateNwk(): number {
    for (;;) {
      const a = this.prng.int(0x0001, 0xfff7);
      if (!this.byNwk.has(a)) return a;
    }
  }

  // ---- the air ------------------------------------------------------------------------------------------------

  /** A unicast from the host. Returns the data-confirm status; the device gets the frame asynchronously. */
  unicastFromHost(dstNwk: number, frame: ApsFrame): number {
    this.stats.framesFromHost++;
    const m = this.byNwk.get(dstNwk);
    if (!m) return TxStatus.NWK_NO_ROUTE;
    if (m.silent) {
      return m.device.description.logicalType === "EndDevice" ? TxStatus.MAC_TRANSACTION_EXPIRED : TxStatus.MAC_NO_ACK;
    }
    setImmediate(() => {
      if (m.joined) this.safeReceive(m, frame);
    });
    return TxStatus.SUCCESS;
  }

  /** A groupcast from the host (or from a device: srcAddr set). */
  groupcast(groupId: number, frame: ApsFrame, exceptIeee?: Ieee): void {
    const f: ApsFrame = { ...frame, groupId, dstEndpoint: 0xff };
    setImmediate(() => {
      for (const m of this.byNwk.values()) {
        if (m.ieee === exceptIeee || m.silent) continue;
        if (m.device.groupEndpoints(groupId).length > 0) this.safeReceive(m, f);
      }
    });
  }

  /** A broadcast from the host: 0xffff all, 0xfffd rx-on-when-idle, 0xfffc routers. */
  broadcastFromHost(dst: number, frame: ApsFrame): void {
    if (!BROADCASTS.has(dst)) return;
    // herdsman's Green Power commissioning broadcasts are for GP proxies, not for ZCL devices
    if (frame.dstEndpoint === GP_ENDPOINT || frame.clusterId === 0x0021) return;
    const f: ApsFrame = { ...frame, broadcast: true };
    setImmediate(() => {
      for (const m of this.byNwk.values()) {
        const d = m.device.description;
        if (m.silent) continue;
        if (dst === 0xfffc && d.logicalType !== "Router") continue;
        if (dst === 0xfffd && (d.macCapabilities & 0x08) === 0) continue;
        this.safeReceive(m, f);
      }
    });
  }

  private linkFor(m: Member): DeviceLink {
    return {
      send: (out) => this.sendFromDevice(m, out),
      now: this.now,
      setTimer: (fn, ms) => {
        const t = setTimeout(fn, ms);
        t.unref?.();
        return t;
      },
      clearTimer: (t) => clearTimeout(t),
      reboot: () => this.reboot(m),
    };
  }

  /** A restart keeping the address: the device detaches and joins again through the same parent, with an announce. */
  private reboot(m: Member): void {
    if (!m.joined) return;
    m.device.detach();
    this.byNwk.delete(m.nwk);
    m.joined = false;
    this.join(m, m.parent, true);
  }

  private sendFromDevice(m: Member, out: OutgoingFrame): void {
    if (!m.joined || m.silent) {
      this.stats.dropped++;
      return;
    }
    const profileId =
      out.profileId ?? m.device.description.endpoints.find((e) => e.endpoint === out.srcEndpoint)?.profileId ?? 0x0104;
    const base = { profileId, clusterId: out.clusterId, srcAddr: m.nwk, srcEndpoint: out.srcEndpoint, data: out.data };
    const d = out.destination;
    switch (d.kind) {
      case "coordinator":
        this.toHost({ ...base, dstEndpoint: d.endpoint }, m.lqi);
        break;
      case "device": {
        const target = this.members.get(d.ieee.toLowerCase());
        if (target?.joined && !target.silent) {
          const f = { ...base, dstEndpoint: d.endpoint };
          setImmediate(() => this.safeReceive(target, f));
        } else this.stats.dropped++;
        break;
      }
      case "group":
        this.groupcastFromDevice(m, d.groupId, base);
        break;
      case "bindings": {
        const entries = m.device.bindings.filter(
          (b: Binding) => b.srcEndpoint === out.srcEndpoint && b.clusterId === out.clusterId,
        );
        if (entries.length === 0) {
          this.toHost({ ...base, dstEndpoint: 1 }, m.lqi);
          break;
        }
        for (const b of entries) {
          if (b.destination.kind === "group") this.groupcastFromDevice(m, b.destination.groupId, base);
          else if (b.destination.ieee.toLowerCase() === this.coordinator.ieee().toLowerCase())
            this.toHost({ ...base, dstEndpoint: b.destination.endpoint }, m.lqi);
          else
            this.sendFromDevice(m, {
              ...out,
              destination: { kind: "device", ieee: b.destination.ieee, endpoint: b.destination.endpoint },
            });
        }
        break;
      }
    }
  }

  private groupcastFromDevice(m: Member, groupId: number, base: Omit<ApsFrame, "dstEndpoint">): void {
    this.groupcast(groupId, { ...base, dstEndpoint: 0xff }, m.ieee);
    if ((this.options.coordinatorReceivesAllGroupcasts ?? true) || this.coordinator.hostInGroup(groupId)) {
      this.toHost({ ...base, dstEndpoint: 0xff, groupId }, m.lqi);
    }
  }

  private toHost(frame: ApsFrame, lqi: number): void {
    this.stats.framesToHost++;
    setImmediate(() => this.coordinator.deliverToHost(frame, lqi));
  }

  /** A device that throws must not take the simulator down: the frame is dropped and counted. */
  private safeReceive(m: Member, frame: ApsFrame): void {
    try {
      m.device.receive(frame);
    } catch (e) {
      this.stats.dropped++;
      this.options.log?.(
        "warn",
        `device ${m.ieee} failed on a frame of cluster ${frame.clusterId}: ${(e as Error).message}`,
      );
    }
  }

  /** Stops every device timer (simulator shutdown). */
  detachAll(): void {
    for (const m of this.byNwk.values()) m.device.detach();
    this.closePermitJoin();
  }
}

import type { ApsFrame, Ieee, SimpleDescriptor } from "../air.js";
import { decode, encode, MtDecodeError } from "../mt/codec.js";
import { commandByName, findCommand } from "../mt/definitions.js";
import type { MtPayload } from "../mt/types.js";
import {
  COORDINATOR_NWK,
  type CoordinatorSide,
  type Member,
  Network,
  type NetworkOptions,
} from "../network/network.js";
import { encodeFrame, FrameType, Subsystem, type UnpiFrame } from "../unpi/frame.js";
import { type CoordinatorContext, DEFAULT_FIRMWARE, DevState, type FirmwareInfo, type Responder } from "./context.js";
import { DeviceTables, type KnownDevice } from "./deviceTables.js";
import { InterPanRadio } from "./interPan.js";
import { type NetworkInfo, readNetworkInfo, writeChannelChange, writeFormedNetwork } from "./networkFormation.js";
import { NvId, NvStore } from "./nvStore.js";
import { afResponder } from "./responders/af.js";
import { appCnfResponder } from "./responders/appCnf.js";
import { sysResponder } from "./responders/sys.js";
import { utilResponder } from "./responders/util.js";
import { zdoResponder } from "./responders/zdo.js";

const RESPONDERS: Partial<Record<number, Responder>> = {
  [Subsystem.SYS]: sysResponder,
  [Subsystem.AF]: afResponder,
  [Subsystem.ZDO]: zdoResponder,
  [Subsystem.UTIL]: utilResponder,
  [Subsystem.APP_CNF]: appCnfResponder,
};

/** MT RPC error codes (the SRSP real firmware sends for a request it cannot parse or does not know). */
export const RpcError = { SUBSYSTEM: 0x01, COMMAND_ID: 0x02, PARAMETER: 0x03, LENGTH: 0x04 } as const;

/** How long the host must be quiet after its start sequence before `paired` devices join. */
const PAIRED_JOIN_QUIET_MS = 300;

export interface CoordinatorOptions extends Omit<NetworkOptions, "now"> {
  ieee: Ieee;
  firmware?: FirmwareInfo;
  log?: (level: "debug" | "info" | "warn", message: string) => void;
}

export interface CoordinatorEvents {
  /** persistent state changed (NV, groups, joined devices, device state) */
  changed?(): void;
  /** every frame received from / sent to the host, for tests and tracing */
  frameIn?(frame: UnpiFrame): void;
  frameOut?(frame: UnpiFrame): void;
}

/**
 * The virtual Z-Stack coordinator: decodes MT requests from the host, dispatches them to one responder per
 * subsystem, answers with an SRSP and queued AREQs, and bridges the simulated network to the host.
 */
export class Coordinator implements CoordinatorSide {
  readonly nv = new NvStore();
  /** the address manager and link key tables in NV */
  readonly deviceTables = new DeviceTables(this.nv);
  readonly net: Network;
  readonly interPan: InterPanRadio;
  readonly endpoints = new Map<number, SimpleDescriptor>();
  readonly groups = new Map<number, Set<number>>();
  ieeeAddr: Ieee;
  devState: number = DevState.HOLD;
  bdbChannels = { primary: 0, secondary: 0 };
  readonly stats = { framesIn: 0, framesOut: 0, rpcErrors: 0 };

  private host: ((data: Buffer) => void) | undefined;
  private pending: Buffer[] | undefined;
  private epoch = 0;
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private pairedJoinArmed = false;
  private hostReady = false;
  private quietTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly ctx: CoordinatorContext;
  private readonly firmware: FirmwareInfo;
  events: CoordinatorEvents = {};

  constructor(private readonly options: CoordinatorOptions) {
    this.ieeeAddr = options.ieee.toLowerCase();
    this.firmware = options.firmware ?? DEFAULT_FIRMWARE;
    this.net = new Network(this, options);
    this.interPan = new InterPanRadio(this.net, this);
    this.nv.onChange = () => this.events.changed?.();
    this.deviceTables.ensure();
    this.ctx = this.makeContext();
  }

  // ---- host link ---------------------------------------------------------------------------------------------

  /** Connects a host (one at a time, as a serial port). */
  attachHost(write: (data: Buffer) => void): void {
    this.host = write;
  }

  detachHost(): void {
    this.host = undefined;
  }

  get hostAttached(): boolean {
    return this.host !== undefined;
  }

  /** A frame from the host. Never throws: what cannot be handled is answered as the firmware would. */
  handle(frame: UnpiFrame): void {
    this.stats.framesIn++;
    this.events.frameIn?.(frame);
    if (frame.type !== FrameType.SREQ && frame.type !== FrameType.AREQ) return;
    this.noteHostActivity();
    const cmd = findCommand(frame.subsystem, frame.command);
    const handler = cmd ? RESPONDERS[frame.subsystem]?.[cmd.name] : undefined;
    if (!cmd || !handler || cmd.type !== (frame.type === FrameType.SREQ ? "SREQ" : "AREQ")) {
      if (frame.type === FrameType.SREQ) {
        const known = RESPONDERS[frame.subsystem] !== undefined;
        this.rpcError(frame, known ? RpcError.COMMAND_ID : RpcError.SUBSYSTEM);
      }
      this.log(
        "debug",
        `unhandled MT ${Subsystem[frame.subsystem] ?? frame.subsystem}/0x${frame.command.toString(16)}`,
      );
      return;
    }
    let request: MtPayload;
    try {
      request = decode(cmd.request, frame.data);
    } catch (e) {
      if (frame.type === FrameType.SREQ)
        this.rpcError(frame, e instanceof MtDecodeError ? RpcError.LENGTH : RpcError.PARAMETER);
      return;
    }
    this.pending = [];
    try {
      const response = handler(request, this.ctx);
      if (frame.type === FrameType.SREQ) {
        this.write({
          type: FrameType.SRSP,
          subsystem: frame.subsystem,
          command: frame.command,
          data: encode(cmd.response ?? [], response ?? {}),
        });
      }
    } catch (e) {
      this.log("warn", `MT ${cmd.name} failed: ${(e as Error).message}`);
      this.pending = [];
      if (frame.type === FrameType.SREQ) this.rpcError(frame, RpcError.PARAMETER);
    } finally {
      const queued = this.pending;
      this.pending = undefined;
      for (const b of queued) this.writeRaw(b);
    }
  }

  private rpcError(frame: UnpiFrame, code: number): void {
    this.stats.rpcErrors++;
    const cmd0 = ((frame.type & 0x07) << 5) | (frame.subsystem & 0x1f);
    this.write({
      type: FrameType.SRSP,
      subsystem: Subsystem.RES0,
      command: 0x00,
      data: Buffer.from([code, cmd0, frame.command]),
    });
  }

  /** Sends an AREQ to the host (queued behind the SRSP when a request is being handled). */
  emit(subsystem: keyof typeof Subsystem, name: string, payload: MtPayload): void {
    const cmd = commandByName(subsystem, name);
    const frame: UnpiFrame = {
      type: FrameType.AREQ,
      subsystem: cmd.subsystem,
      command: cmd.id,
      data: encode(cmd.request, payload),
    };
    this.write(frame);
  }

  private write(frame: UnpiFrame): void {
    this.events.frameOut?.(frame);
    const bytes = encodeFrame(frame);
    if (this.pending) this.pending.push(bytes);
    else this.writeRaw(bytes);
  }

  /**
   * Test-facing fault injection: raw bytes to the host as if the stick sent them (garbage, truncated or corrupt
   * frames, unknown commands). Nothing is checked or encoded.
   */
  injectToHost(bytes: Buffer): void {
    this.writeRaw(bytes);
  }

  private writeRaw(bytes: Buffer): void {
    this.stats.framesOut++;
    this.host?.(bytes);
  }

  // ---- CoordinatorSide (the network's view of us) -------------------------------------------------------------

  ieee(): Ieee {
    return this.ieeeAddr;
  }

  extendedPanId(): Buffer {
    return this.networkInfo()?.extendedPanIdStored ?? Buffer.alloc(8);
  }

  deliverToHost(frame: ApsFrame, linkQuality: number): void {
    if (this.devState !== DevState.ZB_COORD) return;
    this.emit("AF", "incomingMsg", {
      groupid: frame.groupId ?? 0,
      clusterid: frame.clusterId,
      srcaddr: frame.srcAddr,
      srcendpoint: frame.srcEndpoint,
      dstendpoint: frame.dstEndpoint,
      wasbroadcast: frame.broadcast || frame.groupId !== undefined ? 1 : 0,
      linkquality: linkQuality,
      securityuse: 0,
      timestamp: Math.floor(performance.now() * 31.25) >>> 0, // 32 µs MAC symbol ticks
      transseqnumber: 0,
      len: frame.data.length,
      data: frame.data,
      macsrcaddr: frame.srcAddr,
      radius: 0x1e,
    });
  }

  hostInGroup(groupId: number): boolean {
    return (this.groups.get(groupId)?.size ?? 0) > 0;
  }

  joined(m: Member): void {
    this.deviceTables.deviceJoined(knownDevice(m));
    this.events.changed?.();
    this.emit("ZDO", "tcDeviceInd", { nwkaddr: m.nwk, extaddr: m.ieee, parentaddr: m.parent });
  }

  announced(m: Member): void {
    this.emit("ZDO", "endDeviceAnnceInd", {
      srcaddr: m.nwk,
      nwkaddr: m.nwk,
      ieeeaddr: m.ieee,
      capabilities: m.device.description.macCapabilities,
    });
  }

  left(m: Member, rejoin: boolean): void {
    if (!rejoin) this.deviceTables.deviceLeft(m.ieee);
    this.events.changed?.();
    this.emit("ZDO", "leaveInd", {
      srcaddr: m.nwk,
      extaddr: m.ieee,
      request: 0,
      removechildren: 0,
      rejoin: rejoin ? 1 : 0,
    });
  }

  // ---- network state -----------------------------------------------------------------------------------------

  networkInfo(): NetworkInfo | undefined {
    return readNetworkInfo(this.nv);
  }

  /** True when the NV holds a formed network (after a restart of the simulator). */
  get commissioned(): boolean {
    return this.networkInfo() !== undefined;
  }

  private formNetwork(): void {
    const { panId, channel } = writeFormedNetwork(this.nv, this.deviceTables, this.ieeeAddr, this.bdbChannels.primary);
    this.devState = DevState.COORD_STARTING;
    this.emit("ZDO", "stateChangeInd", { state: DevState.COORD_STARTING });
    this.devState = DevState.ZB_COORD;
    this.emit("ZDO", "stateChangeInd", { state: DevState.ZB_COORD });
    this.emit("APP_CNF", "bdbComissioningNotifcation", { status: 0 });
    this.net.setFormed(true);
    this.pairedJoinArmed = true;
    this.hostReady = false;
    this.log("info", `network formed: pan 0x${panId.toString(16)} channel ${channel}`);
  }

  private resumeNetwork(): boolean {
    if (!this.commissioned) return false;
    this.later(5, () => {
      this.devState = DevState.COORD_STARTING;
      this.emit("ZDO", "stateChangeInd", { state: DevState.COORD_STARTING });
      this.devState = DevState.ZB_COORD;
      this.emit("ZDO", "stateChangeInd", { state: DevState.ZB_COORD });
      this.net.setFormed(true);
      if (this.net.all().some((m) => m.paired && !m.joined)) this.pairedJoinArmed = true;
    });
    return true;
  }

  private changeChannel(channel: number): void {
    writeChannelChange(this.nv, channel);
  }

  /** SYS.resetReq: RAM state is lost; startup option 0x03 wipes config and network. */
  private reset(): void {
    this.epoch++;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.endpoints.clear();
    this.interPan.reset();
    this.devState = DevState.HOLD;
    this.hostReady = false;
    const opt = this.nv.get(NvId.STARTUP_OPTION)?.[0] ?? 0;
    if (opt & 0x03) {
      this.nv.factoryReset();
      this.deviceTables.ensure();
      this.groups.clear();
      this.net.clear();
      this.log("info", "factory reset (startup option clears config and state)");
    }
    this.later(10, () =>
      this.emit("SYS", "resetInd", {
        reason: 0,
        transportrev: this.firmware.transportrev,
        productid: this.firmware.product,
        majorrel: this.firmware.majorrel,
        minorrel: this.firmware.minorrel,
        hwrev: this.firmware.maintrel,
      }),
    );
  }

  /** The simulator was (re)started with persisted NV: the stack waits for the host to start it. */
  powerOn(): void {
    this.deviceTables.ensure(this.net.joinedMembers().map(knownDevice));
    this.devState = DevState.HOLD;
    this.net.setFormed(false);
  }

  private noteHostActivity(): void {
    if (!this.pairedJoinArmed) return;
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => {
      this.quietTimer = undefined;
      if (this.pairedJoinArmed && this.hostReady && this.devState === DevState.ZB_COORD && this.host) {
        this.pairedJoinArmed = false;
        this.net.joinPaired();
      }
    }, PAIRED_JOIN_QUIET_MS);
    this.quietTimer.unref?.();
  }

  private later(ms: number, fn: () => void): void {
    const epoch = this.epoch;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (epoch === this.epoch) fn();
    }, ms);
    this.timers.add(t);
  }

  stop(): void {
    this.epoch++;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.net.detachAll();
    this.host = undefined;
  }

  private log(level: "debug" | "info" | "warn", message: string): void {
    this.options.log?.(level, message);
  }

  private makeContext(): CoordinatorContext {
    const self = this;
    return {
      nv: this.nv,
      net: this.net,
      interPan: this.interPan,
      firmware: this.firmware,
      get ieee() {
        return self.ieeeAddr;
      },
      set ieee(v: Ieee) {
        self.ieeeAddr = v.toLowerCase();
      },
      get devState() {
        return self.devState;
      },
      set devState(v: number) {
        self.devState = v;
      },
      endpoints: this.endpoints,
      groups: this.groups,
      get bdbChannels() {
        return self.bdbChannels;
      },
      set bdbChannels(v) {
        self.bdbChannels = v;
      },
      emit: (s, name, payload) => this.emit(s, name, payload),
      later: (ms, fn) => this.later(ms, fn),
      reset: () => this.reset(),
      formNetwork: () => this.formNetwork(),
      resumeNetwork: () => this.resumeNetwork(),
      hostStarted: () => {
        this.hostReady = true;
        this.noteHostActivity();
      },
      networkInfo: () => this.networkInfo(),
      changeChannel: (ch) => this.changeChannel(ch),
      changed: () => this.events.changed?.(),
    };
  }
}

function knownDevice(m: Member): KnownDevice {
  return { ieee: m.ieee, nwk: m.nwk, isChild: m.parent === COORDINATOR_NWK };
}

import type { ApsFrame, Ieee, SimpleDescriptor } from "../air.js";
import type { CoordinatorFrontEnd, HostEndpoint, HostSession } from "../frontEnd.js";
import { type CoordinatorSide, type Member, Network, type NetworkOptions } from "../network/network.js";
import { type ApsIndication, confirmPayload, indicationPayload } from "./apsFrames.js";
import { APS_SLOTS, ApsQueues } from "./apsQueues.js";
import { ApsSender } from "./apsSender.js";
import { buildFrame, Deframer, encodeFrame, withPayloadLength } from "./framing.js";
import { announceIndication, configuredEndpoints, frameIndication } from "./indications.js";
import { DeconzParameters, type DeconzSnapshot } from "./parameters.js";
import { Command, DeviceStateFlag, Firmware, type FirmwareIdentity, NetState, ParamId, Status } from "./protocol.js";

export interface DeconzCoordinatorOptions extends Omit<NetworkOptions, "now"> {
  ieee: Ieee;
  /** ConBee II (default) or ConBee III firmware identity */
  firmware?: FirmwareIdentity;
  log?: (level: "debug" | "info" | "warn", message: string) => void;
}

/** Faults a test can switch on. */
export interface DeconzFaults {
  /** the next N APS requests are sent but their confirm never reaches the host */
  dropConfirms: number;
  /** the stick is busy: no free APS slots, requests are refused with BUSY */
  busy: boolean;
}

/**
 * The virtual ConBee / RaspBee: deCONZ serial protocol frames from the host are answered in lockstep (one request,
 * one response); APS confirms and indications wait in the firmware's queues until the host reads them, told by the
 * device state byte (in every response and in unsolicited DEVICE_STATE_CHANGED frames).
 */
export class DeconzCoordinator implements CoordinatorSide, CoordinatorFrontEnd, HostEndpoint {
  readonly params: DeconzParameters;
  readonly net: Network;
  readonly groups = new Map<number, Set<number>>();
  readonly faults: DeconzFaults = { dropConfirms: 0, busy: false };
  readonly stats = {
    framesIn: 0,
    framesOut: 0,
    statusPolls: 0,
    paramReads: 0,
    apsRequests: 0,
    apsRefused: 0,
    confirmsDropped: 0,
  };
  events: { changed?(): void; frameIn?(frame: Buffer): void; rebooted?(): void } = {};
  netState: number = NetState.OFFLINE;

  private host: ((data: Buffer) => void) | undefined;
  readonly queues = new ApsQueues();
  private lastState = -1;
  private notifySeq = 0;
  private connectedAtPowerOff = false;
  private epoch = 0;
  private watchdog: ReturnType<typeof setTimeout> | undefined;
  private readonly sender: ApsSender;
  private readonly firmware: number;

  constructor(private readonly options: DeconzCoordinatorOptions) {
    this.params = new DeconzParameters(options.ieee.toLowerCase());
    this.params.onChange = () => this.events.changed?.();
    this.firmware = Firmware[options.firmware ?? "conbee2"];
    this.net = new Network(this, options);
    this.sender = new ApsSender(this, (ind) => this.queueIndication(ind));
  }

  get ieeeAddr(): Ieee {
    const mac = this.params.bytes(ParamId.MAC_ADDRESS) ?? Buffer.alloc(8);
    return `0x${Buffer.from(mac).reverse().toString("hex")}`;
  }

  // ---- host link ---------------------------------------------------------------------------------------------

  openSession(write: (data: Buffer) => void, discard: (reason: string, bytes: number) => void): HostSession {
    this.host = write;
    this.lastState = -1;
    const deframer = new Deframer({ frame: (f) => this.handle(f), discard });
    return deframer;
  }

  closeSession(): void {
    this.host = undefined;
  }

  get hostAttached(): boolean {
    return this.host !== undefined;
  }

  injectToHost(bytes: Buffer): void {
    this.writeRaw(bytes);
  }

  private writeRaw(bytes: Buffer): void {
    this.stats.framesOut++;
    this.host?.(bytes);
  }

  private send(frame: Buffer): void {
    this.writeRaw(encodeFrame(frame));
  }

  /** A checked frame from the host. Never throws: what cannot be handled gets an error status. */
  private handle(frame: Buffer): void {
    this.stats.framesIn++;
    this.events.frameIn?.(frame);
    const [cmd, seq] = frame;
    try {
      this.dispatch(cmd, seq, frame);
    } catch (e) {
      this.log("warn", `deCONZ command 0x${cmd.toString(16)} failed: ${(e as Error).message}`);
      this.send(buildFrame(cmd, seq, Status.INVALID_VALUE, []));
    }
  }

  private dispatch(cmd: number, seq: number, frame: Buffer): undefined {
    switch (cmd) {
      case Command.VERSION: {
        const b = Buffer.alloc(4);
        b.writeUInt32LE(this.firmware >>> 0);
        return this.reply(cmd, seq, Status.SUCCESS, b);
      }
      case Command.DEVICE_STATE:
        this.stats.statusPolls++;
        return this.reply(cmd, seq, Status.SUCCESS, Buffer.from([this.deviceState(), 0, 0]));
      case Command.READ_PARAMETER: {
        this.stats.paramReads++;
        const id = frame[7];
        const r = this.params.read(id, frame.subarray(8));
        const body = Buffer.concat([Buffer.from([id]), r.value ?? Buffer.alloc(0)]);
        return this.reply(cmd, seq, r.status, withPayloadLength(body));
      }
      case Command.WRITE_PARAMETER: {
        const id = frame[7];
        const status = this.params.write(id, frame.subarray(8));
        if (status === Status.SUCCESS) this.parameterWritten(id);
        return this.reply(cmd, seq, status, withPayloadLength(Buffer.from([id])));
      }
      case Command.CHANGE_NETWORK_STATE: {
        const target = frame[5];
        this.reply(cmd, seq, Status.SUCCESS, Buffer.from([target]));
        if (target === NetState.CONNECTED) this.startNetwork();
        else if (target === NetState.OFFLINE) this.stopNetwork();
        return undefined;
      }
      case Command.APS_DATA_REQUEST:
        return this.apsDataRequest(seq, frame);
      case Command.APS_DATA_CONFIRM: {
        const next = this.queues.nextConfirm();
        if (!next) return this.reply(cmd, seq, Status.FAILURE, []);
        return this.reply(cmd, seq, Status.SUCCESS, withPayloadLength(Buffer.concat([this.stateByte(), next])));
      }
      case Command.APS_DATA_INDICATION: {
        const next = this.queues.nextIndication();
        if (!next) return this.reply(cmd, seq, Status.FAILURE, []);
        return this.reply(cmd, seq, Status.SUCCESS, withPayloadLength(Buffer.concat([this.stateByte(), next])));
      }
      default:
        this.log("debug", `unsupported deCONZ command 0x${cmd.toString(16)}`);
        return this.reply(cmd, seq, Status.UNSUPPORTED, []);
    }
  }

  /** A response; it carries the device state, so the host is up to date and needs no notification for it. */
  private reply(cmd: number, seq: number, status: number, body: Buffer | number[]): undefined {
    this.lastState = this.deviceState();
    this.send(buildFrame(cmd, seq, status, body));
    return undefined;
  }

  private stateByte(): Buffer {
    return Buffer.from([this.deviceState()]);
  }

  deviceState(): number {
    let s = this.netState & 0x03;
    if (this.queues.confirmPending) s |= DeviceStateFlag.APS_CONFIRM;
    if (this.queues.indicationPending) s |= DeviceStateFlag.APS_INDICATION;
    if (this.freeSlots()) s |= DeviceStateFlag.APS_FREE_SLOTS;
    return s;
  }

  private freeSlots(): boolean {
    return !this.faults.busy && this.queues.inFlight < APS_SLOTS && this.netState === NetState.CONNECTED;
  }

  /** Fault: the stick is busy (no free APS slots, requests refused with BUSY) until switched off again. */
  setBusy(busy: boolean): void {
    this.faults.busy = busy;
    this.notifyState();
  }

  /** DEVICE_STATE_CHANGED, unsolicited, when the state changed since the host last saw it. */
  notifyState(): void {
    const s = this.deviceState();
    if (s === this.lastState || !this.host) return;
    this.lastState = s;
    this.notifySeq = (this.notifySeq + 1) & 0xff;
    this.send(buildFrame(Command.DEVICE_STATE_CHANGED, this.notifySeq, Status.SUCCESS, [s, 0]));
  }

  // ---- APS data ------------------------------------------------------------------------------------------------

  private apsDataRequest(seq: number, frame: Buffer): undefined {
    const requestId = frame.length > 7 ? frame[7] : 0;
    const refuse = (status: number): undefined => {
      this.stats.apsRefused++;
      this.reply(
        Command.APS_DATA_REQUEST,
        seq,
        status,
        withPayloadLength(Buffer.from([this.deviceState(), requestId])),
      );
    };
    if (this.netState !== NetState.CONNECTED) return refuse(Status.NO_NETWORK);
    if (!this.freeSlots()) return refuse(Status.BUSY);
    const req = this.sender.decode(frame);
    if (!req) return refuse(Status.INVALID_VALUE);
    this.stats.apsRequests++;
    this.queues.accepted();
    this.reply(
      Command.APS_DATA_REQUEST,
      seq,
      Status.SUCCESS,
      withPayloadLength(Buffer.from([this.deviceState(), requestId])),
    );
    const epoch = this.epoch;
    setImmediate(() => {
      if (epoch !== this.epoch) return;
      const status = this.sender.send(req);
      if (this.faults.dropConfirms > 0) {
        this.faults.dropConfirms--;
        this.stats.confirmsDropped++;
        this.queues.inFlight = Math.max(0, this.queues.inFlight - 1);
        this.log("info", `fault: the confirm of APS request ${req.requestId} is dropped`);
      } else this.queues.pushConfirm(confirmPayload(req, status));
      this.notifyState();
    });
    return undefined;
  }

  private queueIndication(ind: ApsIndication): void {
    if (this.netState !== NetState.CONNECTED) return;
    if (this.queues.pushIndication(indicationPayload(ind))) this.notifyState();
  }

  /** The coordinator's endpoints as the host configured them (STK_ENDPOINT). */
  endpoints(): SimpleDescriptor[] {
    return configuredEndpoints(this.params);
  }

  // ---- CoordinatorSide ---------------------------------------------------------------------------------------

  ieee(): Ieee {
    return this.ieeeAddr;
  }

  extendedPanId(): Buffer {
    return this.params.bytes(ParamId.NWK_EXTENDED_PANID) ?? Buffer.alloc(8);
  }

  deliverToHost(frame: ApsFrame, linkQuality: number): void {
    this.queueIndication(frameIndication(frame, linkQuality));
  }

  hostInGroup(groupId: number): boolean {
    return (this.groups.get(groupId)?.size ?? 0) > 0;
  }

  joined(_m: Member): void {
    this.events.changed?.();
  }

  /** The joining device's announce is a ZDP broadcast: the firmware hands it to the host as an indication. */
  announced(m: Member): void {
    this.queueIndication(announceIndication(m));
  }

  /** A device leaving sends a NWK leave command: the deCONZ firmware does not pass it to the host. */
  left(_m: Member, _rejoin: boolean): void {
    this.events.changed?.();
  }

  // ---- network state -----------------------------------------------------------------------------------------

  /** CHANGE_NETWORK_STATE(CONNECTED): forms the network the parameters describe, or rejoins it. */
  private startNetwork(): void {
    if (this.netState === NetState.CONNECTED) return;
    const p = this.params;
    const mask = p.u32(ParamId.APS_CHANNEL_MASK);
    let channel = 11;
    for (let ch = 11; ch <= 26; ch++) {
      if (mask & (1 << ch)) {
        channel = ch;
        break;
      }
    }
    const useEpid = p.bytes(ParamId.APS_USE_EXTENDED_PANID);
    const epid = useEpid && !useEpid.equals(Buffer.alloc(8)) ? useEpid : p.bytes(ParamId.MAC_ADDRESS);
    const previous = p.bytes(ParamId.NWK_EXTENDED_PANID);
    if (previous && epid && !previous.equals(epid) && this.net.joinedMembers().length > 0) {
      this.log("info", "a new network: the devices of the previous one are gone");
      this.net.clear();
    }
    if (epid) p.setBytes(ParamId.NWK_EXTENDED_PANID, epid);
    p.setU8(ParamId.STK_CURRENT_CHANNEL, channel);
    this.setNetState(NetState.JOINING);
    this.later(20, () => {
      this.setNetState(NetState.CONNECTED);
      this.net.setFormed(true);
      this.connectedAtPowerOff = true;
      this.events.changed?.();
      this.log("info", `network up: pan 0x${p.u16(ParamId.NWK_PANID).toString(16)} channel ${channel}`);
    });
  }

  private stopNetwork(): void {
    this.net.closePermitJoin();
    this.net.setFormed(false);
    this.setNetState(NetState.OFFLINE);
    this.connectedAtPowerOff = false;
    this.events.changed?.();
  }

  private setNetState(s: number): void {
    this.netState = s;
    this.notifyState();
  }

  private parameterWritten(id: number): void {
    if (id === ParamId.DEV_WATCHDOG_TTL) this.armWatchdog(this.params.u32(id));
  }

  /** A channel change the host broadcast (Mgmt_NWK_Update_req): the firmware follows it. */
  changeChannel(channel: number): void {
    this.params.setU8(ParamId.STK_CURRENT_CHANNEL, channel);
  }

  /** The host must write DEV_WATCHDOG_TTL again before it runs out, or the firmware reboots. */
  private armWatchdog(seconds: number): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = undefined;
    if (seconds <= 0) return;
    this.watchdog = setTimeout(() => this.reboot("watchdog expired"), seconds * 1000);
    this.watchdog.unref?.();
  }

  /** The firmware restarts: queues and RAM state are lost, the host link drops, the network comes back. */
  reboot(reason: string): void {
    this.log("warn", `firmware reboot: ${reason}`);
    this.epoch++;
    this.queues.clear();
    this.netState = NetState.OFFLINE;
    this.params.setU32(ParamId.DEV_WATCHDOG_TTL, 0);
    this.events.rebooted?.();
    this.powerOn();
  }

  powerOn(): void {
    this.netState = NetState.OFFLINE;
    this.net.setFormed(false);
    if (this.connectedAtPowerOff) this.later(10, () => this.startNetwork());
  }

  snapshot(): DeconzSnapshot {
    return { params: this.params.snapshot(), connected: this.connectedAtPowerOff };
  }

  restore(s: DeconzSnapshot): void {
    this.params.restore(s.params ?? {});
    this.connectedAtPowerOff = s.connected === true;
  }

  private later(ms: number, fn: () => void): void {
    const epoch = this.epoch;
    const t = setTimeout(() => {
      if (epoch === this.epoch) fn();
    }, ms);
    t.unref?.();
  }

  stop(): void {
    this.epoch++;
    if (this.watchdog) clearTimeout(this.watchdog);
    this.queues.wake();
    this.net.detachAll();
    this.host = undefined;
  }

  log(level: "debug" | "info" | "warn", message: string): void {
    this.options.log?.(level, message);
  }
}

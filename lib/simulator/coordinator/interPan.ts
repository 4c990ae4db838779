import type { Ieee, InterPanFrame, InterPanLink, NetworkMembership } from "../air.js";
import type { MtPayload } from "../mt/types.js";
import { type Member, type Network, TxStatus } from "../network/network.js";
import type { Subsystem } from "../unpi/frame.js";
import { DevState } from "./context.js";

/** STUBAPS_INTER_PAN_EP: the source endpoint the host sees on every inter-PAN frame. */
export const INTER_PAN_ENDPOINT = 0xfe;
/** AF.incomingMsgExt source address mode: a 64-bit IEEE address. */
const ADDR_64BIT = 3;
const NO_PAN = 0xffff;

/** What the inter-PAN radio needs of the coordinator. */
export interface InterPanHost {
  ieee(): Ieee;
  readonly devState: number;
  networkInfo(): { panId: number; channel: number; extendedPanIdStored: Buffer; nwkUpdateId: number } | undefined;
  emit(subsystem: keyof typeof Subsystem, name: string, payload: MtPayload): void;
}

/** An inter-PAN frame the host sends with AF.dataRequestExt (the coordinator fills in the source). */
export type HostInterPanFrame = Omit<InterPanFrame, "srcIeee" | "srcPanId">;

/**
 * The coordinator's inter-PAN radio (Z-Stack's stub APS). AF.interPanCtl moves it to another channel and registers
 * the host endpoint that receives inter-PAN frames; an AF.dataRequestExt to another PAN goes out inter-PAN and is
 * heard by the touchlink targets on that channel (a device in the network is on the network's channel, one in no
 * network on its own). Their answers reach the host as AF.incomingMsgExt, from their IEEE address and endpoint 0xfe,
 * only while the radio is still on that channel.
 */
export class InterPanRadio {
  private interPanChannel: number | undefined;
  private hostEndpoint: number | undefined;
  /** counters, for tests */
  readonly stats = { sent: 0, heard: 0, answersToHost: 0, dropped: 0 };

  constructor(
    private readonly net: Network,
    private readonly host: InterPanHost,
  ) {}

  /** The channel the coordinator's radio is on: the inter-PAN channel, else the network's. */
  get channel(): number | undefined {
    return this.interPanChannel ?? this.host.networkInfo()?.channel;
  }

  /** InterPanSet. False for a channel outside 11–26. */
  setChannel(channel: number): boolean {
    if (!Number.isInteger(channel) || channel < 11 || channel > 26) return false;
    this.interPanChannel = channel;
    return true;
  }

  /** InterPanClr: back on the network channel. */
  clear(): void {
    this.interPanChannel = undefined;
  }

  /** InterPanReg: the host endpoint inter-PAN frames are delivered to. */
  registerEndpoint(endpoint: number): void {
    this.hostEndpoint = endpoint;
  }

  get registeredEndpoint(): number | undefined {
    return this.hostEndpoint;
  }

  /** The stick resets: its RAM state (channel, registration) is lost. */
  reset(): void {
    this.interPanChannel = undefined;
    this.hostEndpoint = undefined;
  }

  /**
   * Sends a frame from the host: a broadcast (no `dstIeee`) or a unicast. Returns the MAC status of the data
   * confirm: a unicast is acknowledged only by a radio on the channel with that address.
   */
  send(frame: HostInterPanFrame): number {
    this.stats.sent++;
    const channel = this.channel;
    const info = this.host.networkInfo();
    const full: InterPanFrame = { ...frame, srcIeee: this.host.ieee(), srcPanId: info?.panId ?? NO_PAN };
    const dst = frame.dstIeee?.toLowerCase();
    const listeners = this.net.all().filter((m) => this.hears(m, channel) && (dst === undefined || m.ieee === dst));
    for (const m of listeners) setImmediate(() => this.receive(m, full, channel));
    if (dst === undefined || listeners.length > 0) return TxStatus.SUCCESS;
    return TxStatus.MAC_NO_ACK;
  }

  /** The channel a device's radio is on: its network's, or, in no network, its own idle channel. */
  channelOf(m: Member): number | undefined {
    return m.joined ? this.host.networkInfo()?.channel : m.device.touchlink?.idleChannel;
  }

  private hears(m: Member, channel: number | undefined): boolean {
    return m.device.touchlink !== undefined && !m.silent && channel !== undefined && this.channelOf(m) === channel;
  }

  private receive(m: Member, frame: InterPanFrame, channel: number | undefined): void {
    const target = m.device.touchlink;
    if (!target || !this.hears(m, channel)) return;
    this.stats.heard++;
    const link: InterPanLink = {
      network: this.membership(m),
      now: this.net.now,
      answer: (clusterId, data) => this.answer(m, channel, clusterId, data),
      leaveNetwork: () => {
        m.paired = false; // it no longer joins by itself after a restart of the network
        this.net.leave(m.ieee);
      },
    };
    try {
      target.receive(frame, link);
    } catch {
      this.stats.dropped++; // a device that throws must not take the simulator down
    }
  }

  private membership(m: Member): NetworkMembership | undefined {
    const info = this.host.networkInfo();
    if (!m.joined || !info) return undefined;
    return {
      extendedPanId: info.extendedPanIdStored,
      panId: info.panId,
      channel: info.channel,
      nwkUpdateId: info.nwkUpdateId,
      nwkAddr: m.nwk,
    };
  }

  /** A device answers on `channel`: the host gets it if the radio is still there and an endpoint is registered. */
  private answer(m: Member, channel: number | undefined, clusterId: number, data: Buffer): void {
    const srcPanId = this.membership(m)?.panId ?? NO_PAN;
    setImmediate(() => {
      const endpoint = this.hostEndpoint;
      if (this.channel !== channel || endpoint === undefined || this.host.devState !== DevState.ZB_COORD) return;
      this.stats.answersToHost++;
      this.host.emit("AF", "incomingMsgExt", {
        groupid: 0,
        clusterid: clusterId,
        srcaddrmode: ADDR_64BIT,
        srcaddr: m.ieee,
        srcendpoint: INTER_PAN_ENDPOINT,
        srcpanid: srcPanId,
        dstendpoint: endpoint,
        wasbroadcast: 0,
        linkquality: m.lqi,
        securityuse: 0,
        timestamp: Math.floor(performance.now() * 31.25) >>> 0, // 32 µs MAC symbol ticks
        transseqnumber: 0,
        len: data.length,
        data,
      });
    });
  }
}

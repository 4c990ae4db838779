/**
 * The simulated "air": the APS-level frames exchanged between the virtual coordinator and virtual devices.
 * Framing (UNPI), the MT codec and the coordinator responders sit above this; devices sit below it.
 * Nothing here knows about MT; nothing in devices/ knows about MT or the host.
 */

/** 64-bit IEEE address as zigbee-herdsman writes it: `0x` + 16 lower-case hex digits. */
export type Ieee = string;

/** An APS data frame as it arrives at a device (or at the coordinator). */
export interface ApsFrame {
  profileId: number;
  clusterId: number;
  /** nwk address of the sender (0 = coordinator) */
  srcAddr: number;
  srcEndpoint: number;
  /** endpoint addressed on the receiver; 0xff for a groupcast/broadcast to every endpoint */
  dstEndpoint: number;
  /** set for a groupcast */
  groupId?: number;
  /** set for a broadcast (0xfffc/0xfffd/0xffff) */
  broadcast?: boolean;
  /** ZCL frame bytes */
  data: Buffer;
}

/** Where a device sends a frame. */
export type Destination =
  /** the coordinator (nwk 0) at the given endpoint (herdsman's default endpoint is 1) */
  | { kind: "coordinator"; endpoint: number }
  /** another device, by IEEE address and endpoint */
  | { kind: "device"; ieee: Ieee; endpoint: number }
  /** a Zigbee group (groupcast) */
  | { kind: "group"; groupId: number }
  /**
   * the device's binding table entries for (srcEndpoint, clusterId); with no matching entry, the coordinator
   * endpoint 1 (what real devices with factory default reporting do)
   */
  | { kind: "bindings" };

export interface OutgoingFrame {
  srcEndpoint: number;
  clusterId: number;
  /** defaults to the source endpoint's profile */
  profileId?: number;
  destination: Destination;
  data: Buffer;
}

/** What the network gives a device: its only way out. */
export interface DeviceLink {
  /** Sends a frame from this device. The network delivers it asynchronously. */
  send(frame: OutgoingFrame): void;
  /** Milliseconds, monotonic; a test may drive it. */
  now(): number;
  /** Timers, so that tests and benchmarks can control time. */
  setTimer(fn: () => void, ms: number): Timer;
  clearTimer(timer: Timer): void;
  /** The device restarts (after a firmware update) keeping its address, and announces itself again. */
  reboot?(): void;
}

export type Timer = ReturnType<typeof setTimeout>;

/** A binding table entry on a device (ZDO bind/unbind). */
export interface Binding {
  srcEndpoint: number;
  clusterId: number;
  destination: { kind: "group"; groupId: number } | { kind: "endpoint"; ieee: Ieee; endpoint: number };
}

export type LogicalType = "Coordinator" | "Router" | "EndDevice";

export interface SimpleDescriptor {
  endpoint: number;
  profileId: number;
  deviceId: number;
  deviceVersion: number;
  inClusters: number[];
  outClusters: number[];
}

/** ZDO-level description of a node, as the network answers node/active/simple descriptor requests. */
export interface NodeDescription {
  ieee: Ieee;
  logicalType: LogicalType;
  manufacturerCode: number;
  /** MAC capability flags as in the node descriptor and the device announce (0x8e mains router, 0x80 sleepy ED) */
  macCapabilities: number;
  endpoints: SimpleDescriptor[];
}

// ---- inter-PAN (touchlink commissioning) ---------------------------------------------------------------------

/**
 * An inter-PAN frame: sent outside any network (no NWK header, no network key), addressed by IEEE address or
 * broadcast, and heard only by radios on the same channel. Touchlink commissioning (ZCL cluster 0x1000) uses it.
 */
export interface InterPanFrame {
  srcIeee: Ieee;
  /** PAN id of the sender (0xffff: it is in no network) */
  srcPanId: number;
  /** undefined: a broadcast to every radio on the channel */
  dstIeee?: Ieee;
  profileId: number;
  clusterId: number;
  /** ZCL frame bytes */
  data: Buffer;
}

/** The network a device is in, as its touchlink target reports it. */
export interface NetworkMembership {
  /** as the NIB stores it: little-endian */
  extendedPanId: Buffer;
  panId: number;
  channel: number;
  nwkUpdateId: number;
  nwkAddr: number;
}

/** What the air offers a device while it handles one inter-PAN frame. */
export interface InterPanLink {
  /** its network, or undefined while it is in none */
  readonly network: NetworkMembership | undefined;
  now(): number;
  /** answers the sender with an inter-PAN frame, on the channel the request came on */
  answer(clusterId: number, data: Buffer): void;
  /** leaves its network (a NWK leave the coordinator reports to the host); a no-op when it is in none */
  leaveNetwork(): void;
}

/** The inter-PAN side of a device's radio (a touchlink target). */
export interface InterPanListener {
  /** the channel its radio is on while it is in no network (in a network: the network's channel) */
  readonly idleChannel: number;
  receive(frame: InterPanFrame, link: InterPanLink): void;
}

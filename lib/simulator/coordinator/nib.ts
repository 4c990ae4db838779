/**
 * The NWK Information Base (NV item 0x0021) as Z-Stack 3.x stores it (`nwk.h`), in the 16-bit aligned layout of
 * CC26xx firmware: 16/32-bit members start on an even offset and the whole item has an even length (116 bytes).
 */

type Member = readonly [name: string, size: 1 | 2 | 4 | 8 | 17];

const MEMBERS: readonly Member[] = [
  ["SequenceNum", 1],
  ["PassiveAckTimeout", 1],
  ["MaxBroadcastRetries", 1],
  ["MaxChildren", 1],
  ["MaxDepth", 1],
  ["MaxRouters", 1],
  ["dummyNeighborTable", 1],
  ["BroadcastDeliveryTime", 1],
  ["ReportConstantCost", 1],
  ["RouteDiscRetries", 1],
  ["dummyRoutingTable", 1],
  ["SecureAllFrames", 1],
  ["SecurityLevel", 1],
  ["SymLink", 1],
  ["CapabilityFlags", 1],
  ["TransactionPersistenceTime", 2],
  ["nwkProtocolVersion", 1],
  ["RouteDiscoveryTime", 1],
  ["RouteExpiryTime", 1],
  ["nwkDevAddress", 2],
  ["nwkLogicalChannel", 1],
  ["nwkCoordAddress", 2],
  ["nwkCoordExtAddress", 8],
  ["nwkPanId", 2],
  ["nwkState", 1],
  ["channelList", 4],
  ["beaconOrder", 1],
  ["superFrameOrder", 1],
  ["scanDuration", 1],
  ["battLifeExt", 1],
  ["allocatedRouterAddresses", 4],
  ["allocatedEndDeviceAddresses", 4],
  ["nodeDepth", 1],
  ["extendedPANID", 8],
  ["nwkKeyLoaded", 1],
  ["spare1", 17],
  ["spare2", 17],
  ["spare3", 1],
  ["spare4", 1],
  ["nwkLinkStatusPeriod", 1],
  ["nwkRouterAgeLimit", 1],
  ["nwkUseMultiCast", 1],
  ["nwkIsConcentrator", 1],
  ["nwkConcentratorDiscoveryTime", 1],
  ["nwkConcentratorRadius", 1],
  ["nwkAllFresh", 1],
  ["nwkManagerAddr", 2],
  ["nwkTotalTransmissions", 2],
  ["nwkUpdateId", 1],
];

const OFFSETS = new Map<string, { offset: number; size: number }>();
let end = 0;
for (const [name, size] of MEMBERS) {
  if (size === 2 || size === 4) end += end % 2;
  OFFSETS.set(name, { offset: end, size });
  end += size;
}
export const NIB_LENGTH = end + (end % 2);

function at(name: string) {
  const m = OFFSETS.get(name);
  if (!m) throw new Error(`no NIB member ${name}`);
  return m;
}

export function nibGet(nib: Buffer, name: string): number {
  const { offset, size } = at(name);
  if (size === 1) return nib.readUInt8(offset);
  if (size === 2) return nib.readUInt16LE(offset);
  if (size === 4) return nib.readUInt32LE(offset);
  throw new Error(`${name} is not a number`);
}

export function nibBytes(nib: Buffer, name: string): Buffer {
  const { offset, size } = at(name);
  return nib.subarray(offset, offset + size);
}

function put(nib: Buffer, name: string, value: number | Buffer): void {
  const { offset, size } = at(name);
  if (Buffer.isBuffer(value)) value.copy(nib, offset, 0, size);
  else if (size === 1) nib.writeUInt8(value & 0xff, offset);
  else if (size === 2) nib.writeUInt16LE(value & 0xffff, offset);
  else nib.writeUInt32LE(value >>> 0, offset);
}

export interface NibParams {
  panId: number;
  channel: number;
  channelList: number;
  /** the EPID bytes as stored in NV (reversed) */
  extendedPanIdStored: Buffer;
  /** the coordinator IEEE as stored (reversed, i.e. little-endian) */
  coordExtAddrStored: Buffer;
  nwkUpdateId?: number;
}

/** The NIB the firmware writes when it forms a network as coordinator. */
export function buildNib(p: NibParams): Buffer {
  const nib = Buffer.alloc(NIB_LENGTH);
  const values: Record<string, number | Buffer> = {
    SequenceNum: 0,
    PassiveAckTimeout: 5,
    MaxBroadcastRetries: 2,
    MaxChildren: 0x33,
    MaxDepth: 20,
    MaxRouters: 0xff,
    BroadcastDeliveryTime: 30,
    ReportConstantCost: 0,
    RouteDiscRetries: 0,
    SecureAllFrames: 1,
    SecurityLevel: 5,
    SymLink: 1,
    CapabilityFlags: 0x8f,
    TransactionPersistenceTime: 7,
    nwkProtocolVersion: 2,
    RouteDiscoveryTime: 13,
    RouteExpiryTime: 0x3c,
    nwkDevAddress: 0,
    nwkLogicalChannel: p.channel,
    nwkCoordAddress: 0,
    nwkCoordExtAddress: p.coordExtAddrStored,
    nwkPanId: p.panId,
    nwkState: 6, // NWK_ROUTER: the coordinator's network layer runs as a router
    channelList: p.channelList,
    beaconOrder: 15,
    superFrameOrder: 15,
    scanDuration: 0,
    allocatedRouterAddresses: 1,
    allocatedEndDeviceAddresses: 1,
    nodeDepth: 0,
    extendedPANID: p.extendedPanIdStored,
    nwkKeyLoaded: 1,
    nwkLinkStatusPeriod: 15,
    nwkRouterAgeLimit: 3,
    nwkUseMultiCast: 0,
    nwkIsConcentrator: 1,
    nwkConcentratorDiscoveryTime: 120,
    nwkConcentratorRadius: 30,
    nwkAllFresh: 1,
    nwkManagerAddr: 0,
    nwkTotalTransmissions: 0,
    nwkUpdateId: p.nwkUpdateId ?? 0,
  };
  for (const [k, v] of Object.entries(values)) put(nib, k, v);
  return nib;
}

export function nibSet(nib: Buffer, name: string, value: number | Buffer): void {
  put(nib, name, value);
}

import type { Ieee } from "../air.js";
import type { DeviceTables } from "./deviceTables.js";
import { buildNib, NIB_LENGTH, nibBytes, nibGet, nibSet } from "./nib.js";
import { NvId, type NvStore } from "./nvStore.js";

/** The formed network as the NIB records it. */
export interface NetworkInfo {
  panId: number;
  channel: number;
  extendedPanIdStored: Buffer;
  nwkUpdateId: number;
}

export function readNetworkInfo(nv: NvStore): NetworkInfo | undefined {
  const nib = nv.get(NvId.NIB);
  if (!nib || nib.length < NIB_LENGTH) return undefined;
  return {
    panId: nibGet(nib, "nwkPanId"),
    channel: nibGet(nib, "nwkLogicalChannel"),
    extendedPanIdStored: Buffer.from(nibBytes(nib, "extendedPANID")),
    nwkUpdateId: nibGet(nib, "nwkUpdateId"),
  };
}

/**
 * What the firmware writes to NV when BDB formation succeeds: the NIB (PAN id and EPID the host configured, the
 * first channel of the mask), the active and alternate network key info, the key itself, and the network frame
 * counter entry. `primaryChannels` is the mask set with APP_CNF.bdbSetChannel (0: the NV channel list).
 */
export function writeFormedNetwork(
  nv: NvStore,
  tables: DeviceTables,
  coordinatorIeee: Ieee,
  primaryChannels: number,
): { panId: number; channel: number } {
  const panItem = nv.get(NvId.PANID);
  const panId = panItem && panItem.length >= 2 ? panItem.readUInt16LE(0) : 0x1a62;
  const chanItem = nv.get(NvId.CHANLIST);
  const mask = primaryChannels || (chanItem && chanItem.length >= 4 ? chanItem.readUInt32LE(0) : 1 << 11);
  let channel = 11;
  for (let ch = 11; ch <= 26; ch++) {
    if (mask & (1 << ch)) {
      channel = ch;
      break;
    }
  }
  const epid = nv.get(NvId.EXTENDED_PAN_ID) ?? Buffer.from(coordinatorIeee.slice(2), "hex");
  const coordExt = Buffer.from(coordinatorIeee.slice(2), "hex").reverse();
  nv.set(
    NvId.NIB,
    buildNib({ panId, channel, channelList: mask, extendedPanIdStored: epid, coordExtAddrStored: coordExt }),
  );
  const key = nv.get(NvId.PRECFGKEY) ?? Buffer.alloc(16);
  // nwkKeyDescriptor {keySeqNum, key[16]}, padded to 18 bytes (16-bit aligned firmware)
  const keyInfo = Buffer.alloc(18);
  key.copy(keyInfo, 1, 0, 16);
  nv.set(NvId.NWK_ACTIVE_KEY_INFO, keyInfo);
  nv.set(NvId.NWK_ALTERN_KEY_INFO, keyInfo);
  const nwkKey = Buffer.alloc(24);
  key.copy(nwkKey, 0, 0, 16);
  nv.set(NvId.NWKKEY, nwkKey);
  tables.networkFormed(epid);
  return { panId, channel };
}

/** A channel change (ZDO mgmtNwkUpdateReq): the NIB gets the channel and a bumped update id. */
export function writeChannelChange(nv: NvStore, channel: number): void {
  const nib = nv.get(NvId.NIB);
  if (!nib) return;
  const next = Buffer.from(nib);
  nibSet(next, "nwkLogicalChannel", channel);
  nibSet(next, "nwkUpdateId", (nibGet(nib, "nwkUpdateId") + 1) & 0xff);
  nv.set(NvId.NIB, next);
}

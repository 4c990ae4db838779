import type { Ieee } from "../air.js";
import type { NvStore } from "./nvStore.js";

/**
 * Byte layouts of Z-Stack 3.x's NV device tables, in the 16-bit aligned form of CC26xx firmware (16/32-bit members
 * start on an even offset, every entry has an even length), and a view of one extended table.
 *
 * An extended table (`sysid`, `itemid`) keeps one entry per `subid` 0, 1, 2, … — a host reads it by asking
 * `SYS.nvLength` for subid 0, 1, … until an entry is missing.
 */

/** `sysid` of the Z-Stack items among the extended NV items. */
export const NV_SYSID_ZSTACK = 1;

/** `itemid`s of the extended tables (`ZCD_NV_EX_*`). */
export const NvExItem = {
  ADDRMGR: 0x0001,
  TCLK_TABLE: 0x0004,
  APS_KEY_DATA_TABLE: 0x0006,
  NWK_SEC_MATERIAL_TABLE: 0x0007,
} as const;

/** `AddrMgrEntry_t.user`: which stack layers use an address manager entry (flags). */
export const AddrMgrUser = { DEFAULT: 0x00, ASSOC: 0x01, SECURITY: 0x02, BINDING: 0x04 } as const;

/** `APSME_TCLinkKeyNVEntry_t.keyAttributes` of a key the device confirmed with APS Verify Key. */
export const TCLK_VERIFIED_KEY = 0x02;

/** The 64-bit address as firmware stores it: little-endian, i.e. the reverse of the written form. */
export function storedIeee(ieee: Ieee): Buffer {
  return Buffer.from(ieee.slice(2).padStart(16, "0"), "hex").reverse();
}

export function ieeeFromStored(stored: Buffer): Ieee {
  return `0x${Buffer.from(stored).reverse().toString("hex")}`;
}

// ---- address manager (`AddrMgrEntry_t`: user u8, nwkAddr u16, extAddr[8]) ---------------------------------------

export const ADDRMGR_ENTRY_LENGTH = 12;

export interface AddrMgrEntry {
  user: number;
  nwk: number;
  ieee: Ieee;
}

export function encodeAddrMgrEntry(e: AddrMgrEntry): Buffer {
  const b = Buffer.alloc(ADDRMGR_ENTRY_LENGTH, 0xff); // the alignment byte after `user` is 0xff, as herdsman writes it
  b.writeUInt8(e.user, 0);
  b.writeUInt16LE(e.nwk, 2);
  storedIeee(e.ieee).copy(b, 4);
  return b;
}

/** A released entry: no user, an invalid network address and an all-ones extended address. */
export const EMPTY_ADDRMGR_ENTRY = encodeAddrMgrEntry({
  user: AddrMgrUser.DEFAULT,
  nwk: 0xffff,
  ieee: "0xffffffffffffffff",
});

/** The entry, or undefined when it is free (no user, or an all-zero / all-ones address: herdsman's test too). */
export function decodeAddrMgrEntry(b: Buffer): AddrMgrEntry | undefined {
  const ext = b.subarray(4, 12);
  const user = b.readUInt8(0);
  if (user === AddrMgrUser.DEFAULT || ext.every((x) => x === 0) || ext.every((x) => x === 0xff)) return undefined;
  return { user, nwk: b.readUInt16LE(2), ieee: ieeeFromStored(ext) };
}

// ---- trust-center link keys (`APSME_TCLinkKeyNVEntry_t`) -----------------------------------------------------------

export const TCLK_ENTRY_LENGTH = 20;

export interface TclkEntry {
  txFrameCounter: number;
  rxFrameCounter: number;
  ieee: Ieee;
  keyAttributes: number;
  keyType: number;
  /** rotation of the TCLK seed the device's key is derived from (0..15) */
  seedShift: number;
}

export function encodeTclkEntry(e: TclkEntry): Buffer {
  const b = Buffer.alloc(TCLK_ENTRY_LENGTH);
  b.writeUInt32LE(e.txFrameCounter >>> 0, 0);
  b.writeUInt32LE(e.rxFrameCounter >>> 0, 4);
  storedIeee(e.ieee).copy(b, 8);
  b.writeUInt8(e.keyAttributes, 16);
  b.writeUInt8(e.keyType, 17);
  b.writeUInt8(e.seedShift & 0x0f, 18);
  return b;
}

/** A free entry is all zeros (herdsman counts an entry as used when its address is not zero). */
export const EMPTY_TCLK_ENTRY = Buffer.alloc(TCLK_ENTRY_LENGTH);

export function tclkEntryIeee(b: Buffer): Ieee | undefined {
  const ext = b.subarray(8, 16);
  return ext.every((x) => x === 0) ? undefined : ieeeFromStored(ext);
}

/**
 * The device's unique link key as the trust center derives it: the seed rotated by the entry's shift, XOR the
 * device's stored address twice over.
 */
export function deriveLinkKey(seed: Buffer, seedShift: number, ieee: Ieee): Buffer {
  const rotated = Buffer.concat([seed.subarray(seedShift), seed.subarray(0, seedShift)]);
  const ext = storedIeee(ieee);
  return Buffer.from(rotated.map((x, i) => x ^ (ext[i % 8] ?? 0)));
}

// ---- the other security tables -------------------------------------------------------------------------------------

/** `APSME_ApsLinkKeyNVEntry_t`: key[16], txFrmCntr u32, rxFrmCntr u32 (keys that are not derived from the seed). */
export const EMPTY_APS_KEY_DATA_ENTRY = Buffer.alloc(24);

/** `nwkSecMaterialDesc_t`: FrameCounter u32, extendedPanID[8] (as stored in the NIB). */
export function encodeNwkSecMaterialEntry(frameCounter: number, extendedPanIdStored: Buffer): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt32LE(frameCounter >>> 0, 0);
  extendedPanIdStored.copy(b, 4, 0, 8);
  return b;
}

export const EMPTY_NWK_SEC_MATERIAL_ENTRY = Buffer.alloc(12);

/**
 * The security manager's table (legacy item `ZCD_NV_APS_LINK_KEY_TABLE`): a u16 count of used entries, then
 * entries {ami u16, keyNvId u16, authenticationOption u8, alignment}; a free entry has ami 0xfffe.
 */
export function emptySecurityManagerTable(capacity: number): Buffer {
  const b = Buffer.alloc(2 + capacity * 6);
  for (let i = 0; i < capacity; i++) b.writeUInt16LE(0xfffe, 2 + i * 6);
  return b;
}

// ---- one extended table --------------------------------------------------------------------------------------------

/** The entries of one extended table (`sysid` 1, `itemid`), one NV item per entry. */
export class ExtendedTable {
  constructor(
    private readonly nv: NvStore,
    private readonly itemId: number,
    private readonly emptyEntry: Buffer,
  ) {}

  get exists(): boolean {
    return this.nv.extLength(NV_SYSID_ZSTACK, this.itemId, 0) > 0;
  }

  /** What a blank stick does at start: `capacity` free entries. */
  create(capacity: number): void {
    for (let i = 0; i < capacity; i++) this.nv.extUpdate(NV_SYSID_ZSTACK, this.itemId, i, this.emptyEntry);
  }

  entries(): Buffer[] {
    const out: Buffer[] = [];
    for (let i = 0; ; i++) {
      const entry = this.nv.extGet(NV_SYSID_ZSTACK, this.itemId, i);
      if (!entry) return out;
      out.push(entry);
    }
  }

  write(index: number, entry: Buffer): void {
    this.nv.extUpdate(NV_SYSID_ZSTACK, this.itemId, index, entry);
  }

  release(index: number): void {
    this.write(index, this.emptyEntry);
  }
}

import { randomBytes } from "node:crypto";
import type { Ieee } from "../air.js";
import { NvId, type NvStore } from "./nvStore.js";
import {
  type AddrMgrEntry,
  AddrMgrUser,
  decodeAddrMgrEntry,
  EMPTY_ADDRMGR_ENTRY,
  EMPTY_APS_KEY_DATA_ENTRY,
  EMPTY_NWK_SEC_MATERIAL_ENTRY,
  EMPTY_TCLK_ENTRY,
  ExtendedTable,
  emptySecurityManagerTable,
  encodeAddrMgrEntry,
  encodeNwkSecMaterialEntry,
  encodeTclkEntry,
  NvExItem,
  storedIeee,
  TCLK_VERIFIED_KEY,
  tclkEntryIeee,
} from "./nvTables.js";

/**
 * Entries per table on a blank stick. Real builds size them at compile time (NWK_MAX_ADDRESSES,
 * ZDSECMGR_TC_DEVICE_MAX, …); these fit a home network and keep a host's backup (two requests per entry) quick.
 * Where a real stick would refuse a device once the address manager or the link key table is full, the simulator
 * appends an entry, so that large scenarios still join.
 */
export const TableCapacity = {
  ADDRMGR: 32,
  TCLK: 32,
  APS_KEY_DATA: 8,
  NWK_SEC_MATERIAL: 5,
  SECURITY_MANAGER: 8,
} as const;

/** A device in the network as the trust center sees it. */
export interface KnownDevice {
  ieee: Ieee;
  nwk: number;
  /** associated directly with the coordinator (its parent), rather than through a router */
  isChild: boolean;
}

/**
 * The coordinator's NV device tables, kept as Z-Stack 3.x keeps them: the address manager lists every device that
 * joined (user ASSOC for a direct child, SECURITY once the trust center holds a key for it), the trust-center link
 * key table holds each device's key as a shift of the TCLK seed. A join adds both entries, a rejoin updates the
 * network address, a leave releases them. Everything lives in the NV store, so it persists with it.
 */
export class DeviceTables {
  readonly addressManager: ExtendedTable;
  readonly tcLinkKeys: ExtendedTable;
  private readonly apsKeyData: ExtendedTable;
  private readonly nwkSecMaterial: ExtendedTable;

  constructor(private readonly nv: NvStore) {
    this.addressManager = new ExtendedTable(nv, NvExItem.ADDRMGR, EMPTY_ADDRMGR_ENTRY);
    this.tcLinkKeys = new ExtendedTable(nv, NvExItem.TCLK_TABLE, EMPTY_TCLK_ENTRY);
    this.apsKeyData = new ExtendedTable(nv, NvExItem.APS_KEY_DATA_TABLE, EMPTY_APS_KEY_DATA_ENTRY);
    this.nwkSecMaterial = new ExtendedTable(nv, NvExItem.NWK_SEC_MATERIAL_TABLE, EMPTY_NWK_SEC_MATERIAL_ENTRY);
  }

  /**
   * Creates the tables and the TCLK seed when the NV lacks them, as the firmware does at start on blank NV. An NV
   * saved by an older simulator (no tables, devices already joined) gets the entries of `joined`.
   */
  ensure(joined: readonly KnownDevice[] = []): void {
    if (!this.nv.get(NvId.TCLK_SEED)) this.nv.set(NvId.TCLK_SEED, randomBytes(16));
    if (!this.nv.get(NvId.APS_LINK_KEY_TABLE))
      this.nv.set(NvId.APS_LINK_KEY_TABLE, emptySecurityManagerTable(TableCapacity.SECURITY_MANAGER));
    if (!this.apsKeyData.exists) this.apsKeyData.create(TableCapacity.APS_KEY_DATA);
    if (!this.nwkSecMaterial.exists) this.nwkSecMaterial.create(TableCapacity.NWK_SEC_MATERIAL);
    if (!this.tcLinkKeys.exists) this.tcLinkKeys.create(TableCapacity.TCLK);
    if (!this.addressManager.exists) {
      this.addressManager.create(TableCapacity.ADDRMGR);
      for (const d of joined) this.deviceJoined(d);
    }
  }

  /** Formation: the network key's outgoing frame counter is kept per extended PAN id. */
  networkFormed(extendedPanIdStored: Buffer): void {
    const entries = this.nwkSecMaterial.entries();
    let index = entries.findIndex((e) => e.subarray(4, 12).equals(extendedPanIdStored));
    if (index < 0)
      index = Math.max(
        0,
        entries.findIndex((e) => e.equals(EMPTY_NWK_SEC_MATERIAL_ENTRY)),
      );
    this.nwkSecMaterial.write(index, encodeNwkSecMaterialEntry(0, extendedPanIdStored));
  }

  /**
   * A device joined or rejoined (the trust center authorised it and it obtained its own link key): its address
   * manager entry is added, or updated with the new network address and parent, and it has a link key entry.
   */
  deviceJoined(d: KnownDevice): void {
    const user = AddrMgrUser.SECURITY | (d.isChild ? AddrMgrUser.ASSOC : 0);
    const entry = encodeAddrMgrEntry({ user, nwk: d.nwk, ieee: d.ieee });
    const addresses = this.addressManager.entries();
    const own = addresses.findIndex((e) => decodeAddrMgrEntry(e)?.ieee === d.ieee);
    this.addressManager.write(own >= 0 ? own : freeIndex(addresses, (e) => !decodeAddrMgrEntry(e)), entry);

    const keys = this.tcLinkKeys.entries();
    if (keys.some((e) => tclkEntryIeee(e) === d.ieee)) return; // a rejoin keeps its key
    const tclk = encodeTclkEntry({
      txFrameCounter: 0,
      rxFrameCounter: 0,
      ieee: d.ieee,
      keyAttributes: TCLK_VERIFIED_KEY,
      keyType: 0,
      seedShift: seedShiftFor(d.ieee),
    });
    this.tcLinkKeys.write(
      freeIndex(keys, (e) => tclkEntryIeee(e) === undefined),
      tclk,
    );
  }

  /** The device left the network for good: its address manager and link key entries are released. */
  deviceLeft(ieee: Ieee): void {
    this.forget(ieee);
    this.tcLinkKeys.entries().forEach((e, i) => {
      if (tclkEntryIeee(e) === ieee) this.tcLinkKeys.release(i);
    });
  }

  /**
   * The address manager loses the device (its entry released) while the device stays in the network: Z-Stack's
   * fault of devices going missing from its NV tables. Returns whether there was an entry.
   */
  forget(ieee: Ieee): boolean {
    let found = false;
    this.addressManager.entries().forEach((e, i) => {
      if (decodeAddrMgrEntry(e)?.ieee !== ieee) return;
      this.addressManager.release(i);
      found = true;
    });
    return found;
  }

  /** The used address manager entries, in table order. */
  knownDevices(): AddrMgrEntry[] {
    return this.addressManager.entries().flatMap((e) => decodeAddrMgrEntry(e) ?? []);
  }

  get tclkSeed(): Buffer | undefined {
    return this.nv.get(NvId.TCLK_SEED);
  }
}

/** The first free entry, or one past the end (the table grows: see TableCapacity). */
function freeIndex(entries: Buffer[], isFree: (e: Buffer) => boolean): number {
  const i = entries.findIndex(isFree);
  return i >= 0 ? i : entries.length;
}

/** The firmware picks the seed rotation at random; a function of the address keeps runs reproducible. */
function seedShiftFor(ieee: Ieee): number {
  return storedIeee(ieee).reduce((acc, x) => acc ^ x, 0) & 0x0f;
}

/**
 * The coordinator's non-volatile memory: the legacy OSAL items (16-bit ids) and the extended items of Z-Stack 3.x
 * (sysid/itemid/subid). Values are raw bytes exactly as the host wrote them.
 */

export const NvId = {
  STARTUP_OPTION: 0x0003,
  NIB: 0x0021,
  APS_LINK_KEY_TABLE: 0x004c,
  EXTENDED_PAN_ID: 0x002d,
  NWK_ACTIVE_KEY_INFO: 0x003a,
  NWK_ALTERN_KEY_INFO: 0x003b,
  APS_USE_EXT_PANID: 0x0047,
  ZNP_HAS_CONFIGURED_ZSTACK3: 0x0060,
  PRECFGKEY: 0x0062,
  PRECFGKEYS_ENABLE: 0x0063,
  NWKKEY: 0x0082,
  PANID: 0x0083,
  CHANLIST: 0x0084,
  LOGICAL_TYPE: 0x0087,
  ZDO_DIRECT_CB: 0x008f,
  TCLK_SEED: 0x0101,
} as const;

/** NV statuses the firmware answers with. */
export const NvStatus = {
  SUCCESS: 0x00,
  ITEM_UNINIT: 0x09,
  OPER_FAILED: 0x0a,
  BAD_ITEM_LEN: 0x0c,
} as const;

export interface NvSnapshot {
  osal: Record<string, string>;
  ext: Record<string, string>;
}

export class NvStore {
  private osal = new Map<number, Buffer>();
  private ext = new Map<string, Buffer>();
  /** called after every change, so the owner can persist */
  onChange: () => void = () => {};

  constructor() {
    this.factoryReset();
  }

  /** A factory-new CC2652 with Z-Stack 3.x: only the items the firmware creates itself. */
  factoryReset(): void {
    this.osal.clear();
    this.ext.clear();
    // 24 bytes: CC26xx firmware aligns its structures to 16 bits (herdsman checks this length)
    this.osal.set(NvId.NWKKEY, Buffer.alloc(24));
    this.osal.set(NvId.STARTUP_OPTION, Buffer.from([0]));
    this.onChange();
  }

  get(id: number): Buffer | undefined {
    return this.osal.get(id);
  }

  length(id: number): number {
    return this.osal.get(id)?.length ?? 0;
  }

  /** osalNvItemInit: creates an item; NV_ITEM_UNINIT (0x09) when created, SUCCESS when it existed. */
  init(id: number, len: number, initValue: Buffer): number {
    if (this.osal.has(id)) return NvStatus.SUCCESS;
    const b = Buffer.alloc(len);
    initValue.copy(b, 0, 0, Math.min(len, initValue.length));
    this.osal.set(id, b);
    this.onChange();
    return NvStatus.ITEM_UNINIT;
  }

  read(id: number, offset: number, max = 248): { status: number; value: Buffer } {
    const item = this.osal.get(id);
    if (!item) return { status: NvStatus.ITEM_UNINIT, value: Buffer.alloc(0) };
    if (offset > item.length) return { status: NvStatus.BAD_ITEM_LEN, value: Buffer.alloc(0) };
    return { status: NvStatus.SUCCESS, value: item.subarray(offset, Math.min(item.length, offset + max)) };
  }

  write(id: number, offset: number, value: Buffer): number {
    const item = this.osal.get(id);
    if (!item) return NvStatus.ITEM_UNINIT;
    if (offset + value.length > item.length) return NvStatus.BAD_ITEM_LEN;
    value.copy(item, offset);
    this.onChange();
    return NvStatus.SUCCESS;
  }

  /** Sets an item whole (the firmware's own writes, e.g. the NIB after formation). */
  set(id: number, value: Buffer): void {
    this.osal.set(id, Buffer.from(value));
    this.onChange();
  }

  delete(id: number): number {
    if (!this.osal.delete(id)) return NvStatus.ITEM_UNINIT;
    this.onChange();
    return NvStatus.SUCCESS;
  }

  // Extended items (Z-Stack 3.x "nv*" commands)
  private static key(sysid: number, itemid: number, subid: number): string {
    return `${sysid}:${itemid}:${subid}`;
  }

  extLength(sysid: number, itemid: number, subid: number): number {
    return this.ext.get(NvStore.key(sysid, itemid, subid))?.length ?? 0;
  }

  /** The whole item, or undefined when it does not exist (the firmware's own reads). */
  extGet(sysid: number, itemid: number, subid: number): Buffer | undefined {
    return this.ext.get(NvStore.key(sysid, itemid, subid));
  }

  extCreate(sysid: number, itemid: number, subid: number, len: number): number {
    const k = NvStore.key(sysid, itemid, subid);
    if (this.ext.has(k)) return NvStatus.SUCCESS;
    this.ext.set(k, Buffer.alloc(len));
    this.onChange();
    return NvStatus.ITEM_UNINIT;
  }

  extRead(sysid: number, itemid: number, subid: number, offset: number, len: number) {
    const item = this.ext.get(NvStore.key(sysid, itemid, subid));
    if (!item) return { status: NvStatus.ITEM_UNINIT, value: Buffer.alloc(0) };
    return { status: NvStatus.SUCCESS, value: item.subarray(offset, Math.min(item.length, offset + len)) };
  }

  extWrite(sysid: number, itemid: number, subid: number, offset: number, value: Buffer): number {
    const k = NvStore.key(sysid, itemid, subid);
    let item = this.ext.get(k);
    if (!item) return NvStatus.ITEM_UNINIT;
    if (offset + value.length > item.length) {
      const grown = Buffer.alloc(offset + value.length);
      item.copy(grown);
      item = grown;
      this.ext.set(k, item);
    }
    value.copy(item, offset);
    this.onChange();
    return NvStatus.SUCCESS;
  }

  extUpdate(sysid: number, itemid: number, subid: number, value: Buffer): number {
    this.ext.set(NvStore.key(sysid, itemid, subid), Buffer.from(value));
    this.onChange();
    return NvStatus.SUCCESS;
  }

  extDelete(sysid: number, itemid: number, subid: number): number {
    if (!this.ext.delete(NvStore.key(sysid, itemid, subid))) return NvStatus.ITEM_UNINIT;
    this.onChange();
    return NvStatus.SUCCESS;
  }

  snapshot(): NvSnapshot {
    const osal: Record<string, string> = {};
    for (const [id, v] of [...this.osal].sort((a, b) => a[0] - b[0]))
      osal[`0x${id.toString(16).padStart(4, "0")}`] = v.toString("hex");
    const ext: Record<string, string> = {};
    for (const [k, v] of [...this.ext].sort()) ext[k] = v.toString("hex");
    return { osal, ext };
  }

  restore(s: NvSnapshot): void {
    this.osal.clear();
    this.ext.clear();
    for (const [id, hex] of Object.entries(s.osal ?? {})) this.osal.set(Number(id), Buffer.from(hex, "hex"));
    for (const [k, hex] of Object.entries(s.ext ?? {})) this.ext.set(k, Buffer.from(hex, "hex"));
    if (!this.osal.has(NvId.NWKKEY)) this.osal.set(NvId.NWKKEY, Buffer.alloc(24));
  }
}

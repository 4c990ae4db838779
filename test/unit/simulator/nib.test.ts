import { describe, expect, it } from "vitest";
import { buildNib, NIB_LENGTH, nibBytes, nibGet } from "../../../lib/simulator/coordinator/nib.js";
import { NvStatus, NvStore } from "../../../lib/simulator/coordinator/nvStore.js";

describe("NV store and NIB", () => {
  it("the aligned NIB of CC26xx firmware is 116 bytes and round-trips its fields", () => {
    expect(NIB_LENGTH).toBe(116);
    const epid = Buffer.from("0807060504030201", "hex");
    const nib = buildNib({
      panId: 0x1a62,
      channel: 15,
      channelList: 1 << 15,
      extendedPanIdStored: epid,
      coordExtAddrStored: Buffer.alloc(8),
    });
    expect(nibGet(nib, "nwkPanId")).toBe(0x1a62);
    expect(nibGet(nib, "nwkLogicalChannel")).toBe(15);
    expect(nibGet(nib, "channelList")).toBe(1 << 15);
    expect(nibBytes(nib, "extendedPANID")).toEqual(epid);
  });

  it("item init answers NV_ITEM_UNINIT when it creates, writes need an item, snapshots round-trip", () => {
    const nv = new NvStore();
    expect(nv.length(0x82)).toBe(24); // herdsman reads this length to pick the aligned layout
    expect(nv.write(0x60, 0, Buffer.from([0x55]))).toBe(NvStatus.ITEM_UNINIT);
    expect(nv.init(0x60, 1, Buffer.from([0]))).toBe(NvStatus.ITEM_UNINIT);
    expect(nv.init(0x60, 1, Buffer.from([0]))).toBe(NvStatus.SUCCESS);
    expect(nv.write(0x60, 0, Buffer.from([0x55]))).toBe(NvStatus.SUCCESS);
    expect(nv.write(0x60, 0, Buffer.from([1, 2]))).toBe(NvStatus.BAD_ITEM_LEN);
    const copy = new NvStore();
    copy.restore(nv.snapshot());
    expect(copy.get(0x60)).toEqual(Buffer.from([0x55]));
    nv.factoryReset();
    expect(nv.length(0x60)).toBe(0);
  });
});

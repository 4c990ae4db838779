import { describe, expect, it } from "vitest";
import { DeviceTables, TableCapacity } from "../../../lib/simulator/coordinator/deviceTables.js";
import { NvId, NvStore } from "../../../lib/simulator/coordinator/nvStore.js";
import {
  AddrMgrUser,
  decodeAddrMgrEntry,
  EMPTY_ADDRMGR_ENTRY,
  NV_SYSID_ZSTACK,
  NvExItem,
} from "../../../lib/simulator/coordinator/nvTables.js";

const A = "0x00124b0001020304";
const B = "0x00124b00aabbccdd";

function blankStick(): { nv: NvStore; tables: DeviceTables } {
  const nv = new NvStore();
  const tables = new DeviceTables(nv);
  tables.ensure();
  return { nv, tables };
}

describe("address manager and link key tables in NV", () => {
  it("a blank stick has free tables in the aligned layout herdsman reads with SYS.nvLength/nvRead", () => {
    const { nv } = blankStick();
    expect(nv.extLength(NV_SYSID_ZSTACK, NvExItem.ADDRMGR, 0)).toBe(12);
    expect(nv.extLength(NV_SYSID_ZSTACK, NvExItem.ADDRMGR, TableCapacity.ADDRMGR - 1)).toBe(12);
    expect(nv.extLength(NV_SYSID_ZSTACK, NvExItem.ADDRMGR, TableCapacity.ADDRMGR)).toBe(0);
    expect(nv.extGet(NV_SYSID_ZSTACK, NvExItem.ADDRMGR, 0)).toEqual(EMPTY_ADDRMGR_ENTRY);
    expect(nv.extLength(NV_SYSID_ZSTACK, NvExItem.TCLK_TABLE, 0)).toBe(20);
    expect(nv.length(NvId.TCLK_SEED)).toBe(16);
    expect(nv.length(NvId.APS_LINK_KEY_TABLE)).toBe(2 + TableCapacity.SECURITY_MANAGER * 6);
  });

  it("join adds {user, nwk, extAddr little-endian}; a rejoin updates the address; a leave releases", () => {
    const { nv, tables } = blankStick();
    tables.deviceJoined({ ieee: A, nwk: 0x1234, isChild: true });
    tables.deviceJoined({ ieee: B, nwk: 0x5678, isChild: false });
    expect(nv.extGet(NV_SYSID_ZSTACK, NvExItem.ADDRMGR, 0)?.toString("hex")).toBe("03ff341204030201004b1200");
    expect(tables.knownDevices()).toEqual([
      { user: AddrMgrUser.ASSOC | AddrMgrUser.SECURITY, nwk: 0x1234, ieee: A },
      { user: AddrMgrUser.SECURITY, nwk: 0x5678, ieee: B },
    ]);
    const keys = tables.tcLinkKeys.entries().filter((e) => e.some((x) => x !== 0));
    expect(keys).toHaveLength(2);

    tables.deviceJoined({ ieee: A, nwk: 0x4321, isChild: true });
    expect(tables.knownDevices()[0]).toMatchObject({ ieee: A, nwk: 0x4321 });
    expect(tables.tcLinkKeys.entries().filter((e) => e.some((x) => x !== 0))).toEqual(keys);

    tables.deviceLeft(A);
    expect(tables.knownDevices().map((d) => d.ieee)).toEqual([B]);
    expect(decodeAddrMgrEntry(nv.extGet(NV_SYSID_ZSTACK, NvExItem.ADDRMGR, 0) ?? Buffer.alloc(12))).toBeUndefined();
    expect(tables.tcLinkKeys.entries().filter((e) => e.some((x) => x !== 0))).toHaveLength(1);
    // the freed entry is reused by the next join
    tables.deviceJoined({ ieee: A, nwk: 0x0001, isChild: true });
    expect(tables.knownDevices()[0]).toMatchObject({ ieee: A, nwk: 0x0001 });
  });

  it("a full table grows rather than refusing the device", () => {
    const { tables } = blankStick();
    for (let i = 0; i <= TableCapacity.ADDRMGR; i++)
      tables.deviceJoined({ ieee: `0x00124b00000000${i.toString(16).padStart(2, "0")}`, nwk: i + 1, isChild: true });
    expect(tables.knownDevices()).toHaveLength(TableCapacity.ADDRMGR + 1);
    expect(tables.addressManager.entries()).toHaveLength(TableCapacity.ADDRMGR + 1);
  });

  it("tables round-trip through the NV snapshot; an NV without them is given the joined devices", () => {
    const { nv, tables } = blankStick();
    tables.deviceJoined({ ieee: A, nwk: 0x1234, isChild: true });
    const copy = new NvStore();
    copy.restore(nv.snapshot());
    expect(new DeviceTables(copy).knownDevices()).toEqual(tables.knownDevices());

    const old = new NvStore();
    old.restore({ osal: {}, ext: {} });
    const migrated = new DeviceTables(old);
    migrated.ensure([{ ieee: B, nwk: 0x0042, isChild: false }]);
    expect(migrated.knownDevices()).toEqual([{ user: AddrMgrUser.SECURITY, nwk: 0x0042, ieee: B }]);
  });
});

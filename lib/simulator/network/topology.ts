import { COORDINATOR_NWK, type Member, type Network } from "./network.js";
import type { LqiEntry, RouteEntry } from "./zdoPayloads.js";

const TYPE = { Coordinator: 0, Router: 1, EndDevice: 2 } as const;
const REL = { parent: 0, child: 1, sibling: 2, none: 3 } as const;

/**
 * Neighbor and routing tables derived from who joined through whom. Routers are neighbours of the coordinator and
 * of each other; end devices are neighbours of their parent only.
 */
export function neighborTable(net: Network, ownerNwk: number, epid: Buffer, coordinatorIeee: string): LqiEntry[] {
  const joined = net.joinedMembers();
  const entry = (m: Member, relationship: number): LqiEntry => ({
    extendedPanId: epid,
    ieee: m.ieee,
    nwk: m.nwk,
    deviceType: TYPE[m.device.description.logicalType],
    rxOnWhenIdle: (m.device.description.macCapabilities & 0x08) !== 0 ? 1 : 0,
    relationship,
    permitJoining: 0,
    depth: m.parent === COORDINATOR_NWK ? 1 : 2,
    lqi: m.lqi,
  });
  if (ownerNwk === COORDINATOR_NWK) {
    return joined
      .filter((m) => m.device.description.logicalType === "Router" || m.parent === COORDINATOR_NWK)
      .map((m) => entry(m, m.parent === COORDINATOR_NWK ? REL.child : REL.sibling));
  }
  const owner = net.get(ownerNwk);
  if (owner?.device.description.logicalType !== "Router") return [];
  const out: LqiEntry[] = [
    {
      extendedPanId: epid,
      ieee: coordinatorIeee,
      nwk: COORDINATOR_NWK,
      deviceType: TYPE.Coordinator,
      rxOnWhenIdle: 1,
      relationship: owner.parent === COORDINATOR_NWK ? REL.parent : REL.sibling,
      permitJoining: 0,
      depth: 0,
      lqi: owner.lqi,
    },
  ];
  for (const m of joined) {
    if (m === owner) continue;
    if (m.parent === owner.nwk) out.push(entry(m, REL.child));
    else if (m.device.description.logicalType === "Router")
      out.push(entry(m, m.nwk === owner.parent ? REL.parent : REL.sibling));
  }
  return out;
}

export function routingTable(net: Network, ownerNwk: number): RouteEntry[] {
  const joined = net.joinedMembers();
  if (ownerNwk === COORDINATOR_NWK) {
    // routes to devices behind a router go through that router
    return joined
      .filter((m) => m.parent !== COORDINATOR_NWK || m.device.description.logicalType === "Router")
      .map((m) => ({ destination: m.nwk, status: 0, nextHop: m.parent === COORDINATOR_NWK ? m.nwk : m.parent }));
  }
  const owner = net.get(ownerNwk);
  if (owner?.device.description.logicalType !== "Router") return [];
  return [
    {
      destination: COORDINATOR_NWK,
      status: 0,
      nextHop: owner.parent === COORDINATOR_NWK ? COORDINATOR_NWK : owner.parent,
    },
  ];
}

/** Real Z-Stack pages LQI tables 3 entries at a time; `total` stays consistent so the host's paging loop ends. */
export function page<T>(all: T[], startIndex: number, size: number): T[] {
  return all.slice(startIndex, startIndex + size);
}

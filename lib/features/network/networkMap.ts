import { errorMessage } from "../../util/errors.js";
import type { Logger } from "../../util/logger.js";
import type { BridgeDevice } from "../../zigbee/bridgeDevice.js";

const NS = "z2m:networkmap";
/** An unknown IEEE address in a neighbor table entry (Zigbee spec: all ones, some stacks send zeros). */
const UNKNOWN_IEEE = new Set(["0xffffffffffffffff", "0x0000000000000000"]);

export interface NetworkMapNode {
  ieeeAddr: string;
  friendlyName: string;
  type: string;
  networkAddress: number;
  manufacturerName: string | undefined;
  modelID: string | undefined;
  /** what could not be read from this node: "lqi", "routingTable" */
  /** what could not be read (none: `[]`); absent for an end device, which is not asked */
  failed?: string[];
  lastSeen: number | undefined;
  definition?: { model: string; vendor: string; supports: string; description: string };
}

export interface NetworkMapRoute {
  destinationAddress: number;
  nextHop: number;
  status: string;
}

export interface NetworkMapLink {
  /** the neighbor, as listed in the target's neighbor table */
  source: { ieeeAddr: string; networkAddress: number };
  /** the device whose neighbor table was read */
  target: { ieeeAddr: string; networkAddress: number };
  deviceType: number;
  rxOnWhenIdle: number;
  relationship: number;
  permitJoining: number;
  depth: number;
  lqi: number;
  /** the target's active routes whose next hop is the source */
  routes: NetworkMapRoute[];
  /** deprecated duplicates of the fields above, kept for zigbee2mqtt clients */
  linkquality: number;
  sourceIeeeAddr: string;
  targetIeeeAddr: string;
  sourceNwkAddr: number;
}

export interface NetworkMap {
  nodes: NetworkMapNode[];
  links: NetworkMapLink[];
}

type Neighbor = Awaited<ReturnType<BridgeDevice["zh"]["lqi"]>>[number];
type Route = Awaited<ReturnType<BridgeDevice["zh"]["routingTable"]>>[number];

/** What a feature-level scan needs: the devices (coordinator first) and a logger. */
export interface NetworkMapSource {
  devices(): BridgeDevice[];
  logger: Logger;
}

/**
 * Scans the network: reads the neighbor table (`lqi()`) of the coordinator and every router, one device at a time
 * (so a large network is not flooded), and with `routes` also their routing tables. End devices have no tables:
 * they appear as nodes and as the neighbors of their parents. A device that does not answer is listed with what
 * failed in `failed`; the scan goes on.
 */
export async function scanNetwork(source: NetworkMapSource, routes: boolean): Promise<NetworkMap> {
  const devices = source.devices().filter((d) => !d.options.disabled);
  const byIeee = new Map(devices.map((d) => [d.ieee, d]));
  const byNwk = new Map(devices.map((d) => [d.zh.networkAddress, d]));
  const failed = new Map<string, string[]>();
  const links: NetworkMapLink[] = [];
  const fail = (d: BridgeDevice, what: string, e: unknown) => {
    source.logger.warning(`Network map: reading the ${what} of '${d.name}' failed: ${errorMessage(e)}`, NS);
    failed.set(d.ieee, [...(failed.get(d.ieee) ?? []), what]);
  };

  for (const device of devices.filter((d) => d.zh.type === "Coordinator" || d.zh.type === "Router")) {
    let neighbors: Neighbor[];
    try {
      neighbors = await device.zh.lqi();
    } catch (e) {
      fail(device, "lqi", e);
      continue;
    }
    let table: Route[] = [];
    if (routes) {
      try {
        table = await device.zh.routingTable();
      } catch (e) {
        fail(device, "routingTable", e);
      }
    }
    for (const n of neighbors) {
      const neighbor = (!UNKNOWN_IEEE.has(n.eui64) && byIeee.get(n.eui64)) || byNwk.get(n.nwkAddress);
      if (!neighbor) continue; // not (or no longer) in the database: nothing to draw it with
      links.push(link(n, neighbor, device, table));
    }
  }
  const scanned = (d: BridgeDevice) => d.zh.type === "Coordinator" || d.zh.type === "Router";
  const nodes = devices.map((d) => node(d, scanned(d) ? (failed.get(d.ieee) ?? []) : undefined));
  return { nodes, links };
}

function link(n: Neighbor, neighbor: BridgeDevice, device: BridgeDevice, table: Route[]): NetworkMapLink {
  const source = { ieeeAddr: neighbor.ieee, networkAddress: neighbor.zh.networkAddress };
  const target = { ieeeAddr: device.ieee, networkAddress: device.zh.networkAddress };
  return {
    source,
    target,
    deviceType: n.deviceType,
    rxOnWhenIdle: n.rxOnWhenIdle,
    relationship: n.relationship,
    permitJoining: n.permitJoining,
    depth: n.depth,
    lqi: n.lqi,
    routes: table
      .filter((r) => r.status === "ACTIVE" && r.nextHopAddress === source.networkAddress)
      .map((r) => ({ destinationAddress: r.destinationAddress, nextHop: r.nextHopAddress, status: r.status })),
    linkquality: n.lqi,
    sourceIeeeAddr: source.ieeeAddr,
    targetIeeeAddr: target.ieeeAddr,
    sourceNwkAddr: source.networkAddress,
  };
}

function node(d: BridgeDevice, failed: string[] | undefined): NetworkMapNode {
  const def = d.definition;
  const result: NetworkMapNode = {
    ieeeAddr: d.ieee,
    friendlyName: d.isCoordinator ? "Coordinator" : d.name,
    type: d.zh.type,
    networkAddress: d.zh.networkAddress,
    manufacturerName: d.zh.manufacturerName,
    modelID: d.zh.modelID,
    failed,
    lastSeen: d.zh.lastSeen,
  };
  if (def) {
    result.definition = {
      model: def.model,
      vendor: def.vendor,
      supports: supports(d),
      description: def.description,
    };
  }
  return result;
}

/**
 * What the device exposes, as zigbee2mqtt lists it: a composite by its type and its features' names, any other by
 * its name, each once (the endpoints of a 2-gang light give one entry): "light (state, brightness), linkquality".
 */
function supports(d: BridgeDevice): string {
  const entries = new Set<string>();
  try {
    for (const e of d.exposes()) {
      if (e.features) entries.add(`${e.type} (${e.features.map((f) => f.name).join(", ")})`);
      else if (e.name) entries.add(String(e.name));
    }
  } catch {
    // an exposes function that throws for this device: nothing to list
  }
  return [...entries].join(", ");
}

import type { Binding } from "../air.js";
import type { AttributeStore } from "./attributeStore.js";
import type { BindingTable } from "./bindingTable.js";
import type { AttributeValue } from "./deviceSpec.js";
import type { GroupTable } from "./groupTable.js";
import type { Reporter } from "./reporter.js";
import type { Scene, SceneTable } from "./sceneTable.js";

/** The persistable state of a virtual device (JSON-safe). */
export interface DeviceSnapshot {
  version: 1;
  ieee: string;
  /** last ZCL transaction sequence number the device used */
  tsn: number;
  /** [endpoint, clusterId, attributeId, value] */
  attributes: [number, number, number, AttributeValue][];
  bindings: Binding[];
  /** [endpoint, groupId] */
  groups: [number, number][];
  scenes: Scene[];
  /** [endpoint, clusterId, attributeId, min, max, change] */
  reporting: [number, number, number, number, number, number][];
}

interface SnapshotSource {
  readonly ieee: string;
  readonly attributes: AttributeStore;
  readonly groups: GroupTable;
  readonly scenes: SceneTable;
  readonly reporter: Reporter;
  readonly bindings: readonly Binding[];
}

export function snapshotDevice(device: SnapshotSource, tsn: number): DeviceSnapshot {
  const attributes: DeviceSnapshot["attributes"] = [];
  for (const cluster of device.attributes.all()) {
    for (const slot of cluster.slots()) attributes.push([cluster.endpoint, cluster.id, slot.id, slot.value]);
  }
  const reporting: DeviceSnapshot["reporting"] = [];
  for (const { cluster, slot, config } of device.reporter.configs()) {
    reporting.push([cluster.endpoint, cluster.id, slot.id, config.min, config.max, config.change]);
  }
  return {
    version: 1,
    ieee: device.ieee,
    tsn,
    attributes,
    bindings: structuredClone([...device.bindings]),
    groups: device.groups.entries(),
    scenes: structuredClone(device.scenes.all()),
    reporting,
  };
}

function isSnapshot(state: unknown): state is DeviceSnapshot {
  return (
    typeof state === "object" &&
    state !== null &&
    (state as DeviceSnapshot).version === 1 &&
    Array.isArray((state as DeviceSnapshot).attributes)
  );
}

/**
 * Restores a snapshot: attribute values (of attributes the device has), bindings, groups, scenes and the reporting
 * configuration (replacing the factory defaults). Returns the saved TSN.
 */
export function restoreDevice(device: SnapshotSource, state: unknown, bindingTable: BindingTable): number | undefined {
  if (!isSnapshot(state)) throw new Error(`${device.ieee}: not a device snapshot`);
  for (const [endpoint, clusterId, attributeId, value] of state.attributes) {
    const slot = device.attributes.slot(endpoint, clusterId, attributeId);
    if (slot) slot.value = value;
  }
  bindingTable.replace(state.bindings);
  device.groups.replace(state.groups);
  device.scenes.replace(structuredClone(state.scenes));
  for (const { cluster, slot } of [...device.reporter.configs()]) device.reporter.remove(cluster, slot);
  for (const [endpoint, clusterId, attributeId, min, max, change] of state.reporting) {
    const cluster = device.attributes.cluster(endpoint, clusterId);
    const slot = cluster?.slot(attributeId);
    if (cluster && slot) device.reporter.configure(cluster, slot, { min, max, change });
  }
  return state.tsn;
}

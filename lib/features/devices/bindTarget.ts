import { BridgeError } from "../../util/errors.js";
import { BridgeDevice } from "../../zigbee/bridgeDevice.js";
import { BridgeGroup } from "../../zigbee/bridgeGroup.js";
import type { Endpoint, Group } from "../../zigbee/herdsmanTypes.js";
import type { Zigbee } from "../../zigbee/zigbee.js";
import { findEndpoint } from "./deviceLookup.js";

/** zigbee2mqtt's group for "bind to whatever listens": devices may be bound to it without it being configured. */
export const DEFAULT_BIND_GROUP = { id: 901, name: "default_bind_group" } as const;

/**
 * Clusters a default bind (no `clusters` in the request) considers: commands a switch sends to lights, covers and
 * thermostats, and the measurements a sensor can send to a bound display or thermostat.
 */
export const BINDABLE_CLUSTERS = [
  "genScenes",
  "genOnOff",
  "genLevelCtrl",
  "lightingColorCtrl",
  "closuresWindowCovering",
  "hvacThermostat",
  "msIlluminanceMeasurement",
  "msTemperatureMeasurement",
  "msRelativeHumidity",
  "msSoilMoisture",
  "msCO2",
] as const;

/** What `device/bind` binds to: an endpoint of a device (or of the coordinator), or a group. */
export type BindTarget =
  | { kind: "endpoint"; name: string; endpoint: Endpoint; coordinator: boolean }
  | { kind: "group"; name: string; id: number; group: Group | undefined };

/** Resolves `to` (+ `to_endpoint`): a device name or IEEE address, a group name or ID, `default_bind_group`/901, or the coordinator. */
export function resolveBindTarget(zigbee: Zigbee, to: unknown, toEndpoint: unknown): BindTarget {
  if (typeof to !== "string" && typeof to !== "number") {
    throw new BridgeError(
      "INVALID_PAYLOAD",
      "Invalid payload: 'to' is required: a device, a group, or \"Coordinator\"",
    );
  }
  const key = String(to);
  if (key === DEFAULT_BIND_GROUP.name || key === String(DEFAULT_BIND_GROUP.id)) {
    const id = DEFAULT_BIND_GROUP.id;
    return { kind: "group", name: DEFAULT_BIND_GROUP.name, id, group: zigbee.group(id)?.zh };
  }
  const coordinator = zigbee.coordinator();
  if (coordinator && (key.toLowerCase() === "coordinator" || key.toLowerCase() === coordinator.ieee)) {
    const endpoint = coordinator.zh.getEndpoint(typeof toEndpoint === "number" ? toEndpoint : 1);
    if (!endpoint) throw new BridgeError("UNKNOWN_ENDPOINT", `The coordinator has no endpoint '${String(toEndpoint)}'`);
    return { kind: "endpoint", name: "Coordinator", endpoint, coordinator: true };
  }
  const entity = typeof to === "number" ? zigbee.group(to) : zigbee.resolveEntity(key);
  if (entity instanceof BridgeDevice) {
    return {
      kind: "endpoint",
      name: entity.name,
      endpoint: findEndpoint(entity, toEndpoint, "to_endpoint"),
      coordinator: false,
    };
  }
  if (entity instanceof BridgeGroup) return { kind: "group", name: entity.name, id: entity.id, group: entity.zh };
  throw new BridgeError("UNKNOWN_ENTITY", `Device or group '${key}' does not exist`);
}

/** The endpoints behind a target that receive what is bound to it (none for the coordinator). */
export function targetEndpoints(target: BindTarget): Endpoint[] {
  if (target.kind === "group") return target.group?.members ?? [];
  return target.coordinator ? [] : [target.endpoint];
}

/** Whether binding `cluster` from `source` to the target makes sense (both sides have it, the right way round). */
export function clusterFits(source: Endpoint, target: BindTarget, cluster: string): boolean {
  if (target.kind === "endpoint" && target.coordinator) {
    return source.supportsOutputCluster(cluster) || source.supportsInputCluster(cluster);
  }
  if (!source.supportsOutputCluster(cluster)) return false;
  if (target.kind === "endpoint") return target.endpoint.supportsInputCluster(cluster);
  // a group: any member that has the cluster (an empty default_bind_group takes any command)
  const members = targetEndpoints(target);
  if (members.length === 0) return target.id === DEFAULT_BIND_GROUP.id;
  return members.some((m) => m.supportsInputCluster(cluster) || m.supportsOutputCluster(cluster));
}

/** What herdsman's bind/unbind take for the target. */
export function herdsmanTarget(target: BindTarget): Endpoint | Group | number {
  if (target.kind === "endpoint") return target.endpoint;
  return target.group ?? target.id;
}

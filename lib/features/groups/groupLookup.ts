import { BridgeError } from "../../util/errors.js";
import { BridgeDevice } from "../../zigbee/bridgeDevice.js";
import { BridgeGroup } from "../../zigbee/bridgeGroup.js";
import type { Endpoint } from "../../zigbee/herdsmanTypes.js";
import type { Zigbee } from "../../zigbee/zigbee.js";

/** A group key as requests give it: a friendly name or a numeric id (number or decimal string). */
export type GroupKey = string | number;

/** A required string or number field (a group's name or id, a device's name or IEEE address). */
export function requireKey(p: Record<string, unknown>, field: string, example: string): GroupKey {
  const v = p[field];
  if ((typeof v === "string" && v !== "") || (typeof v === "number" && Number.isInteger(v))) return v;
  throw new BridgeError("INVALID_PAYLOAD", `Invalid payload: '${field}' is required, like ${example}`);
}

export function optionalBoolean(p: Record<string, unknown>, field: string): boolean {
  const v = p[field];
  if (v === undefined) return false;
  if (typeof v !== "boolean")
    throw new BridgeError("INVALID_PAYLOAD", `Invalid payload: '${field}' must be true or false`);
  return v;
}

/** The group with this friendly name or id. */
export function findGroup(zigbee: Zigbee, key: GroupKey): BridgeGroup {
  const text = String(key);
  const byName = zigbee.groups().find((g) => g.name === text);
  const entity = byName ?? (/^\d+$/.test(text) ? zigbee.group(Number(text)) : undefined);
  if (entity instanceof BridgeGroup) return entity;
  throw new BridgeError("UNKNOWN_ENTITY", `Group '${text}' does not exist`);
}

/** The device (not the coordinator) with this friendly name or IEEE address. */
export function findDevice(zigbee: Zigbee, key: GroupKey): BridgeDevice {
  const entity = zigbee.resolveEntity(String(key));
  if (entity instanceof BridgeDevice) return entity;
  throw new BridgeError("UNKNOWN_ENTITY", `Device '${String(key)}' does not exist`);
}

/** A device's endpoint by name, number or "default" (the default endpoint when none is given). */
export function findEndpoint(device: BridgeDevice, key: unknown): Endpoint {
  if (key !== undefined && typeof key !== "string" && typeof key !== "number") {
    throw new BridgeError("INVALID_PAYLOAD", "Invalid payload: 'endpoint' must be an endpoint name or number");
  }
  const endpoint = device.endpoint(key);
  if (endpoint) return endpoint;
  const known = device.zh.endpoints.map((e) => device.endpointName(e) ?? e.ID).join(", ");
  throw new BridgeError(
    "UNKNOWN_ENDPOINT",
    `Device '${device.name}' has no endpoint '${String(key ?? "default")}' (it has: ${known || "none"})`,
  );
}

export { settingsChange, zigbeeOperation } from "../bridge/operationErrors.js";

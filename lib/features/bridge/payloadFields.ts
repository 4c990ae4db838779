import { BridgeError } from "../../util/errors.js";
import { BridgeDevice } from "../../zigbee/bridgeDevice.js";
import type { Endpoint } from "../../zigbee/herdsmanTypes.js";
import type { Zigbee } from "../../zigbee/zigbee.js";

/** What requests take apart in their payloads: helpers that fail with a message saying what is wrong. */

export type Key = string | number;

export const invalid = (message: string) => new BridgeError("INVALID_PAYLOAD", `Invalid payload: ${message}`);

/** A required name or number field (a device's name or IEEE address, a group's name or id). */
export function requireKey(p: Record<string, unknown>, field: string, example: string): Key {
  const v = p[field];
  if ((typeof v === "string" && v !== "") || (typeof v === "number" && Number.isInteger(v))) return v;
  throw invalid(`'${field}' is required, like ${example}`);
}

export function requireString(p: Record<string, unknown>, field: string, example: string): string {
  const v = p[field];
  if (typeof v === "string" && v !== "") return v;
  throw invalid(`'${field}' is required, like ${example}`);
}

export function optionalBoolean(p: Record<string, unknown>, field: string): boolean {
  const v = p[field];
  if (v === undefined) return false;
  if (typeof v !== "boolean") throw invalid(`'${field}' must be true or false`);
  return v;
}

/** A whole number in [min, max]; undefined when absent and optional. */
export function integerField(p: Record<string, unknown>, field: string, min: number, max: number): number;
export function integerField(
  p: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
  optional: true,
): number | undefined;
export function integerField(
  p: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
  optional = false,
): number | undefined {
  const v = p[field];
  if (v === undefined && optional) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw invalid(`'${field}' must be a whole number from ${min} to ${max}`);
  }
  return v;
}

/** The payload itself when it is a plain string or number (`"my_lamp"`), else its `field`. */
export function keyOrField(payload: unknown, p: Record<string, unknown> | undefined, field: string): unknown {
  return typeof payload === "string" || typeof payload === "number" ? payload : p?.[field];
}

/** The device (not the coordinator) with this friendly name or IEEE address. */
export function findDevice(zigbee: Zigbee, key: Key): BridgeDevice {
  const entity = zigbee.resolveEntity(String(key));
  if (entity instanceof BridgeDevice) return entity;
  throw new BridgeError("UNKNOWN_ENTITY", `Device '${String(key)}' does not exist`);
}

/** A device's endpoint by name, number or "default" (the default endpoint when none is given). */
export function findEndpoint(device: BridgeDevice, key: unknown, field = "endpoint"): Endpoint {
  if (key !== undefined && typeof key !== "string" && typeof key !== "number") {
    throw invalid(`'${field}' must be an endpoint name or number`);
  }
  const endpoint = device.endpoint(key);
  if (endpoint) return endpoint;
  const known = device.zh.endpoints.map((e) => device.endpointName(e) ?? e.ID).join(", ");
  throw new BridgeError(
    "UNKNOWN_ENDPOINT",
    `Device '${device.name}' has no endpoint '${String(key ?? "default")}' (it has: ${known || "none"})`,
  );
}

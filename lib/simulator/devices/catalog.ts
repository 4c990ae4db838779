import type { LogicalType } from "../air.js";
import type { CreateDeviceOptions, DeviceKind } from "./deviceKind.js";
import { ajaxColorBulb } from "./kinds/ajaxColorBulb.js";
import { customPlug } from "./kinds/customPlug.js";
import { hzcDualDimmer } from "./kinds/hzcDualDimmer.js";
import { ikeaRemote } from "./kinds/ikeaRemote.js";
import { innrMeteringPlug } from "./kinds/innrMeteringPlug.js";
import { sonoffClimateSensor } from "./kinds/sonoffClimateSensor.js";
import type { VirtualDevice } from "./virtualDevice.js";

export type { CreateDeviceOptions, DeviceKind } from "./deviceKind.js";

/**
 * The built-in kinds, each resolving to a real zigbee-herdsman-converters definition, except `customPlug`, a model
 * zhc does not know (for external converters).
 */
export const deviceKinds = {
  colorBulb: ajaxColorBulb,
  climateSensor: sonoffClimateSensor,
  remote: ikeaRemote,
  meteringPlug: innrMeteringPlug,
  dualDimmer: hzcDualDimmer,
  customPlug,
} as const satisfies Record<string, DeviceKind>;

export type DeviceKindName = keyof typeof deviceKinds;

export interface DeviceKindInfo {
  kind: DeviceKindName;
  model: string;
  vendor: string;
  description: string;
  logicalType: LogicalType;
}

export function listKinds(): DeviceKindInfo[] {
  return Object.values(deviceKinds).map(({ kind, model, vendor, description, logicalType }) => ({
    kind: kind as DeviceKindName,
    model,
    vendor,
    description,
    logicalType,
  }));
}

export function isDeviceKind(kind: string): kind is DeviceKindName {
  return Object.hasOwn(deviceKinds, kind);
}

/** A new virtual device of a built-in kind: `createDevice("colorBulb", { ieee: "0x00124b0000000001" })`. */
export function createDevice(kind: DeviceKindName | string, options: CreateDeviceOptions): VirtualDevice {
  if (!isDeviceKind(kind))
    throw new Error(`unknown device kind '${kind}' (known: ${Object.keys(deviceKinds).join(", ")})`);
  return deviceKinds[kind].create(options);
}

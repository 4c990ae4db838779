import type { Ieee, LogicalType } from "../air.js";

/**
 * A virtual device as plain data: what a kind in the catalog returns and what `VirtualDevice` is built from.
 * Clusters and attributes are named as in zigbee-herdsman's `Zcl.Clusters` (or given by numeric id).
 */

/** A ZCL attribute value as stored: numbers (booleans, enums, bitmaps, integers up to 48 bits) or strings. */
export type AttributeValue = number | string;

/** For an attribute herdsman's cluster definition does not know: its ZCL data type (`Zcl.DataType`) and value. */
export interface TypedAttributeValue {
  type: number;
  value: AttributeValue;
}

/** cluster (name or id) → attribute (name or id) → value */
export type ClusterAttributeValues = Record<string, Record<string, AttributeValue | TypedAttributeValue>>;

export interface EndpointSpec {
  id: number;
  profileId: number;
  deviceId: number;
  deviceVersion?: number;
  /** server clusters */
  inClusters: number[];
  /** client clusters */
  outClusters: number[];
  /** attribute values of the server clusters; a server cluster without an entry has no attributes */
  attributes: ClusterAttributeValues;
}

/** One reporting configuration (ZCL configure-reporting record), in seconds and attribute units. */
export interface ReportingSpec {
  endpoint: number;
  cluster: string;
  attribute: string;
  /** minimum interval between two reports, s */
  min: number;
  /** periodic report interval, s; 0 or 0xffff: no periodic report */
  max: number;
  /** for analog types, the change that triggers a report (0: any change); ignored for discrete types */
  change: number;
}

/** One cluster command a device originates (a remote's button press). */
export interface CommandSpec {
  endpoint: number;
  cluster: string;
  command: string;
  payload?: Record<string, unknown>;
}

export interface DeviceSpec {
  ieee: Ieee;
  logicalType: LogicalType;
  manufacturerCode: number;
  /** MAC capability flags (0x8e mains router, 0x80 sleepy end device) */
  macCapabilities: number;
  endpoints: EndpointSpec[];
  /** factory-default reporting, active until a configReport replaces it */
  reporting?: ReportingSpec[];
  /** named button presses and the commands each sends to the bindings */
  actions?: Record<string, CommandSpec[]>;
}

import { Zcl } from "zigbee-herdsman";
import type { Ieee, LogicalType } from "../air.js";
import { zclCluster } from "./attributeStore.js";
import { defaultBehaviours } from "./behaviours/defaultBehaviours.js";
import { type KindSpec, specFor } from "./deviceKind.js";
import type { AttributeValue, ClusterAttributeValues, EndpointSpec } from "./deviceSpec.js";
import { VirtualDevice } from "./virtualDevice.js";

const { DataType } = Zcl;

/**
 * A device known only by its fingerprint (what a zigbee-herdsman-converters definition matches on): model id,
 * manufacturer name, endpoints and their clusters. Every attribute herdsman defines on its server clusters is present
 * (integers 0, strings empty, IEEE addresses zero), so reads, writes, binds and configure-reporting of standard attributes succeed;
 * manufacturer-specific attributes and commands get the ZCL status a device without them answers.
 */
export interface FingerprintSpec {
  ieee: Ieee;
  modelId: string;
  manufacturerName: string;
  manufacturerCode?: number;
  /** default "Router" (mains powered); "EndDevice" is a sleepy battery device */
  logicalType?: LogicalType;
  /** more genBasic attributes (appVersion, swBuildId...), as a fingerprint may match on them */
  basic?: Record<string, AttributeValue>;
  endpoints: Array<{ id: number; profileId?: number; deviceId?: number; inClusters: number[]; outClusters: number[] }>;
}

/** The server clusters a fingerprint device has when its definition names none: the common standard ones. */
export const GENERIC_SERVER_CLUSTERS: readonly number[] = [
  // general
  0x0000, 0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x0007, 0x0008, 0x0009, 0x000a, 0x000b, 0x000c, 0x000d,
  0x000e, 0x000f, 0x0010, 0x0011, 0x0012, 0x0013, 0x0014, 0x001a, 0x0020, 0x0021,
  // closures, HVAC, lighting
  0x0100, 0x0101, 0x0102, 0x0200, 0x0201, 0x0202, 0x0203, 0x0204, 0x0300, 0x0301,
  // measurement and sensing
  0x0400, 0x0401, 0x0402, 0x0403, 0x0404, 0x0405, 0x0406, 0x040c, 0x040d, 0x042a, 0x042e,
  // security, smart energy, home automation
  0x0500, 0x0501, 0x0502, 0x0702, 0x0b01, 0x0b04, 0x0b05,
];

export const GENERIC_CLIENT_CLUSTERS: readonly number[] = [
  0x0003, 0x0004, 0x0005, 0x0006, 0x0008, 0x000a, 0x0019, 0x0300,
];

/** types whose value the simulated store can hold and encode: integers, enums, bitmaps, floats, character strings */
function defaultValue(type: number): AttributeValue | undefined {
  if (type === DataType.CHAR_STR || type === DataType.LONG_CHAR_STR) return "";
  if (type === DataType.IEEE_ADDR) return "0x0000000000000000";
  if (type === DataType.SINGLE_PREC || type === DataType.DOUBLE_PREC || type === DataType.SEMI_PREC) return 0;
  if (type >= DataType.DATA8 && type <= DataType.ENUM16) return 0;
  if (type === DataType.UTC || type === DataType.CLUSTER_ID || type === DataType.ATTR_ID) return 0;
  return undefined;
}

function clusterAttributes(clusterId: number): Record<string, AttributeValue> {
  const cluster = zclCluster(clusterId);
  const values: Record<string, AttributeValue> = {};
  for (const [name, attribute] of Object.entries(cluster.attributes)) {
    if (attribute.manufacturerCode !== undefined) continue;
    const value = defaultValue(attribute.type);
    if (value !== undefined) values[name] = value;
  }
  return values;
}

export function fingerprintDevice(spec: FingerprintSpec): VirtualDevice {
  const logicalType = spec.logicalType ?? "Router";
  const endpoints = spec.endpoints.map((e, i): EndpointSpec => {
    const attributes: ClusterAttributeValues = {};
    for (const id of e.inClusters) attributes[String(id)] = clusterAttributes(id);
    if (i === 0) {
      attributes["0"] = {
        ...attributes["0"],
        zclVersion: 8,
        manufacturerName: spec.manufacturerName,
        modelId: spec.modelId,
        powerSource: logicalType === "Router" ? 1 : 3,
        ...spec.basic,
      };
    }
    return {
      id: e.id,
      profileId: e.profileId ?? 0x0104,
      deviceId: e.deviceId ?? 0x0000,
      inClusters: i === 0 && !e.inClusters.includes(0) ? [0, ...e.inClusters] : [...e.inClusters],
      outClusters: [...e.outClusters],
      attributes,
    };
  });
  const kind: KindSpec = {
    logicalType,
    manufacturerCode: spec.manufacturerCode ?? 0,
    macCapabilities: logicalType === "Router" ? 0x8e : 0x80,
    endpoints,
  };
  // room for the bindings of a definition that binds every cluster of every endpoint
  return new VirtualDevice(specFor(kind, { ieee: spec.ieee }), {
    behaviours: [...defaultBehaviours],
    bindingCapacity: 128,
  });
}

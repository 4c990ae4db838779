import { Zcl } from "zigbee-herdsman";
import { BridgeError } from "../../util/errors.js";
import type { BridgeDevice } from "../../zigbee/bridgeDevice.js";
import { invalid } from "../bridge/payloadFields.js";

type Cluster = ReturnType<typeof Zcl.Utils.getCluster>;
type Attribute = NonNullable<ReturnType<typeof Zcl.Utils.getClusterAttribute>>;

/** A ZCL cluster by name or ID (the device's custom clusters included). */
export function findCluster(device: BridgeDevice, key: unknown, field = "cluster"): Cluster {
  if (typeof key !== "string" && typeof key !== "number") {
    throw invalid(`'${field}' is required: a cluster name like "genOnOff" or its ID`);
  }
  const custom = device.zh.customClusters;
  if (typeof key === "number") {
    // herdsman makes up a nameless cluster for an unknown ID: its name is then the ID
    const cluster = Zcl.Utils.getCluster(key, undefined, custom);
    if (cluster.name !== String(key)) return cluster;
  } else if (key in custom || Zcl.Utils.isClusterName(key)) {
    return Zcl.Utils.getCluster(key, undefined, custom);
  }
  throw new BridgeError("INVALID_PAYLOAD", `Unknown cluster '${String(key)}'`);
}

/** An attribute of a cluster by name or ID. */
export function findAttribute(cluster: Cluster, key: unknown, field = "attribute"): Attribute {
  if (typeof key !== "string" && typeof key !== "number") {
    throw invalid(`'${field}' is required: an attribute name like "onOff" or its ID`);
  }
  const attribute = Zcl.Utils.getClusterAttribute(cluster, key, undefined);
  if (attribute) return attribute;
  throw new BridgeError("INVALID_PAYLOAD", `Cluster '${cluster.name}' has no attribute '${String(key)}'`);
}

export { settingsChange, zigbeeOperation } from "../bridge/operationErrors.js";

export {
  findDevice,
  findEndpoint,
  integerField,
  type Key,
  keyOrField,
  optionalBoolean,
  requireKey,
  requireString,
} from "../bridge/payloadFields.js";

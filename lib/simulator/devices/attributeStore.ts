import { Zcl } from "zigbee-herdsman";
import type { AttributeValue, TypedAttributeValue } from "./deviceSpec.js";

export type ZclCluster = ReturnType<typeof Zcl.Utils.getCluster>;

/** One attribute of one cluster on one endpoint, with its current value. */
export interface AttributeSlot {
  readonly id: number;
  readonly name: string;
  /** ZCL data type (`Zcl.DataType`) */
  readonly type: number;
  /** analog types report on a change ≥ reportableChange; discrete ones on any change */
  readonly analog: boolean;
  readonly writable: boolean;
  value: AttributeValue;
}

const clusterCache = new Map<string | number, ZclCluster>();

/** herdsman's definition of a cluster, by name or id (unknown ids get a bare definition). */
export function zclCluster(key: string | number): ZclCluster {
  let cluster = clusterCache.get(key);
  if (!cluster) {
    cluster = Zcl.Utils.getCluster(typeof key === "string" && /^\d+$/.test(key) ? Number(key) : key, undefined, {});
    clusterCache.set(key, cluster);
  }
  return cluster;
}

function isTyped(value: AttributeValue | TypedAttributeValue): value is TypedAttributeValue {
  return typeof value === "object";
}

/** The server attributes of one cluster on one endpoint. */
export class ClusterStore {
  private readonly byId = new Map<number, AttributeSlot>();
  private readonly byName = new Map<string, AttributeSlot>();

  constructor(
    readonly endpoint: number,
    readonly cluster: ZclCluster,
  ) {}

  get id(): number {
    return this.cluster.ID;
  }

  slot(key: string | number): AttributeSlot | undefined {
    if (typeof key === "number") return this.byId.get(key);
    return this.byName.get(key) ?? (/^\d+$/.test(key) ? this.byId.get(Number(key)) : undefined);
  }

  slots(): IterableIterator<AttributeSlot> {
    return this.byId.values();
  }

  /** Adds (or resets) an attribute; its id and type come from herdsman's definition unless given. */
  define(key: string, initial: AttributeValue | TypedAttributeValue): AttributeSlot {
    const attribute = Zcl.Utils.getClusterAttribute(this.cluster, /^\d+$/.test(key) ? Number(key) : key, undefined);
    let slot: AttributeSlot;
    if (isTyped(initial)) {
      const id = attribute?.ID ?? Number(key);
      if (!Number.isInteger(id)) throw new Error(`unknown attribute '${key}' in cluster '${this.cluster.name}'`);
      const type = initial.type;
      slot = {
        id,
        name: attribute?.name ?? String(id),
        type,
        analog: Zcl.Utils.isAnalogDataType(type),
        writable: !!attribute?.write,
        value: initial.value,
      };
    } else {
      if (!attribute) throw new Error(`unknown attribute '${key}' in cluster '${this.cluster.name}' (give its type)`);
      const type = attribute.type;
      slot = {
        id: attribute.ID,
        name: attribute.name,
        type,
        analog: Zcl.Utils.isAnalogDataType(type),
        writable: !!attribute.write,
        value: initial,
      };
    }
    this.byId.set(slot.id, slot);
    this.byName.set(slot.name, slot);
    return slot;
  }
}

/** Every server attribute of a device, per endpoint and cluster. */
export class AttributeStore {
  private readonly clusters = new Map<number, ClusterStore>();

  cluster(endpoint: number, cluster: string | number): ClusterStore | undefined {
    const id = typeof cluster === "number" ? cluster : zclCluster(cluster).ID;
    return this.clusters.get(endpoint * 0x10000 + id);
  }

  ensure(endpoint: number, cluster: string | number): ClusterStore {
    const definition = zclCluster(cluster);
    const key = endpoint * 0x10000 + definition.ID;
    let store = this.clusters.get(key);
    if (!store) {
      store = new ClusterStore(endpoint, definition);
      this.clusters.set(key, store);
    }
    return store;
  }

  slot(endpoint: number, cluster: string | number, attribute: string | number): AttributeSlot | undefined {
    return this.cluster(endpoint, cluster)?.slot(attribute);
  }

  all(): IterableIterator<ClusterStore> {
    return this.clusters.values();
  }
}

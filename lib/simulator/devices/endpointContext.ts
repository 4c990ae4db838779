import type { Timer } from "../air.js";
import type { AttributeSlot, AttributeStore, ClusterStore } from "./attributeStore.js";
import type { EndpointContext } from "./behaviours/clusterBehaviour.js";
import type { AttributeValue } from "./deviceSpec.js";
import type { GroupTable } from "./groupTable.js";
import type { SceneTable } from "./sceneTable.js";

/** What an endpoint context needs from its device. */
export interface EndpointHost {
  readonly attributes: AttributeStore;
  readonly groups: GroupTable;
  readonly scenes: SceneTable;
  now(): number;
  /** sets a value so that it reports as configured */
  setValue(cluster: ClusterStore, slot: AttributeSlot, value: AttributeValue): boolean;
  /** a device timer (cleared on detach); undefined when detached */
  startTimer(fn: () => void, ms: number): Timer | undefined;
  stopTimer(timer: Timer): void;
}

/** The `EndpointContext` of one endpoint: attribute access, tables, keyed timers and transient memory. */
export function createEndpointContext(endpoint: number, host: EndpointHost): EndpointContext & { reset(): void } {
  const timers = new Map<string, Timer>();
  const memory = new Map<string, unknown>();
  const cancel = (key: string) => {
    const timer = timers.get(key);
    if (timer !== undefined) {
      host.stopTimer(timer);
      timers.delete(key);
    }
  };
  return {
    endpoint,
    groups: host.groups,
    scenes: host.scenes,
    memory,
    has: (cluster, attribute) => host.attributes.slot(endpoint, cluster, attribute) !== undefined,
    get: (cluster, attribute) => host.attributes.slot(endpoint, cluster, attribute)?.value,
    num(cluster, attribute, fallback = 0) {
      const value = host.attributes.slot(endpoint, cluster, attribute)?.value;
      return typeof value === "number" ? value : fallback;
    },
    set(cluster, attribute, value) {
      const store = host.attributes.cluster(endpoint, cluster);
      const slot = store?.slot(attribute);
      return store !== undefined && slot !== undefined && host.setValue(store, slot, value);
    },
    now: () => host.now(),
    schedule(key, ms, fn) {
      cancel(key);
      const timer = host.startTimer(() => {
        timers.delete(key);
        fn();
      }, ms);
      if (timer !== undefined) timers.set(key, timer);
    },
    cancel,
    /** forgets timers and memory (the device already cleared its timers on detach) */
    reset() {
      timers.clear();
      memory.clear();
    },
  };
}

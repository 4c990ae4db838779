import type { Ieee, LogicalType } from "../air.js";
import type { ClusterBehaviour } from "./behaviours/clusterBehaviour.js";
import { defaultBehaviours } from "./behaviours/defaultBehaviours.js";
import type { OtaClientSpec } from "./behaviours/otaClient.js";
import type { ClusterAttributeValues, DeviceSpec, ReportingSpec } from "./deviceSpec.js";
import type { DeviceSimulation } from "./simulations/deviceSimulation.js";
import { seedFromIeee } from "./simulations/deviceSimulation.js";
import { VirtualDevice } from "./virtualDevice.js";

/** Options of `createDevice`: the IEEE address, plus overrides of the kind's data. */
export interface CreateDeviceOptions {
  ieee: Ieee;
  /** attribute values over the kind's: endpoint → cluster → attribute → value */
  attributes?: Record<number, ClusterAttributeValues>;
  /** replaces the kind's factory-default reporting */
  reporting?: ReportingSpec[];
  /** seed of simulated readings (default: derived from the IEEE address) */
  seed?: number;
  /** sensor and plug: seconds between simulated readings (sensor 30, plug 10) */
  sampleIntervalS?: number;
  /** sensor: factory-default periodic report interval of temperature and humidity, s (default 60) */
  reportIntervalS?: number;
  /** plug: load while on, W (default 60) */
  loadW?: number;
  /** behaviours tried before the defaults, e.g. to inject a fault */
  behaviours?: ClusterBehaviour[];
  /**
   * makes it a touchlink target (kinds with the touchlink cluster 0x1000, e.g. the colour bulb) whose radio is on
   * this channel (11–26) while it is in no network
   */
  touchlinkChannel?: number;
  /** kinds with an OTA client: seconds between the device's own image queries (0: only when notified) */
  otaPollIntervalS?: number;
}

/** A kind of device the catalog can create, resolving to a real zigbee-herdsman-converters definition. */
export interface DeviceKind {
  readonly kind: string;
  /** zigbee-herdsman-converters model and vendor it resolves to */
  readonly model: string;
  readonly vendor: string;
  readonly description: string;
  readonly logicalType: LogicalType;
  create(options: CreateDeviceOptions): VirtualDevice;
}

export type KindSpec = Omit<DeviceSpec, "ieee">;

/** The kind's spec for one device: a copy with the IEEE address and the overrides applied. */
export function specFor(base: KindSpec, options: CreateDeviceOptions): DeviceSpec {
  const spec: DeviceSpec = { ...structuredClone(base), ieee: options.ieee };
  for (const [endpointId, clusters] of Object.entries(options.attributes ?? {})) {
    const endpoint = spec.endpoints.find((e) => e.id === Number(endpointId));
    if (!endpoint) throw new Error(`no endpoint ${endpointId} to override`);
    for (const [cluster, values] of Object.entries(clusters))
      endpoint.attributes[cluster] = { ...endpoint.attributes[cluster], ...values };
  }
  if (options.reporting) spec.reporting = options.reporting;
  return spec;
}

export function buildDevice(
  base: KindSpec,
  options: CreateDeviceOptions,
  simulations: DeviceSimulation[] = [],
  ota?: OtaClientSpec,
): VirtualDevice {
  return new VirtualDevice(specFor(base, options), {
    ota: ota && { ...ota, pollIntervalS: options.otaPollIntervalS ?? ota.pollIntervalS },
    behaviours: [...(options.behaviours ?? []), ...defaultBehaviours],
    simulations,
    touchlink: options.touchlinkChannel === undefined ? undefined : { idleChannel: options.touchlinkChannel },
  });
}

export function seedOf(options: CreateDeviceOptions): number {
  return options.seed ?? seedFromIeee(options.ieee);
}

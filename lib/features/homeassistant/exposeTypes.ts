/** The JSON of a zigbee-herdsman-converters expose, as `BridgeDevice.exposes()` returns it. */
export interface Expose {
  type: string;
  name?: string;
  label?: string;
  property?: string;
  endpoint?: string;
  access?: number;
  unit?: string;
  value_min?: number;
  value_max?: number;
  value_step?: number;
  value_on?: unknown;
  value_off?: unknown;
  values?: unknown[];
  category?: "config" | "diagnostic";
  features?: Expose[];
  homeassistant?: {
    entityCategory?: "config" | "diagnostic";
    deviceClass?: string;
    enabledByDefault?: boolean;
    icon?: string;
    name?: string | null;
    valueTemplate?: string | null;
  };
  [key: string]: unknown;
}

/** Expose access bits. */
export const ACCESS = { STATE: 1, SET: 2, GET: 4 } as const;

export const can = (e: Expose, bit: number): boolean => ((e.access ?? 0) & bit) !== 0;

/** One Home Assistant entity before the device/origin/availability blocks are added. */
export interface EntityConfig {
  /** HA platform: light, sensor, switch, …, or device_automation */
  component: string;
  /** topic object id and unique_id part (e.g. `light`, `temperature`, `switch_l1`) */
  objectId: string;
  payload: Record<string, unknown>;
  /** the state property the entity reads, `null` in state messages until it is known (zigbee2mqtt's mock property) */
  mock?: string;
  /** what stands for the mock property until it is known (default `null`) */
  mockValue?: unknown;
}

/** Where an entity's state is read and its commands go (full topics, base topic included). */
export interface EntityTopics {
  /** `<base>/<name>` */
  state: string;
  /** `<base>/<name>[/<endpoint>]/set[/<property>]` */
  command(endpoint?: string, property?: string): string;
}

export interface MappingOptions {
  legacyActionSensor: boolean;
  eventEntities: boolean;
  /** `<base>/<name>/action`, the raw action string */
  actionTopic: string;
}

/** `{{ value_json["prop"] }}`: zigbee2mqtt's form for every expose property (any name is safe in it). */
export function valueTemplate(property: string): string {
  return `{{ value_json[${JSON.stringify(property)}] }}`;
}

/** The feature of a composite expose by name (e.g. a light's `brightness`). */
export function feature(e: Expose, ...names: string[]): Expose | undefined {
  return e.features?.find((f) => f.name !== undefined && names.includes(f.name));
}

/** The expose's label, with its endpoint when it has one (`State l1`). */
export function labelOf(e: Expose): string {
  const label = e.label ?? e.name ?? e.property ?? "";
  return e.endpoint && !label.toLowerCase().includes(e.endpoint.toLowerCase()) ? `${label} ${e.endpoint}` : label;
}

/** `<name>` or `<name>_<endpoint>`: the object id of an entity. */
export function objectIdOf(base: string, endpoint?: string): string {
  return endpoint ? `${base}_${endpoint}` : base;
}

import * as zhc from "zigbee-herdsman-converters";
import type { DeviceOptions } from "../settings/types.js";
import type { Definition, Device, Endpoint } from "./herdsmanTypes.js";

/** Read access to a device's options (device_options merged under devices[ieee]). */
export interface DeviceOptionsSource {
  deviceOptions(ieee: string): DeviceOptions;
}

type Expose = { type: string; name?: string; property?: string; features?: Expose[]; [k: string]: unknown };

/**
 * Plain-JSON exposes, interned by content: the devices of a model share one frozen list, whether the definition's
 * exposes are static (herdsman-converters gives each device its own copy of the definition) or computed per device
 * from its options. Less memory, and `bridge/devices` writes each model's definition once.
 */
const internedExposes = new Map<string, WeakRef<Expose[]>>();
const forgetInterned = new FinalizationRegistry<string>((json) => {
  if (internedExposes.get(json)?.deref() === undefined) internedExposes.delete(json);
});

/**
 * zigbee2mqtt adds a linkquality expose to every definition (each state message carries it): in bridge/devices,
 * interview events, Home Assistant discovery and the network map's `supports`.
 */
const LINKQUALITY = new zhc.Numeric("linkquality", zhc.access.STATE)
  .withUnit("lqi")
  .withDescription("Link quality (signal strength)")
  .withValueMin(0)
  .withValueMax(255)
  .withCategory("diagnostic");

function internExposes(raw: unknown): Expose[] {
  const json = JSON.stringify(raw);
  const known = internedExposes.get(json)?.deref();
  if (known) return known;
  const exposes = freeze(JSON.parse(json) as Expose[]);
  internedExposes.set(json, new WeakRef(exposes));
  forgetInterned.register(exposes, json);
  return exposes;
}

/** Shared between devices, so nobody may change them. */
function freeze<T>(v: T): T {
  if (v && typeof v === "object") {
    for (const x of Object.values(v)) freeze(x);
    Object.freeze(v);
  }
  return v;
}

/**
 * A herdsman device as the bridge sees it: its friendly name and options from the settings, and its
 * zigbee-herdsman-converters definition (resolved once, kept until the device changes).
 */
export class BridgeDevice {
  private definitionResolved = false;
  private def: Definition | undefined;
  private exposesCache: Expose[] | undefined;

  constructor(
    readonly zh: Device,
    private readonly options$: DeviceOptionsSource,
  ) {}

  get ieee(): string {
    return this.zh.ieeeAddr;
  }

  get options(): DeviceOptions {
    return this.options$.deviceOptions(this.zh.ieeeAddr);
  }

  get name(): string {
    return this.options.friendly_name ?? this.zh.ieeeAddr;
  }

  get isCoordinator(): boolean {
    return this.zh.type === "Coordinator";
  }

  get interviewed(): boolean {
    return this.zh.interviewState === "SUCCESSFUL";
  }

  /** The definition, if one was resolved already (the hot path reads this). */
  get definition(): Definition | undefined {
    return this.def;
  }

  /** Resolves the definition once (again after `invalidate()`); generic definitions for unknown devices. */
  async resolveDefinition(): Promise<Definition | undefined> {
    if (this.definitionResolved || this.isCoordinator) return this.def;
    if (!this.interviewed && !this.zh.modelID) return undefined;
    this.def = await zhc.findByDevice(this.zh as never, true);
    this.definitionResolved = this.def !== undefined;
    this.exposesCache = undefined;
    return this.def;
  }

  invalidate(): void {
    this.definitionResolved = false;
    this.def = undefined;
    this.exposesCache = undefined;
  }

  /** The definition's exposes are computed again at the next `exposes()` (a converter hook said they changed). */
  refreshExposes(): void {
    this.exposesCache = undefined;
  }

  /** zigbee2mqtt counts the coordinator as supported. */
  get supported(): boolean {
    if (this.zh.type === "Coordinator") return true;
    return this.def !== undefined && this.def.generated !== true;
  }

  exposes(): Expose[] {
    if (this.exposesCache) return this.exposesCache;
    const d = this.def;
    if (!d) return [];
    const raw = typeof d.exposes === "function" ? d.exposes(this.zh as never, this.options as never) : d.exposes;
    this.exposesCache = internExposes([...(raw as unknown[]), LINKQUALITY]);
    return this.exposesCache;
  }

  /** Named endpoints of the definition (`{left: 1, right: 2}`), if any. */
  endpointNames(): Record<string, number> {
    const fn = this.def?.endpoint;
    return fn ? (fn(this.zh as never) as Record<string, number>) : {};
  }

  /** Endpoint by name or number; the default endpoint when none is given. */
  endpoint(key?: string | number): Endpoint | undefined {
    if (key === undefined || key === "default") {
      const names = this.endpointNames();
      const id = names.default ?? this.zh.endpoints[0]?.ID;
      return id === undefined ? undefined : this.zh.getEndpoint(id);
    }
    if (typeof key === "number" || /^\d+$/.test(key)) return this.zh.getEndpoint(Number(key));
    const id = this.endpointNames()[key];
    return id === undefined ? undefined : this.zh.getEndpoint(id);
  }

  endpointName(endpoint: Endpoint): string | undefined {
    for (const [name, id] of Object.entries(this.endpointNames())) if (id === endpoint.ID) return name;
    return undefined;
  }
}

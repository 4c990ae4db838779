import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as zhc from "zigbee-herdsman-converters";
import type { FingerprintSpec } from "../../../lib/simulator/devices/fingerprintDevice.js";
import { GENERIC_CLIENT_CLUSTERS, GENERIC_SERVER_CLUSTERS } from "../../../lib/simulator/devices/fingerprintDevice.js";

const require = createRequire(import.meta.url);

type Definition = ReturnType<typeof zhc.prepareDefinition>;
type Fingerprint = NonNullable<Definition["fingerprint"]>[number];

/** One zigbee-herdsman-converters definition, as its module exports it and as `prepareDefinition` makes it. */
export interface CatalogEntry {
  /** `<module>/<model>`, e.g. `ikea/LED2201G8` (stable across releases, unlike the index in the module) */
  id: string;
  module: string;
  model: string;
  vendor: string;
  prepared: Definition;
  /**
   * the code its configure runs: the sources of the definition's own configure and of its extends' configures,
   * sorted ("" when it has none). Two definitions with one signature take the same paths, with other arguments.
   */
  configureSignature: string;
  /** how a device of it is simulated; undefined when its fingerprint cannot be (an IEEE-address pattern) */
  device: Omit<FingerprintSpec, "ieee"> | undefined;
}

const POWER_SOURCES: Record<string, number> = {
  Unknown: 0,
  "Mains (single phase)": 1,
  "Mains (3 phase)": 2,
  Battery: 3,
  "DC Source": 4,
  "Emergency mains constantly powered": 5,
  "Emergency mains and transfer switch": 6,
};

/** The device modules of the installed zigbee-herdsman-converters (`devices/*.js`, one per vendor or family). */
export function deviceModules(): string[] {
  const dist = dirname(require.resolve("zigbee-herdsman-converters"));
  return readdirSync(join(dist, "devices"))
    .filter((f) => f.endsWith(".js") && f !== "index.js")
    .map((f) => f.slice(0, -3))
    .sort();
}

/** The endpoint ids a definition names (its `endpoint()` map, asked of a device that has none), endpoint 1 first. */
function namedEndpoints(definition: Definition): number[] {
  const ids = new Set<number>([1]);
  try {
    const map = definition.endpoint?.({ endpoints: [], getEndpoint: () => undefined } as never) ?? {};
    for (const id of Object.values(map)) if (Number.isInteger(id) && id > 0 && id < 241) ids.add(id as number);
  } catch {
    // an endpoint() that needs a real device: endpoint 1 only
  }
  return [...ids];
}

function fromFingerprint(definition: Definition, fp: Fingerprint): Omit<FingerprintSpec, "ieee"> | undefined {
  if (fp.ieeeAddr) return undefined;
  const basic: FingerprintSpec["basic"] = {};
  if (fp.applicationVersion !== undefined) basic.appVersion = fp.applicationVersion;
  if (fp.stackVersion !== undefined) basic.stackVersion = fp.stackVersion;
  if (fp.hardwareVersion !== undefined) basic.hwVersion = fp.hardwareVersion;
  if (fp.zclVersion !== undefined) basic.zclVersion = fp.zclVersion;
  if (fp.dateCode !== undefined) basic.dateCode = fp.dateCode;
  if (fp.softwareBuildID !== undefined) basic.swBuildId = fp.softwareBuildID;
  if (fp.powerSource !== undefined) basic.powerSource = POWER_SOURCES[fp.powerSource] ?? 0;
  const endpoints = fp.endpoints?.length
    ? fp.endpoints.map((e, i) => ({
        id: e.ID ?? i + 1,
        profileId: e.profileID,
        deviceId: e.deviceID,
        inClusters: e.inputClusters ?? [...GENERIC_SERVER_CLUSTERS],
        outClusters: e.outputClusters ?? [...GENERIC_CLIENT_CLUSTERS],
      }))
    : genericEndpoints(definition);
  return {
    modelId: fp.modelID ?? definition.zigbeeModel?.[0] ?? "",
    manufacturerName: fp.manufacturerName ?? "",
    manufacturerCode: fp.manufacturerID,
    logicalType: fp.type ?? (basic.powerSource === 3 ? "EndDevice" : "Router"),
    basic,
    endpoints,
  };
}

function genericEndpoints(definition: Definition): FingerprintSpec["endpoints"] {
  return namedEndpoints(definition).map((id) => ({
    id,
    inClusters: [...GENERIC_SERVER_CLUSTERS],
    outClusters: [...GENERIC_CLIENT_CLUSTERS],
  }));
}

/** A device that resolves to the definition: its first fingerprint, or its first zigbee model with the generic clusters. */
function simulatedDevice(definition: Definition): Omit<FingerprintSpec, "ieee"> | undefined {
  const fp = definition.fingerprint?.[0];
  if (fp && (fp.modelID !== undefined || !definition.zigbeeModel)) return fromFingerprint(definition, fp);
  const model = definition.zigbeeModel?.[0];
  if (model === undefined) return undefined;
  return {
    modelId: model,
    manufacturerName: fp?.manufacturerName ?? definition.vendor,
    logicalType: "Router",
    endpoints: genericEndpoints(definition),
  };
}

function configureSignature(raw: unknown): string {
  const r = raw as { configure?: unknown; extend?: Array<{ configure?: unknown[] }> };
  const sources: string[] = [];
  if (typeof r.configure === "function") sources.push(r.configure.toString());
  for (const ext of r.extend ?? [])
    for (const c of ext.configure ?? []) if (typeof c === "function") sources.push(c.toString());
  return sources.sort().join("\n");
}

/** Every definition of every device module, prepared as the library prepares it when it resolves a device. */
export function loadCatalog(): CatalogEntry[] {
  const entries: CatalogEntry[] = [];
  for (const module of deviceModules()) {
    const { definitions } = require(`zigbee-herdsman-converters/devices/${module}`) as { definitions: unknown[] };
    if (!Array.isArray(definitions)) throw new Error(`zigbee-herdsman-converters/devices/${module}: no definitions`);
    for (const raw of definitions) {
      const prepared = zhc.prepareDefinition(raw as never);
      entries.push({
        id: `${module}/${prepared.model}`,
        module,
        model: prepared.model,
        vendor: prepared.vendor,
        prepared,
        configureSignature: configureSignature(raw),
        device: simulatedDevice(prepared),
      });
    }
  }
  return entries;
}

/**
 * One simulable definition per distinct configure signature (the first by id): every configure code path of the
 * library, each with the arguments of one definition.
 */
export function configureCovering(entries: CatalogEntry[]): CatalogEntry[] {
  const bySignature = new Map<string, CatalogEntry>();
  for (const e of [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    if (e.device === undefined || e.configureSignature === "") continue;
    if (!bySignature.has(e.configureSignature)) bySignature.set(e.configureSignature, e);
  }
  return [...bySignature.values()];
}

/** Slice `n` of `count` (1-based) of `entries`, spread by a hash of their id. */
export function catalogSlice(entries: CatalogEntry[], n: number, count: number): CatalogEntry[] {
  const hash = (s: string) => {
    let h = 2166136261;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
    return h >>> 0;
  };
  return entries.filter((e) => hash(e.id) % count === n - 1);
}

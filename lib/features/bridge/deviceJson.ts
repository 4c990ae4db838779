import { PreSerialized } from "../../util/stableJson.js";
import type { BridgeDevice } from "../../zigbee/bridgeDevice.js";
import type { BridgeGroup } from "../../zigbee/bridgeGroup.js";

/** One entry of `bridge/devices`, in zigbee2mqtt's shape. */
export function deviceJson(d: BridgeDevice): Record<string, unknown> {
  const zh = d.zh;
  const def = d.definition;
  const endpoints: Record<string, unknown> = {};
  for (const ep of zh.endpoints) {
    endpoints[ep.ID] = {
      name: d.endpointName(ep),
      bindings: ep.binds.map((b) => ({
        cluster: b.cluster.name,
        target:
          "groupID" in b.target
            ? { type: "group", id: (b.target as { groupID: number }).groupID }
            : {
                type: "endpoint",
                ieee_address: (b.target as { deviceIeeeAddress: string }).deviceIeeeAddress,
                endpoint: (b.target as { ID: number }).ID,
              },
      })),
      configured_reportings: ep.configuredReportings.map((r) => ({
        cluster: r.cluster.name,
        attribute: r.attribute.name ?? r.attribute.ID,
        minimum_report_interval: r.minimumReportInterval,
        maximum_report_interval: r.maximumReportInterval,
        reportable_change: r.reportableChange,
      })),
      clusters: { input: ep.getInputClusters().map((c) => c.name), output: ep.getOutputClusters().map((c) => c.name) },
      scenes: [],
    };
  }
  return {
    ieee_address: zh.ieeeAddr,
    type: zh.type,
    network_address: zh.networkAddress,
    supported: d.supported,
    friendly_name: d.isCoordinator ? "Coordinator" : d.name,
    disabled: d.options.disabled === true,
    description: d.options.description,
    definition: def ? definitionJson(d) : undefined,
    power_source: zh.powerSource,
    software_build_id: zh.softwareBuildID,
    date_code: zh.dateCode,
    model_id: zh.modelID,
    interviewing: zh.interviewState === "IN_PROGRESS",
    interview_completed: zh.interviewState === "SUCCESSFUL",
    interview_state: zh.interviewState,
    manufacturer: zh.manufacturerName,
    endpoints,
  };
}

type Definition = NonNullable<BridgeDevice["definition"]>;
/**
 * Written definition blocks, by exposes list (shared by the devices of a model with the same exposes) and then by
 * the rest of the block in plain JSON (herdsman-converters hands each device its own copy of the definition).
 */
const definitionCache = new WeakMap<object, Map<string, PreSerialized>>();

/** The `definition` block: written once per model (and exposes list), not once per device. */
export function definitionJson(d: BridgeDevice): PreSerialized {
  const def = d.definition as Definition;
  const exposes = d.exposes();
  const head = {
    source: def.generated ? "generated" : def.externalConverterName ? "external" : "native",
    model: def.model,
    vendor: def.vendor,
    description: def.description,
    supports_ota: def.ota !== undefined && def.ota !== false,
    icon: deviceIcon(d),
    version: def.version,
  };
  const options = def.options ?? [];
  const key = JSON.stringify([head, options]);
  let byRest = definitionCache.get(exposes);
  if (!byRest) {
    byRest = new Map();
    definitionCache.set(exposes, byRest);
  }
  let json = byRest.get(key);
  if (!json) {
    json = PreSerialized.of({ ...head, exposes, options });
    byRest.set(key, json);
  }
  return json;
}

/** The device's `icon` option (e.g. `device_icons/<md5>.png`, saved from the UI), else its definition's. */
function deviceIcon(d: BridgeDevice): string | undefined {
  const icon = (d.options as { icon?: unknown }).icon ?? (d.definition as { icon?: unknown } | undefined)?.icon;
  if (typeof icon !== "string" || icon.length === 0) return undefined;
  const safe = (v: string | undefined) => (v ?? "").replace(/\?|&|[^a-z\d\- _./:]/gi, "-");
  return icon.replace("$zigbeeModel", safe(d.zh.modelID)).replace("$model", safe(d.definition?.model));
}

/** One entry of `bridge/groups`. */
export function groupJson(g: BridgeGroup): Record<string, unknown> {
  return {
    id: g.id,
    friendly_name: g.id === 901 ? "default_bind_group" : g.name,
    description: (g.options as { description?: string }).description,
    scenes: [],
    members: g.members().map((m) => ({ ieee_address: m.ieee, endpoint: m.endpoint })),
  };
}

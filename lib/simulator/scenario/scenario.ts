import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";

/** One device of a scenario. */
export interface ScenarioDevice {
  /** a device kind of the catalog, e.g. `ZB_A60_RGBCW` */
  kind: string;
  /** a label to find it by in tests and on the CLI (default: kind + index) */
  name?: string;
  /** default: derived from the scenario seed */
  ieee?: string;
  /** already in the network: joins right after formation, no permit join needed */
  paired?: boolean;
  /** joins by itself whenever permit join opens (default true) */
  autoJoin?: boolean;
  /**
   * a touchlink target (kinds with the touchlink cluster, e.g. colorBulb), its radio on this channel (11–26) while it
   * is in no network; in the network it is on the network's channel
   */
  touchlinkChannel?: number;
  /** kind-specific options (e.g. a sensor's report interval) */
  options?: Record<string, unknown>;
}

export interface Scenario {
  name: string;
  seed: string;
  devices: ScenarioDevice[];
  /** deliver every groupcast to the host too (default true) */
  coordinatorReceivesAllGroupcasts?: boolean;
}

export class ScenarioError extends Error {}

/** The four demo devices: a colour bulb, a climate sensor, a remote and a metering plug, all already paired. */
export function demoScenario(): Scenario {
  return {
    name: "demo",
    seed: "demo",
    devices: [
      { kind: "colorBulb", name: "bulb", paired: true },
      { kind: "climateSensor", name: "sensor", paired: true },
      { kind: "remote", name: "remote", paired: true },
      { kind: "meteringPlug", name: "plug", paired: true },
    ],
  };
}

/** N colour bulbs, already paired: for benchmarks. */
export function scaleScenario(count: number): Scenario {
  return {
    name: `scale:${count}`,
    seed: `scale`,
    devices: Array.from({ length: count }, (_, i) => ({ kind: "colorBulb", name: `bulb_${i + 1}`, paired: true })),
  };
}

function validate(raw: unknown, source: string): Scenario {
  const fail = (msg: string): never => {
    throw new ScenarioError(`${source}: ${msg}`);
  };
  if (typeof raw !== "object" || raw === null) fail("a scenario must be an object with a 'devices' list");
  const r = raw as Record<string, unknown>;
  if (!Array.isArray(r.devices)) fail("'devices' must be a list");
  const devices = (r.devices as unknown[]).map((d, i): ScenarioDevice => {
    if (typeof d !== "object" || d === null) return fail(`devices[${i}] must be an object`);
    const o = d as Record<string, unknown>;
    if (typeof o.kind !== "string") fail(`devices[${i}].kind must be a string`);
    if (o.ieee !== undefined && (typeof o.ieee !== "string" || !/^0x[0-9a-fA-F]{16}$/.test(o.ieee)))
      fail(`devices[${i}].ieee must look like 0x00124b0001020304`);
    for (const k of ["paired", "autoJoin"] as const)
      if (o[k] !== undefined && typeof o[k] !== "boolean") fail(`devices[${i}].${k} must be true or false`);
    if (o.name !== undefined && typeof o.name !== "string") fail(`devices[${i}].name must be a string`);
    const channel = o.touchlinkChannel;
    if (channel !== undefined && !(Number.isInteger(channel) && (channel as number) >= 11 && (channel as number) <= 26))
      fail(`devices[${i}].touchlinkChannel must be a Zigbee channel from 11 to 26`);
    return {
      kind: o.kind as string,
      name: o.name as string | undefined,
      ieee: (o.ieee as string | undefined)?.toLowerCase(),
      paired: o.paired as boolean | undefined,
      autoJoin: o.autoJoin as boolean | undefined,
      touchlinkChannel: channel as number | undefined,
      options: (o.options as Record<string, unknown> | undefined) ?? undefined,
    };
  });
  const names = new Set<string>();
  for (const d of devices) {
    if (d.name && names.has(d.name)) fail(`device name '${d.name}' is used twice`);
    if (d.name) names.add(d.name);
  }
  return {
    name: typeof r.name === "string" ? r.name : source,
    seed: typeof r.seed === "string" ? r.seed : source,
    devices,
    coordinatorReceivesAllGroupcasts:
      typeof r.coordinatorReceivesAllGroupcasts === "boolean" ? r.coordinatorReceivesAllGroupcasts : undefined,
  };
}

/** `demo`, `scale:N`, or a YAML/JSON file. */
export function loadScenario(spec: string | Scenario): Scenario {
  if (typeof spec !== "string") return validate(spec, spec.name ?? "scenario");
  if (spec === "demo") return demoScenario();
  const scale = /^scale(?::(\d+))?$/.exec(spec);
  if (scale) return scaleScenario(Number(scale[1] ?? 100));
  let text: string;
  try {
    text = readFileSync(spec, "utf8");
  } catch (e) {
    throw new ScenarioError(`cannot read scenario file ${spec}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text); // YAML is a superset of JSON
  } catch (e) {
    throw new ScenarioError(`${spec}: not valid YAML/JSON: ${(e as Error).message}`);
  }
  return validate(raw, spec);
}

import type { JsonSchema } from "./jsonSchema.js";
import { type PlainObject, setIn } from "./plainObjects.js";
import { settingsSchema } from "./schema.js";

/** Ours wins over zigbee2mqtt's when both set the same setting. */
const PREFIXES = ["ZIGBEE2MQTT_CONFIG_", "ZIGMQTT_CONFIG_"] as const;

/** Network settings where `GENERATE` from the environment means "make sure the file has a generated value". */
const GENERATABLE = new Set(["advanced.network_key", "advanced.pan_id", "advanced.ext_pan_id"]);

export interface EnvOverrides {
  /** Sparse settings from the environment, merged over the files' settings. */
  readonly values: PlainObject;
  /** Setting path (dotted) → the variable that set it, for messages. */
  readonly sources: ReadonlyMap<string, string>;
  /** Network settings the environment asked to GENERATE (handled like GENERATE in the file). */
  readonly generate: ReadonlySet<string>;
  readonly problems: readonly string[];
  /** Variables with one of our prefixes that name no setting. */
  readonly unknown: readonly string[];
}

function settingPaths(schema: JsonSchema, path: string[] = [], out = new Map<string, [string[], JsonSchema]>()) {
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const at = [...path, key];
    out.set(at.join("_").toUpperCase(), [at, child]);
    settingPaths(child, at, out);
  }
  return out;
}

let index: Map<string, [string[], JsonSchema]> | undefined;

function allowedTypes(schema: JsonSchema): Set<string> {
  const types = new Set<string>();
  const add = (s: JsonSchema) => {
    for (const t of Array.isArray(s.type) ? s.type : s.type ? [s.type] : []) types.add(t === "integer" ? "number" : t);
    for (const v of [...(s.enum ?? []), ...(s.const !== undefined ? [s.const] : [])]) {
      types.add(v === null ? "null" : typeof v);
    }
    for (const branch of [...(s.oneOf ?? []), ...(s.anyOf ?? [])]) add(branch);
  };
  add(schema);
  return types;
}

const WANTED: Record<string, string> = {
  number: "a number",
  boolean: "true or false",
  null: "null",
  object: "a JSON object",
  array: "a JSON list",
};

/** Converts a variable's text to the setting's type, or explains why it cannot. */
function coerce(text: string, schema: JsonSchema): { value: unknown } | { problem: string } {
  const types = allowedTypes(schema);
  const trimmed = text.trim();
  if ((types.has("object") || types.has("array")) && /^[[{]/.test(trimmed)) {
    try {
      return { value: JSON.parse(trimmed) };
    } catch {
      return { problem: `is not valid JSON (got ${JSON.stringify(text)})` };
    }
  }
  if (types.has("number") && trimmed !== "" && Number.isFinite(Number(trimmed))) return { value: Number(trimmed) };
  if (types.has("boolean") && (trimmed === "true" || trimmed === "false")) return { value: trimmed === "true" };
  if (types.has("null") && trimmed === "null") return { value: null };
  if (types.has("string") || types.size === 0) return { value: text };
  const wanted = [...types].map((t) => WANTED[t] ?? t).join(" or ");
  return { problem: `must be ${wanted} (got ${JSON.stringify(text)})` };
}

/**
 * Reads `ZIGMQTT_CONFIG_<PATH>` and zigbee2mqtt's `ZIGBEE2MQTT_CONFIG_<PATH>` variables, e.g.
 * `ZIGMQTT_CONFIG_ADVANCED_LOG_LEVEL=debug`. The schema says which setting a name means and its type.
 *
 * Unlike zigbee2mqtt, these values are never written into configuration.yaml: the environment is how containers
 * configure the bridge, and a secret passed that way should not end up on disk.
 */
export function readEnvOverrides(env: NodeJS.ProcessEnv): EnvOverrides {
  index ??= settingPaths(settingsSchema);
  const found: { prefix: number; path: string[]; schema: JsonSchema; name: string; text: string }[] = [];
  const unknown: string[] = [];
  for (const [name, text] of Object.entries(env)) {
    const prefix = PREFIXES.findIndex((p) => name.startsWith(p));
    if (prefix < 0 || text === undefined) continue;
    const entry = index.get(name.slice(PREFIXES[prefix]!.length));
    if (entry) found.push({ prefix, path: entry[0], schema: entry[1], name, text });
    else unknown.push(name);
  }
  // zigbee2mqtt's first, then ours; parents before children, so the more specific variable wins
  found.sort((a, b) => a.prefix - b.prefix || a.path.length - b.path.length);

  const values: PlainObject = {};
  const sources = new Map<string, string>();
  const generate = new Set<string>();
  const problems: string[] = [];
  for (const { path, schema, name, text } of found) {
    const dotted = path.join(".");
    if (GENERATABLE.has(dotted) && text.trim() === "GENERATE") {
      generate.add(dotted);
      continue;
    }
    const result = coerce(text, schema);
    if ("problem" in result) problems.push(`${dotted}: ${result.problem} (from ${name})`);
    else {
      setIn(values, path, result.value);
      sources.set(dotted, name);
    }
  }
  return { values, sources, generate, problems, unknown };
}

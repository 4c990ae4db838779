import { join } from "node:path";
import type { JsonSchema } from "./jsonSchema.js";
import { isPlainObject, type PlainObject } from "./plainObjects.js";
import { settingsSchema } from "./schema.js";

function collectDefaults(schema: JsonSchema): unknown {
  // a null default (adapter_delay) means "not set": no value
  if (schema.default === null) return undefined;
  if (schema.default !== undefined) return structuredClone(schema.default);
  if (!schema.properties) return undefined;
  const out: PlainObject = {};
  for (const [key, child] of Object.entries(schema.properties)) {
    const value = collectDefaults(child);
    if (value !== undefined) out[key] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Every default from the schema, plus those that depend on the data directory. */
export function settingsDefaults(dataDir: string): PlainObject {
  const defaults = collectDefaults(settingsSchema);
  if (!isPlainObject(defaults)) throw new Error("the settings schema has no defaults");
  for (const section of ["mqtt", "serial", "advanced", "homeassistant", "availability", "frontend", "ota", "health"]) {
    if (!isPlainObject(defaults[section])) defaults[section] = {};
  }
  defaults.map_options ??= {};
  (defaults.advanced as PlainObject).log_directory = join(dataDir, "log", "%TIMESTAMP%");
  return defaults;
}

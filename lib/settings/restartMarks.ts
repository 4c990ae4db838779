import type { JsonSchema } from "./jsonSchema.js";
import { isPlainObject } from "./plainObjects.js";

/**
 * Whether a sparse object of changed settings touches a setting the schema marks `requiresRestart: true`: walks the
 * changes along the schema (properties, pattern and additional properties, list items, `$ref`s into `definitions`,
 * and every branch of `oneOf`/`anyOf`). A marked setting counts whatever its new value, `null` (removal) included.
 */
export function touchesRestartSetting(changes: unknown, schema: JsonSchema, root: JsonSchema = schema): boolean {
  const s = resolve(schema, root);
  if (s.requiresRestart === true) return true;
  for (const branch of [...(s.oneOf ?? []), ...(s.anyOf ?? [])]) {
    if (touchesRestartSetting(changes, branch, root)) return true;
  }
  if (Array.isArray(changes)) {
    return s.items !== undefined && changes.some((item) => touchesRestartSetting(item, s.items as JsonSchema, root));
  }
  if (!isPlainObject(changes)) return false;
  for (const [key, value] of Object.entries(changes)) {
    for (const child of childSchemas(s, key)) {
      if (touchesRestartSetting(value, child, root)) return true;
    }
  }
  return false;
}

function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  const ref = schema.$ref;
  if (ref === undefined) return schema;
  const name = /^#\/definitions\/(.+)$/.exec(ref)?.[1];
  const target = name === undefined ? undefined : root.definitions?.[name];
  if (!target) throw new Error(`settings schema: unresolvable $ref ${ref}`);
  return target;
}

/** The schemas that apply to `key` inside an object schema, as JSON schema picks them. */
function childSchemas(schema: JsonSchema, key: string): JsonSchema[] {
  const named = schema.properties?.[key];
  if (named) return [named];
  const byPattern = Object.entries(schema.patternProperties ?? {})
    .filter(([pattern]) => new RegExp(pattern, "u").test(key))
    .map(([, s]) => s);
  if (byPattern.length > 0) return byPattern;
  return typeof schema.additionalProperties === "object" ? [schema.additionalProperties] : [];
}

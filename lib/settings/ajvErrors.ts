import type { ErrorObject } from "ajv";
import type { JsonSchema } from "./jsonSchema.js";

/** `/advanced/channel` → `advanced.channel`. */
export function pointerToPath(pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .join(".");
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const TYPE_NAMES: Record<string, string> = {
  number: "a number",
  integer: "an integer",
  string: "a string",
  boolean: "true or false",
  object: "a mapping",
  array: "a list",
  null: "null",
};

/** Says in words what a (small) schema accepts, for "must be … or …" messages. */
export function describeSchema(schema: JsonSchema): string {
  if (schema.const !== undefined) return shown(schema.const);
  if (schema.enum) return schema.enum.map(shown).join(" or ");
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  return types
    .map((t) => {
      if (t === "array" && schema.minItems !== undefined && schema.minItems === schema.maxItems && schema.items) {
        const item = schema.items;
        const range = item.minimum !== undefined ? ` ${item.minimum}–${item.maximum}` : "";
        return `a list of ${schema.minItems} ${item.type === "integer" ? "integers" : "items"}${range}`;
      }
      if ((t === "number" || t === "integer") && schema.minimum !== undefined && schema.maximum !== undefined) {
        return `${TYPE_NAMES[t]} ${schema.minimum}–${schema.maximum}`;
      }
      return TYPE_NAMES[t] ?? t;
    })
    .join(" or ");
}

function describeError(error: ErrorObject): { path: string; text: string } {
  const path = pointerToPath(error.instancePath);
  const got = ` (got ${shown(error.data)})`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required": {
      const missing = String(params.missingProperty);
      return { path: path ? `${path}.${missing}` : missing, text: "is required" };
    }
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const where = path ? `${path}.${key}` : key;
      if (path === "devices") {
        return { path: where, text: "is not an IEEE address (0x followed by 16 hex digits)" };
      }
      if (path === "groups") return { path: where, text: "is not a group ID (a whole number)" };
      return { path: where, text: "is not a known setting" };
    }
    case "type":
      return { path, text: `must be ${describeSchema({ type: params.type as string | string[] })}${got}` };
    case "enum":
      return { path, text: `must be one of ${(params.allowedValues as unknown[]).map(String).join(", ")}${got}` };
    case "const":
      return { path, text: `must be ${shown(params.allowedValue)}${got}` };
    case "anyOf":
    case "oneOf": {
      const branches = (error.schema as JsonSchema[]).map(describeSchema).join(" or ");
      return { path, text: `must be ${branches}${got}` };
    }
    case "pattern":
      return { path, text: `must match ${String(params.pattern)}${got}` };
    case "propertyNames":
      return { path, text: `has an invalid key${got}` };
    default:
      return { path, text: `${error.message ?? "is invalid"}${error.data === undefined ? "" : got}` };
  }
}

/**
 * Turns ajv's errors (compiled with `allErrors` and `verbose`) into one line per setting: the errors inside a
 * failed `anyOf`/`oneOf` collapse into one "must be A or B" line, and only the first problem per setting is kept.
 */
export function formatAjvErrors(errors: readonly ErrorObject[]): string[] {
  const unions = errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf").map((e) => `${e.schemaPath}/`);
  const kept = errors.filter((e) => !unions.some((u) => e.schemaPath.startsWith(u)));
  const byPath = new Map<string, string>();
  const typeFirst = [...kept].sort((a, b) => Number(b.keyword === "type") - Number(a.keyword === "type"));
  for (const error of typeFirst) {
    const { path, text } = describeError(error);
    if (!byPath.has(path)) byPath.set(path, `${path || "configuration"}: ${text}`);
  }
  // keep ajv's order (document order), not the type-first order used for picking
  const order = kept.map((e) => describeError(e).path);
  return [...new Set(order)].map((p) => byPath.get(p)!);
}

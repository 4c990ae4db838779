import type { JsonSchema } from "./jsonSchema.js";
import { deepEqual, getIn, isPlainObject, type PlainObject } from "./plainObjects.js";
import { settingsSchema } from "./schema.js";

/**
 * zigbee2mqtt settings this bridge validates but does not implement yet. A value other than the default is refused
 * (one line per setting) instead of being accepted and silently ignored; a section holding only defaults, as
 * zigbee2mqtt data directories often carry, is fine.
 */
const UNSUPPORTED: ReadonlyArray<{ path: readonly string[]; why: string; honoured?: (value: unknown) => boolean }> = [
  {
    path: ["advanced", "log_symlink_current"],
    why: "the 'current' log directory symlink is not supported yet",
  },
];

function schemaAt(path: readonly string[]): JsonSchema | undefined {
  let at: JsonSchema | undefined = settingsSchema;
  for (const key of path) at = at?.properties?.[key];
  return at;
}

/** One line per unsupported setting with a value other than its default, in effective (defaults-merged) settings. */
export function unsupportedSettings(settings: PlainObject): string[] {
  const problems: string[] = [];
  for (const { path, why, honoured } of UNSUPPORTED) {
    const value = getIn(settings, path);
    if (value === undefined || value === null) continue;
    const fallback = schemaAt(path)?.default;
    if ((fallback !== undefined && deepEqual(value, fallback)) || honoured?.(value)) continue;
    const shown = fallback === undefined ? "remove it" : `remove it or set the default ${JSON.stringify(fallback)}`;
    problems.push(`${path.join(".")}: ${why}; ${shown} (got ${JSON.stringify(value)})`);
  }
  const advanced = settings.advanced;
  const output = isPlainObject(advanced) ? advanced.log_output : undefined;
  if (Array.isArray(output) && output.includes("syslog")) {
    problems.push(
      `advanced.log_output: syslog output is not supported yet; use console and/or file (got ${JSON.stringify(output)})`,
    );
  }
  return problems;
}

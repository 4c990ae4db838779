import { isPlainObject, type PlainObject } from "./plainObjects.js";
import { settingsSchema } from "./schema.js";

/** Top-level keys zigbee2mqtt keeps outside the schema. */
const KNOWN_EXTRA = new Set(["version", "onboarding"]);
/** Sections whose keys are free (device ids, converter options, colours). */
const FREE_SECTIONS = new Set(["devices", "groups", "device_options", "map_options"]);

/**
 * Settings the schema does not know, e.g. a typo like `advanced.chanel`. zigbee2mqtt ignores them silently; we
 * still ignore them (newer zigbee2mqtt versions may add keys) but say so, one line each.
 */
export function unknownSettings(raw: PlainObject): string[] {
  const lines: string[] = [];
  const sections = settingsSchema.properties ?? {};
  for (const [key, value] of Object.entries(raw)) {
    const section = sections[key];
    if (!section) {
      if (!KNOWN_EXTRA.has(key)) lines.push(`${key} is not a known setting; ignored`);
      continue;
    }
    if (FREE_SECTIONS.has(key) || !isPlainObject(value) || !section.properties) continue;
    for (const child of Object.keys(value)) {
      if (!(child in section.properties)) lines.push(`${key}.${child} is not a known setting; ignored`);
    }
  }
  return lines;
}

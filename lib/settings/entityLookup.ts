import { validateFriendlyName } from "./friendlyName.js";
import { isPlainObject, type PlainObject } from "./plainObjects.js";
import { IEEE_ADDRESS } from "./schemaEntities.js";
import { SettingsError } from "./settingsError.js";

function section(raw: PlainObject, name: "devices" | "groups"): PlainObject {
  const value = raw[name];
  return isPlainObject(value) ? value : {};
}

function nameOf(options: unknown): unknown {
  return isPlainObject(options) ? options.friendly_name : undefined;
}

/** The `devices` key for an IEEE address (any case) or a friendly name. */
export function findDeviceKey(raw: PlainObject, ieeeOrName: string): string | undefined {
  const devices = section(raw, "devices");
  if (ieeeOrName in devices) return ieeeOrName;
  const lower = ieeeOrName.toLowerCase();
  if (IEEE_ADDRESS.test(ieeeOrName)) {
    const key = Object.keys(devices).find((k) => k.toLowerCase() === lower);
    if (key) return key;
  }
  return Object.keys(devices).find((k) => nameOf(devices[k]) === ieeeOrName);
}

/** The `groups` key for a group ID (number or decimal string) or a friendly name. */
export function findGroupKey(raw: PlainObject, idOrName: string | number): string | undefined {
  const groups = section(raw, "groups");
  const asKey = String(idOrName);
  if (/^\d+$/.test(asKey) && String(Number(asKey)) in groups) return String(Number(asKey));
  return Object.keys(groups).find((k) => nameOf(groups[k]) === asKey);
}

/**
 * Checks a new friendly name for the entity at `path` (`devices.<ieee>` or `groups.<id>`): valid, and not used by
 * any other device or group. Throws a SettingsError with one line.
 */
export function checkNewName(raw: PlainObject, path: string, name: unknown): void {
  const invalid = validateFriendlyName(name);
  if (invalid) throw new SettingsError(`${path}.friendly_name: ${invalid}`);
  for (const kind of ["devices", "groups"] as const) {
    for (const [key, options] of Object.entries(section(raw, kind))) {
      const other = `${kind}.${key}`;
      if (other !== path && nameOf(options) === name) {
        const what = kind === "devices" ? "device" : "group";
        throw new SettingsError(`${path}.friendly_name: '${String(name)}' is used by another ${what} (${other})`);
      }
    }
  }
}

/** The smallest group ID not in use. */
export function freeGroupId(raw: PlainObject): number {
  const used = new Set(Object.keys(section(raw, "groups")).map(Number));
  let id = 1;
  while (used.has(id)) id++;
  return id;
}

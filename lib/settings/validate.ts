import type { ErrorObject } from "ajv";
import { formatAjvErrors } from "./ajvErrors.js";
import { validateFriendlyName } from "./friendlyName.js";
import { validate as settingsCheck } from "./generated/settingsValidator.js";
import { isPlainObject, type PlainObject } from "./plainObjects.js";
import { touchesRestartSetting } from "./restartMarks.js";
import { settingsSchema } from "./schema.js";
import { unsupportedSettings } from "./unsupportedSettings.js";

/** A validator generated ahead of time by ajv's standalone code (scripts/settingsValidators.mjs, `npm run generate`). */
interface GeneratedValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

const validator = settingsCheck as GeneratedValidator;

/** Whether a sparse object of changed settings touches one that needs a restart. */
export function restartRequired(changes: unknown): boolean {
  return changes !== undefined && touchesRestartSetting(changes, settingsSchema);
}

/** Validates complete settings (defaults merged in); returns one line per problem, none when valid. */
export function validateSettings(settings: PlainObject): string[] {
  const problems = validator(settings) ? [] : formatAjvErrors(validator.errors ?? []);
  return [...problems, ...checkEntities(settings), ...unsupportedSettings(settings)];
}

function entities(settings: PlainObject): [string, PlainObject][] {
  const list: [string, PlainObject][] = [];
  for (const section of ["devices", "groups"]) {
    const map = settings[section];
    if (!isPlainObject(map)) continue;
    for (const [key, options] of Object.entries(map)) {
      if (isPlainObject(options)) list.push([`${section}.${key}`, options]);
    }
  }
  return list;
}

/** The checks a schema cannot express: unique and valid names, icons, retention needing MQTT 5. */
function checkEntities(settings: PlainObject): string[] {
  const problems: string[] = [];
  const owners = new Map<string, string>();
  const mqttVersion = isPlainObject(settings.mqtt) ? settings.mqtt.version : undefined;
  const retentionProblem = (path: string) =>
    `${path}.retention: needs mqtt.version 5 (mqtt.version is ${JSON.stringify(mqttVersion ?? null)})`;

  for (const [path, options] of entities(settings)) {
    const name = options.friendly_name;
    if (typeof name === "string") {
      const invalid = validateFriendlyName(name);
      const owner = owners.get(name);
      if (invalid) problems.push(`${path}.friendly_name: ${invalid}`);
      else if (owner) {
        const kind = owner.startsWith("devices.") ? "device" : "group";
        problems.push(`${path}.friendly_name: '${name}' is used by another ${kind} (${owner})`);
      } else owners.set(name, path);
    }
    const icon = options.icon;
    if (typeof icon === "string" && !/^(https?:\/\/|device_icons\/)/.test(icon)) {
      problems.push(`${path}.icon: must start with http://, https:// or device_icons/ (got ${JSON.stringify(icon)})`);
    }
    if (options.retention !== undefined && mqttVersion !== 5) problems.push(retentionProblem(path));
  }
  const globalOptions = settings.device_options;
  if (isPlainObject(globalOptions) && globalOptions.retention !== undefined && mqttVersion !== 5) {
    problems.push(retentionProblem("device_options"));
  }
  return problems;
}

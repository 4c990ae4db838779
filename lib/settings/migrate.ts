import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../util/atomicFile.js";
import { getIn, isPlainObject, type PlainObject } from "./plainObjects.js";
import { SettingsError } from "./settingsError.js";
import type { YamlEditor, YamlFile } from "./yamlFile.js";

export const CURRENT_VERSION = 5;

type Path = readonly string[];

const MOVED: [from: Path, to: Path][] = [
  [["ban"], ["blocklist"]],
  [["whitelist"], ["passlist"]],
  [
    ["advanced", "homeassistant_discovery_topic"],
    ["homeassistant", "discovery_topic"],
  ],
  [
    ["advanced", "homeassistant_status_topic"],
    ["homeassistant", "status_topic"],
  ],
  [
    ["advanced", "baudrate"],
    ["serial", "baudrate"],
  ],
  [
    ["advanced", "rtscts"],
    ["serial", "rtscts"],
  ],
  [
    ["experimental", "output"],
    ["advanced", "output"],
  ],
  [
    ["experimental", "transmit_power"],
    ["advanced", "transmit_power"],
  ],
];

const REMOVED: [path: Path, why: string][] = [
  [["permit_join"], "joining is opened at runtime with bridge/request/permit_join"],
  [["permit_join_timeout"], "joining is opened at runtime with bridge/request/permit_join"],
  [["advanced", "homeassistant_legacy_entity_attributes"], "removed in zigbee2mqtt 2.0"],
  [["advanced", "homeassistant_legacy_triggers"], "removed in zigbee2mqtt 2.0"],
  [["homeassistant", "legacy_entity_attributes"], "removed in zigbee2mqtt 2.0"],
  [["homeassistant", "legacy_triggers"], "removed in zigbee2mqtt 2.0"],
  [["advanced", "legacy_api"], "the legacy API was removed in zigbee2mqtt 2.0"],
  [["advanced", "legacy_availability_payload"], "availability is always published as JSON"],
  [["advanced", "report"], "removed"],
  [["advanced", "soft_reset_timeout"], "removed"],
  [["advanced", "ikea_ota_use_test_url"], "removed"],
  [["ota", "ikea_ota_use_test_url"], "removed"],
  [["advanced", "availability_timeout"], "set availability.enabled and availability.active.timeout (minutes)"],
  [["advanced", "availability_blocklist"], "set availability: false on those devices"],
  [["advanced", "availability_blacklist"], "set availability: false on those devices"],
  [["advanced", "availability_passlist"], "set availability: false on the other devices"],
  [["advanced", "availability_whitelist"], "set availability: false on the other devices"],
  [["experimental", "availability_new"], "use availability.enabled"],
  [["device_options", "legacy"], "legacy payloads were removed in zigbee2mqtt 2.0"],
];

/** Removed per-entity keys: [section, key, why]. */
const REMOVED_PER_ENTITY: [section: string, key: string, why: string][] = [
  ["devices", "legacy", "legacy payloads were removed in zigbee2mqtt 2.0"],
  ["devices", "retrieve_state", "removed"],
  ["groups", "devices", "group members live in the Zigbee database (bridge/request/group/members/add)"],
];

/** Sections that were `true`/`false` before version 4 and are `{enabled: …}` since. */
const SWITCH_SECTIONS = ["homeassistant", "frontend", "availability"];

function backupPath(path: string, version: number): string {
  return path.replace(/\.yaml$/, `_backup_v${version}.yaml`);
}

/**
 * Brings configuration.yaml from an older version (none = 1) to the current one, in one step: writes
 * `configuration_backup_v<N>.yaml` with the original bytes first, then rewrites what moved or went away.
 * Returns what it did, one line each, for the caller to log.
 */
export function migrateConfiguration(file: YamlFile): string[] {
  const content = file.toJS();
  const version = content.version ?? 1;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) {
    throw new SettingsError(`version: must be a whole number (got ${JSON.stringify(version)})`);
  }
  if (version > CURRENT_VERSION) {
    throw new SettingsError(
      `version: ${version} is newer than this bridge understands (${CURRENT_VERSION}); restore a configuration backup`,
    );
  }
  if (version === CURRENT_VERSION) return [];
  for (const section of SWITCH_SECTIONS) {
    const value = content[section];
    if (value !== undefined && value !== null && typeof value !== "boolean" && !isPlainObject(value)) {
      throw new SettingsError(
        `${section}: cannot migrate ${JSON.stringify(value)} (expected true, false or a mapping)`,
      );
    }
  }
  const backup = backupPath(file.path, version);
  writeFileAtomic(backup, readFileSync(file.path));
  const notes: string[] = [];
  file.update((editor) => {
    migrateEdits(editor, content, notes);
    editor.set(["version"], CURRENT_VERSION);
  });
  return [`Migrated ${file.path} from version ${version} to ${CURRENT_VERSION} (backup: ${backup})`, ...notes];
}

function migrateEdits(editor: YamlEditor, content: PlainObject, notes: string[]): void {
  for (const section of SWITCH_SECTIONS) {
    if (typeof content[section] === "boolean") {
      editor.set([section], { enabled: content[section] });
      notes.push(`${section}: ${content[section]} → ${section}.enabled: ${content[section]}`);
    }
  }
  for (const [from, to] of MOVED) {
    const value = getIn(content, from);
    if (value === undefined) continue;
    const existing = getIn(content, to);
    const merged = Array.isArray(value) && Array.isArray(existing) ? [...new Set([...existing, ...value])] : value;
    editor.delete(from);
    editor.set(to, merged);
    notes.push(`${from.join(".")} moved to ${to.join(".")}`);
  }
  for (const [path, why] of REMOVED) {
    if (getIn(content, path) === undefined || !editor.has(path)) continue;
    editor.delete(path);
    notes.push(`${path.join(".")} removed: ${why}`);
  }
  for (const [section, key, why] of REMOVED_PER_ENTITY) {
    const entities = content[section];
    if (!isPlainObject(entities)) continue;
    for (const [id, options] of Object.entries(entities)) {
      if (isPlainObject(options) && key in options) {
        editor.delete([section, id, key]);
        notes.push(`${section}.${id}.${key} removed: ${why}`);
      }
    }
  }
  const experimental = editor.get(["experimental"]) as { toJSON?: () => unknown } | undefined;
  const rest = experimental?.toJSON?.();
  if (isPlainObject(rest)) {
    editor.delete(["experimental"]);
    const left = Object.keys(rest);
    if (left.length > 0) notes.push(`experimental removed (its ${left.join(", ")} no longer exist)`);
  }
  if (getIn(content, ["advanced", "log_level"]) === "warn") {
    editor.set(["advanced", "log_level"], "warning");
    notes.push("advanced.log_level: warn → warning");
  }
}

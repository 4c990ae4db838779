import { settingsDefaults } from "./defaults.js";
import { checkNewName, findDeviceKey, findGroupKey, freeGroupId } from "./entityLookup.js";
import type { EnvOverrides } from "./envOverrides.js";
import type { JsonSchema } from "./jsonSchema.js";
import { type LoadedSettings, loadSettingsFiles } from "./loadSettings.js";
import {
  applyPartial,
  changedLeaves,
  cleanClone,
  deepEqual,
  deepFreeze,
  deepMerge,
  getIn,
  isPlainObject,
  type PlainObject,
} from "./plainObjects.js";
import { settingsSchema } from "./schema.js";
import { IEEE_ADDRESS } from "./schemaEntities.js";
import { SettingsError } from "./settingsError.js";
import type { SettingsSources } from "./settingsSources.js";
import type { DeepPartial, DeviceOptions, GroupOptions, Settings } from "./types.js";
import { restartRequired, validateSettings } from "./validate.js";

export { validateFriendlyName } from "./friendlyName.js";
export { SettingsError } from "./settingsError.js";

export type SettingsListener = (settings: Readonly<Settings>) => void;
/** Receives one line per thing worth logging (created the file, migrated, generated keys, …). */
export type SettingsLog = (line: string) => void;

const SECRETS: [string, string][] = [
  ["advanced", "network_key"],
  ["mqtt", "password"],
  ["frontend", "auth_token"],
];

/** A device's or group's `homeassistant: null` is a value ("no discovery"), not a deletion. */
const keepNull = (path: string[]) =>
  path.length === 3 && (path[0] === "devices" || path[0] === "groups") && path[2] === "homeassistant";

/**
 * The bridge's settings: `configuration.yaml` (and the files it refers to) with defaults and environment
 * overrides, validated against the schema at load and on every change. Every change is validated as a whole
 * before anything is written; writes keep the user's comments and key order and are atomic. Defaults and
 * environment overrides are never written to the files.
 */
export class SettingsStore {
  private raw: PlainObject;
  private current: Readonly<Settings>;
  private readonly deviceOptionsCache = new Map<string, DeviceOptions>();
  private readonly listeners = new Set<SettingsListener>();
  private readonly sources: SettingsSources;
  private readonly env: EnvOverrides;
  private readonly defaults: PlainObject;
  private frozenSchema: JsonSchema | undefined;

  private constructor(
    readonly dataDir: string,
    loaded: LoadedSettings,
    private readonly log: SettingsLog | undefined,
  ) {
    this.sources = loaded.sources;
    this.env = loaded.env;
    this.defaults = settingsDefaults(dataDir);
    this.raw = loaded.raw;
    this.current = this.checked(loaded.raw);
    if (loaded.generated.length > 0) {
      // only now that the settings are known to be valid
      loaded.sources.write(loaded.fileRaw, loaded.raw);
      loaded.notices.push(
        `Generated random ${loaded.generated.join(", ")} and wrote them to ${loaded.sources.main.path}`,
      );
    }
    this.notices = loaded.notices;
  }

  /** What `load` did that is worth telling the user (also passed to the log callback). */
  readonly notices: readonly string[];

  /** Loads `<dataDir>/configuration.yaml`; throws a SettingsError listing every problem. */
  static load(dataDir: string, env: NodeJS.ProcessEnv = process.env, log?: SettingsLog): SettingsStore {
    const loaded = loadSettingsFiles(dataDir, env);
    const store = new SettingsStore(dataDir, loaded, log);
    for (const line of store.notices) log?.(line);
    return store;
  }

  /** Every setting, defaults filled in and environment overrides applied. Frozen; changes make a new object. */
  get(): Readonly<Settings> {
    return this.current;
  }

  /** `device_options` merged under the device's own options; `friendly_name` defaults to the IEEE address. */
  /** Read on the hot path (every message): merged once per device and settings version, then shared, frozen. */
  deviceOptions(ieee: string): DeviceOptions {
    const cached = this.deviceOptionsCache.get(ieee);
    if (cached) return cached;
    const key = findDeviceKey(this.raw, ieee);
    const own = key ? this.current.devices[key] : undefined;
    const merged = deepFreeze(
      deepMerge({ ...this.current.device_options, friendly_name: key ?? ieee }, own ?? {}) as DeviceOptions,
    );
    this.deviceOptionsCache.set(ieee, merged);
    return merged;
  }

  groupOptions(id: number): GroupOptions | undefined {
    const options = this.current.groups[String(id)];
    return options ? structuredClone(options) : undefined;
  }

  findDevice(ieeeOrName: string): { ieee: string; options: DeviceOptions } | undefined {
    const key = findDeviceKey(this.raw, ieeeOrName);
    return key ? { ieee: key, options: this.deviceOptions(key) } : undefined;
  }

  findGroup(idOrName: string | number): { id: number; options: GroupOptions } | undefined {
    const key = findGroupKey(this.raw, idOrName);
    return key ? { id: Number(key), options: this.groupOptions(Number(key))! } : undefined;
  }

  /** Adds `devices[ieee] = {friendly_name: ieee}` unless the device is already listed. */
  ensureDevice(ieee: string): void {
    this.ensureDevices([ieee]);
  }

  /** `ensureDevice` for many devices with one write (for startup). */
  ensureDevices(ieees: Iterable<string>): void {
    const missing = [...ieees].filter((ieee) => findDeviceKey(this.raw, ieee) === undefined);
    if (missing.length === 0) return;
    this.change({ devices: Object.fromEntries(missing.map((ieee) => [ieee, { friendly_name: ieee }])) });
  }

  /** Renames a device; throws a SettingsError with one line (and changes nothing) when the name is not allowed. */
  renameDevice(ieeeOrName: string, to: string): { from: string; to: string } {
    const key = this.deviceKey(ieeeOrName);
    const from = this.deviceOptions(key).friendly_name;
    checkNewName(this.raw, `devices.${key}`, to);
    this.change({ devices: { [key]: { friendly_name: to } } });
    return { from, to };
  }

  /** Merges options into a device's own (null deletes one); `from`/`to` are the device's effective options. */
  setDeviceOptions(
    ieeeOrName: string,
    partial: Partial<DeviceOptions> | Record<string, unknown>,
  ): { from: DeviceOptions; to: DeviceOptions; restartRequired: boolean } {
    const key = findDeviceKey(this.raw, ieeeOrName) ?? this.newDeviceKey(ieeeOrName);
    const from = this.deviceOptions(key);
    if (typeof partial.friendly_name === "string" && partial.friendly_name !== from.friendly_name) {
      checkNewName(this.raw, `devices.${key}`, partial.friendly_name);
    }
    const entry = findDeviceKey(this.raw, key) ? partial : { friendly_name: key, ...partial };
    const restart = this.change({ devices: { [key]: entry } });
    return { from, to: this.deviceOptions(key), restartRequired: restart };
  }

  removeDevice(ieeeOrName: string): void {
    const key = findDeviceKey(this.raw, ieeeOrName);
    if (key !== undefined) this.change({ devices: { [key]: null } });
  }

  addToBlocklist(ieee: string): void {
    const blocklist = Array.isArray(this.raw.blocklist) ? (this.raw.blocklist as unknown[]) : [];
    if (!blocklist.includes(ieee)) this.change({ blocklist: [...blocklist, ieee] });
  }

  /** Adds a group with the given ID, or the smallest free one. */
  addGroup(name: string, id?: number | string): { id: number; friendly_name: string } {
    const groupId = id === undefined || id === "" ? freeGroupId(this.raw) : Number(id);
    if (!Number.isInteger(groupId) || groupId < 1 || groupId > 0xffff) {
      throw new SettingsError(`groups.${String(id)}: a group ID must be a whole number 1–65535`);
    }
    const existing = this.current.groups[String(groupId)];
    if (existing)
      throw new SettingsError(`groups.${groupId}: group ${groupId} already exists ('${existing.friendly_name}')`);
    checkNewName(this.raw, `groups.${groupId}`, name);
    this.change({ groups: { [String(groupId)]: { friendly_name: name } } });
    return { id: groupId, friendly_name: name };
  }

  renameGroup(idOrName: string | number, to: string): { from: string; to: string } {
    const key = this.groupKey(idOrName);
    const from = this.current.groups[key]!.friendly_name;
    checkNewName(this.raw, `groups.${key}`, to);
    this.change({ groups: { [key]: { friendly_name: to } } });
    return { from, to };
  }

  removeGroup(idOrName: string | number): void {
    const key = findGroupKey(this.raw, idOrName);
    if (key !== undefined) this.change({ groups: { [key]: null } });
  }

  setGroupOptions(
    idOrName: string | number,
    partial: Partial<GroupOptions> | Record<string, unknown>,
  ): { from: GroupOptions; to: GroupOptions; restartRequired: boolean } {
    const key = this.groupKey(idOrName);
    const from = this.groupOptions(Number(key))!;
    if (typeof partial.friendly_name === "string" && partial.friendly_name !== from.friendly_name) {
      checkNewName(this.raw, `groups.${key}`, partial.friendly_name);
    }
    const restart = this.change({ groups: { [key]: partial } });
    return { from, to: this.groupOptions(Number(key))!, restartRequired: restart };
  }

  /**
   * Applies a partial update (objects merge, `null` deletes). The whole result is validated before anything is
   * written; nothing is written when nothing changed.
   */
  apply(partial: DeepPartial<Settings> | Record<string, unknown>): { restartRequired: boolean } {
    const { version: _ignored, ...rest } = partial as Record<string, unknown>;
    return { restartRequired: this.change(rest) };
  }

  /** `get()` without `advanced.network_key`, `mqtt.password` and `frontend.auth_token` (for bridge/info). */
  redacted(): Settings {
    const copy = structuredClone(this.current) as unknown as PlainObject;
    for (const [section, key] of SECRETS) {
      const value = copy[section];
      if (isPlainObject(value)) delete value[key];
    }
    return copy as unknown as Settings;
  }

  /** The JSON schema of the settings (for bridge/info.config_schema). */
  schema(): JsonSchema {
    this.frozenSchema ??= deepFreeze(structuredClone(settingsSchema));
    return this.frozenSchema;
  }

  /** Called after every write with the new settings; returns the unsubscribe function. */
  onChange(listener: SettingsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Validates, writes and publishes a change; returns whether it needs a restart. */
  private change(request: Record<string, unknown>): boolean {
    const partial = this.withoutEnvOverrides(request);
    const next = applyPartial(this.raw, partial, keepNull) as PlainObject;
    if (deepEqual(next, this.raw)) return false;
    const settings = this.checked(next);
    const restart = restartRequired(changedLeaves(this.current, settings));
    this.sources.write(this.raw, next);
    this.raw = next;
    this.current = settings;
    this.deviceOptionsCache.clear();
    for (const listener of this.listeners) {
      try {
        listener(settings);
      } catch (e) {
        this.log?.(`A settings listener failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return restart;
  }

  /**
   * A setting set by an environment variable cannot be changed here: the variable wins over the file, so writing
   * the file would answer ok while nothing changes. A change to another value is refused (naming the variable);
   * one to the value already in effect is left out, so the environment's value never lands in the file.
   */
  private withoutEnvOverrides(partial: Record<string, unknown>): Record<string, unknown> {
    if (this.env.sources.size === 0) return partial;
    const problems: string[] = [];
    const drop: string[][] = [];
    for (const [path, value] of leaves(partial)) {
      const dotted = path.join(".");
      const variable = [...this.env.sources].find(
        ([p]) => p === dotted || p.startsWith(`${dotted}.`) || dotted.startsWith(`${p}.`),
      )?.[1];
      if (variable === undefined) continue;
      const effective = getIn(this.current, path);
      if (deepEqual(value, effective) || (value === null && effective === undefined)) drop.push(path);
      else {
        problems.push(
          `${dotted}: set by the environment variable ${variable}, which overrides configuration.yaml; ` +
            "unset the variable to change this setting (nothing was changed)",
        );
      }
    }
    if (problems.length > 0) throw new SettingsError(problems);
    if (drop.length === 0) return partial;
    const kept = cleanClone(partial);
    for (const path of drop) deleteIn(kept, path);
    return kept;
  }

  /** The effective settings for file-backed `raw`, or a SettingsError listing every problem. */
  private checked(raw: PlainObject): Readonly<Settings> {
    const { version: _version, ...fileSettings } = raw;
    for (const [key, value] of Object.entries(fileSettings)) if (value === null) delete fileSettings[key];
    const settings = deepMerge(deepMerge(this.defaults, fileSettings), this.env.values);
    const problems = validateSettings(settings).map((line) => this.withSource(line));
    if (problems.length > 0) throw new SettingsError(problems);
    return deepFreeze(settings) as unknown as Readonly<Settings>;
  }

  /** Appends `(from ZIGMQTT_CONFIG_…)` to a problem with a setting that came from the environment. */
  private withSource(line: string): string {
    for (const [path, variable] of this.env.sources) {
      if (line.startsWith(`${path}:`) || line.startsWith(`${path}.`)) return `${line} (from ${variable})`;
    }
    return line;
  }

  private deviceKey(ieeeOrName: string): string {
    const key = findDeviceKey(this.raw, ieeeOrName);
    if (key === undefined) throw new SettingsError(`devices: no device '${ieeeOrName}'`);
    return key;
  }

  private newDeviceKey(ieee: string): string {
    if (!IEEE_ADDRESS.test(ieee)) throw new SettingsError(`devices: no device '${ieee}'`);
    return ieee;
  }

  private groupKey(idOrName: string | number): string {
    const key = findGroupKey(this.raw, idOrName);
    if (key === undefined) throw new SettingsError(`groups: no group '${String(idOrName)}'`);
    return key;
  }
}

/** The leaves of a partial update (non-empty objects are walked into), with their paths. */
function leaves(
  value: PlainObject,
  path: string[] = [],
  out: Array<[string[], unknown]> = [],
): Array<[string[], unknown]> {
  for (const [key, v] of Object.entries(value)) {
    const at = [...path, key];
    if (isPlainObject(v) && Object.keys(v).length > 0) leaves(v, at, out);
    else out.push([at, v]);
  }
  return out;
}

/** Removes `path` from `target`, and the objects it leaves empty. */
function deleteIn(target: PlainObject, path: readonly string[]): void {
  const [key, ...rest] = path;
  if (key === undefined) return;
  if (rest.length === 0) {
    delete target[key];
    return;
  }
  const child = target[key];
  if (!isPlainObject(child)) return;
  deleteIn(child, rest);
  if (Object.keys(child).length === 0) delete target[key];
}

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomicFile.js";
import { EntityFiles } from "./entityFiles.js";
import { type EnvOverrides, readEnvOverrides } from "./envOverrides.js";
import { generateNetworkSettings } from "./generateNetwork.js";
import { migrateConfiguration } from "./migrate.js";
import type { PlainObject } from "./plainObjects.js";
import { resolveSecrets } from "./secrets.js";
import { SettingsError } from "./settingsError.js";
import { SettingsSources } from "./settingsSources.js";
import { unknownSettings } from "./unknownSettings.js";
import { YamlFile } from "./yamlFile.js";

/** Resolved relative to this file, so it works from `lib/settings/` (tests) and from `dist/settings/`. */
export const EXAMPLE_CONFIGURATION = new URL("../../configuration.example.yaml", import.meta.url);

export interface LoadedSettings {
  readonly sources: SettingsSources;
  /** What the files say, with secrets resolved and GENERATE replaced: no defaults, no env overrides. */
  readonly raw: PlainObject;
  /** `raw` as the files have it now, before GENERATE was replaced. */
  readonly fileRaw: PlainObject;
  readonly env: EnvOverrides;
  /** Settings generated on this load, written to the file after validation. */
  readonly generated: readonly string[];
  readonly notices: string[];
}

/**
 * Reads the data directory's settings files: creates configuration.yaml from the example when there is none,
 * migrates older versions, resolves `!secret`s and `devices:`/`groups:` files, reads env overrides and makes
 * random network settings for GENERATE. Nothing is validated here (see `SettingsStore.load`).
 */
export function loadSettingsFiles(dataDir: string, envVars: NodeJS.ProcessEnv): LoadedSettings {
  const notices: string[] = [];
  const configPath = join(dataDir, "configuration.yaml");
  if (!existsSync(configPath)) {
    const example = readFileSync(EXAMPLE_CONFIGURATION);
    writeFileAtomic(configPath, example);
    notices.push(`Created ${configPath} from configuration.example.yaml; edit it to match your setup`);
  }
  const main = YamlFile.read(configPath);
  notices.push(...migrateConfiguration(main));

  const raw = main.toJS();
  const secrets = resolveSecrets(raw, dataDir);
  const devices = EntityFiles.load(raw, "devices", dataDir);
  const groups = EntityFiles.load(raw, "groups", dataDir);
  const sources = new SettingsSources(main, { devices, groups }, secrets);

  notices.push(...unknownSettings(raw));

  const env = readEnvOverrides(envVars);
  if (env.problems.length > 0) throw new SettingsError([...env.problems]);
  for (const name of env.unknown) notices.push(`${name} names no setting; ignored`);
  if (env.sources.size > 0) {
    notices.push(`Settings from the environment (not written to the file): ${[...env.sources.keys()].join(", ")}`);
  }

  const fileRaw = structuredClone(raw);
  const generated = generateNetworkSettings(raw, env.generate);
  return { sources, raw, fileRaw, env, generated, notices };
}

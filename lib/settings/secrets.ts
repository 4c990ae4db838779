import { resolve } from "node:path";
import { getIn, type PlainObject, setIn } from "./plainObjects.js";
import { SECRET_CAPABLE_PATHS } from "./schema.js";
import { SettingsError } from "./settingsError.js";
import { YamlFile } from "./yamlFile.js";

/** Where a setting's real value lives: `mqtt.password: '!secret password'` → key `password` of `secret.yaml`. */
export interface SecretRef {
  readonly settingPath: readonly string[];
  readonly file: YamlFile;
  readonly key: string;
}

const REFERENCE = /^!(\S+)\s+(\S+)$/;

/**
 * Replaces `!<file> <key>` references (zigbee2mqtt's `!secret <key>`) in the settings that allow them with the
 * referenced values, in place. Every missing file or key is reported, naming the setting.
 */
export function resolveSecrets(raw: PlainObject, dataDir: string): SecretRef[] {
  const files = new Map<string, YamlFile>();
  const refs: SecretRef[] = [];
  const problems: string[] = [];
  for (const path of SECRET_CAPABLE_PATHS) {
    const value = getIn(raw, path);
    const match = typeof value === "string" ? REFERENCE.exec(value) : null;
    if (!match) continue;
    const [, name, key] = match as unknown as [string, string, string];
    const fileName = resolve(dataDir, name.endsWith(".yaml") ? name : `${name}.yaml`);
    let file = files.get(fileName);
    if (!file) {
      file = YamlFile.read(fileName);
      files.set(fileName, file);
    }
    const setting = path.join(".");
    const content = file.toJS();
    if (!file.existed) problems.push(`${setting}: '${value}' refers to ${fileName}, which does not exist`);
    else if (!(key in content) || content[key] === null) {
      problems.push(`${setting}: '${value}' refers to key '${key}', which is not in ${fileName}`);
    } else {
      setIn(raw, path, content[key]);
      refs.push({ settingPath: path, file, key });
    }
  }
  if (problems.length > 0) throw new SettingsError(problems);
  return refs;
}

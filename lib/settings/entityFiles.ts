import { resolve } from "node:path";
import { deepMerge, isPlainObject, type PlainObject } from "./plainObjects.js";
import { SettingsError } from "./settingsError.js";
import { YamlFile } from "./yamlFile.js";

/** `devices:` or `groups:` given as a file name or a list of them, instead of inline. */
export class EntityFiles {
  private constructor(
    readonly files: readonly YamlFile[],
    private readonly owners: Map<string, YamlFile>,
  ) {}

  /**
   * Loads the files `reference` names (relative to the data directory) when `raw[section]` is a file reference
   * and replaces the reference in `raw` by the merged content; returns undefined for an inline section.
   */
  static load(raw: PlainObject, section: "devices" | "groups", dataDir: string): EntityFiles | undefined {
    const reference = raw[section];
    if (reference === undefined || reference === null || isPlainObject(reference)) return undefined;
    const names = typeof reference === "string" ? [reference] : reference;
    if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === "string" && n !== "")) {
      throw new SettingsError(`${section}: must be a mapping, a file name or a list of file names`);
    }
    const files = names.map((name) => YamlFile.read(resolve(dataDir, name)));
    const owners = new Map<string, YamlFile>();
    let merged: PlainObject = {};
    for (const file of files) {
      const content = file.toJS();
      for (const key of Object.keys(content)) if (!owners.has(key)) owners.set(key, file);
      merged = deepMerge(merged, content);
    }
    raw[section] = merged;
    return new EntityFiles(files, owners);
  }

  /** The file that holds `key`; new entries go to the first file. */
  fileFor(key: string): YamlFile {
    return this.owners.get(key) ?? this.files[0]!;
  }

  /** Records where a new entry was written, so its later edits go to the same file. */
  noteWritten(key: string, file: YamlFile, present: boolean): void {
    if (present) this.owners.set(key, this.owners.get(key) ?? file);
    else if (this.owners.get(key) === file) this.owners.delete(key);
  }
}

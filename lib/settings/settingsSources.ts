import type { EntityFiles } from "./entityFiles.js";
import { deepEqual, isPlainObject } from "./plainObjects.js";
import type { SecretRef } from "./secrets.js";
import type { YamlEditor, YamlFile } from "./yamlFile.js";

interface Edit {
  readonly file: YamlFile;
  readonly path: readonly string[];
  /** undefined deletes. */
  readonly value: unknown;
}

/**
 * The files the settings were read from, and where each setting is written back: configuration.yaml, the
 * `devices:`/`groups:` files, or the `secret.yaml` key a `!secret` reference points at. Only settings that
 * changed are touched, so comments, key order and untouched formatting stay as the user wrote them.
 */
export class SettingsSources {
  constructor(
    readonly main: YamlFile,
    private readonly entityFiles: { devices?: EntityFiles; groups?: EntityFiles },
    private readonly secrets: readonly SecretRef[],
  ) {}

  /** Writes the difference between two versions of the file-backed settings (no defaults, no env overrides). */
  write(before: unknown, after: unknown): void {
    const edits: Edit[] = [];
    this.collect([], before, after, edits);
    const byFile = new Map<YamlFile, Edit[]>();
    for (const edit of edits) byFile.set(edit.file, [...(byFile.get(edit.file) ?? []), edit]);
    for (const [file, fileEdits] of byFile) {
      file.update((editor) => {
        for (const edit of fileEdits) apply(editor, edit);
      });
    }
    for (const edit of edits) {
      const section = this.externalSection(edit.path);
      if (section && edit.path.length === 2) section.noteWritten(edit.path[1]!, edit.file, edit.value !== undefined);
    }
  }

  private externalSection(path: readonly string[]): EntityFiles | undefined {
    const section = path[0];
    return section === "devices" || section === "groups" ? this.entityFiles[section] : undefined;
  }

  private collect(path: string[], before: unknown, after: unknown, edits: Edit[]): void {
    if (deepEqual(before, after)) return;
    const container = path.length === 0 || (path.length === 1 && this.externalSection(path) !== undefined);
    const b = container && before === undefined ? {} : before;
    const a = container && after === undefined ? {} : after;
    if (isPlainObject(b) && isPlainObject(a)) {
      for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
        this.collect([...path, key], b[key], a[key], edits);
      }
      return;
    }
    edits.push(this.route(path, after));
  }

  private route(path: readonly string[], value: unknown): Edit {
    const section = this.externalSection(path);
    if (section) return { file: section.fileFor(path[1]!), path: path.slice(1), value };
    const secret = this.secrets.find((s) => deepEqual(s.settingPath, path));
    // a deleted secret setting drops the reference, not the secret
    if (secret && value !== undefined) return { file: secret.file, path: [secret.key], value };
    return { file: this.main, path, value };
  }
}

function apply(editor: YamlEditor, edit: Edit): void {
  if (edit.value === undefined) editor.delete(edit.path);
  else editor.set(edit.path, edit.value);
}

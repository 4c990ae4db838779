import { existsSync, readFileSync } from "node:fs";
import {
  type Document,
  isCollection,
  isNode,
  isScalar,
  isSeq,
  type Node,
  parseDocument,
  type ScalarTag,
  visit,
} from "yaml";
import { writeFileAtomic } from "../util/atomicFile.js";
import { SettingsError } from "./settingsError.js";

/**
 * An unquoted `!secret key` parses to the same string as zigbee2mqtt's quoted `'!secret key'`, and is written
 * back unchanged.
 */
const secretTag: ScalarTag = {
  tag: "!secret",
  identify: () => false,
  resolve: (value: string) => `!secret ${value}`,
  stringify: (item) => String((item as { value: unknown }).value).replace(/^!secret\s+/, ""),
};

/** Keep the user's formatting as far as the library allows: no line folding, `[1, 2]` flow lists. */
const STRINGIFY_OPTIONS = { lineWidth: 0, flowCollectionPadding: false } as const;

/** One YAML file of the settings (configuration.yaml, devices.yaml, secret.yaml, …), edited as a Document. */
export class YamlFile {
  private constructor(
    readonly path: string,
    private doc: Document,
    readonly existed: boolean,
  ) {}

  /** Reads and parses `path`; a missing file is an empty document. Syntax errors → one line with the position. */
  static read(path: string): YamlFile {
    if (!existsSync(path)) return new YamlFile(path, parseDocument(""), false);
    return YamlFile.parse(path, readFileSync(path, "utf8"));
  }

  static parse(path: string, text: string): YamlFile {
    const doc = parseDocument(text, { customTags: [secretTag] });
    const error = doc.errors[0];
    if (error) {
      const pos = error.linePos?.[0];
      const what = error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
      throw new SettingsError(`${path}${pos ? `:${pos.line}:${pos.col}` : ""}: ${what}`);
    }
    const contents = doc.toJS();
    if (contents !== null && contents !== undefined && (typeof contents !== "object" || Array.isArray(contents))) {
      throw new SettingsError(
        `${path}: must be a mapping of settings, not ${Array.isArray(contents) ? "a list" : "a value"}`,
      );
    }
    return new YamlFile(path, doc, true);
  }

  /** The content as plain data (`{}` for an empty file). */
  toJS(): Record<string, unknown> {
    return (this.doc.toJS() as Record<string, unknown> | null) ?? {};
  }

  toString(): string {
    return this.doc.toString(STRINGIFY_OPTIONS);
  }

  /**
   * Applies `edit` to a copy of the document and writes it atomically; the file and this object change only
   * when the write succeeded.
   */
  update(edit: (editor: YamlEditor) => void): void {
    const next = this.doc.clone();
    edit(new YamlEditor(next));
    writeFileAtomic(this.path, next.toString(STRINGIFY_OPTIONS));
    this.doc = next;
  }
}

/** New lists of plain values read best on one line, like `network_key: [1, 2, 3]`. */
function flowScalarLists(node: unknown): void {
  visit(node as Node, {
    Seq: (_key, seq) => {
      if (seq.items.every((i) => isScalar(i))) seq.flow = true;
    },
  });
}

/** Path edits on a Document that keep comments and key order of everything not edited. */
export class YamlEditor {
  constructor(private readonly doc: Document) {}

  get(path: readonly string[]): unknown {
    return this.doc.getIn(path);
  }

  has(path: readonly string[]): boolean {
    return this.doc.hasIn(path);
  }

  set(path: readonly string[], value: unknown): void {
    const old = this.doc.getIn(path, true);
    if (isSeq(old) && Array.isArray(value) && this.appendOnly(old.toJSON() as unknown[], value)) {
      for (const item of value.slice(old.items.length)) old.add(this.doc.createNode(item));
      return;
    }
    const node = this.doc.createNode(value);
    if (!isNode(value)) flowScalarLists(node);
    if (isNode(old)) {
      node.comment = old.comment;
      node.commentBefore = old.commentBefore;
    }
    if (isScalar(node) && typeof value === "string" && isScalar(old)) node.type = old.type;
    this.doc.setIn(path, node);
  }

  delete(path: readonly string[]): void {
    if (this.doc.hasIn(path)) this.doc.deleteIn(path);
    // an emptied mapping left behind by a delete reads as `key: {}`; that is still correct YAML
  }

  /** Whether the node at `path` is a collection (so a child can be set inside it). */
  isCollection(path: readonly string[]): boolean {
    return path.length === 0 ? isCollection(this.doc.contents) : isCollection(this.doc.getIn(path, true));
  }

  private appendOnly(old: unknown[], value: unknown[]): boolean {
    return value.length > old.length && old.every((v, i) => JSON.stringify(v) === JSON.stringify(value[i]));
  }
}

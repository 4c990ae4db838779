import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { BridgeError, errorMessage } from "../../util/errors.js";
import { shareBridgePackages } from "./moduleAliases.js";

/** One file of `external_converters/` or `external_extensions/`, as `bridge/converters` lists it. */
export interface ExternalFile {
  name: string;
  code: string;
}

const EXTENSIONS = /\.(mjs|cjs|js)$/;
const TEMP_PREFIX = ".tmp-";

/** `{name, code}` of a save request, checked: a plain file name with a JavaScript extension, and code. */
export function saveRequest(payload: unknown): ExternalFile {
  const p = payload as { name?: unknown; code?: unknown } | null;
  if (typeof p !== "object" || p === null || typeof p.name !== "string" || typeof p.code !== "string")
    throw new BridgeError("INVALID_PAYLOAD", "Invalid payload");
  return { name: fileName(p.name), code: p.code };
}

/** `{name}` of a remove request, checked. */
export function removeRequest(payload: unknown): string {
  const p = payload as { name?: unknown } | null;
  if (typeof p !== "object" || p === null || typeof p.name !== "string")
    throw new BridgeError("INVALID_PAYLOAD", "Invalid payload");
  return fileName(p.name);
}

function fileName(name: string): string {
  if (!EXTENSIONS.test(name))
    throw new BridgeError("INVALID_PAYLOAD", "JavaScript file must have '.mjs', '.js' or '.cjs' extension");
  if (/[/\\]/.test(name) || name.startsWith("."))
    throw new BridgeError("INVALID_PAYLOAD", `'${name}' must be a plain file name (no folder, not starting with '.')`);
  return name;
}

/**
 * A folder of external JavaScript in the data directory. A module is always imported from a fresh copy next to the
 * file (relative imports still work, and a saved new version is not served from Node's module cache); a save
 * replaces the file only once its code has loaded, so a bad save leaves the previous file (or none) in place.
 */
export class ExternalFolder {
  constructor(readonly dir: string) {
    shareBridgePackages(dir);
  }

  /** The files, by name. */
  list(): ExternalFile[] {
    if (!existsSync(this.dir)) return [];
    const files: ExternalFile[] = [];
    for (const name of readdirSync(this.dir).sort()) {
      if (!EXTENSIONS.test(name) || name.startsWith(".")) continue;
      files.push({ name, code: readFileSync(join(this.dir, name), "utf8") });
    }
    return files;
  }

  /** Removes the temporary copies an interrupted load left (call before loading anything). */
  removeLeftovers(): void {
    if (!existsSync(this.dir)) return;
    for (const name of readdirSync(this.dir))
      if (name.startsWith(TEMP_PREFIX)) rmSync(join(this.dir, name), { force: true });
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /**
   * Imports `code` as the file `name` and hands its default export (CommonJS: `module.exports`) to `use`; when both
   * succeed and `persist` is set, the code becomes the file. Any failure is a BridgeError "<name> contains invalid
   * code: …" and leaves the folder as it was.
   */
  async load<T>(file: ExternalFile, use: (exported: unknown) => Promise<T>, persist: boolean): Promise<T> {
    mkdirSync(this.dir, { recursive: true });
    const temp = join(this.dir, `${TEMP_PREFIX}${randomUUID()}-${file.name}`);
    writeFileSync(temp, file.code);
    try {
      let exported: unknown;
      try {
        const mod = (await import(pathToFileURL(temp).href)) as { default?: unknown };
        exported = mod.default;
      } catch (e) {
        throw new BridgeError("INVALID_CODE", `${file.name} contains invalid code: ${errorMessage(e)}`);
      }
      const result = await use(exported);
      if (persist) renameSync(temp, this.path(file.name));
      return result;
    } finally {
      rmSync(temp, { force: true });
    }
  }

  /**
   * Sets a file that failed to load aside as `<name>.invalid` (as zigbee2mqtt does), so that it is neither listed
   * nor tried again; says what became of it.
   */
  setAside(name: string): string {
    const aside = `${name}.invalid`;
    try {
      renameSync(this.path(name), this.path(aside));
      return `renamed to '${aside}'`;
    } catch (e) {
      return `and cannot be renamed to '${aside}' (${errorMessage(e)})`;
    }
  }

  /** Deletes the file; an error when there is none. */
  remove(name: string): void {
    const path = this.path(name);
    if (!existsSync(path)) throw new BridgeError("INVALID_NAME", `${name} (${path}) doesn't exists`);
    rmSync(path);
  }
}

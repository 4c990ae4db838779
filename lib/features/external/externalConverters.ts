import { join } from "node:path";
import * as zhc from "zigbee-herdsman-converters";
import { BridgeError, errorMessage } from "../../util/errors.js";
import type { Logger } from "../../util/logger.js";
import { type ExternalFile, ExternalFolder } from "./externalFiles.js";

const NS = "z2m:external";

type ExternalDefinition = Parameters<typeof zhc.addExternalDefinition>[0];

/**
 * zigbee2mqtt's external converters: each file of `<data>/external_converters/` exports (default export, or
 * `module.exports`) a zigbee-herdsman-converters definition or an array of them, added to zhc as external
 * definitions named after the file (they win over zhc's own for the same model). Loading only registers them;
 * the caller resolves the devices' definitions again.
 */
export class ExternalConverters {
  readonly folder: ExternalFolder;

  constructor(
    dataDir: string,
    private readonly logger: Logger,
  ) {
    this.folder = new ExternalFolder(join(dataDir, "external_converters"));
  }

  /** Loads every file; a bad one is logged and set aside (`<name>.invalid`). Returns the names loaded. */
  async loadAll(): Promise<string[]> {
    const loaded: string[] = [];
    this.folder.removeLeftovers();
    for (const file of this.folder.list()) {
      try {
        await this.load(file, false);
        loaded.push(file.name);
      } catch (e) {
        const aside = this.folder.setAside(file.name);
        this.logger.error(`External converter '${file.name}' not loaded, ${aside}: ${errorMessage(e)}`, NS);
      }
    }
    return loaded;
  }

  /** Loads `file` in place of the converter of that name (which stays when this one fails); `persist` writes it. */
  async load(file: ExternalFile, persist: boolean): Promise<void> {
    await this.folder.load(
      file,
      async (exported) => {
        const definitions = checkDefinitions(file.name, exported);
        zhc.removeExternalDefinitions(file.name);
        for (const d of definitions) zhc.addExternalDefinition({ ...d, externalConverterName: file.name });
      },
      persist,
    );
    this.logger.info(`Loaded external converter '${file.name}'`, NS);
  }

  /** Forgets the converter and deletes its file. */
  remove(name: string): void {
    this.folder.remove(name);
    zhc.removeExternalDefinitions(name);
    this.logger.info(`Removed external converter '${name}'`, NS);
  }

  /** Forgets every external definition (the bridge stops). */
  unloadAll(): void {
    zhc.removeExternalDefinitions();
  }
}

/** The definitions a converter file exports, or a clear error: each needs a model and what it matches. */
function checkDefinitions(name: string, exported: unknown): ExternalDefinition[] {
  const list = Array.isArray(exported) ? exported : [exported];
  if (list.length === 0) throw invalid(name, "it exports an empty array");
  return list.map((d, i) => {
    const where = Array.isArray(exported) ? ` (item ${i})` : "";
    if (typeof d !== "object" || d === null)
      throw invalid(name, `its default export${where} must be a definition object or an array of them, not ${show(d)}`);
    const def = d as Record<string, unknown>;
    if (typeof def.model !== "string" || typeof def.vendor !== "string" || typeof def.description !== "string")
      throw invalid(name, `the definition${where} needs the strings 'model', 'vendor' and 'description'`);
    if (!Array.isArray(def.zigbeeModel) && !Array.isArray(def.fingerprint))
      throw invalid(name, `the definition${where} needs 'zigbeeModel' or 'fingerprint' (an array) to match devices`);
    return def as unknown as ExternalDefinition;
  });
}

function invalid(name: string, why: string): BridgeError {
  return new BridgeError("INVALID_CODE", `${name} contains invalid code: ${why}`);
}

function show(v: unknown): string {
  return v === undefined ? "nothing (no default export)" : v === null ? "null" : `a ${typeof v}`;
}

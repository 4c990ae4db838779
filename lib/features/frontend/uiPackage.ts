import { existsSync } from "node:fs";
import { errorMessage } from "../../util/errors.js";

/** The UI packages zigbee2mqtt knows (`frontend.package`); both export `default.getPath()` → their `dist/`. */
export const UI_PACKAGES = ["zigbee2mqtt-windfront", "zigbee2mqtt-frontend"] as const;

/**
 * The directory of the chosen UI package's files. Served as they are: the packages are unmodified GPL
 * dependencies (WindFront's source: https://github.com/Nerivec/zigbee2mqtt-windfront; the package keeps its LICENSE).
 */
export async function uiPackageDir(name: string): Promise<string> {
  if (!(UI_PACKAGES as readonly string[]).includes(name)) {
    throw new Error(`frontend.package '${name}' is not one of ${UI_PACKAGES.join(", ")}`);
  }
  let mod: { default?: { getPath?: () => string } };
  try {
    mod = (await import(name)) as typeof mod;
  } catch (e) {
    throw new Error(`the UI package '${name}' is not installed (npm install ${name}): ${errorMessage(e)}`);
  }
  const dir = mod.default?.getPath?.();
  if (typeof dir !== "string" || !existsSync(dir)) {
    throw new Error(`the UI package '${name}' has no files to serve (getPath() gave ${String(dir)})`);
  }
  return dir;
}

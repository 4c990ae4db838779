import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

function versionOf(pkgJsonPath: string): string {
  try {
    return (JSON.parse(readFileSync(pkgJsonPath, "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** The package.json of an installed package, found from its main file (some packages don't export it). */
function packageJsonOf(name: string): string {
  let dir = dirname(require.resolve(name));
  while (dir !== dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string };
      if (pkg.name === name) return join(dir, "package.json");
    } catch {
      // keep walking up
    }
    dir = dirname(dir);
  }
  return "";
}

/** Versions for bridge/info and logs, read once. */
export const versions = {
  zigmqtt: versionOf(new URL("../../package.json", import.meta.url).pathname),
  herdsman: versionOf(packageJsonOf("zigbee-herdsman")),
  converters: versionOf(packageJsonOf("zigbee-herdsman-converters")),
};

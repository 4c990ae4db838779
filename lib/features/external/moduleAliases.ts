import * as nodeModule from "node:module";
import { pathToFileURL } from "node:url";

const bridgeRequire = nodeModule.createRequire(import.meta.url);

/** The packages external code may import by name: the bridge's own copies, whatever the data directory's location. */
const SHARED = /^(zigbee-herdsman-converters|zigbee-herdsman)(\/|$)/;

const installed = new Set<string>();

/**
 * External converters are written as `import * as m from "zigbee-herdsman-converters/lib/modernExtend"` (or
 * `require(...)`); zigbee2mqtt finds the package because its data directory usually sits inside its install. Ours
 * may be anywhere, so imports of zigbee-herdsman(-converters) from files under `dir` resolve from the bridge's own
 * node_modules: the same copy the bridge uses (an external definition must be added to that copy to be found).
 * Without `module.registerHooks` (Node < 22.15) this does nothing and the files resolve those packages themselves.
 */
export function shareBridgePackages(dir: string): boolean {
  const register = (nodeModule as { registerHooks?: typeof nodeModule.registerHooks }).registerHooks;
  if (!register) return false;
  const prefix = pathToFileURL(dir).href.replace(/\/?$/, "/");
  if (installed.has(prefix)) return true;
  installed.add(prefix);
  register({
    resolve(specifier, context, nextResolve) {
      if (SHARED.test(specifier) && context.parentURL?.startsWith(prefix)) {
        // resolved here: for require(), the default resolver ignores a changed parentURL
        return { url: pathToFileURL(bridgeRequire.resolve(specifier)).href, shortCircuit: true };
      }
      return nextResolve(specifier, context);
    },
  });
  return true;
}

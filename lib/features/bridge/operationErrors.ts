import { SettingsError } from "../../settings/settingsStore.js";
import { BridgeError, errorMessage } from "../../util/errors.js";

/** Runs a settings change; a refused change becomes a BridgeError with the settings' own message. */
export function settingsChange<T>(change: () => T): T {
  try {
    return change();
  } catch (e) {
    if (e instanceof SettingsError) throw new BridgeError("INVALID_NAME", e.problems.join("; "));
    throw e;
  }
}

/** Runs a Zigbee operation; its failure becomes a BridgeError that says what was being done. */
export async function zigbeeOperation<T>(what: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (e) {
    if (e instanceof BridgeError) throw e;
    throw new BridgeError("ZIGBEE_FAILED", `${what} failed: ${errorMessage(e)}`);
  }
}

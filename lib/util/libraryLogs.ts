import { setLogger as setHerdsmanLogger } from "zigbee-herdsman";
import { setLogger as setConvertersLogger } from "zigbee-herdsman-converters";
import type { BridgeLogger, LogMessage } from "./logger.js";

/**
 * Routes zigbee-herdsman's and zigbee-herdsman-converters' loggers into ours, keeping their namespaces
 * ("zh:zstack:znp", "zhc:tuya", …), so namespaced levels, the log file and bridge/logging cover them too.
 * Call once, right after createLogger and before starting herdsman.
 */
export function routeLibraryLogs(logger: BridgeLogger): void {
  const target = {
    error: (message: LogMessage, namespace: string) => logger.error(message, namespace),
    warning: (message: LogMessage, namespace: string) => logger.warning(message, namespace),
    info: (message: LogMessage, namespace: string) => logger.info(message, namespace),
    debug: (message: LogMessage, namespace: string) => logger.debug(message, namespace),
  };
  setHerdsmanLogger(target);
  setConvertersLogger(target);
}

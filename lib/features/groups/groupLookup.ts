import { BridgeError } from "../../util/errors.js";
import { BridgeGroup } from "../../zigbee/bridgeGroup.js";
import type { Zigbee } from "../../zigbee/zigbee.js";

/** A group key as requests give it: a friendly name or a numeric id (number or decimal string). */
export type GroupKey = string | number;

/** The group with this friendly name or id. */
export function findGroup(zigbee: Zigbee, key: GroupKey): BridgeGroup {
  const text = String(key);
  const byName = zigbee.groups().find((g) => g.name === text);
  const entity = byName ?? (/^\d+$/.test(text) ? zigbee.group(Number(text)) : undefined);
  if (entity instanceof BridgeGroup) return entity;
  throw new BridgeError("UNKNOWN_ENTITY", `Group '${text}' does not exist`);
}

export { settingsChange, zigbeeOperation } from "../bridge/operationErrors.js";
export { findDevice, findEndpoint, optionalBoolean, requireKey } from "../bridge/payloadFields.js";

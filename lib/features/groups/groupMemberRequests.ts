import { BridgeError } from "../../util/errors.js";
import { type RequestModule, requireObject } from "../bridge/requests.js";
import type { BridgeContext } from "../context.js";
import { findDevice, findEndpoint, findGroup, optionalBoolean, requireKey, zigbeeOperation } from "./groupLookup.js";

const NS = "z2m:groups";
const MEMBER_EXAMPLE = '{"group": "living_room", "device": "lamp", "endpoint": 1}';

/**
 * group/members/add, group/members/remove, group/members/remove_all: the device's genGroups table is changed first
 * (so groupcasts reach it, or no longer do); zigbee-herdsman records the membership only when the device agreed.
 */
/**
 * `reconfigure` configures a device again: after it left a group (unless `skip_disable_reporting`), as zigbee2mqtt,
 * so that the reporting its definition sets up is in place again.
 */
export function groupMemberRequests(ctx: BridgeContext, reconfigure: (ieee: string) => void): RequestModule {
  // the endpoint as the request gave it, "default" when it gave none (as zigbee2mqtt answers)
  const endpointLabel = (p: Record<string, unknown>) => p.endpoint ?? "default";

  const member = (payload: unknown) => {
    const p = requireObject(payload, MEMBER_EXAMPLE);
    const groupKey = requireKey(p, "group", '"living_room" or 3');
    const deviceKey = requireKey(p, "device", '"lamp" or "0x00124b0001020304"');
    const skipDisableReporting = optionalBoolean(p, "skip_disable_reporting");
    const group = findGroup(ctx.zigbee, groupKey);
    const device = findDevice(ctx.zigbee, deviceKey);
    const endpoint = findEndpoint(device, p.endpoint);
    return { group, device, endpoint, groupKey, deviceKey, endpointKey: endpointLabel(p), skipDisableReporting };
  };

  return {
    "group/members/add": async (payload) => {
      const { group, device, endpoint, groupKey, deviceKey, endpointKey } = member(payload);
      // zigbee2mqtt's wording and namespace (bridge/logging readers match on it)
      ctx.logger.info(`Adding endpoint '${endpoint.ID}' of device '${device.name}' to group '${group.name}'`);
      await zigbeeOperation(`Adding '${device.name}' (endpoint ${endpoint.ID}) to group '${group.name}'`, () =>
        endpoint.addToGroup(group.zh),
      );
      ctx.bus.emit("groupsChanged", {});
      // zigbee2mqtt republishes the device list (and bridge/info, bridge/definitions) too
      ctx.bus.emit("devicesChanged", {});
      return { device: deviceKey, group: groupKey, endpoint: endpointKey };
    },

    "group/members/remove": async (payload) => {
      const { group, device, endpoint, groupKey, deviceKey, endpointKey, skipDisableReporting } = member(payload);
      if (!group.zh.hasMember(endpoint)) {
        throw new BridgeError(
          "INVALID_PAYLOAD",
          `Device '${device.name}' (endpoint ${endpoint.ID}) is not a member of group '${group.name}'`,
        );
      }
      ctx.logger.info(`Removing endpoint '${endpoint.ID}' of device '${device.name}' from group '${group.name}'`);
      await zigbeeOperation(`Removing '${device.name}' (endpoint ${endpoint.ID}) from group '${group.name}'`, () =>
        endpoint.removeFromGroup(group.zh),
      );
      ctx.bus.emit("groupsChanged", {});
      // zigbee2mqtt republishes the device list (and bridge/info, bridge/definitions) too
      ctx.bus.emit("devicesChanged", {});
      if (!skipDisableReporting) reconfigure(device.ieee);
      return { device: deviceKey, group: groupKey, endpoint: endpointKey };
    },

    "group/members/remove_all": async (payload) => {
      const p = requireObject(payload, '{"device": "lamp", "endpoint": 1}');
      const deviceKey = requireKey(p, "device", '"lamp" or "0x00124b0001020304"');
      const skipDisableReporting = optionalBoolean(p, "skip_disable_reporting");
      const device = findDevice(ctx.zigbee, deviceKey);
      const endpoint = findEndpoint(device, p.endpoint);
      await zigbeeOperation(`Removing '${device.name}' (endpoint ${endpoint.ID}) from all groups`, () =>
        endpoint.removeFromAllGroups(),
      );
      ctx.logger.info(`Removed '${device.name}' (endpoint ${endpoint.ID}) from all groups`, NS);
      ctx.bus.emit("groupsChanged", {});
      // zigbee2mqtt republishes the device list (and bridge/info, bridge/definitions) too
      ctx.bus.emit("devicesChanged", {});
      if (!skipDisableReporting) reconfigure(device.ieee);
      return { device: deviceKey, endpoint: endpointLabel(p) };
    },
  };
}

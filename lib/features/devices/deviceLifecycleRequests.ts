import { BridgeError } from "../../util/errors.js";
import type { BridgeDevice } from "../../zigbee/bridgeDevice.js";
import { type RequestModule, requireObject } from "../bridge/requests.js";
import type { BridgeContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { saveIconDataUrl } from "../frontend/deviceIcons.js";
import {
  findDevice,
  keyOrField,
  optionalBoolean,
  requireKey,
  requireString,
  settingsChange,
  zigbeeOperation,
} from "./deviceLookup.js";

const NS = "z2m:devices";

/**
 * device/remove, device/rename and device/options: a device's place in the network and in the settings. A refused
 * change (an invalid or taken name, a device that does not answer the leave request) changes nothing.
 */
export function deviceLifecycleRequests(ctx: BridgeContext, deps: FeatureDeps): RequestModule {
  /** The last device that joined while the bridge runs, for `{"last": true}` renames. */
  let lastJoined: string | undefined;
  // the listener lives as long as the bridge's event bus
  ctx.bus.on("deviceJoined", {}, (e) => {
    lastJoined = e.ieee;
  });

  /** `""` retained on the entity's topic (and its attribute topics), so no stale state outlives a name. */
  const clearRetained = async (name: string, state: Record<string, unknown>) => {
    await ctx.mqtt.publish(name, "", { retain: true, qos: 0 });
    const output = ctx.settings.get().advanced.output ?? "json";
    if (output === "attribute" || output === "attribute_and_json") {
      for (const key of Object.keys(state)) await ctx.mqtt.publish(`${name}/${key}`, "", { retain: true, qos: 0 });
    }
  };

  const renameTarget = (p: Record<string, unknown>): BridgeDevice => {
    if (p.last === true) {
      const device = lastJoined ? ctx.zigbee.device(lastJoined) : undefined;
      if (!device || device.zh.isDeleted) {
        throw new BridgeError("UNKNOWN_ENTITY", "No device has joined since the bridge started (nothing to rename)");
      }
      return device;
    }
    // WindFront sends `last: null` (its undefined) with every rename
    if (p.last !== undefined && p.last !== null && p.last !== false) {
      throw new BridgeError("INVALID_PAYLOAD", "Invalid payload: 'last' must be true or false");
    }
    return findDevice(ctx.zigbee, requireKey(p, "from", '"0x00124b0001020304" or "kitchen_lamp"'));
  };

  return {
    "device/remove": async (payload) => {
      const example =
        '{"id": "kitchen_lamp", "block": false, "force": false, "clear_cache": false, "keep_config": false}';
      const p = typeof payload === "string" ? undefined : requireObject(payload, example);
      const key = keyOrField(payload, p, "id");
      const id = requireKey({ id: key }, "id", '"kitchen_lamp" or its IEEE address');
      const block = p ? optionalBoolean(p, "block") : false;
      const force = p ? optionalBoolean(p, "force") : false;
      // clear_cache: zigbee-herdsman forgets the device's cached data too; keep_config: its settings stay
      const clearCache = p ? optionalBoolean(p, "clear_cache") : false;
      const keepConfig = p ? optionalBoolean(p, "keep_config") : false;
      const device = findDevice(ctx.zigbee, id);
      const { ieee, name } = device;
      // zigbee2mqtt's wording
      const how = `(block: ${block}, force: ${force}, keep config: ${keepConfig}, clear cache: ${clearCache})`;
      ctx.logger.info(`Removing device '${name}' ${how}`);
      if (force) device.zh.removeFromDatabase(clearCache);
      else {
        await zigbeeOperation(
          `Removing '${name}' from the network (use "force": true to remove it from the bridge only)`,
          () => device.zh.removeFromNetwork(clearCache),
        );
      }
      ctx.zigbee.untrackDevice(ieee);
      if (block) settingsChange(() => ctx.settings.addToBlocklist(ieee));
      if (!keepConfig) settingsChange(() => ctx.settings.removeDevice(ieee));
      const state = ctx.state.get(ieee);
      ctx.state.remove(ieee);
      await clearRetained(name, state);
      ctx.logger.info(`Successfully removed device '${name}' ${how}`);
      ctx.bus.emit("entityRemoved", { kind: "device", id: ieee, name });
      // its group memberships went with it
      ctx.bus.emit("groupsChanged", {});
      if (block) deps.publications.schedule("info");
      return { id, block, force, clear_cache: clearCache, keep_config: keepConfig };
    },

    "device/rename": async (payload) => {
      const p = requireObject(payload, '{"from": "0x00124b0001020304", "to": "kitchen_lamp"}');
      const to = requireString(p, "to", '"kitchen_lamp"');
      const homeassistantRename = optionalBoolean(p, "homeassistant_rename");
      const device = renameTarget(p);
      const from = device.name;
      if (to !== from) {
        settingsChange(() => ctx.settings.renameDevice(device.ieee, to));
        const state = ctx.state.get(device.ieee);
        await clearRetained(from, state);
        // its state on the new topic, even when nothing is known yet (as zigbee2mqtt)
        await deps.publisher.publish(device, {});
        ctx.logger.debug(`Device '${from}' renamed to '${to}'`, NS);
        ctx.bus.emit("entityRenamed", { kind: "device", id: device.ieee, from, to, homeassistantRename });
      }
      return { from, to, homeassistant_rename: homeassistantRename };
    },

    "device/options": async (payload) => {
      const example = '{"id": "kitchen_lamp", "options": {"retain": true}}';
      const p = requireObject(payload, example);
      const id = requireKey(p, "id", '"kitchen_lamp"');
      const options = requireObject(p.options, example);
      const device = findDevice(ctx.zigbee, id);
      // an icon sent as a data URL (WindFront's image localiser) is saved under device_icons/
      if (options.icon !== undefined) options.icon = saveIconDataUrl(ctx.settings.dataDir, options.icon);
      if ("friendly_name" in options && options.friendly_name !== device.name) {
        throw new BridgeError("INVALID_PAYLOAD", "Use bridge/request/device/rename to change a device's friendly_name");
      }
      const result = settingsChange(() => ctx.settings.setDeviceOptions(device.ieee, options));
      // its config changed: bridge/info at once, as zigbee2mqtt (the device list follows below)
      deps.publications.schedule("info");
      // exposes may depend on the options
      device.invalidate();
      await device.resolveDefinition();
      ctx.logger.info(`Successfully changed config for device ${device.name}`);
      ctx.bus.emit("deviceOptionsChanged", { ieee: device.ieee, from: { ...result.from }, to: { ...result.to } });
      ctx.bus.emit("devicesChanged", {});
      return {
        id,
        from: withoutName(result.from),
        to: withoutName(result.to),
        restart_required: result.restartRequired,
      };
    },
  };
}

function withoutName(options: object): Record<string, unknown> {
  const { friendly_name: _name, ...rest } = options as Record<string, unknown>;
  return rest;
}

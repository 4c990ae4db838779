import { BridgeError } from "../../util/errors.js";
import type { BridgeGroup } from "../../zigbee/bridgeGroup.js";
import { type RequestModule, requireObject } from "../bridge/requests.js";
import type { BridgeContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { findGroup, optionalBoolean, requireKey, settingsChange, zigbeeOperation } from "./groupLookup.js";
import { groupMemberRequests } from "./groupMemberRequests.js";

const NS = "z2m:groups";
const MAX_GROUP_ID = 0xffff;

/**
 * group/add, group/remove, group/rename, group/options, and the group/members/* requests. Every change keeps
 * zigbee-herdsman's database and the settings in step (a refused change touches neither) and republishes
 * bridge/groups.
 */
export function groupRequests(ctx: BridgeContext, deps: FeatureDeps): RequestModule {
  const changed = () => ctx.bus.emit("groupsChanged", {});

  /** `""` retained on the group's topic (and its attribute topics), so no stale state outlives a name. */
  const clearRetained = async (name: string, state: Record<string, unknown>) => {
    await ctx.mqtt.publish(name, "", { retain: true, qos: 0 });
    const output = ctx.settings.get().advanced.output ?? "json";
    if (output === "attribute" || output === "attribute_and_json") {
      for (const key of Object.keys(state)) await ctx.mqtt.publish(`${name}/${key}`, "", { retain: true, qos: 0 });
    }
  };

  return {
    "group/add": async (payload) => {
      const p =
        typeof payload === "string"
          ? { friendly_name: payload }
          : requireObject(payload, '{"friendly_name": "living_room", "id": 3}');
      const name = p.friendly_name;
      if (typeof name !== "string" || name === "") {
        throw new BridgeError("INVALID_PAYLOAD", "Invalid payload: 'friendly_name' is required, like \"living_room\"");
      }
      const id = p.id === undefined || p.id === null ? freeGroupId(ctx) : groupId(p.id);
      if (ctx.zigbee.controller.getGroupByID(id) || ctx.zigbee.group(id)) {
        throw new BridgeError("INVALID_PAYLOAD", `Group ${id} already exists`);
      }
      settingsChange(() => ctx.settings.addGroup(name, id));
      let group: BridgeGroup;
      try {
        group = ctx.zigbee.trackGroup(ctx.zigbee.controller.createGroup(id));
      } catch (e) {
        ctx.settings.removeGroup(id);
        throw e;
      }
      ctx.logger.debug(`Group '${group.name}' (${id}) added`, NS);
      changed();
      return { friendly_name: group.name, id };
    },

    "group/remove": async (payload) => {
      const p =
        typeof payload === "string" || typeof payload === "number"
          ? { id: payload }
          : requireObject(payload, '{"id": "living_room", "force": false}');
      const key = requireKey(p, "id", '"living_room" or 3');
      const force = optionalBoolean(p, "force");
      const group = findGroup(ctx.zigbee, key);
      const { id, name } = group;
      const how = `(force: ${force})`;
      ctx.logger.info(`Removing group '${name}' ${how}`);
      if (force) group.zh.removeFromDatabase();
      else {
        await zigbeeOperation(
          `Removing group '${name}' from its members (use "force": true to remove it from the bridge only)`,
          () => group.zh.removeFromNetwork(),
        );
      }
      ctx.zigbee.untrackGroup(id);
      settingsChange(() => ctx.settings.removeGroup(id));
      const state = ctx.state.get(String(id));
      ctx.state.remove(String(id));
      await clearRetained(name, state);
      ctx.logger.info(`Successfully removed group '${name}' ${how}`);
      ctx.bus.emit("entityRemoved", { kind: "group", id: String(id), name });
      changed();
      return { id: key, force };
    },

    "group/rename": async (payload) => {
      const p = requireObject(payload, '{"from": "living_room", "to": "lounge"}');
      const group = findGroup(ctx.zigbee, requireKey(p, "from", '"living_room"'));
      const to = p.to;
      if (typeof to !== "string" || to === "") {
        throw new BridgeError("INVALID_PAYLOAD", "Invalid payload: 'to' (the new name) is required, like \"lounge\"");
      }
      const homeassistantRename = optionalBoolean(p, "homeassistant_rename");
      const from = group.name;
      if (to !== from) {
        settingsChange(() => ctx.settings.renameGroup(group.id, to));
        // its config changed: bridge/info at once, as zigbee2mqtt (again with the rename below)
        deps.publications.schedule("info");
        const state = ctx.state.get(String(group.id));
        await clearRetained(from, state);
        if (Object.keys(state).length > 0) await deps.publisher.publish(group, {});
        ctx.logger.debug(`Group '${from}' renamed to '${to}'`, NS);
        ctx.bus.emit("entityRenamed", { kind: "group", id: String(group.id), from, to, homeassistantRename });
        changed();
      }
      return { from, to, homeassistant_rename: homeassistantRename };
    },

    "group/options": async (payload) => {
      const p = requireObject(payload, '{"id": "living_room", "options": {"retain": true}}');
      const key = requireKey(p, "id", '"living_room" or 3');
      const options = requireObject(p.options, '{"id": "living_room", "options": {"retain": true}}');
      const group = findGroup(ctx.zigbee, key);
      if ("friendly_name" in options && options.friendly_name !== group.name) {
        throw new BridgeError("INVALID_PAYLOAD", "Use bridge/request/group/rename to change a group's friendly_name");
      }
      const result = settingsChange(() => ctx.settings.setGroupOptions(group.id, options));
      ctx.logger.info(`Successfully changed config for group ${group.name}`);
      // bridge/groups has no options: only bridge/info (its config) changes
      ctx.bus.emit("groupsChanged", { optionsOnly: true });
      // as zigbee2mqtt: the options without the group's identity (friendly_name, ID, devices)
      const bare = (o: Record<string, unknown>) => {
        const { friendly_name: _n, ID: _i, devices: _d, ...rest } = o;
        return rest;
      };
      return { id: key, from: bare(result.from), to: bare(result.to), restart_required: result.restartRequired };
    },

    ...groupMemberRequests(ctx, (ieee) => deps.configure.schedule(ieee, true)),
  };
}

function groupId(raw: unknown): number {
  const id = typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof id !== "number" || !Number.isInteger(id) || id < 1 || id > MAX_GROUP_ID) {
    throw new BridgeError("INVALID_PAYLOAD", `Invalid payload: 'id' must be a whole number 1–${MAX_GROUP_ID}`);
  }
  return id;
}

/** The smallest id that neither the settings nor zigbee-herdsman use. */
function freeGroupId(ctx: BridgeContext): number {
  const inSettings = new Set(Object.keys(ctx.settings.get().groups).map(Number));
  let id = 1;
  while (inSettings.has(id) || ctx.zigbee.controller.getGroupByID(id)) id++;
  return id;
}

import { Zcl } from "zigbee-herdsman";
import type { AttributeValue } from "../deviceSpec.js";
import type { Scene } from "../sceneTable.js";
import { type ClusterBehaviour, type CommandOutcome, type EndpointContext, SUCCESS } from "./clusterBehaviour.js";

const { Status } = Zcl;

/** The scene extension fields per cluster, in ZCL order (what herdsman's codec reads and writes). */
const EXTENSION_FIELDS: Record<number, { cluster: string; attributes: string[] }> = {
  6: { cluster: "genOnOff", attributes: ["onOff"] },
  8: { cluster: "genLevelCtrl", attributes: ["currentLevel"] },
  768: {
    cluster: "lightingColorCtrl",
    attributes: [
      "currentX",
      "currentY",
      "enhancedCurrentHue",
      "currentSaturation",
      "colorLoopActive",
      "colorLoopDirection",
      "colorLoopTime",
      "colorTemperature",
    ],
  },
};
/** byte sizes of the lightingColorCtrl extension fields */
const COLOR_FIELD_SIZES = [2, 2, 2, 1, 1, 1, 2, 2];
/** what store captures beyond the extension fields, to recall the right colour mode */
const EXTRA_CAPTURED: Record<string, string[]> = { lightingColorCtrl: ["colorMode", "enhancedColorMode"] };

interface ExtensionFieldSet {
  clstId: number;
  len: number;
  extField: number[];
}

function capture(ep: EndpointContext): Scene["values"] {
  const values: Scene["values"] = {};
  for (const { cluster, attributes } of Object.values(EXTENSION_FIELDS)) {
    for (const attribute of [...attributes, ...(EXTRA_CAPTURED[cluster] ?? [])]) {
      const value = ep.get(cluster, attribute);
      if (value !== undefined) values[cluster] = { ...values[cluster], [attribute]: value };
    }
  }
  return values;
}

function fromExtensionFields(sets: readonly ExtensionFieldSet[]): Scene["values"] {
  const values: Scene["values"] = {};
  for (const set of sets) {
    const fields = EXTENSION_FIELDS[set.clstId];
    if (!fields) continue;
    const target: Record<string, AttributeValue> = values[fields.cluster] ?? {};
    values[fields.cluster] = target;
    set.extField.forEach((value, i) => {
      const attribute = fields.attributes[i];
      if (attribute) target[attribute] = value;
    });
  }
  const color = values.lightingColorCtrl;
  if (color && color.colorMode === undefined) {
    const xy = color.currentX !== undefined && (Number(color.currentX) > 0 || Number(color.currentY) > 0);
    color.colorMode = xy || !color.colorTemperature ? 1 : 2;
  }
  return values;
}

function toExtensionFields(values: Scene["values"]): ExtensionFieldSet[] {
  const sets: ExtensionFieldSet[] = [];
  for (const [id, { cluster, attributes }] of Object.entries(EXTENSION_FIELDS)) {
    const clusterValues = values[cluster];
    if (!clusterValues) continue;
    const extField: number[] = [];
    for (const attribute of attributes) {
      if (clusterValues[attribute] === undefined) break;
      extField.push(Number(clusterValues[attribute]));
    }
    const len =
      Number(id) === 0x0300 ? COLOR_FIELD_SIZES.slice(0, extField.length).reduce((a, b) => a + b, 0) : extField.length;
    if (extField.length > 0) sets.push({ clstId: Number(id), len, extField });
  }
  return sets;
}

function recall(ep: EndpointContext, scene: Scene): void {
  const on = scene.values.genOnOff?.onOff;
  if (on === 1) ep.set("genOnOff", "onOff", 1);
  for (const [cluster, values] of Object.entries(scene.values)) {
    for (const [attribute, value] of Object.entries(values))
      if (cluster !== "genOnOff") ep.set(cluster, attribute, value);
  }
  if (on === 0) ep.set("genOnOff", "onOff", 0);
  ep.set("genScenes", "currentScene", scene.sceneId);
  ep.set("genScenes", "currentGroup", scene.groupId);
  ep.set("genScenes", "sceneValid", 1);
}

function updateCount(ep: EndpointContext): void {
  ep.set("genScenes", "count", ep.scenes.count(ep.endpoint));
}

/**
 * genScenes: add, view, remove, removeAll, store (captures onOff, level and colour attributes), recall (restores
 * them, which reports as configured), getSceneMembership. A scene of a group needs membership of that group.
 */
export const scenesBehaviour: ClusterBehaviour = {
  cluster: "genScenes",
  handle(request, ep): CommandOutcome | undefined {
    if (request.cluster !== this.cluster) return undefined;
    const groupid = Number(request.payload.groupid ?? 0);
    const sceneid = Number(request.payload.sceneid ?? 0);
    const member = groupid === 0 || ep.groups.has(ep.endpoint, groupid);
    const endpoint = ep.endpoint;
    switch (request.command) {
      case "add": {
        const sets = (request.payload.extensionfieldsets as ExtensionFieldSet[] | undefined) ?? [];
        const scene: Scene = {
          endpoint,
          groupId: groupid,
          sceneId: sceneid,
          name: String(request.payload.scenename ?? ""),
          transitionTime: Number(request.payload.transtime ?? 0),
          values: fromExtensionFields(sets),
        };
        const status = !member
          ? Status.INVALID_FIELD
          : ep.scenes.set(scene)
            ? Status.SUCCESS
            : Status.INSUFFICIENT_SPACE;
        updateCount(ep);
        return { response: "addRsp", payload: { status, groupId: groupid, sceneId: sceneid } };
      }
      case "view": {
        const scene = ep.scenes.get(endpoint, groupid, sceneid);
        if (!member || !scene) {
          return {
            response: "viewRsp",
            payload: { status: member ? Status.NOT_FOUND : Status.INVALID_FIELD, groupid, sceneid },
          };
        }
        const payload = {
          status: Status.SUCCESS,
          groupid,
          sceneid,
          transtime: scene.transitionTime,
          scenename: scene.name,
        };
        return { response: "viewRsp", payload: { ...payload, extensionfieldsets: toExtensionFields(scene.values) } };
      }
      case "remove": {
        const status = !member
          ? Status.INVALID_FIELD
          : ep.scenes.remove(endpoint, groupid, sceneid)
            ? Status.SUCCESS
            : Status.NOT_FOUND;
        updateCount(ep);
        return { response: "removeRsp", payload: { status, groupid, sceneid } };
      }
      case "removeAll":
        if (member) ep.scenes.removeGroup(endpoint, groupid);
        updateCount(ep);
        return {
          response: "removeAllRsp",
          payload: { status: member ? Status.SUCCESS : Status.INVALID_FIELD, groupid },
        };
      case "store": {
        const scene: Scene = {
          endpoint,
          groupId: groupid,
          sceneId: sceneid,
          name: "",
          transitionTime: 0,
          values: capture(ep),
        };
        const existing = ep.scenes.get(endpoint, groupid, sceneid);
        if (existing) Object.assign(scene, { name: existing.name, transitionTime: existing.transitionTime });
        const status = !member
          ? Status.INVALID_FIELD
          : ep.scenes.set(scene)
            ? Status.SUCCESS
            : Status.INSUFFICIENT_SPACE;
        if (status === Status.SUCCESS) {
          ep.set("genScenes", "currentScene", sceneid);
          ep.set("genScenes", "currentGroup", groupid);
          ep.set("genScenes", "sceneValid", 1);
        }
        updateCount(ep);
        return { response: "storeRsp", payload: { status, groupid, sceneid } };
      }
      case "recall": {
        const scene = member ? ep.scenes.get(endpoint, groupid, sceneid) : undefined;
        if (!scene) return { status: member ? Status.NOT_FOUND : Status.INVALID_FIELD };
        recall(ep, scene);
        return SUCCESS;
      }
      case "getSceneMembership": {
        const capacity = Math.min(ep.scenes.capacity - ep.scenes.count(endpoint), 0xfe);
        if (!member)
          return { response: "getSceneMembershipRsp", payload: { status: Status.INVALID_FIELD, capacity, groupid } };
        const scenelist = ep.scenes.sceneIds(endpoint, groupid);
        return {
          response: "getSceneMembershipRsp",
          payload: { status: Status.SUCCESS, capacity, groupid, scenecount: scenelist.length, scenelist },
        };
      }
      default:
        return undefined;
    }
  },
};

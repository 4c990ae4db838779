import { Zcl } from "zigbee-herdsman";
import { type ClusterBehaviour, type CommandOutcome, type EndpointContext, SUCCESS } from "./clusterBehaviour.js";

const { Status } = Zcl;

function isValidGroup(groupId: number): boolean {
  return groupId >= 0x0001 && groupId <= 0xfff7;
}

/** Adds the endpoint to a group. Adding a group it already is in succeeds (as ZCL 8 devices answer). */
function add(ep: EndpointContext, groupId: number): number {
  if (!isValidGroup(groupId)) return Status.INVALID_VALUE;
  return ep.groups.add(ep.endpoint, groupId) ? Status.SUCCESS : Status.INSUFFICIENT_SPACE;
}

/** genGroups: add, view, getMembership, remove, removeAll, addIfIdentifying. Leaving a group drops its scenes. */
export const groupsBehaviour: ClusterBehaviour = {
  cluster: "genGroups",
  handle(request, ep): CommandOutcome | undefined {
    if (request.cluster !== this.cluster) return undefined;
    const groupid = Number(request.payload.groupid ?? 0);
    switch (request.command) {
      case "add":
        return { response: "addRsp", payload: { status: add(ep, groupid), groupid } };
      case "addIfIdentifying":
        if (ep.num("genIdentify", "identifyTime") > 0) return { status: add(ep, groupid) };
        return SUCCESS;
      case "view": {
        const found = ep.groups.has(ep.endpoint, groupid);
        return {
          response: "viewRsp",
          payload: { status: found ? Status.SUCCESS : Status.NOT_FOUND, groupid, groupname: "" },
        };
      }
      case "getMembership": {
        const asked = (request.payload.grouplist as number[] | undefined) ?? [];
        const member = ep.groups.list(ep.endpoint);
        const grouplist = asked.length === 0 ? member : member.filter((g) => asked.includes(g));
        const capacity = Math.min(ep.groups.remaining(ep.endpoint), 0xfe);
        return { response: "getMembershipRsp", payload: { capacity, groupcount: grouplist.length, grouplist } };
      }
      case "remove": {
        const removed = ep.groups.remove(ep.endpoint, groupid);
        if (removed) ep.scenes.removeGroup(ep.endpoint, groupid);
        return { response: "removeRsp", payload: { status: removed ? Status.SUCCESS : Status.NOT_FOUND, groupid } };
      }
      case "removeAll":
        for (const groupId of ep.groups.removeAll(ep.endpoint)) ep.scenes.removeGroup(ep.endpoint, groupId);
        return SUCCESS;
      default:
        return undefined;
    }
  },
};

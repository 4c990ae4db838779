import { type ClusterBehaviour, SUCCESS } from "./clusterBehaviour.js";

/**
 * ssIasZone (server): the zone is enrolled by the CIE's enroll response (auto-enroll, as zigbee-herdsman does at
 * interview once it wrote iasCieAddr): code 0 sets zoneState to enrolled and takes the zone id. The normal/test
 * operation mode commands are accepted.
 */
export const iasZoneBehaviour: ClusterBehaviour = {
  cluster: "ssIasZone",
  handle(request, ep) {
    if (request.cluster !== this.cluster) return undefined;
    switch (request.command) {
      case "enrollRsp": {
        if (Number(request.payload.enrollrspcode ?? 1) !== 0) return SUCCESS;
        ep.set("ssIasZone", "zoneId", Number(request.payload.zoneid ?? 0));
        ep.set("ssIasZone", "zoneState", 1);
        return SUCCESS;
      }
      case "initNormalOpMode":
      case "initTestMode":
        return SUCCESS;
      default:
        return undefined;
    }
  },
};

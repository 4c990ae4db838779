import { type ClusterBehaviour, type EndpointContext, SUCCESS } from "./clusterBehaviour.js";

/** Counts identifyTime down once a second, as the ZCL server does. */
function countDown(ep: EndpointContext): void {
  const left = ep.num("genIdentify", "identifyTime");
  if (left <= 0) return;
  ep.schedule("identify", 1000, () => {
    ep.set("genIdentify", "identifyTime", Math.max(0, ep.num("genIdentify", "identifyTime") - 1));
    countDown(ep);
  });
}

/** genIdentify: identify (start/stop), identifyQuery (answered only while identifying), triggerEffect. */
export const identifyBehaviour: ClusterBehaviour = {
  cluster: "genIdentify",
  handle(request, ep) {
    if (request.cluster !== this.cluster) return undefined;
    switch (request.command) {
      case "identify": {
        const time = Number(request.payload.identifytime ?? 0);
        ep.set("genIdentify", "identifyTime", time);
        if (time > 0) countDown(ep);
        else ep.cancel("identify");
        return SUCCESS;
      }
      case "identifyQuery": {
        const timeout = ep.num("genIdentify", "identifyTime");
        return timeout > 0 ? { response: "identifyQueryRsp", payload: { timeout } } : SUCCESS;
      }
      case "triggerEffect":
        return SUCCESS;
      default:
        return undefined;
    }
  },
};

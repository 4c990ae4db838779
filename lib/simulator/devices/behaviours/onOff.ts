import { type ClusterBehaviour, type EndpointContext, SUCCESS } from "./clusterBehaviour.js";

/** Switches on; a set onLevel (not 0xff) becomes the current level, as ZCL level-control servers do. */
export function switchOn(ep: EndpointContext): void {
  ep.set("genOnOff", "onOff", 1);
  const onLevel = ep.num("genLevelCtrl", "onLevel", 0xff);
  if (onLevel !== 0xff) ep.set("genLevelCtrl", "currentLevel", onLevel);
}

export function switchOff(ep: EndpointContext): void {
  ep.cancel("onOff:timedOff");
  ep.set("genOnOff", "onOff", 0);
  ep.set("genOnOff", "onTime", 0);
}

/** genOnOff: off, on, toggle, offWithEffect, onWithRecallGlobalScene, onWithTimedOff (off after onTime/10 s). */
export const onOffBehaviour: ClusterBehaviour = {
  cluster: "genOnOff",
  handle(request, ep) {
    if (request.cluster !== this.cluster) return undefined;
    switch (request.command) {
      case "off":
      case "offWithEffect":
        switchOff(ep);
        return SUCCESS;
      case "on":
      case "onWithRecallGlobalScene":
        switchOn(ep);
        return SUCCESS;
      case "toggle":
        if (ep.num("genOnOff", "onOff") === 1) switchOff(ep);
        else switchOn(ep);
        return SUCCESS;
      case "onWithTimedOff": {
        const acceptOnlyWhenOn = (Number(request.payload.ctrlbits ?? 0) & 1) === 1;
        if (acceptOnlyWhenOn && ep.num("genOnOff", "onOff") !== 1) return SUCCESS;
        const onTime = Math.max(ep.num("genOnOff", "onTime"), Number(request.payload.ontime ?? 0));
        switchOn(ep);
        ep.set("genOnOff", "onTime", onTime);
        ep.set("genOnOff", "offWaitTime", Number(request.payload.offwaittime ?? 0));
        if (onTime > 0 && onTime < 0xffff) ep.schedule("onOff:timedOff", onTime * 100, () => switchOff(ep));
        return SUCCESS;
      }
      default:
        return undefined;
    }
  },
};

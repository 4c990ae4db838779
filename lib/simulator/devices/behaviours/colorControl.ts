import { type ClusterBehaviour, type EndpointContext, executesIfOff, SUCCESS } from "./clusterBehaviour.js";
import { type MoveTarget, startMove, stopMove } from "./motion.js";

const CLUSTER = "lightingColorCtrl";
const COLOR_TEMP: MoveTarget = { key: "color:temp", cluster: CLUSTER, attribute: "colorTemperature" };

/** colorMode 0 hue/saturation, 1 xy, 2 colour temperature; enhancedColorMode 3 is enhanced hue */
function setMode(ep: EndpointContext, mode: number, enhancedMode = mode): void {
  ep.set(CLUSTER, "colorMode", mode);
  ep.set(CLUSTER, "enhancedColorMode", enhancedMode);
}

/** colour temperature bounds: the command's (0 = none) within the physical ones */
function tempBounds(ep: EndpointContext, minimum = 0, maximum = 0): [number, number] {
  const low = ep.num(CLUSTER, "colorTempPhysicalMin", 0);
  const high = ep.num(CLUSTER, "colorTempPhysicalMax", 0xfeff);
  return [minimum > 0 ? Math.max(low, minimum) : low, maximum > 0 ? Math.min(high, maximum) : high];
}

function setHue(ep: EndpointContext, hue: number): void {
  ep.set(CLUSTER, "currentHue", hue);
  ep.set(CLUSTER, "enhancedCurrentHue", hue << 8);
  setMode(ep, 0);
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/**
 * lightingColorCtrl: moveToColor (xy), moveToColorTemp / moveColorTemp / stepColorTemp (clamped to the physical
 * range), hue and saturation commands (update currentHue/currentSaturation), stepColor, stopMoveStep. Transitions
 * complete at once; moveColorTemp runs at its rate until stopped. moveHue, moveSaturation, moveColor and colorLoopSet
 * are accepted without effect. Follows the ExecuteIfOff rule like level control.
 */
export const colorControlBehaviour: ClusterBehaviour = {
  cluster: CLUSTER,
  handle(request, ep) {
    if (request.cluster !== CLUSTER) return undefined;
    const p = request.payload;
    const n = (name: string) => Number(p[name] ?? 0);
    const known = new Set([
      "moveToColor",
      "stepColor",
      "moveColor",
      "moveToColorTemp",
      "moveColorTemp",
      "stepColorTemp",
      "moveToHue",
      "moveHue",
      "stepHue",
      "moveToSaturation",
      "moveSaturation",
      "stepSaturation",
      "moveToHueAndSaturation",
      "enhancedMoveToHue",
      "enhancedMoveHue",
      "enhancedStepHue",
      "enhancedMoveToHueAndSaturation",
      "colorLoopSet",
      "stopMoveStep",
    ]);
    if (!known.has(request.command)) return undefined;
    if (!executesIfOff(ep, CLUSTER, p)) return SUCCESS;
    if (request.command !== "moveColorTemp") stopMove(ep, COLOR_TEMP);
    switch (request.command) {
      case "moveToColor":
        ep.set(CLUSTER, "currentX", n("colorx"));
        ep.set(CLUSTER, "currentY", n("colory"));
        setMode(ep, 1);
        break;
      case "stepColor":
        ep.set(CLUSTER, "currentX", clamp(ep.num(CLUSTER, "currentX") + n("stepx"), 0, 0xfeff));
        ep.set(CLUSTER, "currentY", clamp(ep.num(CLUSTER, "currentY") + n("stepy"), 0, 0xfeff));
        setMode(ep, 1);
        break;
      case "moveToColorTemp": {
        const [low, high] = tempBounds(ep);
        ep.set(CLUSTER, "colorTemperature", clamp(n("colortemp"), low, high));
        setMode(ep, 2);
        break;
      }
      case "moveColorTemp": {
        const mode = n("movemode");
        if (mode === 0) {
          stopMove(ep, COLOR_TEMP);
          break;
        }
        const [low, high] = tempBounds(ep, n("minimum"), n("maximum"));
        setMode(ep, 2);
        startMove(ep, COLOR_TEMP, mode === 1 ? n("rate") : -n("rate"), low, high);
        break;
      }
      case "stepColorTemp": {
        const [low, high] = tempBounds(ep, n("minimum"), n("maximum"));
        const delta = n("stepmode") === 1 ? n("stepsize") : -n("stepsize");
        ep.set(CLUSTER, "colorTemperature", clamp(ep.num(CLUSTER, "colorTemperature") + delta, low, high));
        setMode(ep, 2);
        break;
      }
      case "moveToHue":
        setHue(ep, clamp(n("hue"), 0, 254));
        break;
      case "stepHue":
        setHue(ep, (ep.num(CLUSTER, "currentHue") + (n("stepmode") === 1 ? n("stepsize") : 255 - n("stepsize"))) % 255);
        break;
      case "moveToSaturation":
        ep.set(CLUSTER, "currentSaturation", clamp(n("saturation"), 0, 254));
        setMode(ep, 0);
        break;
      case "stepSaturation": {
        const delta = n("stepmode") === 1 ? n("stepsize") : -n("stepsize");
        ep.set(CLUSTER, "currentSaturation", clamp(ep.num(CLUSTER, "currentSaturation") + delta, 0, 254));
        setMode(ep, 0);
        break;
      }
      case "moveToHueAndSaturation":
        setHue(ep, clamp(n("hue"), 0, 254));
        ep.set(CLUSTER, "currentSaturation", clamp(n("saturation"), 0, 254));
        break;
      case "enhancedMoveToHue":
      case "enhancedMoveToHueAndSaturation":
        ep.set(CLUSTER, "enhancedCurrentHue", n("enhancehue"));
        ep.set(CLUSTER, "currentHue", n("enhancehue") >> 8);
        if (request.command === "enhancedMoveToHueAndSaturation")
          ep.set(CLUSTER, "currentSaturation", clamp(n("saturation"), 0, 254));
        setMode(ep, 0, 3);
        break;
      case "enhancedStepHue": {
        const delta = n("stepmode") === 1 ? n("stepsize") : -n("stepsize");
        const hue = (ep.num(CLUSTER, "enhancedCurrentHue") + delta + 0x10000) % 0x10000;
        ep.set(CLUSTER, "enhancedCurrentHue", hue);
        ep.set(CLUSTER, "currentHue", hue >> 8);
        setMode(ep, 0, 3);
        break;
      }
      default:
        // stopMoveStep stopped the colour-temperature move above; the other moves have no effect
        break;
    }
    return SUCCESS;
  },
};

import type { ClusterBehaviour } from "./clusterBehaviour.js";
import { colorControlBehaviour } from "./colorControl.js";
import { groupsBehaviour } from "./groups.js";
import { iasZoneBehaviour } from "./iasZone.js";
import { identifyBehaviour } from "./identify.js";
import { levelControlBehaviour } from "./levelControl.js";
import { onOffBehaviour } from "./onOff.js";
import { scenesBehaviour } from "./scenes.js";

/**
 * The cluster behaviours every virtual device has. A cluster the device lacks never reaches its behaviour (the
 * device answers UNSUPPORTED_CLUSTER first); genBasic and the measurement clusters have attributes only.
 */
export const defaultBehaviours: readonly ClusterBehaviour[] = [
  identifyBehaviour,
  groupsBehaviour,
  scenesBehaviour,
  onOffBehaviour,
  levelControlBehaviour,
  colorControlBehaviour,
  iasZoneBehaviour,
];

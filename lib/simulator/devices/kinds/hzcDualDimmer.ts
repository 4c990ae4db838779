import { buildDevice, type DeviceKind, type KindSpec } from "../deviceKind.js";
import type { EndpointSpec } from "../deviceSpec.js";

/**
 * HZC Electric D086-ZG "Zigbee dual dimmer", a 2-gang dimmer (router, mains): two light endpoints, 1 and 2, named
 * `l1` and `l2` by the definition (zhc: `m.deviceEndpoints({endpoints: {l1: 1, l2: 2}})`,
 * `m.light({endpointNames: ["l1", "l2"], configureReporting: true})`). Its states are `state_l1`, `brightness_l1`,
 * `state_l2`, … Its configure, per endpoint with genOnOff then genLevelCtrl: bind to the coordinator, configReport
 * onOff (0/65000 s, change 1) and currentLevel (5/65000 s, change 1), read them.
 * Manufacturer code 0x1224 (Sunricher, whose OEM modules these are): avoids herdsman's Tuya interview paths (0, 4098).
 */
function lightEndpoint(id: number): EndpointSpec {
  return {
    id,
    profileId: 0x0104,
    deviceId: 0x0101, // dimmable light
    inClusters: [0x0003, 0x0004, 0x0005, 0x0006, 0x0008],
    outClusters: [],
    attributes: {
      genIdentify: { identifyTime: 0 },
      genGroups: { nameSupport: 0 },
      genScenes: { count: 0, currentScene: 0, currentGroup: 0, sceneValid: 0, nameSupport: 0 },
      genOnOff: { onOff: 0, globalSceneCtrl: 1, onTime: 0, offWaitTime: 0, startUpOnOff: 0 },
      genLevelCtrl: {
        currentLevel: 254,
        remainingTime: 0,
        minLevel: 1,
        maxLevel: 254,
        options: 0,
        onOffTransitionTime: 0,
        onLevel: 255,
        startUpCurrentLevel: 255,
      },
    },
  };
}

const first = lightEndpoint(1);
first.inClusters.unshift(0x0000);
first.outClusters.push(0x0019);
first.attributes.genBasic = {
  zclVersion: 3,
  appVersion: 1,
  stackVersion: 2,
  hwVersion: 1,
  manufacturerName: "HZC Electric",
  modelId: "DimmerSwitch-2Gang-ZB3.0",
  dateCode: "20200601",
  powerSource: 1,
  swBuildId: "1.0.3",
};

const spec: KindSpec = {
  logicalType: "Router",
  manufacturerCode: 0x1224,
  macCapabilities: 0x8e,
  endpoints: [first, lightEndpoint(2)],
  reporting: [1, 2].flatMap((endpoint) => [
    { endpoint, cluster: "genOnOff", attribute: "onOff", min: 0, max: 0, change: 0 },
    { endpoint, cluster: "genLevelCtrl", attribute: "currentLevel", min: 0, max: 0, change: 1 },
  ]),
};

export const hzcDualDimmer: DeviceKind = {
  kind: "dualDimmer",
  model: "D086-ZG",
  vendor: "HZC Electric",
  description: "Zigbee dual dimmer",
  logicalType: "Router",
  create: (options) => buildDevice(spec, options),
};

import { buildDevice, type DeviceKind, type KindSpec } from "../deviceKind.js";

/**
 * Ajax Online ZB_A60_RGBCW, an RGB+CCT A60 bulb (zhc: `m.light({colorTemp: {range: [153, 500]}, color: true})`).
 * zhc configure only reads colorCapabilities and colorTempPhysicalMin/Max: no bind, no configureReporting, so the
 * bulb reports state changes by factory default (to the coordinator while it has no binding).
 * Manufacturer code 0x1224 (Sunricher): a plausible OEM code that avoids herdsman's Tuya interview paths (0, 4098).
 */
const spec: KindSpec = {
  logicalType: "Router",
  manufacturerCode: 0x1224,
  macCapabilities: 0x8e,
  endpoints: [
    {
      id: 1,
      profileId: 0x0104,
      deviceId: 0x010d,
      inClusters: [0x0000, 0x0003, 0x0004, 0x0005, 0x0006, 0x0008, 0x0300, 0x1000],
      outClusters: [0x0019],
      attributes: {
        genBasic: {
          zclVersion: 3,
          appVersion: 1,
          stackVersion: 2,
          hwVersion: 1,
          manufacturerName: "Ajax Online",
          modelId: "ZB_A60_RGBCW",
          dateCode: "20210308",
          powerSource: 1,
          swBuildId: "1.0.8",
        },
        genIdentify: { identifyTime: 0 },
        genGroups: { nameSupport: 0 },
        genScenes: { count: 0, currentScene: 0, currentGroup: 0, sceneValid: 0, nameSupport: 0 },
        genOnOff: { onOff: 1, globalSceneCtrl: 1, onTime: 0, offWaitTime: 0, startUpOnOff: 1 },
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
        lightingColorCtrl: {
          currentHue: 0,
          currentSaturation: 0,
          remainingTime: 0,
          currentX: 24939,
          currentY: 24701,
          colorTemperature: 250,
          colorMode: 2,
          options: 0,
          enhancedCurrentHue: 0,
          enhancedColorMode: 2,
          colorLoopActive: 0,
          colorCapabilities: 0x1f,
          colorTempPhysicalMin: 153,
          colorTempPhysicalMax: 500,
          startUpColorTemperature: 250,
        },
      },
    },
  ],
  reporting: [
    { endpoint: 1, cluster: "genOnOff", attribute: "onOff", min: 0, max: 0, change: 0 },
    { endpoint: 1, cluster: "genLevelCtrl", attribute: "currentLevel", min: 0, max: 0, change: 1 },
    { endpoint: 1, cluster: "lightingColorCtrl", attribute: "currentX", min: 0, max: 0, change: 1 },
    { endpoint: 1, cluster: "lightingColorCtrl", attribute: "currentY", min: 0, max: 0, change: 1 },
    { endpoint: 1, cluster: "lightingColorCtrl", attribute: "colorTemperature", min: 0, max: 0, change: 1 },
    { endpoint: 1, cluster: "lightingColorCtrl", attribute: "colorMode", min: 0, max: 0, change: 0 },
  ],
};

export const ajaxColorBulb: DeviceKind = {
  kind: "colorBulb",
  model: "ZB_A60_RGBCW",
  vendor: "Ajax Online",
  description: "Smart Zigbee pro 12W A60 RGBCW bulb",
  logicalType: "Router",
  create: (options) => buildDevice(spec, options),
};

import { buildDevice, type DeviceKind, type KindSpec } from "../deviceKind.js";

/**
 * A plain on/off plug (router, mains) of a made-up maker, "Zigmqtt Labs" `ZM-PLUG-1`: zigbee-herdsman-converters
 * knows no such model, so a bridge sees it as unsupported (a generated definition) until an external converter
 * for it is loaded. genOnOff reports its state on change. Manufacturer code 0x1234 (unassigned here).
 */
const spec: KindSpec = {
  logicalType: "Router",
  manufacturerCode: 0x1234,
  macCapabilities: 0x8e,
  endpoints: [
    {
      id: 1,
      profileId: 0x0104,
      deviceId: 0x0051,
      inClusters: [0x0000, 0x0003, 0x0004, 0x0005, 0x0006],
      outClusters: [],
      attributes: {
        genBasic: {
          zclVersion: 3,
          appVersion: 1,
          stackVersion: 2,
          hwVersion: 1,
          manufacturerName: "Zigmqtt Labs",
          modelId: "ZM-PLUG-1",
          dateCode: "20261201",
          powerSource: 1,
          swBuildId: "1.0.0",
        },
        genIdentify: { identifyTime: 0 },
        genGroups: { nameSupport: 0 },
        genScenes: { count: 0, currentScene: 0, currentGroup: 0, sceneValid: 0, nameSupport: 0 },
        genOnOff: { onOff: 0, globalSceneCtrl: 1, onTime: 0, offWaitTime: 0 },
      },
    },
  ],
  reporting: [{ endpoint: 1, cluster: "genOnOff", attribute: "onOff", min: 0, max: 0, change: 0 }],
};

export const customPlug: DeviceKind = {
  kind: "customPlug",
  model: "ZM-PLUG-1",
  vendor: "Zigmqtt Labs",
  description: "On/off plug unknown to zigbee-herdsman-converters (for external converters)",
  logicalType: "Router",
  create: (options) => buildDevice(spec, options),
};

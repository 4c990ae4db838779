import { buildDevice, type DeviceKind, type KindSpec } from "../deviceKind.js";

/**
 * IKEA E1743 "TRADFRI on/off switch", a battery remote (sleepy end device). Buttons: "on", "off" (short presses),
 * "brightness_move_up" (hold I: moveWithOnOff up), "brightness_move_down" (hold O: move down), "brightness_stop"
 * (release: stopWithOnOff), plus "toggle" (not on the real remote; zhc still maps it to action "toggle").
 * zhc configure, with swBuildId ≥ 2.3.075: binds genOnOff to the coordinator (ikeaConfigureRemote), binds genOnOff
 * and genLevelCtrl (output clusters, commandsOnOff/LevelCtrl), binds genPowerCfg, configures
 * batteryPercentageRemaining 3600/65000 s/10 and reads it (ikeaBattery).
 * Leaves out the real genPollCtrl (0x0020) so that herdsman's interview does not wait for check-ins.
 */
const spec: KindSpec = {
  logicalType: "EndDevice",
  manufacturerCode: 0x117c,
  macCapabilities: 0x80,
  endpoints: [
    {
      id: 1,
      profileId: 0x0104,
      deviceId: 0x0820,
      inClusters: [0x0000, 0x0001, 0x0003, 0x0009, 0x1000, 0xfc7c],
      outClusters: [0x0003, 0x0004, 0x0006, 0x0008, 0x0019, 0x0102, 0x1000],
      attributes: {
        genBasic: {
          zclVersion: 3,
          appVersion: 33,
          stackVersion: 98,
          hwVersion: 1,
          manufacturerName: "IKEA of Sweden",
          modelId: "TRADFRI on/off switch",
          dateCode: "20221026",
          powerSource: 3,
          swBuildId: "24.4.5",
        },
        genPowerCfg: { batteryVoltage: 30, batteryPercentageRemaining: 200 },
        genIdentify: { identifyTime: 0 },
        // its OTA client's image version (genOta is an output cluster: not readable, kept for the snapshot)
        genOta: { currentFileVersion: 0x24040005 },
      },
    },
  ],
  reporting: [],
  actions: {
    on: [{ endpoint: 1, cluster: "genOnOff", command: "on" }],
    off: [{ endpoint: 1, cluster: "genOnOff", command: "off" }],
    toggle: [{ endpoint: 1, cluster: "genOnOff", command: "toggle" }],
    brightness_move_up: [
      { endpoint: 1, cluster: "genLevelCtrl", command: "moveWithOnOff", payload: { movemode: 0, rate: 83 } },
    ],
    brightness_move_down: [
      { endpoint: 1, cluster: "genLevelCtrl", command: "move", payload: { movemode: 1, rate: 83 } },
    ],
    brightness_stop: [{ endpoint: 1, cluster: "genLevelCtrl", command: "stopWithOnOff" }],
  },
};

export const ikeaRemote: DeviceKind = {
  kind: "remote",
  model: "E1743",
  vendor: "IKEA",
  description: "TRADFRI on/off switch",
  logicalType: "EndDevice",
  // a sleepy device asks for an image on its own schedule (a real one about once a day)
  create: (options) => buildDevice(spec, options, [], { endpoint: 1, imageType: 0x11c2, pollIntervalS: 86_400 }),
};

import { buildDevice, type DeviceKind, type KindSpec, seedOf } from "../deviceKind.js";
import { powerMeterSimulation } from "../simulations/powerMeter.js";

/**
 * Innr SP 120 smart plug with power metering (router, mains). zhc: `m.onOff({powerOnBehavior: false})` and
 * `m.electricityMeter({current: {divisor: 1000}, voltage: {divisor: 1}, power: {divisor: 1}, energy: {divisor: 100}})`.
 * Its configure: bind genOnOff, configReport onOff 0/65000 s, read onOff; bind haElectricalMeasurement, configReport
 * activePower (change 5), rmsCurrent (change 50), rmsVoltage (change 5), all 10/65000 s, read them; bind seMetering,
 * configReport currentSummDelivered 10/65000 s/change 10, read it. The divisors are forced by the definition (no reads).
 * Units: activePower W, rmsVoltage V, rmsCurrent mA, currentSummDelivered 0.01 kWh. Manufacturer code 0x1166 (Innr).
 */
const spec: KindSpec = {
  logicalType: "Router",
  manufacturerCode: 0x1166,
  macCapabilities: 0x8e,
  endpoints: [
    {
      id: 1,
      profileId: 0x0104,
      deviceId: 0x010a,
      inClusters: [0x0000, 0x0003, 0x0004, 0x0005, 0x0006, 0x0702, 0x0b04],
      outClusters: [0x000a, 0x0019],
      attributes: {
        genBasic: {
          zclVersion: 2,
          appVersion: 17,
          stackVersion: 2,
          hwVersion: 1,
          manufacturerName: "innr",
          modelId: "SP 120",
          dateCode: "20190821",
          powerSource: 1,
          swBuildId: "2.0",
        },
        // its OTA client's image version (genOta is an output cluster: not readable, kept for the snapshot)
        genOta: { currentFileVersion: 0x00020000 },
        genIdentify: { identifyTime: 0 },
        genGroups: { nameSupport: 0 },
        genScenes: { count: 0, currentScene: 0, currentGroup: 0, sceneValid: 0, nameSupport: 0 },
        genOnOff: { onOff: 1, globalSceneCtrl: 1, onTime: 0, offWaitTime: 0 },
        haElectricalMeasurement: {
          measurementType: 1,
          rmsVoltage: 230,
          rmsCurrent: 261,
          activePower: 60,
          acVoltageMultiplier: 1,
          acVoltageDivisor: 1,
          acCurrentMultiplier: 1,
          acCurrentDivisor: 1000,
          acPowerMultiplier: 1,
          acPowerDivisor: 1,
        },
        seMetering: {
          currentSummDelivered: 0,
          status: 0,
          unitOfMeasure: 0,
          multiplier: 1,
          divisor: 100,
          summaFormatting: 0x2a,
          meteringDeviceType: 0,
        },
      },
    },
  ],
  reporting: [
    { endpoint: 1, cluster: "genOnOff", attribute: "onOff", min: 0, max: 0, change: 0 },
    { endpoint: 1, cluster: "haElectricalMeasurement", attribute: "activePower", min: 10, max: 600, change: 5 },
  ],
};

export const innrMeteringPlug: DeviceKind = {
  kind: "meteringPlug",
  model: "SP 120",
  vendor: "Innr",
  description: "Smart plug",
  logicalType: "Router",
  create: (options) =>
    buildDevice(
      spec,
      options,
      [
        powerMeterSimulation({
          seed: seedOf(options),
          loadW: options.loadW ?? 60,
          sampleIntervalS: options.sampleIntervalS ?? 10,
        }),
      ],
      { endpoint: 1, imageType: 0x0001, maximumDataSize: 64 },
    ),
};

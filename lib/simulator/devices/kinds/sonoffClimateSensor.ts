import { buildDevice, type DeviceKind, type KindSpec, seedOf } from "../deviceKind.js";
import { climateSimulation } from "../simulations/climate.js";

/**
 * SONOFF SNZB-02 temperature/humidity sensor (modelId "TH01", manufacturerName "eWeLink"), a sleepy end device on a
 * CR2450. zhc configure binds msTemperatureMeasurement, msRelativeHumidity and genPowerCfg to the coordinator and
 * configures reporting: temperature 30/3600 s/20 (0.2 °C), humidity 30/3600 s/100 (1 %), batteryVoltage 3600/65000 s,
 * batteryPercentageRemaining 3600/65000 s. Until then it reports by factory default (every `reportIntervalS`).
 * Manufacturer code 0x1286 (Shenzhen CoolKit, eWeLink's maker).
 */
function spec(reportIntervalS: number): KindSpec {
  return {
    logicalType: "EndDevice",
    manufacturerCode: 0x1286,
    macCapabilities: 0x80,
    endpoints: [
      {
        id: 1,
        profileId: 0x0104,
        deviceId: 0x0302,
        inClusters: [0x0000, 0x0003, 0x0402, 0x0405, 0x0001],
        outClusters: [0x0003],
        attributes: {
          genBasic: {
            zclVersion: 1,
            appVersion: 5,
            stackVersion: 2,
            hwVersion: 0,
            manufacturerName: "eWeLink",
            modelId: "TH01",
            dateCode: "20201026",
            powerSource: 3,
          },
          genIdentify: { identifyTime: 0 },
          msTemperatureMeasurement: {
            measuredValue: 2150,
            minMeasuredValue: -4000,
            maxMeasuredValue: 12500,
            tolerance: 30,
          },
          msRelativeHumidity: { measuredValue: 4500, minMeasuredValue: 0, maxMeasuredValue: 10000 },
          genPowerCfg: { batteryVoltage: 30, batteryPercentageRemaining: 200, batterySize: 10, batteryQuantity: 1 },
        },
      },
    ],
    reporting: [
      {
        endpoint: 1,
        cluster: "msTemperatureMeasurement",
        attribute: "measuredValue",
        min: 10,
        max: reportIntervalS,
        change: 10,
      },
      {
        endpoint: 1,
        cluster: "msRelativeHumidity",
        attribute: "measuredValue",
        min: 10,
        max: reportIntervalS,
        change: 50,
      },
      {
        endpoint: 1,
        cluster: "genPowerCfg",
        attribute: "batteryPercentageRemaining",
        min: 3600,
        max: 14400,
        change: 0,
      },
    ],
  };
}

export const sonoffClimateSensor: DeviceKind = {
  kind: "climateSensor",
  model: "SNZB-02",
  vendor: "SONOFF",
  description: "Temperature and humidity sensor",
  logicalType: "EndDevice",
  create: (options) =>
    buildDevice(spec(options.reportIntervalS ?? 60), options, [
      climateSimulation({ seed: seedOf(options), sampleIntervalS: options.sampleIntervalS ?? 30 }),
    ]),
};

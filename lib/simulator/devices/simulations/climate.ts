import { type DeviceSimulation, type SimulatedDevice, seededRandom } from "./deviceSimulation.js";

export interface ClimateOptions {
  seed: number;
  endpoint?: number;
  /** seconds between two readings (default 30) */
  sampleIntervalS?: number;
  /** readings drift around these: °C (default from the attribute) and %RH */
  temperature?: number;
  humidity?: number;
  /** readings per half-percent of battery lost (default 1000, about 8 h at 30 s) */
  samplesPerBatteryStep?: number;
}

/**
 * A temperature/humidity sensor's readings: a seeded random walk pulled back towards a base value (±4 °C, ±15 %RH),
 * plus a slowly draining battery (batteryPercentageRemaining in half-percent, batteryVoltage in 100 mV, 2.0–3.0 V).
 * New readings report as the device's reporting configuration says.
 */
export function climateSimulation(options: ClimateOptions): DeviceSimulation {
  const random = seededRandom(options.seed);
  const endpointId = options.endpoint ?? 1;
  const interval = (options.sampleIntervalS ?? 30) * 1000;
  const perBatteryStep = options.samplesPerBatteryStep ?? 1000;
  let samples = 0;
  let base: { temperature: number; humidity: number } | undefined;

  const walk = (value: number, center: number, step: number, spread: number, low: number, high: number) => {
    const next = value + Math.round((random() - 0.5) * 2 * step) + Math.round((center - value) * 0.05);
    return Math.min(high, Math.max(low, center - spread, Math.min(center + spread, next)));
  };

  const sample = (device: SimulatedDevice) => {
    const ep = device.endpoint(endpointId);
    base ??= {
      temperature:
        options.temperature !== undefined
          ? Math.round(options.temperature * 100)
          : ep.num("msTemperatureMeasurement", "measuredValue", 2100),
      humidity:
        options.humidity !== undefined
          ? Math.round(options.humidity * 100)
          : ep.num("msRelativeHumidity", "measuredValue", 4500),
    };
    const temperature = ep.num("msTemperatureMeasurement", "measuredValue", base.temperature);
    ep.set("msTemperatureMeasurement", "measuredValue", walk(temperature, base.temperature, 8, 400, -4000, 12500));
    const humidity = ep.num("msRelativeHumidity", "measuredValue", base.humidity);
    ep.set("msRelativeHumidity", "measuredValue", walk(humidity, base.humidity, 30, 1500, 0, 10000));
    if (++samples % perBatteryStep === 0) {
      const battery = Math.max(0, ep.num("genPowerCfg", "batteryPercentageRemaining", 200) - 1);
      ep.set("genPowerCfg", "batteryPercentageRemaining", battery);
      ep.set("genPowerCfg", "batteryVoltage", 20 + Math.round(battery / 20));
    }
  };

  return {
    start(device) {
      const ep = device.endpoint(endpointId);
      const loop = () => {
        sample(device);
        ep.schedule("climate", interval, loop);
      };
      ep.schedule("climate", interval, loop);
    },
  };
}

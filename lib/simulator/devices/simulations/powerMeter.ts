import type { EndpointContext } from "../behaviours/clusterBehaviour.js";
import { type DeviceSimulation, seededRandom } from "./deviceSimulation.js";

export interface PowerMeterOptions {
  seed: number;
  endpoint?: number;
  /** the load while switched on, W (default 60) */
  loadW?: number;
  /** mains voltage, V (default 230) */
  voltage?: number;
  /** seconds between two readings (default 10) */
  sampleIntervalS?: number;
  /** seMetering units per kWh, i.e. the divisor (default: the device's `divisor` attribute, else 1000) */
  energyDivisor?: number;
  /** haElectricalMeasurement rmsCurrent units per A, i.e. acCurrentDivisor (default: the attribute, else 1) */
  currentDivisor?: number;
}

/**
 * A metering plug's readings: activePower (W, ±2 % seeded jitter) and rmsCurrent while on, 0 when off (at once, on the
 * onOff change), rmsVoltage around the mains voltage, currentSummDelivered integrating the power over time.
 */
export function powerMeterSimulation(options: PowerMeterOptions): DeviceSimulation {
  const random = seededRandom(options.seed);
  const endpointId = options.endpoint ?? 1;
  const interval = (options.sampleIntervalS ?? 10) * 1000;
  let lastTime: number | undefined;
  /** energy not yet counted in currentSummDelivered, kWh */
  let pendingKwh = 0;

  const integrate = (ep: EndpointContext) => {
    const now = ep.now();
    if (lastTime !== undefined) {
      pendingKwh += (ep.num("haElectricalMeasurement", "activePower") * (now - lastTime)) / 3_600_000 / 1000;
      const divisor = options.energyDivisor ?? ep.num("seMetering", "divisor", 1000);
      const units = Math.floor(pendingKwh * divisor);
      if (units > 0) {
        pendingKwh -= units / divisor;
        ep.set("seMetering", "currentSummDelivered", ep.num("seMetering", "currentSummDelivered") + units);
      }
    }
    lastTime = now;
  };

  const measure = (ep: EndpointContext) => {
    integrate(ep);
    const on = ep.num("genOnOff", "onOff", 1) === 1;
    const voltage = Math.round((options.voltage ?? 230) + (random() - 0.5) * 4);
    const power = on ? Math.round((options.loadW ?? 60) * (1 + (random() - 0.5) * 0.04)) : 0;
    const currentDivisor = options.currentDivisor ?? ep.num("haElectricalMeasurement", "acCurrentDivisor", 1);
    ep.set("haElectricalMeasurement", "rmsVoltage", voltage);
    ep.set("haElectricalMeasurement", "activePower", power);
    ep.set("haElectricalMeasurement", "rmsCurrent", Math.round((power / voltage) * currentDivisor));
  };

  return {
    start(device) {
      const ep = device.endpoint(endpointId);
      lastTime = ep.now();
      const loop = () => {
        measure(ep);
        ep.schedule("powerMeter", interval, loop);
      };
      ep.schedule("powerMeter", interval, loop);
    },
    changed(device, endpoint, cluster, attribute) {
      if (endpoint === endpointId && cluster === "genOnOff" && attribute === "onOff")
        measure(device.endpoint(endpointId));
    },
  };
}

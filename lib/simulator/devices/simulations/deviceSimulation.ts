import type { EndpointContext } from "../behaviours/clusterBehaviour.js";

/** The device as a simulation sees it. */
export interface SimulatedDevice {
  endpoint(id: number): EndpointContext;
}

/**
 * Something that changes a device's attributes by itself (a sensor's readings, a plug's load), deterministically.
 * One instance per device; it may keep state. Timers go through `EndpointContext.schedule`, so they end on detach.
 */
export interface DeviceSimulation {
  /** the device attached (joined, or the simulator resumed) */
  start(device: SimulatedDevice): void;
  /** an attribute changed, by a command, a write, `setAttribute` or a simulation */
  changed?(device: SimulatedDevice, endpoint: number, cluster: string, attribute: string): void;
}

/** A small seeded PRNG (mulberry32): deterministic "noise" without Math.random. Returns [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed derived from an IEEE address (FNV-1a), so each device drifts differently but reproducibly. */
export function seedFromIeee(ieee: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < ieee.length; i++) hash = Math.imul(hash ^ ieee.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

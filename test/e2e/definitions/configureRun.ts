import { EventBus } from "../../../lib/eventBus.js";
import { Configure } from "../../../lib/features/configure.js";
import type { BridgeContext } from "../../../lib/features/context.js";
import { ConverterEvents } from "../../../lib/features/converterEvents.js";
import { SettingsStore } from "../../../lib/settings/settingsStore.js";
import { fingerprintDevice } from "../../../lib/simulator/devices/fingerprintDevice.js";
import { Simulator } from "../../../lib/simulator/simulator.js";
import { deterministicIeee } from "../../../lib/simulator/util/prng.js";
import { StateCache } from "../../../lib/state/stateCache.js";
import { errorMessage } from "../../../lib/util/errors.js";
import { createLogger } from "../../../lib/util/logger.js";
import { Zigbee } from "../../../lib/zigbee/zigbee.js";
import { writeConfig } from "../support/bridgeWorld.js";
import { removeDir, tempDir, waitFor } from "../support/herdsmanWorld.js";
import type { CatalogEntry } from "./catalog.js";

/** What became of one simulated device of a definition on the bridge. */
export interface Outcome {
  id: string;
  model: string;
  ieee: string;
  interviewed: boolean;
  /** the model the bridge resolved the device to ("" for none, "generated" for a generic definition) */
  resolved: string;
  /** "ok", "none" (no configure), or the error configure threw */
  configure: string;
}

/** A ZCL status the simulated device answered (it lacks a manufacturer-specific attribute, command or cluster). */
export const DEVICE_STATUS = /Status '([A-Z_]+)'/;

/** configures in flight at once (the bridge runs one at a time; the stack under it is the same) */
const CONCURRENCY = 24;

/**
 * Pairs one simulated device per entry with the bridge's Zigbee layer (zigbee-herdsman on a simulator of its own)
 * and reports what became of each: the interview, the definition the bridge resolves (`BridgeDevice`), and the
 * bridge's configure (`Configure.run`, what it runs after an interview, once the converters' `start` hooks have run),
 * several devices at a time. No MQTT: the
 * publications are not what an upgrade of the stack changes, and they would cost more than the rest.
 */
export async function runOnBridge(entries: CatalogEntry[], seed: string, timeoutMs: number): Promise<Outcome[]> {
  const dir = tempDir("zigmqtt-defs-");
  const sim = new Simulator({ scenario: { name: seed, seed, devices: [] } });
  const ieees = new Map<string, CatalogEntry>();
  entries.forEach((entry, i) => {
    if (!entry.device) throw new Error(`${entry.id} (${entry.model}) cannot be simulated`);
    const ieee = deterministicIeee(seed, `${entry.id}/${i}`, "a4c138");
    ieees.set(ieee, entry);
    sim.frontEnd.net.add(fingerprintDevice({ ...entry.device, ieee }), { paired: true });
  });
  await sim.start();
  const logger = createLogger({ level: "error", output: [] });
  writeConfig(dir, "mqtt://127.0.0.1:1", { serial: { port: sim.url, adapter: "zstack" } });
  const settings = SettingsStore.load(dir, {});
  const bus = new EventBus(logger);
  const zigbee = new Zigbee(settings, bus, logger, dir);
  const ctx = { settings, bus, logger, zigbee, state: new StateCache(undefined, logger) } as unknown as BridgeContext;
  // the converters' event hooks as the bridge calls them (`start` registers a definition's custom clusters)
  const hooks = new ConverterEvents(ctx);
  const configure = new Configure(ctx, hooks);
  const configured = new Map<string, string>();
  const queue: string[] = [];
  let running = 0;
  const next = (): void => {
    while (running < CONCURRENCY && queue.length > 0) {
      const ieee = queue.shift() as string;
      const d = zigbee.device(ieee);
      running++;
      void (async () => {
        try {
          const def = await d?.resolveDefinition();
          if (d && def?.configure) {
            await configure.run(d);
            configured.set(ieee, "ok");
          } else configured.set(ieee, "none");
        } catch (e) {
          configured.set(ieee, errorMessage(e));
        } finally {
          running--;
          next();
        }
      })();
    }
  };
  bus.on("deviceInterview", configured, (e) => {
    if (!ieees.has(e.ieee)) return;
    if (e.status === "failed") configured.set(e.ieee, "interview failed");
    if (e.status !== "successful") return;
    queue.push(e.ieee);
    next();
  });
  try {
    hooks.start();
    await zigbee.start();
    await waitFor(() => configured.size === ieees.size, timeoutMs, `${entries.length} devices`).catch(() => undefined);
    return [...ieees].map(([ieee, entry]) => {
      const d = zigbee.device(ieee);
      const def = d?.definition;
      const resolved = def ? ((def as { generated?: boolean }).generated ? "generated" : def.model) : "";
      return {
        id: entry.id,
        model: entry.model,
        ieee,
        interviewed: d?.interviewed === true,
        resolved,
        configure: configured.get(ieee) ?? "not run",
      };
    });
  } finally {
    bus.off(configured);
    await hooks.stop();
    await zigbee.stop();
    await logger.close();
    await sim.stop();
    removeDir(dir);
  }
}

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { SerialSettings } from "../settings/types.js";
import type { CoordinatorProtocol } from "../simulator/frontEnd.js";
import type { Simulator } from "../simulator/simulator.js";
import { BridgeError } from "../util/errors.js";
import type { Logger } from "../util/logger.js";

const NS = "z2m:zigbee";
export const VIRTUAL_PREFIX = "virtual://";

/** The built-in virtual coordinator, when the bridge runs on one. */
export interface VirtualCoordinator {
  simulator: Simulator;
  stop(): Promise<void>;
}

export interface SerialTarget {
  /** what herdsman opens: a device path or tcp://host:port */
  path: string;
  adapter: string | undefined;
  /** serial line settings discovery knows for the stick (e.g. SkyConnect needs rtscts) */
  rtscts?: boolean;
  baudRate?: number;
  /** for the log and bridge/info */
  description: string;
  virtual?: VirtualCoordinator;
}

/** The virtual coordinator speaks Z-Stack unless `serial.adapter` asks for deCONZ; other stacks are not simulated. */
function virtualAdapter(adapter: string | undefined): CoordinatorProtocol {
  if (adapter === undefined || adapter === "zstack" || adapter === "deconz") return adapter ?? "zstack";
  throw new BridgeError(
    "UNSUPPORTED",
    `serial.adapter '${adapter}' cannot run on the virtual coordinator (virtual://): use zstack or deconz`,
  );
}

/**
 * Where the coordinator is: a configured port, the built-in virtual coordinator (`virtual://<scenario>`, files under
 * `<data>/virtual/` so a later switch to a real stick starts clean), or a USB stick found by its ids.
 * The simulator and the USB discovery (serialport's listing) are imported only on the path that uses them: a bridge
 * on a configured stick loads neither (scripts/rss-modules.mjs shows what a run loads).
 */
export async function resolveSerialTarget(
  serial: SerialSettings,
  dataDir: string,
  logger: Logger,
): Promise<SerialTarget> {
  const port = serial.port ?? undefined;
  if (port?.startsWith(VIRTUAL_PREFIX)) {
    const scenario = port.slice(VIRTUAL_PREFIX.length) || "demo";
    const adapter = virtualAdapter(serial.adapter);
    const [{ Simulator }, { socatAvailable }] = await Promise.all([
      import("../simulator/simulator.js"),
      import("../simulator/transport/ptyBridge.js"),
    ]);
    // a virtual ConBee is a serial port, as a real one is: a pty through socat (TCP when socat is missing)
    const serialPty = adapter === "deconz" && socatAvailable();
    if (adapter === "deconz" && !serialPty)
      logger.warning("socat is not installed: the virtual ConBee is on TCP instead of a serial port", NS);
    const simulator = new Simulator({
      scenario,
      adapter,
      ptyPath: serialPty ? join(dataDir, "virtual", "ttyConBee") : undefined,
      nvFile: join(dataDir, "virtual", "simulator-nv.json"),
      log: (level, message) => {
        if (level === "warn") logger.warning(message, "z2m:virtual");
        else if (level === "info") logger.info(message, "z2m:virtual");
        else logger.debug(message, "z2m:virtual");
      },
    });
    mkdirSync(join(dataDir, "virtual"), { recursive: true });
    await simulator.start();
    logger.info(
      `Using the built-in virtual coordinator (${adapter === "deconz" ? "ConBee II, deCONZ" : "Z-Stack"}, scenario '${simulator.scenario.name}', ${simulator.deviceNames().length} devices) on ${simulator.ptyPath ?? simulator.url}`,
      NS,
    );
    return {
      path: simulator.ptyPath ?? simulator.url,
      adapter,
      baudRate: serialPty ? 115200 : undefined,
      description: `virtual coordinator (${adapter}, ${simulator.scenario.name})`,
      virtual: { simulator, stop: () => simulator.stop() },
    };
  }
  if (port) return { path: port, adapter: serial.adapter, description: port };
  const { describePorts, discoverAdapter } = await import("./adapterDiscovery.js");
  const { chosen, ports, error } = await discoverAdapter({ adapter: serial.adapter });
  if (!chosen) {
    const listing = error ?? `serial ports found: ${describePorts(ports)}`;
    throw new BridgeError(
      "ADAPTER_UNAVAILABLE",
      `No Zigbee coordinator found (serial.port is not set); ${listing}. Set serial.port (and serial.adapter) in configuration.yaml.`,
    );
  }
  logger.info(`serial.port not set: using ${chosen.description} at ${chosen.path} (adapter ${chosen.adapter})`, NS);
  return {
    path: chosen.path,
    adapter: serial.adapter ?? chosen.adapter,
    rtscts: chosen.rtscts,
    baudRate: chosen.baudRate,
    description: chosen.path,
  };
}

import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { Controller } from "./controller.js";
import { SettingsError, SettingsStore } from "./settings/settingsStore.js";
import { errorMessage } from "./util/errors.js";
import { type BridgeLogger, createLogger } from "./util/logger.js";
import { secretForms } from "./util/redact.js";

const NS = "z2m";

/** `$ZIGMQTT_DATA`, zigbee2mqtt's `$ZIGBEE2MQTT_DATA`, or `data/` beside the installation. */
export function dataDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.ZIGMQTT_DATA ?? env.ZIGBEE2MQTT_DATA;
  return dir ? resolve(dir) : resolve(new URL("../data", import.meta.url).pathname);
}

/** The logger the settings describe: level, outputs, file, rotation, format and the secrets to mask. */
export function loggerFor(settings: SettingsStore, env: NodeJS.ProcessEnv = process.env): BridgeLogger {
  const all = settings.get();
  const adv = all.advanced;
  const dataDir = settings.dataDir;
  return createLogger({
    level: env.DEBUG ? "debug" : adv.log_level,
    namespacedLevels: adv.log_namespaced_levels,
    debugNamespaceIgnore: adv.log_debug_namespace_ignore,
    output: adv.log_output.filter((o): o is "console" | "file" => o === "console" || o === "file"),
    directory: (adv.log_directory ?? join(dataDir, "log", "%TIMESTAMP%")).replace("%DATA%", dataDir),
    file: adv.log_file,
    rotation: adv.log_rotation,
    directoriesToKeep: adv.log_directories_to_keep,
    consoleJson: adv.log_console_json,
    timestampFormat: adv.timestamp_format,
    secrets: [
      ...secretForms(all.mqtt.password),
      ...secretForms(adv.network_key as never),
      ...secretForms(all.frontend?.auth_token),
    ],
  });
}

function reportInvalid(dataDir: string, e: unknown, write: (line: string) => void): void {
  if (e instanceof SettingsError) {
    write(`Invalid configuration in ${join(dataDir, "configuration.yaml")}:`);
    for (const p of e.problems) write(`  ${p}`);
  } else write(`Cannot load the configuration: ${errorMessage(e)}`);
}

async function main(): Promise<void> {
  const dataDir = dataDirectory();
  mkdirSync(dataDir, { recursive: true });
  let logger: BridgeLogger | undefined;
  /** settings notices: to the log once there is one (before: to stdout) */
  const notice = (line: string) => {
    if (logger) logger.info(line, "z2m:settings");
    else process.stdout.write(`${line}\n`);
  };
  let settings: SettingsStore;
  try {
    settings = SettingsStore.load(dataDir, process.env, notice);
  } catch (e) {
    reportInvalid(dataDir, e, (line) => process.stderr.write(`${line}\n`));
    process.exit(1);
  }
  let log: BridgeLogger = loggerFor(settings);
  logger = log;
  log.info(`Starting zigmqtt with data directory ${dataDir}`);

  let controller = new Controller(settings, log);
  let stopping = false;
  /** restarts run one after the other; stop() waits for the one in progress */
  let restarts: Promise<void> = Promise.resolve();

  const stop = async (code: number, signal?: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    await restarts;
    try {
      await controller.stop({ restart: false, code, signal });
    } catch (e) {
      log.error(`Stop failed: ${errorMessage(e)}`);
    }
    await log.close();
    process.exit(code);
  };

  /**
   * bridge/request/restart from `from`: the settings are read again (an invalid file leaves the bridge running and
   * says why), the bridge stops, the logger is rebuilt from the new settings (outputs, files, level, secrets to
   * mask) and a new bridge starts. A request from a bridge already being replaced is the same restart.
   */
  const restart = (from: Controller): void => {
    if (stopping || from !== controller) return;
    restarts = restarts.then(() => replace(from));
  };
  const replace = async (from: Controller): Promise<void> => {
    if (stopping || from !== controller) return;
    let next: SettingsStore;
    try {
      next = SettingsStore.load(dataDir, process.env, notice);
    } catch (e) {
      const lines: string[] = [];
      reportInvalid(dataDir, e, (line) => lines.push(line));
      log.error(`Not restarting: ${lines.join("\n")}`, NS);
      return;
    }
    log.info("Restarting zigmqtt", NS); // zigbee2mqtt's "Restarting Zigbee2MQTT"
    try {
      await from.stop({ restart: true });
    } catch (e) {
      log.error(`Stop failed: ${errorMessage(e)}`, NS);
    }
    const old = log;
    log = loggerFor(next);
    logger = log;
    await old.close();
    const fresh = new Controller(next, log);
    fresh.onRestart = () => restart(fresh);
    controller = fresh;
    try {
      await fresh.start();
    } catch (e) {
      log.error(`Restart failed: ${errorMessage(e)}`, NS);
      void stop(1);
    }
  };

  const first = controller;
  first.onRestart = () => restart(first);
  process.on("SIGINT", () => void stop(0, "SIGINT"));
  process.on("SIGTERM", () => void stop(0, "SIGTERM"));
  process.on("unhandledRejection", (reason) => {
    log.error(`Unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
  });

  try {
    await controller.start();
  } catch (e) {
    log.error(`Failed to start: ${errorMessage(e)}`);
    await stop(1);
  }
}

void main();

import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { Controller } from "./controller.js";
import { SettingsError, SettingsStore } from "./settings/settingsStore.js";
import { errorMessage } from "./util/errors.js";
import { type BridgeLogger, createLogger } from "./util/logger.js";
import { secretForms } from "./util/redact.js";

/** `$ZIGMQTT_DATA`, zigbee2mqtt's `$ZIGBEE2MQTT_DATA`, or `data/` beside the installation. */
export function dataDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.ZIGMQTT_DATA ?? env.ZIGBEE2MQTT_DATA;
  return dir ? resolve(dir) : resolve(new URL("../data", import.meta.url).pathname);
}

async function main(): Promise<void> {
  const dataDir = dataDirectory();
  mkdirSync(dataDir, { recursive: true });
  let settings: SettingsStore;
  try {
    settings = SettingsStore.load(dataDir, process.env, (line) => process.stdout.write(`${line}\n`));
  } catch (e) {
    if (e instanceof SettingsError) {
      process.stderr.write(`Invalid configuration in ${join(dataDir, "configuration.yaml")}:\n`);
      for (const p of e.problems) process.stderr.write(`  ${p}\n`);
    } else process.stderr.write(`Cannot load the configuration: ${errorMessage(e)}\n`);
    process.exit(1);
  }
  const all = settings.get();
  const adv = all.advanced;
  const logger: BridgeLogger = createLogger({
    level: process.env.DEBUG ? "debug" : adv.log_level,
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
  logger.info(`Starting zigmqtt with data directory ${dataDir}`);
  let controller = new Controller(settings, logger);

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    try {
      await controller.stop();
    } catch (e) {
      logger.error(`Stop failed: ${errorMessage(e)}`);
    }
    await logger.close();
    process.exit(code);
  };
  /** bridge/request/restart: stop, reload the settings, start again in the same process */
  const restart = async () => {
    if (stopping) return;
    logger.info("Restarting");
    try {
      await controller.stop();
      controller = new Controller(SettingsStore.load(dataDir, process.env), logger);
      controller.onRestart = () => void restart();
      await controller.start();
    } catch (e) {
      logger.error(`Restart failed: ${errorMessage(e)}`);
      await stop(1);
    }
  };
  controller.onRestart = () => void restart();
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  process.on("unhandledRejection", (reason) => {
    logger.error(`Unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
  });

  try {
    await controller.start();
  } catch (e) {
    logger.error(`Failed to start: ${errorMessage(e)}`);
    await stop(1);
  }
}

void main();

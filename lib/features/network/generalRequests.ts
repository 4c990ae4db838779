import { SettingsError } from "../../settings/settingsStore.js";
import { BridgeError, errorMessage } from "../../util/errors.js";
import type { BridgeLogger } from "../../util/logger.js";
import { type RequestModule, requireObject } from "../bridge/requests.js";
import type { BridgeContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { zipDataDir } from "./backupZip.js";

const NS = "z2m:bridge";
/** zigbee2mqtt answers a restart request first and restarts half a second later. */
export const RESTART_DELAY_MS = 500;

/**
 * `health_check`, `coordinator_check`, `restart`, `backup`, `options` and `install_code/add` (contract §3.4).
 */
export function generalRequests(ctx: BridgeContext, deps: FeatureDeps): RequestModule {
  return {
    /** Healthy when the Zigbee adapter is up and MQTT is connected (the request came over MQTT, so unless the
     * controller passes the client's stats, connected is taken as given). */
    health_check: async () => {
      const mqttConnected = deps.mqttStats?.().connected ?? true;
      return { healthy: ctx.zigbee.available && mqttConnected };
    },

    coordinator_check: async () => {
      const controller = ctx.zigbee.controller;
      let result: Awaited<ReturnType<typeof controller.coordinatorCheck>>;
      try {
        result = await controller.coordinatorCheck();
      } catch (e) {
        const message = errorMessage(e);
        if (/support/i.test(message)) {
          throw new BridgeError("UNSUPPORTED", "This coordinator does not support the coordinator check (no backups)");
        }
        throw new BridgeError("ZIGBEE_FAILED", `Coordinator check failed: ${message}`);
      }
      return {
        missing_routers: result.missingRouters.map((d) => ({
          ieee_address: d.ieeeAddr,
          friendly_name: ctx.zigbee.device(d.ieeeAddr)?.name ?? d.ieeeAddr,
        })),
      };
    },

    /** answered first; the controller restarts RESTART_DELAY_MS later (requests until then are that restart) */
    restart: async () => {
      ctx.logger.info(`Restarting in ${RESTART_DELAY_MS} ms (bridge/request/restart)`, NS);
      deps.restart();
      return {};
    },

    backup: async () => {
      try {
        await ctx.zigbee.controller.backup();
      } catch (e) {
        if (e instanceof BridgeError) throw e;
        throw new BridgeError("ZIGBEE_FAILED", `Coordinator backup failed: ${errorMessage(e)}`);
      }
      await ctx.state.flush();
      return { zip: (await zipDataDir(ctx.settings.dataDir)).toString("base64") };
    },

    options: async (payload) => {
      const p = requireObject(payload, '{"options": {"advanced": {"log_level": "debug"}}}');
      const options = p.options;
      if (typeof options !== "object" || options === null || Array.isArray(options)) {
        throw new BridgeError("INVALID_PAYLOAD", "Invalid payload: 'options' must be an object of settings");
      }
      let restartRequired: boolean;
      try {
        ({ restartRequired } = ctx.settings.apply(options as Record<string, unknown>));
      } catch (e) {
        if (e instanceof SettingsError) throw new BridgeError("INVALID_PAYLOAD", e.message);
        throw e;
      }
      applyLogLevels(ctx);
      ctx.logger.info("Successfully changed options"); // zigbee2mqtt's line
      if (restartRequired) deps.publications.restartRequired = true;
      deps.publications.schedule("info");
      return { restart_required: deps.publications.restartRequired };
    },

    "install_code/add": async (payload) => {
      const value = typeof payload === "string" ? payload : requireObject(payload, '{"value": "<install code>"}').value;
      if (typeof value !== "string" || value.trim() === "") {
        throw new BridgeError("INVALID_PAYLOAD", "Invalid payload: 'value' must be the install code as a string");
      }
      const controller = ctx.zigbee.controller;
      try {
        await controller.addInstallCode(value.trim());
      } catch (e) {
        const message = errorMessage(e);
        if (/install code/i.test(message)) throw new BridgeError("INVALID_PAYLOAD", `Invalid install code: ${message}`);
        throw new BridgeError("ZIGBEE_FAILED", `Adding the install code failed: ${message}`);
      }
      return { value };
    },
  };
}

/** `advanced.log_level` and `advanced.log_namespaced_levels` take effect without a restart. */
function applyLogLevels(ctx: BridgeContext): void {
  const logger = ctx.logger as Partial<BridgeLogger>;
  const advanced = ctx.settings.get().advanced;
  if (typeof logger.setLevel === "function" && logger.getLevel?.() !== advanced.log_level) {
    logger.setLevel(advanced.log_level);
  }
  if (typeof logger.setNamespacedLevels === "function")
    logger.setNamespacedLevels(advanced.log_namespaced_levels ?? {});
}

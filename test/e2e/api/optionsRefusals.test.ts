import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Controller } from "../../../lib/controller.js";
import { SettingsStore } from "../../../lib/settings/settingsStore.js";
import { createLogger } from "../../../lib/util/logger.js";
import { startTestBroker, type TestBroker } from "../../support/broker.js";
import type { TestClient } from "../../support/mqttTestClient.js";
import { observer, request, writeConfig } from "../support/bridgeWorld.js";
import { removeDir, tempDir } from "../support/herdsmanWorld.js";

/**
 * bridge/request/options answers an error, and changes nothing, for a change that would not take effect: a setting
 * an environment variable overrides, or one this bridge does not implement.
 */
describe("bridge/request/options: changes that would not take effect are refused", () => {
  const dir = tempDir();
  const logger = createLogger({ level: "warning", output: [] });
  let broker: TestBroker;
  let controller: Controller;
  let mqtt: TestClient;
  const file = () => readFileSync(join(dir, "configuration.yaml"), "utf8");

  beforeAll(async () => {
    broker = await startTestBroker();
    writeConfig(dir, broker.url);
    mqtt = await observer(broker.url);
    // as a container would start it: the log level from the environment
    const settings = SettingsStore.load(dir, { ZIGMQTT_CONFIG_ADVANCED_LOG_LEVEL: "warning" });
    controller = new Controller(settings, logger);
    await controller.start();
  });
  afterAll(async () => {
    await mqtt?.end();
    await controller?.stop();
    await logger.close();
    await broker?.stop();
    removeDir(dir);
  });

  it("a setting set by an environment variable: an error naming the variable", async () => {
    const before = file();
    const rsp = await request(mqtt, "options", { options: { advanced: { log_level: "debug" } } });
    expect(rsp.status).toBe("error");
    expect(rsp.error).toContain(
      "advanced.log_level: set by the environment variable ZIGMQTT_CONFIG_ADVANCED_LOG_LEVEL, which overrides " +
        "configuration.yaml",
    );
    expect(file()).toBe(before);
    expect(controller.settings.get().advanced.log_level).toBe("warning");
  });

  it("an OTA setting out of its range: an error naming it", async () => {
    const before = file();
    const rsp = await request(mqtt, "options", { options: { ota: { update_check_interval: 0 } } });
    expect(rsp.status).toBe("error");
    expect(rsp.error).toContain("update_check_interval");
    expect(file()).toBe(before);
  });

  it("other settings still change", async () => {
    const rsp = await request(mqtt, "options", { options: { advanced: { last_seen: "epoch" } } });
    expect(rsp.status, rsp.error).toBe("ok");
    expect(file()).toContain("last_seen: epoch");
  });
});

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import type { TestClient } from "../../support/mqttTestClient.js";
import { BASE, json, type RunningBridge, request, useBridgeWorld } from "../support/bridgeWorld.js";

/** backup (a zip of the data directory) and options (settings changed over MQTT, validated, applied live). */
describe("bridge requests: backup and options", () => {
  const world = useBridgeWorld();
  let bridge: RunningBridge;
  let mqtt: TestClient;

  beforeAll(() => {
    ({ bridge, mqtt } = world);
  });

  it("backup: a base64 zip of the data directory with the coordinator backup, without log/ and ota/", async () => {
    mkdirSync(join(world.dir, "log", "2026-01-01.00-00-00"), { recursive: true });
    writeFileSync(join(world.dir, "log", "2026-01-01.00-00-00", "log.log"), "old log");
    mkdirSync(join(world.dir, "ota"), { recursive: true });
    writeFileSync(join(world.dir, "ota", "image.ota"), "firmware");
    const rsp = await request(mqtt, "backup", {});
    expect(rsp.status).toBe("ok");
    const files = unzipSync(Buffer.from(rsp.data.zip as string, "base64"));
    const names = Object.keys(files);
    expect(Buffer.from(files["configuration.yaml"]).toString()).toBe(
      readFileSync(join(world.dir, "configuration.yaml"), "utf8"),
    );
    // the virtual stick keeps its network files under virtual/; herdsman has just written its backup there
    const coordinatorBackup = JSON.parse(Buffer.from(files["virtual/coordinator_backup.json"]).toString());
    expect(coordinatorBackup.coordinator_ieee).toBe(bridge.controller.zigbee.coordinator()?.ieee.slice(2));
    expect(names).toContain("virtual/database.db");
    expect(names.filter((n) => n.startsWith("log/") || n.startsWith("ota/"))).toEqual([]);
  });

  it("options: log_level applies at once, without a restart; bridge/info and configuration.yaml follow", async () => {
    const since = mqtt.mark();
    const rsp = await request(mqtt, "options", { options: { advanced: { log_level: "debug" } } });
    expect(rsp).toMatchObject({ status: "ok", data: { restart_required: false } });
    expect(bridge.controller.logger.getLevel()).toBe("debug");
    const info = await mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/bridge/info` && json(m.payload).log_level === "debug",
      { since },
    );
    expect(json(info.payload).restart_required).toBe(false);
    expect(readFileSync(join(world.dir, "configuration.yaml"), "utf8")).toMatch(/log_level: debug/);
    // told at the new level, as zigbee2mqtt does
    await mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/bridge/logging` && json(m.payload).message === "z2m: Successfully changed options",
      { since },
    );
    await request(mqtt, "options", { options: { advanced: { log_level: "warning" } } });
    expect(bridge.controller.logger.getLevel()).toBe("warning");
  });

  it("options: a setting that needs a restart says so, in the answer and in bridge/info", async () => {
    const since = mqtt.mark();
    const rsp = await request(mqtt, "options", { options: { frontend: { port: 8089 } } });
    expect(rsp).toMatchObject({ status: "ok", data: { restart_required: true } });
    await mqtt.waitForMessage((m) => m.topic === `${BASE}/bridge/info` && json(m.payload).restart_required === true, {
      since,
    });
    expect(bridge.settings.get().frontend.port).toBe(8089);
  });

  it("options: an invalid value is refused with the setting's message, and nothing is written", async () => {
    const before = readFileSync(join(world.dir, "configuration.yaml"), "utf8");
    const rsp = await request(mqtt, "options", { options: { advanced: { channel: 99, log_level: "info" } } });
    expect(rsp).toMatchObject({ status: "error", data: {} });
    expect(rsp.error).toMatch(/^advanced\.channel: .*26/);
    expect(readFileSync(join(world.dir, "configuration.yaml"), "utf8")).toBe(before);
    expect(bridge.controller.logger.getLevel()).toBe("warning");
    const notObject = await request(mqtt, "options", { options: "debug" });
    expect(notObject.error).toBe("Invalid payload: 'options' must be an object of settings");
  });
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { TestClient } from "../../support/mqttTestClient.js";
import { BASE, json, type RunningBridge, request, useBridgeWorld } from "../support/bridgeWorld.js";
import { waitFor } from "../support/herdsmanWorld.js";

/** health_check, coordinator_check, restart and install_code/add through MQTT → bridge → herdsman → virtual stick. */
describe("bridge requests: health, coordinator check, restart, install codes", () => {
  const world = useBridgeWorld();
  let bridge: RunningBridge;
  let mqtt: TestClient;

  beforeAll(() => {
    ({ bridge, mqtt } = world);
  });

  it("health_check says healthy while MQTT and the adapter are up", async () => {
    expect(await request(mqtt, "health_check", "")).toEqual({ data: { healthy: true }, status: "ok" });
  });

  it("coordinator_check lists the routers missing from the coordinator's tables, by name", async () => {
    // every router joined through the stick, so its address manager lists them all
    const routers = bridge.controller.zigbee.devices().filter((d) => d.zh.type === "Router");
    expect(routers.map((r) => r.ieee).sort()).toEqual(
      ["bulb", "plug"].map((n) => bridge.simulator.device(n).description.ieee).sort(),
    );
    expect(await request(mqtt, "coordinator_check", "")).toEqual({ data: { missing_routers: [] }, status: "ok" });

    // the stick loses the plug from its address manager (Z-Stack's fault of devices going missing from its NV
    // tables); the plug still works and the bridge is told nothing. herdsman would fall back on the last written
    // coordinator backup for a device it lists with a link key, but that backup was written before the devices joined
    const plug = bridge.simulator.device("plug").description.ieee;
    const stored = JSON.parse(readFileSync(join(world.dir, "virtual", "coordinator_backup.json"), "utf8"));
    expect(stored.devices).toEqual([]);
    expect(bridge.simulator.dropFromAddressManager("plug")).toBe(true);
    const friendlyName = bridge.controller.zigbee.device(plug)?.name;
    expect(friendlyName).toEqual(expect.any(String));
    const rsp = await request(mqtt, "coordinator_check", {});
    expect(rsp.status).toBe("ok");
    expect(rsp.data).toEqual({ missing_routers: [{ ieee_address: plug, friendly_name: friendlyName }] });
  });

  it("install_code/add takes a code (object or plain string) and refuses one it cannot parse", async () => {
    const code = "0017880104e45517|83FED3407A939723A5C639B26916D505C3B5";
    expect(await request(mqtt, "install_code/add", { value: code })).toMatchObject({
      data: { value: code },
      status: "ok",
    });
    expect(await request(mqtt, "install_code/add", code)).toMatchObject({ data: { value: code }, status: "ok" });
    const bad = await request(mqtt, "install_code/add", { value: "not-a-code" });
    expect(bad).toMatchObject({ status: "error", data: {} });
    expect(bad.error).toMatch(/^Invalid install code: Unsupported install code/);
    const missing = await request(mqtt, "install_code/add", { code });
    expect(missing.error).toMatch(/'value' must be the install code/);
  });

  it("restart answers {} first, then restarts", async () => {
    // the order the bridge did things in, whatever the time the answer takes to reach us
    const order: string[] = [];
    const client = bridge.controller.mqtt;
    const publish = client.publish.bind(client);
    const published = vi.spyOn(client, "publish").mockImplementation((topic, ...rest) => {
      if (topic === `${BASE}/bridge/response/restart`) order.push("response");
      return publish(topic, ...rest);
    });
    bridge.controller.onRestart = () => order.push("restart");
    try {
      const rsp = await request(mqtt, "restart", "");
      expect(rsp).toEqual({ data: {}, status: "ok" });
      await waitFor(() => order.includes("restart"), 3000, "the restart callback");
      expect(order).toEqual(["response", "restart"]);
    } finally {
      published.mockRestore();
    }
  });

  it("while the adapter is away: health_check says unhealthy, coordinator_check, networkmap and backup fail clearly", async () => {
    const dropped = mqtt.mark();
    bridge.simulator.dropHost();
    await mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/bridge/event` && json(m.payload).type === "adapter_disconnected",
      { since: dropped, timeoutMs: 5000 },
    );
    // object payloads carry a transaction, so each answer is told apart from the earlier ones
    expect(await request(mqtt, "health_check", {})).toMatchObject({ data: { healthy: false }, status: "ok" });
    const check = await request(mqtt, "coordinator_check", {});
    expect(check).toMatchObject({ status: "error", data: {} });
    expect(check.error).toMatch(/adapter is disconnected/);
    const map = await request(mqtt, "networkmap", { type: "raw" });
    expect(map.error).toMatch(/adapter is disconnected/);
    const backup = await request(mqtt, "backup", {});
    expect(backup).toMatchObject({ status: "error", data: {} });
    expect(backup.error).toMatch(/adapter is disconnected/);
    await mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/bridge/event` && json(m.payload).type === "adapter_reconnected",
      { since: dropped, timeoutMs: 15_000 },
    );
    expect(await request(mqtt, "health_check", {})).toMatchObject({ data: { healthy: true }, status: "ok" });
  });
});

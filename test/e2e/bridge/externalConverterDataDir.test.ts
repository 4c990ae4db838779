import { cpSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Controller } from "../../../lib/controller.js";
import { SettingsStore } from "../../../lib/settings/settingsStore.js";
import { createLogger } from "../../../lib/util/logger.js";
import { startTestBroker, type TestBroker } from "../../support/broker.js";
import { retainedOn, type TestClient } from "../../support/mqttTestClient.js";
import { BASE, json, observer } from "../support/bridgeWorld.js";
import { removeDir, tempDir, waitFor } from "../support/herdsmanWorld.js";

const FIXTURE = join(import.meta.dirname, "../../fixtures/z2m-external-converter");

/**
 * A zigbee2mqtt 2.x data directory with an external converter in `external_converters/`, used as is: the bridge
 * loads the converter at start, the plug zigbee-herdsman-converters does not know is supported, and /set works.
 */
describe("zigbee2mqtt data directory with an external converter", () => {
  const dir = tempDir("zigmqtt-extconv-");
  let broker: TestBroker;
  let controller: Controller;
  let mqtt: TestClient;
  let started: number;

  beforeAll(async () => {
    cpSync(FIXTURE, dir, { recursive: true });
    broker = await startTestBroker();
    mqtt = await observer(broker.url);
    started = mqtt.mark();
    const settings = SettingsStore.load(dir, {
      ZIGBEE2MQTT_CONFIG_MQTT_SERVER: broker.url,
      ZIGBEE2MQTT_CONFIG_SERIAL_PORT: `virtual://${join(dir, "scenario.yaml")}`,
    });
    controller = new Controller(settings, createLogger({ level: "warning", output: [] }));
    await controller.start();
    await waitFor(() => controller.zigbee.devices().find((d) => d.interviewed && d.definition), 20_000, "interview");
  }, 60_000);

  afterAll(async () => {
    await mqtt?.end();
    await controller?.stop();
    await broker?.stop();
    removeDir(dir);
  });

  it("lists the converter on the retained bridge/converters", async () => {
    const [msg] = await retainedOn(broker.url, `${BASE}/bridge/converters`);
    expect(JSON.parse(msg?.payload ?? "null")).toEqual([
      {
        name: "zm-plug.mjs",
        code: expect.stringContaining('zigbeeModel: ["ZM-PLUG-1"]') as unknown as string,
      },
    ]);
  });

  it("makes the unknown plug supported, with the converter's definition and exposes", async () => {
    const modelOf = (d: Record<string, unknown>) => (d.definition as { model?: string } | null)?.model;
    const msg = await mqtt.waitForMessage(
      (m) =>
        m.topic === `${BASE}/bridge/devices` &&
        (JSON.parse(m.payload) as Array<Record<string, unknown>>).some((d) => modelOf(d) === "ZM-PLUG-1"),
      { since: started },
    );
    const devices = JSON.parse(msg.payload) as Array<Record<string, unknown>>;
    const plug = devices.find((d) => modelOf(d) === "ZM-PLUG-1");
    expect(plug).toMatchObject({
      supported: true,
      manufacturer: "Zigmqtt Labs",
      model_id: "ZM-PLUG-1",
      definition: { model: "ZM-PLUG-1", vendor: "Zigmqtt Labs", source: "external" },
    });
    const definition = plug?.definition as { exposes?: Array<{ type: string; features?: Array<{ name: string }> }> };
    const exposes = definition?.exposes ?? [];
    expect(exposes.find((e) => e.type === "switch")?.features?.map((f) => f.name)).toEqual(["state"]);
  });

  it("switches the plug with /set and publishes its state", async () => {
    const device = controller.zigbee.devices().find((d) => d.zh.modelID === "ZM-PLUG-1");
    const sim = controller.zigbee.virtual?.simulator.device("custom");
    expect(device && sim).toBeTruthy();
    const since = mqtt.mark();
    await mqtt.publish(`${BASE}/${device?.name}/set`, JSON.stringify({ state: "ON" }));
    const state = await mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/${device?.name}` && json(m.payload).state === "ON",
      { since },
    );
    expect(json(state.payload).state).toBe("ON");
    await waitFor(() => sim?.getAttribute(1, "genOnOff", "onOff") === 1, 5_000, "the plug to be on");
  });
});

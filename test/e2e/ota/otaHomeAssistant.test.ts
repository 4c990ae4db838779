import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DISCOVERY, useHaWorld } from "../homeassistant/haWorld.js";
import { json } from "../support/bridgeWorld.js";
import { otaOf, waitForUpdate, writeImage } from "./otaSupport.js";

/** The Home Assistant `update` entity of the plug: its discovery, and its install button running the update. */
const world = useHaWorld({ ota: { zigbee_ota_override_index_location: "ota/index.json" } });

describe("Home Assistant update entity", () => {
  it("the plug has one (device class firmware); the sensor, without OTA, has none", async () => {
    const { ha } = world;
    const plug = world.bridge.simulator.device("plug").ieee;
    const sensor = world.bridge.simulator.device("sensor").ieee;
    const topics = ha.received((m) => m.topic.startsWith(`${DISCOVERY}/update/`)).map((m) => m.topic);
    expect(topics).toContain(`${DISCOVERY}/update/${plug}/update/config`);
    expect(topics).not.toContain(`${DISCOVERY}/update/${sensor}/update/config`);
  });

  it("its install button (payload_install on command_topic) updates the plug to the index's image", async () => {
    const { ha, mqtt, dir } = world;
    const device = world.bridge.simulator.device("plug");
    const config = json(
      ha.received(`${DISCOVERY}/update/${device.ieee}/update/config`).at(-1)?.payload ?? "{}",
    ) as Record<string, string>;
    expect(config).toMatchObject({
      device_class: "firmware",
      entity_category: "config",
      state_topic: `zigbee2mqtt/${device.ieee}`,
    });
    const version = otaOf(device).fileVersion + 1;
    const file = writeImage(dir, "ha.ota", device, version);
    writeFileSync(join(dir, "ota", "index.json"), JSON.stringify([{ url: file, modelId: "SP 120" }]));
    const since = mqtt.mark();
    await mqtt.publish(config.command_topic, config.payload_install);
    await waitForUpdate(mqtt, device.ieee, since, (u) => u.state === "updating");
    const done = await waitForUpdate(
      mqtt,
      device.ieee,
      since,
      (u) => u.state === "idle" && u.installed_version === version,
      60_000,
    );
    expect(done.latest_version).toBe(version);
    expect(otaOf(device).fileVersion).toBe(version);
  }, 90_000);
});

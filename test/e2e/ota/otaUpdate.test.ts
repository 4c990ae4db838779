import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { request, useBridgeWorld } from "../support/bridgeWorld.js";
import { waitFor } from "../support/herdsmanWorld.js";
import { otaOf, updates, waitForUpdate, writeImage } from "./otaSupport.js";

/**
 * Firmware updates of the virtual Innr plug (an OTA client, zhc `ota: true`) through herdsman's OTA exchange, with
 * images the test makes, served by the local override index (the main index fails at once: no internet), a `url`
 * and `hex`.
 */
const world = useBridgeWorld({
  config: { ota: { zigbee_ota_override_index_location: "ota/index.json" } },
});
const FAST = { image_block_response_delay: 1 };

describe("OTA updates of the plug", () => {
  const plug = () => world.bridge.simulator.device("plug");

  it("a device's own image query gets NO_IMAGE_AVAILABLE and one check per interval", async () => {
    const { dir, mqtt } = world;
    const version = otaOf(plug()).fileVersion;
    const file = writeImage(dir, "plug-index.ota", plug(), version + 1);
    writeFileSync(join(dir, "ota", "index.json"), JSON.stringify([{ url: file, modelId: "SP 120" }]));
    const since = mqtt.mark();
    otaOf(plug()).lastQueryStatus = undefined;
    otaOf(plug()).poll();
    await waitFor(() => otaOf(plug()).lastQueryStatus === 0x98, 10_000, "the NO_IMAGE_AVAILABLE answer");
    const update = await waitForUpdate(mqtt, plug().ieee, since, (u) => u.state === "available");
    expect(update).toMatchObject({ installed_version: version, latest_version: version + 1 });

    // a second poll within update_check_interval is answered but not checked: the explicit check is the only one
    const again = mqtt.mark();
    otaOf(plug()).lastQueryStatus = undefined;
    otaOf(plug()).poll();
    await waitFor(() => otaOf(plug()).lastQueryStatus === 0x98, 10_000, "the second answer");
    const rsp = await request(mqtt, "device/ota_update/check", { id: plug().ieee });
    expect(rsp.status, rsp.error).toBe("ok");
    expect(rsp.data).toMatchObject({ id: plug().ieee, update_available: true });
    expect(updates(mqtt, plug().ieee, again)).toHaveLength(1);
  });

  it("check with an index url: available, then not once the index has the installed version", async () => {
    const { dir, mqtt } = world;
    const ota = otaOf(plug());
    const meta = (fileVersion: number) => ({
      fileName: "p.ota",
      url: "ota/p.ota",
      fileVersion,
      imageType: ota.spec.imageType,
      manufacturerCode: plug().spec.manufacturerCode,
    });
    // the override index comes first: empty it, so that only the url's index counts
    writeFileSync(join(dir, "ota", "index.json"), "[]");
    writeFileSync(join(dir, "ota", "url-index.json"), JSON.stringify([meta(ota.fileVersion + 5)]));
    const yes = await request(mqtt, "device/ota_update/check", { id: plug().ieee, url: "ota/url-index.json" });
    expect(yes.data).toMatchObject({ update_available: true, source: "ota/p.ota" });
    writeFileSync(join(dir, "ota", "url-index.json"), JSON.stringify([meta(ota.fileVersion)]));
    const no = await request(mqtt, "device/ota_update/check", { id: plug().ieee, url: "ota/url-index.json" });
    expect(no.data).toMatchObject({ update_available: false });
  });

  it("update from the override index: progress, then the new version on the device and in the state", async () => {
    const { dir, mqtt } = world;
    const before = otaOf(plug()).fileVersion;
    const file = writeImage(dir, "plug-index.ota", plug(), before + 1);
    writeFileSync(join(dir, "ota", "index.json"), JSON.stringify([{ url: file, modelId: "SP 120" }]));
    const since = mqtt.mark();
    const rsp = await request(mqtt, "device/ota_update/update", { id: plug().ieee, ...FAST }, 30_000);
    expect(rsp.status, rsp.error).toBe("ok");
    expect(rsp.data).toMatchObject({
      id: plug().ieee,
      from: { file_version: before },
      to: { file_version: before + 1 },
    });
    expect(otaOf(plug()).fileVersion).toBe(before + 1);
    expect(plug().getAttribute(1, "genBasic", "swBuildId")).toBe(
      (rsp.data.to as Record<string, unknown>).software_build_id,
    );
    const seen = updates(mqtt, plug().ieee, since);
    expect(seen).toContainEqual(expect.objectContaining({ state: "updating", progress: 0 }));
    expect(seen.at(-1)).toMatchObject({ state: "idle", installed_version: before + 1, latest_version: before + 1 });
    expect(seen.at(-1)).not.toHaveProperty("progress");
  });

  it("update from a url (a firmware file) and from hex", async () => {
    const { dir, mqtt } = world;
    const v = otaOf(plug()).fileVersion;
    const url = writeImage(dir, "by-url.ota", plug(), v + 10);
    const byUrl = await request(mqtt, "device/ota_update/update", { id: plug().ieee, url, ...FAST }, 30_000);
    expect(byUrl.data).toMatchObject({ to: { file_version: v + 10 } });
    await waitFor(() => otaOf(plug()).phase === "idle", 5000, "the plug back from its reboot");
    const hexFile = writeImage(dir, "by-hex.ota", plug(), v + 20);
    const data = readFileSync(join(dir, hexFile)).toString("hex");
    const byHex = await request(
      mqtt,
      "device/ota_update/update",
      { id: plug().ieee, hex: { data, file_name: "hex.ota" }, ...FAST },
      30_000,
    );
    expect(byHex.status, byHex.error).toBe("ok");
    expect(otaOf(plug()).fileVersion).toBe(v + 20);
  });

  it("a corrupt image: the device answers INVALID_IMAGE, the update fails and the version stays", async () => {
    const { dir, mqtt } = world;
    const v = otaOf(plug()).fileVersion;
    const url = writeImage(dir, "corrupt.ota", plug(), v + 1);
    otaOf(plug()).faults.invalidImage = true;
    try {
      const rsp = await request(mqtt, "device/ota_update/update", { id: plug().ieee, url, ...FAST }, 30_000);
      expect(rsp.status).toBe("error");
      expect(rsp.error).toMatch(/OTA update of '.*' failed \(.*INVALID_IMAGE\)/);
    } finally {
      otaOf(plug()).faults.invalidImage = false;
    }
    expect(otaOf(plug()).fileVersion).toBe(v);
  });

  it("abort during the transfer: the device gets ABORT, the update fails, the version stays", async () => {
    const { dir, mqtt } = world;
    const v = otaOf(plug()).fileVersion;
    const url = writeImage(dir, "big.ota", plug(), v + 1, 20_000);
    const pending = request(
      mqtt,
      "device/ota_update/update",
      { id: plug().ieee, url, image_block_response_delay: 20 },
      30_000,
    );
    await waitFor(() => otaOf(plug()).phase === "downloading" && otaOf(plug()).received > 1000, 20_000, "a transfer");
    const abort = await request(mqtt, "device/ota_update/update/abort", { id: plug().ieee });
    expect(abort).toMatchObject({ status: "ok", data: { id: plug().ieee } });
    const rsp = await pending;
    expect(rsp.status).toBe("error");
    expect(rsp.error).toContain("aborted");
    expect(otaOf(plug()).phase).toBe("idle");
    expect(otaOf(plug()).fileVersion).toBe(v);
  });

  it("a device that goes silent mid-transfer: the update fails after the block request timeout", async () => {
    const { dir, mqtt } = world;
    const v = otaOf(plug()).fileVersion;
    const url = writeImage(dir, "silent.ota", plug(), v + 1, 20_000);
    const pending = request(
      mqtt,
      "device/ota_update/update",
      { id: plug().ieee, url, image_block_response_delay: 20, image_block_request_timeout: 2000 },
      90_000,
    );
    await waitFor(() => otaOf(plug()).phase === "downloading" && otaOf(plug()).received > 1000, 20_000, "a transfer");
    world.bridge.simulator.setSilent("plug", true);
    try {
      const rsp = await pending;
      expect(rsp.status).toBe("error");
      // the block responses fail (no MAC ack, after Z-Stack's retries), then no block request comes in time
      expect(rsp.error).toMatch(/OTA update of '.*' failed \(.*did not start\/finish firmware download/);
    } finally {
      world.bridge.simulator.setSilent("plug", false);
    }
    expect(otaOf(plug()).fileVersion).toBe(v);
  }, 100_000);

  it("errors: unknown device, a device without OTA, an update already running", async () => {
    const { mqtt } = world;
    expect(await request(mqtt, "device/ota_update/check", { id: "nope" })).toMatchObject({
      status: "error",
      error: "Device 'nope' does not exist",
    });
    const sensor = world.bridge.simulator.device("sensor").ieee;
    expect(await request(mqtt, "device/ota_update/update", { id: sensor })).toMatchObject({
      status: "error",
      error: `Device '${sensor}' does not support OTA updates`,
    });
    expect(await request(mqtt, "device/ota_update/update", { id: plug().ieee, hex: { data: "xyz" } })).toMatchObject({
      status: "error",
    });
  });

  it("at start, a stale `updating` state (a stop mid-update) becomes idle without progress/remaining", async () => {
    const ieee = plug().ieee;
    await world.bridge.stop();
    const file = join(world.dir, "virtual", "state.json"); // the virtual coordinator keeps its state there
    const states = (existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {}) as Record<
      string,
      Record<string, unknown>
    >;
    states[ieee] = {
      ...states[ieee],
      update: { state: "updating", progress: 40, remaining: 100, installed_version: 1 },
    };
    writeFileSync(file, JSON.stringify(states));
    await world.restart();
    expect(world.bridge.controller.state.get(ieee).update).toEqual({ state: "idle", installed_version: 1 });
  });

  it("update of several devices queues those that can be updated and names the others", async () => {
    const sensor = world.bridge.simulator.device("sensor").ieee;
    const rsp = await request(world.mqtt, "device/ota_update/update", { id: [plug().ieee, sensor], ...FAST });
    expect(rsp.status, rsp.error).toBe("ok");
    expect(rsp.data).toMatchObject({
      ids: [plug().ieee],
      refused: [{ id: sensor, error: `Device '${sensor}' does not support OTA updates` }],
    });
  });
});

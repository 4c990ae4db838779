import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Scenario } from "../../../lib/simulator/scenario/scenario.js";
import type { TestClient } from "../../support/mqttTestClient.js";
import { BASE, json, request, useBridgeWorld, waitForInterviews } from "../support/bridgeWorld.js";
import { waitFor } from "../support/herdsmanWorld.js";
import { otaOf, waitForUpdate, writeImage } from "./otaSupport.js";

/**
 * The OTA queue: several devices updated `ota.queue_concurrency` at a time, routers before the sleepy remote, in the
 * order asked; `queued` states; `update_all`; a queue that survives a restart; schedule on the sleepy remote, which
 * polls on its own (every second here).
 */
const scenario: Scenario = {
  name: "ota-queue",
  seed: "ota-queue",
  devices: [
    { kind: "remote", name: "remote", paired: true, options: { otaPollIntervalS: 1 } },
    { kind: "meteringPlug", name: "plug_1", paired: true },
    { kind: "meteringPlug", name: "plug_2", paired: true },
    { kind: "meteringPlug", name: "plug_3", paired: true },
  ],
};
const world = useBridgeWorld({
  scenario,
  config: { ota: { zigbee_ota_override_index_location: "ota/index.json" } },
});
const PLUGS = ["plug_1", "plug_2", "plug_3"];
const dev = (name: string) => world.bridge.simulator.device(name);
const ieee = (name: string) => dev(name).ieee;

/** Override index with an image one version above each kind's current one (plugs share a version). */
function publishImages(size = 1024): { plug: number; remote: number } {
  const plug = otaOf(dev("plug_1")).fileVersion + 1;
  const remote = otaOf(dev("remote")).fileVersion + 1;
  const index = [
    { url: writeImage(world.dir, `plug-${plug}.ota`, dev("plug_1"), plug, size), modelId: "SP 120" },
    { url: writeImage(world.dir, `remote-${remote}.ota`, dev("remote"), remote, size) },
  ];
  writeFileSync(join(world.dir, "ota", "index.json"), JSON.stringify(index));
  return { plug, remote };
}

/** Per device: the message positions of its first `updating` and the `idle` that ends it, from `since` on. */
function intervals(mqtt: TestClient, names: string[], since: number): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const name of names) {
    const seen = mqtt
      .received(`${BASE}/${ieee(name)}`, since)
      .map((m) => ({ seq: m.seq, update: json(m.payload).update as Record<string, unknown> | undefined }));
    const start = seen.find((s) => s.update?.state === "updating")?.seq;
    // the first idle after it: later states of the device repeat the cached update object
    const end = seen.find((s) => start !== undefined && s.seq > start && s.update?.state === "idle")?.seq;
    if (start === undefined || end === undefined) throw new Error(`${name}: no updating/idle states`);
    out.set(name, [start, end]);
  }
  return out;
}

function maxOverlap(spans: [number, number][]): number {
  let max = 0;
  for (const [s] of spans) max = Math.max(max, spans.filter(([a, b]) => a <= s && s <= b).length);
  return max;
}

describe("the OTA queue", () => {
  it("schedule on the sleepy remote: the update runs on its next own poll", async () => {
    const { mqtt } = world;
    const remote = dev("remote");
    const version = otaOf(remote).fileVersion + 1;
    const url = writeImage(world.dir, "remote-scheduled.ota", remote, version);
    const since = mqtt.mark();
    const rsp = await request(mqtt, "device/ota_update/schedule", { id: remote.ieee, url });
    expect(rsp).toMatchObject({ status: "ok", data: { id: remote.ieee, url } });
    await waitForUpdate(mqtt, remote.ieee, since, (u) => u.state === "scheduled");
    const done = await waitForUpdate(mqtt, remote.ieee, since, (u) => u.installed_version === version, 30_000);
    expect(done).toMatchObject({ state: "idle", latest_version: version });
    expect(otaOf(remote).fileVersion).toBe(version);
  });

  it("unschedule: the remote's next polls get no image", async () => {
    const { mqtt } = world;
    const remote = dev("remote");
    const url = writeImage(world.dir, "remote-unscheduled.ota", remote, otaOf(remote).fileVersion + 1);
    expect(await request(mqtt, "device/ota_update/schedule", { id: remote.ieee, url })).toMatchObject({ status: "ok" });
    expect(await request(mqtt, "device/ota_update/unschedule", { id: remote.ieee })).toMatchObject({ status: "ok" });
    otaOf(remote).lastQueryStatus = undefined;
    await waitFor(() => otaOf(remote).lastQueryStatus === 0x98, 10_000, "a NO_IMAGE_AVAILABLE answer");
    expect(await request(mqtt, "device/ota_update/unschedule", { id: remote.ieee })).toMatchObject({ status: "error" });
  });

  it("concurrency 1: routers first in the order asked, then the remote, one at a time, queued meanwhile", async () => {
    const { mqtt } = world;
    const v = publishImages();
    const since = mqtt.mark();
    const order = ["remote", "plug_2", "plug_1", "plug_3"];
    const rsp = await request(mqtt, "device/ota_update/update", {
      id: order.map(ieee),
      image_block_response_delay: 1,
    });
    expect(rsp.status, rsp.error).toBe("ok");
    expect(rsp.data.ids).toEqual(order.map(ieee));
    await waitForUpdate(mqtt, ieee("plug_3"), since, (u) => u.state === "queued");
    for (const name of order) {
      const want = name === "remote" ? v.remote : v.plug;
      await waitForUpdate(mqtt, ieee(name), since, (u) => u.installed_version === want && u.state === "idle", 60_000);
    }
    const spans = intervals(mqtt, order, since);
    const byStart = [...spans.entries()].sort((a, b) => a[1][0] - b[1][0]).map(([n]) => n);
    expect(byStart).toEqual(["plug_2", "plug_1", "plug_3", "remote"]);
    expect(maxOverlap([...spans.values()])).toBe(1);
  }, 120_000);

  it("concurrency 2 (set by bridge/request/options), with update_all after checks: two at a time", async () => {
    const { mqtt } = world;
    const options = await request(mqtt, "options", { options: { ota: { queue_concurrency: 2 } } });
    expect(options.status, options.error).toBe("ok");
    const v = publishImages();
    for (const name of PLUGS) {
      const check = await request(mqtt, "device/ota_update/check", { id: ieee(name) });
      expect(check.data, check.error).toMatchObject({ update_available: true });
    }
    const since = mqtt.mark();
    const rsp = await request(mqtt, "device/ota_update/update_all", { image_block_response_delay: 20 });
    expect(rsp.status, rsp.error).toBe("ok");
    expect([...(rsp.data.ids as string[])].sort()).toEqual(PLUGS.map(ieee).sort());
    for (const name of PLUGS) {
      await waitForUpdate(mqtt, ieee(name), since, (u) => u.installed_version === v.plug && u.state === "idle", 60_000);
    }
    expect(maxOverlap([...intervals(mqtt, PLUGS, since).values()])).toBe(2);
  }, 120_000);

  it("a restart with a non-empty queue: the queued updates run after it", async () => {
    const { mqtt } = world;
    await request(mqtt, "options", { options: { ota: { queue_concurrency: 1 } } });
    const v = publishImages(6000);
    const since = mqtt.mark();
    const rsp = await request(mqtt, "device/ota_update/update", {
      id: PLUGS.map(ieee),
      image_block_response_delay: 20,
    });
    expect(rsp.status, rsp.error).toBe("ok");
    await waitForUpdate(mqtt, ieee("plug_1"), since, (u) => u.state === "updating");
    const file = join(world.dir, "ota_queue.json");
    expect(existsSync(file)).toBe(true);
    const remoteVersion = otaOf(dev("remote")).fileVersion;
    expect(remoteVersion).not.toBe(0x24040005); // updated by the schedule test
    await world.restart();
    // the simulator restarted too: the remote kept its new firmware version
    expect(otaOf(dev("remote")).fileVersion).toBe(remoteVersion);
    const persisted = JSON.parse(readFileSync(file, "utf8")) as { entries: { ieee: string }[] };
    expect(persisted.entries.map((e) => e.ieee).sort()).toEqual(PLUGS.map(ieee).sort());
    await waitForInterviews(world.bridge, 4);
    for (const name of PLUGS) {
      await waitForUpdate(mqtt, ieee(name), since, (u) => u.installed_version === v.plug && u.state === "idle", 90_000);
      expect(otaOf(dev(name)).fileVersion).toBe(v.plug);
    }
  }, 200_000);

  it("ota.battery_threshold keeps a battery device with a low charge out, with an error naming it", async () => {
    const { mqtt } = world;
    const remote = dev("remote");
    const since = mqtt.mark();
    remote.emitReport(1, "genPowerCfg", { batteryPercentageRemaining: 20 });
    await mqtt.waitForMessage((m) => m.topic === `${BASE}/${remote.ieee}` && json(m.payload).battery === 10, {
      since,
      timeoutMs: 5000,
    });
    await request(mqtt, "options", { options: { ota: { battery_threshold: 50 } } });
    const url = writeImage(world.dir, "remote-low.ota", remote, otaOf(remote).fileVersion + 1);
    const rsp = await request(mqtt, "device/ota_update/update", {
      id: remote.ieee,
      url,
      image_block_response_delay: 1,
    });
    expect(rsp.status).toBe("error");
    expect(rsp.error).toContain("battery 10% is below ota.battery_threshold 50%");
    await request(mqtt, "options", { options: { ota: { battery_threshold: 20 } } });
  });

  it("abort of a queued device takes it out of the queue; the others still run", async () => {
    const { mqtt } = world;
    const v = publishImages(6000);
    const since = mqtt.mark();
    const rsp = await request(mqtt, "device/ota_update/update", { id: PLUGS.map(ieee), image_block_response_delay: 5 });
    expect(rsp.status, rsp.error).toBe("ok");
    await waitForUpdate(mqtt, ieee("plug_3"), since, (u) => u.state === "queued");
    const abort = await request(mqtt, "device/ota_update/update/abort", { id: ieee("plug_3") });
    expect(abort).toMatchObject({ status: "ok", data: { id: ieee("plug_3") } });
    await waitForUpdate(mqtt, ieee("plug_3"), since, (u) => u.state !== "queued");
    for (const name of ["plug_1", "plug_2"]) {
      await waitForUpdate(mqtt, ieee(name), since, (u) => u.installed_version === v.plug && u.state === "idle", 60_000);
    }
    expect(otaOf(dev("plug_3")).fileVersion).toBe(v.plug - 1);
    expect(intervals(mqtt, ["plug_1", "plug_2"], since).size).toBe(2);
    expect(
      mqtt
        .received(`${BASE}/${ieee("plug_3")}`, since)
        .some((m) => (json(m.payload).update as { state?: string } | undefined)?.state === "updating"),
    ).toBe(false);
  }, 90_000);
});

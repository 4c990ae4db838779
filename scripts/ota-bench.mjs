// npm run build && node scripts/ota-bench.mjs [single-default|single-tuned|queue]: OTA transfer times on the
// simulator (see README "Firmware updates (OTA)"). Prints one JSON line per measurement.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { connectAsync } from "mqtt";
import { stringify } from "yaml";
import { Controller } from "../dist/controller.js";
import { SettingsStore } from "../dist/settings/settingsStore.js";
import { buildOtaImage } from "../dist/simulator/ota/otaImage.js";
import { createLogger } from "../dist/util/logger.js";
import { startBroker } from "./bench/broker.mjs";
import { tempDir, waitFor, writeBridgeConfig } from "./bench/common.mjs";

const SIZE = 200 * 1024;
const what = process.argv.slice(2);
const all = what.length === 0;
const log = (m) => process.stderr.write(`[ota-bench] ${m}\n`);

async function startBridge(brokerUrl, plugs) {
  const dir = tempDir("zigmqtt-ota-bench-");
  const scenario = {
    name: "ota-bench",
    seed: "ota-bench",
    devices: Array.from({ length: plugs }, (_, i) => ({ kind: "meteringPlug", name: `plug_${i + 1}`, paired: true })),
  };
  writeFileSync(join(dir, "scenario.yaml"), stringify(scenario));
  writeBridgeConfig(dir, brokerUrl, `virtual://${join(dir, "scenario.yaml")}`);
  const logger = createLogger({ level: "warning", output: [] });
  const controller = new Controller(SettingsStore.load(dir, {}), logger);
  await controller.start();
  await waitFor(
    () => controller.zigbee.devices().filter((d) => d.interviewed && d.definition).length >= plugs,
    120_000,
  );
  await controller.configure.idle();
  const sim = controller.zigbee.virtual.simulator;
  const client = await connectAsync(brokerUrl, { clean: true });
  await client.subscribeAsync("zigbee2mqtt/bridge/response/#");
  let n = 0;
  const request = (name, payload, timeoutMs = 3_600_000) =>
    new Promise((resolve, reject) => {
      const transaction = `b${++n}`;
      const timer = setTimeout(() => reject(new Error(`${name}: no response`)), timeoutMs);
      const onMessage = (topic, raw) => {
        const rsp = JSON.parse(raw.toString());
        if (topic !== `zigbee2mqtt/bridge/response/${name}` || rsp.transaction !== transaction) return;
        clearTimeout(timer);
        client.off("message", onMessage);
        resolve(rsp);
      };
      client.on("message", onMessage);
      client.publish(`zigbee2mqtt/bridge/request/${name}`, JSON.stringify({ ...payload, transaction }));
    });
  const image = (device) => {
    const file = join(dir, `${device.ieee}.ota`);
    writeFileSync(
      file,
      buildOtaImage({
        manufacturerCode: device.spec.manufacturerCode,
        imageType: device.ota.spec.imageType,
        fileVersion: device.ota.fileVersion + 1,
        size: SIZE - 62,
      }),
    );
    return file;
  };
  return {
    sim,
    request,
    image,
    async stop() {
      await client.endAsync();
      await controller.stop();
      await logger.close();
    },
  };
}

async function single(bridge, label, extra) {
  const plug = bridge.sim.device("plug_1");
  const retries0 = plug.ota.retries;
  const t0 = performance.now();
  const rsp = await bridge.request("device/ota_update/update", { id: plug.ieee, url: bridge.image(plug), ...extra });
  if (rsp.status !== "ok") throw new Error(rsp.error);
  const s = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      label,
      bytes: SIZE,
      settings: extra,
      seconds: +s.toFixed(1),
      bytesPerSecond: Math.round(SIZE / s),
      blockRequestsResent: plug.ota.retries - retries0,
    }),
  );
}

async function queue(bridge, concurrency, extra) {
  const devices = Array.from({ length: 10 }, (_, i) => bridge.sim.device(`plug_${i + 1}`));
  await bridge.request("options", { options: { ota: { queue_concurrency: concurrency } } });
  const files = devices.map((d) => bridge.image(d));
  const t0 = performance.now();
  // one update request per device (each with its own image); they queue and run `concurrency` at a time
  const results = await Promise.all(
    devices.map((d, i) => bridge.request("device/ota_update/update", { id: d.ieee, url: files[i], ...extra })),
  );
  const failed = results.filter((r) => r.status !== "ok").map((r) => r.error);
  const s = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      label: `queue of 10, concurrency ${concurrency}`,
      bytesEach: SIZE,
      settings: extra,
      seconds: +s.toFixed(1),
      failed,
      blockRequestsResent: devices.reduce((n, d) => n + d.ota.retries, 0),
    }),
  );
}

const broker = await startBroker({ nodelay: true });
try {
  if (all || what.includes("single-default")) {
    const bridge = await startBridge(broker.url, 1);
    log("200 KB, default settings (250 ms, 50 B)");
    await single(bridge, "200 KB, defaults", {});
    await bridge.stop();
  }
  if (all || what.includes("single-tuned")) {
    const bridge = await startBridge(broker.url, 1);
    const delays = (process.env.OTA_BENCH_DELAYS ?? "50,10,1").split(",").map(Number);
    for (const delay of delays) {
      log(`200 KB, delay ${delay} ms, 100 B`);
      await single(bridge, `200 KB, delay ${delay} ms`, {
        image_block_response_delay: delay,
        default_maximum_data_size: 100,
      });
    }
    await bridge.stop();
  }
  if (all || what.includes("queue")) {
    const bridge = await startBridge(broker.url, 10);
    for (const c of [1, 2]) {
      log(`10 devices, concurrency ${c}`);
      await queue(bridge, c, { image_block_response_delay: 1, default_maximum_data_size: 100 });
    }
    await bridge.stop();
  }
} finally {
  await broker.stop();
}

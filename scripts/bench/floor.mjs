// The floor: bare zigbee-herdsman + zigbee-herdsman-converters on the same virtual coordinator, doing the same
// conversion work with no MQTT: what any bridge built on them pays at least.
import { join } from "node:path";
import * as zhc from "zigbee-herdsman-converters";
import { Simulator } from "../../dist/simulator/simulator.js";
import { bareHerdsman } from "./bareHerdsman.mjs";
import { gc, stats, tempDir, waitFor } from "./common.mjs";

export async function startFloor(bulbs) {
  const dir = tempDir("zigmqtt-bench-floor-");
  const sim = await new Simulator({ scenario: `scale:${bulbs}`, nvFile: join(dir, "nv.json") }).start();
  const herdsman = bareHerdsman(sim.url, dir);
  await herdsman.start();
  await waitFor(
    () =>
      herdsman.getDevices().filter((d) => d.type !== "Coordinator" && d.interviewState === "SUCCESSFUL").length >=
      bulbs,
    120_000,
    "floor bulbs",
  );
  const defs = new Map();
  const convCache = new Map();
  let converted = 0;
  herdsman.on("message", async (msg) => {
    let def = defs.get(msg.device.ieeeAddr);
    if (!def) {
      def = await zhc.findByDevice(msg.device);
      defs.set(msg.device.ieeeAddr, def);
    }
    const key = `${def.model}|${msg.cluster}|${msg.type}`;
    let convs = convCache.get(key);
    if (!convs) {
      convs = def.fromZigbee.filter(
        (c) => c.cluster === msg.cluster && (Array.isArray(c.type) ? c.type.includes(msg.type) : c.type === msg.type),
      );
      convCache.set(key, convs);
    }
    const payload = {};
    for (const c of convs) {
      const r = c.convert(def, msg, () => {}, {}, { device: msg.device, state: {}, deviceExposesChanged() {} });
      if (r) Object.assign(payload, r);
    }
    JSON.stringify(payload);
    converted++;
  });
  return {
    sim,
    herdsman,
    converted: () => converted,
    async stop() {
      await herdsman.stop();
      await sim.stop();
    },
  };
}

export async function floorThroughput(floor, count) {
  gc();
  const start = floor.converted();
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const sent = await floor.sim.generateReports({ count, value: (i) => 1 + (i % 253) });
  await waitFor(() => floor.converted() - start >= sent.sent, 60_000, "floor conversions");
  const cpu = process.cpuUsage(cpu0);
  const n = floor.converted() - start;
  return {
    reports: sent.sent,
    converted: n,
    messagesPerSecond: Math.round(n / ((Date.now() - t0) / 1000)),
    cpuMsPerMessage: +((cpu.user + cpu.system) / 1000 / n).toFixed(4),
  };
}

/**
 * herdsman + converters: convertSet of brightness → the simulator receiving the AF.dataRequest. Commands are paced
 * as the bridge's are: each waits for the bulb's level report to come back through herdsman, then the process idles
 * 1 ms (the bridge's next command is a broker round trip away). Back to back, with no idle process in between,
 * the same call takes 0.13–0.15 ms here instead of about 0.35 ms: a pace no user's commands have.
 */
export async function floorCommandLatency(floor, n) {
  const member = floor.sim.member("bulb_1");
  const device = floor.herdsman.getDeviceByIeeeAddr(member.ieee);
  const def = await zhc.findByDevice(device);
  const converter = def.toZigbee.find((c) => c.key?.includes("brightness"));
  let frameAt = 0;
  floor.sim.coordinator.events.frameIn = (f) => {
    if (f.subsystem === 4 && f.command === 1 && f.data.readUInt16LE(0) === member.nwk && frameAt === 0)
      frameAt = performance.now();
  };
  let awaited = -1;
  let onReport = () => {};
  const onMessage = (msg) => {
    if (msg.device === device && msg.cluster === "genLevelCtrl" && msg.data.currentLevel === awaited) onReport();
  };
  floor.herdsman.on("message", onMessage);
  const lat = [];
  for (let i = 0; i < n; i++) {
    frameAt = 0;
    const level = 2 + (i % 250);
    awaited = level;
    const reportedBack = new Promise((resolve) => {
      onReport = resolve;
    });
    const t0 = performance.now();
    await converter.convertSet(device.getEndpoint(1), "brightness", level, {
      message: { brightness: level },
      device,
      mapped: def,
      options: {},
      state: {},
      endpoint_name: undefined,
      publish() {},
      deviceExposesChanged() {},
    });
    lat.push(frameAt - t0);
    await reportedBack;
    // the bridge's next command comes after a broker round trip, so its process idles in between: so does this one
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  floor.herdsman.off("message", onMessage);
  floor.sim.coordinator.events.frameIn = undefined;
  return { toAdapterFrameMs: stats(lat) };
}

// The bridge, in this process, on the virtual coordinator: throughput, command latency and soak.
import { connectAsync } from "mqtt";
import { Controller } from "../../dist/controller.js";
import { SettingsStore } from "../../dist/settings/settingsStore.js";
import { createLogger } from "../../dist/util/logger.js";
import { brightnessSeen, gc, rssMb, startSubscriber, stats, tempDir, waitFor, writeBridgeConfig } from "./common.mjs";

/** `level` "info" is zigbee2mqtt's default: every state message is then also told on bridge/logging. */
export async function startBridge(brokerUrl, bulbs, level = "warning") {
  const dir = tempDir("zigmqtt-bench-bridge-");
  writeBridgeConfig(dir, brokerUrl, `virtual://scale:${bulbs}`);
  const logger = createLogger({ level, output: [] });
  const controller = new Controller(SettingsStore.load(dir, {}), logger);
  await controller.start();
  await waitFor(
    () => controller.zigbee.devices().filter((d) => d.interviewed && d.definition).length >= bulbs,
    120_000,
    `${bulbs} bulbs`,
  );
  await controller.configure.idle();
  const sim = controller.zigbee.virtual.simulator;
  return {
    controller,
    sim,
    dir,
    async stop() {
      await controller.stop();
      await logger.close();
    },
  };
}

/** N reports as fast as they are accepted → state messages at a subscriber in another process. */
export async function throughput(bridge, brokerUrl, count) {
  const sub = await startSubscriber(brokerUrl, "zigbee2mqtt/+");
  gc();
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const sent = await bridge.sim.generateReports({ count, value: (i) => 1 + (i % 253) });
  let r = await sub.report();
  const until = Date.now() + 60_000;
  while (r.count < count && Date.now() < until) {
    await new Promise((x) => setTimeout(x, 50));
    const next = await sub.report();
    if (next.count === r.count && Date.now() - r.last > 3000) break; // nothing more is coming
    r = next;
  }
  const cpu = process.cpuUsage(cpu0);
  const seconds = (r.last - t0) / 1000;
  await sub.stop();
  return {
    reports: sent.sent,
    received: r.count,
    lost: sent.sent - r.count,
    messagesPerSecond: Math.round(r.count / seconds),
    cpuMsPerMessage: +((cpu.user + cpu.system) / 1000 / r.count).toFixed(4),
    cpuSecondsPer1000: +((cpu.user + cpu.system) / 1e6 / (r.count / 1000)).toFixed(4),
  };
}

/** MQTT `<name>/set` → the simulator receiving the AF.dataRequest, and → the resulting state message. */
export async function commandLatency(bridge, brokerUrl, n) {
  const bulb = bridge.sim.device("bulb_1");
  const name = bulb.description.ieee;
  const nwk = bridge.sim.member("bulb_1").nwk;
  const client = await connectAsync(brokerUrl, { clean: true });
  await client.subscribeAsync(`zigbee2mqtt/${name}`);
  // a second subscriber to the command topic: when the broker delivers the command (≈ when the bridge gets it)
  const probe = await connectAsync(brokerUrl, { clean: true });
  await probe.subscribeAsync(`zigbee2mqtt/${name}/set`);
  let deliveredAt = 0;
  probe.on("message", () => {
    if (deliveredAt === 0) deliveredAt = performance.now();
  });
  let frameAt = 0;
  const prev = bridge.sim.coordinator.events.frameIn;
  bridge.sim.coordinator.events.frameIn = (f) => {
    if (f.subsystem === 4 && f.command === 1 && f.data.readUInt16LE(0) === nwk && frameAt === 0)
      frameAt = performance.now();
  };
  const toFrame = [];
  const toState = [];
  const brokerHop = [];
  for (let i = 0; i < n; i++) {
    const level = 2 + (i % 250);
    frameAt = 0;
    deliveredAt = 0;
    const got = brightnessSeen(client, level);
    const t0 = performance.now();
    client.publish(`zigbee2mqtt/${name}/set`, `{"brightness":${level}}`);
    const t2 = await got;
    await waitFor(() => deliveredAt > 0, 1000, "the probe's copy of the command");
    toFrame.push(frameAt - t0);
    toState.push(t2 - t0);
    brokerHop.push(deliveredAt - t0);
  }
  bridge.sim.coordinator.events.frameIn = prev;
  await client.endAsync();
  await probe.endAsync();
  return { toAdapterFrameMs: stats(toFrame), toStateMessageMs: stats(toState), brokerHopMs: stats(brokerHop) };
}

/** Many reports; RSS before and after (a leak shows as growth). */
export async function soak(bridge, brokerUrl, count) {
  gc();
  const before = rssMb();
  const heapBefore = Math.round(process.memoryUsage().heapUsed / 1048576);
  const t = await throughput(bridge, brokerUrl, count);
  gc();
  await new Promise((r) => setTimeout(r, 500));
  gc();
  return {
    ...t,
    rssBeforeMb: before,
    rssAfterMb: rssMb(),
    heapBeforeMb: heapBefore,
    heapAfterMb: Math.round(process.memoryUsage().heapUsed / 1048576),
  };
}

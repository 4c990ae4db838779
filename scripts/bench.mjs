// npm run bench: latency, throughput, startup and memory of the bridge, against the bare zigbee-herdsman floor.
// Writes bench-results/bench-<timestamp>.json and prints a Markdown table. See README "Performance".
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { commandLatency, soak, startBridge, throughput } from "./bench/bridgeBench.mjs";
import { startBroker } from "./bench/broker.mjs";
import { floorCommandLatency, floorThroughput, startFloor } from "./bench/floor.mjs";
import { START_FLAGS, startup } from "./bench/startup.mjs";

// the bridge and the floor run in this process for throughput and latency: with the Node flags of `npm start`
if (!START_FLAGS.every((f) => process.execArgv.includes(f))) {
  const { spawnSync } = await import("node:child_process");
  const run = spawnSync(process.execPath, [...process.execArgv, ...START_FLAGS, ...process.argv.slice(1)], {
    stdio: "inherit",
  });
  process.exit(run.status ?? 1);
}

const quick = process.argv.includes("--quick");
const N = {
  bulbs: 20,
  commands: quick ? 200 : 1000,
  reports: quick ? 20_000 : 100_000,
  soak: quick ? 100_000 : 1_000_000,
  startupDevices: quick ? [100] : [100, 1000],
};
const log = (m) => process.stderr.write(`[bench] ${m}\n`);
const t0 = Date.now();
const result = {
  date: new Date().toISOString(),
  machine: {
    cpus: `${cpus()[0]?.model} x${cpus().length}`,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    nodeFlags: START_FLAGS,
  },
  parameters: N,
};

const broker = await startBroker({ nodelay: true });
result.broker = broker.kind;
log(`broker: ${broker.kind}`);

log("floor: bare zigbee-herdsman + converters");
const floor = await startFloor(N.bulbs);
result.floor = {
  throughput: await floorThroughput(floor, N.reports),
  command: await floorCommandLatency(floor, N.commands),
};
await floor.stop();

log("bridge: throughput, command latency, soak");
const bridge = await startBridge(broker.url, N.bulbs);
result.bridge = {
  throughput: await throughput(bridge, broker.url, N.reports),
  command: await commandLatency(bridge, broker.url, N.commands),
};
log(`soak: ${N.soak} reports`);
result.bridge.soak = await soak(bridge, broker.url, N.soak);
await bridge.stop();

log("bridge at log_level info: throughput with every publish logged and on bridge/logging");
const atInfo = await startBridge(broker.url, N.bulbs, "info");
result.bridge.throughputAtInfo = await throughput(atInfo, broker.url, N.reports);
await atInfo.stop();
await broker.stop();

log("command latency with mosquitto's default set_tcp_nodelay false");
const slow = await startBroker({ nodelay: false });
if (slow.kind === "mosquitto") {
  const b2 = await startBridge(slow.url, 2);
  result.bridge.commandBrokerNagle = await commandLatency(b2, slow.url, Math.min(N.commands, 300));
  await b2.stop();
}
await slow.stop();

const startupBroker = await startBroker({ nodelay: true });
result.startup = [];
for (const n of N.startupDevices) {
  log(`startup with ${n} devices`);
  result.startup.push(await startup(startupBroker.url, n));
}
await startupBroker.stop();

const b = result.bridge;
const f = result.floor;
result.ratios = {
  cpuPerMessage: +(b.throughput.cpuMsPerMessage / f.throughput.cpuMsPerMessage).toFixed(2),
  commandToAdapterP50: +(b.command.toAdapterFrameMs.p50 / f.command.toAdapterFrameMs.p50).toFixed(2),
  // the floor has no MQTT: the bridge's own part is what remains once the broker has delivered the command
  commandToAdapterP50WithoutBrokerHop: +(
    (b.command.toAdapterFrameMs.p50 - b.command.brokerHopMs.p50) /
    f.command.toAdapterFrameMs.p50
  ).toFixed(2),
};
result.elapsedSeconds = Math.round((Date.now() - t0) / 1000);
mkdirSync("bench-results", { recursive: true });
const file = `bench-results/bench-${result.date.replace(/[:.]/g, "-")}.json`;
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

const rows = [
  ["throughput (state messages/s)", b.throughput.messagesPerSecond, f.throughput.messagesPerSecond],
  ["CPU-ms per message", b.throughput.cpuMsPerMessage, f.throughput.cpuMsPerMessage],
  ["lost messages", b.throughput.lost, "–"],
  ["CPU-ms per message at log_level info (+ bridge/logging)", b.throughputAtInfo.cpuMsPerMessage, "–"],
  ["command → adapter frame p50/p90/p99 (ms)", fmt(b.command.toAdapterFrameMs), fmt(f.command.toAdapterFrameMs)],
  ["of which the broker hop p50/p90/p99 (ms)", fmt(b.command.brokerHopMs), "–"],
  ["command → state message p50/p90/p99 (ms)", fmt(b.command.toStateMessageMs), "–"],
  ...(b.commandBrokerNagle
    ? [["same, mosquitto set_tcp_nodelay false", fmt(b.commandBrokerNagle.toStateMessageMs), "–"]]
    : []),
  [`soak ${N.soak} reports: RSS before → after (MB)`, `${b.soak.rssBeforeMb} → ${b.soak.rssAfterMb}`, "–"],
  ...result.startup.map((s) => [
    `restart with ${s.devices} devices → online (ms), RSS (MB)`,
    `${s.restartToOnlineMs}, ${s.rssAfterStartMb}`,
    `${s.floorHerdsmanStartMs}, ${s.floorRssMb}`,
  ]),
];
console.log(
  `\n| measure | zigmqtt | herdsman floor |\n|---|---|---|\n${rows.map((r) => `| ${r.join(" | ")} |`).join("\n")}\n`,
);
console.log(`ratios: ${JSON.stringify(result.ratios)}; written to ${file} in ${result.elapsedSeconds} s`);
process.exit(0);

function fmt(s) {
  return `${s.p50} / ${s.p90} / ${s.p99}`;
}

// Benchmark: the bridge with a large network. Run: npm run build && node scripts/scale-bench.mjs [--scale 1000]
//   [--reports N (default 20 per device)] [--rate reports/s (default 2000; 0: as fast as the socket takes them)]
//   [--runs 2] [--json] [--profile <dir>]
// The simulator (`scale:N`: N bulbs) runs in this process on TCP, as a network coordinator; the bridge runs as
// `npm start` does (dist/index.js, package.json's start flags) in its own process, so its RSS and CPU are its own.
// 1. first start on an empty data dir: every device joins and is interviewed (not a restart figure);
// 2. restarts: process start → retained bridge/state online, → bridge/devices (its size), RSS 3 s and 35 s after
//    online (the second after the bridge's memory trim had a quiet look);
// 3. bridge/devices on demand: a rename request → the new bridge/devices at a subscriber;
// 4. a report storm from all devices (round robin): reports → state messages at a subscriber in another process,
//    the bridge's CPU per message (from /proc), RSS after it and after it went quiet.
// The storm is paced (--rate): unpaced, the simulator in this process outruns the bridge's reads, the bridge gets
// its frames in chunks of hundreds, and zigbee-herdsman's Z-Stack frame parser (unpi/parser.js) formats the whole
// remaining buffer into a debug string for every frame it takes off (whatever the log level): quadratic in the
// chunk, about 12 ms of CPU per message. A stick on a serial line never delivers such chunks.
// --profile: the last restart (the one the storm hits) runs with --cpu-prof into <dir>.
// CPU figures on a shared machine vary by up to half between runs.
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { connectAsync } from "mqtt";
import { Simulator } from "../dist/simulator/simulator.js";
import { startBroker } from "./bench/broker.mjs";
import { startSubscriber, tempDir, waitFor, writeBridgeConfig } from "./bench/common.mjs";
import { START_FLAGS } from "./bench/startup.mjs";

const { values: opt } = parseArgs({
  options: {
    scale: { type: "string", default: "1000" },
    reports: { type: "string" },
    runs: { type: "string", default: "2" },
    json: { type: "boolean", default: false },
    profile: { type: "string" },
    rate: { type: "string", default: "2000" },
  },
});
const N = Number(opt.scale);
const REPORTS = Number(opt.reports ?? N * 20);
const ENTRY = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const say = (line) => {
  if (!opt.json) process.stdout.write(`${line}\n`);
};

/** VmRSS (MB) and CPU seconds (user + system) of a process, from /proc. */
function procStats(pid) {
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15 of stat)
  return { rssMb: Math.round(rss * 10) / 10, cpuS: ticks / 100 };
}

function runBridge(dir, profile = false) {
  const prof = profile && opt.profile ? ["--cpu-prof", `--cpu-prof-dir=${opt.profile}`] : [];
  const child = spawn(process.execPath, [...START_FLAGS, ...prof, ENTRY], {
    env: { ...process.env, ZIGMQTT_DATA: dir },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return child;
}

async function stopChild(child) {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const broker = await startBroker({ nodelay: true });
const dir = tempDir("zigmqtt-scale-");
const sim = await new Simulator({ scenario: `scale:${N}`, nvFile: join(dir, "simulator-nv.json") }).start();
writeBridgeConfig(dir, broker.url, sim.url);

const watch = await connectAsync(broker.url, { clean: true });
const w = { online: 0, devicesAt: 0, devicesBytes: 0, interviewed: 0, devicesSeen: 0 };
watch.on("message", (topic, payload) => {
  if (topic === "zigbee2mqtt/bridge/devices") {
    w.devicesAt = performance.now();
    w.devicesBytes = payload.length;
    w.devicesSeen++;
    w.interviewed = JSON.parse(payload.toString()).filter(
      (d) => d.type !== "Coordinator" && d.interview_state === "SUCCESSFUL",
    ).length;
  } else if (topic === "zigbee2mqtt/bridge/state" && payload.toString().includes('"online"'))
    w.online = performance.now();
});
await watch.subscribeAsync(["zigbee2mqtt/bridge/devices", "zigbee2mqtt/bridge/state"]);

const result = { date: new Date().toISOString(), node: process.version, devices: N, broker: broker.kind };
try {
  // 1. first start: the network joins and is interviewed
  let t = performance.now();
  let bridge = runBridge(dir);
  await waitFor(() => w.interviewed >= N, 900_000, `${N} devices interviewed`);
  result.firstStartAllInterviewedMs = Math.round(performance.now() - t);
  say(`first start: ${N} devices joined and interviewed in ${result.firstStartAllInterviewedMs} ms`);
  await sleep(2000);
  await stopChild(bridge);

  // 2. restarts
  result.restarts = [];
  for (let i = 0; i < Number(opt.runs); i++) {
    w.online = 0;
    w.devicesAt = 0;
    t = performance.now();
    bridge = runBridge(dir, i === Number(opt.runs) - 1);
    await waitFor(() => w.online > t, 120_000, "bridge/state online");
    const devicesAt = await waitFor(() => w.devicesAt > t && w.devicesAt, 60_000, "bridge/devices");
    const devicesBytes = w.devicesBytes;
    const online = Math.round(w.online - t);
    await sleep(Math.max(0, 3000 - (performance.now() - w.online)));
    const at3s = procStats(bridge.pid).rssMb;
    await sleep(32_000);
    const r = {
      startToOnlineMs: online,
      startToBridgeDevicesMs: Math.round(devicesAt - t),
      bridgeDevicesBytes: devicesBytes,
      rssAt3sMb: at3s,
      rssAt35sMb: procStats(bridge.pid).rssMb,
    };
    result.restarts.push(r);
    say(
      `restart: online in ${r.startToOnlineMs} ms, bridge/devices (${r.bridgeDevicesBytes} bytes) at ${r.startToBridgeDevicesMs} ms; RSS ${r.rssAt3sMb} MB at 3 s, ${r.rssAt35sMb} MB at 35 s`,
    );
    if (i < Number(opt.runs) - 1) await stopChild(bridge);
  }

  // 3. bridge/devices on demand: a rename → the new list
  const client = await connectAsync(broker.url, { clean: true });
  const devicesBefore = w.devicesSeen;
  t = performance.now();
  await client.publishAsync(
    "zigbee2mqtt/bridge/request/device/rename",
    JSON.stringify({ from: sim.deviceNames().map((n) => sim.device(n).description.ieee)[0], to: "renamed_bulb" }),
  );
  await waitFor(() => w.devicesSeen > devicesBefore, 30_000, "bridge/devices after a rename");
  result.renameToBridgeDevicesMs = Math.round(w.devicesAt - t);
  say(`rename request → bridge/devices (${w.devicesBytes} bytes): ${result.renameToBridgeDevicesMs} ms`);
  await client.endAsync();

  // 4. a storm of reports from all devices
  const sub = await startSubscriber(broker.url, "zigbee2mqtt/+");
  const before = procStats(bridge.pid);
  const t0 = Date.now();
  const rate = Number(opt.rate) || undefined;
  const sent = await sim.generateReports({ count: REPORTS, rate, value: (i) => 1 + (i % 253) });
  // until every report arrived, or nothing more came for 5 s
  let r = await sub.report();
  let changedAt = Date.now();
  const until = Date.now() + 600_000;
  while (r.count < REPORTS && Date.now() < until && Date.now() - changedAt < 5000) {
    await sleep(100);
    const next = await sub.report();
    if (next.count !== r.count) changedAt = Date.now();
    r = next;
  }
  const after = procStats(bridge.pid);
  await sub.stop();
  result.storm = {
    rate: rate ?? "unpaced",
    reports: sent.sent,
    received: r.count,
    lost: sent.sent - r.count,
    seconds: (r.last - t0) / 1000,
    messagesPerSecond: Math.round(r.count / ((r.last - t0) / 1000)),
    bridgeCpuMsPerMessage: +(((after.cpuS - before.cpuS) * 1000) / r.count).toFixed(4),
    rssBeforeMb: before.rssMb,
    rssAfterMb: after.rssMb,
  };
  await sleep(35_000);
  result.storm.rssQuietAfter35sMb = procStats(bridge.pid).rssMb;
  const s = result.storm;
  say(
    `storm: ${s.reports} reports from ${N} devices → ${s.received} state messages (${s.lost} lost) at ${s.messagesPerSecond} msg/s; bridge CPU ${s.bridgeCpuMsPerMessage} ms/message; RSS ${s.rssBeforeMb} → ${s.rssAfterMb} MB, ${s.rssQuietAfter35sMb} MB 35 s later`,
  );
  await stopChild(bridge);
} finally {
  await watch.endAsync();
  await sim.stop();
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
}
if (opt.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
process.exit(0);

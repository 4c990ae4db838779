// Startup: process start → retained bridge/state online, resuming a network of N paired devices; RSS after it settles.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { connectAsync } from "mqtt";
import { tempDir, waitFor, writeBridgeConfig } from "./common.mjs";

const ENTRY = new URL("../../dist/index.js", import.meta.url).pathname;
/** The Node flags of `npm start` (package.json): the bridge and the floor both run with them, as users run it. */
export const START_FLAGS =
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"))
    .scripts.start.match(/\s--[\w-]+(=\S+)?/g)
    ?.map((f) => f.trim()) ?? [];

function runBridge(dir) {
  const child = spawn(process.execPath, [...START_FLAGS, ENTRY], {
    env: { ...process.env, ZIGMQTT_DATA: dir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  child.stderr.on("data", (d) => {
    out += d;
  });
  return { child, out: () => out };
}

async function stop(child) {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/** Pairs N devices on a fresh data dir (the bridge's own first start), then measures restarts. */
export async function startup(brokerUrl, devices, runs = 3) {
  const dir = tempDir("zigmqtt-bench-startup-");
  const scenario = `scale:${devices}`;
  writeBridgeConfig(dir, brokerUrl, `virtual://${scenario}`);
  const client = await connectAsync(brokerUrl, { clean: true });
  let devicesSeen = 0;
  let online = 0;
  client.on("message", (topic, payload) => {
    if (topic === "zigbee2mqtt/bridge/devices") {
      devicesSeen = JSON.parse(payload.toString()).filter(
        (d) => d.interview_state === "SUCCESSFUL" && d.type !== "Coordinator",
      ).length;
    }
    if (topic === "zigbee2mqtt/bridge/state" && payload.toString().includes('"online"')) online = performance.now();
  });
  await client.subscribeAsync(["zigbee2mqtt/bridge/devices", "zigbee2mqtt/bridge/state"]);
  const t0 = performance.now();
  const first = runBridge(dir);
  await waitFor(() => devicesSeen >= devices, 300_000, `${devices} devices paired (${devicesSeen} so far)`);
  const pairMs = Math.round(performance.now() - t0);
  await new Promise((r) => setTimeout(r, 1000));
  await stop(first.child);

  const samples = [];
  for (let i = 0; i < runs; i++) {
    online = 0;
    const t = performance.now();
    const run = runBridge(dir);
    await waitFor(() => online > t, 60_000, "bridge/state online");
    const startMs = Math.round(online - t);
    await new Promise((r) => setTimeout(r, 3000));
    samples.push({ startMs, rssMb: rssOf(run.child.pid) });
    await stop(run.child);
  }
  const floor = [];
  for (let i = 0; i < runs; i++) {
    const spawnedAt = Date.now();
    const child = spawn(
      process.execPath,
      [...START_FLAGS, new URL("./startupChild.mjs", import.meta.url).pathname, dir, scenario],
      {
        env: { ...process.env, SPAWNED_AT: String(spawnedAt) },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    await new Promise((r) => child.once("exit", r));
    floor.push(JSON.parse(out.trim().split("\n").at(-1)));
  }
  await client.endAsync();
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    devices,
    firstStartPairAllMs: pairMs,
    restartToOnlineMs: median(samples.map((s) => s.startMs)),
    rssAfterStartMb: median(samples.map((s) => s.rssMb)),
    floorHerdsmanStartMs: median(floor.map((f) => f.startMs)),
    floorRssMb: median(floor.map((f) => f.rssMb)),
    samples,
    floor,
  };
}

// Dev tool: what a running bridge has loaded, and what it costs. Run: npm run build && node scripts/rss-modules.mjs
//   [--config demo|stick|both] [--runs N] [--costs] [--json] [--modules <file prefix>] [--flags "<node flags>"]
// Starts the bridge as `npm start` does (dist/index.js, the start flags of package.json, a private broker), in
//   demo:  `serial.port: virtual://demo`, the built-in virtual coordinator;
//   stick: a "real stick": the simulator runs in another process behind a pseudo-terminal (socat), and the bridge
//          opens that path as a serial port (serial.port: /…/ttyACM0, adapter zstack), as with a USB stick.
// Each config: a first start pairs the network (not measured), then N restarts → RSS 3 s after bridge/state online
// (as scripts/bench/startup.mjs), then one more with scripts/rss/loadHook.mjs preloaded for the module list.
// Modules are grouped by package (our own dist by folder) with why each was loaded (the first module outside it that
// imported it), and the on-disk bytes of what was loaded; --modules writes every module (and its importer) to a file. --costs adds, per package, the RSS and heap its entry
// module costs imported alone in a fresh process (with what it imports; so the numbers overlap).
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { connectAsync } from "mqtt";
import { startBroker } from "./bench/broker.mjs";
import { tempDir, waitFor, writeBridgeConfig } from "./bench/common.mjs";
import { START_FLAGS } from "./bench/startup.mjs";

const ROOT = new URL("../", import.meta.url);
const ENTRY = fileURLToPath(new URL("dist/index.js", ROOT));
const HOOK = new URL("rss/loadHook.mjs", import.meta.url).href;
const { values: opt } = parseArgs({
  options: {
    config: { type: "string", default: "both" },
    runs: { type: "string", default: "2" },
    costs: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    modules: { type: "string" },
    flags: { type: "string" },
  },
});
const runs = Number(opt.runs);
/** npm start's Node flags, or --flags instead (to try another heap setting) */
const nodeFlags = opt.flags !== undefined ? opt.flags.split(/\s+/).filter(Boolean) : START_FLAGS;
const say = (line) => {
  if (!opt.json) process.stdout.write(`${line}\n`);
};

function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 102.4) / 10;
}

/** The external simulator of the stick config: {ptyPath, stop()}. */
async function startExternalSimulator(dir) {
  const ptyPath = join(dir, "ttyACM0");
  const child = spawn(
    process.execPath,
    [
      fileURLToPath(new URL("dist/simulator/cli.js", ROOT)),
      "--scenario",
      "demo",
      "--pty",
      ptyPath,
      "--nv",
      join(dir, "sim-nv.json"),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => d.toString().includes("listening") && resolve());
    child.once("exit", (code) => reject(new Error(`the simulator exited (${code})`)));
  });
  return {
    ptyPath,
    stop: async () => {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Follows bridge/state and bridge/devices of the private broker. */
async function watchBridge(url) {
  const client = await connectAsync(url, { clean: true });
  const w = { online: 0, devices: [], devicesAt: 0, client };
  client.on("message", (topic, payload) => {
    if (topic === "zigbee2mqtt/bridge/devices") {
      w.devices = JSON.parse(payload.toString()).filter((d) => d.type !== "Coordinator");
      w.devicesAt = performance.now();
    } else if (topic === "zigbee2mqtt/bridge/state" && payload.toString().includes('"online"'))
      w.online = performance.now();
  });
  await client.subscribeAsync(["zigbee2mqtt/bridge/devices", "zigbee2mqtt/bridge/state"]);
  return w;
}

function runBridge(dir, env = {}, flags = []) {
  return spawn(process.execPath, [...nodeFlags, ...flags, ENTRY], {
    env: { ...process.env, ZIGMQTT_DATA: dir, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

async function stopChild(child) {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

/** One start: process start → online, then 3 s; returns {startMs, rssMb} (and the module list with the hook). */
async function measuredStart(dir, watch, withHook) {
  watch.online = 0;
  const out = join(dir, "modules.json");
  const t = performance.now();
  const child = withHook ? runBridge(dir, { RSS_MODULES_OUT: out }, ["--import", HOOK]) : runBridge(dir);
  await waitFor(() => watch.online > t, 120_000, "bridge/state online");
  const startMs = Math.round(watch.online - t);
  await new Promise((r) => setTimeout(r, 3000));
  const rssMb = rssOf(child.pid);
  let loaded;
  if (withHook) {
    child.kill("SIGUSR2");
    await waitFor(
      () => {
        try {
          return statSync(out).size > 0;
        } catch {
          return false;
        }
      },
      10_000,
      "the module list",
    );
    await new Promise((r) => setTimeout(r, 100));
    loaded = JSON.parse(readFileSync(out, "utf8"));
  }
  await stopChild(child);
  return { startMs, rssMb, loaded };
}

/** `node:fs` → node builtins; …/node_modules/@scope/pkg/… → @scope/pkg; our dist/<folder>/… → zigmqtt/<folder>. */
function groupOf(url) {
  if (url.startsWith("node:") || !url.startsWith("file:")) return "(node builtins)";
  const path = fileURLToPath(url);
  const nm = path.lastIndexOf("/node_modules/");
  if (nm >= 0) {
    const parts = path.slice(nm + 14).split("/");
    return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const dist = path.indexOf("/dist/");
  if (dist >= 0) {
    const parts = path.slice(dist + 6).split("/");
    if (parts[0] === "features" && parts.length > 2) return `zigmqtt/features/${parts[1]}`;
    return parts.length > 1 ? `zigmqtt/${parts[0]}` : "zigmqtt/(top)";
  }
  return path.replace(fileURLToPath(ROOT), "");
}

const short = (url) =>
  url ? url.replace(/^file:\/\/.*\/node_modules\//, "").replace(/^file:\/\/.*\/(dist|scripts)\//, "$1/") : "(entry)";

function summarise(loaded) {
  const groups = new Map();
  for (const [url, parent] of loaded.modules) {
    const g = groupOf(url);
    let s = groups.get(g);
    if (!s) {
      s = { group: g, modules: 0, bytes: 0, entry: url, why: short(parent) };
      groups.set(g, s);
    }
    s.modules++;
    if (url.startsWith("file:")) {
      try {
        s.bytes += statSync(fileURLToPath(url)).size;
      } catch {}
    }
    // the first import from outside the group says why it is here
    if (s.why === "(entry)" && parent && groupOf(parent) !== g) {
      s.why = short(parent);
      s.entry = url;
    }
  }
  return [...groups.values()].sort((a, b) => b.bytes - a.bytes);
}

function importCost(url) {
  const r = spawnSync(
    process.execPath,
    ["--expose-gc", fileURLToPath(new URL("rss/importCost.mjs", import.meta.url)), url],
    {
      encoding: "utf8",
      cwd: fileURLToPath(ROOT),
    },
  );
  try {
    return JSON.parse(r.stdout.trim().split("\n").at(-1));
  } catch {
    return { error: (r.stderr || r.stdout).trim().split("\n")[0] };
  }
}

async function measure(config, brokerUrl) {
  const dir = tempDir(`zigmqtt-rss-${config}-`);
  const sim = config === "stick" ? await startExternalSimulator(dir) : undefined;
  writeBridgeConfig(dir, brokerUrl, sim ? sim.ptyPath : "virtual://demo");
  const watch = await watchBridge(brokerUrl);
  // the first start pairs and interviews the network; it is not measured
  const first = runBridge(dir);
  await waitFor(
    () =>
      watch.devices.length > 0 &&
      watch.devices.every((d) => d.interview_state !== "IN_PROGRESS" && d.interview_state !== "PENDING") &&
      performance.now() - watch.devicesAt > 2000,
    300_000,
    "the first start to pair the network",
  );
  const devices = watch.devices.length;
  await stopChild(first);
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await measuredStart(dir, watch, false));
  const hooked = await measuredStart(dir, watch, true);
  await watch.client.endAsync();
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
  if (opt.modules)
    writeFileSync(
      `${opt.modules}.${config}.txt`,
      hooked.loaded.modules.map((m) => `${short(m[0])} <- ${short(m[1])}`).join("\n"),
    );
  const groups = summarise(hooked.loaded);
  if (opt.costs) for (const g of groups) if (g.group !== "(node builtins)") Object.assign(g, importCost(g.entry));
  return {
    config,
    devices,
    samples: samples.map(({ startMs, rssMb }) => ({ startMs, rssMb })),
    hooked: {
      startMs: hooked.startMs,
      rssMb: hooked.rssMb,
      memory: hooked.loaded.memory,
      heap: hooked.loaded.heap,
      spaces: hooked.loaded.spaces,
    },
    moduleCount: hooked.loaded.modules.length,
    groups,
  };
}

const broker = await startBroker({ nodelay: true });
const configs = opt.config === "both" ? ["demo", "stick"] : [opt.config];
const results = [];
try {
  for (const c of configs) {
    const r = await measure(c, broker.url);
    results.push(r);
    const mb = (x) => (x / 1048576).toFixed(1);
    say(
      `\n== ${c} (${r.devices} devices): RSS idle ${r.samples.map((s) => s.rssMb).join(", ")} MB; online in ${r.samples.map((s) => s.startMs).join(", ")} ms`,
    );
    say(
      `   hooked run: RSS ${r.hooked.rssMb} MB, heap used ${mb(r.hooked.heap.used)} of ${mb(r.hooked.heap.total)} MB, external ${mb(r.hooked.memory.external)} MB; ${r.moduleCount} modules`,
    );
    const spaces = Object.entries(r.hooked.spaces).filter(([, v]) => v.size > 512 * 1024);
    say(`   heap spaces (used/size MB): ${spaces.map(([k, v]) => `${k} ${mb(v.used)}/${mb(v.size)}`).join(", ")}`);
    say(
      `   ${"package".padEnd(36)} ${"mods".padStart(5)} ${"KB src".padStart(7)}${opt.costs ? "  alone: RSS MB heap MB" : ""}  loaded by`,
    );
    for (const g of r.groups) {
      const cost = opt.costs ? `  ${String(g.rssMb ?? "-").padStart(12)} ${String(g.heapMb ?? "-").padStart(7)}` : "";
      say(
        `   ${g.group.padEnd(36)} ${String(g.modules).padStart(5)} ${String(Math.round(g.bytes / 1024)).padStart(7)}${cost}  ${g.why}`,
      );
    }
  }
} finally {
  await broker.stop();
}
if (opt.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
process.exit(0);

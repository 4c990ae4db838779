// The three processes the bench compares, each started the way its users start it, on a simulator over TCP and a
// private mosquitto: zigmqtt (`npm start`'s Node flags), zigbee2mqtt (`node index.js`, the test-only install the
// compat oracle uses) and the floor (bare zigbee-herdsman + converters, floorChild.mjs).
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { ensureZigbee2mqtt, Z2M_VERSION } from "../compat/targets.mjs";
import { NETWORK } from "./common.mjs";
import { callgrindPrefix } from "./proc.mjs";

const REPO = new URL("../..", import.meta.url).pathname;
export const Z2M_DIR = process.env.COMPAT_Z2M_DIR ?? join(homedir(), ".cache/zigmqtt-compat");

/** The Node flags of `npm start` (package.json). */
export const START_FLAGS =
  JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"))
    .scripts.start.match(/\s--[\w-]+(=\S+)?/g)
    ?.map((f) => f.trim()) ?? [];

export const TARGETS = {
  ours: { label: "zigmqtt", bridge: true },
  z2m: { label: `zigbee2mqtt ${Z2M_VERSION}`, bridge: true },
  floor: { label: "herdsman floor", bridge: false },
};

/** Installs zigbee2mqtt when missing; throws with the reason when it cannot. */
export function ensureZ2m() {
  try {
    ensureZigbee2mqtt(Z2M_DIR);
  } catch (e) {
    throw new Error(
      `zigbee2mqtt ${Z2M_VERSION} could not be installed into ${Z2M_DIR} (${e.message}); ` +
        "run with --no-z2m to bench without it",
    );
  }
}

/** One configuration.yaml for both bridges (zigmqtt reads zigbee2mqtt's format): the defaults but for the log. */
export function writeConfig(dir, { brokerUrl, simUrl, logLevel }) {
  writeFileSync(
    join(dir, "configuration.yaml"),
    stringify({
      version: 5,
      homeassistant: { enabled: false },
      availability: { enabled: false },
      frontend: { enabled: false },
      mqtt: { base_topic: "zigbee2mqtt", server: brokerUrl },
      serial: { port: simUrl, adapter: "zstack" },
      advanced: {
        network_key: NETWORK.networkKey,
        pan_id: NETWORK.panID,
        ext_pan_id: NETWORK.extendedPanID,
        channel: 11,
        log_level: logLevel,
        // to a file (stdout is redirected to process.log): both pay for formatting and writing every line
        log_output: ["console"],
      },
    }),
  );
}

/**
 * Starts a target in `dir`; its stdout and stderr go to dir/process.log. With `callgrindDir` it runs under callgrind,
 * instrumentation off until asked (proc.mjs). Resolves to {child, pid, stop(), logTail()}.
 */
export function launch(kind, { dir, simUrl, bulbIeee, callgrindDir, latencyOut }) {
  const logFile = join(dir, "process.log");
  const fd = openSync(logFile, "a");
  const env = { ...process.env };
  delete env.DEBUG;
  if (latencyOut) {
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ""} --import=${new URL("./latencyProbe.mjs", import.meta.url).pathname}`;
    env.BENCH_LATENCY_OUT = latencyOut;
  }
  let argv;
  let cwd = REPO;
  if (kind === "ours") {
    env.ZIGMQTT_DATA = dir;
    argv = [...START_FLAGS, join(REPO, "dist/index.js")];
  } else if (kind === "z2m") {
    env.ZIGBEE2MQTT_DATA = dir;
    // zigbee2mqtt compares `git rev-parse HEAD` of its working directory with its build: hide any checkout from it
    env.GIT_DIR = "/nonexistent";
    cwd = join(Z2M_DIR, "node_modules/zigbee2mqtt");
    argv = [join(cwd, "index.js")];
  } else {
    argv = [...START_FLAGS, new URL("./floorChild.mjs", import.meta.url).pathname, simUrl, dir, bulbIeee];
  }
  const command = callgrindDir
    ? [...callgrindPrefix(callgrindDir), process.execPath, ...argv]
    : [process.execPath, ...argv];
  const child = spawn(command[0], command.slice(1), {
    cwd,
    env,
    stdio: ["ignore", fd, fd, ...(kind === "floor" ? ["ipc"] : [])],
  });
  closeSync(fd);
  const exited = new Promise((r) => child.once("exit", r));
  return {
    child,
    pid: child.pid,
    exited,
    logTail: () => readFileSync(logFile, "utf8").split("\n").slice(-15).join("\n"),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), callgrindDir ? 120_000 : 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

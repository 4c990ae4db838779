// Starts one side of the compat run: a private mosquitto, our simulator on its own TCP port, and either
// zigbee2mqtt (the oracle, installed outside the repository) or our bridge, each with its own data directory.
import { execFileSync, spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

export const Z2M_VERSION = "2.14.1";

/**
 * The oracle runs on the converter library we pin (npm overrides), so that a newer device definition (an OTA flag, an
 * expose) is not counted as a difference of the bridge. Its zigbee-herdsman is the newest 10.x, the one that converter
 * release accepts: zigbee2mqtt 2.14.1 does not start on zigbee-herdsman 11 (it passes `serialPort`, 11 reads
 * `transport`).
 */
export const ORACLE_HERDSMAN = "10.9.5";

/**
 * Installs zigbee2mqtt Z2M_VERSION into `z2mDir` unless it is there (test-only, outside the repository): as published
 * (the bench), or with `converters` (a zigbee-herdsman-converters version) as the oracle, on that converter release
 * and zigbee-herdsman ORACLE_HERDSMAN.
 */
export function ensureZigbee2mqtt(z2mDir, { converters } = {}) {
  const pins = converters ? { "zigbee-herdsman-converters": converters, "zigbee-herdsman": ORACLE_HERDSMAN } : {};
  const installed = (name) => {
    const pkg = join(z2mDir, "node_modules", name, "package.json");
    return existsSync(pkg) ? JSON.parse(readFileSync(pkg, "utf8")).version : undefined;
  };
  if (installed("zigbee2mqtt") === Z2M_VERSION && Object.entries(pins).every(([n, v]) => installed(n) === v)) return;
  const on = converters ? ` (on zigbee-herdsman-converters ${converters}, zigbee-herdsman ${ORACLE_HERDSMAN})` : "";
  console.log(`installing zigbee2mqtt@${Z2M_VERSION}${on} into ${z2mDir} (test-only, outside the repository)`);
  mkdirSync(z2mDir, { recursive: true });
  const manifest = { private: true, dependencies: { zigbee2mqtt: Z2M_VERSION }, overrides: pins };
  writeFileSync(join(z2mDir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  execFileSync("npm", ["install", "--prefix", z2mDir, "--no-audit", "--no-fund"], { stdio: "inherit" });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function waitForLine(child, pattern, what, timeoutMs) {
  return new Promise((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => reject(new Error(`${what}: no '${pattern}' within ${timeoutMs} ms`)), timeoutMs);
    const onData = (d) => {
      buf += d.toString();
      const m = pattern.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before '${pattern}'`));
    });
  });
}

function exited(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

async function stopChild(child, timeoutMs = 15000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  await exited(child);
  clearTimeout(timer);
}

function mosquittoBinary() {
  return process.env.MOSQUITTO ?? "/usr/sbin/mosquitto";
}

/** The shared configuration.yaml: the same for both bridges (zigmqtt reads zigbee2mqtt's format). */
export function configurationYaml({ mqttPort, simPort }) {
  return `version: 4
homeassistant:
  enabled: true
availability:
  enabled: true
frontend:
  enabled: false
mqtt:
  base_topic: zigbee2mqtt
  server: mqtt://127.0.0.1:${mqttPort}
serial:
  port: tcp://127.0.0.1:${simPort}
  adapter: zstack
advanced:
  log_level: info
  log_output: [console]
  network_key: [1, 3, 5, 7, 9, 11, 13, 15, 0, 2, 4, 6, 8, 10, 12, 13]
  pan_id: 6755
  ext_pan_id: [221, 221, 221, 221, 221, 221, 221, 221]
  channel: 11
`;
}

/**
 * Starts mosquitto and the simulator for one side; `start()` then starts the bridge under test, `stopBridge()` stops
 * it (the shutdown is part of the session), `close()` stops the rest.
 */
export async function prepareSide({ name, kind, root, repo, z2mDir }) {
  const dir = join(root, name);
  const dataDir = join(dir, "data");
  mkdirSync(dataDir, { recursive: true });
  const log = createWriteStream(join(dir, "processes.log"));
  const children = [];
  const track = (label, child) => {
    child.stdout?.on("data", (d) => log.write(`[${label}] ${d}`));
    child.stderr?.on("data", (d) => log.write(`[${label}!] ${d}`));
    children.push(child);
    return child;
  };

  const mqttPort = await freePort();
  const mosqConf = join(dir, "mosquitto.conf");
  writeFileSync(mosqConf, `listener ${mqttPort} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  const mosq = track(
    "mosquitto",
    spawn(mosquittoBinary(), ["-c", mosqConf, "-v"], { stdio: ["ignore", "pipe", "pipe"] }),
  );
  await waitForLine(mosq, /running|Opening ipv4 listen socket/, "mosquitto", 10000);

  const sim = track(
    "simulator",
    spawn(
      process.execPath,
      [
        join(repo, "scripts/compat/simulator.mjs"),
        repo,
        join(repo, "scripts/compat/scenario.yaml"),
        join(dir, "sim-nv.json"),
      ],
      { stdio: ["pipe", "pipe", "pipe"] },
    ),
  );
  const m = await waitForLine(sim, /listening on tcp:\/\/127\.0\.0\.1:(\d+)/, "simulator", 20000);
  const simPort = Number(m[1]);
  writeFileSync(join(dataDir, "configuration.yaml"), configurationYaml({ mqttPort, simPort }));

  let bridge;
  let stopping = false;
  let controlled = 0;
  const replies = new Map();
  let simOut = "";
  sim.stdout.on("data", (d) => {
    simOut += d.toString();
    for (;;) {
      const nl = simOut.indexOf("\n");
      if (nl < 0) break;
      const line = simOut.slice(0, nl);
      simOut = simOut.slice(nl + 1);
      const r = /^control: (ok|error) (\d+)(?::\s*(.*))?$/.exec(line);
      if (r) replies.get(Number(r[2]))?.(r[1] === "ok" ? undefined : new Error(`simulator: ${r[3]}`));
    }
  });
  const side = {
    name,
    kind,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    mqttPort,
    simPort,
    dir,
    /** the bridge exited without being asked to (set to a description) */
    crashed: undefined,
    /** makes a simulated device act (simulator.mjs's commands) */
    control(command) {
      const n = ++controlled;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`simulator: no answer to ${JSON.stringify(command)}`)), 10000);
        replies.set(n, (err) => {
          clearTimeout(timer);
          if (err) reject(err);
          else resolve();
        });
        sim.stdin.write(`${JSON.stringify(command)}\n`);
      });
    },
    start() {
      stopping = false;
      const env = { ...process.env, ZIGBEE2MQTT_DATA: dataDir, ZIGMQTT_DATA: dataDir };
      delete env.DEBUG;
      if (kind === "z2m") {
        // zigbee2mqtt compares `git rev-parse HEAD` of its working directory with its build hash and tries to rebuild
        // itself when they differ: hide our checkout from it.
        env.GIT_DIR = "/nonexistent";
        bridge = spawn(process.execPath, [join(z2mDir, "node_modules/zigbee2mqtt/index.js")], {
          cwd: join(z2mDir, "node_modules/zigbee2mqtt"),
          env,
          stdio: ["ignore", "pipe", "pipe"],
        });
      } else {
        bridge = spawn(process.execPath, [join(repo, "dist/index.js")], {
          cwd: repo,
          env,
          stdio: ["ignore", "pipe", "pipe"],
        });
      }
      track(kind, bridge);
      bridge.once("exit", (code, signal) => {
        if (!stopping) side.crashed = `${name} exited by itself (code ${code}, signal ${signal})`;
      });
      return bridge;
    },
    async stopBridge() {
      stopping = true;
      if (bridge) await stopChild(bridge);
    },
    async close() {
      stopping = true;
      for (const c of children.reverse()) await stopChild(c, 5000);
      log.end();
    },
  };
  return side;
}

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../support/broker.js";
import { connectTestClient } from "../support/mqttTestClient.js";
import { removeDir, tempDir, waitFor } from "./support/herdsmanWorld.js";

const REPO = execFileSync("git", ["rev-parse", "--show-toplevel"], {
  cwd: import.meta.dirname,
  encoding: "utf8",
}).trim();
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/**
 * Processes below `pid`. Ctrl+C in a terminal signals the whole foreground group: npm, its shell and the bridge.
 * npm itself does not forward SIGINT/SIGTERM to the script, so a test must signal them all, as the terminal does.
 */
function descendants(pid: number): number[] {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/).map(Number));
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [c, pp] of rows) {
      if (pp !== p) continue;
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** A copy of the working tree as git sees it (tracked and new files, nothing ignored): what is being tested. */
function copyWorkingTree(to: string): void {
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: REPO,
    encoding: "utf8",
  })
    .split("\0")
    .filter(Boolean);
  for (const file of files) {
    const from = join(REPO, file);
    if (!existsSync(from)) continue; // deleted in the working tree
    mkdirSync(dirname(join(to, file)), { recursive: true });
    copyFileSync(from, join(to, file));
  }
}

/**
 * The newcomer path, as the README says it: the project's files, `npm ci`, `npm start` on an empty data directory,
 * and the demo lamp answers a /set. The broker address is a free port (never a real broker on 1883), set the way a
 * user would (ZIGMQTT_CONFIG_MQTT_SERVER): nothing listens there, so the embedded broker starts.
 */
describe("newcomer path: the working tree, npm ci, npm start", () => {
  const work = tempDir("zigmqtt-clone-");
  const data = tempDir("zigmqtt-data-");
  let child: ChildProcess | undefined;

  afterAll(async () => {
    if (child?.pid) {
      for (const pid of [child.pid, ...descendants(child.pid)]) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    removeDir(work);
    removeDir(data);
  });

  it("the demo lamp answers within a minute of npm start", { timeout: 300_000 }, async () => {
    const clone = join(work, "zigmqtt");
    copyWorkingTree(clone);
    const server = `mqtt://localhost:${await freePort()}`;
    execFileSync(npm, ["ci", "--no-audit", "--no-fund", "--prefer-offline"], {
      cwd: clone,
      stdio: "ignore",
      timeout: 240_000,
    });

    let out = "";
    const t0 = Date.now();
    child = spawn(npm, ["start"], {
      cwd: clone,
      env: { ...process.env, ZIGMQTT_DATA: data, ZIGMQTT_CONFIG_MQTT_SERVER: server },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d) => {
      out += d;
    });
    child.stderr?.on("data", (d) => {
      out += d;
    });
    await waitFor(() => /zigmqtt started/.test(out) || child?.exitCode !== null, 60_000, "zigmqtt started");
    expect(out).toMatch(/zigmqtt started/);
    expect(out).toContain(`No MQTT broker at ${server}: started the embedded broker there (anonymous, loopback only)`);

    const mqtt = await connectTestClient(server);
    await mqtt.subscribe("zigbee2mqtt/demo_lamp");
    await waitFor(() => /Successfully interviewed 'demo_lamp'/.test(out), 20_000, "the demo lamp paired");
    for (const state of ["OFF", "ON"]) {
      const since = mqtt.mark();
      await mqtt.publish("zigbee2mqtt/demo_lamp/set", JSON.stringify({ state }));
      const live = await mqtt.waitForMessage((m) => !m.retain && JSON.parse(m.payload).state === state, {
        since,
        timeoutMs: 10_000,
      });
      expect(JSON.parse(live.payload).state).toBe(state);
    }
    console.log(`[newcomer] npm start → lamp answered in ${Date.now() - t0} ms`);
    await mqtt.end();

    const exited = new Promise<void>((r) => child?.once("exit", () => r()));
    for (const pid of [child.pid as number, ...descendants(child.pid as number)]) process.kill(pid, "SIGINT");
    await exited;
    await waitFor(() => /zigmqtt stopped/.test(out), 10_000, "a clean stop on Ctrl+C");
    expect(out).toContain("z2m: Stopping zigmqtt (restart=false, code=0, signal=SIGINT)");
  });
});

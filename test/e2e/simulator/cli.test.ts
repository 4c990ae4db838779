import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Controller } from "zigbee-herdsman";
import { createController, NETWORK, removeDir, tempDir, waitFor } from "../support/herdsmanWorld.js";

const CLI = join(import.meta.dirname, "../../../dist/simulator/cli.js");

function run(args: string[]): { child: ChildProcess; out: () => string; err: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    err += d;
  });
  return { child, out: () => out, err: () => err };
}

if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm ci does it)`);

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGTERM");
  for (const d of dirs.splice(0)) removeDir(d);
});

/** `npm run simulator -- --port …` runs the virtual coordinator standalone (built output, as `npm run` uses it). */
describe("simulator CLI", () => {
  it("prints one line when it listens, serves herdsman, and persists NV on SIGTERM", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const nv = join(dir, "nv.json");
    const p = run(["--port", "0", "--scenario", "demo", "--nv", nv]);
    children.push(p.child);
    const line = await waitFor(() => /listening on (tcp:\/\/\S+)/.exec(p.out()) ?? undefined, 5000, "listening line");
    expect(p.out()).toMatch(/scenario demo, 4 devices/);
    const controller: Controller = createController(dir, line[1]);
    expect(await controller.start()).toBe("reset");
    await controller.stop();
    p.child.kill("SIGTERM");
    await new Promise((r) => p.child.once("exit", r));
    expect(existsSync(nv)).toBe(true);
  });

  it("rejects a bad port and an unknown scenario file with a clear message", async () => {
    const a = run(["--port", "http"]);
    const codeA = await new Promise((r) => a.child.once("exit", r));
    expect(codeA).toBe(2);
    expect(a.err()).toMatch(/--port must be a TCP port/);
    const b = run(["--scenario", "/nonexistent/scenario.yaml"]);
    const codeB = await new Promise((r) => b.child.once("exit", r));
    expect(codeB).toBe(1);
    expect(b.err()).toMatch(/cannot read scenario file/);
  });
});

/** `npm run simulator -- --adapter deconz` is a ConBee II that an unmodified herdsman `deconz` adapter starts on. */
describe("simulator CLI --adapter", () => {
  it("deconz: herdsman's deconz adapter starts on its serial port (pty) and forms the network", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const tty = join(dir, "ttyACM0");
    const p = run(["--port", "0", "--adapter", "deconz", "--pty", tty, "--nv", join(dir, "nv.json")]);
    children.push(p.child);
    await waitFor(() => /listening on/.test(p.out()), 10_000, "listening line");
    expect(p.out()).toMatch(/adapter deconz, scenario demo, 4 devices/);
    const controller = new Controller({
      network: NETWORK,
      transport: { path: tty, adapter: "deconz", baudRate: 115200 },
      databasePath: join(dir, "database.db"),
      databaseBackupPath: join(dir, "database.db.backup"),
      backupPath: join(dir, "coordinator_backup.json"),
      adapter: { disableLED: false },
      acceptJoiningDeviceHandler: async () => true,
    });
    // herdsman's deconz adapter answers 'resumed' even for a network it had to form
    expect(await controller.start()).toBe("resumed");
    expect(await controller.getNetworkParameters()).toMatchObject({ panID: NETWORK.panID, channel: 11 });
    expect((await controller.getCoordinatorVersion()).type).toBe("ConBee2/RaspBee2");
    await controller.stop();
  }, 30_000);

  it("refuses an adapter it does not simulate", async () => {
    const p = run(["--port", "0", "--adapter", "ember"]);
    const code = await new Promise((r) => p.child.once("exit", r));
    expect(code).toBe(2);
    expect(p.err()).toMatch(/--adapter must be one of zstack, deconz, got 'ember'/);
  });
});

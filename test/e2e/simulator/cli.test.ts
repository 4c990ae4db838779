import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Controller } from "zigbee-herdsman";
import { createController, removeDir, tempDir, waitFor } from "../support/herdsmanWorld.js";

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

/** `npm run simulator -- --port …` runs the virtual coordinator standalone (built output, as `npm run` uses it). */
describe("simulator CLI", () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill("SIGTERM");
    for (const d of dirs.splice(0)) removeDir(d);
  });

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

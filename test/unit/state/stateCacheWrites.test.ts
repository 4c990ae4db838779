import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { StateCache } from "../../../lib/state/stateCache.js";
import { silentLogger } from "../../support/broker.js";

/** The state file writes, observed: every write goes through; a test may hold the background ones at a gate. */
const writes = vi.hoisted(() => ({
  log: [] as string[],
  /** when set, a background write waits for it before touching the disk */
  gate: undefined as Promise<void> | undefined,
}));
vi.mock("../../../lib/util/backedUpFile.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../../lib/util/backedUpFile.js")>();
  return {
    ...real,
    writeFileWithBackupAsync: async (path: string, data: string | Buffer) => {
      writes.log.push(`background start ${data}`);
      await writes.gate;
      await real.writeFileWithBackupAsync(path, data);
      writes.log.push(`background done ${data}`);
    },
    writeFileWithBackup: (path: string, data: string | Buffer) => {
      writes.log.push(`blocking ${data}`);
      real.writeFileWithBackup(path, data);
    },
  };
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  writes.log.length = 0;
  writes.gate = undefined;
});
function stateFile(): string {
  const d = mkdtempSync(join(tmpdir(), "zigmqtt-state-"));
  dirs.push(d);
  return join(d, "state.json");
}
const onDisk = (f: string) => JSON.parse(readFileSync(f, "utf8")) as unknown;

describe("StateCache writes", () => {
  it("writes changes in the background after the debounce; flush() waits until they are on disk", async () => {
    const f = stateFile();
    const cache = new StateCache(f, silentLogger, 5);
    cache.merge("0x01", { state: "ON", brightness: 10 });
    await expect.poll(() => readdirSync(join(f, "..")).includes("state.json")).toBe(true);
    expect(onDisk(f)).toEqual({ "0x01": { state: "ON", brightness: 10 } });
    cache.merge("0x01", { brightness: 20 });
    await cache.flush();
    expect(onDisk(f)).toEqual({ "0x01": { state: "ON", brightness: 20 } });
    // the replaced version is kept as the backup, and no temporary file is left behind
    expect(JSON.parse(readFileSync(`${f}.bak`, "utf8"))).toEqual({ "0x01": { state: "ON", brightness: 10 } });
    expect(readdirSync(join(f, "..")).sort()).toEqual(["state.json", "state.json.bak"]);
  });

  it("a save() during a background write is done after it, so the newest state lands last", async () => {
    const f = stateFile();
    const cache = new StateCache(f, silentLogger, 0);
    let release = () => {};
    writes.gate = new Promise<void>((r) => {
      release = r;
    });
    const snapshot = (brightness: number) => JSON.stringify({ "0x01": { brightness } }, null, 4);
    cache.merge("0x01", { brightness: 1 });
    // the debounce fires: a background write of brightness 1 starts and is held at the gate
    await expect.poll(() => writes.log).toEqual([`background start ${snapshot(1)}`]);
    cache.merge("0x01", { brightness: 2 });
    cache.save(); // during the write: it must not write now, nor let the older snapshot land after the newer one
    expect(writes.log).toEqual([`background start ${snapshot(1)}`]);
    release();
    await cache.flush();
    expect(onDisk(f)).toEqual({ "0x01": { brightness: 2 } });
    // the held write landed first; the newest state was written after it
    const landed = writes.log.filter((w) => !w.startsWith("background start"));
    expect(landed[0]).toBe(`background done ${snapshot(1)}`);
    expect(landed.at(-1)).toMatch(/^(background done|blocking) /);
    expect(landed.at(-1)).toContain(snapshot(2));
  });

  it("flush() is not held up by changes that keep coming", async () => {
    const f = stateFile();
    const cache = new StateCache(f, silentLogger, 0);
    let level = 0;
    const flood = setInterval(() => cache.merge("0x01", { brightness: ++level }), 0);
    try {
      await new Promise((r) => setTimeout(r, 30));
      // resolves while the changes go on
      await cache.flush();
      expect((onDisk(f) as { "0x01": { brightness: number } })["0x01"].brightness).toBeGreaterThan(0);
    } finally {
      clearInterval(flood);
    }
    await cache.flush();
    expect(onDisk(f)).toEqual({ "0x01": { brightness: level } });
  });
});

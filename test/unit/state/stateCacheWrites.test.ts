import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { StateCache } from "../../../lib/state/stateCache.js";
import { silentLogger } from "../../support/broker.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
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
    for (let i = 0; i < 50; i++) {
      cache.merge("0x01", { brightness: i });
      // let the debounce fire: a background write starts, then the state changes and save() is asked for
      await new Promise((r) => setImmediate(r));
      cache.merge("0x01", { brightness: i + 1000 });
      cache.save();
    }
    await cache.flush();
    expect(onDisk(f)).toEqual({ "0x01": { brightness: 1049 } });
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

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Simulator } from "../../../lib/simulator/simulator.js";

/** A truncated NV file (a power cut) is reported and the last good copy resumes the same stick. */
describe("simulator NV file with a last good copy", () => {
  const dir = mkdtempSync(join(tmpdir(), "zigmqtt-nv-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("falls back to simulator-nv.json.bak and writes it back", async () => {
    const nvFile = join(dir, "simulator-nv.json");
    const first = await new Simulator({ scenario: "demo", nvFile, seed: "nv-a" }).start();
    await first.stop();
    const second = await new Simulator({ scenario: "demo", nvFile, seed: "nv-b" }).start();
    await second.stop(); // the first version is now the backup
    writeFileSync(nvFile, readFileSync(nvFile, "utf8").slice(0, 30));
    const log: string[] = [];
    const third = new Simulator({ scenario: "demo", nvFile, seed: "nv-c", log: (_l, m) => log.push(m) });
    expect(third.coordinator.ieeeAddr).toBe(first.coordinator.ieeeAddr);
    expect(log).toContainEqual(expect.stringMatching(/simulator-nv\.json is unreadable .*using the last good copy/));
    third.saveNow();
    expect(JSON.parse(readFileSync(nvFile, "utf8")).ieee).toBe(first.coordinator.ieeeAddr);
  });
});

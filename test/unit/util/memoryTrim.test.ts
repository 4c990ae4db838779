import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { MemoryTrim, newSpaceBytes } from "../../../lib/util/memoryTrim.js";
import { silentLogger } from "../../support/broker.js";

/** A burst of allocation in which objects live a little while: V8 grows its young generation for it. */
function burst(): number {
  let kept: object[] = [];
  let n = 0;
  for (let i = 0; i < 3_000_000; i++) {
    kept.push({ i, s: `x${i}` });
    if (kept.length > 200_000) {
      n += kept.length;
      kept = [];
    }
  }
  return n + kept.length;
}

/** After a burst, the young generation V8 grew is given back once the process is quiet, and only then. */
describe("memory trim", () => {
  it("does nothing while busy, then shrinks the grown young generation once quiet", { timeout: 30_000 }, async () => {
    const trim = new MemoryTrim(silentLogger);
    expect(burst()).toBe(3_000_000);
    const grown = newSpaceBytes();
    expect(grown).toBeGreaterThan(4 * 1048576);
    // the burst used the CPU the whole window: not quiet
    expect(trim.check()).toBe(false);
    // quiet: V8's own background work after the burst (sweeping) can take a window or two to end
    let trimmed = false;
    for (let i = 0; i < 20 && !trimmed; i++) {
      await sleep(500);
      trimmed = trim.check();
    }
    expect(trimmed).toBe(true);
    expect(newSpaceBytes()).toBeLessThan(grown);
    // nothing grown any more: nothing to do
    await sleep(500);
    expect(trim.check()).toBe(false);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Debouncer, Throttler } from "../../../lib/features/publishHolds.js";
import type { EntityState } from "../../../lib/state/stateCache.js";

let published: Array<[string, EntityState]>;
const record = (key: string, update: EntityState) => void published.push([key, { ...update }]);

beforeEach(() => {
  vi.useFakeTimers();
  published = [];
});
afterEach(() => {
  vi.useRealTimers();
});

describe("Debouncer", () => {
  it("merges updates within the quiet period and publishes once, after the last one", () => {
    const d = new Debouncer(record);
    d.add("a", { temperature: 20 }, 1, undefined);
    vi.advanceTimersByTime(900);
    d.add("a", { humidity: 50 }, 1, undefined);
    vi.advanceTimersByTime(900);
    d.add("a", { temperature: 21 }, 1, undefined);
    expect(published).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(published).toEqual([["a", { temperature: 21, humidity: 50 }]]);
    expect(d.size).toBe(0);
  });

  it("a changed debounce_ignore value publishes the pending update first; an equal one merges", () => {
    const d = new Debouncer(record);
    d.add("r", { action: "on", battery: 90 }, 1, ["action"]);
    d.add("r", { action: "on", linkquality: 10 }, 1, ["action"]);
    expect(published).toEqual([]);
    d.add("r", { action: "off" }, 1, ["action"]);
    expect(published).toEqual([["r", { action: "on", battery: 90, linkquality: 10 }]]);
    vi.advanceTimersByTime(1000);
    expect(published.at(-1)).toEqual(["r", { action: "off" }]);
  });

  it("keeps devices apart; cancel() and clear() drop the timers", () => {
    const d = new Debouncer(record);
    d.add("a", { x: 1 }, 1, undefined);
    d.add("b", { y: 1 }, 1, undefined);
    d.cancel("a");
    vi.advanceTimersByTime(1000);
    expect(published).toEqual([["b", { y: 1 }]]);
    d.add("c", { z: 1 }, 1, undefined);
    d.clear();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5000);
    expect(published).toHaveLength(1);
  });
});

describe("Throttler", () => {
  it("publishes the first update at once, drops the ones within the window but the latest, sent at its end", () => {
    const t = new Throttler(record, () => Date.now());
    t.add("s", { temperature: 1 }, 1);
    t.add("s", { temperature: 2 }, 1);
    t.add("s", { temperature: 3 }, 1);
    expect(published).toEqual([["s", { temperature: 1 }]]);
    vi.advanceTimersByTime(1000);
    expect(published).toEqual([
      ["s", { temperature: 1 }],
      ["s", { temperature: 3 }],
    ]);
    // a quiet window later: the next update goes out at once
    vi.advanceTimersByTime(1500);
    t.add("s", { temperature: 4 }, 1);
    expect(published.at(-1)).toEqual(["s", { temperature: 4 }]);
  });

  it("cancel() and clear() drop a waiting publish", () => {
    const t = new Throttler(record, () => Date.now());
    t.add("s", { v: 1 }, 1);
    t.add("s", { v: 2 }, 1);
    expect(t.waiting).toBe(1);
    t.clear();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(2000);
    expect(published).toEqual([["s", { v: 1 }]]);
  });
});

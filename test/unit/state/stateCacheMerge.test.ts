import { describe, expect, it } from "vitest";
import { StateCache } from "../../../lib/state/stateCache.js";
import { silentLogger } from "../../support/broker.js";

describe("StateCache.merge", () => {
  it("merges only the update's own keys: inherited enumerable properties are not cached", () => {
    const cache = new StateCache(undefined, silentLogger);
    const update = Object.create({ inherited: "from the prototype" }) as Record<string, unknown>;
    update.state = "ON";
    expect(cache.merge("0x01", update)).toEqual({ state: "ON" });
    expect(cache.get("0x01")).toEqual({ state: "ON" });
  });

  it("leaves ephemeral keys and filtered_cache matches out of the cache but returns them", () => {
    const cache = new StateCache(undefined, silentLogger);
    const out = cache.merge("0x01", { action: "on", elapsed: 5, voltage: 3, state: "ON" }, [/^voltage$/]);
    expect(out).toEqual({ action: "on", elapsed: 5, voltage: 3, state: "ON" });
    expect(cache.get("0x01")).toEqual({ state: "ON" });
  });
});

import { describe, expect, it } from "vitest";
import { type CatalogEntry, deviceModules, loadCatalog } from "./catalog.js";

/** Every definition of zigbee-herdsman-converters loads and prepares as the bridge needs it (a fast check). */
describe("zigbee-herdsman-converters definitions", () => {
  let catalog: CatalogEntry[] = [];

  it("every device module loads and every definition prepares", () => {
    expect(deviceModules().length).toBeGreaterThan(300);
    catalog = loadCatalog();
    expect(catalog.length).toBeGreaterThan(4000);
    const ids = new Set(catalog.map((e) => e.id));
    expect(catalog.length - ids.size).toBe(0);
  });

  it("every definition has what the bridge reads: converters, exposes for a dummy device, options", () => {
    const broken: string[] = [];
    for (const { id, prepared } of catalog) {
      try {
        if (!Array.isArray(prepared.fromZigbee) || !Array.isArray(prepared.toZigbee)) throw new Error("converters");
        const exposes =
          typeof prepared.exposes === "function"
            ? prepared.exposes({ isDummyDevice: true } as never, {})
            : prepared.exposes;
        if (!Array.isArray(exposes)) throw new Error("exposes");
        for (const e of exposes) if (typeof e.type !== "string") throw new Error(`expose without type in ${id}`);
        if (!Array.isArray(prepared.options)) throw new Error("options");
      } catch (e) {
        broken.push(`${id}: ${(e as Error).message}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("every definition but those matched on an IEEE-address pattern can be simulated (zigbee model or fingerprint)", () => {
    const unsimulable = catalog.filter((e) => e.device === undefined);
    for (const e of unsimulable) {
      const matchesIeee = e.prepared.fingerprint?.some((f) => f.ieeeAddr !== undefined) === true;
      const unmatchable = !e.prepared.zigbeeModel && !e.prepared.fingerprint?.length;
      expect(matchesIeee || unmatchable, e.id).toBe(true);
    }
  });
});

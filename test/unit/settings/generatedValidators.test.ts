import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { settingsSchema } from "../../../lib/settings/schema.js";
import { restartRequired, validateSettings } from "../../../lib/settings/validate.js";
import { settingsValidatorSources } from "../../../scripts/settingsValidators.mjs";

describe("settings validators generated ahead of time", () => {
  it("are what the current schema generates (run `npm run generate` after changing the schema)", () => {
    const sources = settingsValidatorSources(settingsSchema);
    expect(Object.keys(sources).sort()).toEqual(["restartValidator.ts", "settingsValidator.ts"]);
    for (const [file, source] of Object.entries(sources)) {
      const committed = readFileSync(new URL(`../../../lib/settings/generated/${file}`, import.meta.url), "utf8");
      expect(committed === source, `lib/settings/generated/${file} is stale: run npm run generate`).toBe(true);
    }
  });

  it("check settings and restart marks without ajv's compiler being loaded", () => {
    expect(validateSettings({ mqtt: { base_topic: "zigbee2mqtt", server: "mqtt://localhost" } })).toEqual([]);
    expect(validateSettings({ mqtt: { server: 7 } }).join("\n")).toMatch(/mqtt\.server/);
    expect(restartRequired({ mqtt: { server: "mqtt://other" } })).toBe(true);
    expect(restartRequired({ advanced: { log_level: "debug" } })).toBe(false);
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { settingsSchema } from "../../../lib/settings/schema.js";
import { restartRequired, validateSettings } from "../../../lib/settings/validate.js";
import { settingsValidatorSources } from "../../../scripts/settingsValidators.mjs";

describe("settings validators generated ahead of time", () => {
  it("are what the current schema generates (run `npm run generate` after changing the schema)", () => {
    const sources = settingsValidatorSources(settingsSchema);
    expect(Object.keys(sources)).toEqual(["settingsValidator.ts"]);
    for (const [file, source] of Object.entries(sources)) {
      const committed = readFileSync(new URL(`../../../lib/settings/generated/${file}`, import.meta.url), "utf8");
      expect(committed === source, `lib/settings/generated/${file} is stale: run npm run generate`).toBe(true);
    }
  });

  it("check settings without ajv's compiler being loaded; restart marks are found by walking the schema", () => {
    expect(validateSettings({ mqtt: { base_topic: "zigbee2mqtt", server: "mqtt://localhost" } })).toEqual([]);
    expect(validateSettings({ mqtt: { server: 7 } }).join("\n")).toMatch(/mqtt\.server/);
    expect(restartRequired({ mqtt: { server: "mqtt://other" } })).toBe(true);
    expect(restartRequired({ advanced: { log_level: "debug" } })).toBe(false);
    expect(restartRequired({ advanced: { log_namespaced_levels: { "zh:zstack": "debug" } } })).toBe(false);
    expect(restartRequired({ advanced: { network_key: "GENERATE" } })).toBe(true);
    expect(restartRequired({ frontend: null })).toBe(false);
    expect(restartRequired({ frontend: { port: null } })).toBe(true);
    // devices by IEEE ($ref into definitions): disabled needs a restart, a friendly name does not
    expect(restartRequired({ devices: { "0x00124b0001020304": { friendly_name: "lamp" } } })).toBe(false);
    expect(restartRequired({ devices: { "0x00124b0001020304": { disabled: true } } })).toBe(true);
    expect(restartRequired({ devices: { "0x00124b0001020304": null } })).toBe(false);
    expect(restartRequired({ passlist: ["0x00124b0001020304"] })).toBe(true);
  });
});

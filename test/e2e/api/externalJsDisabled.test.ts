import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { retainedOn } from "../../support/mqttTestClient.js";
import { BASE, request, useBridgeWorld } from "../support/bridgeWorld.js";

/** `advanced.enable_external_js: false`: the files in the data dir are not run, the requests answer an error. */
describe("external JavaScript disabled", () => {
  const world = useBridgeWorld({
    scenario: {
      name: "external-disabled",
      seed: "external-disabled",
      devices: [{ kind: "customPlug", name: "custom", paired: true }],
    },
    devices: 1,
    config: { advanced: { enable_external_js: false } },
  });
  mkdirSync(join(world.dir, "external_converters"));
  writeFileSync(
    join(world.dir, "external_converters", "zm-plug.mjs"),
    "export default {zigbeeModel: ['ZM-PLUG-1'], model: 'ZM-PLUG-1', vendor: 'Zigmqtt Labs', description: 'D', extend: []};",
  );

  it("loads nothing: empty lists, the plug stays unsupported", async () => {
    for (const topic of ["bridge/converters", "bridge/extensions"]) {
      const [msg] = await retainedOn(world.broker.url, `${BASE}/${topic}`);
      expect(JSON.parse(msg?.payload ?? "null")).toEqual([]);
    }
    expect(world.bridge.controller.zigbee.devices()[0]?.supported).toBe(false);
  });

  for (const name of ["converter/save", "extension/save", "converter/remove", "extension/remove"]) {
    it(`${name} answers an error and writes nothing`, async () => {
      const rsp = await request(world.mqtt, name, { name: "new.mjs", code: "export default class {};" });
      expect(rsp).toMatchObject({
        status: "error",
        error: "External JavaScript is disabled (advanced.enable_external_js: false)",
      });
      expect(existsSync(join(world.dir, "external_extensions", "new.mjs"))).toBe(false);
      expect(existsSync(join(world.dir, "external_converters", "new.mjs"))).toBe(false);
    });
  }
});

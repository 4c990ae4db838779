import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { retainedOn } from "../../support/mqttTestClient.js";
import { BASE, json, request, useBridgeWorld } from "../support/bridgeWorld.js";

/** A converter in the classic style (CommonJS, fromZigbee/toZigbee/exposes) for the plug zhc does not know. */
const CONVERTER = `const fz = require("zigbee-herdsman-converters/converters/fromZigbee");
const tz = require("zigbee-herdsman-converters/converters/toZigbee");
const exposes = require("zigbee-herdsman-converters/lib/exposes");
module.exports = {
  zigbeeModel: ["ZM-PLUG-1"],
  model: "ZM-PLUG-1",
  vendor: "Zigmqtt Labs",
  description: "Plug from an external converter",
  fromZigbee: [fz.on_off],
  toZigbee: [tz.on_off],
  exposes: [exposes.presets.switch()],
};
`;

/** converter/save and converter/remove on a network with a plug zhc does not know and one it knows. */
describe("external converters: bridge/request/converter/save|remove", () => {
  const world = useBridgeWorld({
    scenario: {
      name: "external-converters",
      seed: "external-converters",
      devices: [
        { kind: "customPlug", name: "custom", paired: true },
        { kind: "meteringPlug", name: "plug", paired: true },
      ],
    },
    devices: 2,
  });
  // a bad converter in the data dir: set aside at start as zigbee2mqtt does
  mkdirSync(join(world.dir, "external_converters"));
  writeFileSync(join(world.dir, "external_converters", "broken.cjs"), "module.exports = 5;");
  const custom = () => {
    const d = world.bridge.controller.zigbee.devices().find((x) => x.zh.modelID === "ZM-PLUG-1");
    if (!d) throw new Error("no custom plug");
    return d;
  };
  const convertersOnBroker = async () => {
    const [msg] = await retainedOn(world.broker.url, `${BASE}/bridge/converters`);
    return JSON.parse(msg?.payload ?? "null") as unknown;
  };
  const devicePublished = (since: number, supported: boolean) =>
    world.mqtt.waitForMessage(
      (m) =>
        m.topic === `${BASE}/bridge/devices` &&
        (JSON.parse(m.payload) as Array<Record<string, unknown>>).some(
          (d) => d.ieee_address === custom().ieee && d.supported === supported,
        ),
      { since },
    );

  it("starts with no converter (the bad one set aside): an empty retained bridge/converters, the plug unsupported", async () => {
    expect(await convertersOnBroker()).toEqual([]);
    expect(existsSync(join(world.dir, "external_converters", "broken.cjs.invalid"))).toBe(true);
    expect(custom().supported).toBe(false);
  });

  it("converter/save writes and loads the file: the plug becomes supported, with exposes, state and /set", async () => {
    const since = world.mqtt.mark();
    const rsp = await request(world.mqtt, "converter/save", { name: "zm-plug.cjs", code: CONVERTER });
    expect(rsp).toMatchObject({ status: "ok", data: {} });
    expect(existsSync(join(world.dir, "external_converters", "zm-plug.cjs"))).toBe(true);
    expect(await convertersOnBroker()).toEqual([{ name: "zm-plug.cjs", code: CONVERTER }]);

    const devices = JSON.parse((await devicePublished(since, true)).payload) as Array<Record<string, unknown>>;
    const entry = devices.find((d) => d.ieee_address === custom().ieee);
    expect(entry?.definition).toMatchObject({ model: "ZM-PLUG-1", vendor: "Zigmqtt Labs", source: "external" });
    expect(JSON.stringify(entry?.definition)).toContain('"type":"switch"');

    const name = custom().name;
    const setMark = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/${name}/set`, JSON.stringify({ state: "ON" }));
    const state = await world.mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/${name}` && json(m.payload).state === "ON",
      { since: setMark },
    );
    expect(json(state.payload).state).toBe("ON");
    expect(world.bridge.simulator.device("custom").getAttribute(1, "genOnOff", "onOff")).toBe(1);

    // the device's own report goes through the converter's fromZigbee
    const reportMark = world.mqtt.mark();
    world.bridge.simulator.device("custom").emitReport(1, "genOnOff", { onOff: 0 });
    await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/${name}` && json(m.payload).state === "OFF", {
      since: reportMark,
    });
  });

  it("converter/remove deletes the file and the definition: the plug is unsupported again", async () => {
    const since = world.mqtt.mark();
    const rsp = await request(world.mqtt, "converter/remove", { name: "zm-plug.cjs" });
    expect(rsp).toMatchObject({ status: "ok", data: {} });
    expect(existsSync(join(world.dir, "external_converters", "zm-plug.cjs"))).toBe(false);
    expect(await convertersOnBroker()).toEqual([]);
    await devicePublished(since, false);
    expect(custom().supported).toBe(false);
  });

  it("converter/remove of a file that does not exist is an error", async () => {
    const rsp = await request(world.mqtt, "converter/remove", { name: "nothing.mjs" });
    expect(rsp.status).toBe("error");
    expect(rsp.error).toMatch(/^nothing\.mjs \(.*external_converters\/nothing\.mjs\) doesn't exists$/);
  });

  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ["a syntax error", { name: "syntax.mjs", code: "export default {{{" }, /^syntax\.mjs contains invalid code: /],
    [
      "a module that throws",
      { name: "throws.mjs", code: "throw new Error('boom at load');" },
      /^throws\.mjs contains invalid code: boom at load$/,
    ],
    [
      "a number as export",
      { name: "number.mjs", code: "export default 42;" },
      /^number\.mjs contains invalid code: its default export must be a definition object or an array of them, not a number$/,
    ],
    [
      "no default export",
      { name: "named.mjs", code: "export const definition = {};" },
      /^named\.mjs contains invalid code: .*not nothing \(no default export\)$/,
    ],
    [
      "a definition that matches no device",
      { name: "nomatch.mjs", code: "export default {model: 'X', vendor: 'V', description: 'D'};" },
      /^nomatch\.mjs contains invalid code: the definition needs 'zigbeeModel' or 'fingerprint'/,
    ],
    [
      "an import that does not resolve",
      { name: "missing.mjs", code: "import x from 'no-such-package-here'; export default x;" },
      /^missing\.mjs contains invalid code: .*no-such-package-here/,
    ],
    ["no name", { code: "export default {};" }, /^Invalid payload$/],
    [
      "a name that is not a JavaScript file",
      { name: "plug.txt", code: "export default {};" },
      /^JavaScript file must have '\.mjs', '\.js' or '\.cjs' extension$/,
    ],
    [
      "a path instead of a name",
      { name: "../escape.mjs", code: "export default {};" },
      /^'\.\.\/escape\.mjs' must be a plain file name/,
    ],
  ];
  for (const [what, payload, error] of bad) {
    it(`converter/save with ${what}: an error response, no file, the bridge keeps running`, async () => {
      const rsp = await request(world.mqtt, "converter/save", payload);
      expect(rsp.status).toBe("error");
      expect(rsp.error).toMatch(error);
      expect(await convertersOnBroker()).toEqual([]);
      if (typeof payload.name === "string")
        expect(existsSync(join(world.dir, "external_converters", payload.name))).toBe(false);
      expect(existsSync(join(world.dir, "escape.mjs"))).toBe(false);
      // still serving: the known plug answers /set
      const plug = world.bridge.controller.zigbee.devices().find((x) => x.zh.modelID === "SP 120")?.name;
      const since = world.mqtt.mark();
      await world.mqtt.publish(`${BASE}/${plug}/set`, JSON.stringify({ state: "TOGGLE" }));
      await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/${plug}` && "state" in json(m.payload), { since });
    });
  }

  it("a bad save does not replace a working converter of the same name", async () => {
    expect((await request(world.mqtt, "converter/save", { name: "keep.cjs", code: CONVERTER })).status).toBe("ok");
    const rsp = await request(world.mqtt, "converter/save", { name: "keep.cjs", code: "module.exports = 5;" });
    expect(rsp.status).toBe("error");
    expect(await convertersOnBroker()).toEqual([{ name: "keep.cjs", code: CONVERTER }]);
    expect(custom().definition?.model).toBe("ZM-PLUG-1");
    expect((await request(world.mqtt, "converter/remove", { name: "keep.cjs" })).status).toBe("ok");
  });
});

import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { retainedOn } from "../../support/mqttTestClient.js";
import { BASE, json, request, useBridgeWorld } from "../support/bridgeWorld.js";

/** In the data dir before the start: publishes a retained "started" with the extension API's mqtt. */
const HELLO = `export default class Hello {
  constructor(zigbee, mqtt) {
    this.mqtt = mqtt;
  }
  async start() {
    await this.mqtt.publish("extension/hello", "started", { clientOptions: { retain: true } });
  }
};
`;

/** Answers `<base>/echo/ask` (a device's IEEE address) with what the API offers about it. */
const echo = (version: number) => `export default class Echo {
  constructor(zigbee, mqtt, state, publishEntityState, eventBus, enableDisableExtension, restart, addExtension, settings, logger) {
    Object.assign(this, { zigbee, mqtt, state, publishEntityState, eventBus, settings, logger });
  }
  async start() {
    const ask = this.settings.get().mqtt.base_topic + "/echo/ask";
    await this.mqtt.subscribe(ask);
    this.eventBus.onMQTTMessage(this, async ({ topic, message }) => {
      if (topic !== ask) return;
      const device = this.zigbee.resolveEntity(message);
      const answer = {
        version: ${version},
        devices: [...this.zigbee.devicesIterator()].length,
        model: device?.definition?.model,
        isDevice: device?.isDevice(),
        state: device ? this.state.get(device).state : undefined,
      };
      await this.mqtt.publish("echo/answer", JSON.stringify(answer));
      if (device) await this.publishEntityState(device, { note: "from extension" });
    });
    this.logger.info("echo ${version} started");
    await this.mqtt.publish("echo/started", "${version}");
  }
  async stop() {
    this.eventBus.removeListeners(this);
    await this.mqtt.publish("echo/stopped", "${version}");
  }
};
`;

/** extension/save and extension/remove, with an extension in the data dir from the start. */
describe("external extensions: bridge/request/extension/save|remove", () => {
  const world = useBridgeWorld({
    scenario: {
      name: "external-extensions",
      seed: "external-extensions",
      devices: [{ kind: "meteringPlug", name: "plug", paired: true }],
    },
    devices: 1,
  });
  mkdirSync(join(world.dir, "external_extensions"));
  writeFileSync(join(world.dir, "external_extensions", "hello.mjs"), HELLO);
  // bad ones, set aside at start as zigbee2mqtt does
  writeFileSync(join(world.dir, "external_extensions", "broken.mjs"), "export default class {{");
  writeFileSync(
    join(world.dir, "external_extensions", "fails.cjs"),
    "module.exports = class { start() { throw new Error('no'); } };",
  );

  const extensionsOnBroker = async () => {
    const [msg] = await retainedOn(world.broker.url, `${BASE}/bridge/extensions`);
    return (JSON.parse(msg?.payload ?? "null") as Array<{ name: string; code: string }>).map((e) => e.name);
  };
  const plug = () => {
    const d = world.bridge.controller.zigbee.devices()[0];
    if (!d) throw new Error("no plug");
    return d;
  };
  const published = (topic: string, since: number) =>
    world.mqtt.waitForMessage((m) => m.topic === `${BASE}/${topic}`, { since });

  it("loads the data dir's extensions at start: listed on the retained bridge/extensions, started", async () => {
    expect(await extensionsOnBroker()).toEqual(["hello.mjs"]);
    const [hello] = await retainedOn(world.broker.url, `${BASE}/extension/hello`);
    expect(hello?.payload).toBe("started");
  });

  it("sets bad files aside at start (<name>.invalid), not listed, and runs on", () => {
    const dir = join(world.dir, "external_extensions");
    expect(readdirSync(dir).sort()).toEqual(["broken.mjs.invalid", "fails.cjs.invalid", "hello.mjs"]);
  });

  it("extension/save writes and starts it; it uses zigbee, mqtt, state, publishEntityState, eventBus, settings, logger", async () => {
    const since = world.mqtt.mark();
    const rsp = await request(world.mqtt, "extension/save", { name: "echo.mjs", code: echo(1) });
    expect(rsp).toMatchObject({ status: "ok", data: {} });
    expect((await published("echo/started", since)).payload).toBe("1");
    expect(existsSync(join(world.dir, "external_extensions", "echo.mjs"))).toBe(true);
    expect(await extensionsOnBroker()).toEqual(["echo.mjs", "hello.mjs"]);

    const ask = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/echo/ask`, plug().ieee);
    const answer = json((await published("echo/answer", ask)).payload);
    expect(answer).toEqual({ version: 1, devices: 1, model: "SP 120", isDevice: true, state: "ON" });
    const state = await world.mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/${plug().name}` && json(m.payload).note === "from extension",
      { since: ask },
    );
    expect(json(state.payload).state).toBe("ON");
  });

  it("extension/save of the same name replaces it: the old one is stopped, the new one started", async () => {
    const since = world.mqtt.mark();
    expect((await request(world.mqtt, "extension/save", { name: "echo.mjs", code: echo(2) })).status).toBe("ok");
    expect((await published("echo/started", since)).payload).toBe("2");
    expect((await published("echo/stopped", since)).payload).toBe("1");
    const ask = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/echo/ask`, plug().ieee);
    expect(json((await published("echo/answer", ask)).payload).version).toBe(2);
  });

  it("extension/remove stops it and deletes the file", async () => {
    const since = world.mqtt.mark();
    expect(await request(world.mqtt, "extension/remove", { name: "echo.mjs" })).toMatchObject({ status: "ok" });
    expect((await published("echo/stopped", since)).payload).toBe("2");
    expect(existsSync(join(world.dir, "external_extensions", "echo.mjs"))).toBe(false);
    expect(await extensionsOnBroker()).toEqual(["hello.mjs"]);
  });

  it("an extension whose callback throws is logged; the bridge keeps running", async () => {
    const code = `export default class {
      constructor(zigbee, mqtt, state, publish, eventBus) { Object.assign(this, { mqtt, eventBus }); }
      async start() {
        await this.mqtt.subscribe("${BASE}/thrower/poke");
        this.eventBus.onMQTTMessage(this, async ({ topic }) => {
          if (topic === "${BASE}/thrower/poke") throw new Error("poked");
        });
        this.eventBus.onDeviceMessage(this, () => { throw new Error("sync throw"); });
      }
    };`;
    expect((await request(world.mqtt, "extension/save", { name: "thrower.mjs", code })).status).toBe("ok");
    const logged = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/thrower/poke`, "now");
    const log = await world.mqtt.waitForMessage(
      (m) => m.topic === `${BASE}/bridge/logging` && m.payload.includes("failed in a callback: poked"),
      { since: logged },
    );
    expect(json(log.payload)).toMatchObject({ level: "error" });
    // a device message reaches the throwing listener too: the plug's state still comes through
    const since = world.mqtt.mark();
    await world.mqtt.publish(`${BASE}/${plug().name}/set`, JSON.stringify({ state: "TOGGLE" }));
    await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/${plug().name}` && "state" in json(m.payload), {
      since,
    });
    expect((await request(world.mqtt, "extension/remove", { name: "thrower.mjs" })).status).toBe("ok");
  });

  it("extension/remove of a file that does not exist is an error", async () => {
    const rsp = await request(world.mqtt, "extension/remove", { name: "nothing.mjs" });
    expect(rsp.status).toBe("error");
    expect(rsp.error).toMatch(/^nothing\.mjs \(.*external_extensions\/nothing\.mjs\) doesn't exists$/);
  });

  const bad: Array<[string, string, RegExp]> = [
    ["a syntax error", "export default class {{", /^bad\.mjs contains invalid code: /],
    ["a module that throws", "throw new Error('boom');", /^bad\.mjs contains invalid code: boom$/],
    [
      "no class",
      "export default 5;",
      /^bad\.mjs contains invalid code: its default export must be an extension class, not a number$/,
    ],
    [
      "a constructor that throws",
      "export default class { constructor() { throw new Error('no'); } };",
      /^bad\.mjs failed to start: no$/,
    ],
    [
      "a start that throws",
      "export default class { async start() { throw new Error('start failed'); } };",
      /^bad\.mjs failed to start: start failed$/,
    ],
    [
      "a member zigmqtt does not offer",
      "export default class { constructor(zigbee) { this.zigbee = zigbee; } start() { this.zigbee.permitJoin(true); } };",
      /^bad\.mjs failed to start: zigmqtt does not offer 'zigbee\.permitJoin' to external extensions/,
    ],
    [
      "addExtension",
      "export default class { constructor(...a) { this.add = a[7]; } async start() { await this.add({}); } };",
      /^bad\.mjs failed to start: addExtension is not offered to external extensions by zigmqtt$/,
    ],
  ];
  for (const [what, code, error] of bad) {
    it(`extension/save with ${what}: an error response, no file, the bridge keeps running`, async () => {
      const rsp = await request(world.mqtt, "extension/save", { name: "bad.mjs", code });
      expect(rsp.status).toBe("error");
      expect(rsp.error).toMatch(error);
      expect(existsSync(join(world.dir, "external_extensions", "bad.mjs"))).toBe(false);
      expect(await extensionsOnBroker()).toEqual(["hello.mjs"]);
      const since = world.mqtt.mark();
      await world.mqtt.publish(`${BASE}/${plug().name}/set`, JSON.stringify({ state: "TOGGLE" }));
      await world.mqtt.waitForMessage((m) => m.topic === `${BASE}/${plug().name}` && "state" in json(m.payload), {
        since,
      });
    });
  }
});

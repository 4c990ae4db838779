import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EventBus } from "../../../lib/eventBus.js";
import type { BridgeContext } from "../../../lib/features/context.js";
import { frameText, PublishMirror } from "../../../lib/features/frontend/mirror.js";
import { parseFrame } from "../../../lib/features/frontend/webSocketApi.js";
import type { Logger } from "../../../lib/util/logger.js";

const silent: Logger = { error: () => {}, warning: () => {}, info: () => {}, debug: () => {} } as unknown as Logger;

/** A narrow fake of the bridge context: the mirror only reads names, the output setting and the base topic. */
function mirror(output: string, names: string[] = ["lamp", "kitchen/lamp"]) {
  const bus = new EventBus(silent);
  const ctx = {
    bus,
    mqtt: { baseTopic: "z2m" },
    settings: { get: () => ({ advanced: { output } }) },
    zigbee: { devices: () => names.map((name) => ({ name })), groups: () => [{ name: "living_room" }] },
  } as unknown as BridgeContext;
  return { m: new PublishMirror(ctx), bus, names };
}

describe("frontend publish mirror", () => {
  it("keeps the latest retained message per topic, drops one cleared with an empty payload", () => {
    const { m } = mirror("json");
    m.take("z2m/bridge/info", '{"v":1}', true);
    m.take("z2m/bridge/info", '{"v":2}', true);
    m.take("z2m/lamp/availability", '{"state":"online"}', true);
    m.take("z2m/bridge/event", '{"type":"x"}', false);
    m.take("elsewhere/bridge/info", "{}", true);
    expect(m.retainedFrames()).toEqual([
      { topic: "bridge/info", payload: '{"v":2}' },
      { topic: "lamp/availability", payload: '{"state":"online"}' },
    ]);
    m.take("z2m/lamp/availability", "", true);
    expect(m.retainedFrames().map((f) => f.topic)).toEqual(["bridge/info"]);
  });

  it("leaves entity states to statePublished (JSON whatever the output), attribute topics included", () => {
    const json = mirror("json").m;
    expect(json.take("z2m/lamp", '{"state":"ON"}', true)).toBeUndefined();
    expect(json.take("z2m/kitchen/lamp", '{"state":"ON"}', true)).toBeUndefined();
    expect(json.take("z2m/living_room", '{"state":"ON"}', false)).toBeUndefined();
    expect(json.take("z2m/lamp/availability", "online", true)).toEqual({
      topic: "lamp/availability",
      payload: "online",
    });
    expect(json.retainedFrames()).toEqual([{ topic: "lamp/availability", payload: "online" }]);
    const attribute = mirror("attribute").m;
    expect(attribute.take("z2m/kitchen/lamp/state", "ON", true)).toBeUndefined();
    expect(attribute.take("z2m/kitchen/lamp/availability", "online", true)).toBeDefined();
    expect(attribute.take("z2m/bridge/state", '{"state":"online"}', true)).toBeDefined();
  });

  it("learns new names when the device list changes", () => {
    const { m, bus, names } = mirror("json");
    expect(m.take("z2m/new_lamp", "{}", false)).toBeDefined();
    names.push("new_lamp");
    bus.emit("entityRenamed", { kind: "device", id: "0x1", from: "x", to: "new_lamp" });
    expect(m.take("z2m/new_lamp", "{}", false)).toBeUndefined();
  });

  it("writes frames as zigbee2mqtt does: JSON payloads as values, anything else as a string", () => {
    expect(frameText("a", '{"x":1}')).toBe('{"payload":{"x":1},"topic":"a"}');
    expect(frameText("a", "12")).toBe('{"payload":12,"topic":"a"}');
    expect(frameText("a", "online")).toBe('{"payload":"online","topic":"a"}');
    expect(frameText("a", "")).toBe('{"payload":"","topic":"a"}');
  });

  it("parses frames from the browser: payload objects re-serialised, strings raw, bad frames explained", () => {
    expect(parseFrame('{"topic":"lamp/set","payload":{"state":"ON"}}')).toEqual({
      topic: "lamp/set",
      payload: Buffer.from('{"state":"ON"}'),
    });
    expect(parseFrame('{"topic":"lamp/set/state","payload":"TOGGLE"}')).toEqual({
      topic: "lamp/set/state",
      payload: Buffer.from("TOGGLE"),
    });
    expect(parseFrame("{")).toMatch(/^not JSON/);
    expect(parseFrame('{"topic":""}')).toMatch(/non-empty string/);
    expect(parseFrame('{"topic":"a/+/set"}')).toMatch(/wildcards/);
    expect(parseFrame('{"topic":"/abs"}')).toMatch(/under the base topic/);
  });

  it("is loaded only when enabled: nothing outside lib/features/frontend imports its server parts statically", () => {
    const lib = join(import.meta.dirname, "..", "..", "..", "lib");
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, e.name);
        if (e.isDirectory()) {
          if (!path.endsWith(join("features", "frontend"))) walk(path);
        } else if (e.name.endsWith(".ts")) {
          const text = readFileSync(path, "utf8");
          const statics = [...text.matchAll(/^import [^;]*from "([^"]+)"/gm)].map((x) => x[1]);
          for (const spec of statics) {
            if (/frontend\/(?!deviceIcons\.js)/.test(spec) || spec === "ws" || spec === "sirv") {
              offenders.push(`${path}: ${spec}`);
            }
          }
        }
      }
    };
    walk(lib);
    expect(offenders).toEqual([]);
  });
});

// The compat harness's pairing (scripts/compat/compare.mjs, README "Rules"): one missing or extra message is one
// point, never a cascade; the rules for the oracle's own nondeterminism pair what is the same and keep what is not.
import { describe, expect, it } from "vitest";
import { compare, compileAllowlist, normaliseMessage, type Recorded } from "../../../scripts/compat/compare.mjs";

const STEPS = [{ name: "start", startup: true }, { name: "rename" }, { name: "set" }];
const msg = (step: string, topic: string, payload: unknown, retain = false): Recorded => ({
  step,
  topic,
  payload,
  retain,
  qos: 0,
});
const log = (step: string, message: string) => msg(step, "zigbee2mqtt/bridge/logging", { level: "info", message });
const lines = (step: string, n: number) => Array.from({ length: n }, (_, i) => log(step, `line number ${i} of many`));
const verdicts = (points: { verdict: string }[]) =>
  points.reduce<Record<string, number>>((acc, p) => {
    acc[p.verdict] = (acc[p.verdict] ?? 0) + 1;
    return acc;
  }, {});

describe("compat comparison", () => {
  it("one logging line missing on our side is one point, the others stay identical", () => {
    const theirs = lines("rename", 30);
    const ours = theirs.filter((_, i) => i !== 3);
    const points = compare(theirs, ours, [], STEPS);
    expect(verdicts(points)).toEqual({ identical: 29, different: 1 });
    expect(points.find((p) => p.verdict === "different")?.paths).toEqual(["<only zigbee2mqtt>"]);
  });

  it("logging lines in another order within a step are identical; a changed line is one payload difference", () => {
    const theirs = lines("rename", 10);
    const ours = [...theirs].reverse();
    ours[4] = log("rename", "line number 5 of many, reworded");
    const points = compare(theirs, ours, [], STEPS);
    expect(verdicts(points)).toEqual({ identical: 9, different: 1 });
    expect(points.find((p) => p.verdict === "different")?.paths).toEqual(["message"]);
  });

  it("an extra republish of a device state outside the start is one point", () => {
    const s = (b: number) => msg("set", "zigbee2mqtt/bulb", { state: "ON", brightness: b });
    const points = compare([s(1), s(2), s(3)], [s(1), s(2), s(2), s(3)], [], STEPS);
    expect(verdicts(points)).toEqual({ identical: 3, different: 1 });
    expect(points.find((p) => p.verdict === "different")?.paths).toEqual(["<only ours>"]);
  });

  it("snapshot topics in a startup step: only the final message counts, and a different final one differs", () => {
    const d = (n: number) => msg("start", "zigbee2mqtt/bridge/devices", [{ n }], true);
    const same = compare([d(1), d(2), d(3)], [d(3)], [], STEPS);
    expect(verdicts(same)).toEqual({ identical: 1 });
    expect(same.notes.join()).toMatch(/bridge\/devices published 3× by zigbee2mqtt, 1× by us/);
    expect(verdicts(compare([d(1), d(3)], [d(3), d(1)], [], STEPS))).toEqual({ different: 1 });
  });

  it("snapshot topics after the start are compared message by message", () => {
    const d = (n: number) => msg("rename", "zigbee2mqtt/bridge/devices", [{ n }], true);
    expect(verdicts(compare([d(1), d(3)], [d(3)], [], STEPS))).toEqual({ identical: 1, different: 1 });
  });

  it("a message that came one step later on our side is paired with it (late), a different one is not", () => {
    const c = (step: string, name: string) => msg(step, "homeassistant/sensor/x/temperature/config", { name }, true);
    const late = compare([c("rename", "a")], [c("set", "a")], [], STEPS);
    expect(verdicts(late)).toEqual({ identical: 1 });
    expect(late[0].late).toBe("rename / set");
    expect(verdicts(compare([c("rename", "a")], [c("set", "b")], [], STEPS))).toEqual({ different: 2 });
  });

  it("late messages are found before lines are paired by likeness", () => {
    const sensor = "MQTT publish: topic 'homeassistant/sensor/s/battery/config'";
    const remote = "MQTT publish: topic 'homeassistant/sensor/r/battery/config'";
    const theirs = [log("rename", "renamed"), log("rename", sensor), log("set", remote)];
    const ours = [log("rename", "renamed"), log("rename", remote), log("set", sensor)];
    const points = compare(theirs, ours, [], STEPS);
    expect(verdicts(points)).toEqual({ identical: 3 });
    expect(points.filter((p) => p.late).length).toBe(2);
  });

  it("bridge/event at start: each device's events in order, different devices' events in any order", () => {
    const ev = (ieee: string, status: string) =>
      msg("start", "zigbee2mqtt/bridge/event", { type: "device_interview", data: { ieee_address: ieee, status } });
    const theirs = [ev("0xa", "started"), ev("0xb", "started"), ev("0xa", "successful"), ev("0xb", "successful")];
    const interleaved = [ev("0xb", "started"), ev("0xb", "successful"), ev("0xa", "started"), ev("0xa", "successful")];
    expect(verdicts(compare(theirs, interleaved, [], STEPS))).toEqual({ identical: 4 });
    const swapped = [ev("0xa", "successful"), ev("0xa", "started"), ev("0xb", "started"), ev("0xb", "successful")];
    expect(verdicts(compare(theirs, swapped, [], STEPS))).toEqual({ identical: 2, different: 2 });
  });

  it("arrays of devices are compared by IEEE address: one missing device is one path", () => {
    const dev = (ieee: string, model = "m") => ({ ieee_address: ieee, definition: { model } });
    const theirs = [msg("rename", "zigbee2mqtt/bridge/devices", [dev("0xa"), dev("0xb"), dev("0xc", "x")], true)];
    const ours = [msg("rename", "zigbee2mqtt/bridge/devices", [dev("0xa"), dev("0xc", "y")], true)];
    expect(compare(theirs, ours, [], STEPS)[0].paths).toEqual(["[0xb]", "[0xc].definition.model"]);
  });

  it("retain and QoS are part of a message", () => {
    const a = msg("set", "zigbee2mqtt/bulb", { state: "ON" }, true);
    const b = msg("set", "zigbee2mqtt/bulb", { state: "ON" }, false);
    const points = compare([a], [b], [], STEPS);
    expect(points.map((p) => p.paths)).toEqual([["<retain>"]]);
  });

  describe("logging lines that echo a publication (rule 6)", () => {
    const allow = compileAllowlist([
      { topic: "^homeassistant/", path: "^origin\\.url$", reason: "our identity in the origin block" },
      { topic: "^zigbee2mqtt/gone/availability$", step: "^set$", reason: "our fix: cleared when removed" },
    ]);
    const quote = (step: string, topic: string, payload: unknown) =>
      log(step, `z2m:mqtt: MQTT publish: topic '${topic}', payload '${JSON.stringify(payload)}'`);
    const config = (url: string, name = "Temperature") => ({ name, origin: { url } });
    const t = "homeassistant/sensor/x/temperature/config";

    it("is allowed when the quoted payloads differ only where the quoted topic's entries allow", () => {
      const points = compare([quote("rename", t, config("a"))], [quote("rename", t, config("b"))], allow, STEPS);
      expect(points.map((p) => p.verdict)).toEqual(["allowed"]);
    });

    it("differs when the quoted payloads differ elsewhere, or the same difference is quoted for another topic", () => {
      const other = compare([quote("rename", t, config("a"))], [quote("rename", t, config("b", "T"))], allow, STEPS);
      expect(other.map((p) => p.verdict)).toEqual(["different"]);
      const bulb = "zigbee2mqtt/bulb";
      const state = compare([quote("rename", bulb, config("a"))], [quote("rename", bulb, config("b"))], allow, STEPS);
      expect(state.map((p) => p.verdict)).toEqual(["different"]);
    });

    it("a line on one side only is allowed when its quoted message on one side only is", () => {
      const gone = (step: string) => compare([], [quote(step, "zigbee2mqtt/gone/availability", "")], allow, STEPS);
      expect(gone("set").map((p) => p.verdict)).toEqual(["allowed"]);
      expect(gone("rename").map((p) => p.verdict)).toEqual(["different"]);
    });

    it("late: a message one step later whose differences are allowed is paired, and so is its logging line", () => {
      const theirs = [msg("set", t, config("a"), true), quote("set", t, config("a"))];
      const ours = [msg("rename", t, config("b"), true), quote("rename", t, config("b")), log("rename", "started")];
      const points = compare(theirs, ours, allow, STEPS);
      expect(points.filter((p) => p.late).map((p) => p.verdict)).toEqual(["allowed", "allowed"]);
      expect(verdicts(points)).toEqual({ allowed: 2, different: 1 });
    });

    it("late with an allowed difference never takes a message that has a counterpart in its own step", () => {
      const theirs = [msg("rename", t, config("a"), true)];
      const ours = [msg("rename", t, config("b"), true), msg("set", t, config("b"), true)];
      const points = compare(theirs, ours, allow, STEPS);
      expect(points.filter((p) => p.late)).toEqual([]);
      expect(points.map((p) => `${p.step} ${p.verdict}`).sort()).toEqual(["rename allowed", "set different"]);
    });

    it("late with an allowed difference never pairs unlike messages", () => {
      const starting = compileAllowlist([
        {
          topic: "^zigbee2mqtt/bridge/logging$",
          path: "^message$",
          ours: "^started in \\d+ ms$",
          reason: "our start line",
        },
      ]);
      const points = compare([quote("set", t, config("a"))], [log("rename", "started in 5 ms")], starting, STEPS);
      expect(verdicts(points)).toEqual({ different: 2 });
    });
  });

  describe("a republished snapshot's allowed differences count at its first publication (rule 7)", () => {
    const allow = compileAllowlist([
      { topic: "^zigbee2mqtt/bridge/info$", path: "^config\\.extra$", reason: "our own setting, not zigbee2mqtt's" },
    ]);
    const info = (step: string, extra: unknown, level = "info") =>
      msg(step, "zigbee2mqtt/bridge/info", { config: { extra, log_level: level } }, true);
    const theirs = [info("rename", undefined), info("set", undefined, "debug")];

    it("a later publication that differs only as the first did is identical, marked as a repeat", () => {
      const points = compare(theirs, [info("rename", 1), info("set", 1, "debug")], allow, STEPS);
      expect(points.map((p) => [p.step, p.verdict, p.repeat ?? false])).toEqual([
        ["rename", "allowed", false],
        ["set", "identical", true],
      ]);
      expect(points.notes.some((n) => /rule 7/.test(n))).toBe(true);
    });

    it("the same path with another value counts again, and a difference that is not allowed counts every time", () => {
      const other = compare(theirs, [info("rename", 1), info("set", 2, "debug")], allow, STEPS);
      expect(other.map((p) => p.verdict)).toEqual(["allowed", "allowed"]);
      const wrong = compare(theirs, [info("rename", 1, "warning"), info("set", 1, "warning")], allow, STEPS);
      expect(wrong.map((p) => p.verdict)).toEqual(["different", "different"]);
    });

    it("applies to the snapshot topics only, not to a device's state", () => {
      const stateAllow = compileAllowlist([{ topic: "^zigbee2mqtt/bulb$", path: "^x$", reason: "a test entry here" }]);
      const s = (step: string, x: unknown) => msg(step, "zigbee2mqtt/bulb", { state: "ON", x });
      const points = compare([s("rename", 0), s("set", 0)], [s("rename", 1), s("set", 1)], stateAllow, STEPS);
      expect(points.map((p) => p.verdict)).toEqual(["allowed", "allowed"]);
    });
  });

  it("a device_announce event at start, and its logging line, are not compared (rule 8); later they are", () => {
    const announce = (step: string, ieee: string) =>
      msg(step, "zigbee2mqtt/bridge/event", {
        data: { friendly_name: ieee, ieee_address: ieee },
        type: "device_announce",
      });
    const echo = (step: string, ieee: string) =>
      log(
        step,
        `z2m:mqtt: MQTT publish: topic 'zigbee2mqtt/bridge/event', payload '${JSON.stringify(announce(step, ieee).payload)}'`,
      );
    const atStart = compare([announce("start", "0x1"), echo("start", "0x1")], [announce("start", "0x2")], [], STEPS);
    expect(atStart.length).toBe(0);
    const later = compare([announce("set", "0x1"), echo("set", "0x1")], [], [], STEPS);
    expect(verdicts(later)).toEqual({ different: 2 });
  });

  it("the origin block's support URL is the bridge's identity: dropped from both sides, in logging quotes too", () => {
    const side = { dir: "/run", mqttPort: 1, simPort: 2 } as const;
    const config = JSON.stringify({ name: "T", origin: { name: "Zigbee2MQTT", sw: "2.14.1", url: "https://x" } });
    const ours = JSON.stringify({ name: "T", origin: { name: "zigmqtt", sw: "0.1.0" } });
    const topic = "homeassistant/sensor/x/t/config";
    const base = { step: "set", topic, retain: true, qos: 0 };
    const a = normaliseMessage({ ...base, payload: config }, { kind: "z2m", ...side });
    const b = normaliseMessage({ ...base, payload: ours }, { kind: "ours", ...side });
    expect(a.payload).toEqual({ name: "T", origin: { name: "Zigbee2MQTT", sw: "<version>" } });
    expect(b.payload).toEqual(a.payload);
    const line = (payload: string) =>
      JSON.stringify({ level: "info", message: `z2m:mqtt: MQTT publish: topic '${topic}', payload '${payload}'` });
    const logBase = { step: "set", topic: "zigbee2mqtt/bridge/logging", retain: false, qos: 0 };
    const la = normaliseMessage({ ...logBase, payload: line(config) }, { kind: "z2m", ...side });
    const lb = normaliseMessage({ ...logBase, payload: line(ours) }, { kind: "ours", ...side });
    expect(lb.payload).toEqual(la.payload);
    expect(JSON.stringify(la.payload)).not.toMatch(/https:/);
  });
});

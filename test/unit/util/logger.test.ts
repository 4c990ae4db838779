import { describe, expect, it } from "vitest";
import { createLogger, type LogEntry, type LoggerOptions } from "../../../lib/util/logger.js";

function world(options: Partial<LoggerOptions> = {}) {
  const logger = createLogger({ level: "info", output: [], ...options });
  const entries: LogEntry[] = [];
  logger.onLog((e) => entries.push(e));
  const lines = () => entries.map((e) => `${e.level} ${e.namespace} ${e.message}`);
  return { logger, entries, lines };
}

describe("logger levels", () => {
  it("writes messages at or above the level, in the z2m namespace by default", () => {
    const { logger, lines } = world({ level: "warning" });
    logger.error("e");
    logger.warning("w");
    logger.info("i");
    logger.debug("d");
    expect(lines()).toEqual(["error z2m e", "warning z2m w"]);
    expect(logger.getLevel()).toBe("warning");
  });

  it("follows setLevel at runtime", () => {
    const { logger, lines } = world({ level: "info" });
    logger.debug("before", "z2m:mqtt");
    logger.setLevel("debug");
    logger.debug("after", "z2m:mqtt");
    logger.setLevel("error");
    logger.info("dropped", "z2m:mqtt");
    expect(lines()).toEqual(["debug z2m:mqtt after"]);
  });

  it("uses the most specific namespaced level", () => {
    const { logger } = world({
      level: "info",
      namespacedLevels: { zh: "warning", "zh:zstack": "debug", "z2m:mqtt": "error" },
    });
    expect(logger.isEnabled("debug", "zh:zstack:znp")).toBe(true); // zh:zstack
    expect(logger.isEnabled("debug", "zh:zstack")).toBe(true);
    expect(logger.isEnabled("info", "zh:controller")).toBe(false); // zh
    expect(logger.isEnabled("warning", "zh:controller")).toBe(true);
    expect(logger.isEnabled("warning", "z2m:mqtt")).toBe(false);
    expect(logger.isEnabled("info", "z2m")).toBe(true); // global
    expect(logger.isEnabled("info", "zhc:tuya")).toBe(true); // "zh" is not a prefix of "zhc"
  });

  it("re-resolves cached namespaces after setNamespacedLevels", () => {
    const { logger } = world({ level: "info" });
    expect(logger.isEnabled("debug", "zh:ember:uart")).toBe(false);
    logger.setNamespacedLevels({ "zh:ember": "debug" });
    expect(logger.isEnabled("debug", "zh:ember:uart")).toBe(true);
    logger.setNamespacedLevels({});
    expect(logger.isEnabled("debug", "zh:ember:uart")).toBe(false);
  });

  it("drops debug of namespaces matching debugNamespaceIgnore, not their info", () => {
    const { logger, lines } = world({ level: "debug", debugNamespaceIgnore: "^zh:zstack:unpi" });
    logger.debug("frame", "zh:zstack:unpi:parser");
    logger.info("info kept", "zh:zstack:unpi");
    logger.debug("kept", "zh:zstack:znp");
    expect(lines()).toEqual(["info zh:zstack:unpi info kept", "debug zh:zstack:znp kept"]);
  });
});

describe("lazy messages", () => {
  it("does not evaluate a message when its level is off for the namespace", () => {
    const { logger, lines } = world({ level: "info", namespacedLevels: { "zh:zstack": "debug" } });
    let calls = 0;
    const message = () => {
      calls++;
      return "built";
    };
    logger.debug(message, "zh:ember");
    logger.debug(message);
    expect(calls).toBe(0);
    logger.debug(message, "zh:zstack:znp");
    expect(calls).toBe(1);
    expect(lines()).toEqual(["debug zh:zstack:znp built"]);
  });

  it("a throwing lazy message is logged as such instead of throwing at the caller", () => {
    const { logger, lines } = world({ level: "debug" });
    expect(() =>
      logger.debug(() => {
        throw new Error("boom");
      }),
    ).not.toThrow();
    expect(lines()).toEqual(["debug z2m <log message failed: boom>"]);
  });
});

describe("onLog", () => {
  it("delivers entries until unsubscribed", () => {
    const logger = createLogger({ level: "info", output: [] });
    const seen: LogEntry[] = [];
    const off = logger.onLog((e) => seen.push(e));
    logger.info("one", "z2m:mqtt");
    off();
    logger.info("two");
    expect(seen).toEqual([{ level: "info", message: "one", namespace: "z2m:mqtt" }]);
  });

  it("a listener that logs does not loop back into listeners", () => {
    const logger = createLogger({ level: "debug", output: [] });
    const seen: string[] = [];
    logger.onLog((e) => {
      seen.push(e.message);
      logger.warning(`publishing '${e.message}' failed`); // e.g. a failed bridge/logging publish
    });
    logger.info("hello");
    logger.info("again");
    expect(seen).toEqual(["hello", "again"]);
  });

  it("a throwing listener does not stop the others", () => {
    const logger = createLogger({ level: "info", output: [] });
    const seen: string[] = [];
    logger.onLog(() => {
      throw new Error("listener down");
    });
    logger.onLog((e) => seen.push(e.message));
    expect(() => logger.info("hi")).not.toThrow();
    expect(seen).toEqual(["hi"]);
  });

  it("redacts configured secrets in entries", () => {
    const { logger, lines } = world({ secrets: ["hunter2", "01030507"] });
    logger.info("mqtt password hunter2, key 0103050709");
    expect(lines()).toEqual(["info z2m mqtt password ***, key ***09"]);
  });

  it("writes nothing after close", async () => {
    const { logger, lines } = world();
    await logger.close();
    logger.info("late");
    expect(lines()).toEqual([]);
  });
});

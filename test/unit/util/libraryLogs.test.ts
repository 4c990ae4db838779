import { afterAll, describe, expect, it } from "vitest";
import { Zcl } from "zigbee-herdsman";
import zhcLogger from "zigbee-herdsman-converters/lib/logger";
import { routeLibraryLogs } from "../../../lib/util/libraryLogs.js";
import { createLogger, type LogEntry } from "../../../lib/util/logger.js";

describe("routeLibraryLogs", () => {
  const logger = createLogger({ level: "info", namespacedLevels: { "zh:zcl": "debug" }, output: [] });
  const entries: LogEntry[] = [];
  logger.onLog((e) => entries.push(e));
  routeLibraryLogs(logger);
  afterAll(() => logger.close());

  it("a real zigbee-herdsman log reaches our listeners with its zh: namespace and our levels", () => {
    entries.length = 0;
    expect(Zcl.Header.fromBuffer(Buffer.alloc(1))).toBeUndefined(); // herdsman logs "ZclHeader is too short."
    expect(entries).toEqual([{ level: "debug", message: "ZclHeader is too short.", namespace: "zh:zcl:header" }]);

    logger.setNamespacedLevels({});
    entries.length = 0;
    Zcl.Header.fromBuffer(Buffer.alloc(1));
    expect(entries).toEqual([]); // debug is off again for zh:zcl:header
  });

  it("zigbee-herdsman-converters' logger is ours too, lazy messages included", () => {
    entries.length = 0;
    zhcLogger.logger.warning(() => "converter warning", "zhc:tuya");
    zhcLogger.logger.debug(() => "never", "zhc:tuya");
    expect(entries).toEqual([{ level: "warning", message: "converter warning", namespace: "zhc:tuya" }]);
  });
});

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { formatTimestamp, prepareLogDirectory } from "../../../lib/util/logDirectory.js";
import { createLogger } from "../../../lib/util/logger.js";

const STAMP = /^\d{4}-\d{2}-\d{2}\.\d{2}-\d{2}-\d{2}$/;
let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "zigmqtt-log-"));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("file output", () => {
  it("writes zigbee2mqtt-style lines to <dir>/%TIMESTAMP%/log.log", async () => {
    const logger = createLogger({
      level: "info",
      output: ["file"],
      directory: join(root, "log", "%TIMESTAMP%"),
      file: "log.log",
      rotation: true,
    });
    logger.info("Starting zigmqtt");
    logger.warning("careful", "z2m:mqtt");
    logger.debug("not written");
    await logger.close();

    const [dir, ...others] = readdirSync(join(root, "log"));
    expect(others).toEqual([]);
    expect(dir).toMatch(STAMP);
    expect(logger.logDirectory).toBe(join(root, "log", dir));
    const lines = readFileSync(join(root, "log", dir, "log.log"), "utf8")
      .trimEnd()
      .split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\] info: \tz2m: Starting zigmqtt$/);
    expect(lines[1]).toMatch(/\] warning: \tz2m:mqtt: careful$/);
  });

  it("rotates at 10 MB keeping 3 files; close() during a rotating burst lets winston settle (no write after end)", async () => {
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    const logger = createLogger({
      level: "info",
      output: ["file"],
      directory: join(root, "%TIMESTAMP%"),
      rotation: true,
    });
    const line = "x".repeat(1000);
    for (let i = 0; i < 30_000; i++) logger.info(`${i} ${line}`); // ~31 MB in one synchronous burst
    await logger.close();
    const dir = logger.logDirectory!;
    const files = readdirSync(dir).sort();
    expect(files).toEqual(["log.log", "log1.log", "log2.log"]);
    for (const f of files) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(10 * 1024 * 1024);
    expect(consoleError).not.toHaveBeenCalled(); // the logger reports transport errors there
    consoleError.mockRestore();
  });

  it("keeps directoriesToKeep timestamped directories (the new one included) and nothing else is touched", async () => {
    const log = join(root, "log");
    const old = ["2024-01-01.00-00-00", "2024-01-02.00-00-00", "2024-01-03.00-00-00", "2024-01-04.00-00-00"];
    for (const name of [...old, "keep-me"]) mkdirSync(join(log, name), { recursive: true });
    writeFileSync(join(log, "2024-01-01.00-00-00", "log.log"), "old\n");
    writeFileSync(join(log, "notes.txt"), "mine\n");

    const logger = createLogger({
      level: "info",
      output: ["file"],
      directory: join(log, "%TIMESTAMP%"),
      directoriesToKeep: 3,
    });
    await logger.close();

    const left = readdirSync(log).sort();
    const current = left.find((n) => STAMP.test(n) && !old.includes(n));
    expect(current).toBeDefined();
    expect(left).toEqual(["2024-01-03.00-00-00", "2024-01-04.00-00-00", current, "keep-me", "notes.txt"].sort());
  });

  it("a fixed directory (no %TIMESTAMP%) is used as is and nothing is pruned", () => {
    mkdirSync(join(root, "2024-01-01.00-00-00"));
    expect(prepareLogDirectory(root, 1)).toBe(root);
    expect(readdirSync(root)).toEqual(["2024-01-01.00-00-00"]);
  });

  it("expands the placeholder inside a longer segment and prunes only that pattern", () => {
    for (const name of ["run-2024-01-01.00-00-00", "run-2024-01-02.00-00-00", "2024-01-03.00-00-00"]) {
      mkdirSync(join(root, name));
    }
    const dir = prepareLogDirectory(join(root, "run-%TIMESTAMP%"), 2, new Date(2025, 5, 7, 8, 9, 10));
    expect(dir).toBe(join(root, "run-2025-06-07.08-09-10"));
    expect(readdirSync(root).sort()).toEqual([
      "2024-01-03.00-00-00",
      "run-2024-01-02.00-00-00",
      "run-2025-06-07.08-09-10",
    ]);
  });
});

describe("formatTimestamp", () => {
  it("formats the zigbee2mqtt tokens in local time", () => {
    const date = new Date(2026, 10, 25, 21, 3, 4, 56);
    expect(formatTimestamp(date, "YYYY-MM-DD HH:mm:ss")).toBe("2026-11-25 21:03:04");
    expect(formatTimestamp(date, "HH:mm:ss.SSS")).toBe("21:03:04.056");
    expect(formatTimestamp(date, "YYYY-MM-DD.HH-mm-ss")).toBe("2026-11-25.21-03-04");
  });
});

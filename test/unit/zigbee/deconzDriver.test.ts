import { describe, expect, it, vi } from "vitest";
import type { Controller } from "zigbee-herdsman";
import type { Logger } from "../../../lib/util/logger.js";
import { guardDeconz, quiesceDeconz } from "../../../lib/zigbee/deconzDriver.js";

/** Narrow unit tests with stand-ins for herdsman's objects: what happens when herdsman's internals change. */

class DeconzAdapter {
  constructor(readonly driver?: Record<string, unknown>) {}
}
class ZStackAdapter {
  driver = { tickTimer: 1 };
}

function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const text = (m: unknown) => (typeof m === "function" ? String(m()) : String(m));
  const logger: Logger = {
    error: (m) => lines.push(`error ${text(m)}`),
    warning: (m) => lines.push(`warning ${text(m)}`),
    info: (m) => lines.push(`info ${text(m)}`),
    debug: (m) => lines.push(`debug ${text(m)}`),
    isEnabled: () => true,
  };
  return { logger, lines };
}

const herdsman = (adapter?: unknown) => ({ adapter }) as unknown as Controller;

describe("quiesceDeconz", () => {
  it("clears the driver's tick timer and closes a port a reconnect reopened", () => {
    vi.useFakeTimers();
    const { logger } = recordingLogger();
    let ticks = 0;
    let closed = 0;
    const driver = {
      tickTimer: setInterval(() => ticks++, 1),
      isOpen: () => true,
      close: async () => {
        closed++;
      },
    };
    quiesceDeconz(herdsman(new DeconzAdapter(driver)), logger);
    vi.advanceTimersByTime(50);
    vi.useRealTimers();
    expect(ticks).toBe(0);
    expect(closed).toBe(1);
  });

  it("a driver without the expected fields: a debug line each, no throw", () => {
    const { logger, lines } = recordingLogger();
    quiesceDeconz(herdsman(new DeconzAdapter({})), logger);
    expect(lines.filter((l) => l.startsWith("debug")).join("\n")).toMatch(/tickTimer[\s\S]*isOpen\(\)\/close\(\)/);
    quiesceDeconz(herdsman(new DeconzAdapter(undefined)), logger);
    expect(lines.at(-1)).toMatch(/without its 'driver' field/);
  });

  it("other adapters, or none, are left alone", () => {
    const { logger, lines } = recordingLogger();
    const other = new ZStackAdapter();
    quiesceDeconz(herdsman(other), logger);
    quiesceDeconz(herdsman(undefined), logger);
    expect(lines).toEqual([]);
    expect(other.driver.tickTimer).toBe(1);
  });
});

describe("guardDeconz", () => {
  it("hands the driver its timeouts in seconds once herdsman assigns the adapter", () => {
    const { logger } = recordingLogger();
    const h = herdsman(undefined);
    guardDeconz(h, logger);
    const enqueued: unknown[] = [];
    const driver: Record<string, unknown> = {
      enqueueApsDataRequest(this: unknown, request: unknown) {
        enqueued.push(request);
        return this;
      },
    };
    const adapter = new DeconzAdapter(driver);
    (h as unknown as { adapter: unknown }).adapter = adapter;
    expect((h as unknown as { adapter: unknown }).adapter).toBe(adapter);
    const request = { timeout: 10_000, clusterId: 6 };
    expect((driver.enqueueApsDataRequest as (r: unknown) => unknown)(request)).toBe(driver);
    expect(enqueued).toEqual([{ timeout: 10, clusterId: 6 }]);
    expect(request.timeout).toBe(10_000);
  });

  it("a driver without enqueueApsDataRequest: a debug line, no throw", () => {
    const { logger, lines } = recordingLogger();
    const h = herdsman(undefined);
    guardDeconz(h, logger);
    (h as unknown as { adapter: unknown }).adapter = new DeconzAdapter({});
    expect(lines.join("\n")).toMatch(/enqueueApsDataRequest/);
  });
});

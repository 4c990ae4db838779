import { describe, expect, it } from "vitest";
import { EventBus } from "../../../lib/eventBus.js";
import { Configure } from "../../../lib/features/configure.js";
import type { BridgeContext } from "../../../lib/features/context.js";
import type { Logger } from "../../../lib/util/logger.js";

const logger: Logger = { error() {}, warning() {}, info() {}, debug() {}, isEnabled: () => false };

interface FakeDevice {
  ieee: string;
  name: string;
  interviewed: boolean;
  options: Record<string, unknown>;
  definition: { version: string; configure: () => Promise<void> };
  resolveDefinition(): Promise<unknown>;
  zh: { type: string; meta: Record<string, unknown>; save(): void };
  runs: number;
}

/** A device whose configure() waits for release() (or fails with fail()). */
function device(name: string, type: "Router" | "EndDevice", configured?: string) {
  let release: (() => void) | undefined;
  let failNext = false;
  const d: FakeDevice = {
    ieee: `0x${name.padStart(16, "0")}`,
    name,
    interviewed: true,
    options: {},
    definition: {
      version: "0.0.0",
      configure: () => {
        d.runs++;
        if (failNext) return Promise.reject(new Error("no answer"));
        return new Promise<void>((r) => {
          release = r;
        });
      },
    },
    resolveDefinition: async () => d.definition,
    zh: { type, meta: configured === undefined ? {} : { configured }, save() {} },
    runs: 0,
  };
  return {
    d,
    release: () => {
      const r = release;
      release = undefined;
      r?.();
    },
    failing: (on: boolean) => {
      failNext = on;
    },
  };
}

function world(devices: FakeDevice[]) {
  const bus = new EventBus(logger);
  const ctx = {
    bus,
    logger,
    zigbee: {
      devices: () => devices,
      device: (ieee: string) => devices.find((x) => x.ieee === ieee),
      coordinator: () => undefined,
    },
  } as unknown as BridgeContext;
  return { configure: new Configure(ctx), bus };
}

const tick = () => new Promise((r) => setImmediate(r));
const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await tick();
  expect(check()).toBe(true);
};

describe("Configure", () => {
  it("at start configures routers never configured; end devices only when heard; zigbee2mqtt's value is kept", async () => {
    const router = device("r1", "Router");
    const done = device("r2", "Router", "0.0.0"); // zigbee2mqtt configured it
    const sleepy = device("e1", "EndDevice");
    const { configure, bus } = world([router.d, done.d, sleepy.d]);
    configure.start();
    await until(() => router.d.runs === 1);
    router.release();
    await configure.idle();
    expect([router.d.runs, done.d.runs, sleepy.d.runs]).toEqual([1, 0, 0]);
    expect(router.d.zh.meta.configured).toBe("0.0.0");
    bus.emit("deviceMessage", { ieee: sleepy.d.ieee, message: {} as never });
    await until(() => sleepy.d.runs === 1);
    sleepy.release();
    await configure.idle();
    expect(sleepy.d.zh.meta.configured).toBe("0.0.0");
    await configure.stop();
  });

  it("an interview configures a device that is due (an end device too), not one configured with its version", async () => {
    const done = device("l1", "Router", "0.0.0"); // configured with the current version
    const sleepy = device("e1", "EndDevice"); // never configured: due, and awake after its interview
    const { configure, bus } = world([done.d, sleepy.d]);
    configure.start();
    bus.emit("deviceInterview", { ieee: done.d.ieee, status: "successful" });
    bus.emit("deviceInterview", { ieee: sleepy.d.ieee, status: "successful" });
    await until(() => sleepy.d.runs === 1);
    sleepy.release();
    await configure.idle();
    expect([done.d.runs, sleepy.d.runs]).toEqual([0, 1]);
    // as zigbee2mqtt (observed with the compat oracle): a device/interview of a configured device configures nothing
    bus.emit("deviceInterview", { ieee: sleepy.d.ieee, status: "successful" });
    await configure.idle();
    expect(sleepy.d.runs).toBe(1);
    await configure.stop();
  });

  it("a forced configure asked for while the device's configure runs runs again afterwards", async () => {
    const lamp = device("l1", "Router");
    const { configure } = world([lamp.d]);
    configure.start();
    await until(() => lamp.d.runs === 1);
    configure.schedule(lamp.d.ieee, true);
    lamp.release();
    await until(() => lamp.d.runs === 2);
    lamp.release();
    await configure.idle();
    expect(lamp.d.runs).toBe(2);
    await configure.stop();
  });

  it("at most 3 failed attempts per device unless forced; stop() waits for the one running", async () => {
    const plug = device("p1", "Router");
    plug.failing(true);
    const { configure, bus } = world([plug.d]);
    configure.start();
    for (let i = 0; i < 5; i++) {
      await configure.idle();
      bus.emit("deviceMessage", { ieee: plug.d.ieee, message: {} as never });
    }
    await configure.idle();
    expect(plug.d.runs).toBe(3);
    plug.failing(false);
    bus.emit("deviceInterview", { ieee: plug.d.ieee, status: "successful" });
    await until(() => plug.d.runs === 4);
    let stopped = false;
    const stopping = configure.stop().then(() => {
      stopped = true;
    });
    await tick();
    expect(stopped).toBe(false);
    plug.release();
    await stopping;
    expect(plug.d.zh.meta.configured).toBe("0.0.0");
  });
});

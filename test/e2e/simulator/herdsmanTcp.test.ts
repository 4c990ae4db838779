import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Controller } from "zigbee-herdsman";
import type { Simulator } from "../../../lib/simulator/simulator.js";
import { createController, removeDir, startSimulator, tempDir, waitFor } from "../support/herdsmanWorld.js";
import { collectStates, configure, convertSet, definitionOf } from "../support/zhc.js";

type Device = ReturnType<Controller["getDevices"]>[number];

/**
 * The whole chain with no fakes: unmodified zigbee-herdsman 11.1.1 speaks Z-Stack MT over TCP to the virtual
 * coordinator; the demo devices join, are interviewed, configured and controlled.
 */
describe("zigbee-herdsman on the virtual coordinator over TCP", () => {
  const dir = tempDir();
  let sim: Simulator;
  let controller: Controller;
  let startResult: string;
  const interviewed = new Set<string>();
  const timings: Record<string, number> = {};

  const byName = (name: string): Device => {
    const ieee = sim.device(name).description.ieee;
    const d = controller.getDeviceByIeeeAddr(ieee);
    if (!d) throw new Error(`herdsman does not know ${name}`);
    return d;
  };

  beforeAll(async () => {
    sim = await startSimulator(dir);
    controller = createController(dir, sim.url, interviewed);
    const t0 = performance.now();
    startResult = await controller.start();
    timings.resetStartMs = performance.now() - t0;
    await waitFor(() => interviewed.size === 4, 15_000, "4 interviews");
    timings.joinAndInterviewMs = performance.now() - t0 - timings.resetStartMs;
  });

  afterAll(async () => {
    await controller?.stop();
    await sim?.stop();
    removeDir(dir);
    console.log(`[figures] ${JSON.stringify(timings)}`);
  });

  it("a factory-new stick is commissioned: start() returns 'reset'", () => {
    expect(startResult).toBe("reset");
    const info = sim.coordinator.networkInfo();
    expect(info).toMatchObject({ panId: 0x1a62, channel: 11 });
  });

  it("the four paired demo devices join and are interviewed successfully", () => {
    const devices = controller.getDevices().filter((d) => d.type !== "Coordinator");
    expect(devices.map((d) => d.interviewState).sort()).toEqual([
      "SUCCESSFUL",
      "SUCCESSFUL",
      "SUCCESSFUL",
      "SUCCESSFUL",
    ]);
    expect(byName("bulb").modelID).toBe("ZB_A60_RGBCW");
    expect(byName("bulb").type).toBe("Router");
    expect(byName("sensor").type).toBe("EndDevice");
    expect(byName("sensor").powerSource).toMatch(/Battery/);
  });

  it("each resolves to its real zigbee-herdsman-converters definition and configure() succeeds", async () => {
    const models: Record<string, string> = {};
    for (const name of ["bulb", "sensor", "remote", "plug"]) {
      const device = byName(name);
      const def = await definitionOf(device);
      models[name] = `${def.vendor} ${def.model}`;
      await configure(controller, device);
    }
    expect(models.bulb).toBe("Ajax Online ZB_A60_RGBCW");
    for (const name of ["sensor", "remote", "plug"]) expect(models[name]).not.toMatch(/Generic|Unknown/);
  });

  it("bulb: convertSet of state, brightness, color and color_temp changes the simulated bulb; its reports come back as JSON", async () => {
    const bulb = byName("bulb");
    const sb = sim.device("bulb");
    const { states, stop } = collectStates(controller, bulb);
    try {
      await convertSet(bulb, "state", "OFF");
      expect(sb.getAttribute(1, "genOnOff", "onOff")).toBe(0);
      await waitFor(() => states.some((s) => s.state === "OFF"), 3000, "off report");
      await convertSet(bulb, "state", "ON");
      expect(sb.getAttribute(1, "genOnOff", "onOff")).toBe(1);
      await waitFor(() => states.some((s) => s.state === "ON"), 3000, "on report");
      await convertSet(bulb, "brightness", 200, { state: "ON" });
      expect(sb.getAttribute(1, "genLevelCtrl", "currentLevel")).toBe(200);
      await convertSet(bulb, "color", { x: 0.3, y: 0.6 });
      expect(sb.getAttribute(1, "lightingColorCtrl", "currentX")).toBe(Math.round(0.3 * 65535));
      expect(sb.getAttribute(1, "lightingColorCtrl", "currentY")).toBe(Math.round(0.6 * 65535));
      await waitFor(() => states.some((s) => (s.color as { x?: number } | undefined)?.x === 0.3), 3000, "xy report");
      await convertSet(bulb, "color_temp", 370);
      expect(sb.getAttribute(1, "lightingColorCtrl", "colorTemperature")).toBe(370);
      await waitFor(() => states.some((s) => s.color_temp === 370), 3000, "color_temp report");
      const merged = Object.assign({}, ...states);
      expect(merged).toMatchObject({ state: "ON", brightness: 200, color_temp: 370, color_mode: "color_temp" });
    } finally {
      stop();
    }
  });

  it("sensor: its reports come back as temperature, humidity and battery", async () => {
    const sensor = byName("sensor");
    const { states, stop } = collectStates(controller, sensor);
    try {
      const s = sim.device("sensor");
      s.emitReport(1, "msTemperatureMeasurement", { measuredValue: 2155 });
      s.emitReport(1, "msRelativeHumidity", { measuredValue: 4820 });
      s.emitReport(1, "genPowerCfg", { batteryPercentageRemaining: 180, batteryVoltage: 29 });
      await waitFor(
        () => {
          const m = Object.assign({}, ...states);
          return m.temperature !== undefined && m.humidity !== undefined && m.battery !== undefined ? m : undefined;
        },
        3000,
        "sensor state",
      );
      expect(Object.assign({}, ...states)).toMatchObject({ temperature: 21.55, humidity: 48.2, battery: 90 });
    } finally {
      stop();
    }
  });

  it("remote: a button press arrives as an action", async () => {
    const remote = byName("remote");
    const { states, stop } = collectStates(controller, remote);
    try {
      sim.device("remote").press("on");
      await waitFor(() => states.find((s) => s.action === "on"), 3000, "action on");
      sim.device("remote").press("brightness_move_up");
      await waitFor(() => states.find((s) => s.action === "brightness_move_up"), 3000, "action brightness_move_up");
    } finally {
      stop();
    }
  });

  it("the LQI tables of the coordinator and of a router are read", async () => {
    const coordinator = controller.getDevicesByType("Coordinator")[0];
    const table = await coordinator.lqi();
    const neighbours = table.map((n) => n.eui64).sort();
    expect(neighbours).toEqual(expect.arrayContaining([byName("bulb").ieeeAddr, byName("plug").ieeeAddr]));
    const routerTable = await byName("bulb").lqi();
    expect(routerTable.map((n) => n.eui64)).toContain(coordinator.ieeeAddr);
    const routes = await coordinator.routingTable();
    expect(Array.isArray(routes)).toBe(true);
  });

  it("a leave, and a rejoin with a new network address, are seen by herdsman", async () => {
    const left: string[] = [];
    const changed: Array<{ ieee: string; nwk: number }> = [];
    controller.on("deviceLeave", (e) => left.push(e.ieeeAddr));
    controller.on("deviceNetworkAddressChanged", (e) =>
      changed.push({ ieee: e.device.ieeeAddr, nwk: e.device.networkAddress }),
    );
    const plugIeee = sim.device("plug").description.ieee;
    sim.leave("plug");
    await waitFor(() => left.includes(plugIeee), 3000, "deviceLeave");
    const bulb = byName("bulb");
    const before = bulb.networkAddress;
    const after = sim.rejoin("bulb");
    expect(after).not.toBe(before);
    await waitFor(() => byName("bulb").networkAddress === after, 3000, "new nwk address");
    // and the bulb answers at its new address
    await convertSet(byName("bulb"), "state", "ON");
    expect(sim.device("bulb").getAttribute(1, "genOnOff", "onOff")).toBe(1);
  });

  it("a restart with the persisted NV resumes the same network with its devices", async () => {
    await controller.stop();
    await sim.stop();
    sim = await startSimulator(dir);
    controller = createController(dir, sim.url);
    const t0 = performance.now();
    const result = await controller.start();
    timings.resumeStartMs = performance.now() - t0;
    expect(result).toBe("resumed");
    const ieees = controller
      .getDevices()
      .filter((d) => d.type !== "Coordinator")
      .map((d) => d.ieeeAddr);
    expect(ieees).toContain(sim.device("bulb").description.ieee);
    expect(ieees).toContain(sim.device("sensor").description.ieee);
    await convertSet(byName("bulb"), "brightness", 77, { state: "ON" });
    expect(sim.device("bulb").getAttribute(1, "genLevelCtrl", "currentLevel")).toBe(77);
  });
});

import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Controller } from "zigbee-herdsman";
import type { Simulator } from "../../../lib/simulator/simulator.js";
import { describeWithTools, tools } from "../../support/tools.js";
import { createController, removeDir, startSimulator, tempDir, waitFor } from "../support/herdsmanWorld.js";
import { convertSet } from "../support/zhc.js";

/** The serial path: herdsman opens a pseudo-terminal through serialport, exactly as it opens a USB stick. */
describeWithTools([tools.socat], "zigbee-herdsman on the virtual coordinator over a serial pty", () => {
  const dir = tempDir();
  let sim: Simulator;
  let controller: Controller;
  let result: string;
  const interviewed = new Set<string>();

  beforeAll(async () => {
    sim = await startSimulator(dir, { ptyPath: join(dir, "ttyZigbee") });
    controller = createController(dir, join(dir, "ttyZigbee"), interviewed);
    result = await controller.start();
  });

  afterAll(async () => {
    await controller?.stop();
    await sim?.stop();
    removeDir(dir);
  });

  it("starts ('reset'), lets the demo devices join, and controls the bulb", async () => {
    expect(result).toBe("reset");
    await waitFor(() => interviewed.size === 4, 15_000, "4 interviews over the pty");
    const bulb = controller.getDeviceByIeeeAddr(sim.device("bulb").description.ieee);
    expect(bulb?.modelID).toBe("ZB_A60_RGBCW");
    await convertSet(bulb as never, "brightness", 42, { state: "ON" });
    expect(sim.device("bulb").getAttribute(1, "genLevelCtrl", "currentLevel")).toBe(42);
  });

  it("resumes over the pty after a restart of both sides", async () => {
    await controller.stop();
    await sim.stop();
    sim = await startSimulator(dir, { ptyPath: join(dir, "ttyZigbee") });
    controller = createController(dir, join(dir, "ttyZigbee"));
    expect(await controller.start()).toBe("resumed");
    const bulb = controller.getDeviceByIeeeAddr(sim.device("bulb").description.ieee);
    await convertSet(bulb as never, "state", "OFF");
    expect(sim.device("bulb").getAttribute(1, "genOnOff", "onOff")).toBe(0);
  });
});

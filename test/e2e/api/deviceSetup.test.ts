import { beforeAll, describe, expect, it } from "vitest";
import { BASE, request, useBridgeWorld } from "../support/bridgeWorld.js";

/** device/configure, device/interview and device/generate_external_definition on the demo devices. */
describe("device/configure, device/interview, device/generate_external_definition", () => {
  const world = useBridgeWorld();
  let remote: string;
  let lamp: string;
  const sim = (name: string) => world.bridge.simulator.device(name);

  beforeAll(() => {
    remote = sim("remote").description.ieee;
    lamp = sim("bulb").description.ieee;
  });

  it("configure runs the definition's configure again: the remote's lost bindings come back", async () => {
    const battery = sim("remote").bindings.find((b) => b.clusterId === 0x0001);
    expect(battery).toBeDefined();
    sim("remote").unbind(battery!); // the remote forgot it (a reset, a full table…)
    expect(sim("remote").bindings.some((b) => b.clusterId === 0x0001)).toBe(false);
    const r = await request(world.mqtt, "device/configure", remote);
    expect(r).toEqual({ status: "ok", data: { id: remote } });
    expect(sim("remote").bindings).toContainEqual(battery);
    const byObject = await request(world.mqtt, "device/configure", { id: remote });
    expect(byObject).toMatchObject({ status: "ok", data: { id: remote } });
  });

  it("configure refuses unknown devices and malformed payloads", async () => {
    const unknown = await request(world.mqtt, "device/configure", { id: "no_such_device" });
    expect(unknown).toMatchObject({ status: "error", error: "Device 'no_such_device' does not exist" });
    const bad = await request(world.mqtt, "device/configure", { id: true });
    expect(bad).toMatchObject({ status: "error", error: expect.stringMatching(/'id' is required/) });
  });

  it("interview reads the device again: a new firmware version shows in bridge/devices", async () => {
    sim("bulb").setAttribute(1, "genBasic", "swBuildId", "2.0.1");
    const start = world.mqtt.mark();
    const r = await request(world.mqtt, "device/interview", { id: lamp }, 30_000);
    expect(r).toEqual({ status: "ok", data: { id: lamp }, transaction: r.transaction });
    const devices = await world.mqtt.waitForMessage(
      (m) =>
        m.topic === `${BASE}/bridge/devices` &&
        (JSON.parse(m.payload) as Array<{ ieee_address: string; software_build_id?: string }>).some(
          (d) => d.ieee_address === lamp && d.software_build_id === "2.0.1",
        ),
      { since: start, timeoutMs: 5000 },
    );
    const entry = (JSON.parse(devices.payload) as Array<Record<string, unknown>>).find((d) => d.ieee_address === lamp);
    expect(entry).toMatchObject({ interview_state: "SUCCESSFUL", definition: { model: "ZB_A60_RGBCW" } });
    const unknown = await request(world.mqtt, "device/interview", { id: "no_such_device" });
    expect(unknown).toMatchObject({ status: "error", error: "Device 'no_such_device' does not exist" });
  });

  it("generate_external_definition returns converter source for the device; unknown devices are refused", async () => {
    const r = await request(world.mqtt, "device/generate_external_definition", { id: lamp });
    expect(r).toMatchObject({ status: "ok", data: { id: lamp, source: expect.stringContaining("ZB_A60_RGBCW") } });
    expect(r.data.source).toMatch(/zigbeeModel/);
    const unknown = await request(world.mqtt, "device/generate_external_definition", { id: "nope" });
    expect(unknown).toMatchObject({ status: "error", error: "Device 'nope' does not exist" });
    const missing = await request(world.mqtt, "device/generate_external_definition", {});
    expect(missing).toMatchObject({ status: "error", error: expect.stringMatching(/'id' is required/) });
  });
});

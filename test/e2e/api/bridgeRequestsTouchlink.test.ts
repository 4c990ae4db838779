import { beforeAll, describe, expect, it } from "vitest";
import { demoScenario, type Scenario } from "../../../lib/simulator/scenario/scenario.js";
import type { TestClient } from "../../support/mqttTestClient.js";
import { BASE, json, type RunningBridge, request, useBridgeWorld } from "../support/bridgeWorld.js";

/** The demo devices (same IEEE addresses) plus two touchlink bulbs: one in the network, one factory new on 25. */
const scenario: Scenario = {
  ...demoScenario(),
  name: "touchlink",
  devices: [
    ...demoScenario().devices,
    { kind: "colorBulb", name: "linked_bulb", paired: true, touchlinkChannel: 26 },
    { kind: "colorBulb", name: "new_bulb", autoJoin: false, touchlinkChannel: 25 },
  ],
};

/**
 * touchlink/*: herdsman's inter-PAN touchlink on the virtual Z-Stack stick. Touchlink targets answer a scan on their
 * channel (the network's while they are in it); a scan visits 16 channels (about 12 s, then 3 s back to the network
 * channel). Where nobody answers, identify and factory reset fail after about 3.5 s.
 */
describe("bridge requests: touchlink", () => {
  const world = useBridgeWorld({ scenario, devices: 5 });
  let bridge: RunningBridge;
  let mqtt: TestClient;
  const ieee = (name: string) => bridge.simulator.device(name).description.ieee;

  beforeAll(() => {
    ({ bridge, mqtt } = world);
  });

  it("scan finds each touchlink target on its channel; a second operation meanwhile is refused at once", async () => {
    const scan = request(mqtt, "touchlink/scan", {}, 25_000);
    // wait until herdsman holds its touchlink lock (the scan has started)
    const touchlink = bridge.controller.zigbee.controller.touchlink as unknown as { locked: boolean };
    await expect.poll(() => touchlink.locked, { timeout: 5000 }).toBe(true);
    const busy = await request(mqtt, "touchlink/identify", { ieee_address: "0x0017880104e45517", channel: 11 });
    expect(busy).toMatchObject({ status: "error", data: {} });
    expect(busy.error).toBe("Touchlink identify refused: another touchlink operation is in progress");
    expect(await scan).toMatchObject({
      status: "ok",
      data: {
        found: [
          { ieee_address: ieee("linked_bulb"), channel: 11 },
          { ieee_address: ieee("new_bulb"), channel: 25 },
        ],
      },
    });
    // the network is back on its channel: the lamp still obeys
    await mqtt.publish(`zigbee2mqtt/${ieee("bulb")}/set`, '{"brightness":77}');
    await expect
      .poll(() => bridge.simulator.device("bulb").getAttribute(1, "genLevelCtrl", "currentLevel"), { timeout: 5000 })
      .toBe(77);
  }, 40_000);

  it("identify of a device that does not answer fails clearly; a malformed target is refused", async () => {
    const rsp = await request(mqtt, "touchlink/identify", { ieee_address: "0x0017880104e45517", channel: 15 }, 15_000);
    expect(rsp).toMatchObject({ status: "error", data: {} });
    expect(rsp.error).toBe("Touchlink identify failed: no device answered the scan request");
    const bad = await request(mqtt, "touchlink/identify", { ieee_address: "lamp", channel: 11 });
    expect(bad.error).toMatch(/'ieee_address' must be an IEEE address/);
    const channel = await request(mqtt, "touchlink/identify", { ieee_address: "0x0017880104e45517", channel: 27 });
    expect(channel.error).toBe("Invalid payload: 'channel' must be a Zigbee channel from 11 to 26");
  }, 20_000);

  it("factory_reset of a device that does not answer fails clearly; a malformed target is refused", async () => {
    const target = { ieee_address: "0x0017880104E45517", channel: 20 };
    const rsp = await request(mqtt, "touchlink/factory_reset", target, 15_000);
    expect(rsp).toMatchObject({ status: "error", data: {} });
    expect(rsp.error).toBe("Touchlink factory reset failed: no device answered the scan request");
    const bad = await request(mqtt, "touchlink/factory_reset", { ieee_address: "0x0017880104e45517" });
    expect(bad.error).toBe("Invalid payload: 'channel' must be a Zigbee channel from 11 to 26");
  }, 20_000);

  it("identify makes the factory-new bulb identify", async () => {
    const target = { ieee_address: ieee("new_bulb"), channel: 25 };
    const rsp = await request(mqtt, "touchlink/identify", target, 15_000);
    expect(rsp).toMatchObject({ status: "ok", data: target });
    const identified = bridge.simulator.device("new_bulb").touchlink?.identifications ?? [];
    expect(identified).toHaveLength(1);
    expect(identified[0]?.durationS).toBeGreaterThan(0);
  }, 20_000);

  it("factory_reset of a bulb in the network: it leaves (device_leave) and is factory new", async () => {
    const target = { ieee_address: ieee("linked_bulb"), channel: 11 };
    const since = mqtt.mark();
    const rsp = await request(mqtt, "touchlink/factory_reset", target, 15_000);
    expect(rsp).toMatchObject({ status: "ok", data: target });
    await mqtt.waitForMessage(
      (m) => {
        if (m.topic !== `${BASE}/bridge/event`) return false;
        const event = json(m.payload);
        return (
          event.type === "device_leave" &&
          (event.data as { ieee_address?: string }).ieee_address === target.ieee_address
        );
      },
      { since, timeoutMs: 5000 },
    );
    expect(bridge.simulator.member("linked_bulb")?.joined).toBe(false);
    expect(bridge.simulator.device("linked_bulb").touchlink?.factoryNew).toBe(true);
    expect(bridge.controller.zigbee.controller.getDeviceByIeeeAddr(target.ieee_address)).toBeUndefined();
  }, 20_000);
});

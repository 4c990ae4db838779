import { beforeAll, describe, expect, it } from "vitest";
import type { TestClient } from "../../support/mqttTestClient.js";
import { type RunningBridge, request, useBridgeWorld } from "../support/bridgeWorld.js";

/**
 * touchlink/*: herdsman's inter-PAN touchlink on the virtual Z-Stack stick, which answers AF.interPanCtl and sends
 * the inter-PAN frames, but on which no device answers on another PAN: a scan finds nothing (about 12 s: 16
 * channels × 500 ms, then 3 s back to the network channel), identify and factory reset fail after about 3.5 s.
 */
describe("bridge requests: touchlink", () => {
  const world = useBridgeWorld();
  let bridge: RunningBridge;
  let mqtt: TestClient;

  beforeAll(() => {
    ({ bridge, mqtt } = world);
  });

  it("scan finds no touchlink device; a second operation meanwhile is refused at once", async () => {
    const scan = request(mqtt, "touchlink/scan", {}, 25_000);
    // wait until herdsman holds its touchlink lock (the scan has started)
    const touchlink = bridge.controller.zigbee.controller.touchlink as unknown as { locked: boolean };
    await expect.poll(() => touchlink.locked, { timeout: 5000 }).toBe(true);
    const busy = await request(mqtt, "touchlink/identify", { ieee_address: "0x0017880104e45517", channel: 11 });
    expect(busy).toMatchObject({ status: "error", data: {} });
    expect(busy.error).toBe("Touchlink identify refused: another touchlink operation is in progress");
    expect(await scan).toMatchObject({ status: "ok", data: { found: [] } });
    // the network is back on its channel: the lamp still obeys
    await mqtt.publish(`zigbee2mqtt/${bridge.simulator.device("bulb").description.ieee}/set`, '{"brightness":77}');
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
});

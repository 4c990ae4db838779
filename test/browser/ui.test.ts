import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { demoIeee, frontendConfig } from "../e2e/frontend/frontendWorld.js";
import { BASE, json, useBridgeWorld } from "../e2e/support/bridgeWorld.js";
import { waitFor } from "../e2e/support/herdsmanWorld.js";
import { freePort } from "../support/broker.js";
import { describeWithTools, tools } from "../support/tools.js";
import { launchBrowser, newPage, screenshot } from "./chromium.js";

/** WindFront, served by the bridge, in headless Chromium on the demo network: what a user clicks, end to end. */
const port = await freePort();
const world = useBridgeWorld({ config: frontendConfig(port) });
const UI = `http://127.0.0.1:${port}/`;
const LAMP = demoIeee("demo_lamp");
const DEMO = ["demo_lamp", "demo_climate_sensor", "demo_remote", "demo_plug"];

describeWithTools(
  [tools.chromium],
  "the web UI in Chromium",
  () => {
    let browser: Browser | undefined;
    let page: Page;
    let errors: string[];
    beforeAll(async () => {
      browser = await launchBrowser();
      ({ page, errors } = await newPage(browser));
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
    });

    const bulb = () => world.bridge.simulator.device(LAMP);
    const lampState = (since: number, match: (s: Record<string, unknown>) => boolean) =>
      world.mqtt.waitForMessage((m) => m.topic === `${BASE}/demo_lamp` && match(json(m.payload)), {
        since,
        timeoutMs: 15_000,
      });
    const feature = (description: string) => page.locator(".list-row", { hasText: description });

    it("the devices page lists the four demo devices", async () => {
      await page.goto(`${UI}#/devices`);
      for (const name of DEMO) await page.getByText(name, { exact: true }).first().waitFor({ timeout: 20_000 });
      await page.getByText("Entries: 4").waitFor();
      await screenshot(page, "devices");
    });

    it("toggling the lamp in its page turns the simulated bulb off, and the state comes back", async () => {
      await page.goto(`${UI}#/device/0/${LAMP}/exposes`);
      const state = feature("On/off state of this light");
      let since = world.mqtt.mark();
      await state.getByRole("button", { name: "ON", exact: true }).click();
      await lampState(since, (s) => s.state === "ON");
      const toggle = state.locator("input.toggle");
      await state.locator("input.toggle:checked").waitFor();

      since = world.mqtt.mark();
      await toggle.click();
      await lampState(since, (s) => s.state === "OFF");
      expect(bulb().getAttribute(1, "genOnOff", "onOff")).toBe(0);
      await state.locator("input.toggle:not(:checked)").waitFor();
      await screenshot(page, "lamp-after-toggle");
    });

    it("brightness and colour set in the UI reach the bulb", async () => {
      await page.goto(`${UI}#/device/0/${LAMP}/exposes`);
      let since = world.mqtt.mark();
      const brightness = feature("Brightness of this light").locator('input[type="number"]');
      await brightness.fill("100");
      await brightness.blur();
      await lampState(since, (s) => s.brightness === 100);
      await waitFor(() => bulb().getAttribute(1, "genLevelCtrl", "currentLevel") === 100, 5000, "bulb level 100");

      since = world.mqtt.mark();
      const hex = page.locator('input[name="hex"]');
      await hex.fill("#ff0000");
      await hex.blur();
      const red = await lampState(since, (s) => ((s.color as { x?: number } | undefined)?.x ?? 0) > 0.6);
      expect(json(red.payload).color_mode).toBe("xy");
      await waitFor(
        () => (bulb().getAttribute(1, "lightingColorCtrl", "currentX") as number) > 0.6 * 65535,
        5000,
        "bulb colour x > 0.6",
      );
      await screenshot(page, "lamp-red");
    });

    it("permit join from the UI opens the network, and the button says so", async () => {
      await page.goto(`${UI}#/devices`);
      const since = world.mqtt.mark();
      await page.getByRole("button", { name: "Permit join" }).click();
      const rsp = await world.mqtt.waitForMessage(`${BASE}/bridge/response/permit_join`, { since, timeoutMs: 10_000 });
      expect(json(rsp.payload)).toMatchObject({ status: "ok", data: { time: 254 } });
      await page.getByRole("button", { name: "Disable join" }).waitFor();
      const off = world.mqtt.mark();
      await page.getByRole("button", { name: "Disable join" }).click();
      const closed = await world.mqtt.waitForMessage(`${BASE}/bridge/response/permit_join`, { since: off });
      expect(json(closed.payload)).toMatchObject({ status: "ok", data: { time: 0 } });
      await page.getByRole("button", { name: "Permit join" }).waitFor();
    });

    it("the network map page renders the map", async () => {
      await page.goto(`${UI}#/network`);
      await page.locator('select[name="display_type"]').selectOption("map");
      const since = world.mqtt.mark();
      await page.getByRole("button", { name: "Load" }).click();
      const rsp = await world.mqtt.waitForMessage(`${BASE}/bridge/response/networkmap`, { since, timeoutMs: 20_000 });
      expect(json(rsp.payload)).toMatchObject({ status: "ok", data: { type: "raw" } });
      await page.locator("canvas").first().waitFor({ timeout: 20_000 });
      // the map's node finder lists every node of the answer
      for (const name of [
        "Coordinator",
        "R - demo_lamp",
        "R - demo_plug",
        "E - demo_remote",
        "E - demo_climate_sensor",
      ]) {
        await page.locator("option", { hasText: name }).first().waitFor({ state: "attached" });
      }
      await page.waitForTimeout(1500); // let the force layout settle before the picture (not an assertion)
      await page.locator('[data-tip="Zoom out"]').click();
      await page.waitForTimeout(1000);
      await screenshot(page, "network-map");
    });

    it("renames a device from the devices page", async () => {
      await page.goto(`${UI}#/devices`);
      const row = page.locator("tr", { hasText: "demo_climate_sensor" });
      await row.locator('[data-tip="Rename device"]').click();
      await page.locator('input[name="friendly_name"]').fill("hall_sensor");
      const since = world.mqtt.mark();
      await page.locator(".modal-box").getByRole("button", { name: "Rename device" }).click();
      const rsp = await world.mqtt.waitForMessage(`${BASE}/bridge/response/device/rename`, { since });
      expect(json(rsp.payload)).toMatchObject({
        status: "ok",
        data: { from: "demo_climate_sensor", to: "hall_sensor" },
      });
      await page.getByText("hall_sensor", { exact: true }).first().waitFor();
      expect(world.bridge.settings.deviceOptions(demoIeee("demo_climate_sensor"))).toMatchObject({
        friendly_name: "hall_sensor",
      });
    });

    it("every other page renders from what the bridge publishes", async () => {
      const pages: Array<[string, string]> = [
        ["dashboard", "demo_lamp"],
        ["groups", "Create group"],
        ["ota", "Check selected"],
        ["settings", "zigbee-herdsman-converters version"],
        ["logs", "Logs limit"],
        ["bindings", "Bind selected"],
        ["reporting", "Edit selected"],
        ["touchlink", "Philips Hue reset"],
      ];
      for (const [route, marker] of pages) {
        await page.goto(`${UI}#/${route}`);
        await page.getByText(marker).first().waitFor({ timeout: 20_000 });
      }
      await page.goto(`${UI}#/settings`);
      await page.getByText("zigbee-herdsman-converters version").waitFor();
      await screenshot(page, "settings-about");
    });

    it("raised no page errors", () => {
      expect(errors).toEqual([]);
    });
  },
  { timeout: 60_000 },
);

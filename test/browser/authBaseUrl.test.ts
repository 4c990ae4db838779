import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { frontendConfig } from "../e2e/frontend/frontendWorld.js";
import { connectWs } from "../e2e/frontend/wsClient.js";
import { BASE, json, useBridgeWorld } from "../e2e/support/bridgeWorld.js";
import { freePort } from "../support/broker.js";
import { describeWithTools, tools } from "../support/tools.js";
import { launchBrowser, newPage, screenshot } from "./chromium.js";

/** The UI behind a reverse proxy's sub-path (`base_url: /z2m`) with `auth_token`: it asks for the token, then works. */
const port = await freePort();
const TOKEN = "s3cret-token";
const world = useBridgeWorld({ config: frontendConfig(port, { base_url: "/z2m", auth_token: TOKEN }) });
const ORIGIN = `http://127.0.0.1:${port}`;

describe("base_url /z2m and auth_token: the WebSocket API", () => {
  it("closes with 4401 without the token or with a wrong one, and answers with it", async () => {
    for (const query of ["", "?token=wrong"]) {
      const ws = await connectWs(`ws://127.0.0.1:${port}/z2m/api${query}`);
      expect(await ws.closed).toMatchObject({ code: 4401, reason: "Unauthorized" });
      expect(ws.frames).toEqual([]);
    }
    const ws = await connectWs(`ws://127.0.0.1:${port}/z2m/api?token=${TOKEN}`);
    await ws.waitFor((f) => f.topic === "bridge/info");
    expect(await ws.request("permit_join", { time: 0 })).toMatchObject({ status: "ok" });
    await ws.close();
  });

  it("serves the UI only under /z2m/: /z2m redirects, the root and /api answer 404", async () => {
    const redirect = await fetch(`${ORIGIN}/z2m?x=1`, { redirect: "manual" });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get("location")).toBe("/z2m/?x=1");
    const index = await fetch(`${ORIGIN}/z2m/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toMatch(/<html/i);
    expect((await fetch(`${ORIGIN}/`)).status).toBe(404);
    await expect(connectWs(`ws://127.0.0.1:${port}/api?token=${TOKEN}`)).rejects.toThrow(/failed/);
  });
});

describeWithTools(
  [tools.chromium],
  "base_url /z2m and auth_token: the UI in Chromium",
  () => {
    let browser: Browser | undefined;
    beforeAll(async () => {
      browser = await launchBrowser();
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
    });

    it("asks for the token, then lists the devices and sends commands", async () => {
      if (!browser) throw new Error("no browser");
      const { page, errors } = await newPage(browser);
      await page.goto(`${ORIGIN}/z2m/#/devices`);
      const token = page.locator('input[type="password"]');
      await token.waitFor({ timeout: 20_000 });
      await screenshot(page, "auth-token-prompt");
      await token.fill(TOKEN);
      await page.locator("main .card-actions button").click();
      await page.getByText("demo_lamp", { exact: true }).first().waitFor({ timeout: 20_000 });
      await page.getByText("Entries: 4").waitFor();

      const since = world.mqtt.mark();
      await page.getByRole("button", { name: "Permit join" }).click();
      const rsp = await world.mqtt.waitForMessage(`${BASE}/bridge/response/permit_join`, { since });
      expect(json(rsp.payload)).toMatchObject({ status: "ok", data: { time: 254 } });
      await page.getByRole("button", { name: "Disable join" }).click();
      await page.getByRole("button", { name: "Permit join" }).waitFor();
      await screenshot(page, "devices-under-base-url");
      expect(errors).toEqual([]);
    });
  },
  { timeout: 60_000 },
);

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { tools } from "../support/tools.js";

/**
 * Headless Chromium from Debian's package (`apt-get install chromium`), driven by playwright-core (which never
 * downloads a browser). `CHROMIUM_PATH` overrides the binary. Without it the browser tests follow the tool rule of
 * test/support/tools.ts: skipped with the reason printed, except under `CI=true`, where they fail.
 */
export const CHROMIUM = tools.chromium.path ?? "/usr/bin/chromium";

/** Screenshots land here (gitignored), for people to look at. */
export const ARTIFACTS = join(import.meta.dirname, "..", "..", "test-artifacts", "browser");

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox", // root in CI
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      // loopback only: every other name fails at once (device pictures from the internet, fonts, …)
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
    ],
  });
}

/** A fresh page (its own profile and local storage), with page errors collected for the assertions. */
export async function newPage(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return { page, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

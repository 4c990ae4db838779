import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../support/broker.js";
import { writeConfig } from "../support/bridgeWorld.js";
import { removeDir, tempDir } from "../support/herdsmanWorld.js";

const ENTRY = join(import.meta.dirname, "../../../dist/index.js");

/** The embedded broker never serves other machines anonymously: the bridge says so in one line and exits. */
describe("mqtt://0.0.0.0 without a login", () => {
  const data = tempDir("zigmqtt-exposed-");
  afterAll(() => removeDir(data));

  it("one clear line and exit code 1", async () => {
    const server = `mqtt://0.0.0.0:${await freePort()}`;
    writeConfig(data, server, { advanced: { log_level: "info", log_output: ["console"] } });
    const r = spawnSync(process.execPath, [ENTRY], {
      env: { ...process.env, ZIGMQTT_DATA: data },
      encoding: "utf8",
      timeout: 30_000,
    });
    const out = `${r.stdout}${r.stderr}`;
    expect(out).toContain(
      "Failed to start: The embedded MQTT broker does not listen on 0.0.0.0 (reachable from other machines) without a login: set mqtt.user and mqtt.password, or use mqtt://localhost",
    );
    expect(out).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(1);
  });
});

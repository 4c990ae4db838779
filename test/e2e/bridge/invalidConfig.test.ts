import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeDir, tempDir } from "../support/herdsmanWorld.js";

const ENTRY = join(import.meta.dirname, "../../../dist/index.js");
const dirs: string[] = [];

function run(config: string): { code: number | null; stderr: string } {
  const dir = tempDir("zigmqtt-cfg-");
  dirs.push(dir);
  writeFileSync(join(dir, "configuration.yaml"), config);
  const r = spawnSync(process.execPath, [ENTRY], {
    env: { ...process.env, ZIGMQTT_DATA: dir },
    encoding: "utf8",
    timeout: 20_000,
  });
  return { code: r.status, stderr: r.stderr };
}

const VALID = `version: 5
mqtt: { server: "mqtt://127.0.0.1:1", base_topic: zigbee2mqtt }
serial: { port: "virtual://demo", adapter: zstack }
advanced: { channel: 11 }
`;

if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run "npm run build" first (npm ci does it)`);

/** A broken configuration stops the start with exit code 1 and one line per problem naming the setting. */
describe("invalid configuration", () => {
  afterAll(() => {
    for (const d of dirs) removeDir(d);
  });

  it.each([
    ["malformed YAML", "mqtt: {server: [unclosed\n", /configuration\.yaml:\d+:\d+:/],
    [
      "an unknown adapter",
      VALID.replace("adapter: zstack", "adapter: foo"),
      /^ {2}serial\.adapter: must be one of .*\(got "foo"\)$/m,
    ],
    ["channel 30", VALID.replace("channel: 11", "channel: 30"), /^ {2}advanced\.channel: must be <= 26 \(got 30\)$/m],
    [
      "duplicate friendly names",
      `${VALID}devices:\n  "0x0000000000000001": { friendly_name: lamp }\n  "0x0000000000000002": { friendly_name: lamp }\n`,
      /^ {2}devices\.0x0000000000000002\.friendly_name: 'lamp' is used by another device/m,
    ],
    [
      "a wrong type",
      VALID.replace("base_topic: zigbee2mqtt", "base_topic: zigbee2mqtt, keepalive: sixty"),
      /^ {2}mqtt\.keepalive: must be a number \(got "sixty"\)$/m,
    ],
  ])("%s: exit code 1 and a line naming the setting, no stack trace", (_what, config, line) => {
    const r = run(config);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(line);
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
  });
});

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

/** A setting this bridge does not implement yet stops the start with one clear line instead of being ignored. */
describe("unsupported settings at start", () => {
  afterAll(() => {
    for (const d of dirs) removeDir(d);
  });

  it.each([
    [
      "advanced.log_symlink_current",
      VALID.replace("advanced: { channel: 11 }", "advanced: { channel: 11, log_symlink_current: true }"),
      /^ {2}advanced\.log_symlink_current: the 'current' log directory symlink is not supported yet; remove it or set the default false \(got true\)$/m,
    ],
    [
      "syslog log output",
      VALID.replace("advanced: { channel: 11 }", "advanced: { channel: 11, log_output: [syslog] }"),
      /^ {2}advanced\.log_output: syslog output is not supported yet; use console and\/or file \(got \["syslog"\]\)$/m,
    ],
  ])("%s: exit code 1 and one line naming it", (_what, config, line) => {
    const r = run(config);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(line);
    expect(r.stderr.trim().split("\n")).toHaveLength(2); // the header and the one problem
  });
});

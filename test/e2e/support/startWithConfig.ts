import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { removeDir, tempDir } from "./herdsmanWorld.js";

const ENTRY = join(import.meta.dirname, "../../../dist/index.js");
const dirs: string[] = [];

if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run "npm run build" first (npm ci does it)`);

/** A configuration the bridge accepts (its broker port is closed: a test of refused settings never gets that far). */
export const VALID_CONFIG = `version: 5
mqtt: { server: "mqtt://127.0.0.1:1", base_topic: zigbee2mqtt }
serial: { port: "virtual://demo", adapter: zstack }
advanced: { channel: 11 }
`;

/** Runs the built bridge (dist/index.js) on a fresh data dir holding `config` as configuration.yaml, to its exit. */
export function startWithConfig(config: string): { code: number | null; stderr: string } {
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

/** Removes the data dirs `startWithConfig` made. */
export function removeConfigDirs(): void {
  for (const d of dirs.splice(0)) removeDir(d);
}

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { SettingsError, SettingsStore } from "../../../lib/settings/settingsStore.js";

const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary data directory holding `files` (name → text); removed after the test. */
export function dataDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "zigmqtt-settings-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

export function read(dir: string, name = "configuration.yaml"): string {
  return readFileSync(join(dir, name), "utf8");
}

/** A valid configuration with two devices and a group, comments included. */
export const BASIC = `version: 5
# broker
mqtt:
  server: mqtt://localhost:1883 # local broker
  base_topic: zigbee2mqtt
serial:
  port: /dev/ttyACM0
advanced:
  network_key: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]
  pan_id: 6754
  channel: 15
devices:
  '0x00124b0001020301':
    friendly_name: kitchen/lamp # the big one
  '0x00124b0001020302':
    friendly_name: sensor
groups:
  '1':
    friendly_name: downstairs
`;

/** Loads `configuration` (with no environment overrides) from a fresh data directory. */
export function load(configuration: string, env: NodeJS.ProcessEnv = {}, files: Record<string, string> = {}) {
  const dir = dataDir({ "configuration.yaml": configuration, ...files });
  return { dir, store: SettingsStore.load(dir, env) };
}

/** The problems of loading `configuration`, or a failure if it loads. */
export function problems(configuration: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    load(configuration, env);
  } catch (e) {
    if (e instanceof SettingsError) return e.problems;
    throw e;
  }
  throw new Error("the configuration loaded");
}

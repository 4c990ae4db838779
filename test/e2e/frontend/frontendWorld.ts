import { readFileSync } from "node:fs";
import { parse } from "yaml";

/** The demo devices' friendly names, as the example configuration gives them (demo_lamp, demo_plug, …). */
export const DEMO_DEVICES = (
  parse(readFileSync(new URL("../../../configuration.example.yaml", import.meta.url), "utf8")) as {
    devices: Record<string, { friendly_name: string }>;
  }
).devices;

/** The IEEE address of a demo device by name. */
export function demoIeee(name: string): string {
  const entry = Object.entries(DEMO_DEVICES).find(([, o]) => o.friendly_name === name);
  if (!entry) throw new Error(`no demo device '${name}'`);
  return entry[0];
}

/** A bridge world's config with the UI on 127.0.0.1:`port` and the demo devices' names. */
export function frontendConfig(
  port: number,
  frontend: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    frontend: { enabled: true, port, host: "127.0.0.1", ...frontend },
    devices: structuredClone(DEMO_DEVICES),
    ...extra,
  };
}

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Outcome } from "./configureRun.js";

/**
 * The outcomes of the simulated devices of the definitions on the current pins, kept in `baseline/<slice>.json`
 * (only what is not plainly "interviewed, resolved to its own definition, configured or nothing to configure").
 * An upgrade of zigbee-herdsman or the converters must not change them; when it improves them (or the simulator
 * gets closer to the devices), rewrite them with `ZIGMQTT_DEFINITIONS_BASELINE=write` and review the diff.
 */
const DIR = join(import.meta.dirname, "baseline");

/** An outcome without what varies from run to run: addresses, herdsman's request options, clocks, long tails. */
export function signature(o: Outcome): string | undefined {
  const parts: string[] = [];
  if (!o.interviewed) parts.push("not interviewed");
  if (o.resolved !== o.model) parts.push(`resolved to ${o.resolved || "nothing"}`);
  if (o.configure !== "ok" && o.configure !== "none") {
    const message = o.configure
      .replace(/0x[0-9a-f]{16}/g, "<ieee>")
      .replace(/, \{"timeout":[^}]*\}/g, "")
      .replace(/("[A-Za-z]*[Tt]ime[A-Za-z]*"):\d+/g, "$1:<time>") // a clock written to the device
      .slice(0, 200);
    parts.push(`configure: ${message}`);
  }
  return parts.length > 0 ? parts.join("; ") : undefined;
}

export function readBaseline(slice: string): Record<string, string> {
  const file = join(DIR, `${slice}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, string>) : {};
}

export function writeBaseline(slice: string, outcomes: Outcome[]): void {
  const entries: Record<string, string> = {};
  for (const o of outcomes) {
    const s = signature(o);
    if (s !== undefined) entries[o.id] = s;
  }
  writeFileSync(join(DIR, `${slice}.json`), `${JSON.stringify(entries, null, 2)}\n`);
}

/** Each difference from the baseline, as "<definition>: was <…>, now <…>". */
export function differences(slice: string, outcomes: Outcome[]): string[] {
  const baseline = readBaseline(slice);
  const diffs: string[] = [];
  for (const o of outcomes) {
    const key = o.id;
    const was = baseline[key] ?? "ok";
    const now = signature(o) ?? "ok";
    if (was !== now) diffs.push(`${key}: was ${was}; now ${now}`);
  }
  return diffs;
}

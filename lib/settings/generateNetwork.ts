import { randomBytes, randomInt } from "node:crypto";
import { isPlainObject, type PlainObject } from "./plainObjects.js";

const GENERATORS = {
  network_key: (): number[] => [...randomBytes(16)],
  /** 0xffff means "any PAN" and 0 is avoided by convention. */
  pan_id: (): number => randomInt(1, 0xffff),
  ext_pan_id: (): number[] => bytesExcept(8, [0x00, 0xff]),
};

/** Random bytes, re-drawn in the (astronomically unlikely) case that all of them equal one reserved value. */
function bytesExcept(length: number, reserved: number[]): number[] {
  for (;;) {
    const bytes = [...randomBytes(length)];
    if (!reserved.some((r) => bytes.every((b) => b === r))) return bytes;
  }
}

/**
 * Replaces `GENERATE` in `advanced.network_key`, `pan_id` and `ext_pan_id` by cryptographically random values
 * (also when the environment asked for GENERATE and the file has no value). Returns the names it generated.
 */
export function generateNetworkSettings(raw: PlainObject, requested: ReadonlySet<string>): string[] {
  const generated: string[] = [];
  for (const [key, generate] of Object.entries(GENERATORS)) {
    const advanced = isPlainObject(raw.advanced) ? raw.advanced : undefined;
    const value = advanced?.[key];
    if (value === "GENERATE" || (value === undefined && requested.has(`advanced.${key}`))) {
      if (!isPlainObject(raw.advanced)) raw.advanced = {};
      (raw.advanced as PlainObject)[key] = generate();
      generated.push(`advanced.${key}`);
    }
  }
  return generated;
}

import type { BridgeDevice } from "../zigbee/bridgeDevice.js";

type Expose = {
  type: string;
  name?: string;
  property?: string;
  access?: number;
  value_min?: number;
  value_max?: number;
  values?: unknown[];
  value_on?: unknown;
  value_off?: unknown;
  value_toggle?: unknown;
  features?: Expose[];
};

/** access bit: the property can be set */
const ACCESS_SET = 0b010;

function find(exposes: Expose[], property: string): Expose | undefined {
  for (const e of exposes) {
    if (e.property === property && e.type !== "composite") return e;
    if (e.features) {
      const f = find(e.features, property);
      if (f) return f;
    }
  }
  return undefined;
}

/**
 * Checks a /set value against the device's exposes before anything is sent: a number in range for numeric
 * properties, one of the values for enums, ON/OFF/TOGGLE for binaries. Returns what is wrong, or undefined.
 * Properties the exposes do not describe are left to the converter.
 */
export function checkValue(device: BridgeDevice, property: string, value: unknown): string | undefined {
  const e = find(device.exposes() as Expose[], property);
  if (!e) return undefined;
  if (e.access !== undefined && (e.access & ACCESS_SET) === 0) return `'${property}' is read-only`;
  switch (e.type) {
    case "numeric": {
      const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
      if (typeof n !== "number" || !Number.isFinite(n)) {
        // some numeric properties accept presets as strings (e.g. color_temp "warmest"); leave those to the converter
        if (typeof value === "string") return undefined;
        return `must be a number (got ${JSON.stringify(value)})`;
      }
      if (e.value_min !== undefined && n < e.value_min) return `must be at least ${e.value_min} (got ${n})`;
      if (e.value_max !== undefined && n > e.value_max) return `must be at most ${e.value_max} (got ${n})`;
      return undefined;
    }
    case "enum":
      if (e.values && !e.values.includes(value))
        return `must be one of ${e.values.map(String).join(", ")} (got ${JSON.stringify(value)})`;
      return undefined;
    case "binary": {
      const allowed = [e.value_on, e.value_off, e.value_toggle].filter((v) => v !== undefined);
      const v = typeof value === "string" ? value.toUpperCase() : value;
      const ok = allowed.some((a) => a === v || (typeof a === "string" && a.toUpperCase() === v));
      return ok ? undefined : `must be ${allowed.map(String).join(", ")} (got ${JSON.stringify(value)})`;
    }
    default:
      return undefined;
  }
}

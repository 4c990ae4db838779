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

/** Types whose features are the device's own properties (a composite's features are fields of one value). */
const SPECIFIC = new Set(["light", "switch", "lock", "climate", "cover", "fan"]);

/**
 * Where zigbee-herdsman-converters accepts more than the exposes say (toZigbee.js), so must we:
 * - `brightness` 255 ("Allow 255 for backwards compatibility", light_onoff_brightness maps it to 254);
 * - `color_temp` and `color_temp_startup` out of range are clamped to the lamp's range (light.clampColorTemp), and
 *   `color_temp_startup` 65535 means "previous".
 */
const LENIENT_MAX: Record<string, number> = { brightness: 255 };
const CLAMPED = new Set(["color_temp", "color_temp_startup"]);

function find(exposes: Expose[], property: string): Expose | undefined {
  for (const e of exposes) {
    if (e.property === property && e.type !== "composite") return e;
    if (e.features && SPECIFIC.has(e.type)) {
      const f = find(e.features, property);
      if (f) return f;
    }
  }
  return undefined;
}

const sameText = (a: unknown, b: unknown) =>
  a === b || (typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase());

/**
 * Checks a /set value against the device's exposes before anything is sent: a number in range for numeric
 * properties, one of the values for enums, ON/OFF/TOGGLE for binaries. Returns what is wrong, or undefined.
 * `key` is the converter's key (`brightness`), `exposed` the property the exposes list (`brightness_l2`).
 * It never refuses what the converter accepts: text is compared case-insensitively (converters lower-case it),
 * `null` and properties the exposes do not describe are left to the converter, and so are the exceptions above.
 */
export function checkValue(device: BridgeDevice, key: string, value: unknown, exposed = key): string | undefined {
  const exposes = device.exposes() as Expose[];
  const e = find(exposes, exposed) ?? (exposed !== key ? find(exposes, key) : undefined);
  if (!e || value === null) return undefined;
  if (e.access !== undefined && (e.access & ACCESS_SET) === 0) return `'${exposed}' is read-only`;
  switch (e.type) {
    case "numeric": {
      const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
      if (typeof n !== "number" || !Number.isFinite(n)) {
        // some numeric properties accept presets as strings (e.g. color_temp "warmest"); leave those to the converter
        if (typeof value === "string") return undefined;
        return `must be a number (got ${JSON.stringify(value)})`;
      }
      if (CLAMPED.has(key)) return undefined;
      if (e.value_min !== undefined && n < e.value_min) return `must be at least ${e.value_min} (got ${n})`;
      const max = Math.max(e.value_max ?? Number.NEGATIVE_INFINITY, LENIENT_MAX[key] ?? Number.NEGATIVE_INFINITY);
      if (e.value_max !== undefined && n > max) return `must be at most ${e.value_max} (got ${n})`;
      return undefined;
    }
    case "enum":
      if (e.values && !e.values.some((v) => sameText(v, value)))
        return `must be one of ${e.values.map(String).join(", ")} (got ${JSON.stringify(value)})`;
      return undefined;
    case "binary": {
      const allowed = [e.value_on, e.value_off, e.value_toggle].filter((v) => v !== undefined);
      return allowed.some((a) => sameText(a, value))
        ? undefined
        : `must be ${allowed.map(String).join(", ")} (got ${JSON.stringify(value)})`;
    }
    default:
      return undefined;
  }
}

/**
 * JSON with object keys sorted, so every payload is deterministic (zigbee2mqtt clients and tests compare strings).
 * `undefined` values and functions are skipped as JSON.stringify does; non-finite numbers become null.
 */
export function stableStringify(value: unknown): string {
  return write(value, 0) ?? "null";
}

/**
 * A value already written by `stableStringify`, inserted as is: a part shared by many payloads (a model's definition
 * in `bridge/devices`) is written once instead of once per device.
 */
export class PreSerialized {
  constructor(readonly json: string) {}

  static of(value: unknown): PreSerialized {
    return new PreSerialized(stableStringify(value));
  }

  /** What JSON.stringify and other readers see: the value itself. */
  toJSON(): unknown {
    return JSON.parse(this.json);
  }
}

/** Deeper than this is refused with a clear error instead of exhausting the stack. */
const MAX_DEPTH = 200;

function write(v: unknown, depth: number): string | undefined {
  if (depth > MAX_DEPTH) throw new RangeError(`JSON nested deeper than ${MAX_DEPTH} levels`);
  if (v === null) return "null";
  switch (typeof v) {
    case "string":
      return JSON.stringify(v);
    case "number":
      return Number.isFinite(v) ? String(v) : "null";
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      return String(v);
    case "object": {
      if (Array.isArray(v)) {
        let s = "[";
        for (let i = 0; i < v.length; i++) {
          if (i > 0) s += ",";
          s += write(v[i], depth + 1) ?? "null";
        }
        return `${s}]`;
      }
      if (v instanceof PreSerialized) return v.json;
      if (Buffer.isBuffer(v)) return write(v.toJSON(), depth + 1);
      const toJSON = (v as { toJSON?: () => unknown }).toJSON;
      if (typeof toJSON === "function") return write(toJSON.call(v), depth + 1);
      const keys = Object.keys(v as object).sort();
      let s = "{";
      let first = true;
      for (const k of keys) {
        const w = write((v as Record<string, unknown>)[k], depth + 1);
        if (w === undefined) continue;
        if (!first) s += ",";
        first = false;
        s += `${JSON.stringify(k)}:${w}`;
      }
      return `${s}}`;
    }
    default:
      return undefined;
  }
}

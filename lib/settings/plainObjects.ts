/** Small helpers for the plain JSON-like objects that settings are made of. */

export type PlainObject = Record<string, unknown>;

/**
 * Keys never copied from input into settings objects: assigning `__proto__` re-parents the target, and
 * `constructor`/`prototype` are how prototype-pollution gadgets are reached.
 */
const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

export function isUnsafeKey(key: string): boolean {
  return UNSAFE_KEYS.has(key);
}

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

function isObjectLiteral(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A deep copy of JSON-like data without `__proto__`/`constructor`/`prototype` keys at any depth. */
export function cleanClone<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cleanClone) as T;
  if (isPlainObject(value) && isObjectLiteral(value)) {
    const out: PlainObject = {};
    for (const [key, v] of Object.entries(value)) if (!UNSAFE_KEYS.has(key)) out[key] = cleanClone(v);
    return out as T;
  }
  return typeof value === "object" && value !== null ? structuredClone(value) : value;
}

/** Merges `over` onto a copy of `base`: objects key by key, everything else replaces. Unsafe keys are skipped. */
export function deepMerge<T>(base: T, over: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(over)) return cleanClone(over === undefined ? base : over) as T;
  const out: PlainObject = cleanClone(base);
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined || UNSAFE_KEYS.has(key)) continue;
    out[key] = Object.hasOwn(out, key) ? deepMerge(out[key], value) : cleanClone(value);
  }
  return out as T;
}

/**
 * Applies a partial update: like `deepMerge`, but a `null` deletes the key unless `keepNull(path)` says null is a
 * value there.
 */
export function applyPartial(
  base: unknown,
  partial: unknown,
  keepNull: (path: string[]) => boolean,
  path: string[] = [],
): unknown {
  if (!isPlainObject(partial)) return cleanClone(partial);
  const out: PlainObject = isPlainObject(base) ? cleanClone(base) : {};
  for (const [key, value] of Object.entries(partial)) {
    if (value === undefined || UNSAFE_KEYS.has(key)) continue;
    const at = [...path, key];
    if (value === null && !keepNull(at)) delete out[key];
    else out[key] = applyPartial(out[key], value, keepNull, at);
  }
  return out;
}

export function getIn(value: unknown, path: readonly string[]): unknown {
  let at = value;
  for (const key of path) {
    if (!isPlainObject(at)) return undefined;
    at = at[key];
  }
  return at;
}

/** Sets `path` in `target`, creating plain objects on the way. */
export function setIn(target: PlainObject, path: readonly string[], value: unknown): void {
  if (path.some((key) => UNSAFE_KEYS.has(key))) return;
  let at = target;
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(at[key])) at[key] = {};
    at = at[key] as PlainObject;
  }
  at[path[path.length - 1]!] = value;
}

export function deepFreeze<T>(value: T): Readonly<T> {
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The leaves where `before` and `after` differ, as a sparse object; a removed leaf carries its old value. */
export function changedLeaves(before: unknown, after: unknown): unknown {
  if (isPlainObject(before) && isPlainObject(after)) {
    const out: PlainObject = {};
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const diff = changedLeaves(before[key], after[key]);
      if (diff !== undefined) out[key] = diff;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (deepEqual(before, after)) return undefined;
  return after === undefined ? before : after;
}

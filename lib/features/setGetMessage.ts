import { BridgeError } from "../util/errors.js";

/** The payload parsing and key handling of `/set` and `/get`, as zigbee2mqtt does it. */

const BARE_STATES = /^(on|off|toggle|open|close|stop|lock|unlock)$/i;
const STATE_KEYS = ["state", "brightness", "brightness_percent"];

export type Message = Record<string, unknown>;

/**
 * The message of a `/set` or `/get`: a JSON object; for `<name>/set/<attribute>` the (JSON or raw) value of that
 * attribute; or a bare `ON`/`OFF`/`TOGGLE`/… as `{state}`.
 */
export function parsePayload(text: string, attribute: string | undefined, topic: string): Message {
  if (attribute !== undefined) {
    try {
      return { [attribute]: JSON.parse(text) };
    } catch {
      return { [attribute]: text };
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    if (BARE_STATES.test(text.trim())) return { state: text.trim().toUpperCase() };
    throw new BridgeError(
      "INVALID_PAYLOAD",
      `Invalid payload for '${topic}': not JSON and not ON/OFF/TOGGLE (${truncate(text)})`,
    );
  }
  if (typeof parsed === "string" && BARE_STATES.test(parsed)) return { state: parsed.toUpperCase() };
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new BridgeError(
      "INVALID_PAYLOAD",
      `Invalid payload for '${topic}': expected a JSON object (${truncate(text)})`,
    );
  }
  return parsed as Message;
}

/** state/brightness first when switching off, last otherwise (so a colour is set before the lamp turns on). */
export function orderKeys(message: Message): Array<[string, unknown]> {
  const entries = Object.entries(message);
  const off = typeof message.state === "string" && message.state.toUpperCase() === "OFF";
  const isState = ([k]: [string, unknown]) => STATE_KEYS.includes(k);
  const states = entries.filter(isState);
  const rest = entries.filter((e) => !isState(e));
  return off ? [...states, ...rest] : [...rest, ...states];
}

/**
 * `state_l2` → `{key: "state", endpoint: "l2"}` when `l2` is one of the device's endpoint names and no converter
 * takes the whole key; otherwise the key as it is.
 */
export function splitEndpointKey(
  key: string,
  endpointNames: readonly string[],
  isConverterKey: (key: string) => boolean,
): { key: string; endpoint?: string } {
  if (isConverterKey(key)) return { key };
  let best: string | undefined;
  for (const name of endpointNames) {
    if (key.length > name.length + 1 && key.endsWith(`_${name}`) && (!best || name.length > best.length)) best = name;
  }
  return best ? { key: key.slice(0, -(best.length + 1)), endpoint: best } : { key };
}

/**
 * The converter's own copy of the message: a converter may change it (zhc's light_onoff_brightness writes `state`),
 * and for an endpoint its keys lose the `_<endpoint>` suffix (`brightness_l2` → `brightness`), as the converter
 * reads `meta.message.brightness`.
 */
export function messageFor(message: Message, endpoint: string | undefined): Message {
  const copy: Message = { ...message };
  if (endpoint === undefined) return copy;
  const suffix = `_${endpoint}`;
  for (const [k, v] of Object.entries(message)) {
    if (k.length > suffix.length && k.endsWith(suffix)) {
      delete copy[k];
      copy[k.slice(0, -suffix.length)] = v;
    }
  }
  return copy;
}

/** An optimistic state for an endpoint: `{state: "ON"}` → `{state_l2: "ON"}`. */
export function withEndpointSuffix(state: Message, endpoint: string | undefined): Message {
  if (endpoint === undefined) return { ...state };
  return Object.fromEntries(Object.entries(state).map(([k, v]) => [`${k}_${endpoint}`, v]));
}

const compiled = new WeakMap<readonly unknown[], RegExp[]>();

/** The user's regexes (e.g. `filtered_optimistic`), compiled once per settings list; invalid ones are left out. */
export function regexList(list: unknown): RegExp[] {
  if (!Array.isArray(list) || list.length === 0) return [];
  let out = compiled.get(list);
  if (out) return out;
  out = [];
  for (const s of list) {
    try {
      out.push(new RegExp(String(s)));
    } catch {
      // settings validation reports an invalid regex
    }
  }
  compiled.set(list, out);
  return out;
}

/** Removes the keys matching any of the regexes (zigbee2mqtt's `filtered_optimistic`). */
export function removeMatching(state: Message, regexes: readonly RegExp[]): Message {
  if (regexes.length === 0) return state;
  for (const k of Object.keys(state)) if (regexes.some((r) => r.test(k))) delete state[k];
  return state;
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}

/**
 * Seeded generators of hostile MQTT input for the fuzz test: commands (topic + payload) for every entry point the
 * bridge subscribes to. Malformed adapter frames are in fuzzFrames.ts.
 */

import type { Prng } from "../../../lib/simulator/util/prng.js";

export interface MqttCase {
  topic: string;
  payload: string | Buffer;
  /** the response topic when this is a bridge request (each gets exactly one response) */
  response?: string;
}

export const pick = <T>(rnd: Prng, list: readonly T[]): T => list[rnd.int(0, list.length - 1)] as T;

const KEYS = [
  "id",
  "from",
  "to",
  "friendly_name",
  "device",
  "group",
  "endpoint",
  "cluster",
  "attribute",
  "value",
  "time",
  "options",
  "state",
  "brightness",
  "color",
  "color_temp",
  "transition",
  "last",
  "force",
  "block",
  "type",
  "routes",
  "clusters",
  "configs",
  "ieee_address",
  "channel",
  "action",
  "params",
  "name",
  "code",
  "url",
  "hex",
  "x",
  "y",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "transaction",
  "",
  " ",
  "a.b",
  "a/b",
];
const STRINGS = [
  "",
  " ",
  "ON",
  "OFF",
  "toggle",
  "TOGGLE",
  "sensor",
  "plug",
  "remote",
  "no_such_device",
  "bridge",
  "default",
  "a/+/b",
  "#",
  "+",
  "a//b",
  "/",
  "lamp/set",
  "\u0000",
  "\ud800",
  "\udc00x",
  "\ud83d\ude00",
  "é",
  "\u202e",
  "1e309",
  "NaN",
  "Infinity",
  "-0",
  "0x00124b0000000000",
  "0xffffffffffffffff",
  "genOnOff",
  "raw",
  "graphviz",
  "x".repeat(300),
];
const NUMBERS = [0, -1, 1, 254, 255, 256, 65535, 65536, -2147483648, 2 ** 53 + 1, 1e308, -1e308, 0.5, 5e-324];
const RAW = [
  "",
  "{",
  "}",
  '{"a":',
  "[1,2",
  "NaN",
  "Infinity",
  "-Infinity",
  '{"time": NaN}',
  '{"brightness": Infinity}',
  "{'a': 1}",
  "null",
  "true",
  "123",
  '"on"',
  "\ufeff{}",
  '{"a":1,"a":2}',
  "undefined",
  "[]",
  "{}",
  "ON ",
  " off",
  '{"transaction": 1',
  '{"__proto__": {"polluted": 1}}',
  '{"constructor": {"prototype": {"polluted": 1}}}',
];

/** A random JSON value of limited depth. */
export function value(rnd: Prng, depth = 0): unknown {
  const r = rnd.int(0, depth > 3 ? 5 : 8);
  if (r <= 1) return pick(rnd, STRINGS);
  if (r === 2) return pick(rnd, NUMBERS);
  if (r === 3) return rnd.int(0, 2) === 0 ? null : rnd.int(0, 1) === 1;
  if (r === 4) return randomText(rnd, rnd.int(0, 40));
  if (r === 5) return rnd.int(-1000, 100_000);
  if (r === 6) return Array.from({ length: rnd.int(0, 4) }, () => value(rnd, depth + 1));
  return object(rnd, depth + 1);
}

function object(rnd: Prng, depth: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const n = rnd.int(0, 5);
  for (let i = 0; i < n; i++) {
    const key = rnd.int(0, 5) === 0 ? randomText(rnd, rnd.int(0, 12)) : pick(rnd, KEYS);
    Object.defineProperty(o, key, { value: value(rnd, depth), enumerable: true, writable: true });
  }
  return o;
}

/** Any UTF-16 code units: lone surrogates, controls, NUL, astral characters. */
export function randomText(rnd: Prng, length: number): string {
  let s = "";
  for (let i = 0; i < length; i++)
    s += String.fromCharCode(rnd.int(0, 3) === 0 ? rnd.int(0, 0xffff) : rnd.int(32, 126));
  return s;
}

/** Names a client may try to give an entity: each breaks a topic, a file or a lookup somewhere. */
const NAMES = [
  "a\u0085b",
  "a\ufffeb",
  "x\ud800",
  "a\u0001",
  "a//b",
  " lead",
  "trail ",
  "é/ü",
  "\u202eevil",
  "x".repeat(70_000),
  "0x00124b0000000000",
  "1",
  "2/3",
  "bridge/x",
  "a/set",
  "lamp",
  "kitchen",
  "$SYS/x",
  "🙂",
  "a/b/c/d/e/f/g",
];

/** An object with every field a request reads: known ids and hostile names, so handlers get past validation. */
function shaped(rnd: Prng, known: string[]): Record<string, unknown> {
  const id = () => (rnd.int(0, 2) > 0 && known.length > 0 ? pick(rnd, known) : value(rnd, 2));
  const name = () => (rnd.int(0, 3) > 0 ? pick(rnd, NAMES) : value(rnd, 2));
  return {
    id: id(),
    from: id(),
    to: name(),
    friendly_name: name(),
    device: id(),
    group: id(),
    target: id(),
    endpoint: pick(rnd, [1, 2, "default", "l1", 999, -1, "1", null]),
    cluster: pick(rnd, ["genOnOff", "x", 6, -1, ""]),
    attribute: pick(rnd, ["onOff", "x", 0, ""]),
    options: object(rnd, 2),
    time: value(rnd, 3),
    type: value(rnd, 3),
    clusters: [value(rnd, 3)],
    minimum_report_interval: value(rnd, 3),
    maximum_report_interval: value(rnd, 3),
  };
}

/** A payload: a JSON object (with a transaction), any JSON value, broken JSON, random bytes, huge or deep. */
export function payload(rnd: Prng, transaction: string, known: string[] = []): string | Buffer {
  const r = rnd.int(0, 999);
  if (r < 200) return JSON.stringify({ ...shaped(rnd, known), transaction });
  if (r < 450) return JSON.stringify({ ...object(rnd, 0), transaction });
  if (r < 600) return JSON.stringify(value(rnd));
  if (r < 750) return pick(rnd, RAW);
  if (r < 850) return Buffer.from(Array.from({ length: rnd.int(0, 64) }, () => rnd.int(0, 255))); // not UTF-8
  if (r < 900) return JSON.stringify({ transaction, [pick(rnd, KEYS)]: randomText(rnd, rnd.int(0, 2000)) });
  if (r < 940) {
    const depth = rnd.int(1000, 20_000);
    return rnd.int(0, 1) === 0
      ? `{"transaction":"${transaction}","id":${"[".repeat(depth)}${"]".repeat(depth)}}`
      : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
  }
  if (r < 960) {
    const depth = rnd.int(1000, 200_000);
    return `{"transaction":${"[".repeat(depth)}${"]".repeat(depth)}}`;
  }
  if (r < 970) return JSON.stringify({ transaction, id: "x".repeat(rnd.int(100_000, 1_048_576)) });
  if (r < 975) return JSON.stringify({ transaction, list: Array.from({ length: 50_000 }, (_, i) => i) });
  return JSON.stringify({ transaction, id: pick(rnd, STRINGS), options: object(rnd, 1), __proto__x: 1 });
}

export interface Entry {
  base: string;
  requests: string[];
  /** topic names for /set and /get */
  entities: string[];
  /** ids that payloads may name (devices, groups; never the lamp, which must stay controllable) */
  ids: string[];
}

/** Characters a client cannot publish in a topic (the broker would drop the connection of the test client). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we remove
const NOT_PUBLISHABLE = /[\u0000-\u001f\u007f-\u009f+#\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]/g;

/** One MQTT case: a bridge request (known or unknown name) or a /set, /get on any entity, endpoint, attribute. */
export function mqttCase(rnd: Prng, at: Entry, index: number): MqttCase {
  const transaction = `f${index}`;
  const body = payload(rnd, transaction, at.ids);
  if (rnd.int(0, 99) < 55) {
    const r = rnd.int(0, 19);
    let name = pick(rnd, at.requests);
    if (name === "") name = "/";
    if (r === 0) name = name.toUpperCase();
    else if (r <= 3) name = pick(rnd, ["", "/", "a//b", "permit_join/", "device", "x".repeat(500), "é/ü", "$SYS"]);
    else if (r <= 5) name = randomText(rnd, rnd.int(1, 20)).replace(NOT_PUBLISHABLE, "_");
    if (name === "") name = "/";
    return {
      topic: `${at.base}/bridge/request/${name}`,
      payload: body,
      response: `${at.base}/bridge/response/${name}`,
    };
  }
  const entity =
    rnd.int(0, 4) === 0 ? pick(rnd, ["", "unknown", "a//b", "é", "1", "bridge", " "]) : pick(rnd, at.entities);
  const ep = pick(rnd, ["", "", "", "/1", "/2", "/l1", "/default", "/999", "/-1", "/", "/é"]);
  const action = rnd.int(0, 3) === 0 ? "get" : "set";
  const attr = rnd.int(0, 2) === 0 ? `/${pick(rnd, [...KEYS, "state", "brightness", "color", ""])}` : "";
  return { topic: `${at.base}/${entity}${ep}/${action}${attr}`, payload: body };
}

// Normalises what is volatile in the recorded messages and compares the two sides point by point: a point is one
// message (step, topic, n-th on that topic in that step). Intended differences come from allowlist.json.
import { readFileSync } from "node:fs";

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;
const VOLATILE_KEYS = new Set(["last_seen", "elapsed", "commit", "time"]);
const VERSION_PATHS = [
  /^version$/,
  /^zigbee_herdsman(_converters)?\.version$/,
  /^origin\.sw$/,
  /^device\.sw_version$/,
  /^config\.version$/,
];

/** Volatile parts of a payload text: ports of this run's broker and simulator, the run's directory. */
export function normaliseText(text, side) {
  let t = text.replaceAll(side.dir, "<dir>");
  for (const [port, label] of [
    [side.mqttPort, "<mqtt-port>"],
    [side.simPort, "<sim-port>"],
  ])
    t = t.replaceAll(`127.0.0.1:${port}`, `127.0.0.1:${label}`);
  return t;
}

function normaliseValue(value, path) {
  if (Array.isArray(value)) return value.map((v, i) => normaliseValue(v, `${path}[${i}]`));
  if (value && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      const p = path ? `${path}.${k}` : k;
      if (VOLATILE_KEYS.has(k) && v !== null) out[k] = "<volatile>";
      else if (VERSION_PATHS.some((re) => re.test(p)) && typeof v === "string") out[k] = "<version>";
      else out[k] = normaliseValue(v, p);
    }
    return out;
  }
  if (typeof value === "string" && ISO_TIME.test(value)) return "<time>";
  return value;
}

export function normaliseMessage(msg, side) {
  const text = normaliseText(msg.payload, side);
  let json;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  const payload = json !== undefined && typeof json === "object" ? normaliseValue(json, "") : text;
  return { step: msg.step, topic: msg.topic, retain: msg.retain, qos: msg.qos, payload };
}

/** The paths where two normalised values differ ("" = the whole value). */
export function diffPaths(a, b, path = "", out = []) {
  if (a === b) return out;
  const isObj = (v) => v !== null && typeof v === "object";
  if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
    if (Array.isArray(a)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) diffPaths(a[i], b[i], `${path}[${i}]`, out);
    } else {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
        diffPaths(a[k], b[k], path ? `${path}.${k}` : k, out);
    }
    return out;
  }
  out.push(path);
  return out;
}

export function loadAllowlist(file) {
  const raw = JSON.parse(readFileSync(file, "utf8"));
  return raw.map((e, i) => {
    if (typeof e.reason !== "string" || e.reason.length < 10) throw new Error(`${file}: entry ${i} needs a reason`);
    return {
      ...e,
      topicRe: new RegExp(e.topic),
      pathRe: e.path !== undefined ? new RegExp(e.path) : undefined,
      stepRe: e.step !== undefined ? new RegExp(e.step) : undefined,
      used: 0,
    };
  });
}

function group(messages) {
  const map = new Map();
  for (const m of messages) {
    const base = `${m.step}\t${m.topic}`;
    const n = (map.get(`count\t${base}`) ?? 0) + 1;
    map.set(`count\t${base}`, n);
    map.set(`${base}\t#${n}`, m);
  }
  for (const k of [...map.keys()]) if (k.startsWith("count\t")) map.delete(k);
  return map;
}

/**
 * Compares the oracle's messages (`theirs`) with ours. Returns every point with its verdict: identical, allowed (every
 * difference covered by an allowlist entry) or different.
 */
export function compare(theirs, ours, allowlist) {
  const a = group(theirs);
  const b = group(ours);
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  const points = [];
  for (const key of keys) {
    const [step, topic] = key.split("\t");
    const t = a.get(key);
    const o = b.get(key);
    let paths;
    if (!t) paths = ["<only ours>"];
    else if (!o) paths = ["<only zigbee2mqtt>"];
    else {
      paths = diffPaths(t.payload, o.payload);
      if (t.retain !== o.retain) paths.push("<retain>");
      if (t.qos !== o.qos) paths.push("<qos>");
    }
    let verdict = "identical";
    const entries = [];
    if (paths.length > 0) {
      verdict = "allowed";
      for (const p of paths) {
        const e = allowlist.find(
          (x) => x.topicRe.test(topic) && (!x.stepRe || x.stepRe.test(step)) && (!x.pathRe || x.pathRe.test(p)),
        );
        if (!e) {
          verdict = "different";
          break;
        }
        entries.push(e);
      }
      if (verdict === "allowed") for (const e of new Set(entries)) e.used++;
    }
    points.push({ key, step, topic, verdict, paths, theirs: t, ours: o });
  }
  return points;
}

/** A category for the summary: the topic with device names and ids generalised. */
export function category(point) {
  const t = point.topic
    .replace(/^homeassistant\/[^/]+\/[^/]+\/[^/]+\/config$/, "homeassistant/<component>/<id>/<object>/config")
    .replace(/^homeassistant\/.*$/, "homeassistant/…")
    .replace(/^zigbee2mqtt\/bridge\/response\/.*$/, "zigbee2mqtt/bridge/response/…")
    .replace(/^zigbee2mqtt\/(?!bridge\/)[^/]+(\/[^/]+)*\/availability$/, "zigbee2mqtt/<device>/availability")
    .replace(/^zigbee2mqtt\/(?!bridge\/)[^/]+(\/[^/]+)*$/, "zigbee2mqtt/<device>");
  const kind = point.paths[0]?.startsWith("<only") ? point.paths[0] : "payload";
  return `${t} (${kind})`;
}

// Normalises what is volatile in the recorded messages and compares the two sides point by point: a point is one
// message, paired with its counterpart by align.mjs under the rules of ruleFor (README "Rules"). Intended differences
// come from allowlist.json.
import { readFileSync } from "node:fs";
import { alignOrdered, alignUnordered, canonical, PAIR_THRESHOLD, similarity } from "./align.mjs";

const isObj = (v) => v !== null && typeof v === "object";
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;
const VOLATILE_KEYS = new Set(["last_seen", "lastSeen", "elapsed", "commit", "time", "permit_join_end"]);
const VERSION_PATHS = [
  /^version$/,
  /^zigbee_herdsman(_converters)?\.version$/,
  /^origin\.sw$/,
  /^device\.sw_version$/,
  /^config\.version$/,
];
/**
 * The support link in Home Assistant's origin block (`url`, long form `support_url`) names the bridge's project, like
 * the origin's name (see normaliseIdentity): zigbee2mqtt's is its site, we have no public site and send none. Dropped.
 */
const IDENTITY_PATHS = /^origin\.(url|support_url)$/;

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
      if (IDENTITY_PATHS.test(p)) continue;
      if (VOLATILE_KEYS.has(k) && v !== null) out[k] = "<volatile>";
      else if (VERSION_PATHS.some((re) => re.test(p)) && typeof v === "string") out[k] = "<version>";
      else out[k] = normaliseValue(v, p);
    }
    return out;
  }
  if (typeof value === "string" && ISO_TIME.test(value)) return "<time>";
  return value;
}

/** bridge/health's figures (memory, load, message counts) are measurements: their shape is compared, not values. */
function measurements(v) {
  if (typeof v === "number") return "<number>";
  if (Array.isArray(v)) return v.map(measurements);
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, measurements(x)]));
  return v;
}

function parseJson(text) {
  try {
    return text === "" ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A logging line that quotes a published payload (`… payload '<json>'`): that payload normalised like any other. */
function normaliseQuotedPayload(message) {
  const m = /^(.*?payload ')(.*)('.*)$/s.exec(message);
  const json = m && parseJson(m[2]);
  if (!json || typeof json !== "object") return message;
  return `${m[1]}${JSON.stringify(normaliseValue(json, ""))}${m[3]}`;
}

/**
 * The bridge's own name, as the issue's measurement normalised it: in our payloads `zigmqtt` reads as zigbee2mqtt's
 * `Zigbee2MQTT` (the bridge device's manufacturer and name, the start and stop log lines) and `zigmqtt_bridge_` as
 * `zigbee2mqtt_bridge_` (the bridge's Home Assistant entity ids). The base topic `zigbee2mqtt/` is the same on both.
 */
export function normaliseIdentity(text, side) {
  if (side.kind !== "ours") return text;
  return text.replaceAll("zigmqtt_bridge_", "zigbee2mqtt_bridge_").replace(/\bzigmqtt\b(?![_/])/g, "Zigbee2MQTT");
}

export function normaliseMessage(msg, side) {
  const text = normaliseIdentity(normaliseText(msg.payload, side), side);
  const json = parseJson(text);
  let payload = json !== undefined && json !== null && typeof json === "object" ? normaliseValue(json, "") : text;
  if (msg.topic.endsWith("/bridge/health") && isObj(payload)) payload = measurements(payload);
  if (msg.topic.endsWith("/bridge/logging") && typeof payload?.message === "string")
    payload = { ...payload, message: normaliseQuotedPayload(payload.message) };
  return { step: msg.step, topic: msg.topic, retain: msg.retain, qos: msg.qos, payload };
}

const IDENTITY_KEYS = ["ieee_address", "ieeeAddr", "friendly_name", "id"];

/** The key that identifies the elements of both arrays (every element an object with a distinct value), if any. */
function identityKey(a, b) {
  return IDENTITY_KEYS.find((k) =>
    [a, b].every((arr) => {
      const vals = arr.map((e) => (isObj(e) && !Array.isArray(e) ? e[k] : undefined));
      return vals.every((v) => typeof v === "string" || typeof v === "number") && new Set(vals).size === vals.length;
    }),
  );
}

/**
 * The paths where two normalised values differ ("" = the whole value). Arrays of entities (devices, groups, network
 * map nodes: elements with a distinct ieee_address / ieeeAddr / friendly_name / id) are compared by that key, the
 * path naming it (`[0xa4c1…]`), so that one missing device is one path and not every following index.
 */
export function diffPaths(a, b, path = "", out = []) {
  if (a === b) return out;
  if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
    const key = Array.isArray(a) && a.length + b.length > 0 ? identityKey(a, b) : undefined;
    if (key) {
      const byKey = (arr) => new Map(arr.map((e) => [String(e[key]), e]));
      const ma = byKey(a);
      const mb = byKey(b);
      for (const k of new Set([...ma.keys(), ...mb.keys()])) diffPaths(ma.get(k), mb.get(k), `${path}[${k}]`, out);
    } else if (Array.isArray(a)) {
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
  return compileAllowlist(JSON.parse(readFileSync(file, "utf8")), file);
}

/** Allowlist entries ({topic, step?, path?, ours?, reason}) with their regexes compiled. */
export function compileAllowlist(raw, source = "allowlist") {
  return raw.map((e, i) => {
    if (typeof e.reason !== "string" || e.reason.length < 10) throw new Error(`${source}: entry ${i} needs a reason`);
    return {
      ...e,
      topicRe: new RegExp(e.topic),
      pathRe: e.path !== undefined ? new RegExp(e.path) : undefined,
      stepRe: e.step !== undefined ? new RegExp(e.step) : undefined,
      valueRe: e.ours !== undefined ? new RegExp(e.ours) : undefined,
      used: 0,
    };
  });
}

/** Retained snapshot topics the bridge republishes whenever something changes. */
const SNAPSHOT_TOPIC = /^zigbee2mqtt\/bridge\/(devices|info|groups|definitions|extensions|converters)$/;
/** A device's own state topic (not availability, not bridge/*). */
const DEVICE_STATE_TOPIC = /^zigbee2mqtt\/(?!bridge\/)(?!.*\/availability$).+$/;
/** Steps in which the bridge starts and interviews concurrently (session.mjs marks them `startup`). */
export function isStartupStep(step, steps) {
  return steps?.find((s) => s.name === step)?.startup === true;
}

/**
 * How the messages of one (step, topic) are paired (README "Rules"):
 * - `final`: in a startup step, the retained snapshot topics and the devices' state topics: the last message only
 *   (the oracle itself republishes them a varying number of times with varying intermediate contents while the
 *   interviews run concurrently);
 * - `unordered`: bridge/logging (the oracle interleaves the lines of concurrent work differently from run to run);
 * - `ordered`: everything else, a sequence alignment.
 */
export function ruleFor(step, topic, steps) {
  if (isStartupStep(step, steps) && (SNAPSHOT_TOPIC.test(topic) || DEVICE_STATE_TOPIC.test(topic))) return "final";
  if (topic === "zigbee2mqtt/bridge/logging") return "unordered";
  return "ordered";
}

const PUBLISH_LINE = /MQTT publish: topic '([^']+)'/;

/**
 * In a startup step, the `MQTT publish: topic 'T'` logging lines of a topic T compared by its final message only are
 * reduced likewise to the last one per T: they mirror those publications, so they vary with them.
 */
function lastPublishLinesOnly(lines, step, steps) {
  const lastOf = new Map();
  lines.forEach((m, i) => {
    const t = PUBLISH_LINE.exec(typeof m.payload?.message === "string" ? m.payload.message : "")?.[1];
    if (t && ruleFor(step, t, steps) === "final") lastOf.set(t, i);
  });
  return lines.filter((m, i) => {
    const t = PUBLISH_LINE.exec(typeof m.payload?.message === "string" ? m.payload.message : "")?.[1];
    return !(t && ruleFor(step, t, steps) === "final") || lastOf.get(t) === i;
  });
}

/**
 * Rule 5: in a startup step, `bridge/event` is a sequence per device (`data.ieee_address`): the interviews run
 * concurrently, so the order of different devices' events varies, but each device's own events keep their order.
 */
function subject(m, steps) {
  if (m.topic !== "zigbee2mqtt/bridge/event" || !isStartupStep(m.step, steps)) return "";
  const ieee = m.payload?.data?.ieee_address;
  return typeof ieee === "string" ? ieee : "";
}

/**
 * Rule 8: in a startup step, a `device_announce` bridge/event (and the logging line quoting it) is not compared.
 * Whether zigbee-herdsman reports a device's announce while the device joins races the join itself: zigbee2mqtt
 * against itself had one for the bulb in 3 of 4 runs, and either bridge has it for one device or another.
 */
function racyAtStart(m, steps) {
  if (!isStartupStep(m.step, steps)) return false;
  if (m.topic === "zigbee2mqtt/bridge/event") return m.payload?.type === "device_announce";
  if (m.topic !== "zigbee2mqtt/bridge/logging" || typeof m.payload?.message !== "string") return false;
  const quoted = QUOTE_LINE.exec(m.payload.message);
  return quoted?.[2] === "zigbee2mqtt/bridge/event" && parseJson(quoted[3])?.type === "device_announce";
}

function groups(messages, steps) {
  const map = new Map();
  for (const m of messages) {
    if (racyAtStart(m, steps)) continue;
    const k = `${m.step}\t${m.topic}\t${subject(m, steps)}`;
    if (!map.has(k)) map.set(k, []);
    map.get(k).push(m);
  }
  return map;
}

const asText = (v) => (typeof v === "string" ? v : JSON.stringify(v));

/** The differing paths of two messages (payload, retain, QoS), "<only …>" when one side has none. */
function messagePaths(t, o) {
  if (!t) return ["<only ours>"];
  if (!o) return ["<only zigbee2mqtt>"];
  const paths = diffPaths(t.payload, o.payload);
  if (t.retain !== o.retain) paths.push("<retain>");
  if (t.qos !== o.qos) paths.push("<qos>");
  return paths;
}

/** The allowlist entry covering one differing path of a point (topic, step, path, our value), if any. */
function entryFor(allowlist, step, topic, path, ours) {
  return allowlist.find(
    (x) =>
      x.topicRe.test(topic) &&
      (!x.stepRe || x.stepRe.test(step)) &&
      (!x.pathRe || x.pathRe.test(path)) &&
      (!x.valueRe || x.valueRe.test(asText(valueAt(ours, path)))),
  );
}

const QUOTE_LINE = /^(.*MQTT publish: topic '([^']+)', payload ')(.*)('.*)$/s;

/**
 * An echo (README "Rules", 6): two logging lines quoting a publication of the same topic T, alike but for the quoted
 * payloads. Returns the quoted messages (as messages of T), or undefined when the lines differ elsewhere.
 */
function quotedPair(t, o) {
  if (t && o && (t.topic !== o.topic || t.retain !== o.retain || t.qos !== o.qos)) return undefined;
  if (t && o && t.payload?.level !== o.payload?.level) return undefined;
  const parse = (m) => {
    if (!m) return null;
    if (m.topic !== "zigbee2mqtt/bridge/logging" || !isObj(m.payload) || Object.keys(m.payload).length !== 2)
      return undefined;
    return typeof m.payload.message === "string" ? (QUOTE_LINE.exec(m.payload.message) ?? undefined) : undefined;
  };
  const a = parse(t);
  const b = parse(o);
  if (a === undefined || b === undefined) return undefined;
  if (a && b && (a[1] !== b[1] || a[4] !== b[4])) return undefined;
  const quoted = (text) => {
    const json = parseJson(text);
    return json !== undefined && json !== null && typeof json === "object" ? json : text;
  };
  const as = (m, q) => m && { step: m.step, topic: q[2], retain: false, qos: 0, payload: quoted(q[3]) };
  return { topic: (a ?? b)[2], theirs: as(t, a), ours: as(o, b) };
}

function judge(point, allowlist) {
  const { step, topic, theirs: t, ours: o } = point;
  const paths = messagePaths(t, o);
  const entries = [];
  const open = [];
  for (const p of paths) {
    const e = entryFor(allowlist, step, topic, p, o?.payload);
    if (e) entries.push(e);
    else open.push(p);
  }
  // rule 6: a logging line echoing a publication differs as that publication may
  const echo = open.length > 0 ? quotedPair(t, o) : undefined;
  if (echo) {
    const inner = messagePaths(echo.theirs, echo.ours);
    const innerEntries = inner.map((p) => entryFor(allowlist, step, echo.topic, p, echo.ours?.payload));
    if (innerEntries.every(Boolean)) {
      const verdict = inner.length === 0 ? "identical" : "allowed";
      return {
        ...point,
        verdict,
        paths: inner.length === 0 ? [] : paths,
        open: [],
        entries: [...new Set(innerEntries)],
        echo: echo.topic,
      };
    }
  }
  const verdict = paths.length === 0 ? "identical" : open.length === 0 ? "allowed" : "different";
  return { ...point, verdict, paths, open, entries: [...new Set(entries)] };
}

/** One difference of a point: its path with both values, so that the same difference is recognised again. */
function differenceKey(point, path) {
  const at = (m) =>
    path === "<qos>" ? m.qos : path === "<retain>" ? m.retain : canonical(valueAt(m.payload, path) ?? null);
  return `${path}\u0000${at(point.theirs)}\u0000${at(point.ours)}`;
}

/**
 * Rule 7: a retained snapshot (bridge/info, bridge/definitions, …) is a whole document republished on every change.
 * An allowed difference of it (our settings in bridge/info's config and schema, the cluster table of our
 * zigbee-herdsman in bridge/definitions) is counted at its first publication; a later publication whose differences
 * are all such differences, with the same values, is counted identical (marked `repeat`). A difference that is not
 * allowed counts at every publication. Returns how many points it turned.
 */
function countRepeatsOnce(points, index) {
  const seen = new Map();
  let turned = 0;
  const ordered = points
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => SNAPSHOT_TOPIC.test(p.topic) && p.theirs && p.ours)
    .sort((x, y) => index(x.p.step) - index(y.p.step) || x.i - y.i);
  for (const { p } of ordered) {
    if (!seen.has(p.topic)) seen.set(p.topic, new Set());
    const known = seen.get(p.topic);
    if (p.verdict !== "allowed") continue;
    const keys = p.paths.map((path) => differenceKey(p, path));
    if (keys.every((k) => known.has(k))) {
      p.verdict = "identical";
      p.repeat = true;
      turned++;
    } else for (const k of keys) known.add(k);
  }
  return turned;
}

/**
 * Two messages that may be the same one with differences: logging lines quoting a publication of the same topic,
 * other messages at least half alike (align.mjs). The late rule's second pass pairs only such messages.
 */
const alike = (t, o) =>
  t.topic === "zigbee2mqtt/bridge/logging"
    ? Boolean(quotedPair(t, o))
    : similarity(t.payload, o.payload) >= PAIR_THRESHOLD;

const sameMessage = (x, y) => x.retain === y.retain && x.qos === y.qos && canonical(x.payload) === canonical(y.payload);

/**
 * Compares the oracle's messages (`theirs`) with ours. Returns every point with its verdict: identical, allowed (every
 * difference covered by an allowlist entry) or different; and `notes` on what the rules did.
 */
export function compare(theirs, ours, allowlist, steps) {
  const a = groups(theirs, steps);
  const b = groups(ours, steps);
  const stepOrder = steps ? [...steps.map((s) => s.name), "retained"] : [];
  const index = (s) => stepOrder.indexOf(s);
  const notes = [];
  // the messages each rule compares, per (step, topic)
  const work = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const [step, topic, sub] = key.split("\t");
    let xs = a.get(key) ?? [];
    let ys = b.get(key) ?? [];
    const rule = ruleFor(step, topic, steps);
    if (rule === "final") {
      if (xs.length !== ys.length && SNAPSHOT_TOPIC.test(topic))
        notes.push(`${step}: ${topic} published ${xs.length}× by zigbee2mqtt, ${ys.length}× by us (final compared)`);
      xs = xs.slice(-1);
      ys = ys.slice(-1);
    }
    if (rule === "unordered" && isStartupStep(step, steps)) {
      xs = lastPublishLinesOnly(xs, step, steps);
      ys = lastPublishLinesOnly(ys, step, steps);
    }
    work.push({ step, topic, sub, rule, xs, ys });
  }
  const align = (w, exact) => (w.rule === "unordered" ? alignUnordered : alignOrdered)(w.xs, w.ys, { exact });
  // late (rule 4): among the messages without an equal counterpart in their own step, one equal to a message without
  // one in the next or previous step on the other side is that message, come after the quiet period on one side. Found
  // before messages are paired by likeness, so that a late message is not paired with a merely similar one.
  const points = [];
  const lonelyOurs = [];
  const lonelyTheirs = [];
  for (const w of work) {
    if (w.rule === "final" || index(w.step) < 0) continue;
    for (const [i, j] of align(w, true)) {
      if (j === undefined) lonelyTheirs.push({ w, m: w.xs[i] });
      if (i === undefined) lonelyOurs.push({ w, m: w.ys[j] });
    }
  }
  const gone = new Set();
  const pairLate = (t, o) => {
    gone.add(o.m).add(t.m);
    const [s1, s2] = index(t.w.step) < index(o.w.step) ? [t.w.step, o.w.step] : [o.w.step, t.w.step];
    points.push({
      key: `${t.w.step}\t${t.w.topic}\tlate`,
      step: t.w.step,
      topic: t.w.topic,
      rule: "late",
      theirs: t.m,
      ours: o.m,
      late: `${s1} / ${s2}`,
    });
  };
  const adjacent = (c, t) =>
    !gone.has(c.m) && c.w.topic === t.w.topic && Math.abs(index(c.w.step) - index(t.w.step)) === 1;
  for (const t of lonelyTheirs) {
    const o = lonelyOurs.find((c) => adjacent(c, t) && sameMessage(c.m, t.m));
    if (o) pairLate(t, o);
  }
  // second pass: messages still on one side only once their own step's messages are paired by likeness, whose
  // differences to one in the next or previous step are all allowed (they would be allowed in the same step)
  const stillTheirs = [];
  const stillOurs = [];
  for (const w of work) {
    if (w.rule === "final" || index(w.step) < 0) continue;
    const rest = { ...w, xs: w.xs.filter((m) => !gone.has(m)), ys: w.ys.filter((m) => !gone.has(m)) };
    for (const [i, j] of align(rest, false)) {
      if (j === undefined) stillTheirs.push({ w, m: rest.xs[i] });
      if (i === undefined) stillOurs.push({ w, m: rest.ys[j] });
    }
  }
  for (const t of stillTheirs) {
    const o = stillOurs.find(
      (c) =>
        adjacent(c, t) &&
        alike(t.m, c.m) &&
        judge({ step: t.w.step, topic: t.w.topic, theirs: t.m, ours: c.m }, allowlist).verdict !== "different",
    );
    if (o) pairLate(t, o);
  }
  if (gone.size > 0) notes.push(`${gone.size / 2} messages came one step later on one side than on the other (rule 4)`);
  for (const w of work) {
    w.xs = w.xs.filter((m) => !gone.has(m));
    w.ys = w.ys.filter((m) => !gone.has(m));
    let extra = 0;
    for (const [i, j] of align(w, false)) {
      const label = w.rule === "final" ? "final" : i !== undefined ? `#${i + 1}` : `+${++extra}`;
      const topicKey = w.sub ? `${w.topic}\t${w.sub}` : w.topic;
      points.push({ key: `${w.step}\t${topicKey}\t${label}`, ...w, theirs: w.xs[i], ours: w.ys[j] });
    }
  }
  const judged = points.map(({ xs, ys, sub, ...p }) => judge(p, allowlist));
  for (const p of judged) if (p.verdict === "allowed") for (const e of p.entries) e.used++;
  const repeats = countRepeatsOnce(judged, index);
  if (repeats > 0)
    notes.push(
      `${repeats} republished snapshots differ only as an earlier publication of the same topic did, where that was allowed (rule 7): counted identical`,
    );
  return Object.assign(judged, { notes });
}

/** A category for the summary: the topic with device names and ids generalised, and what differs. */
export function category(point) {
  const t = point.topic;
  let topic;
  const ha = /^homeassistant\/([^/]+)\/[^/]+\/[^/]+\/config$/.exec(t);
  if (ha) topic = `homeassistant/${ha[1]}/<id>/<object>/config`;
  else if (t.startsWith("homeassistant/")) topic = "homeassistant/…";
  else if (t.startsWith("zigbee2mqtt/bridge/")) topic = t;
  else if (t.endsWith("/availability")) topic = "zigbee2mqtt/<device>/availability";
  else topic = "zigbee2mqtt/<device>";
  const first = (point.open?.length ? point.open : point.paths)[0] ?? "";
  const kind = first.startsWith("<only") ? first : `differs at ${first.replace(/\[[^\]]+\]/g, "[]") || "<whole>"}`;
  return `${topic} (${kind})`;
}

/** The value at a path of diffPaths ("a.b[2].c"); keys with dots are not told apart, good enough for a report. */
export function valueAt(value, path) {
  if (path === "" || path.startsWith("<")) return value;
  let v = value;
  for (const part of path.match(/[^.[\]]+|\[[^\]]+\]/g) ?? []) {
    if (v === null || typeof v !== "object") return undefined;
    if (!part.startsWith("[")) v = v[part];
    else if (/^\[\d+\]$/.test(part) && Array.isArray(v) && !identityKey(v, v)) v = v[Number(part.slice(1, -1))];
    else v = v.find?.((e) => IDENTITY_KEYS.some((k) => isObj(e) && String(e[k]) === part.slice(1, -1)));
  }
  return v;
}

/** One line saying what differs at a point, for the report's summary. */
export function example(point) {
  const cut = (v, n = 110) => {
    const s = v === undefined ? "(absent)" : JSON.stringify(v);
    return s.length > n ? `${s.slice(0, n)}…` : s;
  };
  const where = `${point.step} | ${point.topic}`;
  if (!point.ours) return `${where}: only zigbee2mqtt: ${cut(point.theirs.payload, 200)}`;
  if (!point.theirs) return `${where}: only ours: ${cut(point.ours.payload, 200)}`;
  const p = (point.open?.length ? point.open : point.paths)[0];
  if (p === "<retain>") return `${where}: retain z2m ${point.theirs.retain} / ours ${point.ours.retain}`;
  if (p === "<qos>") return `${where}: qos z2m ${point.theirs.qos} / ours ${point.ours.qos}`;
  const more = point.paths.length > 1 ? ` (+${point.paths.length - 1} paths)` : "";
  return `${where}: ${p || "<whole>"}: z2m ${cut(valueAt(point.theirs.payload, p))} / ours ${cut(valueAt(point.ours.payload, p))}${more}`;
}

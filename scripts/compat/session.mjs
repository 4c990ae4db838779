// The scripted session: the same steps, in the same order, against zigbee2mqtt and against our bridge. Each step
// publishes (or not) and then waits until the bridge has been quiet for a while; the messages it published meanwhile
// belong to that step. Steps may depend on what the side reported (`ctx.ieee`, from bridge/devices).
// A step may: start/stop the bridge, make a simulated device act (`control`, simulator.mjs), publish, and wait
// (`until`, a factory of a fresh predicate over the messages; a bridge request waits for its response). `startup`
// marks the steps in which the bridge starts (compare.mjs compares some topics' final message only there).

const B = "zigbee2mqtt";
const req = (name, payload) => ({ topic: `${B}/bridge/request/${name}`, payload });
const json = (v) => JSON.stringify(v);

/** Waits for `count` successful interviews (bridge/event). */
function interviewed(count) {
  let seen = 0;
  return (topic, payload) => {
    if (topic === `${B}/bridge/event` && /"status":"successful"/.test(payload)) seen++;
    return seen >= count;
  };
}

/** Waits for the messages matching each predicate, in this order. */
function inOrder(...preds) {
  let i = 0;
  return (topic, payload) => {
    if (i < preds.length && preds[i](topic, payload)) i++;
    return i === preds.length;
  };
}
const on = (topic, re) => (t, p) => t === `${B}/${topic}` && (!re || re.test(p));

/** Names the session gives the devices of scenario.yaml (found by model in bridge/devices). */
export const NAMES = {
  bulb: "living/bulb",
  sensor: "climate",
  remote: "remote",
  plug: "plug",
  dimmer: "dimmer",
};

export const STEPS = [
  // the bridge starts on a formed network: every device joins and is interviewed
  { name: "start", start: true, startup: true, quietMs: 4000, maxMs: 120000, until: () => interviewed(5) },
  // renames, one keeping the Home Assistant entity ids, one not
  ...Object.entries(NAMES).map(([key, to]) => ({
    name: `rename ${key}`,
    publish: (ctx) => req("device/rename", json({ from: ctx.ieee[key], to, homeassistant_rename: key !== "plug" })),
  })),
  // lamp set/get
  { name: "bulb on", publish: () => ({ topic: `${B}/living/bulb/set`, payload: json({ state: "ON" }) }) },
  { name: "bulb brightness", publish: () => ({ topic: `${B}/living/bulb/set`, payload: json({ brightness: 120 }) }) },
  {
    name: "bulb color_temp",
    publish: () => ({ topic: `${B}/living/bulb/set`, payload: json({ color_temp: 300 }) }),
  },
  {
    name: "bulb color xy",
    publish: () => ({ topic: `${B}/living/bulb/set`, payload: json({ color: { x: 0.3, y: 0.4 } }) }),
  },
  { name: "bulb get state", publish: () => ({ topic: `${B}/living/bulb/get`, payload: json({ state: "" }) }) },
  {
    name: "bulb get brightness",
    publish: () => ({ topic: `${B}/living/bulb/get`, payload: json({ brightness: "" }) }),
  },
  { name: "bulb toggle", publish: () => ({ topic: `${B}/living/bulb/set/state`, payload: "TOGGLE" }) },
  { name: "bulb off", publish: () => ({ topic: `${B}/living/bulb/set`, payload: "OFF" }) },
  { name: "plug on", publish: () => ({ topic: `${B}/plug/set`, payload: json({ state: "ON" }) }) },
  { name: "plug get", publish: () => ({ topic: `${B}/plug/get`, payload: json({ state: "" }) }) },
  { name: "dimmer l1 on", publish: () => ({ topic: `${B}/dimmer/set`, payload: json({ state_l1: "ON" }) }) },
  // l2 on first: a level change on an endpoint that is off races the device's on/off report against the command's
  // response, and zigbee2mqtt publishes them in either order (README "Rules", known nondeterminism)
  { name: "dimmer l2 on", publish: () => ({ topic: `${B}/dimmer/set`, payload: json({ state_l2: "ON" }) }) },
  {
    name: "dimmer l2 brightness",
    publish: () => ({ topic: `${B}/dimmer/set`, payload: json({ brightness_l2: 50 }) }),
  },
  // bridge requests
  { name: "health_check", publish: () => req("health_check", "") },
  { name: "networkmap raw", publish: () => req("networkmap", json({ type: "raw", routes: false })), quietMs: 4000 },
  { name: "group add", publish: () => req("group/add", json({ friendly_name: "lights", id: 7 })) },
  {
    name: "group member add",
    publish: () => req("group/members/add", json({ group: "lights", device: "living/bulb" })),
  },
  {
    name: "group member add dimmer l1",
    publish: () => req("group/members/add", json({ group: "lights", device: "dimmer", endpoint: "l1" })),
  },
  { name: "group set", publish: () => ({ topic: `${B}/lights/set`, payload: json({ state: "ON" }) }) },
  {
    name: "group options",
    publish: () => req("group/options", json({ id: "lights", options: { transition: 1 } })),
  },
  {
    name: "group rename",
    publish: () => req("group/rename", json({ from: "lights", to: "all/lights", homeassistant_rename: true })),
  },
  {
    name: "group member remove",
    publish: () => req("group/members/remove", json({ group: "all/lights", device: "living/bulb" })),
  },
  {
    name: "device options",
    publish: () => req("device/options", json({ id: "living/bulb", options: { transition: 2 } })),
  },
  {
    name: "bind",
    publish: () => req("device/bind", json({ from: "remote", to: "living/bulb", clusters: ["genOnOff"] })),
  },
  {
    name: "unbind",
    publish: () => req("device/unbind", json({ from: "remote", to: "living/bulb", clusters: ["genOnOff"] })),
  },
  {
    name: "configure_reporting",
    publish: () =>
      req(
        "device/configure_reporting",
        json({
          id: "plug",
          endpoint: 1,
          cluster: "genOnOff",
          attribute: "onOff",
          minimum_report_interval: 1,
          maximum_report_interval: 60,
          reportable_change: 0,
        }),
      ),
  },
  { name: "permit_join", publish: () => req("permit_join", json({ time: 20 })) },
  { name: "permit_join off", publish: () => req("permit_join", json({ time: 0 })) },
  // a sensor reading (get), device configure / interview, the external definition
  { name: "sensor get", publish: () => ({ topic: `${B}/climate/get`, payload: json({ temperature: "" }) }) },
  { name: "configure", publish: () => req("device/configure", json({ id: "plug" })) },
  { name: "interview", publish: () => req("device/interview", json({ id: "plug" })), maxMs: 30000 },
  {
    name: "generate_external_definition",
    publish: () => req("device/generate_external_definition", json({ id: "dimmer" })),
  },
  // availability: the sensor (battery: passive, no pings) gets a 6 s timeout, reports once and is then silent
  {
    name: "availability: short timeout",
    publish: () => req("device/options", json({ id: "climate", options: { availability: { timeout: 0.1 } } })),
  },
  {
    name: "availability: sensor offline",
    control: { report: "sensor", cluster: "msTemperatureMeasurement", values: { measuredValue: 2150 } },
    until: () => on("climate/availability", /offline/),
    maxMs: 15000,
  },
  {
    name: "availability: default timeout",
    publish: () => req("device/options", json({ id: "climate", options: { availability: null } })),
  },
  {
    name: "availability: sensor back",
    control: { report: "sensor", cluster: "msRelativeHumidity", values: { measuredValue: 4800 } },
    until: () => on("climate/availability", /online/),
    maxMs: 10000,
  },
  // a bridge option changed at run time
  {
    name: "options last_seen",
    publish: () => req("options", json({ options: { advanced: { last_seen: "ISO_8601" } } })),
  },
  // Home Assistant's birth message: the bridge republishes its state (and the devices' states) for it
  {
    name: "homeassistant birth",
    publish: () => ({ topic: "homeassistant/status", payload: "online" }),
    until: () => on("bridge/state", /online/),
    maxMs: 45000,
  },
  // restart through the API: the response, then the bridge comes back (in its process)
  {
    name: "restart",
    startup: true,
    publish: () => req("restart", ""),
    noResponse: true,
    until: () => inOrder(on("bridge/response/restart"), on("bridge/state", /online/)),
    quietMs: 4000,
    maxMs: 60000,
  },
  // bad requests
  { name: "bad: unknown device", publish: () => req("device/remove", json({ id: "nonexistent" })) },
  { name: "bad: not json", publish: () => req("group/add", "{not json") },
  { name: "bad: options refused", publish: () => req("device/options", json({ id: "plug", options: "x" })) },
  { name: "bad: unknown request", publish: () => req("no_such_thing", json({})), noResponse: true },
  { name: "bad: set unknown", publish: () => ({ topic: `${B}/living/bulb/set`, payload: json({ nonsense: 1 }) }) },
  // remove
  { name: "group remove", publish: () => req("group/remove", json({ id: "all/lights" })) },
  { name: "device remove", publish: () => req("device/remove", json({ id: "plug", force: true })) },
  { name: "shutdown", stop: true, quietMs: 3000 },
];

/** What a step waits for before the quiet period counts: the response of a bridge request. */
export function responseOf(topic) {
  const m = /^zigbee2mqtt\/bridge\/request\/(.+)$/.exec(topic);
  return m ? `${B}/bridge/response/${m[1]}` : undefined;
}

/** Topics the harness itself publishes to: not part of the comparison. */
export function isRequestTopic(topic) {
  return (
    /\/(set|get)(\/[^/]+)?$/.test(topic) || topic.startsWith(`${B}/bridge/request/`) || topic === "homeassistant/status"
  );
}

/** Finds the session's devices in a bridge/devices payload, by the model zigbee-herdsman-converters gave them. */
export function findDevices(devices) {
  const byModel = (re) => devices.find((d) => d.type !== "Coordinator" && re.test(d.definition?.model ?? ""));
  const pick = {
    bulb: byModel(/A60|RGB|bulb/i),
    sensor: devices.find((d) => d.definition?.exposes?.some((e) => e.name === "temperature")),
    remote: byModel(/remote|E1743|switch/i),
    plug: devices.find((d) => d.definition?.exposes?.some((e) => e.name === "energy")),
    dimmer: devices.find((d) => d.endpoints && Object.keys(d.endpoints).length >= 2 && d.type !== "Coordinator"),
  };
  const out = {};
  for (const [k, d] of Object.entries(pick)) if (d) out[k] = d.ieee_address;
  return out;
}

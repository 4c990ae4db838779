// The scripted session: the same steps, in the same order, against zigbee2mqtt and against our bridge. Each step
// publishes (or not) and then waits until the bridge has been quiet for a while; the messages it published meanwhile
// belong to that step. Steps may depend on what the side reported (`ctx.ieee`, from bridge/devices).

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
  { name: "start", start: true, quietMs: 4000, maxMs: 120000, until: interviewed(5) },
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
  return /\/(set|get)(\/[^/]+)?$/.test(topic) || topic.startsWith(`${B}/bridge/request/`);
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

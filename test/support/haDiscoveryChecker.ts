/**
 * Home Assistant's documented MQTT discovery rules, as a checker for the discovery messages tests see
 * (home-assistant.io/integrations/mqtt and the per-platform pages; home-assistant/core mqtt schemas). Written from
 * the documentation, independently of the bridge's own tables, so that both can't be wrong the same way.
 */

const PLATFORMS = [
  "alarm_control_panel",
  "binary_sensor",
  "button",
  "camera",
  "climate",
  "cover",
  "device_automation",
  "device_tracker",
  "event",
  "fan",
  "humidifier",
  "image",
  "lawn_mower",
  "light",
  "lock",
  "notify",
  "number",
  "scene",
  "select",
  "sensor",
  "siren",
  "switch",
  "tag",
  "text",
  "update",
  "vacuum",
  "valve",
  "water_heater",
];

/** Keys HA requires per platform (beyond unique_id/device, checked for all). */
const REQUIRED: Record<string, string[]> = {
  light: ["command_topic"],
  switch: ["command_topic"],
  binary_sensor: ["state_topic"],
  sensor: ["state_topic"],
  number: ["command_topic"],
  select: ["command_topic", "options"],
  button: ["command_topic"],
  text: ["command_topic"],
  lock: ["command_topic"],
  fan: ["command_topic"],
  siren: ["command_topic"],
  event: ["state_topic", "event_types"],
  device_automation: ["automation_type", "topic", "type", "subtype", "device"],
};

const COLOR_MODES = ["onoff", "brightness", "color_temp", "hs", "xy", "rgb", "rgbw", "rgbww", "white"];
const STATE_CLASSES = ["measurement", "measurement_angle", "total", "total_increasing"];
const ENTITY_CATEGORIES = ["config", "diagnostic"];
const AVAILABILITY_MODES = ["all", "any", "latest"];

/** sensor device classes HA documents, with the units it accepts for the ones we meet (undefined: not checked). */
const SENSOR_UNITS: Record<string, Array<string | null> | undefined> = {
  apparent_power: ["VA", "mVA", "kVA"],
  aqi: [null],
  atmospheric_pressure: ["cbar", "bar", "hPa", "mmHg", "inHg", "kPa", "mbar", "Pa", "psi"],
  battery: ["%"],
  carbon_dioxide: ["ppm"],
  carbon_monoxide: ["ppm", "mg/m³", "µg/m³"],
  current: ["A", "mA"],
  distance: ["km", "m", "cm", "mm", "mi", "nmi", "yd", "in", "ft"],
  energy: ["J", "kJ", "MJ", "GJ", "mWh", "Wh", "kWh", "MWh", "GWh", "TWh", "cal", "kcal", "Mcal", "Gcal"],
  enum: undefined,
  frequency: ["Hz", "kHz", "MHz", "GHz"],
  humidity: ["%"],
  illuminance: ["lx"],
  moisture: ["%"],
  pm1: ["µg/m³"],
  pm10: ["µg/m³"],
  pm25: ["µg/m³"],
  power: ["mW", "W", "kW", "MW", "GW", "TW", "BTU/h"],
  power_factor: ["%", null],
  pressure: ["cbar", "bar", "hPa", "mmHg", "inHg", "kPa", "mbar", "Pa", "psi"],
  reactive_power: ["var", "mvar", "kvar"],
  signal_strength: ["dB", "dBm"],
  sound_pressure: ["dB", "dBA"],
  temperature: ["°C", "°F", "K"],
  timestamp: [null],
  voltage: ["V", "mV", "µV", "kV", "MV"],
  volatile_organic_compounds: ["µg/m³", "mg/m³"],
  volatile_organic_compounds_parts: ["ppm", "ppb"],
};
/** state classes HA refuses for some device classes */
const ENERGY_LIKE = ["energy"];

const BINARY_SENSOR_CLASSES = [
  "battery",
  "battery_charging",
  "carbon_monoxide",
  "cold",
  "connectivity",
  "door",
  "garage_door",
  "gas",
  "heat",
  "light",
  "lock",
  "moisture",
  "motion",
  "moving",
  "occupancy",
  "opening",
  "plug",
  "power",
  "presence",
  "problem",
  "running",
  "safety",
  "smoke",
  "sound",
  "tamper",
  "update",
  "vibration",
  "window",
];
const BUTTON_CLASSES = ["identify", "restart", "update"];
const SWITCH_CLASSES = ["outlet", "switch"];

/** What the bridge really does on MQTT: the topics it published and the topic filters it subscribes to. */
export interface BridgeTopics {
  published: Iterable<string>;
  subscriptions: string[];
}

/** MQTT topic filter matching (`+` one level, `#` the rest). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (i >= t.length) return false;
    if (f[i] !== "+" && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

const TOPIC_RE = /^(.+?)\/([a-z_]+)\/(?:([a-zA-Z0-9_-]+)\/)?([a-zA-Z0-9_-]+)\/config$/;

/** Topic keys whose messages go to the bridge (commands); every other `*_topic` is one the bridge publishes. */
const isCommandKey = (k: string) => /command_topic$|^set_position_topic$/.test(k);

/** Problems with one discovery message (empty when HA would accept it and its topics are live). */
export function checkDiscovery(topic: string, payload: string, bridge: BridgeTopics): string[] {
  const problems: string[] = [];
  const bad = (msg: string) => problems.push(`${topic}: ${msg}`);
  const m = TOPIC_RE.exec(topic);
  if (!m) return [`${topic}: not <prefix>/<component>/[<node_id>/]<object_id>/config`];
  const component = m[2];
  if (!PLATFORMS.includes(component)) bad(`unknown platform '${component}'`);
  if (payload === "") return problems; // a removal
  let p: Record<string, unknown>;
  try {
    p = JSON.parse(payload) as Record<string, unknown>;
  } catch {
    return [...problems, `${topic}: payload is not JSON`];
  }
  if (typeof p !== "object" || p === null || Array.isArray(p)) return [...problems, `${topic}: not a JSON object`];
  for (const k of REQUIRED[component] ?? []) if (p[k] === undefined || p[k] === null) bad(`'${k}' is required`);
  const device = p.device as { identifiers?: unknown; name?: unknown } | undefined;
  if (!device || !Array.isArray(device.identifiers) || device.identifiers.length === 0) {
    bad("device.identifiers must be a non-empty list");
  }
  if (typeof device?.name !== "string") bad("device.name must be a string");
  const origin = p.origin as { name?: unknown } | undefined;
  if (typeof origin?.name !== "string") bad("origin.name is required");
  if (component !== "device_automation" && (typeof p.unique_id !== "string" || p.unique_id === "")) {
    bad("unique_id is required");
  }
  checkPlatform(component, p, bad);
  checkTopics(p, bridge, bad);
  return problems;
}

function checkPlatform(component: string, p: Record<string, unknown>, bad: (msg: string) => void): void {
  if (p.entity_category !== undefined && !ENTITY_CATEGORIES.includes(String(p.entity_category))) {
    bad(`entity_category '${p.entity_category}'`);
  }
  if ((component === "sensor" || component === "binary_sensor") && p.entity_category === "config") {
    bad("sensors cannot have entity_category config");
  }
  if (p.availability_mode !== undefined && !AVAILABILITY_MODES.includes(String(p.availability_mode))) {
    bad(`availability_mode '${p.availability_mode}'`);
  }
  if (p.availability !== undefined) {
    const list = p.availability as Array<{ topic?: unknown }>;
    if (!Array.isArray(list) || list.some((a) => typeof a?.topic !== "string"))
      bad("availability entries need a topic");
  }
  const dc = p.device_class;
  if (component === "light") {
    if (p.schema !== "json") bad("lights are expected in the json schema");
    const modes = p.supported_color_modes as unknown[];
    if (!Array.isArray(modes) || modes.length === 0) bad("supported_color_modes must be a non-empty list");
    else {
      for (const mode of modes) if (!COLOR_MODES.includes(String(mode))) bad(`color mode '${mode}'`);
      if (modes.length > 1 && modes.some((x) => x === "onoff" || x === "brightness")) {
        bad("onoff/brightness cannot be combined with other colour modes");
      }
    }
    if (p.min_mireds !== undefined && Number(p.min_mireds) >= Number(p.max_mireds)) bad("min_mireds >= max_mireds");
  }
  if (component === "sensor") {
    if (p.state_class !== undefined && !STATE_CLASSES.includes(String(p.state_class))) {
      bad(`state_class '${p.state_class}'`);
    }
    if (dc !== undefined) {
      if (!(String(dc) in SENSOR_UNITS)) bad(`sensor device_class '${dc}'`);
      const units = SENSOR_UNITS[String(dc)];
      const unit = (p.unit_of_measurement as string | undefined) ?? null;
      if (units && !units.includes(unit)) bad(`unit '${unit}' is not allowed for device_class '${dc}'`);
      if (ENERGY_LIKE.includes(String(dc)) && p.state_class === "measurement") {
        bad(`device_class '${dc}' cannot have state_class measurement`);
      }
    }
  }
  if (component === "binary_sensor" && dc !== undefined && !BINARY_SENSOR_CLASSES.includes(String(dc))) {
    bad(`binary_sensor device_class '${dc}'`);
  }
  if (component === "button" && dc !== undefined && !BUTTON_CLASSES.includes(String(dc))) {
    bad(`button device_class '${dc}'`);
  }
  if (component === "switch" && dc !== undefined && !SWITCH_CLASSES.includes(String(dc))) {
    bad(`switch device_class '${dc}'`);
  }
  if (component === "number" && Number(p.min) >= Number(p.max)) bad("number min >= max");
  if (component === "select" && (!Array.isArray(p.options) || p.options.length === 0)) bad("select needs options");
  if (component === "device_automation") {
    if (p.automation_type !== "trigger") bad("automation_type must be 'trigger'");
  }
}

function checkTopics(p: Record<string, unknown>, bridge: BridgeTopics, bad: (msg: string) => void): void {
  const published = new Set(bridge.published);
  const stateTopics: Array<[string, unknown]> = Object.entries(p).filter(
    ([k]) => (k.endsWith("_topic") || k === "topic") && !isCommandKey(k),
  );
  for (const a of Array.isArray(p.availability) ? (p.availability as Array<{ topic?: unknown }>) : []) {
    stateTopics.push(["availability.topic", a.topic]);
  }
  for (const [k, t] of stateTopics) {
    if (typeof t !== "string") bad(`${k} must be a string`);
    // a response topic (`<base>/bridge/response/networkmap`) is published when the request is made
    else if (!published.has(t) && !isResponseTopic(t, bridge)) bad(`${k} '${t}' is never published by the bridge`);
  }
  for (const [k, t] of Object.entries(p).filter(([k]) => isCommandKey(k))) {
    if (typeof t !== "string") bad(`${k} must be a string`);
    else if (!bridge.subscriptions.some((f) => topicMatches(f, t))) bad(`${k} '${t}' matches no bridge subscription`);
  }
}

/** Throws with every problem of every message (tests call this on all the discovery they saw). */
export function assertValidDiscovery(messages: Array<{ topic: string; payload: string }>, bridge: BridgeTopics): void {
  const problems = messages.flatMap((m) => checkDiscovery(m.topic, m.payload, bridge));
  if (problems.length > 0) throw new Error(`invalid Home Assistant discovery:\n${problems.join("\n")}`);
}

/** `<base>/bridge/response/<request>` of a bridge that takes `<base>/bridge/request/#`. */
function isResponseTopic(topic: string, bridge: BridgeTopics): boolean {
  const m = /^(.+)\/bridge\/response\/.+$/.exec(topic);
  return m !== null && bridge.subscriptions.includes(`${m[1]}/bridge/request/#`);
}

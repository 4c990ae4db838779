/**
 * zigbee-herdsman-converters exposes → Home Assistant entities. Settable generic exposes become controls (number,
 * select, button, text, switch); read-only ones become sensors. The `action` enum is not an entity: it becomes
 * device triggers when values are seen (and an `event` entity / legacy sensor when enabled).
 */
import {
  ACCESS,
  can,
  type EntityConfig,
  type EntityTopics,
  type Expose,
  feature,
  labelOf,
  type MappingOptions,
  valueTemplate,
} from "./exposeTypes.js";
import {
  climateConfig,
  coverConfig,
  fanConfig,
  lightConfig,
  lockConfig,
  sirenConfig,
  switchConfig,
} from "./platformMapping.js";
import { binaryLookup, controlLookup, numericLookup } from "./sensorLookup.js";

/** Every entity of a device's exposes (plus linkquality, which the bridge adds to every device state). */
export function exposesToConfigs(exposes: Expose[], topics: EntityTopics, options: MappingOptions): EntityConfig[] {
  const effects = exposes.find((e) => e.name === "effect" && e.type === "enum" && can(e, ACCESS.SET))?.values;
  const out: EntityConfig[] = [];
  for (const e of exposes) out.push(...exposeToConfigs(e, topics, options, effects));
  if (!exposes.some((e) => e.property === "linkquality")) {
    out.push(...exposeToConfigs(LINKQUALITY, topics, options, effects));
  }
  const seen = new Set<string>();
  return out.filter((c) => {
    const key = `${c.component}/${c.objectId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const LINKQUALITY: Expose = {
  type: "numeric",
  name: "linkquality",
  label: "Linkquality",
  property: "linkquality",
  access: ACCESS.STATE,
  unit: "lqi",
  value_min: 0,
  value_max: 255,
  category: "diagnostic",
};

export function exposeToConfigs(
  e: Expose,
  topics: EntityTopics,
  options: MappingOptions,
  effects?: unknown[],
): EntityConfig[] {
  const configs = baseConfigs(e, topics, options, effects);
  const mock = mockProperty(e);
  for (const c of configs) {
    applyExposeMetadata(c, e);
    if (mock && c.component !== "device_automation" && c.component !== "event") c.mock = mock;
  }
  return configs;
}

/** The property an entity of this expose templates on: its `state` feature for lights, switches, locks, covers. */
function mockProperty(e: Expose): string | undefined {
  switch (e.type) {
    case "light":
    case "switch":
    case "lock":
    case "cover":
      return feature(e, "state")?.property;
    case "fan":
      return "fan_state";
    case "climate":
      return undefined;
    default:
      return e.property === "action" ? undefined : e.property;
  }
}

function baseConfigs(e: Expose, topics: EntityTopics, options: MappingOptions, effects?: unknown[]): EntityConfig[] {
  const one = (c: EntityConfig | undefined) => (c ? [c] : []);
  switch (e.type) {
    case "light":
      return [lightConfig(e, topics, effects)];
    case "switch":
      return one(switchConfig(e, topics));
    case "lock":
      return one(lockConfig(e, topics));
    case "cover":
      return [coverConfig(e, topics)];
    case "climate":
      return [climateConfig(e, topics)];
    case "fan":
      return one(fanConfig(e, topics));
    case "binary":
      return one(binaryConfig(e, topics));
    case "numeric":
      return one(numericConfig(e, topics));
    case "enum":
      return e.property === "action" ? actionConfigs(e, options) : one(enumConfig(e, topics));
    case "text":
      return one(textConfig(e, topics));
    case "composite":
    case "list":
      if (e.name === "warning" && can(e, ACCESS.SET)) return [sirenConfig(e, topics)];
      return one(readOnlyJsonSensor(e, topics));
    default:
      return [];
  }
}

const idOf = (e: Expose): string => e.property ?? e.name ?? "";

/** A settable or readable state: `state_topic` + template when the expose has STATE access. */
function stateKeys(e: Expose, topics: EntityTopics): Record<string, unknown> {
  return e.property && can(e, ACCESS.STATE)
    ? { state_topic: topics.state, value_template: valueTemplate(e.property) }
    : {};
}

function binaryConfig(e: Expose, topics: EntityTopics): EntityConfig | undefined {
  if (!e.property) return undefined;
  if (can(e, ACCESS.SET)) {
    return {
      component: "switch",
      objectId: idOf(e),
      payload: {
        name: labelOf(e),
        ...stateKeys(e, topics),
        command_topic: topics.command(e.endpoint, e.property),
        payload_on: e.value_on,
        payload_off: e.value_off,
        state_on: e.value_on,
        state_off: e.value_off,
      },
    };
  }
  const lookup = binaryLookup(e.name ?? e.property);
  // zigbee2mqtt's `contact: true` means closed; HA's door sensor is "on" when open
  const inverted = e.name === "contact";
  return {
    component: "binary_sensor",
    objectId: idOf(e),
    payload: {
      name: labelOf(e),
      state_topic: topics.state,
      value_template: valueTemplate(e.property),
      payload_on: inverted ? e.value_off : e.value_on,
      payload_off: inverted ? e.value_on : e.value_off,
      ...lookup,
    },
  };
}

function numericConfig(e: Expose, topics: EntityTopics): EntityConfig | undefined {
  if (!e.property) return undefined;
  const unit = e.unit ? { unit_of_measurement: e.unit } : {};
  if (can(e, ACCESS.SET)) {
    return {
      component: "number",
      objectId: idOf(e),
      payload: {
        name: labelOf(e),
        ...stateKeys(e, topics),
        command_topic: topics.command(e.endpoint, e.property),
        min: e.value_min ?? -65535,
        max: e.value_max ?? 65535,
        ...(e.value_step !== undefined ? { step: e.value_step } : {}),
        ...unit,
      },
    };
  }
  return {
    component: "sensor",
    objectId: idOf(e),
    payload: {
      name: labelOf(e),
      state_topic: topics.state,
      value_template: valueTemplate(e.property),
      ...unit,
      ...sensorClasses(numericLookup(e.name ?? e.property, e.unit)),
    },
  };
}

/** A measurement Home Assistant knows (it has a device class) is shown by default, as zigbee2mqtt marks it. */
function sensorClasses(lookup: ReturnType<typeof numericLookup>): Record<string, unknown> {
  return lookup.device_class ? { enabled_by_default: true, ...lookup } : { ...lookup };
}

function enumConfig(e: Expose, topics: EntityTopics): EntityConfig | undefined {
  if (!e.property) return undefined;
  const values = (e.values ?? []).map(String);
  if (can(e, ACCESS.SET) && values.length === 1 && !can(e, ACCESS.STATE)) {
    return {
      component: "button",
      objectId: `${idOf(e)}`,
      payload: {
        name: labelOf(e),
        command_topic: topics.command(e.endpoint, e.property),
        payload_press: values[0],
        ...(e.property === "identify" ? { device_class: "identify" } : {}),
      },
    };
  }
  if (can(e, ACCESS.SET)) {
    return {
      component: "select",
      objectId: idOf(e),
      payload: {
        name: labelOf(e),
        ...stateKeys(e, topics),
        command_topic: topics.command(e.endpoint, e.property),
        options: values,
        ...controlLookup(e.name ?? e.property),
      },
    };
  }
  return {
    component: "sensor",
    objectId: idOf(e),
    payload: { name: labelOf(e), state_topic: topics.state, value_template: valueTemplate(e.property) },
  };
}

function textConfig(e: Expose, topics: EntityTopics): EntityConfig | undefined {
  if (!e.property) return undefined;
  if (can(e, ACCESS.SET)) {
    return {
      component: "text",
      objectId: idOf(e),
      payload: { name: labelOf(e), ...stateKeys(e, topics), command_topic: topics.command(e.endpoint, e.property) },
    };
  }
  return {
    component: "sensor",
    objectId: idOf(e),
    payload: { name: labelOf(e), state_topic: topics.state, value_template: valueTemplate(e.property) },
  };
}

/** Composites and lists that are only read: their JSON as a sensor (HA states are at most 255 characters). */
function readOnlyJsonSensor(e: Expose, topics: EntityTopics): EntityConfig | undefined {
  if (!e.property || !can(e, ACCESS.STATE) || can(e, ACCESS.SET)) return undefined;
  return {
    component: "sensor",
    objectId: idOf(e),
    payload: {
      name: labelOf(e),
      state_topic: topics.state,
      value_template: `{{ value_json.${e.property} | tojson | truncate(254, True, '', 0) }}`,
    },
  };
}

/** The action enum: an `event` entity and/or the legacy sensor, when enabled. Triggers are made when seen. */
function actionConfigs(e: Expose, options: MappingOptions): EntityConfig[] {
  const out: EntityConfig[] = [];
  const values = (e.values ?? []).map(String);
  if (options.eventEntities && values.length > 0) {
    out.push({
      component: "event",
      objectId: "action",
      payload: {
        name: labelOf(e),
        state_topic: options.actionTopic,
        event_types: values,
        value_template: '{ "event_type": "{{ value }}" }',
      },
    });
  }
  if (options.legacyActionSensor) {
    out.push({
      component: "sensor",
      objectId: "action",
      payload: { name: labelOf(e), state_topic: options.actionTopic, icon: "mdi:gesture-double-tap" },
    });
  }
  return out;
}

/** Expose category and zhc's `homeassistant` hints → entity_category, device_class, icon, enabled_by_default. */
function applyExposeMetadata(c: EntityConfig, e: Expose): void {
  const p = c.payload;
  const hint = e.homeassistant ?? {};
  const category = hint.entityCategory ?? e.category ?? p.entity_category;
  const readOnly = c.component === "sensor" || c.component === "binary_sensor";
  if (category) p.entity_category = readOnly && category === "config" ? "diagnostic" : category;
  if (hint.deviceClass) p.device_class = hint.deviceClass;
  if (hint.icon) p.icon = hint.icon;
  if (hint.enabledByDefault !== undefined) p.enabled_by_default = hint.enabledByDefault;
  if (hint.name !== undefined) p.name = hint.name;
  // named after its device class ("Battery", "Identify"): no name, HA shows its own (translated) class name
  else if (typeof p.device_class === "string" && p.name === humanise(p.device_class)) delete p.name;
  for (const k of Object.keys(p)) if (p[k] === undefined) delete p[k];
}

const humanise = (deviceClass: string): string => {
  const words = deviceClass.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
};

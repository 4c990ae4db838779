/**
 * Composite zigbee-herdsman-converters exposes (light, switch, lock, cover, climate, fan, the `warning` siren) →
 * one Home Assistant entity each. The main entity of a device (no endpoint) has `name: null`: HA shows the device
 * name.
 */
import {
  ACCESS,
  can,
  type EntityConfig,
  type EntityTopics,
  type Expose,
  feature,
  objectIdOf,
  valueTemplate,
} from "./exposeTypes.js";

/** The entity name of an endpoint's light/switch/lock…: the endpoint, capitalised (`L1`), as zigbee2mqtt names it. */
const nameOf = (e: Expose): string | null =>
  e.endpoint ? e.endpoint.charAt(0).toUpperCase() + e.endpoint.slice(1) : null;

/** Effects come from the device's separate `effect` enum (when settable). */
export function lightConfig(e: Expose, topics: EntityTopics, effects?: unknown[]): EntityConfig {
  const brightness = feature(e, "brightness");
  const colorTemp = feature(e, "color_temp");
  const modes: string[] = [];
  if (feature(e, "color_xy")) modes.push("xy");
  if (feature(e, "color_hs")) modes.push("hs");
  if (colorTemp) modes.push("color_temp");
  // HA does not allow `brightness` or `onoff` together with a colour mode
  if (modes.length === 0) modes.push(brightness ? "brightness" : "onoff");
  const payload: Record<string, unknown> = {
    name: nameOf(e),
    schema: "json",
    state_topic: e.endpoint ? `${topics.state}/${e.endpoint}` : topics.state,
    command_topic: topics.command(e.endpoint),
    brightness: brightness !== undefined,
    brightness_scale: 254,
    supported_color_modes: modes,
  };
  if (colorTemp?.value_min !== undefined && colorTemp.value_max !== undefined) {
    payload.min_mireds = colorTemp.value_min;
    payload.max_mireds = colorTemp.value_max;
  }
  if (effects && effects.length > 0) {
    payload.effect = true;
    payload.effect_list = effects.map(String);
  }
  return { component: "light", objectId: objectIdOf("light", e.endpoint), payload };
}

export function switchConfig(e: Expose, topics: EntityTopics): EntityConfig | undefined {
  const state = feature(e, "state");
  if (!state?.property) return undefined;
  return {
    component: "switch",
    objectId: objectIdOf("switch", e.endpoint),
    payload: {
      name: nameOf(e),
      state_topic: topics.state,
      value_template: valueTemplate(state.property),
      command_topic: topics.command(e.endpoint),
      // HA's state_on/state_off default to the payloads
      payload_on: state.value_on ?? "ON",
      payload_off: state.value_off ?? "OFF",
    },
  };
}

export function lockConfig(e: Expose, topics: EntityTopics): EntityConfig | undefined {
  const state = feature(e, "state");
  if (!state?.property) return undefined;
  return {
    component: "lock",
    objectId: objectIdOf("lock", e.endpoint),
    payload: {
      name: nameOf(e),
      state_topic: topics.state,
      value_template: valueTemplate(state.property),
      command_topic: topics.command(e.endpoint, state.property),
      payload_lock: state.value_on ?? "LOCK",
      payload_unlock: state.value_off ?? "UNLOCK",
      state_locked: state.value_on ?? "LOCK",
      state_unlocked: state.value_off ?? "UNLOCK",
    },
  };
}

export function coverConfig(e: Expose, topics: EntityTopics): EntityConfig {
  const state = feature(e, "state");
  const position = feature(e, "position");
  const tilt = feature(e, "tilt");
  const command = topics.command(e.endpoint);
  const payload: Record<string, unknown> = {
    name: nameOf(e),
    command_topic: command,
    payload_open: "OPEN",
    payload_close: "CLOSE",
    payload_stop: "STOP",
  };
  if (state?.property && can(state, ACCESS.STATE)) {
    Object.assign(payload, {
      state_topic: topics.state,
      value_template: valueTemplate(state.property),
      state_open: "OPEN",
      state_closed: "CLOSE",
      state_stopped: "STOP",
    });
  }
  if (position?.property) {
    Object.assign(payload, {
      position_topic: topics.state,
      position_template: valueTemplate(position.property),
      set_position_topic: command,
      set_position_template: `{ "${position.property}": {{ position }} }`,
    });
  }
  if (tilt?.property) {
    Object.assign(payload, {
      tilt_status_topic: topics.state,
      tilt_status_template: valueTemplate(tilt.property),
      tilt_command_topic: command,
      tilt_command_template: `{ "${tilt.property}": {{ tilt_position }} }`,
    });
  }
  return { component: "cover", objectId: objectIdOf("cover", e.endpoint), payload };
}

const HA_HVAC_MODES = ["auto", "off", "cool", "heat", "dry", "fan_only", "heat_cool"];
const HVAC_ACTION_TEMPLATE =
  "{% set values = {None: None, 'idle': 'idle', 'heat': 'heating', 'cool': 'cooling', 'fan_only': 'fan'} %}";

export function climateConfig(e: Expose, topics: EntityTopics): EntityConfig {
  const ep = e.endpoint;
  const setpoint = feature(e, "occupied_heating_setpoint", "current_heating_setpoint", "occupied_cooling_setpoint");
  const local = feature(e, "local_temperature");
  const mode = feature(e, "system_mode");
  const running = feature(e, "running_state");
  const fan = feature(e, "fan_mode");
  const preset = feature(e, "preset");
  const payload: Record<string, unknown> = { name: nameOf(e), temperature_unit: "C" };
  if (setpoint?.property) {
    Object.assign(payload, {
      temperature_command_topic: topics.command(ep, setpoint.property),
      temperature_state_topic: topics.state,
      temperature_state_template: valueTemplate(setpoint.property),
      min_temp: setpoint.value_min,
      max_temp: setpoint.value_max,
      temp_step: setpoint.value_step,
    });
  }
  if (local?.property) {
    payload.current_temperature_topic = topics.state;
    payload.current_temperature_template = valueTemplate(local.property);
  }
  if (mode?.property && mode.values) {
    Object.assign(payload, {
      modes: mode.values.map(String).filter((m) => HA_HVAC_MODES.includes(m)),
      mode_command_topic: topics.command(ep, mode.property),
      mode_state_topic: topics.state,
      mode_state_template: valueTemplate(mode.property),
    });
  }
  if (running?.property) {
    payload.action_topic = topics.state;
    payload.action_template = `${HVAC_ACTION_TEMPLATE}{{ values[value_json.${running.property}] }}`;
  }
  if (fan?.property && fan.values) {
    Object.assign(payload, {
      fan_modes: fan.values.map(String),
      fan_mode_command_topic: topics.command(ep, fan.property),
      fan_mode_state_topic: topics.state,
      fan_mode_state_template: valueTemplate(fan.property),
    });
  }
  if (preset?.property && preset.values) {
    Object.assign(payload, {
      preset_modes: preset.values.map(String).filter((p) => p !== "none"),
      preset_mode_command_topic: topics.command(ep, preset.property),
      preset_mode_state_topic: topics.state,
      preset_mode_value_template: valueTemplate(preset.property),
    });
  }
  for (const k of Object.keys(payload)) if (payload[k] === undefined) delete payload[k];
  return { component: "climate", objectId: objectIdOf("climate", ep), payload };
}

export function fanConfig(e: Expose, topics: EntityTopics): EntityConfig | undefined {
  const state = feature(e, "state");
  const mode = feature(e, "mode");
  if (!state?.property) return undefined;
  const payload: Record<string, unknown> = {
    name: nameOf(e),
    state_topic: topics.state,
    state_value_template: valueTemplate(state.property),
    command_topic: topics.command(e.endpoint, state.property),
    payload_on: state.value_on ?? "ON",
    payload_off: state.value_off ?? "OFF",
  };
  if (mode?.property && mode.values) {
    Object.assign(payload, {
      preset_modes: mode.values.map(String).filter((m) => m !== "off" && m !== "on"),
      preset_mode_command_topic: topics.command(e.endpoint, mode.property),
      preset_mode_state_topic: topics.state,
      preset_mode_value_template: valueTemplate(mode.property),
    });
  }
  return { component: "fan", objectId: objectIdOf("fan", e.endpoint), payload };
}

/** The `warning` composite (IAS WD): a siren with its tones; optimistic, the device reports no siren state. */
export function sirenConfig(e: Expose, topics: EntityTopics): EntityConfig {
  const tones =
    feature(e, "mode")
      ?.values?.map(String)
      .filter((t) => t !== "stop") ?? [];
  const property = e.property ?? "warning";
  return {
    component: "siren",
    objectId: objectIdOf("siren", e.endpoint),
    payload: {
      name: null,
      command_topic: topics.command(e.endpoint),
      command_template: `{"${property}": {"mode": "{{ tone | default('emergency') }}", "duration": {{ duration | default(10) }}}}`,
      command_off_template: `{"${property}": {"mode": "stop"}}`,
      available_tones: tones,
      support_duration: true,
      support_volume_set: false,
      optimistic: true,
    },
  };
}

/**
 * Home Assistant classes for read-only numeric and binary exposes, and icons for controls, by expose name. A device_class is only used
 * when the expose's unit is one Home Assistant accepts for it (otherwise HA rejects the entity).
 */

export interface NumericLookup {
  device_class?: string;
  state_class?: "measurement" | "total" | "total_increasing";
  entity_category?: "diagnostic";
  enabled_by_default?: boolean;
  icon?: string;
}

/** Units Home Assistant accepts per sensor device_class (the classes we emit). `null` means "no unit". */
export const DEVICE_CLASS_UNITS: Record<string, Array<string | null>> = {
  temperature: ["°C", "°F", "K"],
  humidity: ["%"],
  moisture: ["%"],
  battery: ["%"],
  voltage: ["V", "mV", "kV", "µV", "MV"],
  current: ["A", "mA"],
  power: ["W", "kW", "mW", "MW", "GW", "TW", "BTU/h"],
  apparent_power: ["VA", "mVA", "kVA"],
  reactive_power: ["var", "mvar", "kvar"],
  power_factor: ["%", null],
  energy: ["Wh", "kWh", "MWh", "mWh", "GWh", "TWh", "MJ", "GJ", "cal", "kcal", "Mcal", "Gcal"],
  frequency: ["Hz", "kHz", "MHz", "GHz"],
  pressure: ["Pa", "hPa", "kPa", "bar", "cbar", "mbar", "mmHg", "inHg", "psi", "inH₂O"],
  atmospheric_pressure: ["Pa", "hPa", "kPa", "bar", "cbar", "mbar", "mmHg", "inHg", "psi", "inH₂O"],
  illuminance: ["lx"],
  carbon_dioxide: ["ppm"],
  carbon_monoxide: ["ppm", "mg/m³", "µg/m³"],
  pm1: ["µg/m³"],
  pm25: ["µg/m³"],
  pm10: ["µg/m³"],
  volatile_organic_compounds: ["µg/m³", "mg/m³"],
  volatile_organic_compounds_parts: ["ppm", "ppb"],
  distance: ["km", "m", "cm", "mm", "mi", "nmi", "yd", "in", "ft"],
  sound_pressure: ["dB", "dBA"],
  signal_strength: ["dB", "dBm"],
};

const measured = (device_class: string): NumericLookup => ({ device_class, state_class: "measurement" });

const NUMERIC: Record<string, NumericLookup> = {
  temperature: measured("temperature"),
  local_temperature: measured("temperature"),
  device_temperature: { ...measured("temperature"), entity_category: "diagnostic" },
  humidity: measured("humidity"),
  soil_moisture: measured("moisture"),
  battery: { ...measured("battery"), entity_category: "diagnostic" },
  voltage: measured("voltage"),
  battery_voltage: { ...measured("voltage"), entity_category: "diagnostic" },
  current: measured("current"),
  power: measured("power"),
  power_apparent: measured("apparent_power"),
  power_reactive: measured("reactive_power"),
  power_factor: measured("power_factor"),
  energy: { device_class: "energy", state_class: "total_increasing" },
  produced_energy: { device_class: "energy", state_class: "total_increasing" },
  ac_frequency: measured("frequency"),
  pressure: measured("atmospheric_pressure"),
  illuminance: measured("illuminance"),
  co2: measured("carbon_dioxide"),
  co: measured("carbon_monoxide"),
  pm1: measured("pm1"),
  pm25: measured("pm25"),
  pm10: measured("pm10"),
  voc: measured("volatile_organic_compounds_parts"),
  distance: measured("distance"),
  noise: measured("sound_pressure"),
  linkquality: {
    state_class: "measurement",
    entity_category: "diagnostic",
    enabled_by_default: false,
    icon: "mdi:signal",
  },
};

/** Per-phase variants (`voltage_phase_b`, `current_phase_c`, `power_l1`…) share their base property's classes. */
const PHASE_SUFFIX = /_(phase_[abc]|l[123])$/;

export function numericLookup(property: string, unit: string | undefined): NumericLookup {
  const entry = NUMERIC[property] ?? NUMERIC[property.replace(PHASE_SUFFIX, "")] ?? {};
  const out: NumericLookup = { ...entry };
  if (out.device_class) {
    let deviceClass = out.device_class;
    if (deviceClass === "volatile_organic_compounds_parts" && unit !== undefined && !unit.startsWith("pp")) {
      deviceClass = "volatile_organic_compounds";
    }
    const allowed = DEVICE_CLASS_UNITS[deviceClass] ?? [];
    if (allowed.includes(unit ?? null)) out.device_class = deviceClass;
    else delete out.device_class;
  }
  return out;
}

export interface BinaryLookup {
  device_class?: string;
  entity_category?: "diagnostic";
}

const BINARY: Record<string, BinaryLookup> = {
  occupancy: { device_class: "occupancy" },
  presence: { device_class: "presence" },
  contact: { device_class: "door" },
  water_leak: { device_class: "moisture" },
  smoke: { device_class: "smoke" },
  gas: { device_class: "gas" },
  carbon_monoxide: { device_class: "carbon_monoxide" },
  vibration: { device_class: "vibration" },
  tamper: { device_class: "tamper", entity_category: "diagnostic" },
  battery_low: { device_class: "battery", entity_category: "diagnostic" },
  moving: { device_class: "moving" },
};

export function binaryLookup(property: string): BinaryLookup {
  return { ...(BINARY[property] ?? {}) };
}

/** Icons and default visibility of controls (selects, …), by expose name (the same for every endpoint). */
const CONTROLS: Record<string, { icon?: string; enabled_by_default?: boolean }> = {
  effect: { icon: "mdi:palette", enabled_by_default: false },
  power_on_behavior: { icon: "mdi:power-settings" },
};

export function controlLookup(name: string): { icon?: string; enabled_by_default?: boolean } {
  return { ...(CONTROLS[name] ?? {}) };
}

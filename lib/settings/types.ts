/**
 * The shape of `configuration.yaml` (version 5), as seen through `SettingsStore.get()`: every key that has a
 * default is filled in; keys without one stay optional.
 */

export type LogLevel = "error" | "warning" | "info" | "debug";
export type AdapterType = "deconz" | "zstack" | "zigate" | "ezsp" | "ember" | "zboss" | "zoh";

export interface MqttSettings {
  /** `mqtt://host:1883`, `mqtts://host:8883`, … */
  server: string;
  base_topic: string;
  user?: string;
  password?: string;
  client_id?: string;
  keepalive: number;
  ca?: string;
  key?: string;
  cert?: string;
  reject_unauthorized: boolean;
  server_name?: string;
  version: 3 | 4 | 5 | null;
  include_device_information: boolean;
  force_disable_retain: boolean;
  maximum_packet_size: number;
  /** zigmqtt only: seconds a QoS 1 command queued at the broker while the bridge was away stays valid; 0: none. */
  queued_command_max_age: number;
  /** zigmqtt only: start a broker in-process ("auto": when `server` is local and nothing listens there). */
  embedded_broker: "auto" | boolean;
}

export interface SerialSettings {
  /** A device path, `tcp://host:port`, `mdns://…`, or (zigmqtt) `virtual://<scenario>`; unset → auto-detect. */
  port?: string | null;
  adapter?: AdapterType;
  baudrate?: number;
  rtscts?: boolean;
  disable_led: boolean;
}

export interface SyslogSettings {
  host?: string;
  port?: number;
  protocol?: string;
  path?: string;
  pid?: string;
  localhost?: string;
  type?: string;
  app_name?: string;
  eol?: string;
}

export interface AdvancedSettings {
  log_output: ("console" | "file" | "syslog")[];
  log_directory: string;
  log_file: string;
  log_rotation: boolean;
  log_directories_to_keep: number;
  log_symlink_current: boolean;
  log_level: LogLevel;
  log_namespaced_levels: Record<string, LogLevel>;
  log_debug_namespace_ignore: string;
  log_console_json: boolean;
  log_syslog: SyslogSettings;
  log_debug_to_mqtt_frontend: boolean;
  timestamp_format: string;
  /** Always concrete after load: `GENERATE` is replaced by random values and written back. */
  pan_id: number;
  ext_pan_id: number[];
  network_key: number[];
  channel: number;
  adapter_concurrent?: number;
  adapter_delay?: number;
  transmit_power?: number;
  cache_state: boolean;
  cache_state_persistent: boolean;
  cache_state_send_on_startup: boolean;
  last_seen: "disable" | "ISO_8601" | "ISO_8601_local" | "epoch";
  elapsed: boolean;
  output: "json" | "attribute" | "attribute_and_json";
  enable_external_js: boolean;
}

export interface HomeAssistantSettings {
  enabled: boolean;
  discovery_topic: string;
  status_topic: string;
  legacy_action_sensor: boolean;
  experimental_event_entities: boolean;
}

export interface ActiveAvailabilitySettings {
  /** Minutes. */
  timeout: number;
  /** Milliseconds. */
  max_jitter: number;
  backoff: boolean;
  pause_on_backoff_gt: number;
}

export interface AvailabilitySettings {
  enabled: boolean;
  active: ActiveAvailabilitySettings;
  passive: { timeout: number };
}

export interface FrontendSettings {
  enabled: boolean;
  package: "zigbee2mqtt-windfront" | "zigbee2mqtt-frontend";
  port: number;
  host?: string;
  base_url: string;
  auth_token?: string;
  url?: string;
  ssl_cert?: string;
  ssl_key?: string;
  notification_filter?: string[];
  disable_ui_serving?: boolean;
}

export interface OtaSettings {
  update_check_interval: number;
  disable_automatic_update_check: boolean;
  zigbee_ota_override_index_location?: string;
  image_block_request_timeout: number;
  image_block_response_delay: number;
  default_maximum_data_size: number;
  /** zigmqtt: updates of the queue running at once */
  queue_concurrency: number;
  /** zigmqtt: battery devices below this percentage are not updated (0: none) */
  battery_threshold: number;
}

export interface HealthSettings {
  interval: number;
  reset_on_check: boolean;
}

export interface MapOptions {
  graphviz?: {
    colors?: {
      fill?: { enddevice?: string; coordinator?: string; router?: string };
      font?: { enddevice?: string; coordinator?: string; router?: string };
      line?: { active?: string; inactive?: string };
    };
  };
}

/** Options shared by devices and groups; converter options (e.g. `transition`) are free keys. */
export interface EntityOptions {
  friendly_name: string;
  description?: string;
  retain?: boolean;
  /** Seconds; needs `mqtt.version: 5`. */
  retention?: number;
  qos?: 0 | 1 | 2;
  optimistic?: boolean;
  filtered_attributes?: string[];
  homeassistant?: Record<string, unknown> | null;
  [converterOption: string]: unknown;
}

export interface DeviceOptions extends EntityOptions {
  disabled?: boolean;
  debounce?: number;
  debounce_ignore?: string[];
  throttle?: number;
  filtered_cache?: string[];
  filtered_optimistic?: string[];
  icon?: string;
  availability?: boolean | Partial<ActiveAvailabilitySettings>;
  disable_automatic_update_check?: boolean;
}

export interface GroupOptions extends EntityOptions {
  off_state?: "all_members_off" | "last_member_state";
}

export interface Settings {
  mqtt: MqttSettings;
  serial: SerialSettings;
  advanced: AdvancedSettings;
  homeassistant: HomeAssistantSettings;
  availability: AvailabilitySettings;
  frontend: FrontendSettings;
  ota: OtaSettings;
  health: HealthSettings;
  passlist: string[];
  blocklist: string[];
  map_options: MapOptions;
  /** Keyed by IEEE address (`0x` + 16 hex digits). */
  devices: Record<string, DeviceOptions>;
  /** Keyed by group ID as a decimal string. */
  groups: Record<string, GroupOptions>;
  /** Merged under every device's own options. */
  device_options: Record<string, unknown>;
}

/**
 * A partial update: objects merge key by key, arrays and scalars replace, `null` deletes a key
 * (except a device's or group's `homeassistant`, where `null` is a value).
 */
export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends unknown[] ? T[K] | null : T[K] extends object ? DeepPartial<T[K]> | null : T[K] | null;
};

/**
 * The bridge's own entities: connection state, restart required, restart, log level, versions, permit join, network
 * map. Their states come from `bridge/state`, `bridge/info` and the `networkmap` response; commands go to
 * `bridge/request/*`.
 */
import type { EntityConfig } from "./exposeTypes.js";

export function bridgeConfigs(base: string): EntityConfig[] {
  const info = `${base}/bridge/info`;
  const request = (name: string) => `${base}/bridge/request/${name}`;
  return [
    {
      component: "binary_sensor",
      objectId: "connection_state",
      payload: {
        name: "Connection state",
        state_topic: `${base}/bridge/state`,
        value_template: "{{ value_json.state }}",
        payload_on: "online",
        payload_off: "offline",
        device_class: "connectivity",
        entity_category: "diagnostic",
        // the entity that says whether the bridge is there must not itself go unavailable
        availability: false,
      },
    },
    {
      component: "binary_sensor",
      objectId: "restart_required",
      payload: {
        name: "Restart required",
        state_topic: info,
        value_template: "{{ value_json.restart_required }}",
        payload_on: true,
        payload_off: false,
        device_class: "problem",
        entity_category: "diagnostic",
        enabled_by_default: false,
      },
    },
    {
      component: "button",
      objectId: "restart",
      payload: {
        name: "Restart",
        command_topic: request("restart"),
        payload_press: "",
        device_class: "restart",
      },
    },
    {
      component: "select",
      objectId: "log_level",
      payload: {
        name: "Log level",
        state_topic: info,
        value_template: "{{ value_json.log_level | lower }}",
        command_topic: request("options"),
        command_template: '{"options": {"advanced": {"log_level": "{{ value }}" } } }',
        options: ["error", "warning", "info", "debug"],
        entity_category: "config",
      },
    },
    {
      component: "sensor",
      objectId: "version",
      payload: {
        name: "Version",
        state_topic: info,
        value_template: "{{ value_json.version }}",
        icon: "mdi:zigbee",
        entity_category: "diagnostic",
      },
    },
    {
      component: "sensor",
      objectId: "coordinator_version",
      payload: {
        name: "Coordinator version",
        state_topic: info,
        value_template: "{{ value_json.coordinator.meta.revision }}",
        icon: "mdi:chip",
        entity_category: "diagnostic",
        enabled_by_default: false,
      },
    },
    {
      component: "switch",
      objectId: "permit_join",
      payload: {
        name: "Permit join",
        state_topic: info,
        value_template: "{{ value_json.permit_join | lower }}",
        command_topic: request("permit_join"),
        payload_on: '{"time": 254}',
        payload_off: '{"time": 0}',
        state_on: "true",
        state_off: "false",
        icon: "mdi:human-greeting-proximity",
      },
    },
    {
      component: "sensor",
      objectId: "network_map",
      payload: {
        name: "Network map",
        // the time of the last map; the map itself (a `networkmap` response) as the entity's attributes
        state_topic: `${base}/bridge/response/networkmap`,
        value_template: "{{ now().strftime('%Y-%m-%d %H:%M:%S') }}",
        json_attributes_topic: `${base}/bridge/response/networkmap`,
        json_attributes_template: "{{ value_json.data.value | tojson }}",
        entity_category: "diagnostic",
        enabled_by_default: false,
      },
    },
  ];
}

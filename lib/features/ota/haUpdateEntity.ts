/** The Home Assistant `update` entity of an OTA-capable device (zigbee2mqtt's, device class firmware). */

const VALUE_TEMPLATE =
  "{\"latest_version\":\"{{ value_json['update']['latest_version'] }}\"," +
  "\"installed_version\":\"{{ value_json['update']['installed_version'] }}\"," +
  "\"update_percentage\":{{ value_json['update'].get('progress', 'null') }}," +
  "\"in_progress\":{{ (value_json['update']['state'] == 'updating')|lower }}}";

/**
 * The entity's config (component `update`, object id `update`); its install button sends an `ota_update/update`.
 * Until a check says more, the device's state messages carry `update` with unknown (-1) versions (as zigbee2mqtt's):
 * the value template reads them.
 */
export function updateEntityConfig(
  base: string,
  ieee: string,
  stateTopic: string,
): { component: string; objectId: string; payload: Record<string, unknown>; mock: string; mockValue: unknown } {
  return {
    component: "update",
    objectId: "update",
    mock: "update",
    mockValue: { installed_version: -1, latest_version: -1, state: null },
    payload: {
      name: null,
      entity_picture: "https://github.com/Koenkk/zigbee2mqtt/raw/master/images/logo.png",
      state_topic: stateTopic,
      device_class: "firmware",
      entity_category: "config",
      command_topic: `${base}/bridge/request/device/ota_update/update`,
      payload_install: `{"id": "${ieee}"}`,
      value_template: VALUE_TEMPLATE,
    },
  };
}

/**
 * Complete discovery messages for devices, groups and the bridge: topic (`<discovery>/<component>/<node>/<object>/
 * config`), unique_id (`<ieee|group id>_<object id>_<base topic>`: stable across renames, unique per instance),
 * device block, origin, availability and the user's per-entity overrides.
 */
import type { BridgeDevice } from "../../zigbee/bridgeDevice.js";
import type { BridgeGroup } from "../../zigbee/bridgeGroup.js";
import { updateEntityConfig } from "../ota/haUpdateEntity.js";
import { bridgeConfigs } from "./bridgeEntities.js";
import { exposesToConfigs } from "./exposeMapping.js";
import type { EntityConfig, EntityTopics, Expose } from "./exposeTypes.js";
import { GROUP_TYPES, type GroupMember, groupExposes, groupMockProperty, memberEntityIds } from "./groupExposes.js";
import { applyOverrides } from "./overrides.js";

export interface DiscoveryMessage {
  topic: string;
  payload: Record<string, unknown>;
  /** the state property this entity reads (see EntityConfig.mock) */
  mock?: string;
  /** what stands for it until it is known (default `null`, see EntityConfig.mockValue) */
  mockValue?: unknown;
}

export interface DiscoveryEnv {
  base: string;
  discoveryTopic: string;
  version: string;
  coordinatorIeee: string;
  legacyActionSensor: boolean;
  /** `advanced.last_seen` is on: devices get a `last_seen` sensor */
  lastSeen: boolean;
  eventEntities: boolean;
  /** whether `<base>/<name>/availability` is published for a device */
  availabilityEnabled(device: BridgeDevice): boolean;
}

/** zigbee2mqtt's encoding of the base topic for node ids: the character codes, concatenated. */
export function encodeBaseTopic(base: string): string {
  return [...base].map((c) => c.charCodeAt(0)).join("");
}

export const deviceIdentifier = (ieee: string): string => `zigbee2mqtt_${ieee}`;
export const bridgeIdentifier = (coordinatorIeee: string): string => `zigbee2mqtt_bridge_${coordinatorIeee}`;
export const groupNodeId = (env: Pick<DiscoveryEnv, "base">, id: number): string =>
  `${encodeBaseTopic(env.base)}_${id}`;

export const origin = (version: string) => ({ name: "zigmqtt", sw: version });

/** A topic-safe id part: HA allows `[a-zA-Z0-9_-]` in node and object ids. */
export const topicSafe = (s: string): string => s.replace(/[^a-zA-Z0-9_-]/g, "_");

function entityTopics(base: string, name: string): EntityTopics {
  return {
    state: `${base}/${name}`,
    command: (endpoint, property) => [base, name, endpoint, "set", property].filter((p) => p).join("/"),
  };
}

function bridgeAvailability(env: DiscoveryEnv, disabled = false): Record<string, unknown> {
  return {
    topic: `${env.base}/bridge/state`,
    value_template: disabled ? '{{ "offline" }}' : "{{ value_json.state }}",
  };
}

/**
 * `object_id`/`default_entity_id`: the entity id HA gives on first registration (`light.kitchen`, …). As zigbee2mqtt:
 * the device name lowercased with whitespace as `_` (other characters, `/` included, are left to HA), then the part
 * of the object id after `<component>_`, or the whole object id when it does not start with the component.
 */
function entityIdParts(component: string, objectId: string, name: string): Record<string, string> {
  let id = name.replace(/\s+/g, "_").toLowerCase();
  if (objectId.startsWith(component) && objectId.includes("_")) id += `_${objectId.split(/_(.+)/)[1]}`;
  else if (!objectId.startsWith(component)) id += `_${objectId}`;
  return { object_id: id, default_entity_id: `${component}.${id}` };
}

interface Owner {
  nodeId: string;
  uniquePrefix: string;
  name: string;
  device: Record<string, unknown>;
  availability: Record<string, unknown>[];
}

function finish(env: DiscoveryEnv, owner: Owner, c: EntityConfig): DiscoveryMessage {
  const topic = `${env.discoveryTopic}/${c.component}/${owner.nodeId}/${topicSafe(c.objectId)}/config`;
  if (c.component === "device_automation") {
    return { topic, payload: { ...c.payload, device: owner.device, origin: origin(env.version) } };
  }
  const payload: Record<string, unknown> = {
    ...entityIdParts(c.component, c.objectId, owner.name),
    ...c.payload,
    unique_id: `${owner.uniquePrefix}_${c.objectId}_${env.base}`,
    device: owner.device,
    origin: origin(env.version),
  };
  if (payload.availability === false) delete payload.availability;
  else {
    payload.availability = owner.availability;
    payload.availability_mode = "all";
  }
  return { topic, payload, mock: c.mock, mockValue: c.mockValue };
}

/** With `advanced.last_seen` on: when the device was last heard, a hidden diagnostic timestamp (as zigbee2mqtt's). */
function lastSeenConfig(stateTopic: string): EntityConfig {
  return {
    component: "sensor",
    objectId: "last_seen",
    payload: {
      name: "Last seen",
      state_topic: stateTopic,
      value_template: "{{ value_json.last_seen }}",
      device_class: "timestamp",
      icon: "mdi:clock",
      entity_category: "diagnostic",
      enabled_by_default: false,
    },
  };
}

/** A device trigger (`device_automation`) for one action value. */
export function triggerConfig(actionTopic: string, action: string): EntityConfig {
  return {
    component: "device_automation",
    objectId: `action_${action}`,
    payload: { automation_type: "trigger", type: "action", subtype: action, payload: action, topic: actionTopic },
  };
}

export function deviceMessages(env: DiscoveryEnv, device: BridgeDevice, actions: Iterable<string>): DiscoveryMessage[] {
  const def = device.definition;
  if (!def || device.options.homeassistant === null) return [];
  const name = device.name;
  const topics = entityTopics(env.base, name);
  const actionTopic = `${topics.state}/action`;
  const exposes = device.exposes() as Expose[];
  const configs = exposesToConfigs(exposes, topics, {
    legacyActionSensor: env.legacyActionSensor,
    eventEntities: env.eventEntities,
    actionTopic,
  });
  for (const a of actions) configs.push(triggerConfig(actionTopic, a));
  if (env.lastSeen) configs.push(lastSeenConfig(topics.state));
  if (def.ota) configs.push(updateEntityConfig(env.base, device.ieee, topics.state));
  const hook = def.meta?.overrideHaDiscoveryPayload;
  if (hook) for (const c of configs) hook(c.payload);
  const availability = [bridgeAvailability(env, device.options.disabled === true)];
  if (env.availabilityEnabled(device)) {
    availability.push({ topic: `${topics.state}/availability`, value_template: "{{ value_json.state }}" });
  }
  const owner: Owner = {
    nodeId: device.ieee,
    uniquePrefix: device.ieee,
    name,
    availability,
    device: {
      identifiers: [deviceIdentifier(device.ieee)],
      name,
      model: def.description,
      model_id: def.model,
      manufacturer: def.vendor,
      ...(device.zh.softwareBuildID ? { sw_version: device.zh.softwareBuildID } : {}),
      // a number, as zigbee2mqtt sends it
      ...(device.zh.hardwareVersion !== undefined ? { hw_version: device.zh.hardwareVersion } : {}),
      via_device: bridgeIdentifier(env.coordinatorIeee),
    },
  };
  return applyOverrides(configs, device.options.homeassistant).map((c) => finish(env, owner, c));
}

export function groupMessages(
  env: DiscoveryEnv,
  group: BridgeGroup,
  members: GroupMember[],
  /** whether `<base>/<name>/availability` is published for the group */
  availability: boolean,
): DiscoveryMessage[] {
  if (group.options.homeassistant === null) return [];
  const name = group.name;
  const topics = entityTopics(env.base, name);
  // only the group's light/switch/lock/cover entities (the merged effects belong to its light)
  const configs = exposesToConfigs(groupExposes(members), topics, {
    legacyActionSensor: false,
    eventEntities: false,
    actionTopic: `${topics.state}/action`,
  }).filter((c) => GROUP_TYPES.includes(c.component));
  for (const c of configs) {
    const ids = memberEntityIds(members, c.component, env.base);
    if (ids.length > 0) c.payload.group = ids;
    if (c.mock) c.mock = groupMockProperty(members, c.component) ?? c.mock;
  }
  const nodeId = groupNodeId(env, group.id);
  const owner: Owner = {
    nodeId,
    uniquePrefix: String(group.id),
    name,
    availability: [
      bridgeAvailability(env),
      ...(availability ? [{ topic: `${topics.state}/availability`, value_template: "{{ value_json.state }}" }] : []),
    ],
    device: {
      identifiers: [`zigbee2mqtt_${nodeId}`],
      name,
      model: "Group",
      manufacturer: "zigmqtt",
      sw_version: env.version,
      via_device: bridgeIdentifier(env.coordinatorIeee),
    },
  };
  return applyOverrides(configs, group.options.homeassistant).map((c) => finish(env, owner, c));
}

export function bridgeMessages(env: DiscoveryEnv, coordinatorType: string | undefined): DiscoveryMessage[] {
  const owner: Owner = {
    nodeId: `${encodeBaseTopic(env.base)}_${env.coordinatorIeee}`,
    uniquePrefix: `bridge_${env.coordinatorIeee}`,
    name: "zigmqtt Bridge",
    availability: [bridgeAvailability(env)],
    device: {
      identifiers: [bridgeIdentifier(env.coordinatorIeee)],
      name: "zigmqtt Bridge",
      model: "Bridge",
      manufacturer: "zigmqtt",
      sw_version: env.version,
      ...(coordinatorType ? { hw_version: coordinatorType } : {}),
    },
  };
  return bridgeConfigs(env.base).map((c) => finish(env, owner, c));
}

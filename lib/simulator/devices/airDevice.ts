import type { ApsFrame, Binding, DeviceLink, InterPanListener, NodeDescription } from "../air.js";

/**
 * What the simulated network needs from a virtual device. The network owns addressing, joining and ZDO; the device
 * owns its endpoints, clusters, attributes, bindings, group membership and its ZCL behaviour.
 */
export interface AirDevice {
  readonly description: NodeDescription;
  /** Connects the device to the air (after it joined, or on resume). Starts its timers (periodic reports). */
  attach(link: DeviceLink): void;
  /** Disconnects it (left, or the simulator stops): stops every timer; frames sent afterwards are dropped. */
  detach(): void;
  /** A frame for this device: unicast to one endpoint, or a groupcast/broadcast (dstEndpoint 0xff). */
  receive(frame: ApsFrame): void;
  /** Endpoints that are members of the group (genGroups add/remove). */
  groupEndpoints(groupId: number): number[];
  /** ZDO bind/unbind; returns a ZDO status (0 success, 0x88 no entry on unbind, 0x84 not supported, 0x8c table full). */
  bind(binding: Binding): number;
  unbind(binding: Binding): number;
  readonly bindings: readonly Binding[];
  /** Persistable state: attribute values, bindings, groups, reporting configuration. JSON-safe. */
  snapshot(): unknown;
  restore(state: unknown): void;
  /** Its touchlink target, on a device that answers inter-PAN commissioning (absent otherwise). */
  readonly touchlink?: InterPanListener;
}

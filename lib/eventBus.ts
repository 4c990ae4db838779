import type { Logger } from "./util/logger.js";
import type { Device as ZhDevice, Group as ZhGroup } from "./zigbee/herdsmanTypes.js";

/** Events the parts of the bridge exchange. Payloads are small and typed; listeners never see each other. */
export interface BridgeEvents {
  deviceMessage: { ieee: string; message: ZigbeeMessage };
  deviceJoined: { ieee: string };
  deviceInterview: { ieee: string; status: "started" | "successful" | "failed" };
  deviceLeave: { ieee: string; name: string };
  deviceAnnounce: { ieee: string };
  deviceNetworkAddressChanged: { ieee: string };
  /** a device's options were changed by a request (`from`/`to`: its options before and after) */
  deviceOptionsChanged: { ieee: string; from: Record<string, unknown>; to: Record<string, unknown> };
  permitJoinChanged: { permitted: boolean; time?: number };
  /**
   * device list or a device's data changed: bridge/devices must be republished. `listOnly` (a join, an interview, a
   * new network address, a reporting change): only bridge/devices, as zigbee2mqtt; else (configure, options,
   * bindings, group membership) bridge/info and bridge/definitions with it.
   */
  devicesChanged: { listOnly?: boolean };
  /** groups or their options changed; `optionsOnly`: bridge/groups (which has no options) is unchanged */
  groupsChanged: { optionsOnly?: boolean };
  /** `homeassistantRename`: the request asked Home Assistant's entity ids to follow the new name */
  entityRenamed: { kind: "device" | "group"; id: string; from: string; to: string; homeassistantRename?: boolean };
  entityRemoved: { kind: "device" | "group"; id: string; name: string };
  /** a state was published for an entity */
  statePublished: {
    key: string;
    name: string;
    state: Record<string, unknown>;
    /** what was published for (before the merge with the cached state) */
    update: Readonly<Record<string, unknown>>;
  };
  mqttConnected: { sessionPresent: boolean };
  adapterDisconnected: Record<string, never>;
  adapterReconnected: Record<string, never>;
}

export interface ZigbeeMessage {
  type: string;
  device: ZhDevice;
  endpoint: ZhEndpointLike;
  data: Record<string, unknown>;
  linkquality: number;
  groupID: number;
  cluster: string | number;
  meta: Record<string, unknown>;
}
type ZhEndpointLike = { ID: number };

export type { ZhGroup };

type Listener<E extends keyof BridgeEvents> = (payload: BridgeEvents[E]) => void | Promise<void>;

/**
 * A typed event bus with per-owner unsubscribe and error isolation: a listener that throws (or rejects) is logged
 * and the others still run.
 */
export class EventBus {
  private readonly listeners = new Map<keyof BridgeEvents, Array<{ owner: object; fn: Listener<never> }>>();

  constructor(private readonly logger: Logger) {}

  on<E extends keyof BridgeEvents>(event: E, owner: object, fn: Listener<E>): void {
    const list = this.listeners.get(event) ?? [];
    list.push({ owner, fn: fn as Listener<never> });
    this.listeners.set(event, list);
  }

  /** Removes every listener of an owner (a feature that stops). */
  off(owner: object): void {
    for (const [event, list] of this.listeners) {
      this.listeners.set(
        event,
        list.filter((l) => l.owner !== owner),
      );
    }
  }

  emit<E extends keyof BridgeEvents>(event: E, payload: BridgeEvents[E]): void {
    const list = this.listeners.get(event);
    if (!list) return;
    for (const l of list) {
      try {
        const r = (l.fn as Listener<E>)(payload);
        if (r && typeof (r as Promise<void>).catch === "function") {
          (r as Promise<void>).catch((e: unknown) => this.report(event, e));
        }
      } catch (e) {
        this.report(event, e);
      }
    }
  }

  private report(event: string, e: unknown): void {
    this.logger.error(`listener of '${event}' failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
}

import type { AttributeValue } from "../deviceSpec.js";
import type { GroupTable } from "../groupTable.js";
import type { SceneTable } from "../sceneTable.js";

/** A cluster-specific command as a behaviour sees it (parsed by herdsman's ZCL codec). */
export interface CommandRequest {
  /** herdsman's cluster name, e.g. "genOnOff" */
  readonly cluster: string;
  /** herdsman's command name, e.g. "moveToLevelWithOnOff" */
  readonly command: string;
  readonly payload: Readonly<Record<string, unknown>>;
  /** a groupcast or broadcast: nothing will be answered */
  readonly groupcast: boolean;
}

/** How a behaviour handled a command. */
export type CommandOutcome =
  /** done, or failed: the status of the defaultRsp (sent if asked for, or on error) */
  | { status: number }
  /** answered with a cluster-specific response command (sent server→client) */
  | { response: string; payload: Record<string, unknown> };

/** One endpoint of a device, as behaviours and simulations use it. */
export interface EndpointContext {
  readonly endpoint: number;
  has(cluster: string, attribute: string): boolean;
  get(cluster: string, attribute: string): AttributeValue | undefined;
  /** the value as a number, or `fallback` when the attribute is absent or not numeric */
  num(cluster: string, attribute: string, fallback?: number): number;
  /** Sets a value and lets the reporting configuration decide whether to report it. No-op (false) if absent. */
  set(cluster: string, attribute: string, value: AttributeValue): boolean;
  readonly groups: GroupTable;
  readonly scenes: SceneTable;
  now(): number;
  /** Runs `fn` after `ms`, replacing any timer under the same key on this endpoint. Timers end on detach. */
  schedule(key: string, ms: number, fn: () => void): void;
  cancel(key: string): void;
  /** transient per-endpoint state of behaviours (movements in progress…), cleared on detach */
  readonly memory: Map<string, unknown>;
}

/** The behaviour of one cluster: handles its commands or says "not mine" (undefined). */
export interface ClusterBehaviour {
  readonly cluster: string;
  handle(request: CommandRequest, ep: EndpointContext): CommandOutcome | undefined;
}

export const SUCCESS = { status: 0x00 } as const;

/** The ZCL "ExecuteIfOff" rule for level and colour commands: act on a light that is off only if options say so. */
export function executesIfOff(
  ep: EndpointContext,
  cluster: string,
  payload: Readonly<Record<string, unknown>>,
): boolean {
  if (!ep.has("genOnOff", "onOff") || ep.num("genOnOff", "onOff") === 1) return true;
  const mask = typeof payload.optionsMask === "number" ? payload.optionsMask : 0;
  const override = typeof payload.optionsOverride === "number" ? payload.optionsOverride : 0;
  const options = mask & 1 ? override : ep.num(cluster, "options");
  return (options & 1) === 1;
}

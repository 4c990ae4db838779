import type { EndpointContext } from "./clusterBehaviour.js";

/**
 * A continuous move of one numeric attribute (level or colour temperature) at a rate, between limits. The value is
 * written when the move stops (stop command, or a timer when it reaches its limit), not at every step: the move is
 * computed from the elapsed time, so reports show where it ended.
 */
interface Motion {
  from: number;
  /** units per second, signed */
  rate: number;
  startedAt: number;
  low: number;
  high: number;
}

export interface MoveTarget {
  key: string;
  cluster: string;
  attribute: string;
}

function position(motion: Motion, now: number): number {
  const value = Math.round(motion.from + (motion.rate * (now - motion.startedAt)) / 1000);
  return Math.min(motion.high, Math.max(motion.low, value));
}

/** Starts a move; `onLimit` runs (after the value is set) if it reaches its limit before being stopped. */
export function startMove(
  ep: EndpointContext,
  target: MoveTarget,
  rate: number,
  low: number,
  high: number,
  onLimit?: () => void,
): void {
  stopMove(ep, target);
  const from = ep.num(target.cluster, target.attribute);
  if (rate === 0) return;
  const limit = rate > 0 ? high : low;
  const motion: Motion = { from, rate, startedAt: ep.now(), low, high };
  ep.memory.set(target.key, motion);
  ep.schedule(target.key, Math.max(0, Math.ceil((Math.abs(limit - from) / Math.abs(rate)) * 1000)), () => {
    ep.memory.delete(target.key);
    ep.set(target.cluster, target.attribute, limit);
    onLimit?.();
  });
}

/** Stops a move in progress, writing the value reached; returns it, or undefined if nothing was moving. */
export function stopMove(ep: EndpointContext, target: MoveTarget): number | undefined {
  const motion = ep.memory.get(target.key) as Motion | undefined;
  if (!motion) return undefined;
  ep.memory.delete(target.key);
  ep.cancel(target.key);
  const value = position(motion, ep.now());
  ep.set(target.cluster, target.attribute, value);
  return value;
}

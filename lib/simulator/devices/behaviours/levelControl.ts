import {
  type ClusterBehaviour,
  type CommandRequest,
  type EndpointContext,
  executesIfOff,
  SUCCESS,
} from "./clusterBehaviour.js";
import { type MoveTarget, startMove, stopMove } from "./motion.js";

const LEVEL: MoveTarget = { key: "level:move", cluster: "genLevelCtrl", attribute: "currentLevel" };
/** rate used for a move with rate 0xff ("default move rate") when the device has no defaultMoveRate */
const DEFAULT_MOVE_RATE = 50;

function limits(ep: EndpointContext): [number, number] {
  return [Math.max(1, ep.num("genLevelCtrl", "minLevel", 1)), Math.min(254, ep.num("genLevelCtrl", "maxLevel", 254))];
}

/** Sets the level; with OnOff, a level above the minimum switches on and the minimum switches off. */
function setLevel(ep: EndpointContext, level: number, withOnOff: boolean): void {
  const [low, high] = limits(ep);
  const clamped = Math.min(high, Math.max(low, level));
  if (withOnOff && clamped > low) ep.set("genOnOff", "onOff", 1);
  ep.set("genLevelCtrl", "currentLevel", clamped);
  if (withOnOff && clamped === low) ep.set("genOnOff", "onOff", 0);
}

function move(ep: EndpointContext, request: CommandRequest, withOnOff: boolean): void {
  const [low, high] = limits(ep);
  const up = Number(request.payload.movemode) === 0;
  const raw = Number(request.payload.rate ?? 0);
  const rate = raw === 0xff ? ep.num("genLevelCtrl", "defaultMoveRate", DEFAULT_MOVE_RATE) : raw;
  if (withOnOff && up && ep.num("genOnOff", "onOff", 1) !== 1) {
    ep.set("genLevelCtrl", "currentLevel", low);
    ep.set("genOnOff", "onOff", 1);
  }
  const onLimit = withOnOff && !up ? () => ep.set("genOnOff", "onOff", 0) : undefined;
  startMove(ep, LEVEL, up ? rate : -rate, low, high, onLimit);
}

/**
 * genLevelCtrl: moveToLevel, move, step, stop and their WithOnOff variants. Transitions complete at once; a move
 * runs at its rate until stop or the limit (see motion.ts). Without OnOff, a light that is off ignores the command
 * unless options (ExecuteIfOff) say otherwise.
 */
export const levelControlBehaviour: ClusterBehaviour = {
  cluster: "genLevelCtrl",
  handle(request, ep) {
    if (request.cluster !== this.cluster) return undefined;
    const withOnOff = request.command.endsWith("WithOnOff");
    const command = withOnOff ? request.command.slice(0, -"WithOnOff".length) : request.command;
    if (!["moveToLevel", "move", "step", "stop"].includes(command)) return undefined;
    if (!withOnOff && !executesIfOff(ep, this.cluster, request.payload)) return SUCCESS;
    if (command !== "stop") stopMove(ep, LEVEL);
    switch (command) {
      case "moveToLevel":
        setLevel(ep, Number(request.payload.level ?? 0), withOnOff);
        break;
      case "move":
        move(ep, request, withOnOff);
        break;
      case "step": {
        const size = Number(request.payload.stepsize ?? 0);
        const delta = Number(request.payload.stepmode) === 0 ? size : -size;
        const [low, high] = limits(ep);
        const level = Math.min(high, Math.max(low, ep.num("genLevelCtrl", "currentLevel") + delta));
        if (withOnOff && delta > 0) ep.set("genOnOff", "onOff", 1);
        ep.set("genLevelCtrl", "currentLevel", level);
        if (withOnOff && delta < 0 && level === low) ep.set("genOnOff", "onOff", 0);
        break;
      }
      case "stop":
        stopMove(ep, LEVEL);
        break;
    }
    return SUCCESS;
  },
};

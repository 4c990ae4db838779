import { BridgeError, errorMessage } from "../../util/errors.js";
import type { BridgeDevice } from "../../zigbee/bridgeDevice.js";
import type { Endpoint } from "../../zigbee/herdsmanTypes.js";
import { type RequestModule, requireObject } from "../bridge/requests.js";
import type { BridgeContext } from "../context.js";
import { clearBindings } from "./bindingsClear.js";
import { disableTargetReporting, setUpTargetReporting } from "./bindReporting.js";
import {
  BINDABLE_CLUSTERS,
  type BindTarget,
  clusterFits,
  DEFAULT_BIND_GROUP,
  herdsmanTarget,
  resolveBindTarget,
} from "./bindTarget.js";
import { findCluster, findDevice, findEndpoint, optionalBoolean, requireKey } from "./deviceLookup.js";

const NS = "z2m:devices";
const EXAMPLE = '{"from": "remote", "to": "kitchen_lamp", "clusters": ["genOnOff"]}';

type Verb = "bind" | "unbind";

/** The clusters asked for (each must be a known cluster), or the bindable ones both sides have. */
function chooseClusters(
  device: BridgeDevice,
  source: Endpoint,
  target: BindTarget,
  requested: unknown,
): { candidates: string[]; unfit: string[] } {
  if (requested === undefined) {
    return { candidates: BINDABLE_CLUSTERS.filter((c) => clusterFits(source, target, c)), unfit: [] };
  }
  if (!Array.isArray(requested) || requested.length === 0) {
    throw new BridgeError("INVALID_PAYLOAD", "Invalid payload: 'clusters' must be a list like [\"genOnOff\"]");
  }
  const names = requested.map((c, i) => findCluster(device, c, `clusters[${i}]`).name);
  const has = (c: string) => source.supportsOutputCluster(c) || source.supportsInputCluster(c);
  return { candidates: names.filter(has), unfit: names.filter((c) => !has(c)) };
}

/**
 * device/bind, device/unbind and device/binds/clear. Binding a switch to a target also sets up reporting on the
 * target (see bindReporting.ts); unbinding turns it off again unless `skip_disable_reporting`.
 */
/** `reconfigure` configures a device again (after its reporting was stopped). */
export function bindRequests(ctx: BridgeContext, reconfigure: (ieee: string) => void): RequestModule {
  const run = async (verb: Verb, payload: unknown) => {
    const p = requireObject(payload, EXAMPLE);
    const fromKey = requireKey(p, "from", '"remote"');
    if (p.to === undefined)
      throw new BridgeError("INVALID_PAYLOAD", `Invalid payload: 'to' is required, like ${EXAMPLE}`);
    const skipDisableReporting = optionalBoolean(p, "skip_disable_reporting");
    const device = findDevice(ctx.zigbee, fromKey);
    const source = findEndpoint(device, p.from_endpoint, "from_endpoint");
    const target = resolveBindTarget(ctx.zigbee, p.to, p.to_endpoint);
    if (target.kind === "endpoint" && target.endpoint === source) {
      throw new BridgeError("INVALID_PAYLOAD", `Cannot ${verb} '${device.name}' to itself`);
    }
    const { candidates, unfit } = chooseClusters(device, source, target, p.clusters);
    if (candidates.length === 0) {
      throw new BridgeError(
        "INVALID_PAYLOAD",
        `Nothing to ${verb}: '${device.name}' and '${target.name}' have no cluster to ${verb} in common`,
      );
    }
    const succeeded: string[] = [];
    const failed: string[] = [...unfit];
    const zhTarget = herdsmanTarget(target);
    for (const cluster of candidates) {
      try {
        if (verb === "bind") await source.bind(cluster, zhTarget);
        else await source.unbind(cluster, zhTarget, typeof zhTarget === "number");
        succeeded.push(cluster);
      } catch (e) {
        ctx.logger.error(
          `Failed to ${verb} ${cluster} of '${device.name}' to '${target.name}': ${errorMessage(e)}`,
          NS,
        );
        failed.push(cluster);
      }
    }
    if (succeeded.length === 0) {
      throw new BridgeError(
        "ZIGBEE_FAILED",
        `Failed to ${verb} '${device.name}' to '${target.name}': ${failed.join(", ")} failed`,
      );
    }
    // zigbee2mqtt's wording, one line per cluster
    const done = verb === "bind" ? "bound" : "unbound";
    for (const cluster of succeeded) {
      ctx.logger.info(`Successfully ${done} cluster '${cluster}' from '${device.name}' to '${target.name}'`);
    }
    if (verb === "bind") {
      await setUpTargetReporting(ctx.zigbee, ctx.logger, target, succeeded);
      // the target's reportings changed: a full republish (devices, info, definitions), and another follows below for
      // the bindings, as zigbee2mqtt does
      ctx.bus.emit("devicesChanged", {});
    } else if (!skipDisableReporting) {
      for (const ieee of await disableTargetReporting(ctx.zigbee, ctx.logger, target, succeeded)) reconfigure(ieee);
    }
    trackDefaultBindGroup(ctx, target);
    ctx.bus.emit("devicesChanged", {});
    return {
      from: fromKey,
      from_endpoint: p.from_endpoint ?? "default",
      to: p.to,
      // as zigbee2mqtt: only when the request gave one
      to_endpoint: p.to_endpoint,
      clusters: succeeded,
      failed,
    };
  };

  return {
    "device/bind": (payload) => run("bind", payload),
    "device/unbind": (payload) => run("unbind", payload),
    "device/binds/clear": (payload) => clearBindings(ctx, payload),
  };
}

/** herdsman creates group 901 on the first bind to it: the bridge lists it (as default_bind_group) from then on. */
function trackDefaultBindGroup(ctx: BridgeContext, target: BindTarget): void {
  if (target.kind !== "group" || target.id !== DEFAULT_BIND_GROUP.id || ctx.zigbee.group(target.id)) return;
  const group = ctx.zigbee.controller.getGroupByID(target.id);
  if (!group) return;
  ctx.zigbee.trackGroup(group);
  ctx.bus.emit("groupsChanged", {});
}

import { ZSpec } from "zigbee-herdsman";
import { BridgeError, errorMessage } from "../../util/errors.js";
import type { BridgeDevice } from "../../zigbee/bridgeDevice.js";
import { requireObject } from "../bridge/requests.js";
import type { BridgeContext } from "../context.js";
import { findDevice, requireKey, zigbeeOperation } from "./deviceLookup.js";

const NS = "z2m:devices";
const IEEE = /^0x[0-9a-f]{16}$/i;
/** "every destination" in a ZDO Clear_All_Bindings_req */
const ALL = ZSpec.BLANK_EUI64;

/**
 * `device/binds/clear` `{target, ieee_list?}`: removes the device's bindings to the listed destinations (default:
 * all) with ZDO Clear_All_Bindings_req. Adapters whose firmware lacks that request (Z-Stack) get the same result
 * the long way: the device's binding table is read and each matching entry unbound.
 */
export async function clearBindings(ctx: BridgeContext, payload: unknown): Promise<Record<string, unknown>> {
  const p = requireObject(payload, '{"target": "remote", "ieee_list": ["0xffffffffffffffff"]}');
  const key = requireKey(p, "target", '"remote"');
  const list = p.ieee_list ?? [ALL];
  if (!Array.isArray(list) || list.length === 0 || !list.every((i) => typeof i === "string" && IEEE.test(i))) {
    throw new BridgeError(
      "INVALID_PAYLOAD",
      "Invalid payload: 'ieee_list' must be a list of IEEE addresses like [\"0x00124b0001020304\"]",
    );
  }
  const ieeeList = (list as string[]).map((i) => i.toLowerCase());
  const device = findDevice(ctx.zigbee, key);
  try {
    await device.zh.clearAllBindings(ieeeList as never);
  } catch (e) {
    if ((e as { code?: string }).code !== "ERR_ASSERTION") {
      throw new BridgeError("ZIGBEE_FAILED", `Clearing the bindings of '${device.name}' failed: ${errorMessage(e)}`);
    }
    ctx.logger.debug(() => `adapter has no Clear_All_Bindings_req (${errorMessage(e)}): unbinding one by one`, NS);
    await unbindEach(ctx, device, ieeeList);
  }
  ctx.logger.info(`Cleared the bindings of '${device.name}' to ${ieeeList.join(", ")}`, NS);
  ctx.bus.emit("devicesChanged", {});
  return { target: key, ieee_list: ieeeList };
}

async function unbindEach(ctx: BridgeContext, device: BridgeDevice, ieeeList: string[]): Promise<void> {
  const all = ieeeList.includes(ALL);
  const table = await zigbeeOperation(`Reading the binding table of '${device.name}'`, () => device.zh.bindingTable());
  const left: string[] = [];
  for (const entry of table) {
    const group = entry.destAddrMode === 0x01;
    const dest = String(entry.dest).toLowerCase();
    if (!(all || (!group && ieeeList.includes(dest)))) continue;
    const source = device.zh.getEndpoint(entry.sourceEndpoint);
    const target = group
      ? Number(entry.dest)
      : ctx.zigbee.controller.getDeviceByIeeeAddr(dest)?.getEndpoint(entry.destEndpoint ?? 1);
    const what = `${entry.clusterId} → ${group ? `group ${dest}` : `${dest}/${entry.destEndpoint}`}`;
    try {
      if (!source || target === undefined) throw new Error("destination unknown to the bridge");
      await source.unbind(entry.clusterId, target, true);
    } catch (e) {
      ctx.logger.warning(`Cannot unbind ${what} of '${device.name}': ${errorMessage(e)}`, NS);
      left.push(what);
    }
  }
  if (left.length > 0) {
    throw new BridgeError("ZIGBEE_FAILED", `Clearing the bindings of '${device.name}' left: ${left.join("; ")}`);
  }
}

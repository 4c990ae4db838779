import { BridgeError, errorMessage } from "../../util/errors.js";
import { type RequestModule, requireObject } from "../bridge/requests.js";
import type { BridgeContext } from "../context.js";

const IEEE = /^0x[0-9a-f]{16}$/;
const EXAMPLE = '{"ieee_address": "0x0017880104e45517", "channel": 11}';

/**
 * `touchlink/scan`, `touchlink/identify`, `touchlink/factory_reset`: herdsman's inter-PAN touchlink. A scan visits
 * the 16 channels waiting 500 ms for an answer on each, then gives the adapter 3 s to return to the network channel
 * (about 12 s in all); identify and factory reset first scan their one channel (about 3.5 s when nobody answers).
 * Only one touchlink operation runs at a time.
 */
export function touchlinkRequests(ctx: BridgeContext): RequestModule {
  const touchlink = () => ctx.zigbee.controller.touchlink;
  return {
    "touchlink/scan": async () => {
      const found = await run("scan", () => touchlink().scan());
      return { found: found.map((f) => ({ ieee_address: f.ieeeAddr, channel: f.channel })) };
    },

    "touchlink/identify": async (payload) => {
      const target = parseTarget(payload);
      await run("identify", () => touchlink().identify(target.ieee_address, target.channel));
      return target;
    },

    "touchlink/factory_reset": async (payload) => {
      const empty = payload === "" || isEmptyObject(payload);
      if (empty) {
        const done = await run("factory reset", () => touchlink().factoryResetFirst());
        if (!done) throw new BridgeError("ZIGBEE_FAILED", "Touchlink factory reset failed: no device answered");
        return {};
      }
      const target = parseTarget(payload);
      await run("factory reset", () => touchlink().factoryReset(target.ieee_address, target.channel));
      return target;
    },
  };
}

async function run<T>(what: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (e) {
    if (e instanceof BridgeError) throw e;
    const message = errorMessage(e);
    if (/not supported/i.test(message)) {
      throw new BridgeError("UNSUPPORTED", "Touchlink is not supported by this adapter");
    }
    if (/already in progress/i.test(message)) {
      throw new BridgeError("ZIGBEE_FAILED", `Touchlink ${what} refused: another touchlink operation is in progress`);
    }
    if (/timeout/i.test(message)) {
      throw new BridgeError("ZIGBEE_FAILED", `Touchlink ${what} failed: no device answered the scan request`);
    }
    throw new BridgeError("ZIGBEE_FAILED", `Touchlink ${what} failed: ${message}`);
  }
}

function parseTarget(payload: unknown): { ieee_address: string; channel: number } {
  const p = requireObject(payload, EXAMPLE);
  const ieee = typeof p.ieee_address === "string" ? p.ieee_address.toLowerCase() : undefined;
  if (!ieee || !IEEE.test(ieee)) {
    throw new BridgeError("INVALID_PAYLOAD", `Invalid payload: 'ieee_address' must be an IEEE address like ${EXAMPLE}`);
  }
  const channel = p.channel;
  if (typeof channel !== "number" || !Number.isInteger(channel) || channel < 11 || channel > 26) {
    throw new BridgeError("INVALID_PAYLOAD", "Invalid payload: 'channel' must be a Zigbee channel from 11 to 26");
  }
  return { ieee_address: ieee, channel };
}

function isEmptyObject(payload: unknown): boolean {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return false;
  return Object.keys(payload).every((k) => k === "transaction");
}

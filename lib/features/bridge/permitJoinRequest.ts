import { BridgeError } from "../../util/errors.js";
import { BridgeDevice } from "../../zigbee/bridgeDevice.js";
import type { BridgeContext } from "../context.js";
import type { RequestModule } from "./requests.js";

/** Zigbee allows at most 254 s; joining is always time-limited. */
const MAX_TIME = 254;

/** `bridge/request/permit_join`: `{"time": 0-254, "device"?: "<router>"}` or the string `"<seconds>"`. */
export function permitJoinRequests(ctx: BridgeContext): RequestModule {
  return {
    permit_join: async (payload) => {
      let time: unknown;
      let deviceKey: unknown;
      if (typeof payload === "number" || typeof payload === "string") time = Number(payload);
      else if (typeof payload === "object" && payload !== null && !Array.isArray(payload)) {
        const p = payload as Record<string, unknown>;
        time = p.time;
        deviceKey = p.device;
      }
      if (typeof time !== "number" || !Number.isInteger(time) || time < 0 || time > MAX_TIME) {
        throw new BridgeError(
          "INVALID_PAYLOAD",
          `Invalid payload: 'time' must be a whole number of seconds from 0 to ${MAX_TIME}`,
        );
      }
      let device: BridgeDevice | undefined;
      // null is "no device" too: WindFront sends its undefined fields as null
      if (deviceKey !== undefined && deviceKey !== null) {
        const e = typeof deviceKey === "string" ? ctx.zigbee.resolveEntity(deviceKey) : undefined;
        if (!(e instanceof BridgeDevice))
          throw new BridgeError("UNKNOWN_ENTITY", `Device '${String(deviceKey)}' does not exist`);
        if (e.zh.type !== "Router") throw new BridgeError("UNSUPPORTED", `Device '${e.name}' is not a router`);
        device = e;
      }
      await ctx.zigbee.permitJoin(time, device);
      // zigbee2mqtt's wording
      ctx.logger.info(time > 0 ? "Zigbee: allowing new devices to join." : "Zigbee: disabling joining new devices.");
      return device ? { time, device: device.name } : { time };
    },
  };
}
